"""What a thread is about: an evening, a write-up or a lesson, loaded from its kind and id, with the chapter
whose organisers moderate its discussion, what to call it, and where its page is."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, url_for
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from flashmob.discussions.models import Lesson, Writeup, WriteupStatus
from flashmob.discussions.threads.models import ThreadKind
from flashmob.events.models import Event
from flashmob.events.permissions import can_view_event
from flashmob.extensions import db

# Where write-ups and lessons are read (their own pages), in the order tried; until one exists, the
# evening's page, which shows its write-up.
WRITEUP_ENDPOINTS = (("discussions.writeup", "writeup_id"),)
LESSON_ENDPOINTS = (("discussions.lesson", "lesson_id"),)


@dataclass(frozen=True)
class Subject:
    """A thing that can be discussed."""

    kind: ThreadKind
    id: int
    chapter_id: int
    title: str
    # The endpoint and values of its page (url_for or urls.public_url builds it).
    endpoint: str
    values: dict
    # The evening's time zone: its discussion's times are shown in it, as the evening's own are.
    timezone: str = "UTC"

    def url(self, **extra) -> str:
        return url_for(self.endpoint, **self.values, **extra)


def _page_of(candidates, subject_id: int, event: Event) -> tuple[str, dict]:
    for endpoint, argument in candidates:
        if endpoint in current_app.view_functions:
            return endpoint, {argument: subject_id}
    return "events.detail", {"event_id": event.id}


def subject_of(kind: str, thing) -> Subject | None:
    """The subject for an evening, write-up or lesson the page has already loaded (and checked the viewer
    may see): no query for an evening."""
    kind = ThreadKind(kind)
    if kind == ThreadKind.EVENT:
        if thing.is_draft:
            return None
        values = {"event_id": thing.id}
        return Subject(kind, thing.id, thing.chapter_id, thing.title, "events.detail", values, thing.timezone)
    return load_subject(kind, thing.id)


def load_subject(kind: str, subject_id: int, viewer=None) -> Subject | None:
    """The subject, or None when there is no such thing to discuss for this viewer (a draft evening, an
    unpublished write-up, a board topic, which is a thread of its own)."""
    try:
        kind = ThreadKind(kind)
    except ValueError:
        return None
    if kind == ThreadKind.EVENT:
        event = db.session.scalar(
            select(Event).where(Event.id == subject_id).options(joinedload(Event.chapter))
        )
        if event is None or not can_view_event(viewer, event) or event.is_draft:
            return None
        values = {"event_id": event.id}
        return Subject(kind, event.id, event.chapter_id, event.title, "events.detail", values, event.timezone)
    if kind == ThreadKind.WRITEUP:
        writeup = db.session.scalar(
            select(Writeup).where(Writeup.id == subject_id).options(joinedload(Writeup.event))
        )
        if writeup is None or writeup.status != WriteupStatus.PUBLISHED:
            return None
        endpoint, values = _page_of(WRITEUP_ENDPOINTS, writeup.id, writeup.event)
        title = f"What we learnt: {writeup.event.title}"
        event = writeup.event
        return Subject(kind, writeup.id, event.chapter_id, title, endpoint, values, event.timezone)
    if kind == ThreadKind.LESSON:
        lesson = db.session.scalar(
            select(Lesson)
            .where(Lesson.id == subject_id)
            .options(joinedload(Lesson.writeup).joinedload(Writeup.event))
        )
        if lesson is None or lesson.writeup.status != WriteupStatus.PUBLISHED:
            return None
        endpoint, values = _page_of(LESSON_ENDPOINTS, lesson.id, lesson.writeup.event)
        event = lesson.writeup.event
        return Subject(kind, lesson.id, event.chapter_id, lesson.statement, endpoint, values, event.timezone)
    return None
