"""The rules of discussions: starting threads and topics, posting and replying, editing and deleting,
reporting, and what organisers do (hide, show again, remove, lock, dismiss a report).

Services take the actor by keyword, change objects and flush; the view commits. Who may do what is the
permissions module's call, checked by the view; the rules here are about the state of things (a locked
thread, an empty post, a second report), raised as DiscussionError. Every organiser's action writes a
ModerationAction: the log says what was done, by whom and when.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from flashmob.discussions.threads.models import (
    BODY_MAX,
    REASON_MAX,
    TITLE_MAX,
    ModerationAction,
    ModerationVerb,
    Post,
    PostStatus,
    Report,
    ReportOutcome,
    Thread,
    ThreadKind,
)
from flashmob.discussions.threads.permissions import LOCKED
from flashmob.email_kinds import EmailKind
from flashmob.errors import RuleError
from flashmob.events.models import Chapter
from flashmob.extensions import db
from flashmob.forms import strip_control_characters
from flashmob.members.models import MemberBlock, User
from flashmob.outbox import queue_fanout
from flashmob.results import Outcome
from flashmob.types import utcnow


class DiscussionError(RuleError):
    """A post, report or moderation that breaks a rule; `field` names the form field it is about."""


@dataclass(frozen=True)
class Posted(Outcome):
    """A new post: where it went, whether it is a reply, and whether its participants will be told."""

    post: Post
    thread: Thread
    is_reply: bool
    told_participants: bool


@dataclass(frozen=True)
class Moderated(Outcome):
    """What an organiser did, and how many open reports on the post it resolved."""

    verb: ModerationVerb
    reports_resolved: int


# Checking what people typed


def clean_body(body: str | None) -> str:
    """The post's Markdown, or DiscussionError at the `body` field: not empty, at most BODY_MAX."""
    text = strip_control_characters(body or "").strip()
    if not text:
        raise DiscussionError("Write something first.", field="body")
    if len(text) > BODY_MAX:
        raise DiscussionError(f"Keep it to {BODY_MAX:,} characters (this is {len(text):,}).", field="body")
    return text


def clean_title(title: str | None) -> str:
    text = " ".join(strip_control_characters(title or "").split())
    if not text:
        raise DiscussionError("Give the topic a title.", field="title")
    if len(text) > TITLE_MAX:
        raise DiscussionError(f"Keep the title to {TITLE_MAX} characters.", field="title")
    return text


def clean_reason(reason: str | None) -> str:
    text = " ".join(strip_control_characters(reason or "").split())
    if len(text) > REASON_MAX:
        raise DiscussionError(f"Keep it to {REASON_MAX} characters.", field="reason")
    return text


# Threads


def find_thread(kind: ThreadKind, subject_id: int) -> Thread | None:
    """The thread about a subject, if anyone has posted in it."""
    return db.session.scalar(
        select(Thread).where(Thread.kind == ThreadKind(kind), Thread.subject_id == subject_id)
    )


def unsaved_thread(kind: ThreadKind, subject_id: int, chapter_id: int) -> Thread:
    """A subject's thread before its first post: for the permissions to ask about; never added."""
    return Thread(
        kind=ThreadKind(kind),
        subject_id=subject_id,
        chapter_id=chapter_id,
        is_locked=False,
        post_count=0,
        title="",
    )


def thread_for_subject(kind: ThreadKind, subject_id: int, chapter_id: int) -> Thread:
    """The subject's thread, started now if it has none (two first posts at once make one thread)."""
    thread = find_thread(kind, subject_id)
    if thread is not None:
        return thread
    try:
        with db.session.begin_nested():
            thread = Thread(kind=ThreadKind(kind), subject_id=subject_id, chapter_id=chapter_id)
            db.session.add(thread)
    except IntegrityError:
        thread = find_thread(kind, subject_id)
        if thread is None:  # pragma: no cover - the row that collided is there
            raise
    return thread


def start_topic(
    chapter: Chapter, title: str, body: str, *, actor: User, now: datetime | None = None
) -> Posted:
    """A new topic on a chapter's board, with its opening post."""
    title, body = clean_title(title), clean_body(body)
    if chapter.is_archived:
        raise DiscussionError("This chapter is archived: its board takes no new topics.")
    now = now or utcnow()
    thread = Thread(
        kind=ThreadKind.TOPIC,
        chapter_id=chapter.id,
        title=title,
        started_by_id=actor.id,
        created_at=now,
        last_activity_at=now,
    )
    db.session.add(thread)
    db.session.flush()
    return add_post(thread, body, actor=actor, now=now)


# Posting


def _locked_thread(thread: Thread) -> Thread:
    """The thread re-read under a row lock, so that a post never slips in as an organiser locks it."""
    if thread.id is None:
        return thread
    db.session.execute(select(Thread.id).where(Thread.id == thread.id).with_for_update())
    db.session.refresh(thread, ["is_locked"])
    return thread


def _blocked_by(blocker_id: int | None, blocked_id: int) -> bool:
    if blocker_id is None:
        return False
    found = db.session.scalar(
        select(MemberBlock.blocker_id).where(
            MemberBlock.blocker_id == blocker_id, MemberBlock.blocked_id == blocked_id
        )
    )
    return found is not None


def add_post(
    thread: Thread, body: str, *, actor: User, parent: Post | None = None, now: datetime | None = None
) -> Posted:
    """Post in a thread, or reply to one of its posts (a reply to a reply goes under the top-level post).

    A reply, and any post after a topic's opening one, queues one email job: the worker tells everyone who
    posted in the thread, except the one posting, unless they stopped discussion email.
    """
    body = clean_body(body)
    now = now or utcnow()
    thread = _locked_thread(thread)
    if thread.is_locked:
        raise DiscussionError(LOCKED)
    if parent is not None:
        if parent.thread_id != thread.id:
            raise DiscussionError("That reply belongs to another discussion.")
        if not parent.is_visible:
            raise DiscussionError("That post is no longer shown, so it cannot be replied to.")
        if parent.parent_id is not None:
            parent = db.session.get(Post, parent.parent_id)
        if _blocked_by(parent.author_id, actor.id):
            raise DiscussionError("You cannot reply to this member.")
    post = Post(
        thread_id=thread.id,
        parent_id=parent.id if parent else None,
        author_id=actor.id,
        body=body,
        created_at=now,
    )
    db.session.add(post)
    db.session.execute(
        update(Thread)
        .where(Thread.id == thread.id)
        .values(post_count=Thread.post_count + 1, last_activity_at=now),
        execution_options={"synchronize_session": False},
    )
    db.session.flush()
    db.session.expire(thread, ["post_count", "last_activity_at"])
    is_reply = parent is not None
    tells = is_reply or (thread.kind == ThreadKind.TOPIC and _has_earlier_posts(thread, post))
    if tells:
        queue_fanout(EmailKind.DISCUSSION_REPLY, {"post_id": post.id})
    return Posted(post=post, thread=thread, is_reply=is_reply, told_participants=bool(tells))


def _has_earlier_posts(thread: Thread, post: Post) -> bool:
    return (
        db.session.scalar(select(Post.id).where(Post.thread_id == thread.id, Post.id < post.id).limit(1))
        is not None
    )


def edit_post(post: Post, body: str, *, actor: User, now: datetime | None = None) -> Post:
    """Change a post's words; it says "edited" from now on."""
    body = clean_body(body)
    if post.is_gone:
        raise DiscussionError("This post was taken down and can no longer be edited.")
    if _locked_thread(post.thread).is_locked:
        raise DiscussionError(LOCKED)
    if body != post.body:
        post.body = body
        post.edited_at = now or utcnow()
    db.session.flush()
    return post


def _set_status(post: Post, status: PostStatus) -> None:
    """Change a post's status, keeping its thread's count of posts that show."""
    change = int(status == PostStatus.VISIBLE) - int(post.status == PostStatus.VISIBLE)
    post.status = status
    if change:
        db.session.execute(
            update(Thread).where(Thread.id == post.thread_id).values(post_count=Thread.post_count + change),
            execution_options={"synchronize_session": False},
        )
        db.session.expire(post.thread, ["post_count"])


def delete_post(post: Post, *, actor: User) -> Post:
    """The author takes their post down: it says "Deleted by its author"; replies to it stay."""
    if post.is_gone:
        raise DiscussionError("This post is already gone.")
    _set_status(post, PostStatus.DELETED)
    db.session.flush()
    return post


# Reports


def report_post(post: Post, reason: str, *, actor: User, now: datetime | None = None) -> Report:
    """Flag a post for the chapter's organisers; once per post per person."""
    reason = clean_reason(reason)
    if not post.is_visible:
        raise DiscussionError("This post is no longer shown.")
    existing = db.session.scalar(
        select(Report.id).where(Report.post_id == post.id, Report.reporter_id == actor.id)
    )
    if existing is not None:
        raise DiscussionError("You have already reported this post: the organisers will look at it.")
    report = Report(
        post_id=post.id,
        chapter_id=post.thread.chapter_id,
        reporter_id=actor.id,
        reason=reason,
        created_at=now or utcnow(),
    )
    try:
        with db.session.begin_nested():
            db.session.add(report)
    except IntegrityError:  # the same person's second click, racing the first
        raise DiscussionError(
            "You have already reported this post: the organisers will look at it."
        ) from None
    return report


def _resolve_reports(post: Post, outcome: ReportOutcome, *, actor: User, now: datetime) -> int:
    resolved = db.session.execute(
        update(Report)
        .where(Report.post_id == post.id, Report.resolved_at.is_(None))
        .values(resolved_at=now, resolved_by_id=actor.id, outcome=outcome),
        execution_options={"synchronize_session": False},
    ).rowcount
    # The reports already loaded (the one an organiser acted from) are read again with their new state.
    for loaded in list(db.session.identity_map.values()):
        if isinstance(loaded, Report) and loaded.post_id == post.id:
            db.session.expire(loaded)
    return resolved


def _log(
    verb: ModerationVerb,
    thread: Thread,
    *,
    actor: User,
    now: datetime,
    post: Post | None = None,
    reason: str = "",
) -> None:
    db.session.add(
        ModerationAction(
            chapter_id=thread.chapter_id,
            thread_id=thread.id,
            post_id=post.id if post else None,
            actor_id=actor.id,
            verb=verb,
            reason=reason,
            created_at=now,
        )
    )


def _moderate_post(
    post: Post,
    status: PostStatus,
    verb: ModerationVerb,
    outcome: ReportOutcome | None,
    *,
    actor: User,
    reason: str,
    now: datetime | None,
) -> Moderated:
    reason, now = clean_reason(reason), now or utcnow()
    _set_status(post, status)
    post.moderated_by_id, post.moderated_at, post.moderation_reason = actor.id, now, reason
    resolved = _resolve_reports(post, outcome, actor=actor, now=now) if outcome else 0
    _log(verb, post.thread, actor=actor, now=now, post=post, reason=reason)
    db.session.flush()
    return Moderated(verb=verb, reports_resolved=resolved)


def hide_post(post: Post, *, actor: User, reason: str = "", now: datetime | None = None) -> Moderated:
    """An organiser hides a post: others see that it was hidden; its open reports are resolved."""
    if post.status != PostStatus.VISIBLE:
        raise DiscussionError("Only a post that shows can be hidden.")
    return _moderate_post(
        post,
        PostStatus.HIDDEN,
        ModerationVerb.HIDE,
        ReportOutcome.HIDDEN,
        actor=actor,
        reason=reason,
        now=now,
    )


def unhide_post(post: Post, *, actor: User, reason: str = "", now: datetime | None = None) -> Moderated:
    """An organiser shows a hidden post again."""
    if post.status != PostStatus.HIDDEN:
        raise DiscussionError("Only a hidden post can be shown again.")
    return _moderate_post(
        post, PostStatus.VISIBLE, ModerationVerb.UNHIDE, None, actor=actor, reason=reason, now=now
    )


def remove_post(post: Post, *, actor: User, reason: str = "", now: datetime | None = None) -> Moderated:
    """An organiser removes a post for good: nobody sees its words again."""
    if post.is_gone:
        raise DiscussionError("This post is already gone.")
    return _moderate_post(
        post,
        PostStatus.REMOVED,
        ModerationVerb.REMOVE,
        ReportOutcome.REMOVED,
        actor=actor,
        reason=reason,
        now=now,
    )


def dismiss_report(report: Report, *, actor: User, now: datetime | None = None) -> Moderated:
    """An organiser looked at a report and leaves the post as it is: every open report on it is resolved."""
    if not report.is_open:
        raise DiscussionError("This report was already dealt with.")
    now = now or utcnow()
    resolved = _resolve_reports(report.post, ReportOutcome.DISMISSED, actor=actor, now=now)
    _log(ModerationVerb.DISMISS, report.post.thread, actor=actor, now=now, post=report.post)
    db.session.flush()
    return Moderated(verb=ModerationVerb.DISMISS, reports_resolved=resolved)


def lock_thread(thread: Thread, *, actor: User, reason: str = "", now: datetime | None = None) -> Moderated:
    """An organiser closes a thread to new posts and edits."""
    if thread.is_locked:
        raise DiscussionError("This discussion is already locked.")
    thread.is_locked = True
    _log(ModerationVerb.LOCK, thread, actor=actor, now=now or utcnow(), reason=clean_reason(reason))
    db.session.flush()
    return Moderated(verb=ModerationVerb.LOCK, reports_resolved=0)


def unlock_thread(thread: Thread, *, actor: User, reason: str = "", now: datetime | None = None) -> Moderated:
    """An organiser opens a locked thread again."""
    if not thread.is_locked:
        raise DiscussionError("This discussion is not locked.")
    thread.is_locked = False
    _log(ModerationVerb.UNLOCK, thread, actor=actor, now=now or utcnow(), reason=clean_reason(reason))
    db.session.flush()
    return Moderated(verb=ModerationVerb.UNLOCK, reports_resolved=0)
