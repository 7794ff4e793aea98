"""The email a reply sends: one fan-out job per reply (services.add_post queues it), which the mail worker
expands with participants() and writes with render_reply() (mail_registry wires them up).

Who is told: everyone who posted in the thread, except the one replying, former members, and people who
blocked the one replying; the worker leaves out whoever stopped discussion email.
"""

from __future__ import annotations

from flask import current_app
from sqlalchemy import exists, select

from flashmob.discussions.threads.models import Post, ThreadKind
from flashmob.discussions.threads.subjects import load_subject
from flashmob.email_kinds import templates_of
from flashmob.extensions import db
from flashmob.markdown import markdown_to_text
from flashmob.members.models import MemberBlock, User
from flashmob.outbox import Draft, OutboxMessage, Recipient
from flashmob.urls import public_url

EXCERPT = 600


def _post_of(facts: dict) -> Post:
    post = db.session.get(Post, facts["post_id"])
    if post is None:
        raise LookupError(f"post {facts['post_id']} no longer exists")
    return post


def participants(facts: dict, *, after: int, limit: int) -> list[Recipient]:
    """The people who posted in the reply's thread, after user id `after`, in user id order."""
    post = db.session.get(Post, facts["post_id"])
    if post is None or post.author_id is None:
        return []
    replier = post.author_id
    posted = select(Post.author_id).where(Post.thread_id == post.thread_id, Post.author_id.is_not(None))
    blocked_replier = exists().where(MemberBlock.blocker_id == User.id, MemberBlock.blocked_id == replier)
    rows = db.session.execute(
        select(User.id, User.email)
        .where(
            User.id.in_(posted),
            User.id != replier,
            User.id > after,
            User.deleted_at.is_(None),
            ~blocked_replier,
        )
        .order_by(User.id)
        .limit(limit)
    )
    return [Recipient(user_id, email) for user_id, email in rows]


def where_it_is(post: Post) -> tuple[str, str]:
    """What the post's thread is called, and the absolute address of the post on its page."""
    thread = post.thread
    anchor = f"post-{post.id}"
    if thread.kind == ThreadKind.TOPIC:
        slug = thread_chapter_slug(thread.chapter_id)
        return thread.title, public_url("discussions.topic", slug=slug, thread_id=thread.id) + f"#{anchor}"
    subject = load_subject(thread.kind, thread.subject_id)
    if subject is None:
        raise LookupError("what the discussion was about is no longer shown")
    return subject.title, public_url(subject.endpoint, **subject.values) + f"#{anchor}"


def thread_chapter_slug(chapter_id: int) -> str:
    from flashmob.events.models import Chapter

    return db.session.scalar(select(Chapter.slug).where(Chapter.id == chapter_id))


def render_reply(message: OutboxMessage, facts: dict) -> Draft:
    """Who replied, where, the first words of the reply, and the link to it."""
    post = _post_of(facts)
    if not post.is_visible:
        raise LookupError("the reply was taken down before its email was sent")
    user = db.session.get(User, message.user_id) if message.user_id is not None else None
    if user is None:
        raise LookupError("the recipient's account no longer exists")
    author = post.author.display_name if post.author and not post.author.is_deleted else "A former member"
    title, url = where_it_is(post)
    excerpt = markdown_to_text(post.body)
    if len(excerpt) > EXCERPT:
        excerpt = excerpt[:EXCERPT].rsplit(" ", 1)[0] + "…"
    title = " ".join(title.split())
    return Draft(
        subject=f"{author} replied: {title}",
        template=templates_of(message.kind)[0],
        context={
            "user": user,
            # The email layout is titled after an event; a discussion has none to name.
            "event": None,
            "author": author,
            "title": title,
            "excerpt": excerpt,
            "post_url": url,
            "site_name": current_app.config["SITE_NAME"],
        },
    )
