"""Event email beyond one RSVP: changes, cancellations, reminders, organiser messages.

Each is an email to many people, so the request (or the tick) queues one fan-out job in its transaction
(outbox.queue_fanout), whatever the audience; the caller commits. The mail worker then finds the people
with the audiences below, a batch at a time and in user id order, leaves out those who stopped the kind,
and writes each email with the renderers below just before sending it (mail_registry wires them up).

Which of these emails carry a calendar invitation, and why: calendars/invitations.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import func, select, update

from flashmob.email_kinds import EmailKind, setting_for, templates_of
from flashmob.errors import RuleError
from flashmob.events.calendars.ical import METHOD_CANCEL, METHOD_REQUEST
from flashmob.events.calendars.invitations import event_url, invitation
from flashmob.events.models import ASKED_TO_COME, Event, EventStatus, Rsvp, RsvpStatus
from flashmob.events.rsvps.emails import RsvpFacts
from flashmob.extensions import db
from flashmob.markdown import markdown_to_text, render_markdown
from flashmob.members.models import User
from flashmob.notifications import opted_out_clause
from flashmob.outbox import Draft, OutboxMessage, Recipient, queue_fanout
from flashmob.types import utcnow

# Who hears that an event moved or was called off: everyone with a seat, an offer, a place in line
# or a request waiting.
TOLD_OF_CHANGES = ASKED_TO_COME
# The reminder goes once an event is this close: "the day before", and a tick every few minutes or
# hours finds each event in the window at least once.
REMINDER_FROM = timedelta(hours=24)
REMINDER_UNTIL = timedelta(hours=36)

SUBJECT_MAX = 150
BODY_MAX = 10_000


class MessageError(RuleError):
    """An organiser message cannot be sent that way; `field` names the form field it is about."""


def _one_line(text: str) -> str:
    return " ".join(text.split())


# Changes, cancellations and reminders: what the request or the tick queues


def audience_size(event: Event, statuses, kind: EmailKind) -> int:
    """How many people an email of this kind to these RSVPs would reach now, in one query: former members
    and people who stopped the kind left out. What pages and outcomes say before the worker expands a job."""
    setting = setting_for(kind)
    query = (
        select(func.count(Rsvp.id))
        .join(Rsvp.user)
        .where(Rsvp.event_id == event.id, Rsvp.status.in_(statuses), User.deleted_at.is_(None))
    )
    if setting is not None:
        query = query.where(opted_out_clause(Rsvp.user_id, setting))
    return db.session.scalar(query) or 0


def tell_event_changed(event: Event) -> int:
    """Queue an email to everyone concerned that the time or place changed; seat holders get the updated
    invitation. Call after raising event.sequence. Returns how many it will reach."""
    queue_fanout(EmailKind.EVENT_CHANGED, {"event_id": event.id})
    return audience_size(event, TOLD_OF_CHANGES, EmailKind.EVENT_CHANGED)


def tell_event_cancelled(event: Event) -> int:
    """Queue an email to everyone concerned that the event is off, with a METHOD:CANCEL at the raised
    sequence. Call after cancelling (which raises event.sequence). Returns how many it will reach."""
    queue_fanout(EmailKind.EVENT_CANCELLED, {"event_id": event.id})
    return audience_size(event, TOLD_OF_CHANGES, EmailKind.EVENT_CANCELLED)


def send_reminders(now: datetime | None = None) -> int:
    """Queue the reminder to the people going to each published event starting 24 to 36 hours from now;
    once per event. Returns for how many events.

    A job for `flask events tick`; the caller commits. Each event is claimed by an atomic UPDATE of its
    reminder_sent_at before its reminder is queued, so two ticks at once never both send: the second
    waits for the first's row lock (SQLite: its write lock), then finds the reminder taken.
    """
    now = now or utcnow()
    due = select(Event.id).where(
        Event.status == EventStatus.PUBLISHED,
        Event.starts_at > now + REMINDER_FROM,
        Event.starts_at <= now + REMINDER_UNTIL,
        Event.reminder_sent_at.is_(None),
    )
    queued = 0
    for event_id in sorted(db.session.scalars(due)):
        claimed = db.session.execute(
            update(Event)
            .where(Event.id == event_id, Event.reminder_sent_at.is_(None))
            .values(reminder_sent_at=now)
            .returning(Event.id),
            execution_options={"synchronize_session": False},
        ).scalar_one_or_none()
        if claimed is None:  # another tick got there first
            continue
        queue_fanout(EmailKind.REMINDER, {"event_id": event_id})
        queued += 1
    return queued


# Who gets them: the mail worker pages through an audience by user id


def _rsvp_audience(event_id: int, statuses, *, after: int, limit: int) -> list[Recipient]:
    """The people whose RSVP to the event is in one of these statuses, after user id `after`, in user id
    order; each with their RSVP's status (and an offer's deadline) as it is now."""
    rows = db.session.execute(
        select(Rsvp.user_id, User.email, Rsvp.status, Rsvp.offer_expires_at)
        .join(User, User.id == Rsvp.user_id)
        # Former members (deleted accounts keep their past RSVPs for the record) are nobody to write to.
        .where(
            Rsvp.event_id == event_id,
            Rsvp.status.in_(statuses),
            Rsvp.user_id > after,
            User.deleted_at.is_(None),
        )
        .order_by(Rsvp.user_id)
        .limit(limit)
    )
    return [
        Recipient(user_id, email, {"status": status, "offer_expires_at": _iso(expires)})
        for user_id, email, status, expires in rows
    ]


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def told_of_changes(facts: dict, *, after: int, limit: int) -> list[Recipient]:
    """Who hears of a change or a cancellation: seats, offers, the line and requests waiting."""
    return _rsvp_audience(facts["event_id"], TOLD_OF_CHANGES, after=after, limit=limit)


def going(facts: dict, *, after: int, limit: int) -> list[Recipient]:
    """Who is reminded: the people going."""
    return _rsvp_audience(facts["event_id"], (RsvpStatus.GOING,), after=after, limit=limit)


# How they read: the mail worker renders each just before sending it


def _event_of(facts: dict) -> Event:
    event = db.session.get(Event, facts["event_id"])
    if event is None:
        raise LookupError(f"event {facts['event_id']} no longer exists")
    return event


def _recipient(message: OutboxMessage) -> User:
    user = db.session.get(User, message.user_id) if message.user_id is not None else None
    if user is None:
        raise LookupError("the recipient's account no longer exists")
    return user


def _then(facts: dict) -> RsvpFacts:
    """The recipient's RSVP as it was when the job found them."""
    expires = facts.get("offer_expires_at")
    return RsvpFacts(facts["status"], datetime.fromisoformat(expires) if expires else None)


def _draft(
    message: OutboxMessage,
    event: Event,
    subject: str,
    calendar_method: str | None = None,
    reply_to: str | None = None,
    **extra,
):
    user = _recipient(message)
    calendar = {}
    if calendar_method:
        calendar = {"calendar": invitation(event, user, calendar_method), "calendar_method": calendar_method}
    return Draft(
        subject=subject,
        template=templates_of(message.kind)[0],
        context={
            "event": event,
            "user": user,
            "event_url": event_url(event),
            "site_name": current_app.config["SITE_NAME"],
            **extra,
        },
        reply_to=reply_to,
        **calendar,
    )


def render_event_changed(message: OutboxMessage, facts: dict) -> Draft:
    """The new time or place; a seat holder's email carries the updated invitation."""
    event, then = _event_of(facts), _then(facts)
    method = METHOD_REQUEST if then.is_going else None
    return _draft(message, event, f"Changed: {_one_line(event.title)}", method, rsvp=then)


def render_event_cancelled(message: OutboxMessage, facts: dict) -> Draft:
    """The event is off; the METHOD:CANCEL takes it out of the calendar, at the raised sequence."""
    event = _event_of(facts)
    return _draft(message, event, f"Cancelled: {_one_line(event.title)}", METHOD_CANCEL, rsvp=_then(facts))


def render_reminder(message: OutboxMessage, facts: dict) -> Draft:
    """Tomorrow's event, to someone going."""
    event = _event_of(facts)
    return _draft(message, event, f"Tomorrow: {_one_line(event.title)}", rsvp=_then(facts))


# Organisers writing to attendees


@dataclass
class Audience:
    """How many people an organiser message would reach: going, and waiting (in line or offered a seat)."""

    going: int
    waiting: int


def _audience_statuses(include_waitlisted: bool) -> tuple[str, ...]:
    going, waiting = RsvpStatus.GOING, (RsvpStatus.WAITLISTED, RsvpStatus.OFFERED)
    return (going, *waiting) if include_waitlisted else (going,)


def message_audience(event: Event) -> Audience:
    """Who would get an organiser message, counted in one query (people who stopped them left out)."""
    rows = db.session.execute(
        select(Rsvp.status, func.count(Rsvp.id))
        .join(Rsvp.user)
        .where(
            Rsvp.event_id == event.id,
            Rsvp.status.in_(_audience_statuses(True)),
            User.deleted_at.is_(None),
            opted_out_clause(Rsvp.user_id, setting_for(EmailKind.ORGANISER_MESSAGE)),
        )
        .group_by(Rsvp.status)
    )
    counts = dict(rows.all())
    return Audience(
        going=counts.get(RsvpStatus.GOING, 0),
        waiting=counts.get(RsvpStatus.WAITLISTED, 0) + counts.get(RsvpStatus.OFFERED, 0),
    )


def send_organiser_message(
    event: Event,
    *,
    subject: str,
    body: str,
    include_waitlisted: bool = False,
    reply_to: str | None = None,
    actor: User,
) -> int:
    """Queue one email to each person going (and, if asked, each waiting), from an organiser.

    The body is Markdown: each email gets a plain-text part from it, and sanitised HTML. Replies go to
    `reply_to` when the organiser gave one (their own address, or the chapter's): it is shown to every
    recipient, so it is only ever what the organiser typed on the form. Returns how many people it goes
    to, counted as the message page counts them (message_audience).
    """
    subject = _one_line(subject or "")
    body = (body or "").strip()
    if not subject:
        raise MessageError("Please write a subject.", field="subject")
    if len(subject) > SUBJECT_MAX:
        raise MessageError(f"Please keep the subject to {SUBJECT_MAX} characters or fewer.", field="subject")
    if not body:
        raise MessageError("Please write a message.", field="body")
    if len(body) > BODY_MAX:
        raise MessageError(f"Please keep the message to {BODY_MAX:,} characters or fewer.", field="body")
    if event.is_draft:
        raise MessageError("Nobody can answer a draft yet, so there is nobody to write to.")
    # Frozen in the job: the words as written, and who wrote them, whatever happens to the account later.
    queue_fanout(
        EmailKind.ORGANISER_MESSAGE,
        {
            "event_id": event.id,
            "subject": subject,
            "body": body,
            "include_waitlisted": include_waitlisted,
            "sender_name": actor.display_name,
            "reply_to": reply_to or None,
        },
    )
    audience = message_audience(event)
    return audience.going + (audience.waiting if include_waitlisted else 0)


def organiser_message_audience(facts: dict, *, after: int, limit: int) -> list[Recipient]:
    """Who gets an organiser message: the people going, and those waiting if the organiser chose."""
    statuses = _audience_statuses(facts["include_waitlisted"])
    return _rsvp_audience(facts["event_id"], statuses, after=after, limit=limit)


def render_organiser_message(message: OutboxMessage, facts: dict) -> Draft:
    """An organiser's words, as text and as sanitised HTML, with the event they are about."""
    event = _event_of(facts)
    return _draft(
        message,
        event,
        f"{facts['subject']} ({_one_line(event.title)})",
        rsvp=_then(facts),
        sender_name=facts["sender_name"],
        message_subject=facts["subject"],
        body_text=markdown_to_text(facts["body"]),
        body_html=render_markdown(facts["body"]),
        reply_to=facts.get("reply_to"),
    )
