"""A lesson's page leads onwards: to related lessons, to its discussion, and shows itself when shared."""

from __future__ import annotations

import re

from tests.discussions.archive_factories import past_event, publish_writeup


def _meta(html: str, key: str) -> str | None:
    match = re.search(rf'<meta (?:property|name)="{re.escape(key)}" content="([^"]*)">', html)
    return match.group(1) if match else None


def test_a_lesson_page_shows_related_lessons_its_discussion_and_share_tags(client, create_chapter):
    chapter = create_chapter("Birmingham")
    writeup = publish_writeup(
        past_event(chapter),
        [
            {
                "statement": "Keep the risk log short",
                "body": "Ten risks, each with an owner.",
                "themes": ["Risk"],
            },
            {"statement": "A risk without an owner is a worry", "themes": ["Risk"]},
            {"statement": "Unrelated lesson about rooms", "themes": ["Venues"]},
        ],
    )
    first, related, _ = writeup.lessons

    page = client.get(f"/lessons/{first.id}").get_data(as_text=True)

    section = page.split('id="related-lessons-heading"')[1]
    assert f'href="/lessons/{related.id}"' in section
    assert "Discussion" in page and "Sign in" in page  # the thread, and how a reader joins it
    assert _meta(page, "og:title") == "Keep the risk log short"
    assert _meta(page, "og:type") == "article"
    assert _meta(page, "og:url") == f"http://localhost/lessons/{first.id}"
    assert "Ten risks, each with an owner. Learnt at" in _meta(page, "og:description")


def test_a_write_up_page_carries_share_tags_and_its_discussion(client, create_chapter):
    writeup = publish_writeup(
        past_event(create_chapter("London")), [{"statement": "Cut projects, not the PMO"}]
    )
    page = client.get(f"/writeups/{writeup.id}").get_data(as_text=True)
    assert _meta(page, "og:title").startswith("What we learnt: ")
    assert _meta(page, "og:description") == "Cut projects, not the PMO"
    assert "Discussion" in page
