"""The demo has board topics, comments with replies on past evenings, and a report waiting for London's
organisers; seeding twice adds nothing, and seeding sends no email."""

from __future__ import annotations

from sqlalchemy import func, select

from flashmob import demo
from flashmob.discussions.threads.models import Post, Report, Thread, ThreadKind
from flashmob.events.models import Chapter
from flashmob.extensions import db
from flashmob.outbox import OutboxJob


def test_the_demo_has_discussions_and_a_report_to_moderate(app):
    demo.seed_demo()

    topics = db.session.scalars(select(Thread).where(Thread.kind == ThreadKind.TOPIC)).all()
    assert "Who actually reads the RAG report?" in {topic.title for topic in topics}
    assert db.session.scalar(select(func.count(Thread.id)).where(Thread.kind == ThreadKind.EVENT)) >= 2
    # Lessons lead to conversations with the people who learnt them.
    assert db.session.scalar(select(func.count(Thread.id)).where(Thread.kind == ThreadKind.LESSON)) == 3
    assert db.session.scalar(select(func.count(Post.id)).where(Post.parent_id.is_not(None))) >= 5
    for thread in db.session.scalars(select(Thread)):
        shown = db.session.scalar(select(func.count(Post.id)).where(Post.thread_id == thread.id))
        assert thread.post_count == shown
    report = db.session.scalar(select(Report))
    assert report.chapter_id == db.session.scalar(select(Chapter.id).where(Chapter.slug == "london"))
    assert db.session.scalar(select(func.count(OutboxJob.id))) == 0

    posts = db.session.scalar(select(func.count(Post.id)))
    demo.seed_demo()
    assert db.session.scalar(select(func.count(Post.id))) == posts
    assert db.session.scalar(select(func.count(Report.id))) == 1


def test_the_demo_board_and_queue_show_it(app, client, login):
    demo.seed_demo()
    from flashmob.members.models import User

    assert "Who actually reads the RAG report?" in client.get("/chapters/birmingham/board").text
    login(db.session.scalar(select(User).where(User.email == "nadia.rahman@example.org")))
    assert "An advert, not a lesson." in client.get("/chapters/london/moderation").text
