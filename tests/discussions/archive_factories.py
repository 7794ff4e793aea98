"""Published write-ups and lessons for the archive's tests, made with the models (and indexed for search)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flashmob import search
from flashmob.discussions.models import Lesson, LessonVoice, VoiceStatus, Writeup, WriteupStatus
from flashmob.extensions import db
from flashmob.tags import tags_named
from tests import factories


def past_event(chapter=None, year: int = 2025, month: int = 3, day: int = 12, **fields):
    starts_at = datetime(year, month, day, 18, 0, tzinfo=UTC)
    return factories.create_event(chapter, starts_at=starts_at, **fields)


def publish_writeup(event, lessons, *, status=WriteupStatus.PUBLISHED, edited_at=None) -> Writeup:
    """A write-up of the event with these lessons: dicts of statement, body, themes (names), voices
    (users who agreed) and asked (users asked who have not answered)."""
    published_at = event.ends_at + timedelta(days=2)
    writeup = Writeup(
        event=event,
        status=status,
        introduction="What the room took away.",
        published_at=published_at if status == WriteupStatus.PUBLISHED else None,
        edited_at=edited_at or published_at,
    )
    db.session.add(writeup)
    for position, spec in enumerate(lessons):
        lesson = Lesson(
            writeup=writeup,
            position=position,
            statement=spec["statement"],
            body=spec.get("body", ""),
            themes=tags_named(spec.get("themes", [])),
        )
        db.session.add(lesson)
        for user in spec.get("voices", []):
            db.session.add(LessonVoice(lesson=lesson, user_id=user.id, status=VoiceStatus.AGREED))
        for user in spec.get("asked", []):
            db.session.add(LessonVoice(lesson=lesson, user_id=user.id, status=VoiceStatus.ASKED))
    db.session.flush()
    if status == WriteupStatus.PUBLISHED:
        for lesson in writeup.lessons:
            search.index_lesson(lesson)
    db.session.commit()
    return writeup
