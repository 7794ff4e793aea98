"""What the dashboard shows, in a fixed number of queries whatever the number of chapters and evenings.

Each figure is grouped in the database (GROUP BY event or chapter), never counted one evening at a time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import and_, exists, func, literal, select, union_all
from sqlalchemy.orm import joinedload

from flashmob.discussions.threads.models import Report
from flashmob.events.models import Chapter, ChapterMembership, Event, EventStatus, Rsvp, RsvpStatus, WalkIn
from flashmob.extensions import db

RECENT_SIGN_UPS_DAYS = 30
RECENT_SIGN_UPS_SHOWN = 20
# The charts show each chapter's latest evenings; the table and the CSV have them all.
CHART_EVENINGS = 12


@dataclass
class EveningFigures:
    """One evening's numbers. checked_in, walk_ins, came and no_shows are None when check-in was not used:
    nobody was ticked in, so nothing is known of who came."""

    event: Event
    going: int = 0
    waitlisted: int = 0
    pending: int = 0
    checked_in: int | None = None
    walk_ins: int | None = None
    new_members: int = 0
    returning_members: int = 0

    @property
    def check_in_used(self) -> bool:
        return self.checked_in is not None

    @property
    def came(self) -> int | None:
        return None if self.checked_in is None else self.checked_in + (self.walk_ins or 0)

    @property
    def no_shows(self) -> int | None:
        return None if self.checked_in is None else max(self.going - self.checked_in, 0)

    @property
    def seats_taken(self) -> str:
        """'12 of 20 seats taken', or '12 going' without a limit."""
        if self.event.capacity is None:
            return f"{self.going} going"
        return f"{self.going} of {self.event.capacity} seats taken"


@dataclass
class ChapterTotals:
    """A chapter's past evenings added up; turnout only over the evenings where check-in was used."""

    evenings: int = 0
    going: int = 0
    checked_evenings: int = 0
    going_at_checked: int = 0
    came: int = 0
    no_shows: int = 0
    new_members: int = 0
    returning_members: int = 0

    @property
    def turnout(self) -> str:
        """'83%' of those going who came, where check-in was used; '' when it never was."""
        if not self.going_at_checked:
            return ""
        return f"{round(100 * self.came / self.going_at_checked)}%"


@dataclass
class ChapterBoard:
    """One chapter on the dashboard."""

    chapter: Chapter
    upcoming: list[EveningFigures] = field(default_factory=list)
    drafts: list[Event] = field(default_factory=list)
    past: list[EveningFigures] = field(default_factory=list)  # most recent first
    open_reports: int = 0
    recent_sign_ups: int = 0
    totals: ChapterTotals = field(default_factory=ChapterTotals)

    @property
    def pending_requests(self) -> list[EveningFigures]:
        return [figures for figures in self.upcoming if figures.pending]

    @property
    def has_evenings(self) -> bool:
        return bool(self.upcoming or self.drafts or self.past)

    @property
    def charted(self) -> list[EveningFigures]:
        """The latest evenings, oldest first, as a chart reads left to right."""
        return list(reversed(self.past[:CHART_EVENINGS]))


@dataclass
class Dashboard:
    boards: list[ChapterBoard]
    recent_sign_ups: list[ChapterMembership]

    @property
    def needs_attention(self) -> bool:
        return any(board.pending_requests or board.open_reports for board in self.boards)


def dashboard_chapters(user) -> list[Chapter]:
    """The chapters on someone's dashboard, by name: all for a site admin, else those they organise."""
    statement = select(Chapter).order_by(Chapter.name)
    if not user.is_admin:
        statement = statement.where(Chapter.id.in_(user.organised_chapter_ids))
    return list(db.session.scalars(statement))


def _events(chapter_ids: list[int]) -> list[Event]:
    """Every evening of the chapters but the cancelled ones, latest first."""
    return list(
        db.session.scalars(
            select(Event)
            .where(Event.chapter_id.in_(chapter_ids), Event.status != EventStatus.CANCELLED)
            .order_by(Event.starts_at.desc(), Event.id.desc())
        )
    )


def _rsvp_counts(chapter_ids: list[int]) -> dict[int, tuple[int, int, int, int, int]]:
    """Per evening: going, waiting in line, asking for approval, going and checked in, anyone checked in.

    A member going who was also added as a walk-in is counted once, as a walk-in (as checkin.attendance does).
    """
    walked_in = exists().where(WalkIn.event_id == Rsvp.event_id, WalkIn.user_id == Rsvp.user_id)
    going = and_(Rsvp.status == RsvpStatus.GOING, ~walked_in)
    ticked = Rsvp.checked_in_at.is_not(None)
    rows = db.session.execute(
        select(
            Rsvp.event_id,
            func.count(Rsvp.id).filter(going),
            func.count(Rsvp.id).filter(Rsvp.status.in_((RsvpStatus.WAITLISTED, RsvpStatus.OFFERED))),
            func.count(Rsvp.id).filter(Rsvp.status == RsvpStatus.PENDING),
            func.count(Rsvp.id).filter(going, ticked),
            func.count(Rsvp.id).filter(ticked),
        )
        .join(Event, Event.id == Rsvp.event_id)
        .where(Event.chapter_id.in_(chapter_ids))
        .group_by(Rsvp.event_id)
    )
    return {row[0]: tuple(row[1:]) for row in rows}


def _walk_in_counts(chapter_ids: list[int]) -> dict[int, int]:
    rows = db.session.execute(
        select(WalkIn.event_id, func.count(WalkIn.id))
        .join(Event, Event.id == WalkIn.event_id)
        .where(Event.chapter_id.in_(chapter_ids))
        .group_by(WalkIn.event_id)
    )
    return {key: count for key, count in rows}


def _new_and_returning(chapter_ids: list[int], now: datetime) -> dict[int, tuple[int, int]]:
    """Per past evening: members there for the first time in the chapter, and members who came before.

    "There" is going (a seat kept to the end) or added at the door as a walk-in: it does not depend on
    whether check-in was used, so the figure means the same for every evening.
    """
    held = (
        Event.chapter_id.in_(chapter_ids),
        Event.status == EventStatus.PUBLISHED,
        Event.ends_at <= now,
        Event.date_tbc.is_(False),
    )
    # Each branch keeps to the chapters' past evenings, so that neither reads the whole table.
    seen = union_all(
        select(Rsvp.event_id, Rsvp.user_id, Event.chapter_id, Event.starts_at)
        .join(Event, Event.id == Rsvp.event_id)
        .where(Rsvp.status == RsvpStatus.GOING, *held),
        select(WalkIn.event_id, WalkIn.user_id, Event.chapter_id, Event.starts_at)
        .join(Event, Event.id == WalkIn.event_id)
        .where(WalkIn.user_id.is_not(None), *held),
    ).subquery()
    # A member going who was also added at the door is there once.
    people = select(seen).distinct().subquery()
    visit = (
        func.row_number()
        .over(
            partition_by=(people.c.chapter_id, people.c.user_id),
            order_by=(people.c.starts_at, people.c.event_id),
        )
        .label("visit")
    )
    numbered = select(people.c.event_id, visit).subquery()
    rows = db.session.execute(
        select(
            numbered.c.event_id,
            func.count().filter(numbered.c.visit == literal(1)),
            func.count().filter(numbered.c.visit > literal(1)),
        ).group_by(numbered.c.event_id)
    )
    return {event_id: (new, returning) for event_id, new, returning in rows}


def _open_reports(chapter_ids: list[int]) -> dict[int, int]:
    rows = db.session.execute(
        select(Report.chapter_id, func.count(Report.id))
        .where(Report.chapter_id.in_(chapter_ids), Report.resolved_at.is_(None))
        .group_by(Report.chapter_id)
    )
    return {key: count for key, count in rows}


def _sign_up_counts(chapter_ids: list[int], since: datetime) -> dict[int, int]:
    rows = db.session.execute(
        select(ChapterMembership.chapter_id, func.count(ChapterMembership.id))
        .where(ChapterMembership.chapter_id.in_(chapter_ids), ChapterMembership.joined_at >= since)
        .group_by(ChapterMembership.chapter_id)
    )
    return {key: count for key, count in rows}


def _recent_sign_ups(chapter_ids: list[int], since: datetime) -> list[ChapterMembership]:
    return list(
        db.session.scalars(
            select(ChapterMembership)
            .options(joinedload(ChapterMembership.user), joinedload(ChapterMembership.chapter))
            .where(ChapterMembership.chapter_id.in_(chapter_ids), ChapterMembership.joined_at >= since)
            .order_by(ChapterMembership.joined_at.desc(), ChapterMembership.id.desc())
            .limit(RECENT_SIGN_UPS_SHOWN)
        )
    )


def evening_figures(chapters: list[Chapter], now: datetime) -> list[EveningFigures]:
    """Every evening of the chapters but the cancelled ones, latest first, with its figures: four queries."""
    ids = [chapter.id for chapter in chapters]
    if not ids:
        return []
    events = _events(ids)
    counts = _rsvp_counts(ids)
    walk_ins = _walk_in_counts(ids)
    visits = _new_and_returning(ids, now)
    found = []
    for event in events:
        going, waitlisted, pending, going_came, anyone_ticked = counts.get(event.id, (0, 0, 0, 0, 0))
        walked_in = walk_ins.get(event.id, 0)
        # Check-in was used when anyone was ticked in or added at the door; otherwise nothing is known.
        used = bool(anyone_ticked or walked_in)
        new, returning = visits.get(event.id, (0, 0))
        found.append(
            EveningFigures(
                event=event,
                going=going,
                waitlisted=waitlisted,
                pending=pending,
                checked_in=going_came if used else None,
                walk_ins=walked_in if used else None,
                new_members=new,
                returning_members=returning,
            )
        )
    return found


def _add_up(past: list[EveningFigures]) -> ChapterTotals:
    totals = ChapterTotals(evenings=len(past))
    for figures in past:
        totals.going += figures.going
        totals.new_members += figures.new_members
        totals.returning_members += figures.returning_members
        if figures.check_in_used:
            totals.checked_evenings += 1
            totals.going_at_checked += figures.going
            totals.came += figures.came or 0
            totals.no_shows += figures.no_shows or 0
    return totals


def dashboard(user, now: datetime) -> Dashboard:
    """Everything on someone's dashboard: eight queries, however many chapters and evenings."""
    chapters = dashboard_chapters(user)
    ids = [chapter.id for chapter in chapters]
    boards = {chapter.id: ChapterBoard(chapter=chapter) for chapter in chapters}
    for figures in evening_figures(chapters, now):
        event, board = figures.event, boards[figures.event.chapter_id]
        if event.is_draft:
            board.drafts.append(event)
        elif event.has_ended_by(now):
            board.past.append(figures)
        else:
            board.upcoming.append(figures)
    since = now - timedelta(days=RECENT_SIGN_UPS_DAYS)
    reports = _open_reports(ids) if ids else {}
    sign_ups = _sign_up_counts(ids, since) if ids else {}
    for chapter_id, board in boards.items():
        board.upcoming.reverse()  # soonest first
        board.drafts.reverse()
        board.open_reports = reports.get(chapter_id, 0)
        board.recent_sign_ups = sign_ups.get(chapter_id, 0)
        board.totals = _add_up(board.past)
    recent = _recent_sign_ups(ids, since) if ids else []
    return Dashboard(boards=list(boards.values()), recent_sign_ups=recent)


def figures_by_chapter(user, now: datetime) -> list[EveningFigures]:
    """Every published evening of someone's chapters, latest first, for the CSV."""
    return [f for f in evening_figures(dashboard_chapters(user), now) if not f.event.is_draft]
