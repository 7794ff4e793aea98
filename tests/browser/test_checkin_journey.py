"""On the night, in a browser at phone width: an organiser finds an attendee by name and checks them in."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from playwright.sync_api import expect
from sqlalchemy import select

from flashmob.events.models import Rsvp, RsvpStatus
from flashmob.extensions import db
from tests.browser.checks import axe_violations, describe_violations
from tests.browser.conftest import PHONE
from tests.browser.site import build_site
from tests.factories import create_event, create_user


def _fresh():
    """Forget what this thread's session has loaded: the browser changed the database behind it."""
    db.session.rollback()


def _tonight(site):
    """An evening of the site's chapter starting in two hours: check-in is open on the day only."""
    start = datetime.now(UTC).replace(second=0, microsecond=0) + timedelta(hours=2)
    return create_event(site.birmingham, title="Stakeholder maps that survive a reorg", starts_at=start)


def _going(event, user) -> Rsvp:
    rsvp = Rsvp(event_id=event.id, user_id=user.id, status=RsvpStatus.GOING)
    db.session.add(rsvp)
    db.session.commit()
    return rsvp


def _no_serious_violations(page, axe_js, where: str) -> None:
    violations = axe_violations(page, axe_js)
    assert not violations, describe_violations(where, violations)


def test_organiser_on_a_phone_finds_an_attendee_by_name_and_checks_them_in(
    new_page, server, sign_in, axe_js, screenshot
):
    site = build_site()
    tonight = _tonight(site)
    mina = _going(tonight, site.member)
    for name in ("Priya Patel", "Tom Okafor", "Grace Hopper"):
        _going(tonight, create_user(name))

    page = new_page(PHONE)
    sign_in(page, site.organiser)
    page.goto(server.path("events.detail", event_id=tonight.id))
    page.get_by_role("main").get_by_role("link", name="Check in attendees").click()

    main = page.get_by_role("main")
    expect(page.get_by_role("heading", level=1)).to_have_text("Check in")
    expect(main).to_contain_text("0 of 4 checked in")
    _no_serious_violations(page, axe_js, "check-in page at phone width")

    main.get_by_label("Find an attendee by name").fill("mina")
    main.get_by_role("button", name="Search", exact=True).click()
    main = page.get_by_role("main")
    expect(main.get_by_role("heading", name="Matching “mina”")).to_be_visible()
    expect(main.get_by_text("Priya Patel")).to_have_count(0)
    check_in = main.get_by_role("button", name="Check in Mina Member")
    box = check_in.bounding_box()
    assert box is not None and box["height"] >= 44, "the Check in button is a comfortable target for a thumb"
    check_in.click()

    expect(page.get_by_text("Mina Member is checked in.")).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text("1 of 4 checked in")
    undo = page.get_by_role("main").get_by_role("button", name="Undo check-in of Mina Member")
    expect(undo).to_be_visible()
    screenshot(page, "check-in-phone")

    _fresh()
    rsvp = db.session.scalars(select(Rsvp).where(Rsvp.id == mina.id)).one()
    assert rsvp.checked_in_at is not None
    assert rsvp.checked_in_by_id == site.organiser.id


def test_a_member_shows_a_ticket_whose_code_opens_a_one_tap_check_in(
    new_page, server, sign_in, axe_js, screenshot
):
    site = build_site()
    tonight = _tonight(site)
    mina = _going(tonight, site.member)

    member = new_page(PHONE)
    sign_in(member, site.member)
    member.goto(server.path("events.detail", event_id=tonight.id))
    member.get_by_role("main").get_by_role("link", name="Show my ticket").click()
    expect(member.get_by_role("heading", level=1)).to_have_text(tonight.title)
    code = member.get_by_role("img", name="QR code of Mina Member's ticket")
    expect(code).to_be_visible()
    _no_serious_violations(member, axe_js, "ticket page at phone width")
    screenshot(member, "ticket-phone")

    # What the organiser's phone opens on scanning the code.
    organiser = new_page(PHONE)
    sign_in(organiser, site.organiser)
    organiser.goto(server.path("events.scan_ticket", event_id=tonight.id, ticket_code=mina.ticket_code))
    _no_serious_violations(organiser, axe_js, "scanned ticket at phone width")
    organiser.get_by_role("button", name="Check in Mina Member").click()
    expect(organiser.get_by_text("Mina Member is checked in.")).to_be_visible()

    organiser.goto(server.path("events.scan_ticket", event_id=tonight.id, ticket_code=mina.ticket_code))
    expect(organiser.get_by_role("main")).to_contain_text("Already checked in at")
