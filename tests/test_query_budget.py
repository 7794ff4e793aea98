"""Constant work per page: every main page and feed runs the same SQL statements whether it lists a few rows
or many, and no more than its budget. A page whose count grows with its rows has an N+1 (a query per row),
which on a network a hundred times larger is a slow page.

Each case builds a small world, adds FEW of the rows its page lists (events, attendees, lessons, comments,
members, connections...), counts the statements of one request, adds MORE, and counts again.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from flashmob.discussions.threads import services as threads
from flashmob.discussions.threads.models import ThreadKind
from flashmob.events.models import ChapterMembership, EventStatus, MembershipRole, Rsvp, RsvpStatus
from flashmob.extensions import db
from flashmob.members.models import (
    Connection,
    ConnectionStatus,
    MemberProfile,
    MemberTag,
    MemberTagKind,
    ProfileVisibility,
    User,
)
from flashmob.tags import tags_named
from flashmob.types import utcnow
from tests import factories
from tests.discussions.archive_factories import publish_writeup

FEW, MORE = 2, 23  # the second count is taken with FEW + MORE rows

_numbers = itertools.count(1)


def _soon(days: float) -> datetime:
    return (datetime.now(UTC) + timedelta(days=days)).replace(second=0, microsecond=0)


class World:
    """Two chapters with people in every role, an evening to come, one tonight, one past with a write-up."""

    def __init__(self):
        roles = factories.create_role_matrix()
        self.chapter, self.other = roles["chapter"], roles["other_chapter"]
        self.member, self.organiser, self.admin = roles["member"], roles["organiser"], roles["admin"]
        self.evening = factories.create_event(self.chapter, title="Evening to come", capacity=500)
        self.tonight = factories.create_event(
            self.chapter, title="Evening tonight", starts_at=_soon(2 / 24), capacity=500
        )
        self.past = factories.create_event(
            self.chapter, title="Evening gone", starts_at=_soon(-7), capacity=500
        )
        db.session.add(Rsvp(event=self.past, user=self.member, status=RsvpStatus.GOING))
        self.member.reset_calendar_token()
        db.session.commit()
        self.writeup = publish_writeup(self.past, [self._lesson_spec("Nobody reads a long report")])
        self.lesson = self.writeup.lessons[0]
        self.topic = threads.start_topic(
            self.chapter, "Tools we use", "Which ones?", actor=self.member
        ).thread
        self.star = self.person()  # whose profile is visited
        db.session.commit()

    def _lesson_spec(self, statement: str, theme: str = "reporting") -> dict:
        return {"statement": statement, "body": "Risk logs that get read.", "themes": [theme]}

    def person(self, chapter=None, role: str = MembershipRole.MEMBER) -> User:
        """A member of the chapter whose profile everyone may see, with a headline and a tag."""
        n = next(_numbers)
        user = User(
            display_name=f"Person {n:03d}",
            email=f"person{n}@example.org",
            password_hash="x",
            email_confirmed_at=utcnow(),
        )
        user.profile = MemberProfile(
            visibility=ProfileVisibility.EVERYONE, headline=f"PMO lead {n}", organisation="Acme"
        )
        db.session.add(user)
        db.session.add(ChapterMembership(chapter=chapter or self.chapter, user=user, role=role))
        db.session.flush()
        db.session.add(
            MemberTag(user_id=user.id, tag_id=tags_named(["risk"])[0].id, kind=MemberTagKind.EXPERTISE)
        )
        return user

    # What the pages list, added `count` at a time.

    def upcoming(self, count: int) -> None:
        for n in range(count):
            chapter = self.chapter if n % 2 else self.other
            event = factories.create_event(chapter, starts_at=_soon(3 + next(_numbers) / 100))
            db.session.add(Rsvp(event=event, user=self.person(chapter), status=RsvpStatus.GOING))
            db.session.add(Rsvp(event=event, user=self.member, status=RsvpStatus.GOING))
            db.session.commit()

    def past_events(self, count: int) -> None:
        for _ in range(count):
            event = factories.create_event(self.chapter, starts_at=_soon(-3 - next(_numbers) / 100))
            db.session.add(Rsvp(event=event, user=self.person(), status=RsvpStatus.GOING))
            db.session.add(Rsvp(event=event, user=self.star, status=RsvpStatus.GOING))
            db.session.commit()

    def chapters(self, count: int) -> None:
        for _ in range(count):
            chapter = factories.create_chapter(f"City {next(_numbers):03d}")
            self.person(chapter, MembershipRole.ORGANISER)
            db.session.add(ChapterMembership(chapter=chapter, user=self.member))
            factories.create_event(chapter, starts_at=_soon(5))
            db.session.commit()

    def _attend(self, event, count: int) -> None:
        for n in range(count):
            status = RsvpStatus.WAITLISTED if n % 5 == 4 else RsvpStatus.GOING
            db.session.add(Rsvp(event=event, user=self.person(), status=status, waitlisted_at=utcnow()))
        db.session.commit()

    def attendees(self, count: int) -> None:
        self._attend(self.evening, count)

    def past_attendees(self, count: int) -> None:
        self._attend(self.past, count)

    def tonight_attendees(self, count: int) -> None:
        self._attend(self.tonight, count)

    def writeups(self, count: int) -> None:
        for _ in range(count):
            event = factories.create_event(self.chapter, starts_at=_soon(-10 - next(_numbers) / 100))
            n = next(_numbers)
            publish_writeup(
                event,
                [self._lesson_spec(f"Risk lesson {n}", f"theme {n}"), self._lesson_spec(f"Risk lesson {n}b")],
            )

    def _comment(self, kind: ThreadKind, subject_id: int, count: int) -> None:
        thread = threads.thread_for_subject(kind, subject_id, self.chapter.id)
        for _ in range(count):
            threads.add_post(thread, "A thought about risk logs.", actor=self.person())
        db.session.commit()

    def lesson_comments(self, count: int) -> None:
        self._comment(ThreadKind.LESSON, self.lesson.id, count)

    def writeup_comments(self, count: int) -> None:
        self._comment(ThreadKind.WRITEUP, self.writeup.id, count)

    def event_comments(self, count: int) -> None:
        self._comment(ThreadKind.EVENT, self.evening.id, count)

    def topic_posts(self, count: int) -> None:
        for _ in range(count):
            threads.add_post(self.topic, "We use a shared sheet.", actor=self.person())
        db.session.commit()

    def topics(self, count: int) -> None:
        for n in range(count):
            threads.start_topic(self.chapter, f"Topic {n}", "Over to you.", actor=self.person())
        db.session.commit()

    def reports(self, count: int) -> None:
        thread = threads.thread_for_subject(ThreadKind.EVENT, self.evening.id, self.chapter.id)
        for _ in range(count):
            post = threads.add_post(thread, "Something rude.", actor=self.person()).post
            threads.report_post(post, "Rude.", actor=self.person())
        db.session.commit()

    def members(self, count: int) -> None:
        for _ in range(count):
            self.person()
        db.session.commit()

    def connections(self, count: int) -> None:
        for n in range(count):
            other = self.person()
            low, high = sorted((self.member.id, other.id))
            accepted = n % 3 != 2
            db.session.add(
                Connection(
                    pair_key=f"{low}:{high}",
                    requester_id=other.id,
                    addressee_id=self.member.id,
                    status=ConnectionStatus.ACCEPTED if accepted else ConnectionStatus.PENDING,
                    event_id=self.past.id,
                    responded_at=utcnow() if accepted else None,
                )
            )
        db.session.commit()

    def star_connections_and_evenings(self, count: int) -> None:
        self.past_events(count)  # the star went to each
        for _ in range(count):
            other = self.person()
            low, high = sorted((self.star.id, other.id))
            db.session.add(
                Connection(
                    pair_key=f"{low}:{high}",
                    requester_id=other.id,
                    addressee_id=self.star.id,
                    status=ConnectionStatus.ACCEPTED,
                    responded_at=utcnow(),
                )
            )
        db.session.commit()

    def memberships_and_evenings(self, count: int) -> None:
        for _ in range(count):
            chapter = factories.create_chapter(f"Town {next(_numbers):03d}")
            db.session.add(ChapterMembership(chapter=chapter, user=self.member))
            event = factories.create_event(chapter, starts_at=_soon(-2 - next(_numbers) / 100))
            db.session.add(Rsvp(event=event, user=self.member, status=RsvpStatus.GOING))
            db.session.commit()

    def dashboard_events(self, count: int) -> None:
        for n in range(count):
            event = factories.create_event(self.chapter, starts_at=_soon(-2 - n if n % 2 else 3 + n))
            db.session.add(Rsvp(event=event, user=self.person(), status=RsvpStatus.GOING))
            if n % 4 == 0:
                factories.create_event(self.chapter, starts_at=_soon(6 + n), status=EventStatus.DRAFT)
            db.session.commit()


@dataclass(frozen=True)
class Page:
    name: str
    viewer: str | None  # an attribute of World, or None for someone signed out
    url: Callable[[World], str]
    grow: Callable[[World, int], None]
    budget: int  # the most statements one request may run
    status: int = 200
    # Lists page by key (flashmob.paging), never by OFFSET, whose cost grows with the page number. Search
    # alone keeps page numbers: it ranks every match on every page anyway (see search._run).
    may_offset: bool = False


# Budgets are what each request runs today (the same on SQLite and PostgreSQL), the signed-in person's session
# and user included: a change that adds a statement must say why here; one that saves a statement lowers it.
PAGES = [
    Page("home signed out", None, lambda w: "/", World.upcoming, 6),
    Page("home signed in", "member", lambda w: "/", World.upcoming, 9),
    Page("chapters", None, lambda w: "/chapters", World.chapters, 5),
    Page("chapter", "member", lambda w: "/chapters/birmingham", World.upcoming, 10),
    Page("chapter, organiser", "organiser", lambda w: "/chapters/birmingham", World.dashboard_events, 11),
    Page("chapter's past events", None, lambda w: "/chapters/birmingham/past", World.past_events, 2),
    Page("events to come", None, lambda w: "/events", World.upcoming, 2),
    Page("events to come, signed in", "member", lambda w: "/events", World.upcoming, 5),
    Page("past events", None, lambda w: "/events/past", World.past_events, 1),
    Page("event, signed out", None, lambda w: f"/events/{w.evening.id}", World.attendees, 5),
    Page("event, member", "member", lambda w: f"/events/{w.evening.id}", World.attendees, 12),
    Page("event, organiser", "organiser", lambda w: f"/events/{w.evening.id}", World.attendees, 13),
    Page("event with comments", "member", lambda w: f"/events/{w.evening.id}", World.event_comments, 10),
    Page("past event, member", "member", lambda w: f"/events/{w.past.id}", World.past_attendees, 17),
    Page("attendees", "organiser", lambda w: f"/events/{w.evening.id}/attendees", World.attendees, 4),
    Page("attendees CSV", "organiser", lambda w: f"/events/{w.evening.id}/attendees.csv", World.attendees, 5),
    Page("check-in", "organiser", lambda w: f"/events/{w.tonight.id}/check-in", World.tonight_attendees, 6),
    Page("chapter feed", None, lambda w: "/chapters/birmingham/calendar.ics", World.upcoming, 3),
    Page("all-chapters feed", None, lambda w: "/calendar.ics", World.upcoming, 2),
    Page("personal feed", None, lambda w: f"/calendar/{w.member.calendar_token}.ics", World.upcoming, 3),
    # A feed sent in full: its summary (all a 304 costs, see test_feed_validators), then its rows.
    Page("write-ups Atom feed", None, lambda w: "/writeups.atom", World.writeups, 3),
    Page("chapter's Atom feed", None, lambda w: "/chapters/birmingham/writeups.atom", World.writeups, 4),
    Page("profile", "member", lambda w: f"/members/{w.star.id}", World.star_connections_and_evenings, 10),
    Page("own profile", "star", lambda w: f"/members/{w.star.id}", World.star_connections_and_evenings, 10),
    Page("account", "member", lambda w: "/account", World.memberships_and_evenings, 8),
    Page("connections", "member", lambda w: "/connections", World.connections, 9),
    Page("directory", "member", lambda w: "/chapters/birmingham/members", World.members, 8),
    Page("lessons archive", None, lambda w: "/lessons", World.writeups, 7),
    Page("lessons search", None, lambda w: "/lessons?q=risk", World.writeups, 10, may_offset=True),
    Page("lesson", "member", lambda w: f"/lessons/{w.lesson.id}", World.lesson_comments, 11),
    Page("themes", None, lambda w: "/lessons/themes", World.writeups, 2),
    Page("theme", None, lambda w: "/lessons/themes/reporting", World.writeups, 4),
    Page("takeaways", None, lambda w: "/takeaways", World.writeups, 3),
    Page("write-up", "member", lambda w: f"/writeups/{w.writeup.id}", World.writeup_comments, 11),
    Page("board", "member", lambda w: "/chapters/birmingham/board", World.topics, 4),
    Page(
        "topic", "member", lambda w: f"/chapters/birmingham/board/topics/{w.topic.id}", World.topic_posts, 6
    ),
    Page("moderation queue", "organiser", lambda w: "/chapters/birmingham/moderation", World.reports, 5),
    Page("dashboard", "organiser", lambda w: "/organise", World.dashboard_events, 10),
]


@pytest.mark.parametrize("page", PAGES, ids=[page.name for page in PAGES])
def test_a_page_runs_the_same_statements_for_few_rows_or_many(client, login, logout, count_queries, page):
    world = World()

    def statements():
        logout()
        if page.viewer is not None:
            login(getattr(world, page.viewer))
        db.session.expire_all()
        url = page.url(world)
        with count_queries() as counted:
            response = client.get(url)
        assert response.status_code == page.status, url
        return counted

    page.grow(world, FEW)
    few = statements()
    page.grow(world, MORE)
    many = statements()
    assert many.count == few.count, "\n".join(many.statements)
    assert many.count <= page.budget, "\n".join(many.statements)
    # (SQLite's dialect writes "LIMIT ? OFFSET ?" for every LIMIT, with 0: PostgreSQL's tells.)
    if not page.may_offset and db.engine.dialect.name == "postgresql":
        assert not [statement for statement in many.statements if " OFFSET " in statement.upper()]
