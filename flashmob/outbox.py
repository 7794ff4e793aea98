"""Email that is never lost: queue_email() writes a row in the caller's transaction; a worker delivers it.

If the request that queued a message fails, its transaction rolls back and nothing is sent; if the mail
server is down, the row waits and the worker tries again later.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Container, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app, render_template
from jinja2 import TemplateNotFound
from sqlalchemy import ForeignKey, Index, Integer, String, Text, case, false, func, insert, select, update
from sqlalchemy.orm import Mapped, mapped_column

from flashmob import mailer, notifications
from flashmob.extensions import db
from flashmob.types import UTCDateTime, utcnow

log = logging.getLogger(__name__)

# Pauses before each retry: 1, 5, 25, 125 minutes, then every 6 hours until MAIL_MAX_ATTEMPTS.
RETRY_BASE = timedelta(minutes=1)
RETRY_FACTOR = 5
RETRY_CAP = timedelta(hours=6)
# A worker that claimed a message and died leaves it to another after claim_window(): the longest a
# live worker may spend sending it, plus this margin for a slow DNS look-up (outside the SMTP
# timeouts), building the email, recording the outcome, and the clocks of workers on different
# machines disagreeing by a few seconds.
CLAIM_MARGIN = timedelta(minutes=1)
# When the mail server cannot be reached the claimed message was not tried: it keeps its attempts and
# waits this long, so that a worker with one message to send knocks about once a minute, not every pass.
OUTAGE_PAUSE = RETRY_BASE


class OutboxMessage(db.Model):
    """One email waiting to be sent, or sent."""

    __tablename__ = "outbox_messages"
    __table_args__ = (Index("ix_outbox_messages_pending", "sent_at", "send_after"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # What kind of email this is ("account", "rsvp_confirmed", ...): members can stop kinds they do not want.
    kind: Mapped[str] = mapped_column(String(40))
    to_address: Mapped[str] = mapped_column(String(254))
    # An email is its recipient's private data: it goes with their account, sent or not.
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    subject: Mapped[str] = mapped_column(String(200))
    text_body: Mapped[str] = mapped_column(Text)
    html_body: Mapped[str | None] = mapped_column(Text)
    # An iCalendar invitation sent with the message, and its METHOD (REQUEST or CANCEL).
    calendar: Mapped[str | None] = mapped_column(Text)
    calendar_method: Mapped[str | None] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    send_after: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    last_error: Mapped[str | None] = mapped_column(Text)
    # Where a one-click "stop this kind of email" goes (sent as List-Unsubscribe); none for account mail.
    unsubscribe_url: Mapped[str | None] = mapped_column(String(2000))

    def __repr__(self) -> str:
        return f"<OutboxMessage {self.id} {self.kind} to {self.to_address}>"


def queue_email(**arguments) -> OutboxMessage | None:
    """Queue an email in the current transaction; the caller commits.

    Takes prepare_email()'s arguments. None, and nothing queued, when the member stopped the kind.
    """
    message = prepare_email(**arguments)
    if message is not None:
        db.session.add(message)
        db.session.flush()
    return message


def queue_emails(messages: Iterable[OutboxMessage | None]) -> int:
    """Queue many prepared emails (prepare_email) in one statement, in the current transaction; how many.

    For bulk sends: with the opt-outs asked once (prepare_email's `opted_out`), sending to 25 people
    runs no more queries than sending to 5. The rows go in without coming back as objects.
    """
    rows = [
        {column: getattr(message, column) for column in _PREPARED_COLUMNS}
        for message in messages
        if message is not None
    ]
    if rows:
        db.session.execute(insert(OutboxMessage), rows)
    return len(rows)


_PREPARED_COLUMNS = (
    "kind", "to_address", "user_id", "subject", "text_body", "html_body",
    "calendar", "calendar_method", "unsubscribe_url",
)


def prepare_email(
    *,
    to: str,
    subject: str,
    template: str,
    kind: str,
    user_id: int | None = None,
    calendar: str | None = None,
    calendar_method: str | None = None,
    unsubscribe_url: str | None = None,
    opted_out: Container[int] | None = None,
    **context,
) -> OutboxMessage | None:
    """An email ready to queue (not yet in the session), or None when the member stopped its kind.

    `template` names a pair under templates/email/: `<template>.txt` (required) and `<template>.html`
    (optional); both get `context` and `unsubscribe_url`. A `calendar` (iCalendar text) needs its
    `calendar_method`, REQUEST or CANCEL; an `unsubscribe_url` becomes the one-click List-Unsubscribe.

    For a member (`user_id`) and a kind they can stop (notifications.KINDS), this is the one place
    their choice is kept: if they stopped it, nothing is queued and None comes back; otherwise the
    email gets their one-click unsubscribe link (and the footer's `email_kind_label`, `email_settings_url`).
    Bulk sends ask once for everyone and pass `opted_out`, the ids of the recipients who stopped this
    kind (notifications.opted_out_of); without it, this asks the database about this one member.
    """
    if calendar is not None and (calendar_method or "").upper() not in mailer.CALENDAR_METHODS:
        raise ValueError(f"a calendar needs calendar_method REQUEST or CANCEL, not {calendar_method!r}")
    preference = notifications.preference_for(kind)
    if preference is not None and user_id is not None:
        if opted_out is not None:
            if user_id in opted_out:
                return None
        elif notifications.has_opted_out(user_id, preference):
            return None
        footer = notifications.footer_context(user_id, preference)
        one_click = footer.pop("unsubscribe_url")
        unsubscribe_url = unsubscribe_url or one_click
        context = {**footer, **context}
    text_body = render_template(f"email/{template}.txt", unsubscribe_url=unsubscribe_url, **context)
    try:
        html_body = render_template(f"email/{template}.html", unsubscribe_url=unsubscribe_url, **context)
    except TemplateNotFound:  # an HTML version is optional
        html_body = None
    return OutboxMessage(
        kind=kind,
        to_address=to.strip(),
        user_id=user_id,
        # Subjects often carry an event's title: one line, so that it cannot break the headers.
        subject=" ".join(subject.split())[:200],
        text_body=text_body,
        html_body=html_body,
        calendar=calendar,
        calendar_method=calendar_method.upper() if calendar_method else None,
        unsubscribe_url=unsubscribe_url,
    )


def claim_window(config) -> timedelta:
    """How long a message claimed by a worker is left to it before another worker may take it.

    It must outlast the worker's whole exchange with the mail server, or a live worker loses its claim
    and the email goes twice. The SMTP backend hangs up after mailer.SEND_TIMEOUTS timeouts (3 minutes
    with the default 30 s timeout, margin included), so the window follows FLASHMOB_SMTP_TIMEOUT.
    """
    return timedelta(seconds=mailer.SEND_TIMEOUTS * config["SMTP_TIMEOUT"]) + CLAIM_MARGIN


def retry_delay(attempts: int) -> timedelta:
    """How long to wait after the `attempts`-th failed try: 1, 5, 25, 125 minutes, then 6 hours."""
    delay = RETRY_BASE
    for _ in range(max(attempts - 1, 0)):
        delay *= RETRY_FACTOR
        if delay >= RETRY_CAP:
            return RETRY_CAP
    return delay


@dataclass
class DeliveryReport:
    """What one pass of the worker did."""

    sent: int = 0
    retrying: int = 0
    given_up: int = 0
    # Why the pass stopped before running out of due messages (the mail server is down, say).
    halted: str | None = None
    # Why the mail server could not be reached, when it could not (nothing was tried then).
    unavailable: str | None = None

    @property
    def ok(self) -> bool:
        """Whether the server could be reached and no message was given up in this pass."""
        return self.unavailable is None and self.given_up == 0

    def count_failure(self, given_up: bool) -> None:
        if given_up:
            self.given_up += 1
        else:
            self.retrying += 1

    def __str__(self) -> str:
        text = f"sent {self.sent}, will retry {self.retrying}, given up {self.given_up}"
        return f"{text} (stopped early: {self.halted})" if self.halted else text


def deliver_pending(
    limit: int = 100,
    *,
    backend: mailer.Backend | None = None,
    now: datetime | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> DeliveryReport:
    """Send up to `limit` due messages, one transaction each, so one bad message never blocks the rest.

    Safe with several workers at once: each message is claimed by one atomic UPDATE (choosing the row
    with FOR UPDATE SKIP LOCKED on PostgreSQL) before it is sent, and no lock is held while talking to
    the mail server. When the server cannot be reached the pass stops and the message it was for loses
    no attempt: an outage uses up nobody's attempts. Commits the session: call it with no unfinished
    work of your own in it.
    """
    config = current_app.config
    backend = backend or mailer.backend_from_config(config)
    max_attempts = config["MAIL_MAX_ATTEMPTS"]
    claim_for = claim_window(config)
    sender, domain = config["MAIL_FROM"], config["ICAL_DOMAIN"]
    report = DeliveryReport()
    try:
        for _ in range(limit):
            if should_stop and should_stop():
                report.halted = "asked to stop"
                break
            moment = now or utcnow()
            message = _claim_next(moment, max_attempts, claim_for)
            if message is None:
                break
            try:
                email = mailer.build_message(message, sender=sender, domain=domain)
            except Exception as exc:  # a row that cannot become an email never will: give up on it now
                log.exception("outbox message %s cannot be built", message.id)
                error = f"cannot build the email: {exc}"
                _record_failure(message, error, moment, max_attempts, permanent=True)
                report.given_up += 1
                continue
            try:
                backend.send(email)
            except mailer.ServerUnavailable as exc:
                _release(message, moment + OUTAGE_PAUSE)
                log.warning("outbox: %s; message %s waits, no attempt used", exc, message.id)
                report.halted = report.unavailable = str(exc)
                break
            except mailer.MailError as exc:
                permanent = isinstance(exc, mailer.PermanentFailure)
                _record_failure(message, str(exc), moment, max_attempts, permanent=permanent)
                report.count_failure(message.attempts >= max_attempts)
                continue
            except Exception as exc:  # a bug, not the message's fault: keep it, try again later
                log.exception("outbox message %s: unexpected error while sending", message.id)
                _record_failure(message, f"unexpected error: {exc!r}", moment, max_attempts, permanent=False)
                report.count_failure(message.attempts >= max_attempts)
                continue
            message.sent_at = utcnow()
            db.session.commit()
            report.sent += 1
    finally:
        backend.close()
    return report


def _due(moment: datetime, max_attempts: int):
    return (
        OutboxMessage.sent_at.is_(None)
        & (OutboxMessage.send_after <= moment)
        & (OutboxMessage.attempts < max_attempts)
    )


def _claim_next(moment: datetime, max_attempts: int, claim_for: timedelta) -> OutboxMessage | None:
    """Take the next due message for this worker alone, or None when nothing is due.

    The claim pushes send_after `claim_for` ahead (claim_window), so other workers pass it by; if this
    worker dies before recording the outcome, the message becomes due again then. SQLite serialises
    the UPDATE.
    """
    db.session.commit()  # the claim must be the first statement of its own transaction
    next_id = (
        select(OutboxMessage.id)
        .where(_due(moment, max_attempts))
        .order_by(OutboxMessage.send_after, OutboxMessage.id)
        .limit(1)
        .with_for_update(skip_locked=True)
        .scalar_subquery()
    )
    claimed_id = db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == next_id, _due(moment, max_attempts))
        .values(send_after=moment + claim_for)
        .returning(OutboxMessage.id),
        execution_options={"synchronize_session": False},
    ).scalar_one_or_none()
    db.session.commit()
    if claimed_id is None:
        return None
    return db.session.get(OutboxMessage, claimed_id, populate_existing=True)


def _release(message: OutboxMessage, due_at: datetime) -> None:
    """Give back a claimed message that was not tried: its attempts and last error stay as they were."""
    message.send_after = due_at
    db.session.commit()


def _record_failure(
    message: OutboxMessage, error: str, moment: datetime, max_attempts: int, *, permanent: bool
) -> None:
    message.attempts = max(message.attempts + 1, max_attempts if permanent else 0)
    message.last_error = error[:2000]
    # A given-up message is never due again: its send_after keeps when it was given up, for the
    # health check (`outbox status --check`).
    given_up = message.attempts >= max_attempts
    message.send_after = moment if given_up else moment + retry_delay(message.attempts)
    db.session.commit()
    log.warning("outbox message %s to %s failed (attempt %s): %s",
                message.id, message.to_address, message.attempts, error)


@dataclass
class OutboxStatus:
    """How the outbox stands: for `flask outbox status`."""

    pending: int
    sent: int
    failed: int
    recent_failures: list[OutboxMessage] = field(default_factory=list)
    # When the message waiting longest was queued (None: nothing waits).
    oldest_pending_at: datetime | None = None
    # How many messages were given up at or after outbox_status()'s `since`.
    given_up_since: int = 0


def outbox_status(recent: int = 10, *, since: datetime | None = None) -> OutboxStatus:
    """Counts of pending (including retrying), sent and given-up messages, and the latest failures;
    when the oldest pending message was queued, and how many were given up at or after `since`."""
    max_attempts = current_app.config["MAIL_MAX_ATTEMPTS"]
    unsent = OutboxMessage.sent_at.is_(None)
    waiting = unsent & (OutboxMessage.attempts < max_attempts)
    given_up = unsent & (OutboxMessage.attempts >= max_attempts)
    # A given-up message's send_after is when it was given up (_record_failure).
    lately = given_up & (OutboxMessage.send_after >= since) if since else false()
    pending, sent, failed, given_up_lately, oldest = db.session.execute(
        select(
            func.coalesce(func.sum(case((waiting, 1), else_=0)), 0),
            func.coalesce(func.sum(case((OutboxMessage.sent_at.is_not(None), 1), else_=0)), 0),
            func.coalesce(func.sum(case((given_up, 1), else_=0)), 0),
            func.coalesce(func.sum(case((lately, 1), else_=0)), 0),
            func.min(case((waiting, OutboxMessage.created_at))),
        )
    ).one()
    failures = db.session.scalars(
        select(OutboxMessage)
        .where(unsent, OutboxMessage.last_error.is_not(None))
        .order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())
        .limit(recent)
    ).all()
    return OutboxStatus(
        pending=int(pending), sent=int(sent), failed=int(failed), recent_failures=list(failures),
        oldest_pending_at=oldest, given_up_since=int(given_up_lately),
    )


def retry_failed(now: datetime | None = None) -> int:
    """Give every message that was given up a fresh set of attempts (after fixing the mail settings)."""
    max_attempts = current_app.config["MAIL_MAX_ATTEMPTS"]
    result = db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.sent_at.is_(None), OutboxMessage.attempts >= max_attempts)
        .values(attempts=0, send_after=now or utcnow()),
        execution_options={"synchronize_session": False},
    )
    return result.rowcount
