"""Demo discussions: topics on the Birmingham and London boards, comments and replies on past evenings, and
one reported comment waiting in London's moderation queue. Safe to seed twice.

Rows are written directly, not through the services, so that seeding queues no reply emails; the threads'
counts and last activity are set as the services would.
"""

from __future__ import annotations

from datetime import timedelta

from flask import current_app
from sqlalchemy import select

from flashmob.discussions.models import Lesson
from flashmob.discussions.threads.models import Post, Report, Thread, ThreadKind
from flashmob.events.models import Chapter, Event
from flashmob.extensions import db
from flashmob.members.models import User
from flashmob.types import utcnow

# (email, words, replies as (email, words)); the first post of a topic opens it.
TOPICS = [
    {
        "chapter": "birmingham",
        "title": "Who actually reads the RAG report?",
        "posts": [
            (
                "member@example.org",
                "Ours goes to twelve people every Friday. I asked around: two open it, and one reads past "
                "the "
                "first page. Is that normal, or have we built the wrong report?",
                [
                    (
                        "tom.brennan@example.org",
                        "Normal, sadly. We cut ours to **one page** with the three decisions the board has "
                        "to make "
                        "that week. People started reading it once it stopped being a status dump and "
                        "became an "
                        "agenda.",
                    ),
                    (
                        "eileen.parry@example.org",
                        "Amber is where reports go to die. We stopped accepting an amber without a named "
                        "owner and "
                        "a date to get back to green, and the colours started meaning something again.",
                    ),
                ],
            ),
            (
                "raj.patel@example.org",
                "Try asking the two readers what they *do* with it. Whatever they do is the report; the "
                "rest is "
                "decoration.",
                [],
            ),
        ],
    },
    {
        "chapter": "birmingham",
        "title": "No line authority: how do you get plans updated on time?",
        "posts": [
            (
                "fiona.campbell@example.org",
                "The project managers don't report to us, but the sponsors expect the PMO to 'make them "
                "comply'. How do you get plans and risk logs kept up to date without becoming the template "
                "police?",
                [
                    (
                        "organiser@example.org",
                        "Trade rather than police. We write the first draft of the risk log for every new "
                        "project; "
                        "in return the team keeps it current. People look after what they didn't have to "
                        "start "
                        "from nothing.",
                    ),
                ],
            ),
            (
                "gareth.evans@example.org",
                "Make the cost visible. When a late update held up a funding decision for a month, I put "
                "that "
                "in the board pack, without names. It did more than any process document ever did.",
                [],
            ),
        ],
    },
    {
        "chapter": "london",
        "title": "Benefits tracking after the project team has gone",
        "posts": [
            (
                "raj.patel@example.org",
                "Who owns the benefits once the project closes? Ours live in a spreadsheet that nobody opens "
                "after go-live.",
                [
                    (
                        "nadia.rahman@example.org",
                        "We hand each benefit to a named operational manager at closure and book the "
                        "six-month "
                        "review in their diary there and then. Not glamorous, but the reviews happen.",
                    ),
                    (
                        "claire.watson@example.org",
                        "And keep the measure they already report on. A benefit that needs a new measure is "
                        "a "
                        "benefit nobody will measure.",
                    ),
                ],
            ),
        ],
    },
]

# Comments on past evenings, by the event's demo key.
EVENT_COMMENTS = [
    {
        "event": "birmingham-2015-first",
        "posts": [
            (
                "eileen.parry@example.org",
                "The line that stuck with me from that first evening: the PMO is the organisation's memory, "
                "but only if somebody writes things down *and tells people where*.",
                [
                    ("tom.brennan@example.org", "And keeps it somewhere people can find without asking us!"),
                ],
            ),
        ],
    },
    {
        "event": "london-2019-prioritisation",
        "posts": [
            (
                "claire.watson@example.org",
                "The scoring exercise was an eye-opener: three tables scored the same portfolio and came up "
                "with "
                "three different top fives. The argument was the valuable part, not the scores.",
                [
                    (
                        "femi.adeyemi@example.org",
                        "We ran it at work the week after. Same result, same argument, better decisions.",
                    ),
                ],
            ),
            (
                "ben.fletcher@example.org",
                "Selling a barely used plotter for printing very large Gantt charts, message me.",
                [],
            ),
        ],
    },
]

# Conversations under lessons, keyed by the lesson's statement: a lesson leads to the people who learnt it.
LESSON_COMMENTS = [
    {
        "lesson": "A risk with no owner and no date is a worry, not a risk",
        "posts": [
            (
                "member@example.org",
                "We have forty of those in our log. Did anyone actually get owners to *accept* them, or do "
                "you just assign names and hope?",
                [
                    (
                        "fiona.campbell@example.org",
                        "We stopped assigning. Each risk goes to the weekly meeting until someone "
                        "volunteers; the ones nobody claims get closed, and nobody has missed one yet.",
                    ),
                ],
            ),
        ],
    },
    {
        "lesson": "The dearest decision is the project nobody is allowed to stop",
        "posts": [
            (
                "tom.brennan@example.org",
                "Worth adding: put a stop-or-go question in every stage gate, in those words. Once the board "
                "has been asked it out loud, stopping stops being a failure.",
                [("eileen.parry@example.org", "Stealing this for our portfolio board on Thursday.")],
            ),
        ],
    },
    {
        "lesson": "A report earns its place by changing a decision, not by being on time",
        "posts": [
            (
                "raj.patel@example.org",
                "Happy to show anyone the one-page format we moved to. Ask to connect and I'll send it over.",
                [],
            ),
        ],
    },
]

# A comment reported and waiting in London's moderation queue: (its first words, reporter, reason).
REPORTED = ("Selling a barely used plotter", "gareth.evans@example.org", "An advert, not a lesson.")


def seed_discussions() -> int:
    """Add the demo topics and evening comments that are missing; how many posts were added."""
    users = {user.email: user for user in db.session.scalars(select(User))}
    chapters = {chapter.slug: chapter for chapter in db.session.scalars(select(Chapter))}
    added = 0
    start = utcnow() - timedelta(days=20)
    for number, topic in enumerate(TOPICS):
        chapter = chapters.get(topic["chapter"])
        if chapter is None or _topic_exists(chapter, topic["title"]):
            continue
        opener = users.get(topic["posts"][0][0])
        thread = Thread(
            kind=ThreadKind.TOPIC,
            chapter_id=chapter.id,
            title=topic["title"],
            started_by_id=opener.id if opener else None,
            created_at=start + timedelta(days=number),
        )
        added += _write(thread, topic["posts"], users, thread.created_at)
    uids = {
        item["event"]: f"demo-{item['event']}@{current_app.config['ICAL_DOMAIN']}" for item in EVENT_COMMENTS
    }
    events = {
        event.ical_uid: event
        for event in db.session.scalars(select(Event).where(Event.ical_uid.in_(uids.values())))
    }
    for item in EVENT_COMMENTS:
        event = events.get(uids[item["event"]])
        if event is None or _event_thread_exists(event):
            continue
        thread = Thread(
            kind=ThreadKind.EVENT,
            subject_id=event.id,
            chapter_id=event.chapter_id,
            created_at=event.ends_at + timedelta(hours=12),
        )
        added += _write(thread, item["posts"], users, thread.created_at)
    lessons = {
        lesson.statement: lesson
        for lesson in db.session.scalars(
            select(Lesson).where(Lesson.statement.in_([item["lesson"] for item in LESSON_COMMENTS]))
        )
    }
    for item in LESSON_COMMENTS:
        lesson = lessons.get(item["lesson"])
        if lesson is None or _subject_thread_exists(ThreadKind.LESSON, lesson.id):
            continue
        event = lesson.writeup.event
        thread = Thread(
            kind=ThreadKind.LESSON,
            subject_id=lesson.id,
            chapter_id=event.chapter_id,
            created_at=event.ends_at + timedelta(days=4),
        )
        added += _write(thread, item["posts"], users, thread.created_at)
    _report_the_advert(users)
    db.session.flush()
    return added


def _topic_exists(chapter: Chapter, title: str) -> bool:
    return (
        db.session.scalar(
            select(Thread.id).where(
                Thread.chapter_id == chapter.id, Thread.kind == ThreadKind.TOPIC, Thread.title == title
            )
        )
        is not None
    )


def _event_thread_exists(event: Event) -> bool:
    return _subject_thread_exists(ThreadKind.EVENT, event.id)


def _subject_thread_exists(kind: ThreadKind, subject_id: int) -> bool:
    return (
        db.session.scalar(select(Thread.id).where(Thread.kind == kind, Thread.subject_id == subject_id))
        is not None
    )


def _write(thread: Thread, posts, users, moment) -> int:
    db.session.add(thread)
    db.session.flush()
    written = 0
    for email, words, replies in posts:
        moment += timedelta(hours=5)
        top = Post(thread_id=thread.id, author_id=_id(users, email), body=words, created_at=moment)
        db.session.add(top)
        db.session.flush()
        written += 1
        for reply_email, reply_words in replies:
            moment += timedelta(hours=3)
            db.session.add(
                Post(
                    thread_id=thread.id,
                    parent_id=top.id,
                    author_id=_id(users, reply_email),
                    body=reply_words,
                    created_at=moment,
                )
            )
            written += 1
    thread.post_count = written
    thread.last_activity_at = moment
    db.session.flush()
    return written


def _id(users, email: str) -> int | None:
    user = users.get(email)
    return user.id if user else None


def _report_the_advert(users) -> None:
    words, reporter_email, reason = REPORTED
    post = db.session.scalar(select(Post).where(Post.body.startswith(words)))
    reporter = users.get(reporter_email)
    if post is None or reporter is None:
        return
    exists = db.session.scalar(
        select(Report.id).where(Report.post_id == post.id, Report.reporter_id == reporter.id)
    )
    if exists is None:
        db.session.add(
            Report(
                post_id=post.id,
                chapter_id=post.thread.chapter_id,
                reporter_id=reporter.id,
                reason=reason,
                created_at=post.created_at + timedelta(hours=2),
            )
        )
