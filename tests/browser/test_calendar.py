"""Calendar feeds in a real browser: copying a chapter's address, and a member's own calendar address."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from playwright.sync_api import expect

from tests.browser.site import build_site


def _path(address: str) -> str:
    """The address names the public site (BASE_URL); the journey fetches it from the live server."""
    return urlsplit(address).path


def test_a_visitor_copies_a_chapters_calendar_address_for_google_calendar(page, server):
    build_site()
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.goto("/chapters/birmingham")
    panel = page.get_by_role("region", name="Subscribe to Birmingham events")
    expect(panel.get_by_role("link", name="Subscribe")).to_have_attribute(
        "href", re.compile(r"^webcal://.+/chapters/birmingham/calendar\.ics$")
    )
    address = panel.get_by_label("Calendar address")
    expect(address).to_have_value(re.compile(r"^https?://.+/chapters/birmingham/calendar\.ics$"))
    expect(address).not_to_be_editable()

    panel.get_by_role("button", name="Copy").click()  # shown by the script: it can copy here
    expect(panel.get_by_role("status")).to_have_text("Copied the address.")
    assert page.evaluate("navigator.clipboard.readText()") == address.input_value()

    feed = page.request.get(_path(address.input_value()))
    assert feed.status == 200
    assert feed.headers["content-type"] == "text/calendar; charset=utf-8"
    assert "RAID logs that people read" in feed.text()


def test_a_member_gets_their_own_calendar_address_and_resets_it(page, server, sign_in):
    site = build_site()
    sign_in(page, site.member)
    page.goto("/account")
    main = page.get_by_role("main")
    main.get_by_role("button", name="Get my calendar address").click()
    expect(page.get_by_role("status").filter(has_text="Your calendar address is ready")).to_be_visible()

    first = _path(main.get_by_label("Calendar address").input_value())
    assert page.request.get(first).status == 200

    main.get_by_role("button", name="Reset my calendar address").click()
    expect(page.get_by_role("status").filter(has_text="The old one no longer works")).to_be_visible()
    second = _path(main.get_by_label("Calendar address").input_value())
    assert second != first
    assert page.request.get(first).status == 404
    assert page.request.get(second).status == 200
