"""The rules of write-ups: starting one, editing its introduction and lessons, inviting editors, publishing,
naming voices with their consent, and the question for the night.

Services change objects and flush; the view commits once. Every "no" is a WriteupError with a message for
the person (and the field it belongs to). Nothing is written before every check has passed, so a refused
change leaves nothing half-done.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, select

from flashmob import search
from flashmob.discussions.models import (
    EveningQuestion,
    Lesson,
    LessonTheme,
    LessonVoice,
    QuestionAnswer,
    VoiceStatus,
    Writeup,
    WriteupEditor,
    WriteupStatus,
)
from flashmob.discussions.writeups import queries
from flashmob.email_kinds import EmailKind
from flashmob.errors import RuleError
from flashmob.events.models import Event
from flashmob.extensions import db
from flashmob.members.models import User
from flashmob.outbox import queue_message
from flashmob.tags import TagError, parse_tag_list, tags_named
from flashmob.types import column_length, utcnow

MAX_INTRODUCTION = 20_000
MAX_LESSON_BODY = 5_000
MAX_ANSWER = 1_000
MAX_LESSONS = 40
MAX_VOICES = 12
VOICE_ASKED_KIND = EmailKind.LESSON_VOICE_ASKED


class WriteupError(RuleError):
    """A write-up, a lesson, a voice or an answer cannot be changed that way."""


# Starting and editing


def start_writeup(event: Event, *, actor: User, now: datetime | None = None) -> Writeup:
    """Open a draft write-up of an evening that took place; an evening has one write-up at most."""
    now = now or utcnow()
    if not event.is_published or not event.has_ended_by(now):
        raise WriteupError("An evening can be written up once it has taken place.")
    if queries.writeup_for_event(event.id) is not None:
        raise WriteupError("This evening already has a write-up.")
    writeup = Writeup(
        event=event,
        status=WriteupStatus.DRAFT,
        introduction="",
        created_by_id=actor.id,
        created_at=now,
        edited_at=now,
        edited_by_id=actor.id,
    )
    db.session.add(writeup)
    db.session.flush()
    return writeup


def _touch(writeup: Writeup, actor: User, now: datetime | None = None) -> None:
    writeup.edited_at = now or utcnow()
    writeup.edited_by_id = actor.id


def _check_text(text: str, limit: int, field: str, what: str) -> str:
    text = (text or "").strip()
    if "\x00" in text:
        raise WriteupError(f"{what} cannot hold a NUL character.", field=field)
    if len(text) > limit:
        raise WriteupError(f"Please keep {what.lower()} to {limit:,} characters or fewer.", field=field)
    return text


def update_introduction(writeup: Writeup, text: str, *, actor: User) -> Writeup:
    """Change the write-up's introduction (Markdown)."""
    writeup.introduction = _check_text(text, MAX_INTRODUCTION, "introduction", "The introduction")
    _touch(writeup, actor)
    db.session.flush()
    return writeup


def invite_editor(writeup: Writeup, user: User, *, actor: User) -> WriteupEditor:
    """Let an attendee of the evening help write it up."""
    if user.is_deleted or not queries.attended(user.id, writeup.event_id):
        raise WriteupError("Only people who came to the evening can help write it up.", field="user_id")
    if queries.is_editor(user.id, writeup.id):
        raise WriteupError(f"{user.display_name} is already an editor.", field="user_id")
    editor = WriteupEditor(writeup_id=writeup.id, user_id=user.id, invited_by_id=actor.id)
    db.session.add(editor)
    db.session.flush()
    return editor


def remove_editor(writeup: Writeup, user: User, *, actor: User) -> None:
    """Take an editor off; what they wrote stays."""
    db.session.execute(
        delete(WriteupEditor).where(WriteupEditor.writeup_id == writeup.id, WriteupEditor.user_id == user.id)
    )


def publish(writeup: Writeup, *, actor: User, now: datetime | None = None) -> Writeup:
    """Show the write-up to everyone; it needs a lesson at least."""
    if writeup.is_published:
        raise WriteupError("This write-up is already published.")
    if not writeup.lessons:
        raise WriteupError("Please add at least one lesson before publishing.")
    now = now or utcnow()
    writeup.status = WriteupStatus.PUBLISHED
    writeup.published_at = writeup.published_at or now
    _touch(writeup, actor, now)
    db.session.flush()
    return writeup


def unpublish(writeup: Writeup, *, actor: User) -> Writeup:
    """Take a published write-up back to a draft (organisers and editors still see it)."""
    if not writeup.is_published:
        raise WriteupError("This write-up is a draft already.")
    writeup.status = WriteupStatus.DRAFT
    _touch(writeup, actor)
    db.session.flush()
    return writeup


# Lessons


@dataclass(frozen=True)
class LessonInput:
    """What an editor typed for a lesson."""

    statement: str
    body: str = ""
    themes: str = ""
    voice_ids: Collection[int] = ()


@dataclass(frozen=True)
class LessonSaved:
    """What saving a lesson did: the lesson, and whom it newly asked to be named (emailed)."""

    lesson: Lesson
    asked: list[User]
    unnamed: int


def _clean_lesson(data: LessonInput) -> tuple[str, str, list[str]]:
    statement = " ".join((data.statement or "").split())
    if not statement:
        raise WriteupError("Please write the lesson in one line.", field="statement")
    if "\x00" in statement:
        raise WriteupError("The statement cannot hold a NUL character.", field="statement")
    limit = column_length(Lesson.statement)
    if len(statement) > limit:
        raise WriteupError(f"Please keep the statement to {limit} characters or fewer.", field="statement")
    body = _check_text(data.body, MAX_LESSON_BODY, "body", "The paragraph")
    try:
        themes = parse_tag_list(data.themes)
    except TagError as exc:
        raise WriteupError(str(exc), field="themes") from exc
    return statement, body, themes


def _check_voices(writeup: Writeup, lesson: Lesson | None, voice_ids: Collection[int]) -> set[int]:
    wanted = {int(i) for i in voice_ids}
    if len(wanted) > MAX_VOICES:
        raise WriteupError(f"Please name at most {MAX_VOICES} people on one lesson.", field="voices")
    if wanted - queries.attendee_ids(writeup.event, wanted):
        raise WriteupError("Only people who came to the evening can be named on its lessons.", field="voices")
    if lesson is not None:
        said_no = {
            v.user_id for v in lesson.voices if v.status in (VoiceStatus.DECLINED, VoiceStatus.WITHDRAWN)
        }
        if wanted & said_no:
            raise WriteupError(
                "Someone you chose said no to being named on this lesson: they are not asked again.",
                field="voices",
            )
    return wanted


def add_lesson(writeup: Writeup, data: LessonInput, *, actor: User) -> LessonSaved:
    """Add a lesson at the end of the write-up, and ask the people named whether they agree."""
    statement, body, themes = _clean_lesson(data)
    wanted = _check_voices(writeup, None, data.voice_ids)
    count = db.session.scalar(select(func.count()).select_from(Lesson).where(Lesson.writeup_id == writeup.id))
    if count >= MAX_LESSONS:
        raise WriteupError(f"A write-up holds {MAX_LESSONS} lessons at most.")
    top = db.session.scalar(select(func.max(Lesson.position)).where(Lesson.writeup_id == writeup.id))
    tags = tags_named(themes)
    lesson = Lesson(writeup=writeup, position=(top or 0) + 1, statement=statement, body=body, themes=tags)
    db.session.add(lesson)
    db.session.flush()
    asked = _name_voices(lesson, wanted, actor=actor)
    _touch(writeup, actor)
    db.session.flush()
    # Indexed at once: search shows only lessons of published write-ups, so drafts stay out of results.
    search.index_lesson(lesson)
    return LessonSaved(lesson, asked, 0)


def update_lesson(lesson: Lesson, data: LessonInput, *, actor: User) -> LessonSaved:
    """Change a lesson; people newly named are asked, people left out are no longer named."""
    statement, body, themes = _clean_lesson(data)
    wanted = _check_voices(lesson.writeup, lesson, data.voice_ids)
    tags = tags_named(themes)
    lesson.statement, lesson.body = statement, body
    lesson.themes = tags
    unnamed = 0
    for voice in list(lesson.voices):
        if voice.user_id not in wanted and voice.status in (VoiceStatus.ASKED, VoiceStatus.AGREED):
            lesson.voices.remove(voice)
            db.session.delete(voice)
            unnamed += 1
    db.session.flush()
    asked = _name_voices(lesson, wanted, actor=actor)
    _touch(lesson.writeup, actor)
    db.session.flush()
    search.index_lesson(lesson)
    return LessonSaved(lesson, asked, unnamed)


def remove_lesson(lesson: Lesson, *, actor: User) -> None:
    """Take a lesson out of its write-up, with its themes and voices."""
    writeup = lesson.writeup
    search.remove_lesson(lesson.id)
    db.session.execute(delete(LessonVoice).where(LessonVoice.lesson_id == lesson.id))
    db.session.execute(delete(LessonTheme).where(LessonTheme.lesson_id == lesson.id))
    db.session.execute(
        QuestionAnswer.__table__.update().where(QuestionAnswer.lesson_id == lesson.id).values(lesson_id=None)
    )
    if lesson in writeup.lessons:
        writeup.lessons.remove(lesson)
    db.session.delete(lesson)
    _touch(writeup, actor)
    db.session.flush()


def move_lesson(lesson: Lesson, direction: str, *, actor: User) -> Lesson:
    """Swap a lesson with the one above ("up") or below ("down")."""
    if direction not in ("up", "down"):
        raise WriteupError("A lesson moves up or down.")
    ordered = sorted(lesson.writeup.lessons, key=lambda item: (item.position, item.id))
    index = ordered.index(lesson)
    other = index - 1 if direction == "up" else index + 1
    if other < 0 or other >= len(ordered):
        raise WriteupError(f"This lesson is already at the {'top' if direction == 'up' else 'bottom'}.")
    ordered[index], ordered[other] = ordered[other], ordered[index]
    for position, item in enumerate(ordered, start=1):
        item.position = position
    _touch(lesson.writeup, actor)
    db.session.flush()
    return lesson


# Voices: named only with consent


def _name_voices(lesson: Lesson, user_ids: Collection[int], *, actor: User) -> list[User]:
    """Ask each member not yet named on the lesson; they are shown only once they agree."""
    already = {voice.user_id for voice in lesson.voices}
    new_ids = [user_id for user_id in sorted(user_ids) if user_id not in already]
    if not new_ids:
        return []
    users = list(db.session.scalars(select(User).where(User.id.in_(new_ids), User.deleted_at.is_(None))))
    now = utcnow()
    for user in users:
        voice = LessonVoice(
            lesson=lesson, user_id=user.id, status=VoiceStatus.ASKED, asked_by_id=actor.id, asked_at=now
        )
        db.session.add(voice)
        db.session.flush()
        queue_message(
            VOICE_ASKED_KIND,
            user_id=user.id,
            to=user.email,
            payload={"voice_id": voice.id, "asked_by": actor.display_name},
        )
    return users


def name_voice(lesson: Lesson, user: User, *, actor: User) -> LessonVoice:
    """Ask one attendee whether they agree to be named on a lesson."""
    wanted = _check_voices(lesson.writeup, lesson, [user.id])
    existing = next((v for v in lesson.voices if v.user_id == user.id), None)
    if existing is not None:
        return existing
    _name_voices(lesson, wanted, actor=actor)
    _touch(lesson.writeup, actor)
    db.session.flush()
    return next(v for v in lesson.voices if v.user_id == user.id)


def answer_voice(voice: LessonVoice, *, agree: bool, actor: User, now: datetime | None = None) -> LessonVoice:
    """The member named says yes (shown from now on) or no (never shown, never asked again by the lesson)."""
    if actor.id != voice.user_id:
        raise WriteupError("Only the person named can answer.")
    if voice.status != VoiceStatus.ASKED:
        raise WriteupError("You have already answered about this lesson.")
    voice.status = VoiceStatus.AGREED if agree else VoiceStatus.DECLINED
    voice.answered_at = now or utcnow()
    db.session.flush()
    return voice


def withdraw_voice(voice: LessonVoice, *, actor: User, now: datetime | None = None) -> LessonVoice:
    """The member takes their name off a lesson they agreed to; it is not shown any more."""
    if actor.id != voice.user_id:
        raise WriteupError("Only the person named can take their name off.")
    if voice.status != VoiceStatus.AGREED:
        raise WriteupError("Your name is not shown on this lesson.")
    voice.status = VoiceStatus.WITHDRAWN
    voice.answered_at = now or utcnow()
    db.session.flush()
    return voice


# The question for the night


def set_question(event: Event, text: str, *, actor: User) -> EveningQuestion:
    """Set, or change, the evening's question."""
    text = " ".join((text or "").split())
    if not text:
        raise WriteupError("Please write the question.", field="text")
    limit = column_length(EveningQuestion.text)
    if len(text) > limit:
        raise WriteupError(f"Please keep the question to {limit} characters or fewer.", field="text")
    if event.is_cancelled:
        raise WriteupError("This evening was cancelled.")
    question = queries.question_for(event.id)
    if question is None:
        question = EveningQuestion(event_id=event.id, text=text, set_by_id=actor.id)
        db.session.add(question)
    else:
        question.text, question.set_by_id = text, actor.id
    db.session.flush()
    return question


def answer_question(question: EveningQuestion, text: str, *, actor: User) -> QuestionAnswer:
    """An attendee answers the question for the night, or changes their answer."""
    text = _check_text(text, MAX_ANSWER, "answer", "Your answer")
    if not text:
        raise WriteupError("Please write your answer.", field="answer")
    if not queries.attended(actor.id, question.event_id):
        raise WriteupError("Only people going to the evening can answer its question.")
    answer = queries.answer_of(question, actor.id)
    if answer is None:
        answer = QuestionAnswer(question_id=question.id, user_id=actor.id, text=text)
        db.session.add(answer)
    else:
        answer.text = text
    db.session.flush()
    return answer


def lesson_from_answer(answer: QuestionAnswer, writeup: Writeup, *, actor: User) -> LessonSaved:
    """Make a lesson of an answer (its first line the statement, the whole the paragraph), and ask its
    author to agree to be named as its voice."""
    if answer.lesson_id is not None:
        raise WriteupError("This answer is already a lesson.")
    if answer.question.event_id != writeup.event_id:
        raise WriteupError("This answer is about another evening.")
    first_line = " ".join(answer.text.split())
    limit = column_length(Lesson.statement)
    statement = first_line if len(first_line) <= limit else first_line[: limit - 1].rstrip() + "…"
    body = answer.text if statement != first_line or "\n" in answer.text.strip() else ""
    saved = add_lesson(
        writeup, LessonInput(statement=statement, body=body, voice_ids=[answer.user_id]), actor=actor
    )
    answer.lesson_id = saved.lesson.id
    db.session.flush()
    return saved
