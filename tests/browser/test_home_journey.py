"""A member signs in and the home page leads with their evening: their place, their ticket, who is going;
then their chapter's evenings, then the rest. Photographed at phone and desktop widths."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect

from flashmob.events.models import EventStatus
from flashmob.events.rsvps import services as rsvps
from flashmob.extensions import db
from tests import factories
from tests.browser.checks import axe_violations, describe_violations, validate_html
from tests.browser.conftest import VIEWPORTS
from tests.browser.site import build_site, confirm


def _busy_site():
    site = build_site()
    rsvps.rsvp_going(site.upcoming, site.member)
    for name in ("Bea Early", "Cal Ahmed", "Dee O'Neill", "Eve Stone", "Fin Park", "Gus Lee", "Hana Mori"):
        rsvps.rsvp_going(site.upcoming, factories.create_user(name))
    starts_at = (datetime.now(UTC) + timedelta(days=20)).replace(hour=17, minute=30, second=0, microsecond=0)
    factories.create_event(
        site.birmingham,
        # 135 characters (the column holds 140), one word of 121 letters.
        title="Portfolio" + "reprioritisation" * 7 + " without tears",
        starts_at=starts_at,
        venue_name="The Jewellery Quarter Assay Office, upstairs room",
    )
    factories.create_event(
        site.birmingham,
        title="A call we had to make",
        starts_at=starts_at + timedelta(days=3),
        status=EventStatus.CANCELLED,
    )
    db.session.commit()
    confirm(site.member)
    return site


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_signed_in_home_leads_with_your_evening_and_ticket(
    viewport, new_page, server, sign_in, screenshot, axe_js
):
    site = _busy_site()
    page = new_page(VIEWPORTS[viewport])
    sign_in(page, site.member)
    page.goto(server.path("events.home"))
    main = page.get_by_role("main")
    nxt = page.locator(".next-evening")
    expect(nxt.get_by_role("heading", name="Your next evening")).to_be_visible()
    expect(nxt).to_contain_text("RAID logs that people read")
    expect(nxt).to_contain_text("You're going")
    expect(nxt).to_contain_text("8 going")
    expect(main.get_by_role("heading", name="Coming up in your chapters")).to_be_visible()
    expect(main.get_by_role("heading", name="More evenings")).to_be_visible()
    expect(main.get_by_role("heading", name="London PMO night")).to_be_visible()
    page.wait_for_load_state("load")
    overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    screenshot(page, f"home-signed-in-{viewport}")
    assert overflow <= 0, f"the signed-in home is {overflow}px wider than a {viewport} screen"
    violations = axe_violations(page, axe_js)
    assert not violations, describe_violations("signed-in home", violations)

    nxt.get_by_role("link", name="Show your ticket").click()
    expect(page).to_have_url(
        re.compile(re.escape(server.path("events.my_ticket", event_id=site.upcoming.id)) + "$")
    )


def test_home_and_event_lists_are_valid_html_and_accessible(
    new_page, server, sign_in, vnu_jar, axe_js, tmp_path
):
    site = _busy_site()
    page = new_page()
    sign_in(page, site.member)
    files = []
    stranger = new_page()
    paths = {
        "home": server.path("events.home"),
        "upcoming": server.path("events.upcoming"),
        "past": server.path("events.past"),
        "chapter": server.path("events.chapter", slug=site.birmingham.slug),
        "chapter-past": server.path("events.chapter_past", slug=site.birmingham.slug),
    }
    for name, path in [*paths.items(), ("stranger-home", paths["home"])]:
        viewer = stranger if name.startswith("stranger") else page
        response = viewer.goto(path)
        assert response.status == 200, f"{name}: HTTP {response.status}"
        violations = axe_violations(viewer, axe_js)
        assert not violations, describe_violations(name, violations)
        file = tmp_path / f"{name}.html"
        file.write_text(response.text(), encoding="utf-8")
        files.append(file)
    problems = validate_html(vnu_jar, files)
    assert not problems, "\n".join(problems)
