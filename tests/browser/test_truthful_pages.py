"""The event page in each state a reader meets it, in a browser: a long unbroken title does not widen a
phone's page, the RSVP panel comes before the attendee list on a phone, and every state is photographed at
phone and desktop widths to look at."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect

from flashmob.events.models import EventStatus, RsvpStatus
from flashmob.events.rsvps import services as rsvps
from flashmob.extensions import db
from tests import factories
from tests.browser.checks import axe_violations, describe_violations, validate_html
from tests.browser.conftest import PHONE, VIEWPORTS
from tests.browser.site import build_site, confirm
from tests.discussions.archive_factories import publish_writeup

LONG_TITLE = "Portfolio" * 15 + "Office"[:5]  # 140 letters, no space to break at
LONG_ADDRESS = "Unit-7-" * 12 + "Birmingham-B2-5NY"

WIDER_THAN_THE_SCREEN = "() => document.scrollingElement.scrollWidth - window.innerWidth"


def people(*names):
    made = [factories.create_user(name) for name in names]
    confirm(*made)
    return made


def test_a_140_letter_title_and_a_long_address_do_not_widen_a_phones_page(
    new_page, server, sign_in, screenshot
):
    assert len(LONG_TITLE) == 140
    site = build_site()
    event = factories.create_event(site.birmingham, title=LONG_TITLE, venue_address=LONG_ADDRESS, capacity=5)
    rsvps.rsvp_going(event, site.organiser)
    db.session.commit()
    path = server.path("events.detail", event_id=event.id)

    page = new_page(PHONE)
    page.goto(path)
    assert page.evaluate(WIDER_THAN_THE_SCREEN) <= 0, "the long title widens the event page for a stranger"
    sign_in(page, site.member)
    for where in (path, server.path("events.upcoming"), server.path("events.chapter", slug="birmingham")):
        page.goto(where)
        assert page.evaluate(WIDER_THAN_THE_SCREEN) <= 0, f"the long title widens {where} on a phone"
    page.goto(path)
    screenshot(page, "event-long-title-phone")


def test_on_a_phone_the_rsvp_panel_comes_before_who_is_coming(new_page, server, sign_in, screenshot):
    site = build_site()
    rsvps.rsvp_going(site.upcoming, site.organiser)
    db.session.commit()
    page = new_page(PHONE)
    sign_in(page, site.member)
    page.goto(server.path("events.detail", event_id=site.upcoming.id))
    rsvp = page.locator("#rsvp").bounding_box()
    coming = page.locator("#coming-heading").bounding_box()
    assert rsvp["y"] + rsvp["height"] <= coming["y"], "the RSVP panel is below the attendee list on a phone"
    # And the button is within the first two screens, not under the description and the list.
    going = page.locator("#rsvp").get_by_role("button", name="Going", exact=True).bounding_box()
    assert going["y"] < 2 * PHONE["height"]


def _states():
    """An evening in each state, and who looks at it: (name, event, viewer or None)."""
    site = build_site()
    ann, ben, cat = people("Ann Early", "Ben Second", "Cat Third")
    now = datetime.now(UTC).replace(second=0, microsecond=0)

    full = factories.create_event(site.birmingham, title="A full evening", capacity=1)
    rsvps.rsvp_going(full, ann)
    waiting = factories.create_event(site.birmingham, title="An evening you wait for", capacity=1)
    rsvps.rsvp_going(waiting, ann)
    rsvps.rsvp_going(waiting, site.member)
    offered = factories.create_event(site.birmingham, title="A seat held for you", capacity=1)
    mine = rsvps.rsvp_going(offered, site.member).rsvp
    mine.status = RsvpStatus.OFFERED
    mine.offer_expires_at = now + timedelta(hours=4)
    pending = factories.create_event(site.birmingham, title="Organisers approve", requires_approval=True)
    rsvps.rsvp_going(pending, site.member)
    cancelled = factories.create_event(
        site.birmingham, title="Called off", cancellation_reason="The venue flooded."
    )
    rsvps.rsvp_going(cancelled, site.member)
    cancelled.status = EventStatus.CANCELLED
    cancelled.cancelled_at = now

    # Past evenings: people say going while they can, then the evening is moved into the past.
    checked = factories.create_event(site.birmingham, title="Checked in evening")
    for person in (ann, ben, cat, site.member):
        answer = rsvps.rsvp_going(checked, person).rsvp
        if person is not cat:
            answer.checked_in_at = now - timedelta(days=3)
    written = factories.create_event(site.birmingham, title="A written-up evening")
    for person in (ann, site.member):
        rsvps.rsvp_going(written, person)
    for event in (checked, written):
        event.starts_at, event.ends_at = now - timedelta(days=3), now - timedelta(days=3) + timedelta(hours=2)
    db.session.commit()
    publish_writeup(
        written, [{"statement": "Name one owner per risk"}, {"statement": "Read the RAID log out loud"}]
    )
    db.session.commit()
    return site, [
        ("full", full, site.member),
        ("waitlisted", waiting, site.member),
        ("offered", offered, site.member),
        ("pending", pending, site.member),
        ("cancelled", cancelled, site.member),
        ("draft", site.draft, site.organiser),
        ("past-no-checkin", site.past, None),
        ("past-checked-in", checked, site.member),
        ("past-writeup", written, site.member),
        ("upcoming", site.upcoming, site.member),
    ]


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_every_state_of_the_event_page_fits_and_is_photographed(
    viewport, new_page, server, sign_in, screenshot, axe_js, vnu_jar, tmp_path
):
    _site, states = _states()
    pages = {}
    saved = []
    for name, event, viewer in states:
        key = viewer.id if viewer else None
        if key not in pages:
            pages[key] = new_page(VIEWPORTS[viewport])
            if viewer is not None:
                sign_in(pages[key], viewer)
        page = pages[key]
        response = page.goto(server.path("events.detail", event_id=event.id))
        assert response.status == 200, f"{name}: HTTP {response.status}"
        assert page.evaluate(WIDER_THAN_THE_SCREEN) <= 0, f"the {name} event page is wider than the screen"
        screenshot(page, f"event-{name}-{viewport}")
        violations = axe_violations(page, axe_js)
        assert not violations, describe_violations(f"the {name} event page at {viewport} width", violations)
        saved.append(tmp_path / f"event-{name}.html")
        saved[-1].write_text(page.content(), encoding="utf-8")
        main = page.get_by_role("main")
        if name == "full":
            expect(main.get_by_role("button", name="Join the waitlist")).to_be_visible()
        if name == "waitlisted":
            expect(main.get_by_role("button", name="Leave the waitlist")).to_be_visible()
        if name.startswith("past"):
            expect(main.get_by_text("This event has taken place")).to_have_count(1)
            expect(main.get_by_text("Add to calendar")).to_have_count(0)
        if name == "cancelled":
            expect(main.locator("#rsvp")).not_to_contain_text("You're going")
    problems = validate_html(vnu_jar, saved)
    assert not problems, "\n".join(problems)
