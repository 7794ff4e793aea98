"""RSVPs and waitlists: who has a seat, who is in line, and how a freed seat moves on, safely under load.

Every function that changes seats first locks the event (lock_event) and only then reads counts, so that
two requests at the same moment are served one after the other: capacity is never exceeded and nobody is
promoted twice. Functions change objects and flush; the caller commits once, and they return what happened
(RsvpOutcome). A rule that says no raises RsvpError with a message written for the person to read.
Permissions are checked by the caller.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Executable, and_, bindparam, func, or_, select, true, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import joinedload, selectinload

from flashmob import notifications
from flashmob.email_kinds import EmailKind, EmailSetting, setting_for
from flashmob.errors import RuleError
from flashmob.events.models import (
    ASKED_TO_COME,
    SEAT_HOLDING_STATUSES,
    WAITING_STATUSES,
    Event,
    Rsvp,
    RsvpStatus,
)
from flashmob.events.rsvps import emails as rsvp_emails
from flashmob.extensions import db
from flashmob.members.models import User
from flashmob.outbox import OutboxMessage, queue_message
from flashmob.results import Outcome
from flashmob.types import utcnow


class RsvpError(RuleError):
    """A rule stopped the change; the message says why, for the member or organiser."""


@dataclass(frozen=True)
class RsvpOutcome(Outcome):
    """What an RSVP change did, for the view to word and an API to return.

    `previous` is the person's status before (None: they had not answered), `status` the one now, and
    `changed` whether this call changed anything (saying going twice does not). `position` is their place
    in line when waitlisted; `emailed` whether an email to them was queued (not when they stopped RSVP
    email). `capacity` is the event's after the change, `seat_added` whether an organiser added a seat for
    them, and `seated` whoever else got a seat or an offer because of it.
    """

    rsvp: Rsvp
    previous: RsvpStatus | None
    status: RsvpStatus
    changed: bool
    emailed: bool = False
    position: int | None = None
    capacity: int | None = None
    seat_added: bool = False
    seated: tuple[Rsvp, ...] = ()


@dataclass(frozen=True)
class CapacityChange(Outcome):
    """What changing an event's number of seats did: the capacity before and after (None: no limit), and
    who got a seat or an offer from the new seats."""

    event: Event
    previous: int | None
    capacity: int | None
    seated: tuple[Rsvp, ...] = ()


def _outcome(
    event: Event,
    rsvp: Rsvp,
    previous: RsvpStatus | None,
    *,
    emailed: bool = False,
    seated: list[Rsvp] | tuple[Rsvp, ...] = (),
    seat_added: bool = False,
    position: int | None = None,
) -> RsvpOutcome:
    return RsvpOutcome(
        rsvp=rsvp,
        previous=previous,
        status=rsvp.status,
        changed=previous != rsvp.status or seat_added,
        emailed=emailed,
        position=position if position is not None else waitlist_position(rsvp),
        capacity=event.capacity,
        seat_added=seat_added,
        seated=tuple(seated),
    )


def _told(message: OutboxMessage | None) -> bool:
    """Whether notify() queued the email (it does not for someone who stopped RSVP email)."""
    return message is not None


# Locking and reading


def lock_event(event_id: int) -> Event:
    """Make this transaction the only one changing the event's RSVPs until it ends; return the event, fresh.

    PostgreSQL: SELECT ... FOR UPDATE on the event row. A second transaction asking for the same row waits
    until the first commits, and then (READ COMMITTED) every later statement sees what the first wrote.

    SQLite has no row locks; its unit is the whole database's write lock. Python's sqlite3 driver opens a
    transaction (a deferred BEGIN) only before the first INSERT/UPDATE/DELETE, so plain SELECTs before it
    hold no snapshot. We make a no-op UPDATE of the event row, returning it, the first write: SQLite then
    takes the write lock before anything is counted, waiting for other writers under busy_timeout (set in
    create_app), and because the statement starts the transaction SQLite retries it from a fresh snapshot
    instead of failing with SQLITE_BUSY_SNAPSHOT. From then until commit no one else can write, so the
    counts we read stay true. If the transaction already wrote something, it already holds the write lock,
    which is as good.
    (If the engine is ever set to emit its own BEGIN for SQLite, make it BEGIN IMMEDIATE, or a read before
    this point would pin an old snapshot and the UPDATE would fail with "database is locked".)
    """
    statements = _statements(db.session.get_bind().dialect.name)
    event = db.session.execute(statements.lock, {"event_id": event_id}).scalar_one_or_none()
    if event is None:
        raise RsvpError("That event no longer exists.")
    return event


@dataclass(frozen=True)
class Seats:
    """The counts a seat decision needs, read under the lock: seats held (going, or offered and not yet
    claimed) and people in line."""

    taken: int
    waiting: int


def _answer_and_seats(event: Event, user: User) -> tuple[Rsvp | None, Seats]:
    """This person's RSVP, if any, and the event's seat counts, in one query: run it right after
    lock_event(), never in the same statement (on PostgreSQL a statement that waited for the lock reads
    other tables as they were before it waited)."""
    statement = _statements(db.session.get_bind().dialect.name).answer_and_seats
    taken, waiting, rsvp = db.session.execute(statement, {"event_id": event.id, "user_id": user.id}).one()
    return rsvp, Seats(taken=taken or 0, waiting=waiting or 0)


@dataclass(frozen=True)
class _Statements:
    """The statements a member's RSVP runs under the lock, built once with bound parameters rather than
    on every call: building one costs a quarter of a millisecond of Python, and every other change to the
    event waits for it."""

    lock: Executable
    answer_and_seats: Executable
    insert: Executable


@functools.cache
def _statements(dialect_name: str) -> _Statements:
    event_id, user_id = bindparam("event_id"), bindparam("user_id")
    if dialect_name == "sqlite":
        # The write lock and the fresh row in one statement (RETURNING, SQLite 3.35 and later).
        lock = update(Event).where(Event.id == event_id).values(id=Event.id).returning(Event)
    else:
        lock = select(Event).where(Event.id == event_id).with_for_update()
    counts = (
        select(
            func.count(Rsvp.id).filter(Rsvp.status.in_(SEAT_HOLDING_STATUSES)).label("taken"),
            func.count(Rsvp.id).filter(Rsvp.status == RsvpStatus.WAITLISTED).label("waiting"),
        )
        .where(Rsvp.event_id == event_id)
        .subquery()
    )
    answer_and_seats = (
        select(counts.c.taken, counts.c.waiting, Rsvp)
        .select_from(counts)
        .outerjoin(Rsvp, and_(Rsvp.event_id == event_id, Rsvp.user_id == user_id))
    )
    dialect = postgresql if dialect_name == "postgresql" else sqlite
    insert = (
        dialect.insert(Rsvp)
        .values(
            event_id=event_id, user_id=user_id, status=bindparam("status"),
            responded_at=bindparam("responded_at"), waitlisted_at=bindparam("waitlisted_at"),
        )
        .on_conflict_do_nothing(index_elements=[Rsvp.event_id, Rsvp.user_id])
        .returning(Rsvp)
    )
    fresh = {"populate_existing": True}
    return _Statements(
        lock=lock.execution_options(**fresh),
        answer_and_seats=answer_and_seats.execution_options(**fresh),
        insert=insert.execution_options(**fresh),
    )


def _reload(rsvp: Rsvp) -> Rsvp:
    """The RSVP as it is now, after the lock: another request may have changed it meanwhile."""
    statement = select(Rsvp).where(Rsvp.id == rsvp.id).execution_options(populate_existing=True)
    return db.session.execute(statement).scalar_one()


def rsvp_for(event: Event, user: User) -> Rsvp | None:
    """This person's RSVP to the event, if they have answered."""
    statement = (
        select(Rsvp)
        .where(Rsvp.event_id == event.id, Rsvp.user_id == user.id)
        .execution_options(populate_existing=True)
    )
    return db.session.execute(statement).scalar_one_or_none()


def seats_taken(event: Event) -> int:
    """Seats held: people going, and seats offered and not yet claimed."""
    statement = select(func.count(Rsvp.id)).where(
        Rsvp.event_id == event.id, Rsvp.status.in_(SEAT_HOLDING_STATUSES)
    )
    return db.session.scalar(statement) or 0


def free_seats(event: Event) -> int | None:
    """How many seats nobody holds; None when the event has no limit."""
    return event.seats_left(seats_taken(event))


def _line_order():
    return (Rsvp.waitlisted_at, Rsvp.id)


def waitlist(event: Event) -> list[Rsvp]:
    """The people in line, first first, with their accounts loaded; a person's position is index + 1."""
    statement = (
        select(Rsvp)
        .where(Rsvp.event_id == event.id, Rsvp.status == RsvpStatus.WAITLISTED)
        .order_by(*_line_order())
        .options(selectinload(Rsvp.user))
    )
    return list(db.session.scalars(statement))


def waitlist_position(rsvp: Rsvp) -> int | None:
    """1 for the first in line; None for someone not in line.

    People holding an offer are not counted: they hold a seat, and the next seat freed goes to position 1.
    """
    if rsvp.status != RsvpStatus.WAITLISTED:
        return None
    ahead = select(func.count(Rsvp.id)).where(
        Rsvp.event_id == rsvp.event_id,
        Rsvp.status == RsvpStatus.WAITLISTED,
        or_(
            Rsvp.waitlisted_at < rsvp.waitlisted_at,
            (Rsvp.waitlisted_at == rsvp.waitlisted_at) & (Rsvp.id < rsvp.id),
        ),
    )
    return (db.session.scalar(ahead) or 0) + 1


def _anyone_waiting(event: Event) -> bool:
    statement = (
        select(Rsvp.id).where(Rsvp.event_id == event.id, Rsvp.status == RsvpStatus.WAITLISTED).limit(1)
    )
    return db.session.scalar(statement) is not None


def _seat_for_newcomer(event: Event, seats: Seats | None = None) -> bool:
    """A free seat that nobody in line is owed (from `seats` when they were read under the lock)."""
    if seats is not None:
        free = event.seats_left(seats.taken)
        return (free is None or free > 0) and not seats.waiting
    free = free_seats(event)
    return (free is None or free > 0) and not _anyone_waiting(event)


def rsvps_closed_reason(event: Event, now: datetime) -> str | None:
    """Why the event takes no answers at `now`, or None while it does: the one rule the RSVP actions
    follow and the event page's "Are you going?" panel shows (queries.RsvpPanel.closed_reason)."""
    if event.is_draft:
        return "This event is not open for RSVPs yet: they open when it is published."
    if event.is_cancelled:
        return "This event has been cancelled. RSVPs are closed."
    if event.date_tbc:
        return "RSVPs open once the date is set."
    if event.has_ended_by(now):
        return "This event has taken place."
    if event.has_started_by(now):
        return "RSVPs closed when the event started."
    return None


def _check_open(event: Event, now: datetime) -> None:
    reason = rsvps_closed_reason(event, now)
    if reason:
        raise RsvpError(reason)


# What members do


def rsvp_going(event: Event, user: User, *, now: datetime | None = None) -> RsvpOutcome:
    """Say going: a seat if one is free, else a place in line, or a request where organisers approve.

    Saying it again changes nothing and returns the RSVP as it is; someone holding an offer claims it.
    Under the event's lock it runs as few statements as it can (every other change to the event waits for
    them): for a seat, the lock, one read of the person's answer and the counts, the RSVP's insert or
    update, and the email's insert (tests/events/test_rsvp_lock_statements.py counts them).
    """
    stops = _stopped_settings(user)  # before the lock: nothing under it depends on it
    event = lock_event(event.id)
    now = now or utcnow()  # after the lock, so that the line is in the order people got it
    _check_open(event, now)
    rsvp, seats = _answer_and_seats(event, user)
    previous = rsvp.status if rsvp is not None else None
    if rsvp is not None:
        if rsvp.status in (RsvpStatus.GOING, RsvpStatus.WAITLISTED, RsvpStatus.PENDING):
            return _outcome(event, rsvp, previous)
        if rsvp.status == RsvpStatus.OFFERED:
            return _claim(event, rsvp, now, stops=stops)
        if rsvp.status == RsvpStatus.REMOVED:
            raise RsvpError(
                "An organiser has taken you off this event. Please talk to them if you think it is a mistake."
            )
        if rsvp.status == RsvpStatus.DECLINED:
            raise RsvpError("The organisers could not accept your request for this event.")

    if event.requires_approval:
        status = RsvpStatus.PENDING
    elif _seat_for_newcomer(event, seats):
        status = RsvpStatus.GOING
    else:
        status = RsvpStatus.WAITLISTED
    waitlisted_at = now if status == RsvpStatus.WAITLISTED else None

    if rsvp is None:
        rsvp, created = _insert(event, user, status, now, waitlisted_at=waitlisted_at)
        if not created:
            # A double submit that got past the lock: the first one did it, this one changes nothing.
            return _outcome(event, rsvp, rsvp.status)
    else:
        rsvp.status = status
        rsvp.responded_at = now
        rsvp.waitlisted_at = waitlisted_at
        rsvp.offered_at = rsvp.offer_expires_at = None

    seated: list[Rsvp] = []
    position = None
    if status == RsvpStatus.GOING:
        emailed = _told(notify(rsvp, EmailKind.RSVP_CONFIRMED, "You have a seat", stops=stops))
    elif status == RsvpStatus.PENDING:
        emailed = _told(
            notify(rsvp, EmailKind.RSVP_PENDING, "Your request is with the organisers", stops=stops)
        )
    else:
        position = waitlist_position(rsvp)
        emailed = _told(notify(
            rsvp, EmailKind.RSVP_WAITLISTED, "You are on the waitlist", stops=stops, position=position
        ))
        # Only matters if seats were freed without being passed on (say, capacity changed elsewhere).
        seated = _fill_free_seats(event, now, Seats(taken=seats.taken, waiting=seats.waiting + 1))
    return _outcome(event, rsvp, previous, emailed=emailed, seated=seated, position=position)


def rsvp_not_going(event: Event, user: User, *, now: datetime | None = None) -> RsvpOutcome:
    """Say not going: give up a seat, an offer, a place in line or a request; a freed seat moves on."""
    stops = _stopped_settings(user)
    event = lock_event(event.id)
    now = now or utcnow()
    _check_open(event, now)
    rsvp, seats = _answer_and_seats(event, user)
    if rsvp is None:
        rsvp, created = _insert(event, user, RsvpStatus.NOT_GOING, now)
        return _outcome(event, rsvp, None if created else rsvp.status)
    previous = rsvp.status
    if previous in (RsvpStatus.NOT_GOING, RsvpStatus.REMOVED, RsvpStatus.DECLINED):
        return _outcome(event, rsvp, previous)
    rsvp.responded_at = now  # before _leave, so that the row is written once
    seated = _leave(event, rsvp, RsvpStatus.NOT_GOING, now, seats)
    emailed = False
    if previous == RsvpStatus.GOING:
        # Their seat brought an invitation into their calendar: this email's METHOD:CANCEL takes it out.
        emailed = _told(notify(rsvp, EmailKind.RSVP_NOT_GOING, "You're no longer going", stops=stops))
    return _outcome(event, rsvp, previous, emailed=emailed, seated=seated)


def claim_offer(rsvp: Rsvp, *, now: datetime | None = None) -> RsvpOutcome:
    """Take the seat offered, while the offer lasts."""
    event = lock_event(rsvp.event_id)
    rsvp = _reload(rsvp)
    now = now or utcnow()
    if rsvp.status == RsvpStatus.GOING:
        return _outcome(event, rsvp, rsvp.status)
    if rsvp.status != RsvpStatus.OFFERED:
        raise RsvpError("This offer is no longer open.")
    _check_open(event, now)
    return _claim(event, rsvp, now)


def decline_offer(rsvp: Rsvp, *, now: datetime | None = None) -> RsvpOutcome:
    """Turn down the seat offered; it goes to the next in line at once."""
    event = lock_event(rsvp.event_id)
    rsvp = _reload(rsvp)
    now = now or utcnow()
    previous = rsvp.status
    if previous in (RsvpStatus.NOT_GOING, RsvpStatus.EXPIRED):
        return _outcome(event, rsvp, previous)
    if previous != RsvpStatus.OFFERED:
        raise RsvpError("This offer is no longer open.")
    rsvp.responded_at = now
    seated = _leave(event, rsvp, RsvpStatus.NOT_GOING, now)
    return _outcome(event, rsvp, previous, seated=seated)


# What organisers do


def approve_request(rsvp: Rsvp, *, actor: User, now: datetime | None = None) -> RsvpOutcome:
    """Accept a request: a seat if one is free, else a place at the end of the line."""
    event = lock_event(rsvp.event_id)
    rsvp = _reload(rsvp)
    now = now or utcnow()
    previous = rsvp.status
    if previous in (RsvpStatus.GOING, RsvpStatus.WAITLISTED, RsvpStatus.OFFERED):
        return _outcome(event, rsvp, previous)
    if previous != RsvpStatus.PENDING:
        raise RsvpError(f"{rsvp.user.display_name} has no request waiting.")
    _check_open(event, now)
    seat = _seat_for_newcomer(event)
    rsvp.status = RsvpStatus.GOING if seat else RsvpStatus.WAITLISTED
    rsvp.waitlisted_at = None if seat else now
    rsvp.decided_by_id = actor.id
    rsvp.decided_at = now
    db.session.flush()
    position = waitlist_position(rsvp)
    emailed = _told(notify(rsvp, EmailKind.RSVP_APPROVED, "Your request was accepted", position=position))
    return _outcome(event, rsvp, previous, emailed=emailed)


def decline_request(rsvp: Rsvp, *, actor: User, now: datetime | None = None) -> RsvpOutcome:
    """Turn a request down."""
    event = lock_event(rsvp.event_id)
    rsvp = _reload(rsvp)
    now = now or utcnow()
    previous = rsvp.status
    if previous == RsvpStatus.DECLINED:
        return _outcome(event, rsvp, previous)
    if previous != RsvpStatus.PENDING:
        raise RsvpError(f"{rsvp.user.display_name} has no request waiting.")
    rsvp.status = RsvpStatus.DECLINED
    rsvp.decided_by_id = actor.id
    rsvp.decided_at = now
    db.session.flush()
    emailed = _told(notify(rsvp, EmailKind.RSVP_DECLINED, "Your request was not accepted"))
    return _outcome(event, rsvp, previous, emailed=emailed)


def remove_attendee(rsvp: Rsvp, *, actor: User, now: datetime | None = None) -> RsvpOutcome:
    """Take someone off the event (and keep them off); a seat they held moves on."""
    event = lock_event(rsvp.event_id)
    rsvp = _reload(rsvp)
    now = now or utcnow()
    previous = rsvp.status
    if previous == RsvpStatus.REMOVED:
        return _outcome(event, rsvp, previous)
    rsvp.decided_by_id = actor.id
    rsvp.decided_at = now
    seated = _leave(event, rsvp, RsvpStatus.REMOVED, now)
    emailed = False
    if previous in ASKED_TO_COME and now < event.starts_at:
        emailed = _told(notify(rsvp, EmailKind.RSVP_REMOVED, "You are no longer on the list"))
    return _outcome(event, rsvp, previous, emailed=emailed, seated=seated)


def promote_by_hand(
    rsvp: Rsvp, *, actor: User, raise_capacity: bool = False, now: datetime | None = None
) -> RsvpOutcome:
    """Give someone waiting a seat, ahead of the line: only into a free seat, or by adding one seat."""
    event = lock_event(rsvp.event_id)
    rsvp = _reload(rsvp)
    now = now or utcnow()
    name = rsvp.user.display_name
    previous = rsvp.status
    if previous == RsvpStatus.GOING:
        return _outcome(event, rsvp, previous)
    if previous not in WAITING_STATUSES:
        raise RsvpError(f"{name} is not waiting for a seat.")
    _check_open(event, now)
    seat_added = False
    if previous != RsvpStatus.OFFERED and free_seats(event) == 0:  # an offer already holds its seat
        if not raise_capacity:
            raise RsvpError(f"Every seat is taken: add a seat to give {name} one ahead of the line.")
        event.capacity += 1
        seat_added = True
    _give_seat(rsvp, now)
    rsvp.decided_by_id = actor.id
    rsvp.decided_at = now
    db.session.flush()
    emailed = _told(notify(rsvp, EmailKind.RSVP_PROMOTED, "A seat is yours"))
    return _outcome(event, rsvp, previous, emailed=emailed, seat_added=seat_added)


def set_capacity(
    event: Event, capacity: int | None, *, actor: User, now: datetime | None = None
) -> CapacityChange:
    """Change how many seats there are (None: no limit); new seats go to the line at once.

    Refuses to go below the seats already held.
    """
    event = lock_event(event.id)
    now = now or utcnow()
    if capacity is not None and capacity < 1:
        raise RsvpError("Capacity must be at least 1, or left empty for no limit.")
    taken = seats_taken(event)
    if capacity is not None and capacity < taken:
        raise RsvpError(
            f"{taken} seats are already taken or offered: choose at least {taken}, "
            "or remove attendees first."
        )
    previous = event.capacity
    event.capacity = capacity
    db.session.flush()
    seated = _fill_free_seats(event, now)
    return CapacityChange(event=event, previous=previous, capacity=capacity, seated=tuple(seated))


# The periodic job


def expire_offers(now: datetime | None = None) -> list[Rsvp]:
    """Pass on every offer that ran out unclaimed, to the next in line. Returns the lapsed RSVPs.

    Meant for a job every few minutes; the caller commits. Events are locked in id order, so that two
    runs at once, or a run and a request, cannot deadlock.
    """
    now = now or utcnow()
    lapsing = (Rsvp.status == RsvpStatus.OFFERED, Rsvp.offer_expires_at <= now)
    due = select(Rsvp.event_id).where(*lapsing).distinct()
    lapsed: list[Rsvp] = []
    for event_id in sorted(db.session.scalars(due)):
        event = lock_event(event_id)
        statement = (
            select(Rsvp)
            .where(Rsvp.event_id == event_id, *lapsing)
            .options(selectinload(Rsvp.user))
            .execution_options(populate_existing=True)
        )
        expired = list(db.session.scalars(statement))
        for rsvp in expired:
            rsvp.status = RsvpStatus.EXPIRED
        db.session.flush()
        if now < event.starts_at:
            for rsvp in expired:
                notify(rsvp, EmailKind.RSVP_OFFER_EXPIRED, "Your offered seat has passed on")
            _fill_free_seats(event, now)
        lapsed.extend(expired)
    return lapsed


# Moving people between states


def _insert(
    event: Event, user: User, status: RsvpStatus, now: datetime, *, waitlisted_at: datetime | None = None
) -> tuple[Rsvp, bool]:
    """A new RSVP, in one statement; if one for this person appeared meanwhile, that one (and False).

    INSERT ... ON CONFLICT DO NOTHING on the unique (event_id, user_id): a duplicate (a double submit that
    got past the lock) inserts nothing and leaves the transaction whole, without a savepoint's round trips.
    """
    statement = _statements(db.session.get_bind().dialect.name).insert
    values = {
        "event_id": event.id, "user_id": user.id, "status": status, "responded_at": now,
        "waitlisted_at": waitlisted_at,
    }
    rsvp = db.session.execute(statement, values).scalar_one_or_none()
    if rsvp is not None:
        return rsvp, True
    existing = rsvp_for(event, user)
    if existing is None:  # gone again already: cannot happen under the lock, but never return nothing
        raise RsvpError("Your answer could not be saved. Please try again.")
    return existing, False


def _leave(
    event: Event, rsvp: Rsvp, status: RsvpStatus, now: datetime, seats: Seats | None = None
) -> list[Rsvp]:
    """Move someone out of a seat, an offer, the line or a request; pass on a seat they held.

    `seats`: the counts as read under the lock before the move, if they were. Returns whoever got that
    seat, or an offer of it."""
    had_seat = rsvp.holds_seat
    rsvp.status = status
    rsvp.waitlisted_at = None
    rsvp.offered_at = rsvp.offer_expires_at = None
    if not had_seat:
        db.session.flush()
        return []
    after = Seats(taken=seats.taken - 1, waiting=seats.waiting) if seats is not None else None
    return _fill_free_seats(event, now, after)


def _claim(
    event: Event, rsvp: Rsvp, now: datetime, *, stops: frozenset[EmailSetting] | None = None
) -> RsvpOutcome:
    if now >= rsvp.offer_expires_at:
        local = rsvp.offer_expires_at.astimezone(event.tz).strftime("%H:%M on %a %-d %b")
        raise RsvpError(f"Sorry, this offer ran out at {local}, and the seat has passed on.")
    rsvp.status = RsvpStatus.GOING
    rsvp.offer_expires_at = None
    rsvp.responded_at = now
    db.session.flush()
    emailed = _told(notify(rsvp, EmailKind.RSVP_CONFIRMED, "You have a seat", stops=stops))
    return _outcome(event, rsvp, RsvpStatus.OFFERED, emailed=emailed)


def _give_seat(rsvp: Rsvp, now: datetime) -> None:
    rsvp.status = RsvpStatus.GOING
    rsvp.promoted_at = now
    rsvp.waitlisted_at = None
    rsvp.offered_at = rsvp.offer_expires_at = None


def _fill_free_seats(event: Event, now: datetime, seats: Seats | None = None) -> list[Rsvp]:
    """Hand free seats to the line, first first: given outright, or offered close to the event.

    Must run under lock_event(). `seats`: the counts now, if the caller knows them (read under the lock
    and brought up to date), which saves counting again. Returns the RSVPs that got a seat or an offer.
    """
    if not event.is_published or now >= event.starts_at:
        return []
    if seats is not None and not seats.waiting:
        return []
    free = free_seats(event) if seats is None else event.seats_left(seats.taken)
    if free == 0:
        return []
    offering = event.offers_seats_at(now)
    kind = EmailKind.RSVP_OFFERED if offering else EmailKind.RSVP_PROMOTED
    setting = setting_for(kind)
    # Their accounts (for the address) and whether they stopped this email come with them, in one query.
    wants = notifications.opted_out_clause(Rsvp.user_id, setting) if setting is not None else true()
    statement = (
        select(Rsvp, wants.label("wants"))
        .where(Rsvp.event_id == event.id, Rsvp.status == RsvpStatus.WAITLISTED)
        .order_by(*_line_order())
        .options(joinedload(Rsvp.user))
        .execution_options(populate_existing=True)
    )
    if free is not None:
        statement = statement.limit(free)
    rows = db.session.execute(statement).all()
    moved = [rsvp for rsvp, _ in rows]
    for rsvp in moved:
        if offering:
            rsvp.status = RsvpStatus.OFFERED
            rsvp.offered_at = now
            # Never past the start: the seat is no use after that.
            rsvp.offer_expires_at = min(now + timedelta(hours=event.offer_hold_hours), event.starts_at)
        else:
            _give_seat(rsvp, now)
    for rsvp, wanted in rows:
        stops = frozenset() if wanted or setting is None else frozenset({setting})
        if offering:
            notify(rsvp, kind, "A seat is free for you", stops=stops)
        else:
            notify(rsvp, kind, "A seat is yours", stops=stops)
    return moved


# Telling people


def notify(
    rsvp: Rsvp,
    kind: EmailKind,
    subject: str,
    *,
    stops: frozenset[EmailSetting] | None = None,
    **context,
) -> OutboxMessage | None:
    """Queue the email that tells someone what happened to their RSVP, in the current transaction.

    The one place RSVP mail is queued. It runs under the event's lock, so it only stores the RSVP's id and
    state (rsvp_emails.payload): the mail worker writes the email, and builds the calendar invitation an
    email giving a seat or taking the person off the event carries, when it sends it. `stops`: the email
    settings the person turned off, when the caller read them before taking the lock (None: asked here,
    one more statement under it). None when the person stopped RSVP email, so that the outcome says
    whether we emailed them (RsvpOutcome.emailed).
    """
    setting = setting_for(kind)
    stopped = None if stops is None else setting is not None and setting in stops
    return queue_message(
        EmailKind(kind),
        user_id=rsvp.user_id,
        to=rsvp.user.email,
        payload=rsvp_emails.payload(rsvp, subject, context),
        stopped=stopped,
    )


def _stopped_settings(user: User) -> frozenset[EmailSetting]:
    """The email settings this person turned off: read before the lock, so that notify() need not ask
    under it."""
    return frozenset(notifications.stopped_kinds(user.id))
