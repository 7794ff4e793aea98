"""/takeaways: every published write-up, newest evening first, by chapter, paged by key in fixed queries."""

from __future__ import annotations

import re

from tests.discussions.archive_factories import past_event, publish_writeup


def test_takeaways_list_published_write_ups_newest_evening_first_with_their_first_lessons(
    client, create_chapter
):
    london, birmingham = create_chapter("London"), create_chapter("Birmingham")
    older = publish_writeup(
        past_event(london, year=2024), [{"statement": f"Old lesson {i}"} for i in range(5)]
    )
    newer = publish_writeup(past_event(birmingham, year=2025), [{"statement": "New lesson"}])
    publish_writeup(past_event(london, year=2025, month=6), [{"statement": "Draft lesson"}], status="draft")

    page = client.get("/takeaways").get_data(as_text=True)

    assert page.index(f"/writeups/{newer.id}") < page.index(f"/writeups/{older.id}")
    assert "Old lesson 2" in page and "Old lesson 3" not in page and "All 5 lessons of this evening" in page
    assert "Draft lesson" not in page
    only_birmingham = client.get("/takeaways?chapter=birmingham").get_data(as_text=True)
    assert "New lesson" in only_birmingham and "Old lesson" not in only_birmingham
    assert client.get("/takeaways?chapter=nowhere").status_code == 404
    assert client.get("/takeaways?after=not-a-cursor").status_code == 400


def test_takeaways_page_by_key_and_cost_the_same_at_any_size(client, create_chapter, count_queries, app):
    chapter = create_chapter("London")
    for day in range(1, 24):
        publish_writeup(
            past_event(chapter, day=day), [{"statement": f"Lesson of day {day}"}, {"statement": "More"}]
        )
    assert app.config["PER_PAGE"] < 23  # so the list takes several pages
    seen, url, counts = [], "/takeaways", []
    while url:
        with count_queries() as q:
            page = client.get(url).get_data(as_text=True)
        counts.append(q.count)
        seen += re.findall(r"Lesson of day (\d+)<", page)
        found = re.search(r'href="([^"]*after=[^"]*)"', page)
        url = found.group(1).replace("&amp;", "&") if found else None
    assert seen == [str(day) for day in range(23, 0, -1)]
    assert len(set(counts)) == 1


def test_the_main_navigation_leads_to_the_lessons(client):
    assert 'href="/lessons"' in client.get("/").get_data(as_text=True)
