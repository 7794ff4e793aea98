"""The mail worker: expands fan-out jobs into messages, renders each message just before sending it, sends it.

`flask outbox send` runs deliver_pending(). Each pass first expands the waiting jobs (expand_jobs), then
claims due messages one at a time, renders those queued unrendered (render_message) and hands them to the
mail server. Expansion and rendering happen here, outside any web request: a request that emails 500
people writes one row, and an RSVP holds its event's lock for the seat decision only.

Nothing is lost: a job is written a batch per transaction, the batch and the job's progress together, so a
worker that dies leaves the job where its last batch ended, and whoever takes the job over (after its claim
runs out) goes on from there; a unique (job, recipient) pair makes a batch written twice insert nothing
the second time.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite

from flashmob import mailer, notifications
from flashmob.email_kinds import EmailKind
from flashmob.extensions import db
from flashmob.mail_registry import AUDIENCES, RENDERERS
from flashmob.outbox import (
    OUTAGE_PAUSE,
    OutboxJob,
    OutboxMessage,
    claim_window,
    retry_delay,
    write,
)
from flashmob.types import utcnow

log = logging.getLogger(__name__)

# Recipients written per transaction: big enough that a job for thousands takes a few transactions, small
# enough that one transaction stays short and a worker that dies loses little work.
BATCH_SIZE = 200
# A worker holds a job this long from its latest batch; a job whose worker died is taken over after it.
JOB_CLAIM = timedelta(minutes=2)
# A job whose expansion failed (a bug, the database restarting) is tried again after this pause.
JOB_RETRY_PAUSE = timedelta(minutes=5)


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
    # Messages written by expanding fan-out jobs in this pass.
    expanded: int = 0

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
        if self.expanded:
            text = f"{self.expanded} written from bulk jobs, {text}"
        return f"{text} (stopped early: {self.halted})" if self.halted else text


def deliver_pending(
    limit: int = 100,
    *,
    backend: mailer.Backend | None = None,
    now: datetime | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> DeliveryReport:
    """Expand the waiting fan-out jobs, then send up to `limit` due messages, one transaction each, so one
    bad message never blocks the rest.

    Safe with several workers at once: each message is claimed by one atomic UPDATE (choosing the row
    with FOR UPDATE SKIP LOCKED on PostgreSQL) before it is sent, and no lock is held while talking to
    the mail server. A message queued unrendered is rendered once claimed; one that cannot be rendered or
    built is given up at once, its error recorded. When the server cannot be reached the pass stops and
    the message it was for loses no attempt: an outage uses up nobody's attempts. Commits the session:
    call it with no unfinished work of your own in it.
    """
    config = current_app.config
    backend = backend or mailer.backend_from_config(config)
    max_attempts = config["MAIL_MAX_ATTEMPTS"]
    claim_for = claim_window(config)
    sender, domain = config["MAIL_FROM"], config["ICAL_DOMAIN"]
    report = DeliveryReport()
    try:
        report.expanded = expand_jobs(now=now, should_stop=should_stop)
        for _ in range(limit):
            if should_stop and should_stop():
                report.halted = "asked to stop"
                break
            moment = now or utcnow()
            message = _claim_next(moment, max_attempts, claim_for)
            if message is None:
                break
            try:
                if not message.is_rendered:
                    render_message(message)
                email = mailer.build_message(message, sender=sender, domain=domain)
            except Exception as exc:  # a row that cannot become an email never will: give up on it now
                log.exception("outbox message %s cannot be written or built", message.id)
                db.session.rollback()  # whatever the renderer half-did; the claim is already committed
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


# Rendering at send time


def render_message(message: OutboxMessage) -> None:
    """Write an unrendered message's subject, bodies and invitation, as its kind's renderer says, from the
    facts it was queued with (its job's payload, then its own). The caller commits."""
    renderer = RENDERERS.get(EmailKind(message.kind))
    if renderer is None:
        raise LookupError(f"no renderer for {message.kind} email, and it was queued unrendered")
    facts = {}
    if message.job_id is not None:
        job = db.session.get(OutboxJob, message.job_id)
        if job is not None and job.payload:
            facts.update(job.payload)
    facts.update(message.payload or {})
    write(message, renderer(message, facts))


# Fan-out jobs


def expand_jobs(
    *,
    now: datetime | None = None,
    batch_size: int = BATCH_SIZE,
    should_stop: Callable[[], bool] | None = None,
) -> int:
    """Write the messages of every job waiting, a batch per transaction; how many were written.

    Each job is claimed first (FOR UPDATE SKIP LOCKED on PostgreSQL), so two workers expand different
    jobs; a job whose worker died is claimed again once JOB_CLAIM has passed since its last batch. Commits
    the session.
    """
    written = 0
    while not (should_stop and should_stop()):
        job = _claim_job(now or utcnow())
        if job is None:
            break
        written += _expand(job, now=now, batch_size=batch_size, should_stop=should_stop)
    return written


def _expand(job: OutboxJob, *, now, batch_size: int, should_stop) -> int:
    """Write one job's messages from where it got to, until done, stopped, or taken over by another worker."""
    job_id, kind = job.id, EmailKind(job.kind)
    audience = AUDIENCES[kind]
    written = 0
    try:
        while True:
            moment = now or utcnow()
            job = db.session.get(OutboxJob, job_id, populate_existing=True)
            after = job.last_user_id
            page = audience(job.payload or {}, after=after, limit=batch_size)
            stopped = notifications.opted_out_of([person.user_id for person in page], kind)
            rows = [
                {
                    "kind": kind, "job_id": job_id, "user_id": person.user_id,
                    "to_address": person.to_address.strip(), "payload": person.facts,
                    "created_at": utcnow(), "send_after": moment,
                }
                for person in page
                if person.user_id not in stopped
            ]
            inserted = _insert_new(rows)
            finished = len(page) < batch_size
            # The progress moves only from where this worker read it: if another worker took the job
            # over meanwhile, nothing here is kept (its batch, or ours, is already written).
            advanced = db.session.execute(
                update(OutboxJob)
                .where(OutboxJob.id == job_id, OutboxJob.last_user_id == after)
                .values(
                    last_user_id=page[-1].user_id if page else after,
                    queued=OutboxJob.queued + inserted,
                    claimed_until=moment + JOB_CLAIM,
                    done_at=moment if finished else None,
                    error=None,
                ),
                execution_options={"synchronize_session": False},
            ).rowcount
            if not advanced:
                db.session.rollback()
                return written
            db.session.commit()
            written += inserted
            if finished:
                return written
            if should_stop and should_stop():
                _release_job(job_id, None)
                return written
    except Exception as exc:  # a bug or the database going away: keep the job, try again later
        db.session.rollback()
        log.exception("outbox job %s (%s) could not be expanded", job_id, kind)
        _release_job(job_id, (now or utcnow()) + JOB_RETRY_PAUSE, error=f"cannot expand: {exc!r}")
        return written


def _insert_new(rows: list[dict]) -> int:
    """Insert these messages, leaving out any this job already wrote (its unique job and user pair); how many
    went in. INSERT ... ON CONFLICT DO NOTHING, on SQLite and PostgreSQL alike."""
    if not rows:
        return 0
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    statement = (
        dialect.insert(OutboxMessage.__table__)
        .on_conflict_do_nothing(index_elements=["job_id", "user_id"])
        .returning(OutboxMessage.__table__.c.id)
    )
    return len(db.session.execute(statement, rows).all())


def _claim_job(moment: datetime) -> OutboxJob | None:
    """Take the oldest job that is neither finished nor held by a live worker, or None."""
    db.session.commit()  # the claim must be the first statement of its own transaction
    free = OutboxJob.done_at.is_(None) & (
        OutboxJob.claimed_until.is_(None) | (OutboxJob.claimed_until <= moment)
    )
    next_id = (
        select(OutboxJob.id)
        .where(free)
        .order_by(OutboxJob.id)
        .limit(1)
        .with_for_update(skip_locked=True)
        .scalar_subquery()
    )
    claimed_id = db.session.execute(
        update(OutboxJob)
        .where(OutboxJob.id == next_id, free)
        .values(claimed_until=moment + JOB_CLAIM)
        .returning(OutboxJob.id),
        execution_options={"synchronize_session": False},
    ).scalar_one_or_none()
    db.session.commit()
    if claimed_id is None:
        return None
    return db.session.get(OutboxJob, claimed_id, populate_existing=True)


def _release_job(job_id: int, until: datetime | None, *, error: str | None = None) -> None:
    """Let go of a job: free for any worker at `until` (None: at once), with the error that stopped it."""
    values = {"claimed_until": until}
    if error is not None:
        values["error"] = error[:2000]
    db.session.execute(
        update(OutboxJob).where(OutboxJob.id == job_id).values(**values),
        execution_options={"synchronize_session": False},
    )
    db.session.commit()


# Claiming and recording messages


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
    the UPDATE. The choice reads the partial index of unsent messages (ix_outbox_messages_unsent).
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
