"""Screenshots of the main pages at phone and desktop widths, to look at; nothing spills sideways."""

from __future__ import annotations

import pytest

from tests.browser.conftest import VIEWPORTS
from tests.browser.site import build_site


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_home_chapter_and_event_pages_fit_the_screen_and_are_photographed(
    viewport, new_page, server, screenshot
):
    site = build_site()
    page = new_page(VIEWPORTS[viewport])
    pages = {
        "home": server.path("events.home"),
        "chapter": server.path("events.chapter", slug=site.birmingham.slug),
        "event": server.path("events.detail", event_id=site.upcoming.id),
    }
    for name, path in pages.items():
        response = page.goto(path)
        assert response.status == 200, f"{name}: HTTP {response.status}"
        page.wait_for_load_state("load")
        overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
        screenshot(page, f"{name}-{viewport}")
        assert overflow <= 0, f"the {name} page is {overflow}px wider than a {viewport} screen"
