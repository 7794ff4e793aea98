"""Model factories with good defaults. Each one adds to the session and flushes; tests commit when needed."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

from flashmob.events.models import (
    Chapter,
    ChapterMembership,
    Event,
    EventStatus,
    MembershipRole,
    new_ical_uid,
)
from flashmob.extensions import db
from flashmob.members.models import MemberProfile, User
from flashmob.members.passwords import hash_password

_sequence = itertools.count(1)

DEFAULT_PASSWORD = "correct horse battery"


PROFILE_FIELDS = frozenset(
    column.key for column in MemberProfile.__table__.columns if column.key not in ("user_id", "updated_at")
)


def create_user(
    display_name: str | None = None,
    email: str | None = None,
    password: str = DEFAULT_PASSWORD,
    is_admin: bool = False,
    **fields,
) -> User:
    """An account; profile fields among `fields` (headline, visibility...) give it a MemberProfile."""
    n = next(_sequence)
    profile_fields = {name: fields.pop(name) for name in list(fields) if name in PROFILE_FIELDS}
    user = User(
        display_name=display_name or f"Member {n}",
        email=(email or f"member{n}@example.org").lower(),
        password_hash=hash_password(password),
        is_admin=is_admin,
        **fields,
    )
    if profile_fields:
        user.profile = MemberProfile(**profile_fields)
    db.session.add(user)
    db.session.commit()
    return user


def create_chapter(
    name: str | None = None, slug: str | None = None, city: str | None = None, **fields
) -> Chapter:
    n = next(_sequence)
    name = name or f"Chapter {n}"
    chapter = Chapter(
        name=name,
        slug=slug or name.lower().replace(" ", "-"),
        city=city or name,
        description=fields.pop("description", f"The {name} chapter of PMO Flashmob."),
        **fields,
    )
    db.session.add(chapter)
    db.session.commit()
    return chapter


def add_member(chapter: Chapter, user: User, role: str = MembershipRole.MEMBER) -> ChapterMembership:
    membership = ChapterMembership(chapter=chapter, user=user, role=role)
    db.session.add(membership)
    db.session.commit()
    return membership


def create_event(
    chapter: Chapter | None = None,
    title: str | None = None,
    starts_at: datetime | None = None,
    duration: timedelta = timedelta(hours=2, minutes=30),
    status: str = EventStatus.PUBLISHED,
    **fields,
) -> Event:
    n = next(_sequence)
    chapter = chapter or create_chapter()
    starts_at = starts_at or (datetime.now(UTC) + timedelta(days=14)).replace(
        hour=17, minute=30, second=0, microsecond=0
    )
    event = Event(
        chapter=chapter,
        title=title or f"Flashmob evening {n}",
        starts_at=starts_at,
        ends_at=fields.pop("ends_at", starts_at + duration),
        timezone=fields.pop("timezone", chapter.timezone),
        venue_name=fields.pop("venue_name", "The Old Joint Stock"),
        venue_address=fields.pop("venue_address", "4 Temple Row West, Birmingham B2 5NY"),
        description=fields.pop("description", "An evening of PMO conversation."),
        capacity=fields.pop("capacity", 20),
        status=status,
        ical_uid=new_ical_uid("test.flashmob.example.org"),
        published_at=fields.pop(
            "published_at", None if status == EventStatus.DRAFT else starts_at - timedelta(days=30)
        ),
        **fields,
    )
    db.session.add(event)
    db.session.commit()
    return event


def create_role_matrix() -> dict:
    """A chapter with a member, an organiser and an admin, and an organiser of another chapter."""
    chapter = create_chapter("Birmingham", city="Birmingham")
    other_chapter = create_chapter("London", city="London")
    member = create_user("Mina Member")
    add_member(chapter, member)
    organiser = create_user("Olu Organiser")
    add_member(chapter, organiser, MembershipRole.ORGANISER)
    other_organiser = create_user("Otto Otherorganiser")
    add_member(other_chapter, other_organiser, MembershipRole.ORGANISER)
    admin = create_user("Ada Admin", is_admin=True)
    return {
        "chapter": chapter,
        "other_chapter": other_chapter,
        "anonymous": None,
        "member": member,
        "other_organiser": other_organiser,
        "organiser": organiser,
        "admin": admin,
    }
