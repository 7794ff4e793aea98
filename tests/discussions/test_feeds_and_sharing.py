"""Atom feeds of published write-ups (valid to feedparser, site-wide and per chapter) and OpenGraph tags,
so a shared link shows what the page is."""

from __future__ import annotations

from datetime import UTC, datetime

import feedparser

from flashmob.discussions.models import WriteupStatus
from tests.discussions.archive_factories import past_event, publish_writeup


def _feed(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response.mimetype == "application/atom+xml"
    parsed = feedparser.parse(response.get_data())
    assert not parsed.bozo, parsed.get("bozo_exception")
    return parsed


def test_site_feed_lists_published_writeups_newest_first_and_validates(client, create_chapter):
    leeds, bristol = create_chapter("Leeds"), create_chapter("Bristol")
    edited = datetime(2025, 6, 1, 9, 30, tzinfo=UTC)
    publish_writeup(
        past_event(leeds, year=2025, month=3, title="Risk & <reward> night"),
        [{"statement": "Keep the risk log <short>"}, {"statement": "Name an owner"}],
        edited_at=edited,
    )
    publish_writeup(
        past_event(bristol, year=2025, month=5, title="Bristol reporting night"), [{"statement": "x"}]
    )
    publish_writeup(
        past_event(bristol, year=2025, month=7, title="Draft night"), [], status=WriteupStatus.DRAFT
    )

    feed = _feed(client, "/writeups.atom")

    assert feed.version == "atom10"
    assert [e.title for e in feed.entries] == [
        "What we learnt: Bristol reporting night (Bristol)",
        "What we learnt: Risk & <reward> night (Leeds)",
    ]
    leeds_entry = feed.entries[1]
    assert leeds_entry.id.startswith("tag:localhost,2026:writeup-")
    assert leeds_entry.updated_parsed[:5] == (2025, 6, 1, 9, 30)
    assert "Keep the risk log &lt;short&gt;" in leeds_entry.content[0].value
    assert feed.feed.id == "tag:localhost,2026:writeups"
    assert any(
        link.rel == "self" and link.href == "http://localhost/writeups.atom" for link in feed.feed.links
    )


def test_chapter_feed_has_only_that_chapters_writeups(client, create_chapter):
    leeds, bristol = create_chapter("Leeds"), create_chapter("Bristol")
    publish_writeup(past_event(leeds, title="Leeds night"), [{"statement": "a"}])
    publish_writeup(past_event(bristol, title="Bristol night"), [{"statement": "b"}])
    feed = _feed(client, "/chapters/leeds/writeups.atom")
    assert [e.title for e in feed.entries] == ["What we learnt: Leeds night (Leeds)"]
    assert client.get("/chapters/atlantis/writeups.atom").status_code == 404


def test_an_empty_feed_is_still_valid(client, create_chapter):
    create_chapter("Leeds")
    feed = _feed(client, "/chapters/leeds/writeups.atom")
    assert feed.entries == []
    assert feed.feed.updated


def test_pages_link_their_feeds(client, create_chapter):
    create_chapter("Leeds")
    archive = client.get("/lessons").get_data(as_text=True)
    assert '<link rel="alternate" type="application/atom+xml"' in archive
    assert 'href="/writeups.atom"' in archive
    chapter_page = client.get("/chapters/leeds").get_data(as_text=True)
    assert (
        'type="application/atom+xml"' in chapter_page
        and 'href="/chapters/leeds/writeups.atom"' in chapter_page
    )


def test_archive_and_theme_pages_carry_opengraph_tags(client, create_chapter):
    publish_writeup(
        past_event(create_chapter("Leeds")), [{"statement": "a", "themes": ["Benefits realisation"]}]
    )
    archive = client.get("/lessons").get_data(as_text=True)
    for prop in ("og:title", "og:description", "og:url", "og:type"):
        assert f'<meta property="{prop}"' in archive
    assert '<meta property="og:url" content="http://localhost/lessons">' in archive
    theme = client.get("/lessons/themes/benefits-realisation").get_data(as_text=True)
    assert '<meta property="og:url" content="http://localhost/lessons/themes/benefits-realisation">' in theme
    assert (
        'content="What PMO Flashmob evenings learnt about Benefits realisation, and the people who' in theme
    )
