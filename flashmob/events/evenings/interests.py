"""Save the date: members ask to be told when an event's date is set, and are told once, by email.

Functions change objects and flush; the caller commits once. A rule that says no raises InterestError
with a message for the member. Who may ask is permissions.can_ask_to_be_told, checked by the caller.
Telling them is one fan-out job (outbox.queue_fanout): the mail worker finds them with members_told() and
writes each email with render_date_announced() or render_date_cancelled() (mail_registry wires them up).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from sqlalchemy import case, delete, func, select, update
from sqlalchemy.exc import IntegrityError

from flashmob.email_kinds import EmailKind, setting_for, templates_of
from flashmob.errors import RuleError
from flashmob.events.evenings.display import event_when
from flashmob.events.models import Event, EventInterest
from flashmob.extensions import db
from flashmob.members.models import User
from flashmob.notifications import has_opted_out
from flashmob.outbox import Draft, OutboxMessage, Recipient, queue_fanout
from flashmob.types import utcnow
from flashmob.urls import public_url


class InterestError(RuleError):
    """A rule stopped the change; the message says why, for the member."""


@dataclass
class InterestPanel:
    """What a save-the-date's page says: how many are waiting to hear, and whether the viewer is."""

    count: int = 0
    mine: bool = False
    # The viewer is waiting to hear but stopped save-the-date emails: say so rather than promise one.
    emails_stopped: bool = False


def interest_panel(event: Event, user: User | None) -> InterestPanel:
    """The number waiting to hear about the event and whether `user` is one of them, in one query."""
    user_id = user.id if user is not None and user.is_authenticated else None
    count, mine = db.session.execute(
        select(
            func.count(EventInterest.id),
            func.coalesce(func.sum(case((EventInterest.user_id == user_id, 1), else_=0)), 0),
        ).where(EventInterest.event_id == event.id, EventInterest.notified_at.is_(None))
    ).one()
    emails_stopped = bool(mine) and has_opted_out(user_id, setting_for(EmailKind.DATE_ANNOUNCED))
    return InterestPanel(count=count, mine=bool(mine), emails_stopped=emails_stopped)


def interest_for(event: Event, user: User) -> EventInterest | None:
    """This member's request to be told about the event, if they made one."""
    return db.session.scalar(
        select(EventInterest).where(EventInterest.event_id == event.id, EventInterest.user_id == user.id)
    )


def ask_to_be_told(event: Event, user: User, *, now: datetime | None = None) -> EventInterest:
    """Put the member on the list to hear when the date is set; asking twice changes nothing."""
    if event.is_cancelled:
        raise InterestError("This event has been cancelled, so there is no date to wait for.")
    if not event.date_tbc:
        raise InterestError("The date is already set: you can RSVP now.")
    existing = interest_for(event, user)
    if existing is not None:
        return existing
    interest = EventInterest(event_id=event.id, user_id=user.id, created_at=now or utcnow())
    try:
        # A savepoint: if a double click got there first, only this insert is undone.
        with db.session.begin_nested():
            db.session.add(interest)
    except IntegrityError:
        existing = interest_for(event, user)
        if existing is None:  # pragma: no cover - the unique pair is the only constraint that can fail
            raise
        return existing
    return interest


def stop_being_told(event: Event, user: User) -> bool:
    """Take the member off the list; whether they were on it. Undoing twice changes nothing."""
    result = db.session.execute(
        delete(EventInterest).where(
            EventInterest.event_id == event.id,
            EventInterest.user_id == user.id,
            EventInterest.notified_at.is_(None),
        )
    )
    db.session.flush()
    return result.rowcount > 0


def _claim_waiting(event: Event, now: datetime) -> int:
    """Mark every member still waiting to hear about the event as told at `now`; how many there were.

    One UPDATE, so that two requests at once never tell anyone twice; the rows stay, for the record, and
    the job that emails them finds them by that moment (members_told).
    """
    result = db.session.execute(
        update(EventInterest)
        .where(EventInterest.event_id == event.id, EventInterest.notified_at.is_(None))
        .values(notified_at=now),
        execution_options={"synchronize_session": False},
    )
    return result.rowcount


def _tell(event: Event, kind: EmailKind, now: datetime) -> int:
    """Mark the members waiting as told and queue one job to email them; how many were waiting (those
    who stopped save-the-date email are told nothing, and no longer wait either)."""
    told = _claim_waiting(event, now)
    if told:
        queue_fanout(kind, {"event_id": event.id, "told_at": now.isoformat()})
    return told


def announce_date(event: Event, *, now: datetime | None = None) -> int:
    """Queue a "date announced" email to each member waiting to hear; how many were waiting.

    Called in the transaction that sets the date; each member is told once (_claim_waiting).
    """
    if event.date_tbc or not event.is_published:
        return 0
    return _tell(event, EmailKind.DATE_ANNOUNCED, now or utcnow())


def tell_date_cancelled(event: Event, *, now: datetime | None = None) -> int:
    """Queue a "it will not happen" email to each member waiting to hear about a cancelled save-the-date.

    Called in the transaction that cancels it; each member is told once (_claim_waiting), and nobody is
    then left waiting for a date that will never come. No calendar invitation: they never had one.
    """
    if not event.is_cancelled or not event.date_tbc:
        return 0
    return _tell(event, EmailKind.DATE_CANCELLED, now or utcnow())


# The mail worker's side: who the job is for, and how each email reads


def members_told(facts: dict, *, after: int, limit: int) -> list[Recipient]:
    """The members _claim_waiting() marked told of the event at the job's moment, after user id `after`,
    in user id order."""
    told_at = datetime.fromisoformat(facts["told_at"])
    rows = db.session.execute(
        select(EventInterest.user_id, User.email)
        .join(User, User.id == EventInterest.user_id)
        .where(
            EventInterest.event_id == facts["event_id"],
            EventInterest.notified_at == told_at,
            EventInterest.user_id > after,
        )
        .order_by(EventInterest.user_id)
        .limit(limit)
    )
    return [Recipient(user_id, email) for user_id, email in rows]


def _draft(message: OutboxMessage, facts: dict, subject: str) -> Draft:
    event = db.session.get(Event, facts["event_id"])
    user = db.session.get(User, message.user_id) if message.user_id is not None else None
    if event is None or user is None:
        raise LookupError("the event or the member no longer exists")
    title = " ".join(event.title.split())  # no line breaks in a mail header
    event_url = public_url("events.detail", event_id=event.id)
    return Draft(
        subject=f"{subject}: {title}",
        template=templates_of(message.kind)[0],
        context={
            "event": event,
            "user": user,
            "when": event_when(event),
            "event_url": event_url,
            "rsvp_url": f"{event_url}#rsvp",
            "site_name": current_app.config["SITE_NAME"],
        },
    )


def render_date_announced(message: OutboxMessage, facts: dict) -> Draft:
    """The date is set: when, where, and the link to say going."""
    return _draft(message, facts, "The date is set")


def render_date_cancelled(message: OutboxMessage, facts: dict) -> Draft:
    """The save-the-date was called off."""
    return _draft(message, facts, "Not going ahead")
