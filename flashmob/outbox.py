"""Email that is never lost: every email is a row written in the caller's transaction; a worker sends it.

Three ways in, each in the caller's transaction (the caller commits):
- queue_email(): an email written now, templates rendered (account mail, whose links carry tokens made now);
- queue_message(): one person's email, left unrendered: its kind and a small payload of ids and frozen facts,
  which the mail worker turns into words and a calendar invitation just before sending it (RSVP mail, so
  that nothing is rendered while the event is locked);
- queue_fanout(): one job for an email to many people, a single row whatever the audience; the worker
  expands it into one unrendered message per recipient, opt-outs applied.
If the request fails, its transaction rolls back and nothing is sent; if the mail server is down, the rows
wait and the worker tries again later. The worker is flashmob/mail_worker.py.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app, render_template
from jinja2 import TemplateNotFound
from sqlalchemy import (
    JSON,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    case,
    exists,
    false,
    func,
    select,
    text,
    update,
)
from sqlalchemy.orm import Mapped, mapped_column

from flashmob import mailer, notifications
from flashmob.email_kinds import EmailKind, setting_for, templates_of
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


class OutboxJob(db.Model):
    """An email to many people, waiting for the mail worker to write one message per recipient."""

    __tablename__ = "outbox_jobs"
    __table_args__ = (
        # The worker looks only for unfinished jobs: a small index however many finished ones are kept.
        Index(
            "ix_outbox_jobs_unfinished", "id",
            postgresql_where=text("done_at IS NULL"), sqlite_where=text("done_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # The EmailKind of the messages it becomes; mail_registry.AUDIENCES says who gets them.
    kind: Mapped[str] = mapped_column(String(40))
    # Ids and frozen facts that every message of the job shares ({"event_id": 7}); renderers read them
    # with the message's own payload. Dropped after FLASHMOB_MAIL_RETENTION_DAYS (prune_old_mail).
    payload: Mapped[dict | None] = mapped_column(JSON(none_as_null=True))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Recipients are written in user id order, a batch per transaction: the last one written, so that a
    # job left half-done by a worker that died goes on from there.
    last_user_id: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # How many messages it has written so far (people who stopped the kind get none).
    queued: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # A worker expanding the job holds it until then; another worker may take it over afterwards.
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Why the last attempt to expand it failed (it is tried again after a pause).
    error: Mapped[str | None] = mapped_column(Text)

    def __repr__(self) -> str:
        return f"<OutboxJob {self.id} {self.kind}>"


class OutboxMessage(db.Model):
    """One email waiting to be sent, or sent."""

    __tablename__ = "outbox_messages"
    __table_args__ = (
        # The worker's claim reads only unsent messages, in send_after order (mail_worker._claim_next):
        # the index holds just those, so it stays small however many sent messages are kept.
        Index(
            "ix_outbox_messages_unsent", "send_after", "id",
            postgresql_where=text("sent_at IS NULL"), sqlite_where=text("sent_at IS NULL"),
        ),
        # Retention (prune_old_mail) finds the sent messages that still have their bodies.
        Index(
            "ix_outbox_messages_kept_bodies", "sent_at",
            postgresql_where=text("text_body IS NOT NULL"), sqlite_where=text("text_body IS NOT NULL"),
        ),
        # A job writes one message per recipient: a batch written twice (by a worker that took over a
        # job whose worker died, say) inserts nothing the second time.
        UniqueConstraint("job_id", "user_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # What kind of email this is (an EmailKind): members can stop kinds they do not want.
    kind: Mapped[str] = mapped_column(String(40))
    to_address: Mapped[str] = mapped_column(String(254))
    # An email is its recipient's private data: it goes with their account, sent or not.
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # The fan-out job that wrote it, if one did.
    job_id: Mapped[int | None] = mapped_column(ForeignKey("outbox_jobs.id", ondelete="SET NULL"))
    # For a message queued unrendered: the ids and frozen facts its renderer needs ({"rsvp_id": 7,
    # "status": "waitlisted", ...}). Subject and bodies stay empty until the worker renders it.
    payload: Mapped[dict | None] = mapped_column(JSON(none_as_null=True))
    subject: Mapped[str | None] = mapped_column(String(200))
    # The bodies and the invitation are dropped FLASHMOB_MAIL_RETENTION_DAYS after sending; the row stays.
    text_body: Mapped[str | None] = mapped_column(Text)
    html_body: Mapped[str | None] = mapped_column(Text)
    # An iCalendar invitation sent with the message, and its METHOD (REQUEST or CANCEL).
    calendar: Mapped[str | None] = mapped_column(Text)
    calendar_method: Mapped[str | None] = mapped_column(String(20))
    # Where replies go, when someone chose (an organiser's message); otherwise replies go to the sender.
    reply_to: Mapped[str | None] = mapped_column(String(254))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    send_after: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    last_error: Mapped[str | None] = mapped_column(Text)
    # Where a one-click "stop this kind of email" goes (sent as List-Unsubscribe); none for account mail.
    unsubscribe_url: Mapped[str | None] = mapped_column(String(2000))

    @property
    def is_rendered(self) -> bool:
        """Whether its subject and bodies are written (unsent and without them, it waits for the worker)."""
        return self.text_body is not None

    def __repr__(self) -> str:
        return f"<OutboxMessage {self.id} {self.kind} to {self.to_address}>"


# Queueing


def queue_email(
    *,
    to: str,
    subject: str,
    kind: EmailKind,
    template: str | None = None,
    user_id: int | None = None,
    calendar: str | None = None,
    calendar_method: str | None = None,
    unsubscribe_url: str | None = None,
    **context,
) -> OutboxMessage | None:
    """Queue an email written now, in the current transaction; the caller commits.

    `template` names a pair under templates/email/: `<template>.txt` (required) and `<template>.html`
    (optional), by default the kind's own (email_kinds.templates_of); both get `context` and
    `unsubscribe_url`. A `calendar` (iCalendar text) needs its
    `calendar_method`, REQUEST or CANCEL; an `unsubscribe_url` becomes the one-click List-Unsubscribe.
    None, and nothing queued, when the member (`user_id`) stopped this kind (_stopped).
    """
    if _stopped(kind, user_id):
        return None
    message = OutboxMessage(kind=EmailKind(kind), to_address=to.strip(), user_id=user_id)
    template = template or templates_of(kind)[0]
    draft = Draft(subject, template, context, calendar=calendar, calendar_method=calendar_method)
    write(message, draft, unsubscribe_url=unsubscribe_url)
    db.session.add(message)
    db.session.flush()
    return message


def queue_message(
    kind: EmailKind, *, user_id: int, to: str, payload: dict, stopped: bool | None = None
) -> OutboxMessage | None:
    """Queue one person's email unrendered, in the current transaction: the worker renders it to send it.

    `payload` holds ids and frozen facts only (JSON: numbers, strings, lists), what the kind's renderer
    (mail_registry.RENDERERS) needs. None, and nothing queued, when the member stopped this kind:
    `stopped` says whether they did when the caller already knows (read before taking a lock, say), else
    it is looked up here. The row is inserted with the session's next flush or commit, together with
    whatever else is waiting, so that under a lock it costs at most the look-up and one insert.
    """
    if stopped if stopped is not None else _stopped(kind, user_id):
        return None
    message = OutboxMessage(kind=EmailKind(kind), to_address=to.strip(), user_id=user_id, payload=payload)
    db.session.add(message)
    return message


def queue_fanout(kind: EmailKind, payload: dict) -> OutboxJob:
    """Queue an email to many people as one job, in the current transaction, whatever the audience's size.

    The worker finds the recipients (mail_registry.AUDIENCES[kind], with the job's `payload` of ids and
    frozen facts), leaves out those who stopped the kind, and writes and sends one message to each.
    """
    job = OutboxJob(kind=EmailKind(kind), payload=payload)
    db.session.add(job)
    db.session.flush()
    return job


def _stopped(kind: EmailKind, user_id: int | None) -> bool:
    """Whether the member stopped this kind of email: the one place a single email asks (a job's
    expansion asks for a whole batch at once). Kinds nobody can stop never ask."""
    setting = setting_for(kind)
    return setting is not None and user_id is not None and notifications.has_opted_out(user_id, setting)


# Writing an email's words


@dataclass
class Draft:
    """An email before its templates are rendered: what queue_email() is given and a renderer returns."""

    subject: str
    template: str
    context: dict
    calendar: str | None = None
    calendar_method: str | None = None
    reply_to: str | None = None


@dataclass(frozen=True)
class Recipient:
    """One person a fan-out job writes to, found by its audience: their account, address, and the facts
    that are theirs alone (their RSVP's status, say), stored as their message's payload."""

    user_id: int
    to_address: str
    facts: dict | None = None


def write(message: OutboxMessage, draft: Draft, *, unsubscribe_url: str | None = None) -> None:
    """Render a draft into a message: subject, text and HTML bodies, the footer its kind wants, invitation.

    A member's (message.user_id) email of a kind they can stop gets their one-click unsubscribe link, and
    the footer says what it stops and where the settings are (`email_kind_label`, `email_settings_url`).
    Nothing on the message changes if a template fails.
    """
    method = (draft.calendar_method or "").upper() or None
    if draft.calendar is not None and method not in mailer.CALENDAR_METHODS:
        raise ValueError(f"a calendar needs calendar_method REQUEST or CANCEL, not {draft.calendar_method!r}")
    context = draft.context
    setting = setting_for(message.kind)
    if setting is not None and message.user_id is not None:
        footer = notifications.footer_context(message.user_id, setting)
        one_click = footer.pop("unsubscribe_url")
        unsubscribe_url = unsubscribe_url or one_click
        context = {**footer, **context}
    context = {**context, "unsubscribe_url": unsubscribe_url}
    text_body = render_template(f"email/{draft.template}.txt", **context)
    try:
        html_body = render_template(f"email/{draft.template}.html", **context)
    except TemplateNotFound:  # an HTML version is optional
        html_body = None
    # Subjects often carry an event's title: one line, so that it cannot break the headers.
    message.subject = " ".join(draft.subject.split())[:200]
    message.text_body = text_body
    message.html_body = html_body
    message.calendar = draft.calendar
    message.calendar_method = method
    message.unsubscribe_url = unsubscribe_url
    message.reply_to = draft.reply_to


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
class OutboxStatus:
    """How the outbox stands: for `flask outbox status`."""

    pending: int
    sent: int
    failed: int
    recent_failures: list[OutboxMessage] = field(default_factory=list)
    # When the message (or fan-out job) waiting longest was queued (None: nothing waits).
    oldest_pending_at: datetime | None = None
    # How many messages were given up at or after outbox_status()'s `since`.
    given_up_since: int = 0
    # Fan-out jobs not yet expanded into messages, and the last error of one that failed.
    jobs_waiting: int = 0
    job_error: str | None = None


def outbox_status(recent: int = 10, *, since: datetime | None = None) -> OutboxStatus:
    """Counts of pending (including retrying), sent and given-up messages, and the latest failures;
    when the oldest pending message or job was queued, and how many were given up at or after `since`."""
    max_attempts = current_app.config["MAIL_MAX_ATTEMPTS"]
    unsent = OutboxMessage.sent_at.is_(None)
    waiting = unsent & (OutboxMessage.attempts < max_attempts)
    given_up = unsent & (OutboxMessage.attempts >= max_attempts)
    # A given-up message's send_after is when it was given up (mail_worker._record_failure).
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
    jobs_waiting, oldest_job = db.session.execute(
        select(func.count(OutboxJob.id), func.min(OutboxJob.created_at)).where(OutboxJob.done_at.is_(None))
    ).one()
    job_error = db.session.scalar(
        select(OutboxJob.error)
        .where(OutboxJob.done_at.is_(None), OutboxJob.error.is_not(None))
        .order_by(OutboxJob.id)
        .limit(1)
    )
    # A job nobody expands is mail nobody sends: the health check counts it as waiting.
    oldest = min((moment for moment in (oldest, oldest_job) if moment is not None), default=None)
    return OutboxStatus(
        pending=int(pending), sent=int(sent), failed=int(failed), recent_failures=list(failures),
        oldest_pending_at=oldest, given_up_since=int(given_up_lately),
        jobs_waiting=int(jobs_waiting), job_error=job_error,
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


# Retention


@dataclass
class Pruned:
    """What prune_old_mail() forgot."""

    messages: int
    jobs: int


def prune_old_mail(now: datetime | None = None) -> Pruned:
    """Forget the words of email sent more than FLASHMOB_MAIL_RETENTION_DAYS ago; the caller commits.

    A sent message keeps its row (kind, address, subject, when it was queued and sent, its attempts) and
    loses its bodies, its invitation and its payload; a finished job loses its payload once none of its
    messages may still be sent (the renderers read it). Messages given up keep everything, so that
    `outbox retry` can still send them.
    """
    now = now or utcnow()
    cutoff = now - timedelta(days=current_app.config["MAIL_RETENTION_DAYS"])
    max_attempts = current_app.config["MAIL_MAX_ATTEMPTS"]
    messages = db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.sent_at < cutoff, OutboxMessage.text_body.is_not(None))
        .values(text_body=None, html_body=None, calendar=None, payload=None),
        execution_options={"synchronize_session": False},
    ).rowcount
    still_to_send = exists().where(
        OutboxMessage.job_id == OutboxJob.id,
        OutboxMessage.sent_at.is_(None),
        OutboxMessage.attempts < max_attempts,
    )
    jobs = db.session.execute(
        update(OutboxJob)
        .where(OutboxJob.done_at < cutoff, OutboxJob.payload.is_not(None), ~still_to_send)
        .values(payload=None),
        execution_options={"synchronize_session": False},
    ).rowcount
    return Pruned(messages=messages, jobs=jobs)
