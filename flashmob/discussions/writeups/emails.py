"""The email asking a member whether they agree to be named on a lesson, written by the mail worker."""

from __future__ import annotations

from flask import current_app

from flashmob.discussions.models import LessonVoice
from flashmob.email_kinds import templates_of
from flashmob.extensions import db
from flashmob.outbox import Draft, OutboxMessage
from flashmob.urls import public_url


def render_voice_asked(message: OutboxMessage, facts: dict) -> Draft:
    """ "Were you the voice of this lesson?": the lesson, the evening, and the page to agree or decline."""
    voice = db.session.get(LessonVoice, facts["voice_id"])
    if voice is None:
        raise LookupError(f"voice {facts['voice_id']} no longer exists")
    lesson = voice.lesson
    event = lesson.writeup.event
    title = " ".join(event.title.split())  # no line breaks in a mail header
    return Draft(
        subject=f"Were you the voice of a lesson from {title}?",
        template=templates_of(message.kind)[0],
        context={
            "user": voice.user,
            "lesson": lesson,
            "event": event,
            "asked_by": facts.get("asked_by") or "An organiser",
            "answer_url": public_url("discussions.voice", voice_id=voice.id),
            "event_url": public_url("events.detail", event_id=event.id),
            "site_name": current_app.config["SITE_NAME"],
        },
    )
