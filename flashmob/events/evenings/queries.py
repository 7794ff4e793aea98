"""Which events the lists show: upcoming, past (by key), the home page's sections, a chapter's drafts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, and_, func, not_, or_, select, true, union
from sqlalchemy.orm import contains_eager, joinedload

from flashmob.events.models import (
    ASKED_TO_COME,
    PUBLIC_EVENT_STATUSES,
    Chapter,
    ChapterMembership,
    Event,
    EventStatus,
    Rsvp,
)
from flashmob.events.rsvps.services import waitlist_position
from flashmob.events.rules import LONGEST_IN_UTC
from flashmob.extensions import db
from flashmob.paging import Key, after_key, page_by_key, page_of

# A save-the-date going ahead is still to come, whatever its placeholder time says (Event.is_past).
AWAITING_DATE = and_(Event.date_tbc, Event.status == EventStatus.PUBLISHED)


def _soonest(
    now: datetime,
    *,
    size: int,
    after: Key | None = None,
    chapter: Chapter | None = None,
    statuses=PUBLIC_EVENT_STATUSES,
) -> list[Event]:
    """Up to `size` events still to come (not ended, or a save-the-date going ahead), soonest first, after
    the key: in one query whose work does not grow with the past.

    "Not ended, or a save-the-date" in one condition makes the database walk every past evening in date
    order to find the first one still to come. Asked as two sorted, limited halves instead, each reads
    only what it returns: evenings with a date from the starts_at index, bounded below (none lasts longer
    than LONGEST_IN_UTC), and save-the-dates from their own small partial index.
    """

    def half(*conditions) -> Select:
        query = select(Event.id, Event.starts_at).where(*conditions)
        if chapter is not None:
            query = query.where(Event.chapter_id == chapter.id)
        if after is not None:
            query = query.where(after_key(Event.starts_at, Event.id, after, newest_first=False))
        return select(query.order_by(Event.starts_at, Event.id).limit(size).subquery())

    dated = half(Event.status.in_(statuses), Event.starts_at > now - LONGEST_IN_UTC, Event.ends_at > now)
    awaiting = half(AWAITING_DATE)
    candidates = union(dated, awaiting).subquery()  # a save-the-date whose placeholder is ahead is in both
    return list(
        db.session.scalars(
            select(Event)
            .join(candidates, candidates.c.id == Event.id)
            .options(joinedload(Event.chapter))
            .order_by(Event.starts_at, Event.id)
            .limit(size)
        )
    )


def _has_been(now: datetime) -> list:
    return [Event.status.in_(PUBLIC_EVENT_STATUSES), Event.ends_at <= now, not_(AWAITING_DATE)]


def past_events(now: datetime, chapter: Chapter | None = None) -> Select:
    """Published and cancelled events that have ended, most recent first."""
    query = (
        select(Event)
        .where(*_has_been(now))
        .options(joinedload(Event.chapter))
        .order_by(Event.starts_at.desc(), Event.id.desc())
    )
    if chapter is not None:
        query = query.where(Event.chapter_id == chapter.id)
    return query


def past_count(now: datetime, chapter: Chapter) -> int:
    """How many events a chapter has had (one query, on the (chapter_id, starts_at) index)."""
    return db.session.scalar(
        select(func.count(Event.id)).where(Event.chapter_id == chapter.id, *_has_been(now))
    )


def next_published_events(now: datetime, limit: int) -> list[Event]:
    """The next few events going ahead, site-wide, for the home page."""
    return _soonest(now, size=limit, statuses=(EventStatus.PUBLISHED,))


def drafts(chapter: Chapter) -> list[Event]:
    """A chapter's unpublished events, soonest first."""
    return list(
        db.session.scalars(
            select(Event)
            .where(Event.chapter_id == chapter.id, Event.status == EventStatus.DRAFT)
            .options(joinedload(Event.chapter))
            .order_by(Event.starts_at, Event.id)
        )
    )


# Keyset paging of the event lists (flashmob.paging): by (start, id), soonest or most recent first.


@dataclass(frozen=True)
class EventPage:
    events: list[Event]
    # Where the next page starts (?after=), or None on the last page.
    next_cursor: Key | None
    is_first: bool


def _event_page(query: Select, after: Key | None, size: int, *, newest_first: bool) -> EventPage:
    page = page_by_key(
        query,
        moment=Event.starts_at,
        row_id=Event.id,
        after=after,
        size=size,
        newest_first=newest_first,
        key_of=lambda event: (event.starts_at, event.id),
    )
    return EventPage(page.rows, page.next_key, page.is_first)


def upcoming_page(now: datetime, after: Key | None, size: int, chapter: Chapter | None = None) -> EventPage:
    """One page of events still to come, soonest first, after the key's event (one query)."""
    page = page_of(
        _soonest(now, size=size + 1, after=after, chapter=chapter),
        size=size,
        after=after,
        key_of=lambda event: (event.starts_at, event.id),
    )
    return EventPage(page.rows, page.next_key, page.is_first)


def past_page(now: datetime, after: Key | None, size: int, chapter: Chapter | None = None) -> EventPage:
    """One page of past events, most recent first, after the key's event (one query)."""
    return _event_page(past_events(now, chapter), after, size, newest_first=True)


# The signed-in home page


HOME_SECTION_SIZE = 6


@dataclass(frozen=True)
class NextEvening:
    """The viewer's soonest evening still to come where they hold a seat, a place in line, an offer or a
    request; with their place in line when waiting."""

    rsvp: Rsvp
    position: int | None = None

    @property
    def event(self) -> Event:
        return self.rsvp.event


@dataclass(frozen=True)
class PersonalHome:
    next_evening: NextEvening | None
    has_chapters: bool
    in_my_chapters: list[Event]
    elsewhere: list[Event]

    @property
    def events(self) -> list[Event]:
        """Every event the page shows as a card, for loading their faces and counts at once."""
        shown = [self.next_evening.event] if self.next_evening else []
        return shown + self.in_my_chapters + self.elsewhere


def _still_to_come(now: datetime):
    return and_(Event.status == EventStatus.PUBLISHED, or_(Event.ends_at > now, Event.date_tbc))


def personal_home(member, now: datetime, size: int = HOME_SECTION_SIZE) -> PersonalHome:
    """What a signed-in member's home shows: four queries (a fifth when they wait in line)."""
    rsvp = db.session.scalars(
        select(Rsvp)
        .join(Rsvp.event)
        .where(
            Rsvp.user_id == member.id,
            Rsvp.status.in_(ASKED_TO_COME),
            Event.status == EventStatus.PUBLISHED,
            Event.ends_at > now,
        )
        .options(contains_eager(Rsvp.event).joinedload(Event.chapter))
        .order_by(Event.date_tbc, Event.starts_at, Event.id)
        .limit(1)
    ).first()
    next_evening = None
    if rsvp is not None:
        next_evening = NextEvening(rsvp, waitlist_position(rsvp) if rsvp.is_waitlisted else None)
    chapter_ids = list(
        db.session.scalars(select(ChapterMembership.chapter_id).where(ChapterMembership.user_id == member.id))
    )
    skip = [rsvp.event_id] if rsvp is not None else []
    upcoming = (
        select(Event)
        .where(_still_to_come(now), Event.id.not_in(skip) if skip else true())
        .options(joinedload(Event.chapter))
        .order_by(Event.starts_at, Event.id)
        .limit(size)
    )
    mine = list(db.session.scalars(upcoming.where(Event.chapter_id.in_(chapter_ids)))) if chapter_ids else []
    others = upcoming.where(Event.chapter_id.not_in(chapter_ids)) if chapter_ids else upcoming
    return PersonalHome(
        next_evening=next_evening,
        has_chapters=bool(chapter_ids),
        in_my_chapters=mine,
        elsewhere=list(db.session.scalars(others)),
    )
COPYABLE_EVENING_COUNT = 10


def recent_evenings(chapter_id: int, limit: int = COPYABLE_EVENING_COUNT) -> list[Event]:
    """A chapter's latest evenings, drafts and cancelled ones included: for an organiser to start from."""
    return list(
        db.session.scalars(
            select(Event)
            .where(Event.chapter_id == chapter_id)
            .order_by(Event.starts_at.desc(), Event.id.desc())
            .limit(limit)
        )
    )


def chapter_evening(chapter_id: int, event_id: object) -> Event | None:
    """The chapter's evening with this id (as typed in an address), or None for another chapter's or none."""
    try:
        wanted = int(str(event_id))
    except ValueError:
        return None
    if not 0 < wanted < 2**31:
        return None
    return db.session.scalar(select(Event).where(Event.id == wanted, Event.chapter_id == chapter_id))
