"""What the evenings learnt: write-ups, their lessons, and the people who voiced each lesson.

A write-up belongs to one evening; its lessons are one-line statements with an optional paragraph and
themes (shared tags, flashmob.tags). A lesson names the members who voiced it only with their consent:
a voice is asked, and shows on pages only once agreed; its member may withdraw at any time.

History is kept (README, "Deleting your account"): deleting an evening or a person never erases what was
written, so these tables refuse such deletes (RESTRICT); who merely wrote or edited something is a
SET NULL link.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from flashmob.events.models import Event
from flashmob.extensions import db
from flashmob.members.models import User
from flashmob.tags import Tag
from flashmob.types import StrEnumType, UTCDateTime, utcnow


class WriteupStatus(StrEnum):
    """Where a write-up stands: being written, or out for everyone to read."""

    DRAFT = "draft"
    PUBLISHED = "published"


class VoiceStatus(StrEnum):
    """A member's answer to being named as a voice of a lesson."""

    ASKED = "asked"  # waiting for their answer: not shown
    AGREED = "agreed"  # shown with their picture and headline
    DECLINED = "declined"  # said no: never shown, not asked again by the same lesson
    WITHDRAWN = "withdrawn"  # agreed, then took their name off: no longer shown


class Writeup(db.Model):
    """What the room took away from one evening: an introduction and a list of lessons."""

    __tablename__ = "writeups"
    __table_args__ = (
        CheckConstraint("status IN ('draft', 'published')", name="status"),
        # The archive and the feeds list published write-ups, newest first.
        Index("ix_writeups_status_published_at", "status", "published_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # One write-up per evening.
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="RESTRICT"), unique=True)
    status: Mapped[WriteupStatus] = mapped_column(
        StrEnumType(WriteupStatus, 20), default=WriteupStatus.DRAFT
    )
    # Markdown, rendered only through flashmob.markdown.
    introduction: Mapped[str] = mapped_column(Text, default="", server_default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The last change to the write-up or any of its lessons, and who made it: pages say "Last edited".
    edited_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    edited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)

    event: Mapped[Event] = relationship()
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    edited_by: Mapped[User | None] = relationship(foreign_keys=[edited_by_id])
    lessons: Mapped[list[Lesson]] = relationship(
        back_populates="writeup", order_by="Lesson.position", passive_deletes="all"
    )

    @property
    def is_published(self) -> bool:
        return self.status == WriteupStatus.PUBLISHED

    def __repr__(self) -> str:
        return f"<Writeup {self.id} event={self.event_id} {self.status}>"


class WriteupEditor(db.Model):
    """An attendee an organiser invited to help write up the evening."""

    __tablename__ = "writeup_editors"
    __table_args__ = (UniqueConstraint("writeup_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    writeup_id: Mapped[int] = mapped_column(ForeignKey("writeups.id", ondelete="CASCADE"))
    # An invitation to write is the person's own: it goes with their account.
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    writeup: Mapped[Writeup] = relationship()
    user: Mapped[User] = relationship(foreign_keys=[user_id])


class Lesson(db.Model):
    """One thing an evening learnt: a one-line statement, an optional paragraph, themes and voices."""

    __tablename__ = "lessons"
    __table_args__ = (
        # A write-up's lessons in their order.
        Index("ix_lessons_writeup_id_position", "writeup_id", "position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    writeup_id: Mapped[int] = mapped_column(ForeignKey("writeups.id", ondelete="RESTRICT"))
    position: Mapped[int] = mapped_column(Integer, default=0)
    statement: Mapped[str] = mapped_column(String(200))
    # Markdown, optional.
    body: Mapped[str] = mapped_column(Text, default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    writeup: Mapped[Writeup] = relationship(back_populates="lessons")
    themes: Mapped[list[Tag]] = relationship(secondary="lesson_themes", order_by="Tag.name")
    voices: Mapped[list[LessonVoice]] = relationship(back_populates="lesson", passive_deletes="all")

    def __repr__(self) -> str:
        return f"<Lesson {self.id} {self.statement[:40]!r}>"


class LessonTheme(db.Model):
    """A theme of a lesson: a shared tag."""

    __tablename__ = "lesson_themes"

    lesson_id: Mapped[int] = mapped_column(ForeignKey("lessons.id", ondelete="CASCADE"), primary_key=True)
    # The theme pages ("every lesson on risk registers") look lessons up by tag.
    tag_id: Mapped[int] = mapped_column(
        ForeignKey("tags.id", ondelete="RESTRICT"), primary_key=True, index=True
    )


class LessonVoice(db.Model):
    """A member named as having voiced a lesson: shown only once they agree."""

    __tablename__ = "lesson_voices"
    __table_args__ = (
        UniqueConstraint("lesson_id", "user_id"),
        CheckConstraint("status IN ('asked', 'agreed', 'declined', 'withdrawn')", name="status"),
        # "Lessons you were named in" on a member's account and profile.
        Index("ix_lesson_voices_user_id_status", "user_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lessons.id", ondelete="CASCADE"))
    # Consent is the person's own: deleting an account takes their voices with it (a lesson stays).
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    status: Mapped[VoiceStatus] = mapped_column(StrEnumType(VoiceStatus, 20), default=VoiceStatus.ASKED)
    asked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    asked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    lesson: Mapped[Lesson] = relationship(back_populates="voices")
    user: Mapped[User] = relationship(foreign_keys=[user_id])

    @property
    def is_shown(self) -> bool:
        return self.status == VoiceStatus.AGREED


class EveningQuestion(db.Model):
    """The question for the night: one an organiser sets on an evening, for its attendees to answer."""

    __tablename__ = "evening_questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    # One question per evening.
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="RESTRICT"), unique=True)
    text: Mapped[str] = mapped_column(String(300))
    set_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    event: Mapped[Event] = relationship()

    def __repr__(self) -> str:
        return f"<EveningQuestion {self.id} event={self.event_id}>"


class QuestionAnswer(db.Model):
    """One attendee's answer to the question for the night; an organiser may make it a lesson."""

    __tablename__ = "question_answers"
    __table_args__ = (UniqueConstraint("question_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("evening_questions.id", ondelete="CASCADE"))
    # An answer is its author's own: it goes with their account.
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text)
    # The lesson an organiser made of it, if any.
    lesson_id: Mapped[int | None] = mapped_column(ForeignKey("lessons.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    question: Mapped[EveningQuestion] = relationship()
    user: Mapped[User] = relationship(foreign_keys=[user_id])
    lesson: Mapped[Lesson | None] = relationship()

    def __repr__(self) -> str:
        return f"<QuestionAnswer {self.id} question={self.question_id} user={self.user_id}>"
# Threads, posts, reports and the moderation log have their own module; imported here so the schema is whole.
from flashmob.discussions.threads import models as thread_models  # noqa: E402, F401
