"""What a write-up's editors write is what search finds: lessons are indexed as they are saved, found once
their write-up is published, and gone when they are removed."""

from __future__ import annotations

from flashmob import search
from flashmob.discussions.writeups import services
from flashmob.extensions import db


def _found(query: str) -> list[int]:
    return [hit.lesson_id for hit in search.search_lessons(query).hits]


def test_a_lesson_is_found_in_other_words_once_its_write_up_is_published_and_not_before(writeup, world):
    [lesson] = writeup.lessons
    assert _found("status reports") == []  # a draft's lessons stay out of results

    services.publish(writeup, actor=world["organiser"])
    db.session.commit()

    assert _found("status reporting") == [lesson.id]  # stemming: "reporting" finds "report"


def test_an_edited_lesson_is_found_by_its_new_words_and_a_removed_one_is_not(writeup, world):
    organiser = world["organiser"]
    services.publish(writeup, actor=organiser)
    [lesson] = writeup.lessons
    services.update_lesson(
        lesson, services.LessonInput("Benefits maps get read when the board drew them"), actor=organiser
    )
    extra = services.add_lesson(
        writeup, services.LessonInput("A RAID log is a conversation, not a register"), actor=organiser
    ).lesson
    db.session.commit()

    assert _found("benefits maps") == [lesson.id]
    assert _found("status report") == []
    assert _found("RAID log") == [extra.id]

    services.remove_lesson(extra, actor=organiser)
    db.session.commit()
    assert _found("RAID log") == []
