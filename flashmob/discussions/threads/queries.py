"""What a discussion page shows, loaded in a fixed number of queries whatever the number of posts: a thread
with a page of its top-level posts and all their replies, a chapter's board, the moderation queue.

thread_for(kind, subject_id) is what the evening, write-up and lesson pages call to show their discussion
(templates/discussions/_thread.html draws it).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from flask import abort, request, url_for
from flask_login import current_user
from sqlalchemy import select, tuple_
from sqlalchemy.orm import joinedload

from flashmob.discussions.threads import services
from flashmob.discussions.threads.models import ModerationAction, Post, Report, Thread, ThreadKind
from flashmob.discussions.threads.subjects import Subject, load_subject, subject_of
from flashmob.events.models import Chapter
from flashmob.extensions import db
from flashmob.routing import MAX_ID

# Top-level posts per page of a thread (each with all its replies); topics per page of a board.
POSTS_PER_PAGE = 50
TOPICS_PER_PAGE = 25
QUEUE_SIZE = 50
LOG_SIZE = 30


@dataclass
class Discussion:
    """A thread as a page shows it: its top-level posts (a page of them) and their replies."""

    thread: Thread  # unsaved until the first post
    # Where a new top-level post is sent.
    post_url: str
    posts: list[Post] = field(default_factory=list)
    replies: dict[int, list[Post]] = field(default_factory=dict)
    # The address of the next page of top-level posts, if there is one.
    later_url: str | None = None
    subject: Subject | None = None
    # Where the posts' times are shown: the evening's zone, or the board's chapter's.
    timezone: str = "UTC"

    @property
    def is_started(self) -> bool:
        return self.thread.id is not None


def key_argument(name: str) -> int | None:
    """A ?name=<id> paging key: None when absent, 404 for anything but an id we could hold."""
    raw = request.args.get(name)
    if raw is None:
        return None
    if not (raw.isascii() and raw.isdigit()) or len(raw) > len(str(MAX_ID)) or int(raw) > MAX_ID:
        abort(404)
    return int(raw)


def _posts_of(thread: Thread, after: int | None) -> tuple[list[Post], dict[int, list[Post]], int | None]:
    top = db.session.scalars(
        select(Post)
        .where(Post.thread_id == thread.id, Post.parent_id.is_(None), Post.id > (after or 0))
        .options(joinedload(Post.author))
        .order_by(Post.id)
        .limit(POSTS_PER_PAGE + 1)
    ).all()
    more = len(top) > POSTS_PER_PAGE
    top = top[:POSTS_PER_PAGE]
    replies: dict[int, list[Post]] = defaultdict(list)
    if top:
        rows = db.session.scalars(
            select(Post)
            .where(Post.thread_id == thread.id, Post.parent_id.in_([post.id for post in top]))
            .options(joinedload(Post.author))
            .order_by(Post.id)
        )
        for reply in rows:
            replies[reply.parent_id].append(reply)
    return list(top), dict(replies), (top[-1].id if more else None)


def _later_url(last_id: int | None) -> str | None:
    if last_id is None:
        return None
    args = {**(request.view_args or {}), **request.args.to_dict(), "comments_after": last_id}
    return url_for(request.endpoint, **args) + "#discussion"


def thread_for(subject_kind: str, subject_id: int, *, loaded=None) -> Discussion | None:
    """The discussion of an evening, a write-up or a lesson, for the page being drawn; None when it cannot
    be discussed (a draft, an unpublished write-up). Pass the evening, write-up or lesson as `loaded` when
    the page has it: then it costs one query before the first comment and three after, however many."""
    if loaded is not None:
        subject = subject_of(subject_kind, loaded)
    else:
        subject = load_subject(subject_kind, subject_id, current_user)
    if subject is None:
        return None
    thread = services.find_thread(subject.kind, subject.id) or services.unsaved_thread(
        subject.kind, subject.id, subject.chapter_id
    )
    discussion = Discussion(
        thread=thread,
        post_url=url_for("discussions.comment", kind=subject.kind.value, subject_id=subject.id),
        subject=subject,
        timezone=subject.timezone,
    )
    if thread.id is not None:
        discussion.posts, discussion.replies, last = _posts_of(thread, key_argument("comments_after"))
        discussion.later_url = _later_url(last)
    return discussion


def topic_discussion(thread: Thread, *, timezone: str = "UTC") -> Discussion:
    """A board topic's posts, for its page, timed in the chapter's zone."""
    discussion = Discussion(
        thread=thread, post_url=url_for("discussions.post_in_thread", thread_id=thread.id), timezone=timezone
    )
    discussion.posts, discussion.replies, last = _posts_of(thread, key_argument("comments_after"))
    discussion.later_url = _later_url(last)
    return discussion


def load_topic(chapter: Chapter, thread_id: int) -> Thread:
    thread = db.session.scalar(
        select(Thread)
        .where(Thread.id == thread_id, Thread.kind == ThreadKind.TOPIC, Thread.chapter_id == chapter.id)
        .options(joinedload(Thread.started_by))
    )
    if thread is None:
        abort(404)
    return thread


@dataclass
class Board:
    topics: list[Thread]
    later_url: str | None


def board(chapter: Chapter, after: int | None) -> Board:
    """A page of the chapter's topics, most recently active first, paged by key (?after=<topic id>)."""
    query = (
        select(Thread)
        .where(Thread.chapter_id == chapter.id, Thread.kind == ThreadKind.TOPIC)
        .options(joinedload(Thread.started_by))
        .order_by(Thread.last_activity_at.desc(), Thread.id.desc())
        .limit(TOPICS_PER_PAGE + 1)
    )
    if after is not None:
        mark = db.session.execute(
            select(Thread.last_activity_at, Thread.id).where(
                Thread.id == after, Thread.chapter_id == chapter.id, Thread.kind == ThreadKind.TOPIC
            )
        ).one_or_none()
        if mark is None:
            abort(404)
        query = query.where(tuple_(Thread.last_activity_at, Thread.id) < tuple_(*mark))
    topics = db.session.scalars(query).all()
    more = len(topics) > TOPICS_PER_PAGE
    topics = list(topics[:TOPICS_PER_PAGE])
    later = url_for("discussions.board", slug=chapter.slug, after=topics[-1].id) if more else None
    return Board(topics=topics, later_url=later)


@dataclass
class Queue:
    reports: list[Report]
    log: list[ModerationAction]


def moderation_queue(chapter: Chapter) -> Queue:
    """The chapter's open reports, oldest first, with their posts and people; and the latest actions."""
    reports = db.session.scalars(
        select(Report)
        .where(Report.chapter_id == chapter.id, Report.resolved_at.is_(None))
        .options(
            joinedload(Report.reporter),
            joinedload(Report.post).joinedload(Post.author),
            joinedload(Report.post).joinedload(Post.thread),
        )
        .order_by(Report.id)
        .limit(QUEUE_SIZE)
    ).all()
    log = db.session.scalars(
        select(ModerationAction)
        .where(ModerationAction.chapter_id == chapter.id)
        .options(
            joinedload(ModerationAction.actor),
            joinedload(ModerationAction.thread),
            joinedload(ModerationAction.post).joinedload(Post.author),
        )
        .order_by(ModerationAction.created_at.desc(), ModerationAction.id.desc())
        .limit(LOG_SIZE)
    ).all()
    return Queue(reports=list(reports), log=list(log))


def load_post(post_id: int) -> Post:
    """The post with its thread, or 404."""
    post = db.session.scalar(
        select(Post).where(Post.id == post_id).options(joinedload(Post.thread), joinedload(Post.author))
    )
    if post is None:
        abort(404)
    return post


def load_thread(thread_id: int) -> Thread:
    thread = db.session.get(Thread, thread_id)
    if thread is None:
        abort(404)
    return thread
