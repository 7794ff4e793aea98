"""Whole pages kept a few seconds for visitors with no cookie (flashmob/page_cache.py): what a visitor
sees, and that nobody with a session, a form or a private page ever gets someone else's copy."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest

from flashmob.extensions import db
from flashmob.page_cache import HIT_HEADER


@pytest.fixture
def page_cache(app):
    app.config["ANONYMOUS_PAGE_CACHE_SECONDS"] = 5
    yield
    app.config["ANONYMOUS_PAGE_CACHE_SECONDS"] = 0


@pytest.fixture
def visitor(app):
    """A client that never keeps a cookie: a crawler, a link preview, a first visit."""
    return app.test_client(use_cookies=False)


@pytest.fixture
def event(roles, create_event):
    starts_at = (datetime.now(UTC) + timedelta(days=5)).replace(microsecond=0)
    return create_event(roles["chapter"], title="Benefits that stay real", starts_at=starts_at)


def test_a_visitor_without_cookies_gets_the_same_page_for_a_few_seconds(
    page_cache, visitor, event, count_queries, monkeypatch
):
    url = f"/events/{event.id}"
    first = visitor.get(url)
    assert first.status_code == 200 and first.headers[HIT_HEADER] == "miss"
    event.title = "Benefits that stay real, renamed"
    db.session.commit()
    with count_queries() as queries:
        again = visitor.get(url)
    assert again.headers[HIT_HEADER] == "hit" and queries.count == 0, queries.statements
    assert again.get_data() == first.get_data()
    # Every answer still carries the security headers and its own request id.
    assert "Content-Security-Policy" in again.headers
    assert again.headers["X-Request-ID"] != first.headers["X-Request-ID"]

    later = time.time() + 6
    monkeypatch.setattr("flashmob.page_cache.time.time", lambda: later)
    fresh = visitor.get(url)
    assert fresh.headers[HIT_HEADER] == "miss"
    assert "Benefits that stay real, renamed" in fresh.get_data(as_text=True)


def test_each_address_is_kept_apart(page_cache, visitor, event):
    visitor.get("/events")
    assert visitor.get("/events/past").headers[HIT_HEADER] == "miss"
    assert visitor.get("/events?after=29991231000000000000,1").headers[HIT_HEADER] == "miss"
    assert visitor.get("/events").headers[HIT_HEADER] == "hit"


def test_a_signed_in_member_never_gets_the_shared_page(page_cache, visitor, client, login, roles, event):
    visitor.get(f"/events/{event.id}")
    login(roles["member"])
    page = client.get(f"/events/{event.id}")
    assert HIT_HEADER not in page.headers
    assert roles["member"].display_name in page.get_data(as_text=True)


def test_any_cookie_means_the_page_is_built_for_that_visitor(page_cache, visitor, event):
    visitor.get(f"/events/{event.id}")
    built = visitor.get(f"/events/{event.id}", headers={"Cookie": "session=anything"})
    assert HIT_HEADER not in built.headers


def test_a_page_that_starts_a_session_is_never_kept(page_cache, visitor, csrf_enabled):
    # The sign-in form puts a token in a new session: sharing it would hand one visitor's token to all.
    first = visitor.get("/login")
    assert first.status_code == 200 and "Set-Cookie" in first.headers
    assert HIT_HEADER not in first.headers
    assert HIT_HEADER not in visitor.get("/login").headers


def test_only_successful_html_pages_are_kept(page_cache, visitor, event):
    assert visitor.get("/events/999999").status_code == 404
    assert HIT_HEADER not in visitor.get("/events/999999").headers
    assert HIT_HEADER not in visitor.get("/healthz").headers
    feed = visitor.get(f"/chapters/{event.chapter.slug}/calendar.ics")  # feeds have their own cache
    assert feed.status_code == 200 and HIT_HEADER not in feed.headers


def test_it_is_off_unless_configured(visitor, event):
    assert HIT_HEADER not in visitor.get(f"/events/{event.id}").headers
    assert HIT_HEADER not in visitor.get(f"/events/{event.id}").headers


def test_the_pages_visitors_arrive_at_are_shared(page_cache, visitor, event, csrf_enabled):
    # With CSRF on, as in production: a page that made a form token for a visitor could not be shared.
    chapter = f"/chapters/{event.chapter.slug}"
    for url in ("/", "/chapters", chapter, f"/events/{event.id}", "/events", "/lessons"):
        first = visitor.get(url)
        assert first.status_code == 200 and "Set-Cookie" not in first.headers, url
        assert visitor.get(url).headers[HIT_HEADER] == "hit", url
