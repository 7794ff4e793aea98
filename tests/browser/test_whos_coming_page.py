"""An attendee's event page in a browser: person cards and people to meet fit a phone, pass axe and the Nu
checker, and are photographed to look at."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from flashmob.events.rsvps import services as rsvps
from flashmob.extensions import db
from flashmob.members.models import (
    ConnectionNote,
    MemberProfile,
    MemberTag,
    MemberTagKind,
    PmoKind,
    ProfileVisibility,
)
from flashmob.tags import tags_named
from tests import factories
from tests.browser.checks import axe_violations, describe_violations, validate_html
from tests.browser.conftest import VIEWPORTS
from tests.browser.site import build_site, confirm

CROWD = [
    # name, headline, organisation, kind of PMO, expertise, interests, visibility
    (
        "Priya Shah",
        "Head of Portfolio Office",
        "Sandwell and West Birmingham NHS Trust",
        PmoKind.PORTFOLIO,
        ("Benefits reporting", "Risk registers"),
        ("Agile governance",),
        ProfileVisibility.MEMBERS,
    ),
    (
        "Rhys Owen",
        "PMO Analyst",
        "Severn Trent",
        PmoKind.PROGRAMME,
        ("RAID logs", "Scheduling", "Power BI dashboards", "Resource planning"),
        ("Benefits reporting",),
        ProfileVisibility.EVERYONE,
    ),
    (
        "Sam Smith",
        "Programme Manager",
        "Network Rail",
        PmoKind.PROGRAMME,
        ("Assurance",),
        (),
        ProfileVisibility.EVERYONE,
    ),
    ("Sam Smith", "", "", None, (), (), ProfileVisibility.MEMBERS),
    (
        "Mo Private",
        "Enterprise PMO Lead",
        "Secret Org",
        PmoKind.ENTERPRISE,
        ("Risk registers",),
        (),
        ProfileVisibility.MET,
    ),
]


def _crowd(site):
    people = []
    for name, headline, organisation, kind, expertise, interests, visibility in CROWD:
        person = factories.create_user(name)
        db.session.add(
            MemberProfile(
                user_id=person.id,
                headline=headline,
                organisation=organisation,
                pmo_kind=kind,
                visibility=visibility,
            )
        )
        for tag_kind, names in ((MemberTagKind.EXPERTISE, expertise), (MemberTagKind.INTEREST, interests)):
            for position, tag in enumerate(tags_named(names)):
                db.session.add(MemberTag(user_id=person.id, tag_id=tag.id, kind=tag_kind, position=position))
        people.append(person)
    member = site.member
    db.session.add(
        MemberProfile(
            user_id=member.id, headline="Project Support Officer", organisation="Birmingham City Council"
        )
    )
    for position, tag in enumerate(tags_named(["Risk registers", "Agile governance"])):
        db.session.add(
            MemberTag(user_id=member.id, tag_id=tag.id, kind=MemberTagKind.INTEREST, position=position)
        )
    db.session.add(
        ConnectionNote(
            owner_id=member.id, about_id=people[1].id, body="Met at Birmingham #3: his RAID log template"
        )
    )
    db.session.commit()
    confirm(*people)
    site.upcoming.capacity = None
    for person in [member, *people]:
        rsvps.rsvp_going(site.upcoming, person)
    db.session.commit()
    return people


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_an_attendees_event_page_shows_cards_and_people_to_meet_that_fit_the_screen(
    viewport, new_page, server, sign_in, screenshot, axe_js
):
    site = build_site()
    _crowd(site)
    page = new_page(VIEWPORTS[viewport])
    sign_in(page, site.member)
    page.goto(server.path("events.detail", event_id=site.upcoming.id))

    meet = page.get_by_role("region", name="People to meet")
    expect(meet.get_by_role("link", name="Priya Shah")).to_be_visible()
    expect(meet).to_contain_text("Knows about Risk registers, which you want to talk about")
    coming = page.get_by_role("region", name="Who's coming")
    expect(coming).to_contain_text("Programme Manager · Network Rail")
    expect(coming).to_contain_text("Your note (only you see it): Met at Birmingham #3")
    expect(coming.get_by_role("link", name="Mo Private")).to_be_visible()
    expect(coming).not_to_contain_text("Enterprise PMO Lead")

    overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    screenshot(page, f"event-attendee-{viewport}")
    assert overflow <= 0, f"the event page is {overflow}px wider than a {viewport} screen"
    violations = axe_violations(page, axe_js)
    assert not violations, describe_violations(f"the event page at {viewport} width", violations)


def test_an_attendees_event_page_is_valid_html(new_page, server, sign_in, vnu_jar, tmp_path):
    site = build_site()
    _crowd(site)
    page = new_page()
    sign_in(page, site.member)
    page.goto(server.path("events.detail", event_id=site.upcoming.id))
    target = tmp_path / "event-attendee.html"
    target.write_text(page.content(), encoding="utf-8")
    problems = validate_html(vnu_jar, [target])
    assert not problems, "\n".join(problems)
