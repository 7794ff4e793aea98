"""An organiser gives an event a cover picture and sees it head the event's page, on a phone and a desktop;
the chapter's other events keep the chapter's drawn cover."""

from __future__ import annotations

from playwright.sync_api import expect

from flashmob.demo import abstract_cover
from flashmob.events.covers.services import WIDE
from tests.browser.checks import axe_violations, describe_violations
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.site import build_site


def _cover_file(tmp_path):
    path = tmp_path / "canal-at-dusk.png"
    path.write_bytes(abstract_cover((24, 48, 92), (226, 112, 72), seed=5))
    return path


def _loaded_width(image) -> int:
    """How wide the picture the browser decoded is (0 when it is broken)."""
    return image.evaluate("img => img.complete ? img.naturalWidth : 0")


def test_an_organiser_uploads_an_event_cover_and_sees_it_at_phone_and_desktop_width(
    new_page, server, sign_in, axe_js, screenshot, tmp_path
):
    site = build_site()
    page = new_page(DESKTOP)
    sign_in(page, site.organiser)
    page.goto(server.path("events.detail", event_id=site.upcoming.id))
    banner = page.locator(".cover-banner img")
    drawn = server.path("events.default_cover", slug=site.birmingham.slug, size="wide")
    expect(banner).to_have_attribute("src", drawn)
    assert _loaded_width(banner) > 0, "the drawn cover shows, not a broken picture"

    page.get_by_role("main").get_by_role("link", name="Cover picture").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Cover picture for {site.upcoming.title}")
    main = page.get_by_role("main")
    main.get_by_label("Cover picture").set_input_files(_cover_file(tmp_path))
    main.get_by_role("button", name="Upload cover picture").click()

    expect(page.get_by_role("status").filter(has_text="The cover picture is saved")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text(site.upcoming.title)
    banner = page.locator(".cover-banner img")
    expect(banner).to_have_attribute("src", f"/events/{site.upcoming.id}/cover/1/wide.webp")
    expect(banner).to_have_attribute("alt", "")  # the title beside it says what it is
    assert _loaded_width(banner) == WIDE[0]
    box = banner.bounding_box()
    assert box is not None and box["width"] <= DESKTOP["width"]
    violations = axe_violations(page, axe_js)
    assert not violations, describe_violations("event page with a cover, desktop", violations)
    screenshot(page, "event-cover-desktop")
    page.goto(server.path("events.edit_event_cover", event_id=site.upcoming.id))
    expect(page.get_by_role("main").get_by_role("button", name="Remove the cover picture")).to_be_visible()
    screenshot(page, "event-cover-page-desktop")

    phone = new_page(PHONE)
    sign_in(phone, site.member)
    phone.goto(server.path("events.detail", event_id=site.upcoming.id))
    banner = phone.locator(".cover-banner img")
    assert _loaded_width(banner) == WIDE[0]
    box = banner.bounding_box()
    assert box is not None and 300 <= box["width"] <= PHONE["width"], "the cover fits the phone's width"
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], "no sideways scrolling"
    violations = axe_violations(phone, axe_js)
    assert not violations, describe_violations("event page with a cover, phone", violations)
    screenshot(phone, "event-cover-phone")

    # On the chapter's page, the event's card shows its own cover; the others the chapter's drawn one.
    phone.goto(server.path("events.chapter", slug=site.birmingham.slug))
    cards = phone.locator(".event-card .card-cover")
    expect(cards.first).to_be_visible()
    sources = [cards.nth(i).get_attribute("src") for i in range(cards.count())]
    assert f"/events/{site.upcoming.id}/cover/1/card.webp" in sources
    for i in range(cards.count()):
        cards.nth(i).scroll_into_view_if_needed()
        assert _loaded_width(cards.nth(i)) > 0
    screenshot(phone, "chapter-with-event-cover-phone")


