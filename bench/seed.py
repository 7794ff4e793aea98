"""`flask --app wsgi seed-bench`: a network a hundred times the demo's, fast, the same every time.

By default 200 chapters, 100,000 members, 20,000 events, 1,000,000 RSVPs, 50,000 lessons (in write-ups
of past evenings, with themes, voices and the search index) and 200,000 comments (in threads on evenings,
write-ups, lessons and chapter boards); --scale or one option per table makes it smaller.

Rows are made by generators in id order (ids given here, so that rows can point at each other without
reading anything back) and written in batches: PostgreSQL's COPY through psycopg 3 (the fastest way in),
SQLite's executemany through SQLAlchemy Core. A seeded random.Random makes every run the same data.
bench/data.py builds the smaller networks of the in-process page benchmark with the same names and texts.

What the production benchmark (bench/http_bench.py) looks at is placed on purpose, and found again by
`fixtures()` from the size alone: chapter 1's next evening with up to 300 people going (FEATURED_UID),
the evening beside it, empty with 16 seats, for the RSVP storm (STORM_UID), a member with a full public
profile who is going to the former and has a personal calendar address (PROFILE_EMAIL), and STORM_USERS
members who answer in the storm.
"""

from __future__ import annotations

import base64
import math
import random
import sys
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, fields, replace
from datetime import UTC, datetime, timedelta

import click
from sqlalchemy import func, insert, select, text

from bench.data import BIO, CITIES, DESCRIPTION, FIRST_NAMES, LAST_NAMES, TOPICS
from flashmob.extensions import db
from flashmob.members.passwords import hash_password

FEATURED_UID = "event-bench-featured@bench.flashmob.example.org"
STORM_UID = "event-bench-storm@bench.flashmob.example.org"
PROFILE_EMAIL = "profile@bench.example.org"
FEATURED_ATTENDEES = 300
STORM_CAPACITY = 16
STORM_USERS = 32
BATCH = 5000
# A fixed moment, so that two runs make the same rows; evenings fall around the day the data is made.
SEED = 20260101

THEMES = [
    "Risk registers", "RAID logs", "Benefits realisation", "Stage gates", "Portfolio prioritisation",
    "Resource planning", "Reporting", "Lessons learnt", "Stakeholder management", "Dependencies",
    "Change control", "Governance", "Estimation", "Agile at scale", "Tooling", "Onboarding",
    "Capacity planning", "Financial tracking", "Quality assurance", "Vendor management",
    "Communication plans", "Scope creep", "Sponsorship", "Post-implementation review",
]
OPENERS = [
    "Nobody reads", "Start every review with", "Keep one owner for", "Make the board see",
    "Stop gold-plating", "Ask the sponsor about", "Write down the why behind", "Automate the chasing of",
    "Review monthly, not weekly,", "Put a date on", "Show trends, not snapshots, of", "Retire stale",
]
SUBJECTS = [
    "the risk register", "the RAID log", "benefits that were promised", "stage gate criteria",
    "portfolio priorities", "resource forecasts", "the status report", "dependency maps",
    "change requests", "the lessons learnt log", "milestone slippage", "vendor contracts",
]
BODIES = [
    "We tried a weekly review and attendance fell away within a month. Moving to a monthly review with "
    "a named owner for each item brought people back.",
    "The sponsor only engaged once the numbers were shown against the original business case. Trend "
    "lines did more than any colour coding.",
    "Half of the items were duplicates logged by different teams. One shared log and a short triage "
    "meeting cut the list by a third.",
    "Teams stopped updating the tracker when nobody acted on it. Closing the loop in the steering "
    "meeting changed that quickly.",
]
COMMENTS = [
    "Thanks for organising, this was really useful.",
    "We had exactly the same problem with our **RAID log** last year.",
    "Could someone share the template mentioned on the night?",
    "Great evening. The point about stage gates stuck with me.",
    "Is there a follow-up session planned on benefits tracking?",
    "Agreed, and the sponsor conversation is the hard part.",
]


@dataclass(frozen=True)
class Size:
    """How many rows of each kind (RSVPs, lessons and comments are totals, spread over the evenings)."""

    chapters: int = 200
    members: int = 100_000
    events: int = 20_000
    rsvps: int = 1_000_000
    lessons: int = 50_000
    comments: int = 200_000

    def scaled(self, factor: float) -> Size:
        return Size(**{f.name: max(1, round(getattr(self, f.name) * factor)) for f in fields(self)})

    def check(self) -> None:
        """Refuse a size too small for the rows the benchmark looks at, saying which option to raise."""
        if self.chapters < 2:
            raise click.UsageError("--chapters must be at least 2.")
        if self.members < 2 * self.chapters + STORM_USERS + 20:
            raise click.UsageError(
                f"--members must be at least {2 * self.chapters + STORM_USERS + 20} for {self.chapters} "
                "chapters (two organisers each, the storm's members and a few more)."
            )
        if self.events < 8 * self.chapters:
            raise click.UsageError(f"--events must be at least {8 * self.chapters} (8 per chapter).")


@dataclass(frozen=True)
class Layout:
    """Who is who, from the size alone: ids are given in this order by generate()."""

    size: Size

    @property
    def first_plain(self) -> int:
        return 2 + 2 * self.size.chapters  # 1 is the admin, then two organisers per chapter

    @property
    def profile_member(self) -> int:
        return self.first_plain

    @property
    def storm_members(self) -> range:
        return range(self.first_plain + 1, self.first_plain + 1 + STORM_USERS)

    def organisers(self, chapter_index: int) -> tuple[int, int]:
        return 2 + 2 * chapter_index, 3 + 2 * chapter_index


def is_empty() -> bool:
    from flashmob.events.models import Chapter
    from flashmob.members.models import User

    return not (db.session.scalar(select(func.count()).select_from(User))
                or db.session.scalar(select(func.count()).select_from(Chapter)))


def empty_database() -> None:
    """Delete every row the app keeps, except the search vocabulary the migration wrote (--force)."""
    keep = {"search_synonyms", "alembic_version"}
    tables = [t for t in db.metadata.sorted_tables if t.name not in keep]
    if db.engine.dialect.name == "postgresql":
        names = ", ".join(f'"{t.name}"' for t in tables)
        db.session.execute(text(f"TRUNCATE {names}, lesson_search RESTART IDENTITY CASCADE"))
    else:
        db.session.execute(text("DELETE FROM lesson_fts"))
        for table in reversed(tables):
            db.session.execute(table.delete())
    db.session.commit()


def _token(rng: random.Random, nbytes: int = 12) -> str:
    return base64.urlsafe_b64encode(rng.randbytes(nbytes)).decode().rstrip("=")


def generate(size: Size, *, now: datetime | None = None, progress: bool = True) -> dict[str, int]:
    """Fill the empty database (inside an app context); returns the rows written per table."""
    from flashmob import search
    from flashmob.discussions.models import Lesson, LessonTheme, LessonVoice, Writeup
    from flashmob.discussions.threads.models import Post, Thread
    from flashmob.events.models import Chapter, ChapterMembership, Event, Rsvp
    from flashmob.members.models import MemberProfile, MemberTag, User
    from flashmob.tags import Tag, tag_key
    from flashmob.text import slugify

    size.check()
    layout = Layout(size)
    rng = random.Random(SEED)  # noqa: S311  (made-up data, the same each run: not secrets)
    now = now or datetime.now(UTC)
    anchor = now.replace(hour=17, minute=30, second=0, microsecond=0)
    long_ago = anchor - timedelta(days=3000)
    writer = _Writer(progress=progress)
    C = size.chapters

    # Chapters and tags.
    slugs = []
    chapter_rows = []
    for c in range(C):
        city = CITIES[c % len(CITIES)] + ("" if c < len(CITIES) else f" {c // len(CITIES) + 1}")
        slugs.append(slugify(city))
        chapter_rows.append((c + 1, slugs[-1], city, city,
                             f"The {city} chapter of PMO Flashmob.\n\n" + DESCRIPTION, "Europe/London",
                             long_ago + timedelta(days=c), long_ago + timedelta(days=c)))
    writer.write(Chapter, ("id", "slug", "name", "city", "description", "timezone", "created_at",
                           "updated_at"), chapter_rows)
    writer.write(Tag, ("id", "name", "key", "slug", "created_at"),
                 [(t + 1, name, tag_key(name), slugify(name), long_ago) for t, name in enumerate(THEMES)])

    # People: one password hash for everyone (argon2 is slow on purpose).
    password_hash = hash_password("flashmob-bench")
    calendar_token = _token(rng, 24)

    def users() -> Iterator[tuple]:
        for i in range(1, size.members + 1):
            email = PROFILE_EMAIL if i == layout.profile_member else f"member{i}@bench.example.org"
            yield (i, email, f"{FIRST_NAMES[i % 26]} {LAST_NAMES[(i // 26) % 26]}", password_hash,
                   calendar_token if i == layout.profile_member else None, i == 1,
                   long_ago + timedelta(days=i % 1000), long_ago + timedelta(days=i % 1000, hours=1),
                   anchor - timedelta(days=i % 60))

    writer.write(User, ("id", "email", "display_name", "password_hash", "calendar_token", "is_admin",
                        "created_at", "email_confirmed_at", "last_login_at"), users(), total=size.members)

    def profiles() -> Iterator[tuple]:
        for i in range(2, size.members + 1):
            if i % 3 and i != layout.profile_member:
                continue
            everyone = i % 2 == 0 or i == layout.profile_member
            yield (i, "Head of PMO" if i % 2 else "Portfolio analyst", f"Org {i % 97}",
                   ("project", "programme", "portfolio", "enterprise")[i % 4], i % 25,
                   BIO if i % 4 == 0 or i == layout.profile_member else "",
                   "everyone" if everyone else "members", anchor - timedelta(days=i % 300))

    writer.write(MemberProfile, ("user_id", "headline", "organisation", "pmo_kind", "years_in_pmo", "bio",
                                 "visibility", "updated_at"), profiles(), total=size.members // 3 + 1)

    def member_tags() -> Iterator[tuple]:
        for i in range(2, size.members + 1):
            if i == layout.profile_member:
                for p, t in enumerate((1, 2, 3, 4)):
                    yield (i, t, "expertise" if p < 2 else "interest", p)
            elif i % 9 == 0:
                yield (i, 1 + i % len(THEMES), "expertise", 0)
                yield (i, 1 + (i + 5) % len(THEMES), "interest", 1)

    writer.write(MemberTag, ("user_id", "tag_id", "kind", "position"), member_tags(),
                 total=2 * size.members // 9 + 4)

    # Memberships: every plain member in one chapter, a third in two, a fifth also in chapter 1 (the big one).
    pools: list[list[int]] = [[] for _ in range(C)]

    def memberships() -> Iterator[tuple]:
        n = 0
        for c in range(C):
            for user_id in layout.organisers(c):
                n += 1
                yield (n, c + 1, user_id, "organiser", long_ago)
        for k, user_id in enumerate(range(layout.first_plain, size.members + 1)):
            joined = {k % C}
            if k % 3 == 0:
                joined.add((k + 1) % C)
            if k % 5 == 0 or user_id == layout.profile_member or user_id in layout.storm_members:
                joined.add(0)
            for c in sorted(joined):
                pools[c].append(user_id)
                n += 1
                yield (n, c + 1, user_id, "member", long_ago + timedelta(days=365 + k % 700))

    writer.write(ChapterMembership, ("id", "chapter_id", "user_id", "role", "joined_at"), memberships(),
                 total=int(size.members * 1.6))
    storm = set(layout.storm_members)
    # The storm's members answer only in the storm, so that its checks see only their own answers.
    pools = [[u for u in pool if u not in storm] for pool in pools]

    # Evenings: per chapter, one a fortnight going back years, a few to come; a save-the-date and a draft.
    plan = []  # (event id, chapter index, starts, kind), kind: past/future/featured/storm/tbc/draft/cancelled
    event_id = 0
    for c in range(C):
        count = size.events // C + (c < size.events % C)
        upcoming = min(6, count // 2)
        first_future = count - upcoming
        for j in range(count):
            event_id += 1
            starts = anchor + timedelta(days=(j - first_future) * 14 + 7 + c % 7)
            if j == count - 1:
                kind = "draft"
            elif j == count - 2:
                kind = "tbc"
            elif c == 0 and j == first_future:
                kind = "featured"
            elif c == 0 and j == first_future + 1:
                kind = "storm"
            elif j % 17 == 5:
                kind = "cancelled"
            else:
                kind = "past" if starts + timedelta(hours=3) <= now else "future"
            plan.append((event_id, c, starts, kind))

    # RSVPs: the featured evening gets FEATURED_ATTENDEES people going and a short waitlist, the storm's
    # none; the rest is shared out over the others (capped by each chapter's members).
    answered = [p for p in plan if p[3] in ("past", "future", "cancelled")]
    featured_count = min(FEATURED_ATTENDEES + 20, len(pools[0]))
    share, extra = divmod(max(0, size.rsvps - featured_count), max(1, len(answered)))
    attendance: dict[int, int] = {}
    for n, (eid, c, _starts, _kind) in enumerate(answered):
        attendance[eid] = min(share + (n < extra), len(pools[c]))
    featured_id = next(p[0] for p in plan if p[3] == "featured")
    storm_id = next(p[0] for p in plan if p[3] == "storm")
    attendance[featured_id] = featured_count
    capacities = {}
    for eid, _c, _starts, _kind in plan:
        going = attendance.get(eid, 0)
        if eid == featured_id:
            capacities[eid] = min(FEATURED_ATTENDEES, going)
        elif eid == storm_id:
            capacities[eid] = STORM_CAPACITY
        elif eid % 2 == 0 and going:
            capacities[eid] = max(1, math.ceil(going * 0.8))  # full, with a waitlist
        else:
            capacities[eid] = None if eid % 5 == 1 else going + 10

    def events() -> Iterator[tuple]:
        for eid, c, starts, kind in plan:
            organiser = layout.organisers(c)[eid % 2]
            uid = {"featured": FEATURED_UID, "storm": STORM_UID}.get(
                kind, f"event-bench-{eid}@bench.flashmob.example.org")
            yield (eid, c + 1, f"{TOPICS[eid % len(TOPICS)]} ({CITIES[c % 26]} #{eid})", starts,
                   starts + timedelta(hours=2, minutes=30), "Europe/London", "The Old Joint Stock",
                   f"{eid % 90 + 1} Temple Row West, B2 5NY", DESCRIPTION, capacities[eid],
                   {"draft": "draft", "cancelled": "cancelled"}.get(kind, "published"), organiser,
                   starts - timedelta(days=40), starts - timedelta(days=30),
                   None if kind == "draft" else starts - timedelta(days=30),
                   starts - timedelta(days=3) if kind == "cancelled" else None,
                   "The venue flooded." if kind == "cancelled" else "", kind == "tbc",
                   starts.strftime("%B %Y") if kind == "tbc" else "",
                   starts - timedelta(days=1) if starts < now else None, eid % 3, uid, False, 48, 4)

    writer.write(Event, ("id", "chapter_id", "title", "starts_at", "ends_at", "timezone", "venue_name",
                         "venue_address", "description", "capacity", "status", "created_by_id", "created_at",
                         "updated_at", "published_at", "cancelled_at", "cancellation_reason", "date_tbc",
                         "date_hint", "reminder_sent_at", "sequence", "ical_uid", "requires_approval",
                         "offer_window_hours", "offer_hold_hours"), events(), total=len(plan))

    def rsvps() -> Iterator[tuple]:
        rid = 0
        for eid, c, starts, kind in plan:
            count = attendance.get(eid, 0)
            if not count:
                continue
            pool = pools[c]
            if eid == featured_id:
                people = [layout.profile_member, *[u for u in pool if u != layout.profile_member][:count - 1]]
            else:
                start = (eid * 7919) % len(pool)
                people = [pool[(start + k) % len(pool)] for k in range(count)]
            seats = capacities[eid] if capacities[eid] is not None else count
            organiser = layout.organisers(c)[eid % 2]
            past = kind == "past"
            codes = base64.urlsafe_b64encode(rng.randbytes(12 * count)).decode()
            for k, user_id in enumerate(people):
                moment = starts - timedelta(days=20, minutes=-7 * k)
                if k % 10 == 9 and eid != featured_id:
                    state = "not_going"
                elif seats > 0:
                    state, seats = "going", seats - 1
                else:
                    state = "waitlisted"
                checked_in = past and state == "going" and k % 5 != 4
                rid += 1
                yield (rid, eid, user_id, state, moment, moment, moment,
                       moment if state == "waitlisted" else None,
                       starts + timedelta(minutes=k % 90) if checked_in else None,
                       organiser if checked_in else None, codes[16 * k:16 * k + 16])

    writer.write(Rsvp, ("id", "event_id", "user_id", "status", "created_at", "responded_at", "updated_at",
                        "waitlisted_at", "checked_in_at", "checked_in_by_id", "ticket_code"), rsvps(),
                 total=sum(attendance.values()))

    # Write-ups of past evenings, spread evenly over them (chapter 1's last evening always has one), each
    # with a few lessons; a twentieth still drafts.
    past = [p for p in plan if p[3] == "past"]
    writeup_count = min(len(past), max(1, math.ceil(size.lessons / 3)))
    chosen = [past[n * len(past) // writeup_count] for n in range(writeup_count)]
    last_past_of_first = max((p for p in past if p[1] == 0), key=lambda p: p[2])
    if last_past_of_first not in chosen:
        chosen[0] = last_past_of_first
    chosen.sort()
    writeups = []  # (writeup id, event id, chapter index, published, starts)
    for n, (eid, c, starts, _kind) in enumerate(chosen):
        writeups.append((n + 1, eid, c, n % 20 != 19 or eid == last_past_of_first[0], starts))
    writer.write(Writeup, ("id", "event_id", "status", "introduction", "created_by_id", "created_at",
                           "published_at", "edited_at", "edited_by_id"),
                 ((wid, eid, "published" if published else "draft",
                   "What the room took away from the evening.", layout.organisers(c)[0],
                   starts + timedelta(days=1), starts + timedelta(days=2) if published else None,
                   starts + timedelta(days=2), layout.organisers(c)[0])
                  for wid, eid, c, published, starts in writeups), total=len(writeups))

    lesson_plan = []  # (lesson id, writeup index)
    per_writeup, spare = divmod(size.lessons, len(writeups))
    for w in range(len(writeups)):
        for _ in range(per_writeup + (w < spare)):
            lesson_plan.append((len(lesson_plan) + 1, w))

    def lessons() -> Iterator[tuple]:
        position: dict[int, int] = {}
        for lid, w in lesson_plan:
            position[w] = position.get(w, -1) + 1
            starts = writeups[w][4]
            yield (lid, writeups[w][0], position[w],
                   f"{OPENERS[lid % len(OPENERS)]} {SUBJECTS[(lid // len(OPENERS)) % len(SUBJECTS)]}",
                   BODIES[lid % len(BODIES)], starts + timedelta(days=1), starts + timedelta(days=2))

    writer.write(Lesson, ("id", "writeup_id", "position", "statement", "body", "created_at", "updated_at"),
                 lessons(), total=len(lesson_plan))
    writer.write(LessonTheme, ("lesson_id", "tag_id"),
                 ((lid, t) for lid, _w in lesson_plan
                  for t in sorted({1 + lid % len(THEMES), 1 + (lid * 7) % len(THEMES)})),
                 total=2 * len(lesson_plan))

    def voices() -> Iterator[tuple]:
        vid = 0
        for lid, w in lesson_plan:
            _wid, eid, c, _published, starts = writeups[w]
            if eid == last_past_of_first[0]:
                user_id = layout.profile_member
            elif lid % 2 == 0:
                user_id = pools[c][lid % len(pools[c])]
            else:
                continue
            vid += 1
            yield (vid, lid, user_id, "agreed", layout.organisers(c)[0], starts + timedelta(days=1),
                   starts + timedelta(days=2))

    writer.write(LessonVoice, ("id", "lesson_id", "user_id", "status", "asked_by_id", "asked_at",
                               "answered_at"), voices(), total=len(lesson_plan) // 2)

    # The search index, as publishing keeps it (flashmob.search.index_lesson): the texts here are plain
    # already, so the engine's table is filled by one statement; the words for "Did you mean" likewise.
    _index_lessons(search)

    # Comments: a thread on every other evening, a third of the write-ups, a tenth of the lessons and five
    # board topics per chapter; a third of the comments are replies.
    threads = []  # (kind, subject id, chapter index, created)
    for eid, c, starts, kind in plan:
        if kind in ("past", "future", "featured") and (eid % 2 == 0 or kind == "featured"):
            threads.append(("event", eid, c, starts - timedelta(days=25)))
    published_writeups = [w for w in writeups if w[3]]
    threads += [("writeup", wid, c, starts + timedelta(days=2))
                for wid, _eid, c, _p, starts in published_writeups if wid % 3 == 0]
    threads += [("lesson", lid, writeups[w][2], writeups[w][4] + timedelta(days=3))
                for lid, w in lesson_plan if lid % 10 == 0 and writeups[w][3]]
    threads += [("topic", None, c, anchor - timedelta(days=90 - t)) for c in range(C) for t in range(5)]
    per_thread, spare_posts = divmod(size.comments, len(threads))
    posts_in = [per_thread + (n < spare_posts) for n in range(len(threads))]

    def thread_rows() -> Iterator[tuple]:
        for n, (kind, subject, c, created) in enumerate(threads):
            count = posts_in[n]
            last = created + timedelta(hours=3 * count) if count else created
            yield (n + 1, kind, subject, c + 1, f"Board topic {n + 1}: {TOPICS[n % len(TOPICS)]}"
                   if kind == "topic" else "", pools[c][n % len(pools[c])], created, last, count, False)

    writer.write(Thread, ("id", "kind", "subject_id", "chapter_id", "title", "started_by_id", "created_at",
                          "last_activity_at", "post_count", "is_locked"), thread_rows(), total=len(threads))

    def posts() -> Iterator[tuple]:
        pid = 0
        for n, (_kind, _subject, c, created) in enumerate(threads):
            parent = None
            pool = pools[c]
            for m in range(posts_in[n]):
                pid += 1
                top = m % 3 == 0
                yield (pid, n + 1, None if top else parent, pool[(n * 31 + m) % len(pool)],
                       COMMENTS[(n + m) % len(COMMENTS)], created + timedelta(hours=3 * (m + 1)),
                       "visible", "")
                if top:
                    parent = pid

    writer.write(Post, ("id", "thread_id", "parent_id", "author_id", "body", "created_at", "status",
                        "moderation_reason"), posts(), total=size.comments)

    writer.finish()
    _after_load()
    return {name: count for name, count in writer.counts.items()}


def _index_lessons(search) -> None:
    from flashmob.discussions.models import Lesson, Writeup  # noqa: F401  (tables named below)

    themes_of = (
        "SELECT lt.lesson_id, {agg} AS themes FROM lesson_themes lt JOIN tags t ON t.id = lt.tag_id "
        "GROUP BY lt.lesson_id"
    )
    published = (
        "FROM lessons l JOIN writeups w ON w.id = l.writeup_id AND w.status = 'published' "
        "LEFT JOIN ({themes}) th ON th.lesson_id = l.id"
    )
    if db.engine.dialect.name == "postgresql":
        sql = ("INSERT INTO lesson_search (lesson_id, statement, body, themes) "
               "SELECT l.id, l.statement, l.body, COALESCE(th.themes, '') "
               + published.format(themes=themes_of.format(agg="string_agg(t.name, ' ; ' ORDER BY t.name)")))
    else:
        sql = ("INSERT INTO lesson_fts (rowid, statement, body, themes) "
               "SELECT l.id, l.statement, l.body, COALESCE(th.themes, '') "
               + published.format(themes=themes_of.format(agg="group_concat(t.name, ' ; ')")))
    db.session.execute(text(sql))
    vocabulary = " ".join(OPENERS + SUBJECTS + BODIES + THEMES)
    search._remember_words(search.words_of(vocabulary))


class _Writer:
    """Writes rows in batches: COPY on PostgreSQL, executemany on SQLite; counts them; shows progress."""

    def __init__(self, progress: bool):
        self.progress = progress
        self.counts: dict[str, int] = {}
        self.postgres = db.engine.dialect.name == "postgresql"
        self.connection = db.session.connection()
        # Foreign keys are checked by triggers, one call per row; the rows here point only at rows
        # written before them, so a superuser's load may skip them (the constraints stay).
        superuser = self.postgres and self.connection.exec_driver_sql(
            "SELECT current_setting('is_superuser')").scalar() == "on"
        if superuser:
            self.connection.exec_driver_sql("SET session_replication_role = replica")

    def write(self, model, columns: tuple[str, ...], rows: Iterable[tuple], total: int | None = None) -> None:
        table = model.__table__
        name = table.name
        total = total if total is not None else len(rows)  # type: ignore[arg-type]
        bar = click.progressbar(length=max(total, 1), label=f"{name:<20}", file=sys.stderr,
                                show_pos=True, width=30) if self.progress else None
        count = 0
        if bar:
            bar.__enter__()
        try:
            if self.postgres:
                raw = self.connection.connection.driver_connection
                column_list = ", ".join(f'"{c}"' for c in columns)
                with raw.cursor() as cursor, cursor.copy(
                    f'COPY "{name}" ({column_list}) FROM STDIN'
                ) as copy:
                    for row in rows:
                        copy.write_row(row)
                        count += 1
                        if bar and count % BATCH == 0:
                            bar.update(BATCH)
            else:
                statement = insert(table)
                batch: list[dict] = []
                for row in rows:
                    batch.append(dict(zip(columns, row, strict=True)))
                    if len(batch) == BATCH:
                        self.connection.execute(statement, batch)
                        count += len(batch)
                        batch = []
                        if bar:
                            bar.update(BATCH)
                if batch:
                    self.connection.execute(statement, batch)
                    count += len(batch)
        finally:
            if bar:
                bar.update(max(0, count - bar.pos))
                bar.__exit__(None, None, None)
        self.counts[name] = count

    def finish(self) -> None:
        if self.postgres:
            self.connection.exec_driver_sql("SET session_replication_role = DEFAULT")
        db.session.commit()


def _after_load() -> None:
    """Move PostgreSQL's sequences past the ids given here, and gather planner statistics (ANALYZE)."""
    engine = db.engine
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            for table in db.metadata.sorted_tables:
                if "id" in table.c:
                    conn.execute(text(
                        f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "  # noqa: S608
                        f"COALESCE((SELECT max(id) FROM \"{table.name}\"), 0) + 1, false)"
                    ))
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("ANALYZE"))


@dataclass(frozen=True)
class Fixtures:
    """What the production benchmark requests, found from the size (see the module docstring)."""

    chapter_slug: str
    featured_event_id: int
    storm_event_id: int
    profile_member_id: int
    calendar_token: str
    storm_member_ids: tuple[int, ...]
    organiser_id: int


def fixtures(size: Size) -> Fixtures:
    from flashmob.events.models import Chapter, Event
    from flashmob.members.models import User

    layout = Layout(size)
    profile = db.session.scalar(select(User).where(User.email == PROFILE_EMAIL))
    return Fixtures(
        chapter_slug=db.session.scalar(select(Chapter.slug).where(Chapter.id == 1)),
        featured_event_id=db.session.scalar(select(Event.id).where(Event.ical_uid == FEATURED_UID)),
        storm_event_id=db.session.scalar(select(Event.id).where(Event.ical_uid == STORM_UID)),
        profile_member_id=profile.id,
        calendar_token=profile.calendar_token,
        storm_member_ids=tuple(layout.storm_members),
        organiser_id=layout.organisers(0)[0],
    )


def size_from_options(scale: float, **counts: int | None) -> Size:
    size = Size().scaled(scale) if scale != 1 else Size()
    given = {name: value for name, value in counts.items() if value is not None}
    return replace(size, **given) if given else size


def describe(size: Size) -> str:
    return ", ".join(f"{value:,} {name}" for name, value in asdict(size).items())
