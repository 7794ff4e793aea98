"""An organiser, in a browser: from the account menu to their chapters' figures, charts and export."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect

from flashmob.events.models import Rsvp, RsvpStatus
from flashmob.extensions import db
from tests.browser.checks import axe_violations, describe_violations
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.site import build_site
from tests.factories import create_event, create_user


def _evening_with_check_in(site):
    """A past Birmingham evening where two were going and one was checked in."""
    start = datetime.now(UTC).replace(second=0, microsecond=0) - timedelta(days=3)
    event = create_event(site.birmingham, title="Portfolio boards, honestly", starts_at=start)
    came, stayed_home = create_user("Priya Patel"), create_user("Tom Okafor")
    db.session.add(Rsvp(event_id=event.id, user_id=came.id, status=RsvpStatus.GOING, checked_in_at=start))
    db.session.add(Rsvp(event_id=event.id, user_id=stayed_home.id, status=RsvpStatus.GOING))
    db.session.commit()
    return event


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_organiser_finds_their_chapters_figures_charts_and_export(
    viewport, request, new_page, server, sign_in, axe_js, screenshot
):
    site = build_site()
    _evening_with_check_in(site)
    page = new_page(viewport)
    sign_in(page, site.organiser)
    page.get_by_role("navigation", name="Account").get_by_role("link", name="Your chapters").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Your chapters")
    main = page.get_by_role("main")
    expect(main.get_by_role("img", name="Birmingham: RSVPs and turnout")).to_be_visible()
    expect(main.get_by_role("img", name="Birmingham: new and returning members")).to_be_visible()
    figures = main.get_by_role("table", name="Birmingham's evenings in figures")
    row = figures.get_by_role("row").filter(has_text="Portfolio boards, honestly")
    # Going, came, no-shows, new, returning: after the date.
    cells = row.get_by_role("cell")
    expect(cells).to_have_count(6)
    for position, value in enumerate(["2", "1", "1", "2", "0"], start=1):
        expect(cells.nth(position)).to_have_text(value)
    violations = axe_violations(page, axe_js)
    assert not violations, describe_violations("dashboard", violations)
    screenshot(page, f"dashboard-{request.node.callspec.id}")

    with page.expect_download() as download:
        main.get_by_role("link", name="Download the figures (CSV)").click()
    with open(download.value.path(), encoding="utf-8-sig") as export:
        rows = list(csv.reader(io.StringIO(export.read())))
    assert rows[0][:3] == ["Date", "Chapter", "Evening"]
    portfolio = next(r for r in rows if r[2] == "Portfolio boards, honestly")
    assert portfolio[3:8] == ["2", "0", "1", "0", "1"]


def test_a_member_has_no_dashboard_link(new_page, server, sign_in):
    site = build_site()
    page = new_page()
    sign_in(page, site.member)
    expect(
        page.get_by_role("navigation", name="Account").get_by_role("link", name="Your chapters")
    ).to_have_count(0)
