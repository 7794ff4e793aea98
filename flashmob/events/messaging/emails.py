"""Event email beyond one RSVP: changes, cancellations, reminders, organiser messages.

Each function queues its messages in the caller's transaction (outbox.prepare_email, which also keeps
every member's choice of which kinds they get, then outbox.queue_emails); the caller commits. Recipients
are loaded in one query, which of them stopped the kind in one more, and the emails go in in one more:
a bulk send runs no query per recipient.

Which of these emails carry a calendar invitation, and why: calendars/invitations.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import func, select, update
from sqlalchemy.orm import contains_eager

from flashmob.errors import RuleError
from flashmob.events.calendars.ical import METHOD_CANCEL, METHOD_REQUEST
from flashmob.events.calendars.invitations import event_url, invitation
from flashmob.events.models import ASKED_TO_COME, Event, EventStatus, Rsvp, RsvpStatus
from flashmob.extensions import db
from flashmob.markdown import markdown_to_text, render_markdown
from flashmob.members.models import User
from flashmob.notifications import opted_out_clause, opted_out_of
from flashmob.outbox import prepare_email, queue_emails
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


def _common(event: Event) -> dict:
    return {
        "event": event,
        "event_url": event_url(event),
        "site_name": current_app.config["SITE_NAME"],
    }


def _rsvps(event: Event, statuses) -> list[Rsvp]:
    """The event's RSVPs in these statuses with their people, in one query; former members (deleted
    accounts, whose past RSVPs stay for the record) are nobody to write to."""
    statement = (
        select(Rsvp)
        .join(Rsvp.user)
        .where(Rsvp.event_id == event.id, Rsvp.status.in_(statuses), User.deleted_at.is_(None))
        .options(contains_eager(Rsvp.user))
        .order_by(Rsvp.id)
    )
    return list(db.session.scalars(statement))


def _opted_out(recipients: list[Rsvp], message_kind: str) -> frozenset[int]:
    """Which of these people stopped this kind of email, in one query for them all."""
    return opted_out_of([rsvp.user_id for rsvp in recipients], message_kind)


def _email_each(
    event: Event, recipients: list[Rsvp], *, kind: str, subject: str, calendar_method=None
) -> int:
    """Queue one email of this kind to each recipient, in one insert; `calendar_method(rsvp)` says which
    invitation (REQUEST, CANCEL or None) each one carries. Returns how many were queued."""
    opted_out = _opted_out(recipients, kind)
    messages = []
    for rsvp in recipients:
        method = calendar_method(rsvp) if calendar_method else None
        calendar = {}
        if method:
            calendar = {"calendar": invitation(event, rsvp.user, method), "calendar_method": method}
        messages.append(
            prepare_email(
                to=rsvp.user.email,
                subject=f"{subject}: {_one_line(event.title)}",
                template=kind,
                kind=kind,
                user_id=rsvp.user_id,
                opted_out=opted_out,
                user=rsvp.user,
                rsvp=rsvp,
                **calendar,
                **_common(event),
            )
        )
    return queue_emails(messages)


def tell_event_changed(event: Event) -> int:
    """Email everyone concerned that the time or place changed; seat holders get the updated invitation.

    Call after raising event.sequence. Returns how many emails were queued.
    """
    return _email_each(
        event,
        _rsvps(event, TOLD_OF_CHANGES),
        kind="event_changed",
        subject="Changed",
        calendar_method=lambda rsvp: METHOD_REQUEST if rsvp.status == RsvpStatus.GOING else None,
    )


def tell_event_cancelled(event: Event) -> int:
    """Email everyone concerned that the event is off, with a METHOD:CANCEL at the raised sequence.

    Call after cancelling (which raises event.sequence). Returns how many emails were queued.
    """
    return _email_each(
        event,
        _rsvps(event, TOLD_OF_CHANGES),
        kind="event_cancelled",
        subject="Cancelled",
        calendar_method=lambda rsvp: METHOD_CANCEL,
    )


# The day-before reminder


def send_reminders(now: datetime | None = None) -> int:
    """Remind the people going to each published event starting 24 to 36 hours from now; once per event.

    A job for `flask events tick`; the caller commits. Each event is claimed by an atomic UPDATE of its
    reminder_sent_at before anything is queued, so two ticks at once never both send: the second
    waits for the first's row lock (SQLite: its write lock), then finds the reminder taken. Returns how
    many reminders were queued.
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
        event = db.session.get(Event, event_id, populate_existing=True)
        queued += _email_each(event, _rsvps(event, (RsvpStatus.GOING,)), kind="reminder", subject="Tomorrow")
    return queued


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
            opted_out_clause(Rsvp.user_id, "organiser_messages"),
        )
        .group_by(Rsvp.status)
    )
    counts = dict(rows.all())
    return Audience(
        going=counts.get(RsvpStatus.GOING, 0),
        waiting=counts.get(RsvpStatus.WAITLISTED, 0) + counts.get(RsvpStatus.OFFERED, 0),
    )


def send_organiser_message(
    event: Event, *, subject: str, body: str, include_waitlisted: bool = False, actor: User
) -> int:
    """Email the people going (and, if asked, those waiting) one message each, from an organiser.

    The body is Markdown: a plain-text part from it, and sanitised HTML. Returns how many were queued.
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
    recipients = _rsvps(event, _audience_statuses(include_waitlisted))
    opted_out = _opted_out(recipients, "organiser_message")
    body_text, body_html = markdown_to_text(body), render_markdown(body)
    messages = [
        prepare_email(
            to=rsvp.user.email,
            subject=f"{subject} ({_one_line(event.title)})",
            template="organiser_message",
            kind="organiser_message",
            user_id=rsvp.user_id,
            opted_out=opted_out,
            user=rsvp.user,
            rsvp=rsvp,
            sender_name=actor.display_name,
            message_subject=subject,
            body_text=body_text,
            body_html=body_html,
            **_common(event),
        )
        for rsvp in recipients
    ]
    return queue_emails(messages)
