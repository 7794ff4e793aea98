"""Which events the lists show: upcoming, past, the home page's next few, a chapter's drafts."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Select, and_, not_, or_, select
from sqlalchemy.orm import joinedload

from flashmob.events.models import PUBLIC_EVENT_STATUSES, Chapter, Event, EventStatus
from flashmob.extensions import db

# A save-the-date going ahead is still to come, whatever its placeholder time says (Event.is_past).
AWAITING_DATE = and_(Event.date_tbc, Event.status == EventStatus.PUBLISHED)


def upcoming_events(now: datetime, chapter: Chapter | None = None) -> Select:
    """Published and cancelled events that have not ended, soonest first."""
    query = (
        select(Event)
        .where(Event.status.in_(PUBLIC_EVENT_STATUSES), or_(Event.ends_at > now, AWAITING_DATE))
        .options(joinedload(Event.chapter))
        .order_by(Event.starts_at, Event.id)
    )
    if chapter is not None:
        query = query.where(Event.chapter_id == chapter.id)
    return query


def past_events(now: datetime, chapter: Chapter | None = None) -> Select:
    """Published and cancelled events that have ended, most recent first."""
    query = (
        select(Event)
        .where(Event.status.in_(PUBLIC_EVENT_STATUSES), Event.ends_at <= now, not_(AWAITING_DATE))
        .options(joinedload(Event.chapter))
        .order_by(Event.starts_at.desc(), Event.id.desc())
    )
    if chapter is not None:
        query = query.where(Event.chapter_id == chapter.id)
    return query


def next_published_events(now: datetime, limit: int) -> list[Event]:
    """The next few events going ahead, site-wide, for the home page."""
    return list(
        db.session.scalars(
            select(Event)
            .where(Event.status == EventStatus.PUBLISHED, or_(Event.ends_at > now, Event.date_tbc))
            .options(joinedload(Event.chapter))
            .order_by(Event.starts_at, Event.id)
            .limit(limit)
        )
    )


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
