"""What the write-up pages read: who attended and who may write, and each page's people loaded in a fixed
number of queries, whatever the number of lessons and voices."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass

from sqlalchemy import exists, select
from sqlalchemy.orm import joinedload, selectinload

from flashmob.discussions.models import (
    EveningQuestion,
    Lesson,
    LessonVoice,
    QuestionAnswer,
    VoiceStatus,
    Writeup,
    WriteupEditor,
)
from flashmob.events.models import Event
from flashmob.extensions import db
from flashmob.members import privacy
from flashmob.members.circle import attendance, circle_for
from flashmob.members.models import MemberProfile, User
from flashmob.members.profiles.display import picture_path


def is_editor(user_id: int, writeup_id: int) -> bool:
    """Whether the member was invited to help write this write-up (one query)."""
    return bool(
        db.session.scalar(
            select(exists().where(WriteupEditor.writeup_id == writeup_id, WriteupEditor.user_id == user_id))
        )
    )


def attended(user_id: int, event_id: int) -> bool:
    """Whether the member is going to the evening, or went (a seat, or let in at the door). One query."""
    went = attendance()
    return bool(
        db.session.scalar(select(exists().where(went.c.event_id == event_id, went.c.user_id == user_id)))
    )


def attendees(event: Event) -> list[User]:
    """Everyone going to or at the evening, by name, former members left out (one query)."""
    went = attendance()
    return list(
        db.session.scalars(
            select(User)
            .join(went, went.c.user_id == User.id)
            .where(went.c.event_id == event.id, User.deleted_at.is_(None))
            .order_by(User.display_name, User.id)
        )
    )


def attendee_ids(event: Event, among: Collection[int]) -> set[int]:
    """Which of these members went to the evening (one query)."""
    if not among:
        return set()
    went = attendance()
    return set(
        db.session.scalars(
            select(went.c.user_id).where(went.c.event_id == event.id, went.c.user_id.in_(list(among)))
        )
    )


def writeup_for_event(event_id: int) -> Writeup | None:
    return db.session.scalar(select(Writeup).where(Writeup.event_id == event_id))


def editors_of(writeup: Writeup) -> list[User]:
    return list(
        db.session.scalars(
            select(User)
            .join(WriteupEditor, WriteupEditor.user_id == User.id)
            .where(WriteupEditor.writeup_id == writeup.id)
            .order_by(User.display_name, User.id)
        )
    )


def load_writeup(writeup_id: int) -> Writeup | None:
    """A write-up with its evening, chapter, editor and lessons (with their themes) loaded."""
    return db.session.scalar(
        select(Writeup)
        .where(Writeup.id == writeup_id)
        .options(
            joinedload(Writeup.event).joinedload(Event.chapter),
            joinedload(Writeup.edited_by),
            selectinload(Writeup.lessons).selectinload(Lesson.themes),
        )
    )


def load_lesson(lesson_id: int) -> Lesson | None:
    """A lesson with its write-up, evening, chapter and themes loaded."""
    return db.session.scalar(
        select(Lesson)
        .where(Lesson.id == lesson_id)
        .options(
            joinedload(Lesson.writeup).joinedload(Writeup.event).joinedload(Event.chapter),
            joinedload(Lesson.writeup).joinedload(Writeup.edited_by),
            selectinload(Lesson.themes),
        )
    )


# The people behind lessons, as a reader sees them


@dataclass(frozen=True)
class Voice:
    """A member who agreed to be named on a lesson, as this reader may see them."""

    user: User
    # From their profile, only if the reader may see it (members.privacy).
    headline: str | None
    # None when the reader is signed out: "Talk to them" asks them to sign in first.
    profile_visible: bool
    # Their picture's address, when they have one and the reader may see their profile.
    picture_url: str | None = None

    @property
    def id(self) -> int:
        return self.user.id

    @property
    def display_name(self) -> str:
        return self.user.display_name


def agreed_voices(lesson_ids: Iterable[int], viewer_id: int | None) -> dict[int, list[Voice]]:
    """Each lesson's agreed voices, with what the viewer may see of each: five queries at most, whatever the
    number of lessons and voices (voices, profiles, and the viewer's circle among them)."""
    lesson_ids = list(lesson_ids)
    found: dict[int, list[Voice]] = {lesson_id: [] for lesson_id in lesson_ids}
    if not lesson_ids:
        return found
    rows = db.session.execute(
        select(LessonVoice.lesson_id, User)
        .join(User, User.id == LessonVoice.user_id)
        .where(
            LessonVoice.lesson_id.in_(lesson_ids),
            LessonVoice.status == VoiceStatus.AGREED,
            User.deleted_at.is_(None),
        )
        .order_by(LessonVoice.lesson_id, LessonVoice.answered_at, LessonVoice.id)
    ).all()
    user_ids = {user.id for _, user in rows}
    profiles = {}
    if user_ids:
        query = select(MemberProfile).where(MemberProfile.user_id.in_(user_ids))
        profiles = {profile.user_id: profile for profile in db.session.scalars(query)}
    circle = circle_for(viewer_id, among=user_ids)
    for lesson_id, user in rows:
        profile = profiles.get(user.id)
        visible = privacy.may_see_profile(circle, user.id, profile)
        headline = (profile.headline if profile is not None else "") if visible else None
        picture = None
        if visible and profile is not None and profile.picture_version is not None:
            picture = picture_path(user.id, profile.picture_version)
        found[lesson_id].append(
            Voice(user=user, headline=headline or None, profile_visible=visible, picture_url=picture)
        )
    return found


@dataclass(frozen=True)
class NamedIn:
    """A lesson a member was named in, for their account page."""

    voice: LessonVoice
    lesson: Lesson
    writeup: Writeup
    event: Event


def lessons_named_in(user_id: int) -> list[NamedIn]:
    """The lessons a member was asked about or agreed to, newest first (one query)."""
    rows = db.session.execute(
        select(LessonVoice, Lesson, Writeup, Event)
        .join(Lesson, Lesson.id == LessonVoice.lesson_id)
        .join(Writeup, Writeup.id == Lesson.writeup_id)
        .join(Event, Event.id == Writeup.event_id)
        .where(
            LessonVoice.user_id == user_id,
            LessonVoice.status.in_([VoiceStatus.ASKED, VoiceStatus.AGREED]),
        )
        .order_by(LessonVoice.asked_at.desc(), LessonVoice.id.desc())
    ).all()
    return [NamedIn(voice, lesson, writeup, event) for voice, lesson, writeup, event in rows]


def named_voices(lesson_ids: Iterable[int]) -> dict[int, list[LessonVoice]]:
    """Every voice named on these lessons, whatever its answer, with its member: for editors (one query)."""
    lesson_ids = list(lesson_ids)
    found: dict[int, list[LessonVoice]] = {lesson_id: [] for lesson_id in lesson_ids}
    if not lesson_ids:
        return found
    for voice in db.session.scalars(
        select(LessonVoice)
        .where(LessonVoice.lesson_id.in_(lesson_ids))
        .options(joinedload(LessonVoice.user))
        .order_by(LessonVoice.id)
    ):
        found[voice.lesson_id].append(voice)
    return found


# The question for the night


def question_for(event_id: int) -> EveningQuestion | None:
    return db.session.scalar(select(EveningQuestion).where(EveningQuestion.event_id == event_id))


def answer_of(question: EveningQuestion, user_id: int) -> QuestionAnswer | None:
    return db.session.scalar(
        select(QuestionAnswer).where(
            QuestionAnswer.question_id == question.id, QuestionAnswer.user_id == user_id
        )
    )


def answers_to(question: EveningQuestion) -> list[QuestionAnswer]:
    """Every answer with its author, oldest first (one query)."""
    return list(
        db.session.scalars(
            select(QuestionAnswer)
            .join(User, User.id == QuestionAnswer.user_id)
            .where(QuestionAnswer.question_id == question.id, User.deleted_at.is_(None))
            .options(joinedload(QuestionAnswer.user))
            .order_by(QuestionAnswer.created_at, QuestionAnswer.id)
        )
    )
