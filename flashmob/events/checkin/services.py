"""Check-in on the night: ticking attendees in, walk-ins, and what the attendance was afterwards.

Functions change objects and flush; the caller commits once. A rule that says no raises CheckInError with a
message for the organiser. Permissions (can_check_in) are checked by the caller. Check-in is open on the
day only (check_in_window); a check-in that changes a seat takes the event's lock, as every seat change does.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

import segno
from flask import current_app
from sqlalchemy import exists, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import contains_eager, joinedload

from flashmob.email_kinds import EmailKind
from flashmob.errors import RuleError
from flashmob.events.models import ASKED_TO_COME, Event, Rsvp, RsvpStatus, WalkIn
from flashmob.events.rsvps.services import lock_event
from flashmob.extensions import db
from flashmob.members.models import User
from flashmob.outbox import queue_email
from flashmob.results import Outcome
from flashmob.types import utcnow
from flashmob.urls import public_url

# People who asked to come (ASKED_TO_COME) are on the attendee list and its CSV export. Not-going, expired,
# declined and removed answers are not: those people did not ask us to share their details with organisers.


class CheckInError(RuleError):
    """A rule stopped the check-in; the message says why, for the organiser."""


# What the check-in page shows


@dataclass
class Arrival:
    """One line on the check-in list: an attendee with a seat, or a walk-in under the name typed for them."""

    name: str
    checked_in_at: datetime | None
    is_walk_in: bool
    rsvp: Rsvp | None = None
    walk_in: WalkIn | None = None

    @property
    def is_checked_in(self) -> bool:
        return self.checked_in_at is not None


@dataclass
class Attendance:
    """How many came of how many were going; walk-ins are counted among those who came."""

    going: int  # booked a seat in advance (a member with a seat who was added as a walk-in counts as one)
    checked_in: int  # of those going, how many came
    walk_ins: int  # came without a booked seat: every walk-in, with an account or not
    expected: int  # everyone on the check-in list: going, plus walk-ins

    @property
    def came(self) -> int:
        return self.checked_in + self.walk_ins


# When check-in is open


class CheckInPhase(StrEnum):
    """Where an event stands for check-in."""

    UNAVAILABLE = "unavailable"  # a draft, cancelled, or its date not set yet: there is no window
    NOT_YET = "not_yet"
    OPEN = "open"
    OVER = "over"


# "12:30 on Thu 7 May", in the event's own zone.
MOMENT = "%H:%M on %a %-d %b"


def _moment(event: Event, at: datetime) -> str:
    return at.astimezone(event.tz).strftime(MOMENT)


@dataclass(frozen=True)
class CheckInWindow:
    """When check-in opens and closes for an event, and where it stands now: what every page and rule asks."""

    phase: CheckInPhase
    opens_at: datetime
    closes_at: datetime
    opens: str  # opens_at as people read it: "12:30 on Thu 7 May"
    closes: str
    reason: str | None  # why nobody can be checked in now, for the organisers; None while open

    @property
    def is_open(self) -> bool:
        return self.phase == CheckInPhase.OPEN

    @property
    def not_yet(self) -> bool:
        return self.phase == CheckInPhase.NOT_YET

    @property
    def is_over(self) -> bool:
        return self.phase == CheckInPhase.OVER


def check_in_window(event: Event, now: datetime | None = None) -> CheckInWindow:
    """Whether check-in is open for this event and, if not, why not.

    It opens CHECK_IN_OPENS_HOURS before the start, on the day, and closes CHECK_IN_CLOSES_HOURS after the
    end, leaving time to record late arrivals; a draft, a cancelled event and a save-the-date have none.
    """
    now = now or utcnow()
    config = current_app.config
    opens_at = event.starts_at - timedelta(hours=config["CHECK_IN_OPENS_HOURS"])
    closes_at = event.ends_at + timedelta(hours=config["CHECK_IN_CLOSES_HOURS"])
    opens, closes = _moment(event, opens_at), _moment(event, closes_at)
    phase, reason = CheckInPhase.UNAVAILABLE, None
    if event.is_draft:
        reason = "This event is a draft: publish it before checking people in."
    elif event.is_cancelled:
        reason = "This event is cancelled: there is nobody to check in."
    elif event.date_tbc:
        reason = "This event's date is not set yet: check-in opens on the day."
    elif now < opens_at:
        phase, reason = CheckInPhase.NOT_YET, f"Check-in opens at {opens}."
    elif now >= closes_at:
        phase, reason = CheckInPhase.OVER, f"Check-in closed at {closes}."
    else:
        phase = CheckInPhase.OPEN
    return CheckInWindow(phase, opens_at, closes_at, opens, closes, reason)


def closed_reason(event: Event, now: datetime | None = None) -> str | None:
    """Why nobody can be checked in to this event now, or None when check-in is open."""
    return check_in_window(event, now).reason


def _is_member_walk_in(event: Event):
    # Matching on the event's own id (not Rsvp.event_id) lets the database use ix_walk_ins_event_id
    # instead of reading every walk-in ever recorded.
    return exists().where(WalkIn.event_id == event.id, WalkIn.user_id == Rsvp.user_id)


def _name_filter(column, search: str):
    return func.lower(column).contains(search.strip().lower(), autoescape=True)


def arrivals(event: Event, search: str = "") -> list[Arrival]:
    """Everyone going, and every walk-in, by name; filtered by part of a name. Two queries.

    A walk-in shows the name the organiser typed, whether or not it turned out to be a member's; a member
    with a seat who was added as a walk-in is that one line, not two.
    """
    members = (
        select(Rsvp)
        .join(Rsvp.user)
        .where(Rsvp.event_id == event.id, Rsvp.status == RsvpStatus.GOING, ~_is_member_walk_in(event))
        .options(contains_eager(Rsvp.user))
    )
    walk_ins = select(WalkIn).where(WalkIn.event_id == event.id)
    if search.strip():
        members = members.where(_name_filter(User.display_name, search))
        walk_ins = walk_ins.where(_name_filter(WalkIn.name, search))
    rows = [
        Arrival(rsvp.user.display_name, rsvp.checked_in_at, False, rsvp=rsvp)
        for rsvp in db.session.scalars(members)
    ]
    rows += [Arrival(w.name, w.checked_in_at, True, walk_in=w) for w in db.session.scalars(walk_ins)]
    return sorted(rows, key=lambda row: (row.name.casefold(), row.rsvp.id if row.rsvp else 0))


def attendance(event: Event) -> Attendance:
    """The attendance counts, in one query."""
    booked = (Rsvp.status == RsvpStatus.GOING) & ~_is_member_walk_in(event)
    came = Rsvp.checked_in_at.is_not(None)
    walk_ins = select(func.count(WalkIn.id)).where(WalkIn.event_id == event.id)
    statement = select(
        func.count(Rsvp.id).filter(booked),
        func.count(Rsvp.id).filter(booked, came),
        walk_ins.scalar_subquery(),
    ).where(Rsvp.event_id == event.id)
    going, going_came, walked_in = db.session.execute(statement).one()
    return Attendance(going=going, checked_in=going_came, walk_ins=walked_in, expected=going + walked_in)


# Checking people in


def _check_open(event: Event, now: datetime) -> None:
    reason = closed_reason(event, now)
    if reason:
        raise CheckInError(reason)


def _current(rsvp: Rsvp) -> Rsvp:
    """The RSVP as it is now, read after the lock: the job that passes lapsed offers on may have moved it."""
    statement = select(Rsvp).where(Rsvp.id == rsvp.id).execution_options(populate_existing=True)
    return db.session.execute(statement).scalar_one()


def _member_rsvp(event: Event, user_id: int) -> Rsvp | None:
    statement = (
        select(Rsvp)
        .where(Rsvp.event_id == event.id, Rsvp.user_id == user_id)
        .execution_options(populate_existing=True)
    )
    return db.session.scalar(statement)


def _no_seat(event: Event, rsvp: Rsvp, now: datetime) -> str | None:
    """Why this RSVP holds no seat to check in at `now`, for the organiser; None when it does."""
    name = rsvp.user.display_name
    if rsvp.status == RsvpStatus.GOING or (rsvp.status == RsvpStatus.OFFERED and now < rsvp.offer_expires_at):
        return None
    if rsvp.status in (RsvpStatus.OFFERED, RsvpStatus.EXPIRED) and rsvp.offer_expires_at is not None:
        return (
            f"The seat offered to {name} ran out unclaimed at {_moment(event, rsvp.offer_expires_at)}: "
            "add them as a walk-in if they are staying."
        )
    return f"{name} has no seat for this event: add them as a walk-in if they are staying."


def _tick(rsvp: Rsvp, actor: User, now: datetime) -> None:
    """Check in a seat that is theirs; run under the event's lock, as it may claim an offer."""
    if rsvp.status == RsvpStatus.OFFERED:
        # They hold the seat and are at the door: that is as good as claiming it.
        rsvp.status = RsvpStatus.GOING
        rsvp.offer_expires_at = None
    if rsvp.checked_in_at is None:
        rsvp.checked_in_at = now
        rsvp.checked_in_by_id = actor.id


@dataclass(frozen=True)
class CheckInOutcome(Outcome):
    """What ticking someone in (or undoing it) did: whether they are checked in now, whether this changed
    it (a second tap does not), and whether it claimed the seat offered to them."""

    rsvp: Rsvp
    checked_in: bool
    changed: bool
    claimed_offer: bool = False


def check_in(rsvp: Rsvp, *, actor: User, now: datetime | None = None) -> CheckInOutcome:
    """Tick someone with a seat in; doing it again keeps the first time.

    Checking in an offered seat claims it, so this takes the event's lock and reads the RSVP again after
    it, like every seat change: the offer may have run out and passed on since the page was loaded.
    """
    event = lock_event(rsvp.event_id)
    rsvp = _current(rsvp)
    now = now or utcnow()
    _check_open(event, now)
    problem = _no_seat(event, rsvp, now)
    if problem:
        raise CheckInError(problem)
    was_in, was_offered = rsvp.checked_in_at is not None, rsvp.is_offered
    _tick(rsvp, actor, now)
    db.session.flush()
    return CheckInOutcome(rsvp, checked_in=True, changed=not was_in, claimed_offer=was_offered)


def undo_check_in(rsvp: Rsvp, *, actor: User, now: datetime | None = None) -> CheckInOutcome:
    """Take back a check-in made by mistake; they keep their seat."""
    event = lock_event(rsvp.event_id)
    rsvp = _current(rsvp)
    _check_open(event, now or utcnow())
    was_in = rsvp.checked_in_at is not None
    rsvp.checked_in_at = None
    rsvp.checked_in_by_id = None
    db.session.flush()
    return CheckInOutcome(rsvp, checked_in=False, changed=was_in)


@dataclass(frozen=True)
class WalkInResult(Outcome):
    """What adding a walk-in did: the walk-in on the list, and whether it is new or was there already."""

    walk_in: WalkIn
    is_new: bool


# The kind of the email telling a member they were checked in as a walk-in. Like account email it cannot
# be stopped (email_kinds.KINDS gives it no setting): it tells the member that someone used their address
# at an evening, and a member who turned it off could be checked in without ever knowing.
CHECKED_IN_KIND = EmailKind.CHECKED_IN_AT_DOOR


def _walk_in_with_email(event: Event, email: str) -> WalkIn | None:
    statement = (
        select(WalkIn)
        .where(WalkIn.event_id == event.id, WalkIn.email == email)
        .order_by(WalkIn.id)
        .limit(1)
        .execution_options(populate_existing=True)
    )
    return db.session.scalar(statement)


def add_walk_in(
    event: Event, name: str, email: str = "", *, actor: User, now: datetime | None = None
) -> WalkInResult:
    """Check in someone who came without a seat booked, under the name (and email) the organiser typed.

    The organiser sees the same whether or not the email belongs to an account: a walk-in with the name
    they typed, counted as a walk-in. When it is a member's address the walk-in is linked to them (once per
    event) and they are emailed that this organiser checked them in. A walk-in takes no seat: the member's
    RSVP stays as they left it, so a full event is not overbooked and neither the waitlist nor who is going
    changes (which would also tell the organiser that the address has an account). A seat the member does
    hold (going, or an offer still open) is checked in with the walk-in. An email already among this
    event's walk-ins is the same person: that walk-in is returned, not a second one.
    """
    name = " ".join((name or "").split())
    email = (email or "").strip().lower()
    if not name:
        raise CheckInError("Please give the person's name.", field="name")
    now = now or utcnow()
    user = db.session.scalar(select(User).where(User.email == email)) if email else None
    if user is not None:
        # A seat of theirs may be checked in (an offer claimed): the lock every seat change takes.
        event = lock_event(event.id)
    _check_open(event, now)
    existing = _walk_in_with_email(event, email) if email else None
    if existing is not None:
        return WalkInResult(existing, is_new=False)

    walk_in = WalkIn(
        event_id=event.id,
        name=name,
        email=email,
        user_id=user.id if user else None,
        checked_in_at=now,
        added_by_id=actor.id,
    )
    if user is None:
        db.session.add(walk_in)
        db.session.flush()
        return WalkInResult(walk_in, is_new=True)
    try:
        # A savepoint, so that a duplicate undoes only this insert and not the caller's transaction.
        with db.session.begin_nested():
            db.session.add(walk_in)
    except IntegrityError:
        # The unique (event_id, user_id): someone added this member at the same moment, and won.
        statement = (
            select(WalkIn)
            .where(WalkIn.event_id == event.id, WalkIn.user_id == user.id)
            .execution_options(populate_existing=True)
        )
        first = db.session.scalar(statement)
        if first is None:
            raise
        return WalkInResult(first, is_new=False)
    rsvp = _member_rsvp(event, user.id)
    has_seat = rsvp is not None and _no_seat(event, rsvp, now) is None
    if has_seat:
        _tick(rsvp, actor, now)
    _tell_member(walk_in, user, event, actor, seat_checked_in=has_seat)
    db.session.flush()
    return WalkInResult(walk_in, is_new=True)


def _tell_member(walk_in: WalkIn, user: User, event: Event, actor: User, *, seat_checked_in: bool) -> None:
    """Email a member that an organiser checked them in as a walk-in: it was done in their name."""
    queue_email(
        to=user.email,
        subject=f"You were checked in: {' '.join(event.title.split())}",
        kind=CHECKED_IN_KIND,
        user_id=user.id,
        user=user,
        event=event,
        organiser=actor,
        walk_in=walk_in,
        seat_checked_in=seat_checked_in,
        event_url=public_url("events.detail", event_id=event.id),
        site_name=current_app.config["SITE_NAME"],
    )


def remove_walk_in(walk_in: WalkIn, *, actor: User, now: datetime | None = None) -> None:
    """Take back a walk-in added by mistake, with the check-in of a member's seat that it made."""
    _check_open(walk_in.event, now or utcnow())
    if walk_in.user_id is not None:
        rsvp = _member_rsvp(walk_in.event, walk_in.user_id)
        # Only a check-in this walk-in made (the same moment): one made at the door before it stays.
        if rsvp is not None and rsvp.checked_in_at == walk_in.checked_in_at:
            rsvp.checked_in_at = None
            rsvp.checked_in_by_id = None
    db.session.delete(walk_in)
    db.session.flush()


# Finding tickets


def rsvp_by_ticket(event: Event, ticket_code: str) -> Rsvp | None:
    """The RSVP whose ticket this is, for this event only: another event's ticket is not found."""
    return db.session.scalar(
        select(Rsvp)
        .where(Rsvp.event_id == event.id, Rsvp.ticket_code == ticket_code)
        .options(joinedload(Rsvp.user))
    )


def rsvp_of(event: Event, rsvp_id: int) -> Rsvp | None:
    return db.session.scalar(
        select(Rsvp).where(Rsvp.event_id == event.id, Rsvp.id == rsvp_id).options(joinedload(Rsvp.user))
    )


def walk_in_of(event: Event, walk_in_id: int) -> WalkIn | None:
    return db.session.scalar(select(WalkIn).where(WalkIn.event_id == event.id, WalkIn.id == walk_in_id))


# The attendee list, for export


@dataclass
class AttendeeRow:
    name: str
    email: str
    status: str
    waitlist_position: int | None
    responded_at: datetime | None
    checked_in_at: datetime | None
    is_walk_in: bool


def attendee_rows(event: Event) -> list[AttendeeRow]:
    """Everyone who asked to come, and every walk-in, for the organisers' export. Two queries.

    Walk-ins are listed with the name and email the organiser typed; someone going who was also added as a
    walk-in is one line, the walk-in's, as on the check-in page.
    """
    statement = (
        select(Rsvp)
        .where(
            Rsvp.event_id == event.id,
            Rsvp.status.in_(ASKED_TO_COME),
            or_(Rsvp.status != RsvpStatus.GOING, ~_is_member_walk_in(event)),
        )
        .options(joinedload(Rsvp.user))
    )
    answers = list(db.session.scalars(statement))
    # Positions in line, worked out here rather than with a query per person.
    line = sorted(
        (rsvp for rsvp in answers if rsvp.status == RsvpStatus.WAITLISTED),
        key=lambda rsvp: (rsvp.waitlisted_at, rsvp.id),
    )
    positions = {rsvp.id: number for number, rsvp in enumerate(line, start=1)}
    rows = [
        AttendeeRow(
            name=rsvp.user.display_name,
            # A former member is no one to contact: their row stays, for the count, without an address.
            email="" if rsvp.user.is_deleted else rsvp.user.email,
            status=rsvp.status,
            waitlist_position=positions.get(rsvp.id),
            responded_at=rsvp.responded_at,
            checked_in_at=rsvp.checked_in_at,
            is_walk_in=False,
        )
        for rsvp in answers
    ]
    walk_ins = select(WalkIn).where(WalkIn.event_id == event.id)
    rows += [
        AttendeeRow(w.name, w.email, "walk-in", None, None, w.checked_in_at, True)
        for w in db.session.scalars(walk_ins)
    ]
    order = {status: n for n, status in enumerate((*ASKED_TO_COME, "walk-in"))}
    return sorted(rows, key=lambda row: (order[row.status], row.waitlist_position or 0, row.name.casefold()))


CSV_HEADER = (
    "Name",
    "Email",
    "Status",
    "Waitlist position",
    "RSVP time",
    "Checked in at",
    "Walk-in",
)
CSV_STATUS_LABELS = {
    RsvpStatus.GOING: "going",
    RsvpStatus.OFFERED: "offered a seat",
    RsvpStatus.WAITLISTED: "waitlisted",
    RsvpStatus.PENDING: "awaiting approval",
    "walk-in": "walk-in",
}
# A spreadsheet runs a cell that starts with one of these as a formula: a name like "=HYPERLINK(...)"
# typed into a form must arrive as text. Tab and carriage return start formulas in some programs too.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: str) -> str:
    """The cell as text that no spreadsheet will run as a formula: a leading ' where needed."""
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value


def attendees_csv(event: Event, rows: list[AttendeeRow]) -> str:
    """The attendee list as CSV, times in the event's own zone.

    Organisers see the email addresses of people who asked to come to their event: by RSVPing, people
    share their details with the organisers who will meet them at the door.
    """
    buffer = io.StringIO()
    # The byte order mark tells Excel the file is UTF-8, so that names with accents survive.
    buffer.write("\ufeff")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    tz = event.tz
    for row in rows:
        cells = (
            row.name,
            row.email,
            CSV_STATUS_LABELS.get(row.status, row.status),
            "" if row.waitlist_position is None else str(row.waitlist_position),
            row.responded_at.astimezone(tz).strftime("%Y-%m-%d %H:%M") if row.responded_at else "",
            row.checked_in_at.astimezone(tz).strftime("%Y-%m-%d %H:%M") if row.checked_in_at else "",
            "yes" if row.is_walk_in else "no",
        )
        writer.writerow([spreadsheet_safe(cell) for cell in cells])
    return buffer.getvalue()


def csv_filename(event: Event) -> str:
    """'birmingham-2026-05-07-attendees.csv': the chapter and the event's local date, safe in a header."""
    day = event.local_starts_at.strftime("%Y-%m-%d")
    slug = re.sub(r"[^a-z0-9-]+", "-", event.chapter.slug.lower()).strip("-") or "event"
    return f"{slug}-{day}-attendees.csv"


# Tickets


def ticket_url(rsvp: Rsvp) -> str:
    """The absolute address a ticket's QR code holds: the organisers' confirm page for this ticket."""
    return public_url("events.scan_ticket", event_id=rsvp.event_id, ticket_code=rsvp.ticket_code)


def qr_code_uri(data: str) -> str:
    """A QR code of `data` as an SVG data: URI for an <img>, dark on white with the quiet zone around it."""
    return segno.make(data, error="m").svg_data_uri(scale=6, dark="#1d2330", light="#ffffff")
