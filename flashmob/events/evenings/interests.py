"""Save the date: members ask to be told when an event's date is set, and are told once, by email.

Functions change objects and flush; the caller commits once. A rule that says no raises InterestError
with a message for the member. Who may ask is permissions.can_ask_to_be_told, checked by the caller.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from sqlalchemy import case, delete, func, select, update
from sqlalchemy.exc import IntegrityError

from flashmob.errors import RuleError
from flashmob.events.evenings.display import event_when
from flashmob.events.models import Event, EventInterest
from flashmob.extensions import db
from flashmob.members.models import User
from flashmob.notifications import has_opted_out, opted_out_of
from flashmob.outbox import prepare_email, queue_emails
from flashmob.types import utcnow
from flashmob.urls import public_url

EMAIL_KIND = "date_announced"
# Cancelling a save-the-date is news about the save-the-date the member asked to hear about, not about an
# event they are going to (they cannot be: RSVPs wait for the date). So it belongs to the same stoppable
# kind as the announcement, "Save-the-date announcements" (notifications maps it there), not to "Changes
# and cancellations of events you're going to": whoever stopped save-the-date email hears nothing of it,
# and whoever asked to be told still is, even if they stopped news of events they are going to.
CANCELLED_KIND = "date_cancelled"


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
    emails_stopped = bool(mine) and has_opted_out(user_id, "date_announced")
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


def _claim_waiting(event: Event, now: datetime) -> list[User]:
    """Mark every member still waiting to hear about the event as told, and return them, in id order.

    One UPDATE that returns whom it marked, so that two requests at once never email anyone twice;
    the rows stay, for the record.
    """
    claimed = db.session.scalars(
        update(EventInterest)
        .where(EventInterest.event_id == event.id, EventInterest.notified_at.is_(None))
        .values(notified_at=now)
        .returning(EventInterest.user_id),
        execution_options={"synchronize_session": False},
    ).all()
    if not claimed:
        return []
    return list(db.session.scalars(select(User).where(User.id.in_(claimed)).order_by(User.id)))


def _tell(event: Event, recipients: list[User], *, subject: str, template: str, kind: str) -> int:
    """Queue one email to each recipient, asking once for all of them who stopped the kind; how many."""
    opted_out = opted_out_of([user.id for user in recipients], kind)
    title = " ".join(event.title.split())  # no line breaks in a mail header
    event_url = public_url("events.detail", event_id=event.id)
    messages = []
    for user in recipients:
        messages.append(
            prepare_email(
                to=user.email,
                subject=f"{subject}: {title}",
                template=template,
                kind=kind,
                user_id=user.id,
                opted_out=opted_out,
                event=event,
                user=user,
                when=event_when(event),
                event_url=event_url,
                rsvp_url=f"{event_url}#rsvp",
                site_name=current_app.config["SITE_NAME"],
            )
        )
    return queue_emails(messages)


def announce_date(event: Event, *, now: datetime | None = None) -> int:
    """Queue a "date announced" email to each member waiting to hear; how many were queued.

    Called in the transaction that sets the date; each member is told once (_claim_waiting).
    """
    if event.date_tbc or not event.is_published:
        return 0
    recipients = _claim_waiting(event, now or utcnow())
    return _tell(event, recipients, subject="The date is set", template="date_announced", kind=EMAIL_KIND)


def tell_date_cancelled(event: Event, *, now: datetime | None = None) -> int:
    """Queue a "it will not happen" email to each member waiting to hear about a cancelled save-the-date.

    Called in the transaction that cancels it; each member is told once (_claim_waiting), and nobody is
    then left waiting for a date that will never come. No calendar invitation: they never had one.
    """
    if not event.is_cancelled or not event.date_tbc:
        return 0
    recipients = _claim_waiting(event, now or utcnow())
    return _tell(
        event, recipients, subject="Not going ahead", template="date_cancelled", kind=CANCELLED_KIND
    )
