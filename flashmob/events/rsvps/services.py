"""RSVPs and waitlists: who has a seat, who is in line, and how a freed seat moves on, safely under load.

Every function that changes seats first locks the event (lock_event) and only then reads counts, so that
two requests at the same moment are served one after the other: capacity is never exceeded and nobody is
promoted twice. Functions change objects and flush; the caller commits once. A rule that says no raises
RsvpError with a message written for the person to read. Permissions are checked by the caller.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from flashmob.email_kinds import EmailKind
from flashmob.events.models import Event, Rsvp
from flashmob.events.rsvps import emails as rsvp_emails
from flashmob.extensions import db
from flashmob.members.models import User
from flashmob.outbox import OutboxMessage, queue_message
from flashmob.types import utcnow


class RsvpError(Exception):
    """A rule stopped the change; the message says why, for the member or organiser."""


# Locking and reading


def lock_event(event_id: int) -> Event:
    """Make this transaction the only one changing the event's RSVPs until it ends; return the event, fresh.

    PostgreSQL: SELECT ... FOR UPDATE on the event row. A second transaction asking for the same row waits
    until the first commits, and then (READ COMMITTED) every later statement sees what the first wrote.

    SQLite has no row locks; its unit is the whole database's write lock. Python's sqlite3 driver opens a
    transaction (a deferred BEGIN) only before the first INSERT/UPDATE/DELETE, so plain SELECTs before it
    hold no snapshot. We make a no-op UPDATE of the event row the first write: SQLite then takes the write
    lock before anything is counted, waiting for other writers under busy_timeout (set in create_app), and
    because the statement starts the transaction SQLite retries it from a fresh snapshot instead of failing
    with SQLITE_BUSY_SNAPSHOT. From then until commit no one else can write, so the counts we read stay
    true. If the transaction already wrote something, it already holds the write lock, which is as good.
    (If the engine is ever set to emit its own BEGIN for SQLite, make it BEGIN IMMEDIATE, or a read before
    this point would pin an old snapshot and the UPDATE would fail with "database is locked".)
    """
    if db.session.get_bind().dialect.name == "sqlite":
        table = Event.__table__
        db.session.execute(update(table).where(table.c.id == event_id).values(id=table.c.id))
    statement = (
        select(Event)
        .where(Event.id == event_id)
        .with_for_update()  # rendered on PostgreSQL; SQLite ignores it and relies on the write lock above
        .execution_options(populate_existing=True)
    )
    event = db.session.execute(statement).scalar_one_or_none()
    if event is None:
        raise RsvpError("That event no longer exists.")
    return event


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
        Rsvp.event_id == event.id, Rsvp.status.in_(Rsvp.SEAT_HOLDING)
    )
    return db.session.scalar(statement) or 0


def free_seats(event: Event) -> int | None:
    """How many seats nobody holds; None when the event has no limit."""
    if event.capacity is None:
        return None
    return max(event.capacity - seats_taken(event), 0)


def rsvp_counts(event: Event) -> dict[str, int]:
    """How many RSVPs are in each status, in one query."""
    statement = (
        select(Rsvp.status, func.count(Rsvp.id)).where(Rsvp.event_id == event.id).group_by(Rsvp.status)
    )
    return {status: count for status, count in db.session.execute(statement)}


def _line_order():
    return (Rsvp.waitlisted_at, Rsvp.id)


def waitlist(event: Event) -> list[Rsvp]:
    """The people in line, first first, with their accounts loaded; a person's position is index + 1."""
    statement = (
        select(Rsvp)
        .where(Rsvp.event_id == event.id, Rsvp.status == Rsvp.WAITLISTED)
        .order_by(*_line_order())
        .options(selectinload(Rsvp.user))
    )
    return list(db.session.scalars(statement))


def waitlist_position(rsvp: Rsvp) -> int | None:
    """1 for the first in line; None for someone not in line.

    People holding an offer are not counted: they hold a seat, and the next seat freed goes to position 1.
    """
    if rsvp.status != Rsvp.WAITLISTED:
        return None
    ahead = select(func.count(Rsvp.id)).where(
        Rsvp.event_id == rsvp.event_id,
        Rsvp.status == Rsvp.WAITLISTED,
        or_(
            Rsvp.waitlisted_at < rsvp.waitlisted_at,
            (Rsvp.waitlisted_at == rsvp.waitlisted_at) & (Rsvp.id < rsvp.id),
        ),
    )
    return (db.session.scalar(ahead) or 0) + 1


def _anyone_waiting(event: Event) -> bool:
    statement = select(Rsvp.id).where(Rsvp.event_id == event.id, Rsvp.status == Rsvp.WAITLISTED).limit(1)
    return db.session.scalar(statement) is not None


def _seat_for_newcomer(event: Event) -> bool:
    """A free seat that nobody in line is owed."""
    free = free_seats(event)
    return (free is None or free > 0) and not _anyone_waiting(event)


def _check_open(event: Event, now: datetime) -> None:
    if event.is_draft:
        raise RsvpError("This event is not open for RSVPs yet.")
    if event.is_cancelled:
        raise RsvpError("This event has been cancelled.")
    if event.date_tbc:
        raise RsvpError("RSVPs open once the date is set.")
    if now >= event.starts_at:
        raise RsvpError("RSVPs closed when the event started.")


# What members do


def rsvp_going(event: Event, user: User, *, now: datetime | None = None) -> Rsvp:
    """Say going: a seat if one is free, else a place in line, or a request where organisers approve.

    Saying it again changes nothing and returns the RSVP as it is; someone holding an offer claims it.
    """
    event = lock_event(event.id)
    now = now or utcnow()
    _check_open(event, now)
    rsvp = rsvp_for(event, user)
    if rsvp is not None:
        if rsvp.status in (Rsvp.GOING, Rsvp.WAITLISTED, Rsvp.PENDING):
            return rsvp
        if rsvp.status == Rsvp.OFFERED:
            return _claim(event, rsvp, now)
        if rsvp.status == Rsvp.REMOVED:
            raise RsvpError(
                "An organiser has taken you off this event. Please talk to them if you think it is a mistake."
            )
        if rsvp.status == Rsvp.DECLINED:
            raise RsvpError("The organisers could not accept your request for this event.")

    if event.requires_approval:
        status = Rsvp.PENDING
    elif _seat_for_newcomer(event):
        status = Rsvp.GOING
    else:
        status = Rsvp.WAITLISTED

    if rsvp is None:
        rsvp, created = _insert(event, user, status, now)
        if not created:
            return rsvp
    rsvp.status = status
    rsvp.responded_at = now
    rsvp.waitlisted_at = now if status == Rsvp.WAITLISTED else None
    rsvp.offered_at = rsvp.offer_expires_at = None
    db.session.flush()

    if status == Rsvp.GOING:
        notify(rsvp, "rsvp_confirmed", "You have a seat")
    elif status == Rsvp.PENDING:
        notify(rsvp, "rsvp_pending", "Your request is with the organisers")
    else:
        notify(rsvp, "rsvp_waitlisted", "You are on the waitlist", position=waitlist_position(rsvp))
        # Only matters if seats were freed without being passed on (say, capacity changed elsewhere).
        _fill_free_seats(event, now)
    return rsvp


def rsvp_not_going(event: Event, user: User, *, now: datetime | None = None) -> Rsvp:
    """Say not going: give up a seat, an offer, a place in line or a request; a freed seat moves on."""
    event = lock_event(event.id)
    now = now or utcnow()
    _check_open(event, now)
    rsvp = rsvp_for(event, user)
    if rsvp is None:
        rsvp, _ = _insert(event, user, Rsvp.NOT_GOING, now)
        return rsvp
    if rsvp.status in (Rsvp.NOT_GOING, Rsvp.REMOVED, Rsvp.DECLINED):
        return rsvp
    had_seat = rsvp.status == Rsvp.GOING
    _leave(event, rsvp, Rsvp.NOT_GOING, now)
    rsvp.responded_at = now
    if had_seat:
        # Their seat brought an invitation into their calendar: this email's METHOD:CANCEL takes it out.
        notify(rsvp, "rsvp_not_going", "You're no longer going")
    return rsvp


def claim_offer(rsvp: Rsvp, *, now: datetime | None = None) -> Rsvp:
    """Take the seat offered, while the offer lasts."""
    event = lock_event(rsvp.event_id)
    rsvp = _reload(rsvp)
    now = now or utcnow()
    if rsvp.status == Rsvp.GOING:
        return rsvp
    if rsvp.status != Rsvp.OFFERED:
        raise RsvpError("This offer is no longer open.")
    _check_open(event, now)
    return _claim(event, rsvp, now)


def decline_offer(rsvp: Rsvp, *, now: datetime | None = None) -> Rsvp:
    """Turn down the seat offered; it goes to the next in line at once."""
    event = lock_event(rsvp.event_id)
    rsvp = _reload(rsvp)
    now = now or utcnow()
    if rsvp.status in (Rsvp.NOT_GOING, Rsvp.EXPIRED):
        return rsvp
    if rsvp.status != Rsvp.OFFERED:
        raise RsvpError("This offer is no longer open.")
    _leave(event, rsvp, Rsvp.NOT_GOING, now)
    rsvp.responded_at = now
    return rsvp


# What organisers do


def approve_request(rsvp: Rsvp, *, actor: User, now: datetime | None = None) -> Rsvp:
    """Accept a request: a seat if one is free, else a place at the end of the line."""
    event = lock_event(rsvp.event_id)
    rsvp = _reload(rsvp)
    now = now or utcnow()
    if rsvp.status in (Rsvp.GOING, Rsvp.WAITLISTED, Rsvp.OFFERED):
        return rsvp
    if rsvp.status != Rsvp.PENDING:
        raise RsvpError(f"{rsvp.user.display_name} has no request waiting.")
    _check_open(event, now)
    seat = _seat_for_newcomer(event)
    rsvp.status = Rsvp.GOING if seat else Rsvp.WAITLISTED
    rsvp.waitlisted_at = None if seat else now
    rsvp.decided_by_id = actor.id
    rsvp.decided_at = now
    db.session.flush()
    notify(rsvp, "rsvp_approved", "Your request was accepted", position=waitlist_position(rsvp))
    return rsvp


def decline_request(rsvp: Rsvp, *, actor: User, now: datetime | None = None) -> Rsvp:
    """Turn a request down."""
    lock_event(rsvp.event_id)
    rsvp = _reload(rsvp)
    now = now or utcnow()
    if rsvp.status == Rsvp.DECLINED:
        return rsvp
    if rsvp.status != Rsvp.PENDING:
        raise RsvpError(f"{rsvp.user.display_name} has no request waiting.")
    rsvp.status = Rsvp.DECLINED
    rsvp.decided_by_id = actor.id
    rsvp.decided_at = now
    db.session.flush()
    notify(rsvp, "rsvp_declined", "Your request was not accepted")
    return rsvp


def remove_attendee(rsvp: Rsvp, *, actor: User, now: datetime | None = None) -> Rsvp:
    """Take someone off the event (and keep them off); a seat they held moves on."""
    event = lock_event(rsvp.event_id)
    rsvp = _reload(rsvp)
    now = now or utcnow()
    if rsvp.status == Rsvp.REMOVED:
        return rsvp
    had_something = rsvp.status in (Rsvp.GOING, Rsvp.OFFERED, Rsvp.WAITLISTED, Rsvp.PENDING)
    rsvp.decided_by_id = actor.id
    rsvp.decided_at = now
    _leave(event, rsvp, Rsvp.REMOVED, now)
    if had_something and now < event.starts_at:
        notify(rsvp, "rsvp_removed", "You are no longer on the list")
    return rsvp


def promote_by_hand(
    rsvp: Rsvp, *, actor: User, raise_capacity: bool = False, now: datetime | None = None
) -> Rsvp:
    """Give someone waiting a seat, ahead of the line: only into a free seat, or by adding one seat."""
    event = lock_event(rsvp.event_id)
    rsvp = _reload(rsvp)
    now = now or utcnow()
    name = rsvp.user.display_name
    if rsvp.status == Rsvp.GOING:
        return rsvp
    if rsvp.status not in (Rsvp.WAITLISTED, Rsvp.OFFERED, Rsvp.PENDING):
        raise RsvpError(f"{name} is not waiting for a seat.")
    _check_open(event, now)
    if rsvp.status != Rsvp.OFFERED and free_seats(event) == 0:  # an offer already holds its seat
        if not raise_capacity:
            raise RsvpError(f"Every seat is taken: add a seat to give {name} one ahead of the line.")
        event.capacity += 1
    _give_seat(rsvp, now)
    rsvp.decided_by_id = actor.id
    rsvp.decided_at = now
    db.session.flush()
    notify(rsvp, "rsvp_promoted", "A seat is yours")
    return rsvp


def set_capacity(
    event: Event, capacity: int | None, *, actor: User, now: datetime | None = None
) -> list[Rsvp]:
    """Change how many seats there are (None: no limit); new seats go to the line at once.

    Returns the RSVPs that got a seat or an offer. Refuses to go below the seats already held.
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
    event.capacity = capacity
    db.session.flush()
    return _fill_free_seats(event, now)


# The periodic job


def expire_offers(now: datetime | None = None) -> list[Rsvp]:
    """Pass on every offer that ran out unclaimed, to the next in line. Returns the lapsed RSVPs.

    Meant for a job every few minutes; the caller commits. Events are locked in id order, so that two
    runs at once, or a run and a request, cannot deadlock.
    """
    now = now or utcnow()
    due = select(Rsvp.event_id).where(Rsvp.status == Rsvp.OFFERED, Rsvp.offer_expires_at <= now).distinct()
    lapsed: list[Rsvp] = []
    for event_id in sorted(db.session.scalars(due)):
        event = lock_event(event_id)
        statement = (
            select(Rsvp)
            .where(Rsvp.event_id == event_id, Rsvp.status == Rsvp.OFFERED, Rsvp.offer_expires_at <= now)
            .options(selectinload(Rsvp.user))
            .execution_options(populate_existing=True)
        )
        expired = list(db.session.scalars(statement))
        for rsvp in expired:
            rsvp.status = Rsvp.EXPIRED
        db.session.flush()
        if now < event.starts_at:
            for rsvp in expired:
                notify(rsvp, "rsvp_offer_expired", "Your offered seat has passed on")
            _fill_free_seats(event, now)
        lapsed.extend(expired)
    return lapsed


# Moving people between states


def _insert(event: Event, user: User, status: str, now: datetime) -> tuple[Rsvp, bool]:
    """A new RSVP; if one for this person appeared meanwhile, that one (and False)."""
    rsvp = Rsvp(event_id=event.id, user_id=user.id, status=status, responded_at=now)
    try:
        # A savepoint, so that a duplicate undoes only this insert and not the caller's transaction.
        with db.session.begin_nested():
            db.session.add(rsvp)
    except IntegrityError:
        # The unique (event_id, user_id) constraint: a double submit that got past the lock.
        existing = rsvp_for(event, user)
        if existing is None:
            raise
        return existing, False
    return rsvp, True


def _leave(event: Event, rsvp: Rsvp, status: str, now: datetime) -> None:
    """Move someone out of a seat, an offer, the line or a request; pass on a seat they held."""
    had_seat = rsvp.holds_seat
    rsvp.status = status
    rsvp.waitlisted_at = None
    rsvp.offered_at = rsvp.offer_expires_at = None
    db.session.flush()
    if had_seat:
        _fill_free_seats(event, now)


def _claim(event: Event, rsvp: Rsvp, now: datetime) -> Rsvp:
    if now >= rsvp.offer_expires_at:
        local = rsvp.offer_expires_at.astimezone(event.tz).strftime("%H:%M on %a %-d %b")
        raise RsvpError(f"Sorry, this offer ran out at {local}, and the seat has passed on.")
    rsvp.status = Rsvp.GOING
    rsvp.offer_expires_at = None
    rsvp.responded_at = now
    db.session.flush()
    notify(rsvp, "rsvp_confirmed", "You have a seat")
    return rsvp


def _give_seat(rsvp: Rsvp, now: datetime) -> None:
    rsvp.status = Rsvp.GOING
    rsvp.promoted_at = now
    rsvp.waitlisted_at = None
    rsvp.offered_at = rsvp.offer_expires_at = None


def _fill_free_seats(event: Event, now: datetime) -> list[Rsvp]:
    """Hand free seats to the line, first first: given outright, or offered close to the event.

    Must run under lock_event(). Returns the RSVPs that got a seat or an offer.
    """
    if not event.is_published or now >= event.starts_at:
        return []
    free = free_seats(event)
    if free == 0:
        return []
    statement = (
        select(Rsvp)
        .where(Rsvp.event_id == event.id, Rsvp.status == Rsvp.WAITLISTED)
        .order_by(*_line_order())
        .options(selectinload(Rsvp.user))
        .execution_options(populate_existing=True)
    )
    if free is not None:
        statement = statement.limit(free)
    moved = list(db.session.scalars(statement))
    offering = event.offers_seats_at(now)
    for rsvp in moved:
        if offering:
            rsvp.status = Rsvp.OFFERED
            rsvp.offered_at = now
            # Never past the start: the seat is no use after that.
            rsvp.offer_expires_at = min(now + timedelta(hours=event.offer_hold_hours), event.starts_at)
        else:
            _give_seat(rsvp, now)
    db.session.flush()
    for rsvp in moved:
        if offering:
            notify(rsvp, "rsvp_offered", "A seat is free for you")
        else:
            notify(rsvp, "rsvp_promoted", "A seat is yours")
    return moved


# Telling people


def notify(rsvp: Rsvp, template: str, subject: str, **context) -> OutboxMessage | None:
    """Queue the email that tells someone what happened to their RSVP, in the current transaction.

    The one place RSVP mail is queued. It runs under the event's lock, so it only stores the RSVP's id and
    state (rsvp_emails.payload): the mail worker writes the email, and builds the calendar invitation an
    email giving a seat or taking the person off the event carries, when it sends it. None when the
    person stopped RSVP email; emailed(rsvp) remembers which, for the page to say only what is true.
    """
    message = queue_message(
        EmailKind(template),
        user_id=rsvp.user_id,
        to=rsvp.user.email,
        payload=rsvp_emails.payload(rsvp, subject, context),
    )
    rsvp._emailed = message is not None  # not a column: lives as long as this object, this request
    return message


def emailed(rsvp: Rsvp) -> bool:
    """Whether the change just made to this RSVP queued an email to its person (not if they stopped them)."""
    return getattr(rsvp, "_emailed", False)
