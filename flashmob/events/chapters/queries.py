"""What the chapter pages show: member counts, organisers and next events, each in one query."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, or_, select

from flashmob.events.models import Chapter, ChapterMembership, Event, EventStatus, MembershipRole
from flashmob.events.rules import LONGEST_IN_UTC
from flashmob.extensions import db
from flashmob.members.models import User


@dataclass
class ChapterSummary:
    """A chapter with what its card shows."""

    chapter: Chapter
    member_count: int = 0
    organisers: list[User] = field(default_factory=list)
    next_event: Event | None = None


def member_counts(chapter_ids: Iterable[int]) -> dict[int, int]:
    """How many people belong to each chapter (organisers included)."""
    ids = list(chapter_ids)
    if not ids:
        return {}
    rows = db.session.execute(
        select(ChapterMembership.chapter_id, func.count())
        .where(ChapterMembership.chapter_id.in_(ids))
        .group_by(ChapterMembership.chapter_id)
    )
    return {chapter_id: count for chapter_id, count in rows}


def organisers_by_chapter(chapter_ids: Iterable[int]) -> dict[int, list[User]]:
    """Each chapter's organisers, by name."""
    ids = list(chapter_ids)
    if not ids:
        return {}
    rows = db.session.execute(
        select(ChapterMembership.chapter_id, User)
        .join(User, User.id == ChapterMembership.user_id)
        .where(
            ChapterMembership.chapter_id.in_(ids),
            ChapterMembership.role == MembershipRole.ORGANISER,
        )
        .order_by(User.display_name, User.id)
    )
    found: dict[int, list[User]] = defaultdict(list)
    for chapter_id, user in rows:
        found[chapter_id].append(user)
    return dict(found)


def next_events(chapter_ids: Iterable[int], now: datetime) -> dict[int, Event]:
    """Each chapter's next published event that has not ended, in one query."""
    ids = list(chapter_ids)
    if not ids:
        return {}
    position = (
        func.row_number()
        .over(partition_by=Event.chapter_id, order_by=(Event.starts_at, Event.id))
        .label("position")
    )
    ranked = (
        select(Event.id, position)
        .where(
            Event.chapter_id.in_(ids),
            Event.status == EventStatus.PUBLISHED,
            or_(Event.ends_at > now, Event.date_tbc),
        )
        .subquery()
    )
    events = db.session.scalars(
        select(Event).join(ranked, ranked.c.id == Event.id).where(ranked.c.position == 1)
    )
    return {event.chapter_id: event for event in events}


def chapter_summaries(now: datetime) -> list[ChapterSummary]:
    """Every active chapter (not archived), by name, with member count, organisers and next event: four
    queries."""
    chapters = list(
        db.session.scalars(select(Chapter).where(Chapter.archived_at.is_(None)).order_by(Chapter.name))
    )
    return summarise(chapters, now)


@dataclass
class ChapterShowcase:
    """A few chapters for the home page, and how many there are in all."""

    summaries: list[ChapterSummary]
    total: int

    @property
    def more(self) -> int:
        return self.total - len(self.summaries)


def chapter_showcase(now: datetime, limit: int) -> ChapterShowcase:
    """At most `limit` active chapters, those meeting soonest first, then the rest by name: a network of
    hundreds of chapters must not put every one of them on the home page. Four queries, whatever the size."""
    next_meeting = (
        select(Event.chapter_id, func.min(Event.starts_at).label("starts_at"))
        .where(
            Event.status == EventStatus.PUBLISHED,
            # The bound on starts_at lets the (status, starts_at) index find the evenings not yet over
            # without walking every past one.
            Event.starts_at > now - LONGEST_IN_UTC,
            Event.ends_at > now,
        )
        .group_by(Event.chapter_id)
        .subquery()
    )
    rows = db.session.execute(
        select(Chapter, func.count().over())
        .outerjoin(next_meeting, next_meeting.c.chapter_id == Chapter.id)
        .where(Chapter.archived_at.is_(None))
        .order_by(next_meeting.c.starts_at.asc().nulls_last(), Chapter.name, Chapter.id)
        .limit(limit)
    ).all()
    total = rows[0][1] if rows else 0
    return ChapterShowcase(summaries=summarise([chapter for chapter, _ in rows], now), total=total)


def summarise(chapters: list[Chapter], now: datetime) -> list[ChapterSummary]:
    """Member count, organisers and next event of each chapter given, in three queries."""
    ids = [chapter.id for chapter in chapters]
    counts = member_counts(ids)
    organisers = organisers_by_chapter(ids)
    upcoming = next_events(ids, now)
    return [
        ChapterSummary(
            chapter=chapter,
            member_count=counts.get(chapter.id, 0),
            organisers=organisers.get(chapter.id, []),
            next_event=upcoming.get(chapter.id),
        )
        for chapter in chapters
    ]


def archived_chapters() -> list[Chapter]:
    """The chapters that no longer meet, by name: their pages keep their past evenings."""
    return list(
        db.session.scalars(select(Chapter).where(Chapter.archived_at.is_not(None)).order_by(Chapter.name))
    )
