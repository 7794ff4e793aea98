"""Made-up but lifelike data at a chosen scale, written with bulk inserts (minutes of ORM work take seconds).

Every scale has the same shape, so that a page's SQL statement count can be compared across scales:
chapters with organisers and members; per chapter, a fortnightly evening going back years, a few still to
come, a save-the-date and a draft; RSVPs on every evening with waitlists where the evening filled up,
check-ins and walk-ins at past ones, and members who stopped some kinds of email. The pages are measured
on chapter 0's next evening (full, with a waitlist) and its last one (with check-ins), as its organiser
and as a member who is going to it.
"""

from __future__ import annotations

import math
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, insert, select, text

from flashmob.events.models import Chapter, ChapterMembership, Event, EventInterest, Rsvp, WalkIn
from flashmob.extensions import db
from flashmob.members.models import EmailOptOut, User, UserSession
from flashmob.members.passwords import hash_password
from flashmob.members.sessions import hash_token


@dataclass(frozen=True)
class Scale:
    name: str
    chapters: int
    members: int  # every account, organisers and the admin included
    events: int
    rsvps_per_event: int
    upcoming_per_chapter: int  # events still to come in each chapter, a save-the-date and a draft among them
    spacing_days: int = 14  # between one evening of a chapter and its next


SCALES = {
    "small": Scale("small", chapters=3, members=30, events=20, rsvps_per_event=10,
                   upcoming_per_chapter=3),
    "large": Scale("large", chapters=20, members=5000, events=2000, rsvps_per_event=60,
                   upcoming_per_chapter=6),
}

CITIES = [
    "London", "Birmingham", "Manchester", "Leeds", "Glasgow", "Edinburgh", "Bristol", "Cardiff", "Belfast",
    "Liverpool", "Newcastle", "Sheffield", "Nottingham", "Leicester", "Southampton", "Brighton", "Oxford",
    "Cambridge", "Reading", "Milton Keynes", "York", "Aberdeen", "Dundee", "Swansea", "Exeter", "Norwich",
]
FIRST_NAMES = [
    "Ada", "Ben", "Chloe", "Dev", "Esme", "Femi", "Grace", "Hamza", "Ines", "Jack", "Kemi", "Liam", "Maya",
    "Nikhil", "Olu", "Priya", "Quentin", "Rosa", "Sam", "Tariq", "Una", "Vik", "Wen", "Xavier", "Yusuf",
    "Zara",
]
LAST_NAMES = [
    "Adeyemi", "Brown", "Chen", "Dixon", "Evans", "Fraser", "Gill", "Hughes", "Iqbal", "Jones", "Khan",
    "Lewis", "Mensah", "Nowak", "O'Brien", "Patel", "Quinn", "Roberts", "Singh", "Taylor", "Usman",
    "Vaughan", "Walsh", "Xu", "Young", "Zielinski",
]
TOPICS = [
    "Lessons learnt that nobody read", "RAID logs that earn their keep", "Benefits realisation, honestly",
    "Portfolio prioritisation on one page", "The PMO as the walking, talking lessons learnt",
    "Resource planning without the spreadsheet", "Stage gates people respect", "Reporting that gets read",
]
DESCRIPTION = (
    "An informal evening for people who work in **project management offices**.\n\n"
    "Bring a lesson you learnt the hard way, and leave with the names of people who learnt it too. "
    "We meet from 6pm; the [venue](https://example.org/venue) has food and soft drinks.\n\n"
    "- Short lightning stories from the floor\n- Plenty of time to talk\n- No slides required\n"
)
BIO = "PMO lead. Ask me about *stage gates*, dependency maps and what went wrong on the last migration."


@dataclass
class Fixtures:
    """What the benchmark looks at: the rows every page is measured on, and how much data there is."""

    scale: Scale
    chapter_slug: str
    event_id: int  # chapter 0's next evening: full, with a waitlist
    past_event_id: int  # chapter 0's last evening: check-ins and walk-ins
    member_id: int  # going to event_id; has a personal calendar address
    member_token: str
    member_calendar_token: str
    organiser_token: str  # organiser of chapter 0
    rows: dict[str, int]
    past_last_key: str = ""  # the ?after= key that opens the last page of past events


def generate(scale: Scale, *, now: datetime | None = None) -> Fixtures:
    """Fill the (empty) database; call inside an app context."""
    now = now or datetime.now(UTC)
    anchor = now.replace(hour=17, minute=30, second=0, microsecond=0)
    password_hash = hash_password("flashmob-bench")  # one hash for everyone: argon2 is slow on purpose

    tables: dict[type, list[dict]] = {model: [] for model in (
        User, Chapter, ChapterMembership, EmailOptOut, Event, Rsvp, WalkIn, EventInterest, UserSession,
    )}
    ids = {model: 0 for model in tables}

    def add(model, **row) -> int:
        ids[model] += 1
        row["id"] = ids[model]
        tables[model].append(row)
        return row["id"]

    # Chapters, and people: user 1 is the admin, the next two per chapter its organisers.
    chapter_ids = []
    for c in range(scale.chapters):
        city = CITIES[c % len(CITIES)] + ("" if c < len(CITIES) else f" {c // len(CITIES) + 1}")
        chapter_ids.append(add(
            Chapter, slug=city.lower().replace(" ", "-"), name=city, city=city,
            description=f"The {city} chapter of PMO Flashmob.\n\n" + DESCRIPTION, timezone="Europe/London",
            created_at=anchor - timedelta(days=2000 - c),
        ))
    for i in range(1, scale.members + 1):
        add(
            User, email=f"member{i}@bench.example.org",
            display_name=f"{FIRST_NAMES[i % 26]} {LAST_NAMES[(i // 26) % 26]}",
            password_hash=password_hash, calendar_token=None, is_admin=(i == 1),
            headline="Head of PMO" if i % 3 == 0 else "", organisation=f"Org {i % 97}" if i % 2 else "",
            bio=BIO if i % 4 == 0 else "", show_email=(i % 6 == 0),
            created_at=anchor - timedelta(days=1500 - i % 1000),
            email_confirmed_at=anchor - timedelta(days=900),
            last_login_at=anchor - timedelta(days=i % 60),
        )
    organisers = {c: [2 + 2 * c, 3 + 2 * c] for c in range(scale.chapters)}
    organiser_ids = {u for pair in organisers.values() for u in pair}
    plain = [i for i in range(2, scale.members + 1) if i not in organiser_ids]
    pools: dict[int, list[int]] = {c: [] for c in range(scale.chapters)}
    for c, pair in organisers.items():
        for user_id in pair:
            add(ChapterMembership, chapter_id=chapter_ids[c], user_id=user_id, role="organiser",
                joined_at=anchor - timedelta(days=1000))
    for n, user_id in enumerate(plain):
        joined = {n % scale.chapters}
        if n % 3 == 0:
            joined.add((n + 1) % scale.chapters)
        if n % 5 == 0:
            joined.add(0)  # the first chapter is the big one
        for c in sorted(joined):
            pools[c].append(user_id)
            add(ChapterMembership, chapter_id=chapter_ids[c], user_id=user_id, role="member",
                joined_at=anchor - timedelta(days=700 - n % 600))
    for n, user_id in enumerate(plain):
        for every, kind in ((7, "reminders"), (11, "organiser_messages"), (13, "rsvp")):
            if n % every == every - 1:
                add(EmailOptOut, user_id=user_id, kind=kind, created_at=anchor - timedelta(days=30))

    def people(c: int, start: int, count: int) -> list[int]:
        """`count` different plain members, the chapter's own first, from a rotating start."""
        pool = pools[c]
        if len(pool) < count:
            own = set(pool)
            pool = pool + [u for u in plain if u not in own]
        return [pool[(start + k) % len(pool)] for k in range(count)]

    # Events, RSVPs, check-ins, walk-ins.
    per_chapter = [scale.events // scale.chapters + (c < scale.events % scale.chapters)
                   for c in range(scale.chapters)]
    featured = past_featured = member = None
    r = scale.rsvps_per_event
    for c, count in enumerate(per_chapter):
        first_future = count - scale.upcoming_per_chapter
        for j in range(count):
            starts = anchor + timedelta(days=(j - first_future) * scale.spacing_days + 7 + c % 7)
            is_draft = j == count - 1
            is_tbc = j == count - 2
            is_featured = c == 0 and j == first_future
            is_past_featured = c == 0 and j == first_future - 1
            cancelled = j % 17 == 5 and not (is_featured or is_past_featured or is_draft or is_tbc)
            full = j % 2 == 0 or is_featured
            capacity = math.ceil(r * 0.7) if full else (None if j % 5 == 1 else r + 10)
            approval = j % 13 == 7 and not (is_featured or is_past_featured)
            status = "draft" if is_draft else "cancelled" if cancelled else "published"
            organiser = organisers[c][j % 2]
            event_id = add(
                Event, chapter_id=chapter_ids[c],
                title=f"{TOPICS[j % len(TOPICS)]} ({CITIES[c % 26]} #{j + 1})",
                starts_at=starts, ends_at=starts + timedelta(hours=2, minutes=30), timezone="Europe/London",
                venue_name="The Old Joint Stock", venue_address=f"{j % 90 + 1} Temple Row West, B2 5NY",
                description=DESCRIPTION, capacity=capacity, status=status, created_by_id=organiser,
                created_at=starts - timedelta(days=40), updated_at=starts - timedelta(days=30),
                published_at=None if is_draft else starts - timedelta(days=30),
                cancelled_at=starts - timedelta(days=3) if cancelled else None,
                cancellation_reason="The venue flooded." if cancelled else "",
                date_tbc=is_tbc, date_hint=starts.strftime("%B %Y") if is_tbc else "",
                reminder_sent_at=starts - timedelta(days=1) if starts < now else None,
                sequence=j % 3, ical_uid=f"event-bench-{c}-{j}@bench.flashmob.example.org",
                requires_approval=approval, offer_window_hours=48, offer_hold_hours=4,
            )
            if is_featured:
                featured = event_id
            if is_past_featured:
                past_featured = event_id
            if is_draft:
                continue
            if is_tbc:
                for user_id in people(c, j, 5):
                    add(EventInterest, event_id=event_id, user_id=user_id,
                        created_at=starts - timedelta(days=60))
                continue
            past = starts + timedelta(hours=2, minutes=30) <= now
            attendees = people(c, j * r, r + 1)
            seats = capacity if capacity is not None else r + 1
            answered = starts - timedelta(days=20)
            for k, user_id in enumerate(attendees[:r]):
                moment = answered + timedelta(minutes=7 * k)
                if k % 10 == 9:
                    state = "not_going"
                elif approval and k % 10 == 8:
                    state = "pending"
                elif seats > 0:
                    state, seats = "going", seats - 1
                else:
                    state = "waitlisted"
                checked_in = past and state == "going" and k % 5 != 4 and not cancelled
                add(
                    Rsvp, event_id=event_id, user_id=user_id, status=state, created_at=moment,
                    responded_at=moment, updated_at=moment,
                    waitlisted_at=moment if state == "waitlisted" else None,
                    checked_in_at=starts + timedelta(minutes=k) if checked_in else None,
                    checked_in_by_id=organiser if checked_in else None,
                    ticket_code=secrets.token_urlsafe(16),
                )
                if is_featured and k == 0:
                    member = user_id
            if past and not cancelled:
                # A member with a seat added at the door as a walk-in (their seat checked in), two guests.
                walker = attendees[r]
                add(Rsvp, event_id=event_id, user_id=walker, status="going", created_at=starts,
                    responded_at=starts, updated_at=starts, checked_in_at=starts + timedelta(minutes=30),
                    checked_in_by_id=organiser, ticket_code=secrets.token_urlsafe(16))
                add(WalkIn, event_id=event_id, name="", email=f"member{walker}@bench.example.org",
                    user_id=walker, checked_in_at=starts + timedelta(minutes=30), added_by_id=organiser)
                for g in range(2):
                    add(WalkIn, event_id=event_id, name=f"Guest {g + 1} of evening {event_id}",
                        email=f"guest{g}.{event_id}@example.net" if g else "", user_id=None,
                        checked_in_at=starts + timedelta(minutes=40 + g), added_by_id=organiser)

    assert featured and past_featured and member, "the scale is too small for the pages measured"
    calendar_token = secrets.token_urlsafe(32)
    tables[User][member - 1]["calendar_token"] = calendar_token
    # The member and the organiser the pages are measured as are signed in, one browser each.
    sign_in_tokens = {}
    for user_id in (member, organisers[0][0]):
        sign_in_tokens[user_id] = secrets.token_urlsafe(32)
        add(UserSession, user_id=user_id, token_hash=hash_token(sign_in_tokens[user_id]), device="Benchmark",
            is_remembered=False, created_at=now, last_seen_at=now)
    # The member's walk-in row carries the name an organiser would type: theirs.
    names = {row["id"]: row["display_name"] for row in tables[User]}
    for row in tables[WalkIn]:
        if row["user_id"] is not None:
            row["name"] = names[row["user_id"]]

    for model, rows in tables.items():
        if rows:
            # One statement shape for every row of a table: each row names every column given anywhere.
            columns = {name for row in rows for name in row}
            for row in rows:
                for name in columns - row.keys():
                    row[name] = None
            db.session.execute(insert(model.__table__), rows)
    db.session.commit()
    _after_bulk_load()
    return Fixtures(
        scale=scale,
        chapter_slug=tables[Chapter][0]["slug"],
        event_id=featured,
        past_event_id=past_featured,
        member_id=member,
        member_token=sign_in_tokens[member],
        member_calendar_token=calendar_token,
        organiser_token=sign_in_tokens[organisers[0][0]],
        rows={model.__tablename__: _count(model) for model in tables},
    )


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _after_bulk_load() -> None:
    """Rows went in with their ids: move PostgreSQL's sequences past them, and gather planner statistics
    (as autovacuum soon would after a load this size)."""
    engine = db.engine
    if engine.dialect.name != "postgresql":
        return
    with engine.begin() as conn:
        for table in db.metadata.sorted_tables:
            if "id" in table.c:
                # Table names come from our own models, not from input.
                conn.execute(text(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "  # noqa: S608
                    f"COALESCE((SELECT max(id) FROM \"{table.name}\"), 0) + 1, false)"
                ))
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("ANALYZE"))
