"""Threads of posts: one per evening, write-up or lesson, and one per topic on a chapter's board.

A post is a top-level comment or a reply to one (replies go one level deep). Posts are never erased by
the people who act on them: an author's delete, an organiser's hide or removal only change the post's
status, and every organiser's action is kept in moderation_actions (what, by whom, when). Reports are a
member's flag on a post, resolved by an organiser.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from flashmob.extensions import db
from flashmob.members.models import User
from flashmob.types import StrEnumType, UTCDateTime, utcnow

BODY_MAX = 5000
TITLE_MAX = 140
REASON_MAX = 500


class ThreadKind(StrEnum):
    """What a thread is about: an evening, a write-up, a lesson, or a topic on a chapter's board."""

    EVENT = "event"
    WRITEUP = "writeup"
    LESSON = "lesson"
    TOPIC = "topic"


class PostStatus(StrEnum):
    """Whether a post shows, and if not, who took it down."""

    VISIBLE = "visible"
    HIDDEN = "hidden"  # by an organiser: others see that it was hidden; organisers can show it again
    REMOVED = "removed"  # by an organiser, for good: its words are shown to nobody
    DELETED = "deleted"  # by its author


class ModerationVerb(StrEnum):
    """What an organiser did, for the moderation log."""

    HIDE = "hide"
    UNHIDE = "unhide"
    REMOVE = "remove"
    LOCK = "lock"
    UNLOCK = "unlock"
    DISMISS = "dismiss"  # a report looked at, and the post left as it was


# How the moderation log words each action ("Hid a post by Ada").
VERB_LABELS: dict[ModerationVerb, str] = {
    ModerationVerb.HIDE: "Hid",
    ModerationVerb.UNHIDE: "Unhid",
    ModerationVerb.REMOVE: "Removed",
    ModerationVerb.LOCK: "Locked the discussion",
    ModerationVerb.UNLOCK: "Unlocked the discussion",
    ModerationVerb.DISMISS: "Closed the reports on",
}


class ReportOutcome(StrEnum):
    """How an organiser resolved a report."""

    HIDDEN = "hidden"
    REMOVED = "removed"
    DISMISSED = "dismissed"


class Thread(db.Model):
    """The conversation about one subject (an evening, a write-up, a lesson) or one board topic."""

    __tablename__ = "discussion_threads"
    __table_args__ = (
        CheckConstraint("kind IN ('event', 'writeup', 'lesson', 'topic')", name="kind"),
        # One thread per subject; board topics have no subject (NULLs never collide).
        UniqueConstraint("kind", "subject_id"),
        # A chapter's board: its topics by last activity, paged by key.
        Index("ix_discussion_threads_board", "chapter_id", "kind", "last_activity_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[ThreadKind] = mapped_column(StrEnumType(ThreadKind, 20))
    # The event, write-up or lesson id; None for a board topic.
    subject_id: Mapped[int | None] = mapped_column(Integer)
    # Whose organisers moderate it, and whose board a topic is on. Chapters are archived, never deleted.
    chapter_id: Mapped[int] = mapped_column(ForeignKey("chapters.id", ondelete="RESTRICT"))
    # A board topic's title; empty for the others.
    title: Mapped[str] = mapped_column(String(TITLE_MAX), default="", server_default="")
    started_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The latest post's moment and how many posts show: what the board lists without counting.
    last_activity_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    post_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    is_locked: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("false"))

    started_by: Mapped[User | None] = relationship(foreign_keys=[started_by_id])

    def __repr__(self) -> str:
        return f"<Thread {self.id} {self.kind} {self.subject_id}>"


class Post(db.Model):
    """A comment in a thread, or a reply to one."""

    __tablename__ = "discussion_posts"
    __table_args__ = (
        CheckConstraint("status IN ('visible', 'hidden', 'removed', 'deleted')", name="status"),
        # A thread's top-level posts in order, paged by key; and its replies.
        Index("ix_discussion_posts_thread_id_parent_id_id", "thread_id", "parent_id", "id"),
        # Who took part in a thread (whom a reply notifies).
        Index("ix_discussion_posts_thread_id_author_id", "thread_id", "author_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("discussion_threads.id", ondelete="CASCADE"))
    # The top-level post this replies to; None for a top-level post. A reply to a reply attaches here too.
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("discussion_posts.id", ondelete="CASCADE"), index=True
    )
    # None once the account is gone: pages say "a former member".
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    # Markdown, rendered only through flashmob.markdown.
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status: Mapped[PostStatus] = mapped_column(StrEnumType(PostStatus, 20), default=PostStatus.VISIBLE)
    moderated_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    moderated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    moderation_reason: Mapped[str] = mapped_column(String(REASON_MAX), default="", server_default="")

    thread: Mapped[Thread] = relationship()
    author: Mapped[User | None] = relationship(foreign_keys=[author_id])
    moderated_by: Mapped[User | None] = relationship(foreign_keys=[moderated_by_id])

    @property
    def is_visible(self) -> bool:
        return self.status == PostStatus.VISIBLE

    @property
    def is_hidden(self) -> bool:
        return self.status == PostStatus.HIDDEN

    @property
    def is_gone(self) -> bool:
        """Deleted by its author or removed by an organiser: its words are shown to nobody."""
        return self.status in (PostStatus.DELETED, PostStatus.REMOVED)

    @property
    def is_edited(self) -> bool:
        return self.edited_at is not None

    def __repr__(self) -> str:
        return f"<Post {self.id} in thread {self.thread_id} {self.status}>"


class Report(db.Model):
    """A member's flag on a post, for the chapter's organisers to look at."""

    __tablename__ = "discussion_reports"
    __table_args__ = (
        CheckConstraint("outcome IS NULL OR outcome IN ('hidden', 'removed', 'dismissed')", name="outcome"),
        # Once per post per person.
        UniqueConstraint("post_id", "reporter_id"),
        # A chapter's moderation queue: its open reports, oldest first.
        Index("ix_discussion_reports_chapter_id_resolved_at_id", "chapter_id", "resolved_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("discussion_posts.id", ondelete="CASCADE"))
    # The post's thread's chapter, so that the queue needs no join to find its reports.
    chapter_id: Mapped[int] = mapped_column(ForeignKey("chapters.id", ondelete="RESTRICT"))
    reporter_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    reason: Mapped[str] = mapped_column(String(REASON_MAX), default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    resolved_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    outcome: Mapped[ReportOutcome | None] = mapped_column(StrEnumType(ReportOutcome, 20))

    post: Mapped[Post] = relationship()
    reporter: Mapped[User | None] = relationship(foreign_keys=[reporter_id])
    resolved_by: Mapped[User | None] = relationship(foreign_keys=[resolved_by_id])

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None


class ModerationAction(db.Model):
    """One thing an organiser did to a post or a thread: the moderation log."""

    __tablename__ = "moderation_actions"
    __table_args__ = (
        CheckConstraint("verb IN ('hide', 'unhide', 'remove', 'lock', 'unlock', 'dismiss')", name="verb"),
        # A chapter's log, newest first.
        Index("ix_moderation_actions_chapter_id_created_at", "chapter_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    chapter_id: Mapped[int] = mapped_column(ForeignKey("chapters.id", ondelete="RESTRICT"))
    thread_id: Mapped[int] = mapped_column(
        ForeignKey("discussion_threads.id", ondelete="CASCADE"), index=True
    )
    post_id: Mapped[int | None] = mapped_column(
        ForeignKey("discussion_posts.id", ondelete="CASCADE"), index=True
    )
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    verb: Mapped[ModerationVerb] = mapped_column(StrEnumType(ModerationVerb, 20))
    reason: Mapped[str] = mapped_column(String(REASON_MAX), default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id])
    thread: Mapped[Thread] = relationship()
    post: Mapped[Post | None] = relationship()
