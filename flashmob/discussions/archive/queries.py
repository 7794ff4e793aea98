"""What the lessons archive reads: published lessons by filter and by key, their cards, themes and feeds.

Every function loads what its page needs in a fixed number of queries, whatever the number of rows.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import Select, case, func, or_, select
from sqlalchemy.orm import contains_eager, selectinload

from flashmob.cache import cached_bytes
from flashmob.discussions.models import Lesson, LessonTheme, LessonVoice, VoiceStatus, Writeup, WriteupStatus
from flashmob.events.models import Chapter, Event
from flashmob.extensions import db
from flashmob.members.circle import Circle, circle_for
from flashmob.members.models import MemberProfile, User
from flashmob.members.privacy import may_see_profile
from flashmob.members.profiles.display import picture_path
from flashmob.paging import Key, page_by_key
from flashmob.tags import Tag

# The years a filter may name: the network's first evening to far beyond its last.
FIRST_YEAR, LAST_YEAR = 2000, 2100
# How many write-ups a feed carries, newest first.
FEED_SIZE = 50


@dataclass(frozen=True)
class ArchiveFilters:
    """What the archive is narrowed to: a chapter, a year, a theme (each optional)."""

    chapter: Chapter | None = None
    year: int | None = None
    theme: Tag | None = None

    def conditions(self) -> list:
        """SQL conditions on Lesson, Event and Chapter (joined by the caller)."""
        found = []
        if self.chapter is not None:
            found.append(Event.chapter_id == self.chapter.id)
        if self.year is not None:
            found.append(Event.starts_at >= datetime(self.year, 1, 1, tzinfo=UTC))
            found.append(Event.starts_at < datetime(self.year + 1, 1, 1, tzinfo=UTC))
        if self.theme is not None:
            found.append(
                Lesson.id.in_(select(LessonTheme.lesson_id).where(LessonTheme.tag_id == self.theme.id))
            )
        return found

    @property
    def is_empty(self) -> bool:
        return self.chapter is None and self.year is None and self.theme is None


# Keyset paging (flashmob.paging): (evening start, row id) of the last row shown, newest evening first and
# the lowest id first within one evening (a lesson in the archive, a write-up on /takeaways).
Cursor = Key


def _published():
    return (
        select(Lesson)
        .join(Writeup, Writeup.id == Lesson.writeup_id)
        .join(Event, Event.id == Writeup.event_id)
        .join(Chapter, Chapter.id == Event.chapter_id)
        .where(Writeup.status == WriteupStatus.PUBLISHED)
        .options(contains_eager(Lesson.writeup).contains_eager(Writeup.event).contains_eager(Event.chapter))
    )


@dataclass(frozen=True)
class ArchivePage:
    lessons: list[Lesson]
    next_cursor: Cursor | None


def archive_page(filters: ArchiveFilters, after: Cursor | None, size: int) -> ArchivePage:
    """Published lessons, newest evening first and in their write-up's order within it (one query)."""
    page = page_by_key(
        _published().where(*filters.conditions()).order_by(Event.starts_at.desc(), Lesson.id),
        moment=Event.starts_at,
        row_id=Lesson.id,
        after=after,
        size=size,
        newest_first=True,
        ties_lowest_id_first=True,
        key_of=lambda lesson: (lesson.writeup.event.starts_at, lesson.id),
    )
    return ArchivePage(page.rows, page.next_key)


def lessons_by_id(ids: list[int]) -> list[Lesson]:
    """Published lessons in the order of `ids` (one query)."""
    if not ids:
        return []
    found = {lesson.id: lesson for lesson in db.session.scalars(_published().where(Lesson.id.in_(ids)))}
    return [found[i] for i in ids if i in found]


# Cards: a lesson with its evening, themes and the people behind it.


@dataclass(frozen=True)
class Person:
    """Someone who voiced a lesson, as this reader may see them."""

    user: User
    # Their headline, when their profile is visible to this reader (else only their name is shown).
    headline: str | None
    shows_profile: bool
    # Whether this reader can be sent to their profile to talk (signed in, not themselves, no block).
    can_talk: bool
    # Their picture's address, when they have one and this reader may see their profile.
    picture_url: str | None = None

    @property
    def id(self) -> int:
        return self.user.id

    @property
    def display_name(self) -> str:
        return self.user.display_name


@dataclass(frozen=True)
class LessonCard:
    lesson: Lesson
    themes: list[Tag] = field(default_factory=list)
    people: list[Person] = field(default_factory=list)

    @property
    def event(self) -> Event:
        return self.lesson.writeup.event

    @property
    def chapter(self) -> Chapter:
        return self.lesson.writeup.event.chapter


def lesson_cards(lessons: list[Lesson], viewer_id: int | None) -> list[LessonCard]:
    """Cards for lessons already loaded with their evening: two queries, and three for a signed-in reader's
    circle, whatever the number of lessons."""
    if not lessons:
        return []
    ids = [lesson.id for lesson in lessons]
    themes: dict[int, list[Tag]] = {}
    for lesson_id, tag in db.session.execute(
        select(LessonTheme.lesson_id, Tag)
        .join(Tag, Tag.id == LessonTheme.tag_id)
        .where(LessonTheme.lesson_id.in_(ids))
        .order_by(Tag.name)
    ):
        themes.setdefault(lesson_id, []).append(tag)
    voices: dict[int, list[tuple[User, MemberProfile | None]]] = {}
    for lesson_id, user, profile in db.session.execute(
        select(LessonVoice.lesson_id, User, MemberProfile)
        .join(User, User.id == LessonVoice.user_id)
        .outerjoin(MemberProfile, MemberProfile.user_id == User.id)
        .where(LessonVoice.lesson_id.in_(ids), LessonVoice.status == VoiceStatus.AGREED)
        .order_by(LessonVoice.id)
    ):
        if not user.is_deleted:
            voices.setdefault(lesson_id, []).append((user, profile))
    people_ids = {user.id for pairs in voices.values() for user, _ in pairs}
    circle = circle_for(viewer_id, among=people_ids)
    return [
        LessonCard(
            lesson=lesson,
            themes=themes.get(lesson.id, []),
            people=[_person(circle, user, profile) for user, profile in voices.get(lesson.id, [])],
        )
        for lesson in lessons
    ]


def _person(circle: Circle, user: User, profile: MemberProfile | None) -> Person:
    visible = may_see_profile(circle, user.id, profile)
    return Person(
        user=user,
        headline=(profile.headline or None) if visible and profile is not None else None,
        shows_profile=visible,
        can_talk=circle.is_signed_in and not circle.is_self(user.id) and user.id not in circle.blocked,
        picture_url=picture_path(user.id, profile.picture_version)
        if visible and profile is not None and profile.picture_version is not None
        else None,
    )


# Themes and the filters' choices.


@dataclass(frozen=True)
class ThemeName:
    """What a theme's link needs: its name and address."""

    name: str
    slug: str


@dataclass(frozen=True)
class ThemeCount:
    tag: ThemeName
    count: int


def theme_counts() -> list[ThemeCount]:
    """Every theme some published lesson has, with how many, alphabetically.

    Counting them reads every lesson's themes (50 ms at 50,000 lessons), and the archive asks on every
    request; so the counts are kept in the shared cache under a key that moves whenever they can change:
    a write-up published or withdrawn (how many, which), or edited (every change to a lesson or its
    themes touches its write-up's edited_at). Two queries when cached: the key's, then none.
    """
    published = Writeup.status == WriteupStatus.PUBLISHED
    how_many, which, last_edit = db.session.execute(
        select(func.count(Writeup.id), func.coalesce(func.sum(Writeup.id), 0), func.max(Writeup.edited_at))
        .where(published)
    ).one()
    key = f"archive:themes:{how_many}:{which}:{last_edit.timestamp() if last_edit else 0}"
    counted = json.loads(cached_bytes(key, _count_themes, timeout=24 * 3600))
    return [ThemeCount(ThemeName(name, slug), n) for name, slug, n in counted]


def _count_themes() -> bytes:
    count = func.count(LessonTheme.lesson_id)
    rows = db.session.execute(
        select(Tag.name, Tag.slug, count)
        .join(LessonTheme, LessonTheme.tag_id == Tag.id)
        .join(Lesson, Lesson.id == LessonTheme.lesson_id)
        .join(Writeup, Writeup.id == Lesson.writeup_id)
        .where(Writeup.status == WriteupStatus.PUBLISHED)
        .group_by(Tag.id, Tag.name, Tag.slug)
        .order_by(func.lower(Tag.name))
    )
    return json.dumps([[name, slug, n] for name, slug, n in rows]).encode()


def archive_chapters() -> list[Chapter]:
    """Chapters with at least one published write-up, by name (one query)."""
    published = (
        select(Event.chapter_id)
        .join(Writeup, Writeup.event_id == Event.id)
        .where(Writeup.status == WriteupStatus.PUBLISHED)
    )
    return list(db.session.scalars(select(Chapter).where(Chapter.id.in_(published)).order_by(Chapter.name)))


def archive_years() -> list[int]:
    """The years of evenings with a published write-up, newest first (one query)."""
    first, last = db.session.execute(
        select(func.min(Event.starts_at), func.max(Event.starts_at))
        .join(Writeup, Writeup.event_id == Event.id)
        .where(Writeup.status == WriteupStatus.PUBLISHED)
    ).one()
    if first is None:
        return []
    if isinstance(first, str):  # SQLite hands aggregates back as text
        first, last = datetime.fromisoformat(first), datetime.fromisoformat(last)
    return list(range(last.year, first.year - 1, -1))


def chapter_by_slug(slug: str) -> Chapter | None:
    return db.session.scalar(select(Chapter).where(Chapter.slug == slug))


# Related lessons.


def related_lessons(lesson: Lesson, limit: int = 5) -> list[Lesson]:
    """Other published lessons close to this one: those sharing most themes first, then the rest of its
    write-up, newest evening first after that (one query, with each lesson's evening and chapter)."""
    my_tags = select(LessonTheme.tag_id).where(LessonTheme.lesson_id == lesson.id)
    shared = (
        select(LessonTheme.lesson_id, func.count().label("shared"))
        .where(LessonTheme.tag_id.in_(my_tags), LessonTheme.lesson_id != lesson.id)
        .group_by(LessonTheme.lesson_id)
        .subquery()
    )
    same_writeup = case((Lesson.writeup_id == lesson.writeup_id, 1), else_=0)
    query = (
        _published()
        .outerjoin(shared, shared.c.lesson_id == Lesson.id)
        .where(
            Lesson.id != lesson.id,
            or_(shared.c.lesson_id.is_not(None), Lesson.writeup_id == lesson.writeup_id),
        )
        .order_by(
            func.coalesce(shared.c.shared, 0).desc(),
            same_writeup.desc(),
            Event.starts_at.desc(),
            Lesson.position,
            Lesson.id,
        )
        .limit(limit)
    )
    return list(db.session.scalars(query))


# Takeaways: the write-ups themselves, newest evening first.


@dataclass(frozen=True)
class TakeawaysPage:
    writeups: list[Writeup]
    next_cursor: Cursor | None


def takeaways_page(chapter: Chapter | None, after: Cursor | None, size: int) -> TakeawaysPage:
    """Published write-ups with their evening, chapter and lessons, newest evening first (two queries)."""
    query = (
        select(Writeup)
        .join(Event, Event.id == Writeup.event_id)
        .join(Chapter, Chapter.id == Event.chapter_id)
        .where(Writeup.status == WriteupStatus.PUBLISHED)
        .options(
            contains_eager(Writeup.event).contains_eager(Event.chapter),
            selectinload(Writeup.lessons),
        )
    )
    if chapter is not None:
        query = query.where(Event.chapter_id == chapter.id)
    page = page_by_key(
        query.order_by(Event.starts_at.desc(), Writeup.id),
        moment=Event.starts_at,
        row_id=Writeup.id,
        after=after,
        size=size,
        newest_first=True,
        ties_lowest_id_first=True,
        key_of=lambda writeup: (writeup.event.starts_at, writeup.id),
    )
    return TakeawaysPage(page.rows, page.next_key)


# Feeds.


def _newest_published(chapter: Chapter | None, limit: int, *columns) -> Select:
    query = (
        select(*columns)
        .join(Event, Event.id == Writeup.event_id)
        .join(Chapter, Chapter.id == Event.chapter_id)
        .where(Writeup.status == WriteupStatus.PUBLISHED)
        .order_by(Writeup.published_at.desc(), Writeup.id.desc())
        .limit(limit)
    )
    if chapter is not None:
        query = query.where(Event.chapter_id == chapter.id)
    return query


def published_writeups(chapter: Chapter | None = None, limit: int = FEED_SIZE) -> list[Writeup]:
    """Published write-ups, newest first, with their evening, chapter and lessons (two queries)."""
    query = _newest_published(chapter, limit, Writeup).options(
        contains_eager(Writeup.event).contains_eager(Event.chapter),
        selectinload(Writeup.lessons),
    )
    return list(db.session.scalars(query))


def published_writeups_summary(chapter: Chapter | None = None, limit: int = FEED_SIZE) -> tuple:
    """One row summing up what published_writeups returns, for a feed's ETag and Last-Modified, without
    loading a write-up (one query): how many and which (the sum of their ids), and the latest change to
    any of them (an edit to a lesson touches its write-up), their evenings or their chapters."""
    newest = _newest_published(
        chapter,
        limit,
        Writeup.id,
        Writeup.edited_at,
        Event.updated_at.label("event_updated_at"),
        Chapter.updated_at.label("chapter_updated_at"),
    ).subquery()
    return tuple(
        db.session.execute(
            select(
                func.count(newest.c.id),
                func.coalesce(func.sum(newest.c.id), 0),
                func.max(newest.c.edited_at),
                func.max(newest.c.event_updated_at),
                func.max(newest.c.chapter_updated_at),
            )
        ).one()
    )
