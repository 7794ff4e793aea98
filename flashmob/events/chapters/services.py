"""The rules for chapters: starting and changing them, joining, leaving, appointing organisers."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, or_, select

from flashmob.errors import RuleError
from flashmob.events.models import Chapter, ChapterMembership, Event, EventStatus, MembershipRole
from flashmob.events.rules import check_length, join_problem, zone_or_error
from flashmob.extensions import db
from flashmob.members.models import User
from flashmob.text import slugify
from flashmob.types import column_length, utcnow

# Addresses that the chapter URLs already use for pages of their own.
RESERVED_SLUGS = frozenset({"new"})


class ChapterError(RuleError):
    """A chapter, or someone's place in it, cannot be changed that way."""


def _check_chapter_name(name: str, *, exclude_id: int | None = None) -> str:
    name = name.strip()
    if not name:
        raise ChapterError("Please give the chapter a name.", field="name")
    check_length(name, Chapter.name, ChapterError)
    query = select(Chapter.id).where(func.lower(Chapter.name) == name.lower())
    if exclude_id is not None:
        query = query.where(Chapter.id != exclude_id)
    if db.session.scalar(query) is not None:
        raise ChapterError(f"There is already a chapter called {name}.", field="name")
    return name


def create_chapter(
    *, name: str, city: str, timezone: str, description: str = "", slug: str | None = None, actor: User
) -> Chapter:
    """Start a new city chapter; its address comes from its name unless one is given."""
    name = _check_chapter_name(name)
    city = city.strip()
    if not city:
        raise ChapterError("Please say which city the chapter meets in.", field="city")
    check_length(city, Chapter.city, ChapterError)
    zone_or_error(timezone, ChapterError)
    given = (slug or "").strip()
    slug = slugify(given or name, max_length=column_length(Chapter.slug))
    slug_field = "slug" if given else "name"
    if not slug:
        raise ChapterError("Please give an address made of letters, digits and hyphens.", field="slug")
    if slug in RESERVED_SLUGS:
        raise ChapterError(f"The address {slug!r} is used by the site itself.", field=slug_field)
    if db.session.scalar(select(Chapter.id).where(Chapter.slug == slug)) is not None:
        raise ChapterError(f"Another chapter already has the address {slug!r}.", field="slug")
    chapter = Chapter(
        name=name, slug=slug, city=city, timezone=timezone, description=description.strip()
    )
    db.session.add(chapter)
    db.session.flush()
    return chapter


def update_chapter(
    chapter: Chapter, *, name: str, city: str, timezone: str, description: str = "", actor: User
) -> Chapter:
    """Change a chapter's name, city, description or time zone; its address stays, so links keep working."""
    name = _check_chapter_name(name, exclude_id=chapter.id)
    city = city.strip()
    if not city:
        raise ChapterError("Please say which city the chapter meets in.", field="city")
    check_length(city, Chapter.city, ChapterError)
    zone_or_error(timezone, ChapterError)
    chapter.name = name
    chapter.city = city
    chapter.timezone = timezone
    chapter.description = description.strip()
    db.session.flush()
    return chapter


def join_chapter(chapter: Chapter, user: User, *, actor: User) -> ChapterMembership:
    """Make someone a member of a chapter."""
    problem = join_problem(user, chapter)
    if problem:
        raise ChapterError(problem)
    membership = ChapterMembership(chapter=chapter, user=user, role=MembershipRole.MEMBER)
    db.session.add(membership)
    db.session.flush()
    return membership


def _organiser_count(chapter: Chapter) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(ChapterMembership)
        .where(
            ChapterMembership.chapter_id == chapter.id,
            ChapterMembership.role == MembershipRole.ORGANISER,
        )
    )


def leave_chapter(chapter: Chapter, user: User, *, actor: User) -> None:
    """Take someone out of a chapter; its only organiser must hand over first."""
    membership = user.membership_in(chapter.id)
    if membership is None:
        raise ChapterError(f"You are not a member of {chapter.name}.")
    if membership.is_organiser and _organiser_count(chapter) == 1:
        raise ChapterError(
            f"You are the only organiser of {chapter.name}. "
            "Ask a site admin to appoint another organiser before you leave."
        )
    # Out of the person's list too, so that the rest of this request sees them as gone.
    user.memberships.remove(membership)
    db.session.delete(membership)
    db.session.flush()


def appoint_organiser(chapter: Chapter, email: str, *, actor: User) -> User:
    """Make the member with this email an organiser of the chapter (and a member, if not yet)."""
    address = email.strip().lower()
    user = db.session.scalar(select(User).where(User.email == address))
    if user is None:
        raise ChapterError(
            f"No member has the email address {address}. They need to register first.", field="email"
        )
    membership = user.membership_in(chapter.id)
    if membership is not None and membership.is_organiser:
        raise ChapterError(f"{user.display_name} is already an organiser of {chapter.name}.", field="email")
    if membership is None:
        membership = ChapterMembership(chapter=chapter, user=user, role=MembershipRole.ORGANISER)
        db.session.add(membership)
    else:
        membership.role = MembershipRole.ORGANISER
    db.session.flush()
    return user


def remove_organiser(chapter: Chapter, user: User, *, actor: User) -> None:
    """Take someone's organiser role away; they stay a member of the chapter."""
    membership = user.membership_in(chapter.id)
    if membership is None or not membership.is_organiser:
        raise ChapterError(f"{user.display_name} is not an organiser of {chapter.name}.")
    membership.role = MembershipRole.MEMBER
    db.session.flush()


# Archiving: a chapter that stops meeting keeps its evenings for the record


def _upcoming_event_count(chapter: Chapter, now: datetime) -> int:
    """The chapter's published events that have not ended, save-the-dates included."""
    return db.session.scalar(
        select(func.count(Event.id)).where(
            Event.chapter_id == chapter.id,
            Event.status == EventStatus.PUBLISHED,
            or_(Event.ends_at > now, Event.date_tbc),
        )
    )


def check_archivable(chapter: Chapter, *, now: datetime | None = None) -> None:
    """Raise ChapterError unless the chapter can be archived now: not archived yet, nothing coming up.

    Upcoming events are not cancelled for the organisers: each cancellation emails its attendees with
    the organisers' own reason, which only they can give, so they cancel them first, one by one.
    """
    if chapter.is_archived:
        raise ChapterError(f"{chapter.name} is already archived.")
    upcoming = _upcoming_event_count(chapter, now or utcnow())
    if upcoming:
        events = "1 upcoming event" if upcoming == 1 else f"{upcoming} upcoming events"
        them = "it" if upcoming == 1 else "them"
        raise ChapterError(
            f"{chapter.name} has {events}. Cancel {them} first (Cancel event, on each event's page), "
            "then archive the chapter."
        )


def archive_chapter(chapter: Chapter, *, actor: User, now: datetime | None = None) -> Chapter:
    """Archive a chapter that no longer meets: no new members or events; its past evenings stay."""
    now = now or utcnow()
    check_archivable(chapter, now=now)
    chapter.archived_at = now
    db.session.flush()
    return chapter


def restore_chapter(chapter: Chapter, *, actor: User) -> Chapter:
    """Bring an archived chapter back: it is listed again and takes members and events."""
    if not chapter.is_archived:
        raise ChapterError(f"{chapter.name} is not archived.")
    chapter.archived_at = None
    db.session.flush()
    return chapter
