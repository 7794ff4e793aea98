"""The lessons archive as readers use it: browsing, filters, paging by key, theme pages, the people behind
each lesson, search on the page, bad input, and a fixed number of queries at any size."""

from __future__ import annotations

import re

import pytest

from flashmob import search
from flashmob.discussions.archive.queries import related_lessons
from flashmob.discussions.models import Lesson, WriteupStatus
from flashmob.extensions import db
from flashmob.members.models import MemberProfile, ProfileVisibility
from tests.discussions.archive_factories import past_event, publish_writeup


@pytest.fixture
def vocabulary(app):
    search.seed_synonyms()
    db.session.commit()


def lessons(n: int, theme: str = "Reporting", **extra) -> list[dict]:
    return [{"statement": f"Lesson number {i} about reports", "themes": [theme], **extra} for i in range(n)]


def page_text(response) -> str:
    return re.sub(r"\s+", " ", response.get_data(as_text=True))


def test_signed_out_reader_sees_every_published_lesson_newest_evening_first(
    client, create_chapter, create_user
):
    birmingham, leeds = create_chapter("Birmingham"), create_chapter("Leeds")
    older = past_event(birmingham, year=2024, title="Spring in Birmingham")
    newer = past_event(leeds, year=2025, title="Autumn in Leeds")
    publish_writeup(older, [{"statement": "Older lesson on risk", "themes": ["Risk management"]}])
    publish_writeup(newer, [{"statement": "Newer lesson on reporting", "themes": ["Reporting"]}])
    draft_event = past_event(leeds, year=2025, month=6)
    publish_writeup(draft_event, [{"statement": "A draft nobody sees yet"}], status=WriteupStatus.DRAFT)

    response = client.get("/lessons")

    assert response.status_code == 200
    text = page_text(response)
    assert text.index("Newer lesson on reporting") < text.index("Older lesson on risk")
    assert "A draft nobody sees yet" not in text
    assert "Autumn in Leeds" in text and "Leeds" in text
    assert 'href="/lessons/themes/risk-management"' in text


def test_empty_archive_says_so(client):
    response = client.get("/lessons")
    assert response.status_code == 200
    assert "No lessons yet" in page_text(response)


def test_filters_have_visible_labels_and_narrow_by_chapter_year_and_theme(client, create_chapter):
    birmingham, leeds = create_chapter("Birmingham"), create_chapter("Leeds")
    publish_writeup(past_event(birmingham, year=2024), [{"statement": "Brum 2024", "themes": ["Risk"]}])
    publish_writeup(past_event(leeds, year=2025), [{"statement": "Leeds 2025", "themes": ["Reporting"]}])
    publish_writeup(past_event(leeds, year=2024), [{"statement": "Leeds 2024", "themes": ["Risk"]}])

    page = page_text(client.get("/lessons"))
    for name, label in (
        ("chapter", "Chapter"),
        ("year", "Year"),
        ("theme", "Theme"),
        ("q", "Search the lessons"),
    ):
        assert f'<label for="{name}">{label}</label>' in page

    by_chapter = page_text(client.get("/lessons?chapter=leeds"))
    assert "Leeds 2025" in by_chapter and "Leeds 2024" in by_chapter and "Brum 2024" not in by_chapter
    by_year = page_text(client.get("/lessons?year=2024"))
    assert "Brum 2024" in by_year and "Leeds 2024" in by_year and "Leeds 2025" not in by_year
    by_theme = page_text(client.get("/lessons?theme=risk&chapter=leeds"))
    assert "Leeds 2024" in by_theme and "Brum 2024" not in by_theme and "Leeds 2025" not in by_theme
    nothing = page_text(client.get("/lessons?year=2023"))
    assert "No lessons match these filters" in nothing
    # The chapter's feed is offered when the archive shows one chapter.
    assert 'href="/chapters/leeds/writeups.atom"' in by_chapter


def test_pages_follow_by_key_without_repeating_or_skipping(client, create_chapter):
    chapter = create_chapter("Birmingham")
    for month in (1, 2, 3):
        publish_writeup(
            past_event(chapter, year=2025, month=month),
            [{"statement": f"Month {month} lesson {i}"} for i in range(5)],
        )
    seen = []
    url = "/lessons"
    while url:
        page = client.get(url).get_data(as_text=True)
        seen += re.findall(r"Month \d lesson \d", page)
        found = re.search(r'href="([^"]*after=[^"]*)" rel="next"', page)
        url = found.group(1).replace("&amp;", "&") if found else None
    assert seen == [f"Month {m} lesson {i}" for m in (3, 2, 1) for i in range(5)]


def test_people_behind_a_lesson_show_as_their_privacy_allows(client, login, create_user, create_chapter):
    open_person = create_user("Priya Public")
    db.session.add(
        MemberProfile(user_id=open_person.id, headline="Head of PMO", visibility=ProfileVisibility.EVERYONE)
    )
    members_only = create_user("Mo Membersonly")
    db.session.add(MemberProfile(user_id=members_only.id, headline="Portfolio analyst"))
    still_asked = create_user("Asa Asked")
    db.session.commit()
    writeup = publish_writeup(
        past_event(create_chapter("Birmingham")),
        [{"statement": "Talk to the people", "voices": [open_person, members_only], "asked": [still_asked]}],
    )
    lesson_id = writeup.lessons[0].id

    signed_out = page_text(client.get("/lessons"))
    assert "Priya Public" in signed_out and "Head of PMO" in signed_out
    assert "Mo Membersonly" in signed_out and "Portfolio analyst" not in signed_out
    assert "Asa Asked" not in signed_out
    assert f'href="/login?next=/lessons/{lesson_id}"' in signed_out or "next=%2Flessons%2F" in signed_out
    assert "Sign in to talk to them" in signed_out
    assert "/connections/" not in signed_out

    login(create_user("Rita Reader"))
    signed_in = page_text(client.get("/lessons"))
    assert "Portfolio analyst" in signed_in
    assert f'href="/connections/{members_only.id}/ask?event={writeup.event_id}' in signed_in
    assert "Sign in to talk to them" not in signed_in


def test_talk_to_them_asks_to_connect_with_the_evening_and_the_lesson_as_context(
    client, login, create_user, create_chapter
):
    from flashmob.events.models import Rsvp, RsvpStatus
    from flashmob.members.models import Connection

    voice, reader = create_user("Vic Voice"), create_user("Rita Reader")
    writeup = publish_writeup(
        past_event(create_chapter("Birmingham")),
        [{"statement": "Cut projects, not the PMO", "voices": [voice]}],
    )
    db.session.add_all(
        [
            Rsvp(event_id=writeup.event_id, user_id=person.id, status=RsvpStatus.GOING)
            for person in (voice, reader)
        ]
    )
    db.session.commit()
    lesson_id, event_id = writeup.lessons[0].id, writeup.event_id
    login(reader)

    lesson_page = client.get(f"/lessons/{lesson_id}").get_data(as_text=True)
    [talk] = re.findall(rf'href="(/connections/{voice.id}/ask\?[^"]*)"', lesson_page)
    form = client.get(talk.replace("&amp;", "&")).get_data(as_text=True)
    assert f'<option selected value="{event_id}">' in form
    assert "About your lesson \u201cCut projects, not the PMO\u201d:" in form

    response = client.post(
        talk.replace("&amp;", "&"), data={"message": "About your lesson: how?", "event_id": str(event_id)}
    )
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/lessons/{lesson_id}")
    request = db.session.query(Connection).one()
    assert (request.requester_id, request.addressee_id, request.event_id) == (reader.id, voice.id, event_id)


def test_theme_counts_follow_every_change_to_the_lessons(client, create_chapter, create_user):
    """The counts are cached: publishing, editing a lesson's themes, removing a lesson and withdrawing a
    write-up each show at once."""
    from flashmob.discussions.writeups import services as writeups

    editor = create_user(is_admin=True)
    chapter = create_chapter("Birmingham")
    writeup = publish_writeup(past_event(chapter), [{"statement": "On risk", "themes": ["Risk management"]}])

    def counts() -> str:
        return page_text(client.get("/lessons/themes"))

    assert "Risk management</a> <span class=\"muted\">(1 lesson)" in counts()
    again = [{"statement": "Risk again", "themes": ["Risk management"]}]
    second = publish_writeup(past_event(chapter, day=19), again)
    assert "(2 lessons)" in counts()
    lesson = writeup.lessons[0]
    writeups.update_lesson(lesson, writeups.LessonInput("On risk", themes="Reporting"), actor=editor)
    db.session.commit()
    page = counts()
    assert "Risk management</a> <span class=\"muted\">(1 lesson)" in page and "Reporting</a>" in page
    writeups.remove_lesson(second.lessons[0], actor=editor)
    db.session.commit()
    assert "Risk management" not in counts()
    writeups.unpublish(writeup, actor=editor)
    db.session.commit()
    assert "Reporting" not in counts()


def test_theme_pages_list_themes_with_counts_and_their_lessons(client, create_chapter):
    chapter = create_chapter("Birmingham")
    publish_writeup(
        past_event(chapter),
        [
            {"statement": "On risk one", "themes": ["Risk management"]},
            {"statement": "On risk two", "themes": ["Risk management", "Reporting"]},
            {"statement": "On reporting", "themes": ["Reporting"]},
        ],
    )
    themes = page_text(client.get("/lessons/themes"))
    assert 'Risk management</a> <span class="muted">(2 lessons)' in themes
    page = client.get("/lessons/themes/risk-management")
    assert page.status_code == 200
    text = page_text(page)
    assert "On risk one" in text and "On risk two" in text and "On reporting" not in text
    assert '<meta property="og:title" content="Lessons on Risk management · PMO Flashmob">' in text
    assert client.get("/lessons/themes/no-such-theme").status_code == 404


def test_related_lessons_put_shared_themes_first_then_the_same_writeup(app, create_chapter):
    chapter = create_chapter("Birmingham")
    first = publish_writeup(
        past_event(chapter, month=1),
        [
            {"statement": "The lesson", "themes": ["Risk", "Reporting"]},
            {"statement": "Same evening, other theme", "themes": ["People"]},
        ],
    )
    publish_writeup(
        past_event(chapter, month=2),
        [
            {"statement": "Shares two themes", "themes": ["Risk", "Reporting"]},
            {"statement": "Shares one theme", "themes": ["Risk"]},
            {"statement": "Shares nothing", "themes": ["Wellbeing"]},
        ],
    )
    lesson = db.session.get(Lesson, first.lessons[0].id)
    assert [other.statement for other in related_lessons(lesson, 5)] == [
        "Shares two themes",
        "Shares one theme",
        "Same evening, other theme",
    ]
    assert len(related_lessons(lesson, 1)) == 1


def test_search_on_the_page_highlights_counts_and_offers_did_you_mean(client, create_chapter, vocabulary):
    chapter = create_chapter("Birmingham")
    publish_writeup(
        past_event(chapter),
        [
            {
                "statement": "Keep the risk log short",
                "body": "Ten live risks <b>only</b>.",
                "themes": ["Risk"],
            },
            {"statement": "Reports that get read", "themes": ["Reporting"]},
        ],
    )
    found = page_text(client.get("/lessons?q=RAID"))
    assert "1 lesson found for “RAID”" in found
    assert "<mark>risk</mark> <mark>log</mark>" in found.lower() or "<mark>risk log</mark>" in found.lower()
    # What a lesson says is escaped before matches are marked (SQLite shows the tag as text; PostgreSQL's
    # ts_headline drops it): its text never becomes markup.
    assert "<b>only" not in found
    corrected = page_text(client.get("/lessons?q=reprots"))
    assert "Did you mean" in corrected and "reports" in corrected
    none = page_text(client.get("/lessons?q=xylophone"))
    assert "No lesson matches “xylophone”" in none and "Try fewer words" in none


@pytest.mark.parametrize(
    ("url", "statuses"),
    [
        ("/lessons?q=risk%00log", {400}),
        ("/lessons?q=" + "risk " * 2000, {422}),
        ("/lessons?q=risk&page=99999999999", {404}),
        ("/lessons?q=risk&page=9999", {200}),
        ("/lessons?year=99999", {422}),
        ("/lessons?year=abc", {422}),
        ("/lessons?chapter=atlantis", {422}),
        ("/lessons?theme=%E2%98%83", {422}),
        ("/lessons?after=yesterday", {400}),
        ("/lessons?after=99999999999999999999-1", {400}),
        ("/lessons/themes/%00", {404}),
        ("/lessons?q=%22%29%20OR%20NEAR%28*", {200}),
        ("/lessons?q=the%20and%20of", {200}),
    ],
)
def test_bad_input_gets_a_4xx_or_no_results_never_a_500(client, create_chapter, vocabulary, url, statuses):
    publish_writeup(past_event(create_chapter("Birmingham")), [{"statement": "Risk log lesson"}])
    response = client.get(url)
    assert response.status_code in statuses
    if url.endswith("page=9999"):
        assert "No more results: there are 1." in page_text(response)
    if response.status_code == 422:
        assert 'class="field-error"' in response.get_data(as_text=True)


def _archive_of(size: int, chapter, voices) -> None:
    for start in range(0, size, 3):
        publish_writeup(
            past_event(chapter, year=2025, month=1 + start // 3 % 12, day=1 + start // 36),
            [
                {
                    "statement": f"Reports lesson {i}",
                    "body": "About reports.",
                    "themes": ["Reporting", f"T{i}"],
                    "voices": voices,
                }
                for i in range(start, min(start + 3, size))
            ],
        )


@pytest.mark.parametrize(
    "url",
    ["/lessons", "/lessons/themes/reporting", "/lessons?q=reports", "/lessons?q=reprots", "/lessons/themes"],
)
def test_archive_pages_run_a_fixed_number_of_queries_at_any_size(
    app, client, login, create_user, create_chapter, count_queries, vocabulary, url
):
    chapter = create_chapter("Birmingham")
    voices = [create_user("Vic Voice"), create_user("Val Voice")]
    login(create_user("Rita Reader"))
    counts = []
    for size in (3, 30):
        _archive_of(size - 3 if counts else size, chapter, voices)
        with count_queries() as counted:
            response = client.get(url)
        assert response.status_code == 200
        counts.append(counted.count)
    assert counts[0] == counts[1], counts


def test_the_vocabulary_link_shows_to_organisers_and_admins_only(client, login, roles):
    assert "Search vocabulary" not in page_text(client.get("/lessons"))
    login(roles["member"])
    assert "Search vocabulary" not in page_text(client.get("/lessons"))
    login(roles["organiser"])
    assert 'href="/lessons/vocabulary">Search vocabulary' in page_text(client.get("/lessons"))


def test_a_lesson_card_shows_a_voices_picture_only_when_the_reader_may_see_their_profile(
    client, login, create_user, create_chapter
):
    public = create_user("Pia Public")
    kept = create_user("Kit Kept")
    db.session.add_all(
        [
            MemberProfile(user_id=public.id, visibility=ProfileVisibility.EVERYONE, picture_version=4),
            MemberProfile(user_id=kept.id, visibility=ProfileVisibility.MET, picture_version=2),
        ]
    )
    db.session.commit()
    publish_writeup(
        past_event(create_chapter("Birmingham")), [{"statement": "Faces", "voices": [public, kept]}]
    )

    page = page_text(client.get("/lessons"))

    assert f'<img src="/members/{public.id}/picture/4.webp"' in page
    assert f"/members/{kept.id}/picture/" not in page
