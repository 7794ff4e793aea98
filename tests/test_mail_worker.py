"""The mail worker: bulk jobs expanded without losing or doubling anyone, messages rendered when sent,
old mail's words forgotten, and the index its claim reads."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select, text, update

from flashmob import mail_worker, notifications
from flashmob.events import jobs
from flashmob.events.messaging import emails
from flashmob.events.models import Rsvp, RsvpStatus
from flashmob.events.rsvps import services as rsvps
from flashmob.extensions import db
from flashmob.mail_worker import JOB_CLAIM, deliver_pending, expand_jobs
from flashmob.outbox import OutboxJob, OutboxMessage, prune_old_mail
from flashmob.types import utcnow
from tests.mail import deliver, queue


class WorkerKilled(BaseException):
    """The worker's process dies: nothing after this point runs, and no handler catches it."""


@pytest.fixture
def attendees(create_event, create_user):
    """An event with seven people going, in user id order."""
    event = create_event(capacity=None)
    people = [create_user(f"Person {n}", email=f"person{n}@example.org") for n in range(7)]
    for person in people:
        db.session.add(Rsvp(event_id=event.id, user_id=person.id, status=RsvpStatus.GOING))
    db.session.commit()
    return event, people


def messages_by_recipient(kind: str) -> dict[str, int]:
    rows = db.session.execute(
        select(OutboxMessage.to_address, func.count()).where(OutboxMessage.kind == kind)
        .group_by(OutboxMessage.to_address)
    )
    return dict(rows.all())


def the_job() -> OutboxJob:
    db.session.expire_all()
    return db.session.scalars(select(OutboxJob)).one()


def die_after_batches(monkeypatch, batches: int) -> None:
    """Kill the worker as it starts batch number `batches` + 1, after the earlier ones were committed."""
    real = notifications.opted_out_of
    started = []

    def opted_out_of(*args):
        started.append(1)
        if len(started) > batches:
            raise WorkerKilled()
        return real(*args)

    monkeypatch.setattr(notifications, "opted_out_of", opted_out_of)


# Expanding jobs


def test_a_job_half_written_by_a_worker_that_died_is_finished_by_the_next_without_duplicates(
    app, attendees, monkeypatch
):
    event, people = attendees
    emails.tell_event_changed(event)
    db.session.commit()
    die_after_batches(monkeypatch, 1)

    with pytest.raises(WorkerKilled):
        expand_jobs(batch_size=3)
    db.session.rollback()
    monkeypatch.undo()

    # The first batch is written and the job knows it; the dead worker's claim still holds it.
    assert sum(messages_by_recipient("event_changed").values()) == 3
    assert the_job().last_user_id == people[2].id and the_job().done_at is None
    assert expand_jobs(batch_size=3) == 0
    # Once the claim runs out, another worker (or the same one, restarted) finishes from there.
    assert expand_jobs(batch_size=3, now=utcnow() + JOB_CLAIM + timedelta(seconds=1)) == 4

    assert messages_by_recipient("event_changed") == {person.email: 1 for person in people}
    job = the_job()
    assert job.done_at is not None and job.queued == 7


def test_a_batch_written_again_after_its_progress_was_lost_adds_nobody_twice(app, attendees, monkeypatch):
    event, people = attendees
    emails.tell_event_cancelled(event)
    db.session.commit()
    die_after_batches(monkeypatch, 2)
    with pytest.raises(WorkerKilled):
        expand_jobs(batch_size=3)
    db.session.rollback()
    monkeypatch.undo()
    # As if the worker had died after writing its batches but before their progress was kept.
    db.session.execute(update(OutboxJob).values(last_user_id=0, queued=0))
    db.session.commit()

    expand_jobs(batch_size=3, now=utcnow() + JOB_CLAIM + timedelta(seconds=1))

    assert messages_by_recipient("event_cancelled") == {person.email: 1 for person in people}
    assert the_job().queued == 1  # only the seventh was new


def test_two_workers_expanding_at_once_write_every_message_exactly_once(app, create_event, create_user):
    people = [create_user(f"Person {n}", email=f"person{n}@example.org") for n in range(9)]
    events = [create_event(capacity=None) for _ in range(3)]
    for event in events:
        for person in people:
            db.session.add(Rsvp(event_id=event.id, user_id=person.id, status=RsvpStatus.GOING))
        db.session.flush()
        emails.tell_event_changed(event)
    db.session.commit()
    barrier = threading.Barrier(2)
    errors = []

    def work():
        try:
            with app.app_context():
                barrier.wait()
                expand_jobs(batch_size=2)
                db.session.remove()
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    assert errors == []
    db.session.expire_all()
    assert messages_by_recipient("event_changed") == {person.email: 3 for person in people}
    assert db.session.scalar(select(func.count()).where(OutboxJob.done_at.is_(None))) == 0


def test_people_who_stopped_the_kind_before_the_job_was_expanded_get_nothing(app, attendees):
    event, people = attendees
    emails.tell_event_changed(event)
    db.session.commit()
    notifications.stop_kind(people[3].id, "event_changes")
    db.session.commit()

    expand_jobs()

    assert set(messages_by_recipient("event_changed")) == {p.email for p in people} - {people[3].email}


def test_a_job_that_fails_to_expand_waits_and_says_why_then_finishes(app, attendees, monkeypatch):
    event, _ = attendees
    emails.tell_event_changed(event)
    db.session.commit()

    def broken(facts, *, after, limit):
        raise RuntimeError("the audience query broke")

    monkeypatch.setitem(mail_worker.AUDIENCES, "event_changed", broken)
    assert expand_jobs() == 0
    monkeypatch.undo()

    assert "the audience query broke" in the_job().error
    assert expand_jobs() == 0  # it waits before trying again
    assert expand_jobs(now=utcnow() + mail_worker.JOB_RETRY_PAUSE + timedelta(seconds=1)) == 7
    assert the_job().error is None


# Rendering when sending


def test_a_message_that_cannot_be_written_is_given_up_with_the_reason_and_the_others_go(
    app, smtp, create_event, create_user
):
    event = create_event()
    ada, ben = create_user("Ada", email="ada@example.org"), create_user("Ben", email="ben@example.org")
    rsvps.rsvp_going(event, ada)
    rsvps.rsvp_going(event, ben)
    db.session.commit()
    # Ada's RSVP goes before the worker writes her email (an organiser deleted it, say).
    db.session.delete(rsvps.rsvp_for(event, ada))
    db.session.commit()

    report = deliver_pending()

    assert (report.sent, report.given_up) == (1, 1)
    assert [str(email["To"]) for email in smtp.messages] == ["ben@example.org"]
    failed = db.session.scalars(select(OutboxMessage).where(OutboxMessage.to_address == ada.email)).one()
    assert failed.sent_at is None and "no longer exists" in failed.last_error
    assert deliver_pending().given_up == 0  # never tried again


def test_an_unrendered_message_gets_its_words_when_it_is_sent_and_keeps_them(
    app, smtp, create_event, create_user
):
    event = create_event(title="Lessons learnt")
    ada = create_user("Ada", email="ada@example.org")
    rsvps.rsvp_going(event, ada)
    db.session.commit()
    message = db.session.scalars(select(OutboxMessage)).one()
    assert (message.subject, message.text_body, message.payload["status"]) == (None, None, "going")

    deliver(smtp)

    db.session.refresh(message)
    assert message.subject == "You have a seat: Lessons learnt"
    assert "You have a seat at Lessons learnt" in message.text_body
    assert message.calendar_method == "REQUEST" and message.sent_at is not None


# Retention


def test_sent_mail_loses_its_words_after_the_retention_period_and_keeps_its_record(
    app, monkeypatch, attendees
):
    monkeypatch.setitem(app.config, "MAIL_RETENTION_DAYS", 7)
    now = utcnow()
    old_sent, recent_sent, old_unsent = (queue(to=f"{name}@example.org") for name in ("old", "new", "unsent"))
    given_up = queue(to="given-up@example.org")
    old_sent.sent_at = now - timedelta(days=8)
    recent_sent.sent_at = now - timedelta(days=6)
    old_unsent.created_at = now - timedelta(days=30)
    given_up.attempts, given_up.created_at = app.config["MAIL_MAX_ATTEMPTS"], now - timedelta(days=30)
    event, _ = attendees
    emails.tell_event_changed(event)
    db.session.commit()
    expand_jobs(now=now - timedelta(days=8))
    # The job finished 8 days ago; all its messages were sent but one, which is still being retried.
    db.session.execute(update(OutboxMessage).where(OutboxMessage.job_id.is_not(None)).values(
        sent_at=now - timedelta(days=8), text_body="Hello", subject="Changed"
    ))
    db.session.commit()

    report = jobs.run_tick(now)

    assert report.failed == []
    db.session.expire_all()
    assert (old_sent.text_body, old_sent.html_body, old_sent.calendar) == (None, None, None)
    assert (old_sent.subject, old_sent.to_address, old_sent.kind) == (
        "You're going: Lessons learnt evening", "old@example.org", "rsvp_confirmed"
    )
    assert old_sent.sent_at is not None and old_sent.created_at is not None
    for kept in (recent_sent, old_unsent, given_up):
        assert kept.text_body is not None
    assert the_job().payload is None  # every message of it was sent
    assert "8 sent emails emptied" in "; ".join(report.done)

    # A job with a message still to send keeps what its renderer reads.
    emails.tell_event_cancelled(event)
    db.session.commit()
    expand_jobs(now=now - timedelta(days=8))
    assert prune_old_mail(now).jobs == 0
    cancelled = db.session.scalars(select(OutboxJob).where(OutboxJob.kind == "event_cancelled")).one()
    assert cancelled.payload == {"event_id": event.id}


# The index the worker reads


def test_the_claim_of_the_next_message_reads_the_index_of_unsent_messages(app, backend):
    for n in range(3):
        queue(to=f"person{n}@example.org")
    claim = (
        select(OutboxMessage.id)
        .where(mail_worker._due(utcnow(), app.config["MAIL_MAX_ATTEMPTS"]))
        .order_by(OutboxMessage.send_after, OutboxMessage.id)
        .limit(1)
        .with_for_update(skip_locked=True)
    )
    compiled = claim.compile(db.engine)
    connection = db.session.connection()
    if backend == "postgresql":
        # A table of three rows is read whole unless told otherwise; the question is whether the index serves.
        connection.execute(text("SET LOCAL enable_seqscan = off"))
        explain = "EXPLAIN "
    else:
        explain = "EXPLAIN QUERY PLAN "
    params = compiled.params
    if compiled.positional:
        params = tuple(params[name] for name in compiled.positiontup)
    plan = connection.exec_driver_sql(explain + str(compiled), params).all()

    assert "ix_outbox_messages_unsent" in " ".join(str(row) for row in plan)
    db.session.rollback()
