"""Demo data for a newcomer's first look: chapters, members, organisers and evenings, safe to seed twice.

The content lives in flashmob/demo_content.py; here is only how it is stored. There is one
seed_* function per kind of thing, each adding only what is missing and returning how many it
added, so later kinds (RSVPs, attendance, takeaways) slot in as one more function in SEED_STEPS.
"""

from __future__ import annotations

import io
import random
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from PIL import Image, ImageChops, ImageDraw
from sqlalchemy import select

from flashmob import demo_content as content
from flashmob.discussions import demo_lessons
from flashmob.discussions.demo_threads import seed_discussions
from flashmob.events.covers.services import WIDE, process_cover, set_cover
from flashmob.events.models import (
    Chapter,
    ChapterMembership,
    Event,
    EventInterest,
    EventStatus,
    Rsvp,
    RsvpStatus,
)
from flashmob.extensions import db
from flashmob.members.models import (
    Connection,
    ConnectionNote,
    ConnectionStatus,
    MemberProfile,
    MemberTagKind,
    PmoKind,
    ProfileVisibility,
    User,
)
from flashmob.members.passwords import hash_password
from flashmob.members.profiles.pictures import process_picture
from flashmob.members.profiles.services import set_member_tags, set_picture
from flashmob.types import utcnow

THURSDAY = 3
# How long before an evening it was announced, for the demo's history to look lived-in.
ANNOUNCED_BEFORE = timedelta(days=28)


def seed_demo(only_if_empty: bool = False) -> str:
    """Add whatever demo data is missing, commit, and say in one line what was added."""
    if only_if_empty and db.session.scalar(select(Chapter.id).limit(1)) is not None:
        return "Skipped the demo data: the database already has chapters."
    created = {noun: step() for noun, step in SEED_STEPS}
    db.session.commit()
    if not any(created.values()):
        return "Nothing to add: the demo data is already there."
    added = ", ".join(f"{count} {noun}" for noun, count in created.items())
    return f"Added demo data: {added}. Demo accounts use the password {content.DEMO_PASSWORD!r}."


def seed_people() -> int:
    """Create the demo people who do not exist yet, matched by email."""
    emails = [person["email"] for person in content.PEOPLE]
    existing = set(db.session.scalars(select(User.email).where(User.email.in_(emails))))
    missing = [person for person in content.PEOPLE if person["email"] not in existing]
    if not missing:
        return 0
    # One hash for every demo account: they share a published password, and argon2 is slow on purpose.
    password_hash = hash_password(content.DEMO_PASSWORD)
    for person in missing:
        joined_at = _start_of_year(person["since"])
        user = User(
            email=person["email"],
            display_name=person["display_name"],
            password_hash=password_hash,
            is_admin=person.get("is_admin", False),
            created_at=joined_at,
            # Demo people must be able to sign in at once.
            email_confirmed_at=joined_at,
        )
        details = content.PROFILE_DETAILS.get(person["email"], {})
        user.profile = MemberProfile(
            headline=person["headline"],
            organisation=person["organisation"],
            bio=person["bio"],
            pmo_kind=PmoKind(details["kind"]) if details.get("kind") else None,
            years_in_pmo=details.get("years"),
            visibility=ProfileVisibility(details.get("visibility", "members")),
            share_email_with_connections=person.get("share_email", False),
            # They have filled in their profile: no need to ask them to.
            prompted_at=joined_at,
        )
        db.session.add(user)
    db.session.flush()
    for person in missing:
        user = db.session.scalar(select(User).where(User.email == person["email"]))
        details = content.PROFILE_DETAILS.get(person["email"], {})
        set_member_tags(user, MemberTagKind.EXPERTISE, details.get("expertise", []))
        set_member_tags(user, MemberTagKind.INTEREST, details.get("interests", []))
        if details.get("picture"):
            set_picture(user, process_picture(abstract_avatar(user.id)), actor=user)
    db.session.flush()
    return len(missing)


def abstract_avatar(seed: int) -> bytes:
    """A picture for a demo person: a few overlapping shapes in colours fixed by `seed` (no real face)."""
    rng = random.Random(seed)  # noqa: S311 (a drawing, not a secret)
    size = 256
    background = tuple(rng.randrange(40, 200) for _ in range(3))
    image = Image.new("RGB", (size, size), background)
    draw = ImageDraw.Draw(image)
    for _ in range(5):
        colour = tuple(rng.randrange(60, 256) for _ in range(3))
        x, y = rng.randrange(-64, size), rng.randrange(-64, size)
        extent = rng.randrange(60, 180)
        if rng.random() < 0.5:
            draw.ellipse((x, y, x + extent, y + extent), fill=colour)
        else:
            draw.rectangle((x, y, x + extent, y + extent // 2), fill=colour)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def abstract_cover(start: tuple, end: tuple, seed: int) -> bytes:
    """A wide demo cover: a diagonal gradient between two colours under a few soft rings (no photo)."""
    rng = random.Random(seed)  # noqa: S311 (a drawing, not a secret)
    width, height = WIDE
    # A diagonal ramp: half Pillow's top-to-bottom gradient plus half of it turned left-to-right.
    down = Image.linear_gradient("L").resize((width, height))
    across = Image.linear_gradient("L").rotate(90).resize((width, height))
    ramp = ImageChops.add(down.point(lambda v: v // 2), across.point(lambda v: v // 2))
    # Where the ramp is dark (top left) the first colour shows; where it is light, the second.
    first, second = (Image.new("RGB", (width, height), colour) for colour in (start, end))
    image = Image.composite(second, first, ramp)
    rings = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    draw = ImageDraw.Draw(rings)
    for _ in range(4):
        x, y = rng.randrange(0, width), rng.randrange(0, height)
        radius = rng.randrange(height // 4, height)
        box = (x - radius, y - radius, x + radius, y + radius)
        if rng.random() < 0.5:
            draw.ellipse(box, outline=(255, 255, 255, 40), width=rng.randrange(20, 70))
        else:
            draw.ellipse(box, fill=(255, 255, 255, 22))
    image = Image.alpha_composite(image.convert("RGBA"), rings).convert("RGB")
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def seed_covers() -> int:
    """Give the demo's chapters and evenings in content.COVERS their drawn cover, unless they have one."""
    added = 0
    owners = [
        (db.session.scalar(select(Chapter).where(Chapter.slug == slug)), palette)
        for slug, palette in content.COVERS["chapters"].items()
    ] + [
        (db.session.scalar(select(Event).where(Event.ical_uid == demo_ical_uid(key))), palette)
        for key, palette in content.COVERS["events"].items()
    ]
    for owner, (start, end) in owners:
        if owner is not None and owner.cover_version is None:
            set_cover(owner, process_cover(abstract_cover(start, end, seed=owner.id)))
            added += 1
    return added


def seed_chapters() -> int:
    """Create the demo chapters that do not exist yet, matched by slug."""
    existing = set(db.session.scalars(select(Chapter.slug)))
    missing = [chapter for chapter in content.CHAPTERS if chapter["slug"] not in existing]
    for chapter in missing:
        fields = {"created_at": _utc(chapter["founded"], time(0, 0))} if chapter["founded"] else {}
        db.session.add(
            Chapter(
                slug=chapter["slug"],
                name=chapter["name"],
                city=chapter["city"],
                description=chapter["description"],
                timezone=content.TIMEZONE,
                **fields,
            )
        )
    db.session.flush()
    return len(missing)


def seed_memberships() -> int:
    """Put each demo person in their chapters with their role, unless they are in it already."""
    users = _users_by_email()
    chapters = {chapter.slug: chapter for chapter in db.session.scalars(select(Chapter))}
    pairs = db.session.execute(select(ChapterMembership.chapter_id, ChapterMembership.user_id))
    existing = {tuple(pair) for pair in pairs}
    added = 0
    for person in content.PEOPLE:
        user = users[person["email"]]
        for slug, role in person["chapters"].items():
            chapter = chapters[slug]
            if (chapter.id, user.id) in existing:
                continue
            joined_at = max(chapter.created_at, user.created_at)
            db.session.add(ChapterMembership(chapter=chapter, user=user, role=role, joined_at=joined_at))
            added += 1
    db.session.flush()
    return added


def seed_events() -> int:
    """Create the demo evenings that do not exist yet, matched by their calendar UID."""
    uids = {item["key"]: demo_ical_uid(item["key"]) for item in content.EVENTS}
    existing = set(db.session.scalars(select(Event.ical_uid).where(Event.ical_uid.in_(uids.values()))))
    missing = [item for item in content.EVENTS if uids[item["key"]] not in existing]
    if not missing:
        return 0
    users = _users_by_email()
    chapters = {chapter.slug: chapter for chapter in db.session.scalars(select(Chapter))}
    now = utcnow()
    for item in missing:
        chapter = chapters[item["chapter"]]
        if "on" in item:
            day = item["on"]
        elif "in_month" in item:
            day = first_thursday_in(item["in_month"])
        else:
            day = thursday_from_today(item["days_from_today"])
        starts_at = _utc(day, item["starts"], chapter.timezone)
        ends_at = _utc(day, item["ends"], chapter.timezone)
        is_draft = item["status"] == EventStatus.DRAFT
        announced_at = min(starts_at - ANNOUNCED_BEFORE, now)
        created_at = now if is_draft else announced_at
        is_cancelled = item["status"] == EventStatus.CANCELLED
        db.session.add(
            Event(
                chapter=chapter,
                title=item["title"],
                starts_at=starts_at,
                ends_at=ends_at,
                timezone=chapter.timezone,
                venue_name=item["venue_name"],
                venue_address=item["venue_address"],
                description=item["description"],
                capacity=item["capacity"],
                status=item["status"],
                created_by=users[item["by"]],
                created_at=created_at,
                updated_at=now if is_cancelled else created_at,
                published_at=None if is_draft else announced_at,
                cancelled_at=now if is_cancelled else None,
                cancellation_reason=item.get("cancellation_reason", ""),
                date_tbc=item.get("date_tbc", False),
                date_hint=item.get("date_hint", "").format(year=day.year),
                # A cancellation is a change calendars must pick up.
                sequence=1 if is_cancelled else 0,
                ical_uid=uids[item["key"]],
            )
        )
    db.session.flush()
    return len(missing)


def seed_interests() -> int:
    """Add the demo members who asked to be told when a save-the-date's date is set, if missing."""
    wanted = [(item["key"], email) for item in content.EVENTS for email in item.get("interested", ())]
    if not wanted:
        return 0
    uids = {key: demo_ical_uid(key) for key, _ in wanted}
    events = {
        event.ical_uid: event
        for event in db.session.scalars(select(Event).where(Event.ical_uid.in_(uids.values())))
    }
    users = _users_by_email()
    existing = set(db.session.execute(select(EventInterest.event_id, EventInterest.user_id)))
    added = 0
    for key, email in wanted:
        event, user = events[uids[key]], users[email]
        if (event.id, user.id) not in existing:
            db.session.add(EventInterest(event_id=event.id, user_id=user.id))
            existing.add((event.id, user.id))
            added += 1
    db.session.flush()
    return added


def seed_rsvps() -> int:
    """Add the demo answers that are missing: who is going, the full evening's waitlist, and who came."""
    uids = {item["event"]: demo_ical_uid(item["event"]) for item in [*content.RSVPS, *demo_lessons.RSVPS]}
    events = {
        event.ical_uid: event
        for event in db.session.scalars(select(Event).where(Event.ical_uid.in_(uids.values())))
    }
    users = _users_by_email()
    existing = set(db.session.execute(select(Rsvp.event_id, Rsvp.user_id)))
    now = utcnow()
    added = 0
    for item in [*content.RSVPS, *demo_lessons.RSVPS]:
        event = events.get(uids[item["event"]])
        if event is None:
            continue
        answers = [(email, RsvpStatus.GOING) for email in _demo_going(item, event)]
        answers += [(email, RsvpStatus.WAITLISTED) for email in item.get("waitlisted", ())]
        answers += [(email, RsvpStatus.NOT_GOING) for email in item.get("not_going", ())]
        came = set(item.get("came", ()))
        # Answers arrive in the days after the announcement, an hour apart, never in the future.
        first = event.published_at or event.created_at
        for number, (email, status) in enumerate(answers):
            user = users[email]
            if (event.id, user.id) in existing:
                continue
            at = min(first + timedelta(days=1, hours=number), now)
            db.session.add(
                Rsvp(
                    event_id=event.id,
                    user_id=user.id,
                    status=status,
                    created_at=at,
                    responded_at=at,
                    updated_at=at,
                    waitlisted_at=at if status == RsvpStatus.WAITLISTED else None,
                    checked_in_at=event.starts_at + timedelta(minutes=10 + number) if email in came else None,
                )
            )
            existing.add((event.id, user.id))
            added += 1
    db.session.flush()
    return added


def _demo_going(item: dict, event: Event) -> list[str]:
    """The people going to a demo evening: those named, topped up to capacity when it is to be full."""
    going = list(item.get("going", ()))
    if item.get("fill") and event.capacity:
        taken = set(going) | set(item.get("waitlisted", ())) | set(item.get("not_going", ()))
        spare = [p["email"] for p in content.PEOPLE if p["email"] not in taken and not p.get("is_admin")]
        going += spare[: max(event.capacity - len(going), 0)]
    return going


def seed_connections() -> int:
    """Add the demo connections and requests that are missing (one per pair), with the notes kept on them."""
    users = _users_by_email()
    keys = {event.ical_uid: event.id for event in db.session.scalars(select(Event))}
    existing = set(db.session.scalars(select(Connection.pair_key)))
    now = utcnow()
    added = 0
    for number, item in enumerate(content.CONNECTIONS):
        requester, addressee = users.get(item["from"]), users.get(item["to"])
        if requester is None or addressee is None:
            continue
        pair_key = Connection.key_for(requester.id, addressee.id)
        if pair_key in existing:
            continue
        status = ConnectionStatus(item["status"])
        asked_at = now - timedelta(days=20 - number)
        db.session.add(
            Connection(
                pair_key=pair_key,
                requester_id=requester.id,
                addressee_id=addressee.id,
                status=status,
                message=item.get("message", ""),
                event_id=keys.get(demo_ical_uid(item["event"])) if item.get("event") else None,
                created_at=asked_at,
                responded_at=asked_at + timedelta(hours=5) if status != ConnectionStatus.PENDING else None,
            )
        )
        if item.get("note"):
            db.session.add(ConnectionNote(owner_id=requester.id, about_id=addressee.id, body=item["note"]))
        existing.add(pair_key)
        added += 1
    db.session.flush()
    return added


# In order: later steps find what earlier ones made. Add RSVPs, attendance and takeaways here.
SEED_STEPS: list[tuple[str, Callable[[], int]]] = [
    ("people", seed_people),
    ("chapters", seed_chapters),
    ("memberships", seed_memberships),
    ("events", seed_events),
    ("cover pictures", seed_covers),
    ("RSVPs", seed_rsvps),
    ("save-the-date interests", seed_interests),
    ("connections", seed_connections),
    ("write-ups", demo_lessons.seed_writeups),
    ("discussion posts", seed_discussions),
]


def demo_ical_uid(key: str) -> str:
    """The calendar UID of a demo event: the same on every run, so feeds never see duplicates."""
    return f"demo-{key}@{current_app.config['ICAL_DOMAIN']}"


def today() -> date:
    """Today's date where the demo chapters meet: upcoming evenings are counted from it."""
    return datetime.now(ZoneInfo(content.TIMEZONE)).date()


def thursday_from_today(days: int) -> date:
    """The first Thursday at least `days` from today, skipping the Christmas and New Year fortnight."""
    day = today() + timedelta(days=days)
    day += timedelta(days=(THURSDAY - day.weekday()) % 7)
    while (day.month, day.day) >= (12, 20) or (day.month, day.day) <= (1, 3):
        day += timedelta(days=7)
    return day


def first_thursday_in(month: int) -> date:
    """The first Thursday of the next `month` at least four weeks away: a save-the-date's placeholder."""
    start = today() + timedelta(days=28)
    year = start.year if (start.month, start.day) <= (month, 1) else start.year + 1
    day = date(year, month, 1)
    return day + timedelta(days=(THURSDAY - day.weekday()) % 7)


def _utc(day: date, at: time, zone: str = content.TIMEZONE) -> datetime:
    return datetime.combine(day, at, tzinfo=ZoneInfo(zone)).astimezone(UTC)


def _start_of_year(year: int) -> datetime:
    return datetime(year, 1, 1, tzinfo=UTC)


def _users_by_email() -> dict[str, User]:
    emails = [person["email"] for person in content.PEOPLE]
    return {user.email: user for user in db.session.scalars(select(User).where(User.email.in_(emails)))}
