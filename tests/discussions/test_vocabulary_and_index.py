"""The search vocabulary organisers extend, and the index publishing keeps: who may add a pair, what a pair
changes, and index_lesson / remove_lesson / `flask search reindex` on both databases."""

from __future__ import annotations

import pytest

from flashmob import search
from flashmob.discussions.models import Lesson
from flashmob.extensions import db
from tests.conftest import ROLE_NAMES
from tests.discussions.archive_factories import past_event, publish_writeup

ALLOWED = {"anonymous": 302, "member": 403, "other_organiser": 200, "organiser": 200, "admin": 200}


@pytest.mark.parametrize("role", ROLE_NAMES)
def test_only_organisers_and_admins_see_and_change_the_vocabulary(client, login, roles, role):
    if roles[role] is not None:
        login(roles[role])
    page = client.get("/lessons/vocabulary")
    assert page.status_code == ALLOWED[role]
    posted = client.post("/lessons/vocabulary", data={"term": "Gantt", "synonym": "schedule"})
    added = db.session.query(search.SearchSynonym).filter_by(term="gantt").count()
    if ALLOWED[role] == 200:
        assert posted.status_code == 302 and added == 1
        assert "gantt" in client.get("/lessons/vocabulary").get_data(as_text=True)
    else:
        assert posted.status_code == ALLOWED[role] and added == 0
    if role == "anonymous":
        assert "/login" in page.headers["Location"]


def test_the_vocabulary_form_needs_its_csrf_token(client, login, roles, csrf_enabled):
    login(roles["organiser"])
    response = client.post("/lessons/vocabulary", data={"term": "Gantt", "synonym": "schedule"})
    assert response.status_code in (400, 422)
    assert db.session.query(search.SearchSynonym).count() == 0


def test_a_pair_already_there_or_empty_is_refused_at_the_field(client, login, roles):
    login(roles["organiser"])
    search.seed_synonyms()
    db.session.commit()
    again = client.post("/lessons/vocabulary", data={"term": "Risk log", "synonym": "RAID"})
    assert again.status_code == 422
    assert "already in the vocabulary" in again.get_data(as_text=True)
    same = client.post("/lessons/vocabulary", data={"term": "RAID", "synonym": "raid"})
    assert same.status_code == 422 and "two different ways" in same.get_data(as_text=True)
    blank = client.post("/lessons/vocabulary", data={"term": "!!!", "synonym": "schedule"})
    assert blank.status_code == 422
    too_long = client.post("/lessons/vocabulary", data={"term": "x" * 61, "synonym": "schedule"})
    assert too_long.status_code == 422


def test_a_pair_an_organiser_adds_changes_what_search_finds(client, login, roles, create_chapter):
    publish_writeup(past_event(create_chapter("Leeds")), [{"statement": "Keep one schedule, not five"}])
    assert search.search_lessons("gantt").total == 0
    login(roles["organiser"])
    client.post("/lessons/vocabulary", data={"term": "Gantt chart", "synonym": "schedule"})
    assert search.search_lessons("gantt charts").total == 1


def test_publishing_indexes_and_removing_forgets(app, create_chapter):
    writeup = publish_writeup(past_event(create_chapter("Leeds")), [{"statement": "Benefits need owners"}])
    lesson = writeup.lessons[0]
    assert search.search_lessons("owner").total == 1
    lesson.statement = "Benefits need sponsors"
    search.index_lesson(lesson)
    db.session.commit()
    assert search.search_lessons("owner").total == 0
    assert search.search_lessons("sponsor").total == 1
    search.remove_lesson(lesson.id)
    db.session.commit()
    assert search.search_lessons("sponsor").total == 0


def test_reindex_rebuilds_the_index_from_published_lessons(app, create_chapter):
    writeup = publish_writeup(past_event(create_chapter("Leeds")), [{"statement": "Dashboards nobody opens"}])
    search.remove_lesson(writeup.lessons[0].id)
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["search", "reindex"])
    assert result.exit_code == 0 and "Indexed 1 lesson." in result.output
    assert search.search_lessons("dashboard").total == 1
    assert search.search_lessons("dashbord").corrected_query == "dashboards"


def test_statement_matches_rank_above_paragraph_and_theme_matches(app, create_chapter):
    publish_writeup(
        past_event(create_chapter("Leeds")),
        [
            {"statement": "Theme only", "themes": ["Milestones"]},
            {"statement": "Paragraph only", "body": "We slipped a milestone twice."},
            {"statement": "Milestones belong to the business"},
        ],
    )
    results = search.search_lessons("milestone")
    statements = [db.session.get(Lesson, hit.lesson_id).statement for hit in results.hits]
    assert statements == ["Milestones belong to the business", "Paragraph only", "Theme only"]
    assert results.hits[0].rank > results.hits[1].rank > results.hits[2].rank


def test_deleting_a_lesson_row_takes_its_index_entry_with_it(app, create_chapter):
    writeup = publish_writeup(past_event(create_chapter("Leeds")), [{"statement": "Fragile lesson"}])
    lesson_id = writeup.lessons[0].id
    db.session.execute(db.delete(Lesson).where(Lesson.id == lesson_id))
    db.session.commit()
    assert search.search_lessons("fragile").total == 0


def test_words_and_vocabulary_are_parsed_safely():
    assert search.query_words("How do I keep the RAID log?") == ["keep", "raid", "log"]
    assert search.query_words("x" * 300 + " risk") == ["x" * search.MAX_QUERY_LENGTH]
    groups = search.expand(
        ["raid", "log", "owners"], {("raid", "log"): {"risk log"}, ("raid",): {"risk log"}}
    )
    assert groups == [["raid log", "risk log"], ["owners"]]
    assert str(search.highlighted("<script>\ue000risk\ue001")) == "&lt;script&gt;<mark>risk</mark>"
