"""Email that is never lost: queued with the change, delivered once by the worker, retried when it fails."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from flashmob.extensions import db
from flashmob.mail_worker import deliver_pending
from flashmob.outbox import OutboxMessage, queue_email, retry_delay
from flashmob.types import utcnow
from tests.mail import queue

ROOT = Path(__file__).resolve().parent.parent


def reload(message: OutboxMessage) -> OutboxMessage:
    db.session.expire_all()
    return db.session.get(OutboxMessage, message.id)


def outbox_count() -> int:
    return db.session.scalar(select(func.count()).select_from(OutboxMessage))


def test_a_rolled_back_change_queues_nothing(app, smtp, create_user):
    user = create_user("Mina Member")
    user.display_name = "Renamed"
    queue_email(to=user.email, subject="Name changed", template="test_message", kind="account",
                user_id=user.id, name="Mina", body="Your name changed.", event_url="http://localhost/")
    db.session.rollback()

    assert outbox_count() == 0
    assert deliver_pending().sent == 0
    assert smtp.messages == []


def test_a_queued_message_is_delivered_and_marked_sent(app, smtp):
    message = queue()

    report = deliver_pending()

    assert (report.sent, report.retrying, report.given_up) == (1, 0, 0)
    message = reload(message)
    assert message.sent_at is not None
    assert message.attempts == 0
    assert [email["Subject"] for email in smtp.messages] == ["You're going: Lessons learnt evening"]


def test_delivering_twice_sends_once(app, smtp):
    queue()

    deliver_pending()
    second = deliver_pending()

    assert second.sent == 0
    assert len(smtp.messages) == 1


def test_a_message_for_later_waits_until_it_is_due(app, smtp):
    message = queue()
    message.send_after = utcnow() + timedelta(hours=1)
    db.session.commit()

    assert deliver_pending().sent == 0
    assert deliver_pending(now=utcnow() + timedelta(hours=2)).sent == 1
    assert len(smtp.messages) == 1


def test_mail_server_down_keeps_the_message_without_using_an_attempt_and_it_arrives_later(app, smtp):
    message = queue()
    smtp.stop()

    before = utcnow()
    report = deliver_pending()

    assert (report.sent, report.retrying, report.given_up) == (0, 0, 0)
    assert "unavailable" in report.halted and "unavailable" in report.unavailable
    message = reload(message)
    assert message.sent_at is None
    assert message.attempts == 0  # it was never tried: the server could not be reached
    assert message.last_error is None
    assert message.send_after >= before + timedelta(minutes=1)

    smtp.start()
    assert deliver_pending().sent == 0  # it waits a minute before the next knock
    report = deliver_pending(now=utcnow() + timedelta(minutes=2))

    assert report.sent == 1
    assert reload(message).sent_at is not None
    assert len(smtp.messages) == 1


def test_an_outage_of_many_passes_uses_up_nobodys_attempts_and_then_everything_goes(app, smtp):
    queued = [queue(to=f"member{n}@example.org") for n in range(3)]
    smtp.stop()
    moment = utcnow()

    reports = []
    for _ in range(12):  # more passes than MAIL_MAX_ATTEMPTS, each after the pause
        reports.append(deliver_pending(now=moment))
        moment += timedelta(minutes=2)

    assert all(report.unavailable and report.sent == 0 for report in reports)
    assert [reload(message).attempts for message in queued] == [0, 0, 0]
    assert all(reload(message).last_error is None for message in queued)

    smtp.start()
    report = deliver_pending(now=moment)

    assert (report.sent, report.unavailable) == (3, None)
    assert sorted(email["To"] for email in smtp.messages) == [f"member{n}@example.org" for n in range(3)]


def test_a_server_that_offers_no_login_is_an_outage_not_the_messages_fault(app, smtp, monkeypatch):
    monkeypatch.setitem(app.config, "SMTP_USERNAME", "flashmob")  # the test server has no AUTH
    monkeypatch.setitem(app.config, "SMTP_PASSWORD", "secret")
    message = queue()

    report = deliver_pending()

    assert "unavailable" in report.unavailable
    assert reload(message).attempts == 0


def test_a_message_that_makes_the_server_hang_up_uses_an_attempt_and_the_others_go(app, smtp):
    poison = queue(to="hangup@example.org")
    good = queue(to="mina@example.org")
    smtp.dropped.add("hangup@example.org")

    report = deliver_pending()

    assert (report.sent, report.retrying, report.unavailable) == (1, 1, None)
    poison = reload(poison)
    assert poison.attempts == 1
    assert "hung up" in poison.last_error
    assert reload(good).sent_at is not None
    assert [email["To"] for email in smtp.messages] == ["mina@example.org"]


def test_a_server_closing_a_kept_connection_between_messages_costs_no_attempt(app, smtp):
    smtp.messages_per_connection = 1  # many servers cap the emails on one connection
    queued = [queue(to=f"member{n}@example.org") for n in range(3)]

    report = deliver_pending()

    assert (report.sent, report.retrying, report.unavailable) == (3, 0, None)
    assert [reload(message).attempts for message in queued] == [0, 0, 0]
    assert len(smtp.messages) == 3


class WorkerKilled(BaseException):
    """The worker process dies (SIGKILL, the machine goes down): nothing after this point runs."""


class DiesWhileSending:
    """A backend whose worker is killed in the middle of talking to the mail server."""

    def send(self, email):
        raise WorkerKilled

    def close(self):
        pass


@pytest.mark.parametrize(
    ("smtp_timeout", "claim_window"),
    [(30.0, timedelta(minutes=3)), (120.0, timedelta(minutes=9))],  # 4 SMTP timeouts and a minute
)
def test_a_message_left_by_a_worker_that_died_goes_to_another_worker_after_the_claim_window(
    app, smtp, monkeypatch, smtp_timeout, claim_window
):
    monkeypatch.setitem(app.config, "SMTP_TIMEOUT", smtp_timeout)
    message = queue()
    claimed_at = utcnow()
    with pytest.raises(WorkerKilled):
        deliver_pending(backend=DiesWhileSending(), now=claimed_at)
    db.session.rollback()

    # A live worker may still be talking to the server until then: nobody else takes the message.
    assert deliver_pending(now=claimed_at + claim_window - timedelta(seconds=1)).sent == 0
    assert smtp.messages == []
    assert deliver_pending(now=claimed_at + claim_window + timedelta(seconds=1)).sent == 1

    assert len(smtp.messages) == 1
    assert reload(message).sent_at is not None


def test_retries_back_off_1_5_25_minutes_and_are_capped():
    assert [retry_delay(n) for n in (1, 2, 3, 4)] == [
        timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=25), timedelta(minutes=125)
    ]
    assert retry_delay(5) == retry_delay(20) == timedelta(hours=6)


def test_a_message_that_always_makes_the_server_hang_up_is_given_up_after_the_last_attempt(
    app, smtp, monkeypatch
):
    monkeypatch.setitem(app.config, "MAIL_MAX_ATTEMPTS", 3)
    message = queue()
    smtp.dropped.add("mina@example.org")
    moment = utcnow()

    reports = []
    for _ in range(4):
        reports.append(deliver_pending(now=moment))
        moment += timedelta(hours=7)

    assert [(r.retrying, r.given_up) for r in reports] == [(1, 0), (1, 0), (0, 1), (0, 0)]
    message = reload(message)
    assert message.attempts == 3
    assert message.sent_at is None
    smtp.dropped.clear()
    assert deliver_pending(now=moment + timedelta(days=1)).sent == 0
    assert smtp.messages == []


def test_a_refused_recipient_is_given_up_at_once_and_does_not_block_the_others(app, smtp):
    bad = queue(to="nobody@example.org")
    good = queue(to="mina@example.org")
    smtp.refused.add("nobody@example.org")

    report = deliver_pending()

    assert (report.sent, report.given_up) == (1, 1)
    bad = reload(bad)
    assert bad.sent_at is None
    assert bad.attempts == app.config["MAIL_MAX_ATTEMPTS"]
    assert "550" in bad.last_error
    assert reload(good).sent_at is not None
    assert [email["To"] for email in smtp.messages] == ["mina@example.org"]


def test_a_message_that_cannot_be_built_is_given_up_and_the_others_go(app, smtp):
    broken = queue()
    broken.calendar, broken.calendar_method = "BEGIN:VCALENDAR", "PUBLISHED?"
    db.session.commit()
    queue(to="olu@example.org")

    report = deliver_pending()

    assert (report.sent, report.given_up) == (1, 1)
    assert "cannot build" in reload(broken).last_error
    assert [email["To"] for email in smtp.messages] == ["olu@example.org"]


def test_console_backend_prints_the_email_with_its_links(app, capsys):
    assert app.config["MAIL_BACKEND"] == "console"
    message = queue(unsubscribe_url="http://localhost/unsubscribe/abc123")

    report = deliver_pending()

    printed = capsys.readouterr().out
    assert report.sent == 1
    assert "To: mina@example.org" in printed
    assert "Subject: You're going: Lessons learnt evening" in printed
    assert "Hello Mina," in printed
    assert "http://localhost/events/7" in printed
    assert "List-Unsubscribe: <http://localhost/unsubscribe/abc123>" in printed
    assert "text/plain, text/html" in printed
    assert reload(message).sent_at is not None


def test_limit_bounds_one_pass(app, smtp):
    for _ in range(5):
        queue()

    assert deliver_pending(limit=2).sent == 2
    assert deliver_pending(limit=10).sent == 3
    assert len(smtp.messages) == 5


def test_two_workers_at_once_send_each_message_exactly_once(app, smtp, backend):
    queued = [queue(to=f"member{n}@example.org") for n in range(30)]
    start = threading.Barrier(2)
    reports, errors = [], []

    def worker():
        with app.app_context():
            try:
                start.wait()
                reports.append(deliver_pending())
            except Exception as exc:  # surfaced below: a thread's exception would otherwise be lost
                errors.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert sum(report.sent for report in reports) == 30
    recipients = sorted(email["To"] for email in smtp.messages)
    assert recipients == sorted(f"member{n}@example.org" for n in range(30))
    assert len({email["Message-ID"] for email in smtp.messages}) == 30
    assert all(reload(message).sent_at is not None for message in queued)


# The command line: flask --app wsgi outbox send | status | retry


def test_outbox_send_command_delivers_and_prints_counts(app, smtp):
    queue()

    result = app.test_cli_runner().invoke(args=["outbox", "send"])

    assert result.exit_code == 0, result.output
    assert "sent 1, will retry 0, given up 0" in result.output
    assert len(smtp.messages) == 1


def test_outbox_send_command_exits_1_when_the_mail_server_is_unreachable(app, smtp):
    message = queue()
    smtp.stop()  # its port is closed now

    result = app.test_cli_runner().invoke(args=["outbox", "send"])

    assert result.exit_code == 1, result.output
    assert "unavailable" in result.stderr
    assert "Connection refused" in result.stderr or "ConnectionRefusedError" in result.stderr
    assert reload(message).attempts == 0


def test_outbox_send_command_exits_1_when_it_gives_a_message_up_not_when_one_will_be_retried(app, smtp):
    queue(to="hangup@example.org")
    smtp.dropped.add("hangup@example.org")
    runner = app.test_cli_runner()

    retrying = runner.invoke(args=["outbox", "send"])
    queue(to="nobody@example.org")
    queue(to="mina@example.org")
    smtp.refused.add("nobody@example.org")
    giving_up = runner.invoke(args=["outbox", "send"])

    assert retrying.exit_code == 0, retrying.output
    assert "sent 0, will retry 1, given up 0" in retrying.output
    assert giving_up.exit_code == 1, giving_up.output
    assert "sent 1, will retry 0, given up 1" in giving_up.output


def test_outbox_send_help_explains_the_exit_status(app):
    result = app.test_cli_runner().invoke(args=["outbox", "send", "--help"])

    assert "exits with status 1 when the mail server could not be reached" in " ".join(result.output.split())


def test_outbox_status_check_passes_while_mail_flows(app, smtp):
    queue()
    deliver_pending()
    queue()  # just queued: waiting is normal

    result = app.test_cli_runner().invoke(args=["outbox", "status", "--check"])

    assert result.exit_code == 0, result.output
    assert "Check passed" in result.output


def test_outbox_status_check_fails_when_a_message_has_waited_too_long(app, smtp):
    message = queue()
    message.created_at = utcnow() - timedelta(minutes=45)
    db.session.commit()
    smtp.stop()
    deliver_pending()  # the outage uses no attempt, so only the wait can tell

    failing = app.test_cli_runner().invoke(args=["outbox", "status", "--check"])
    patient = app.test_cli_runner().invoke(args=["outbox", "status", "--check", "--max-age", "60"])

    assert failing.exit_code == 1, failing.output
    assert "Check failed: a message has waited 45 minutes (limit 30 minutes)" in failing.stderr
    assert "Pending: 1 (the oldest queued 45 min ago)" in failing.output
    assert patient.exit_code == 0, patient.output


def test_outbox_status_check_fails_for_a_while_after_a_message_is_given_up(app, smtp):
    old = queue(to="nobody@example.org")
    old.created_at = old.send_after = utcnow() - timedelta(minutes=41)
    db.session.commit()
    smtp.refused.add("nobody@example.org")
    deliver_pending(now=utcnow() - timedelta(minutes=40))
    runner = app.test_cli_runner()

    assert runner.invoke(args=["outbox", "status", "--check"]).exit_code == 0  # given up 40 minutes ago

    queue(to="nobody@example.org")
    deliver_pending()
    result = runner.invoke(args=["outbox", "status", "--check"])

    assert result.exit_code == 1, result.output
    assert "1 message(s) given up in the last 30 minutes" in result.stderr
    assert "Failed:  2" in result.output


def test_outbox_send_command_refuses_smtp_without_a_host(app, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_BACKEND", "smtp")
    monkeypatch.setitem(app.config, "SMTP_HOST", None)

    result = app.test_cli_runner().invoke(args=["outbox", "send"])

    assert result.exit_code != 0
    assert "FLASHMOB_SMTP_HOST" in result.output


def test_production_worker_refuses_to_print_mail_instead_of_sending_it(app, monkeypatch):
    queue()
    monkeypatch.setitem(app.config, "ENV_NAME", "production")
    monkeypatch.setitem(app.config, "MAIL_BACKEND", "console")

    result = app.test_cli_runner().invoke(args=["outbox", "send"])

    assert result.exit_code != 0
    assert "production delivers email over SMTP" in result.output
    unsent = select(func.count()).select_from(OutboxMessage).where(OutboxMessage.sent_at.is_(None))
    assert db.session.scalar(unsent) == 1


def test_outbox_status_shows_pending_sent_failed_and_recent_failures(app, smtp):
    queue()
    deliver_pending()
    queue(to="nobody@example.org")
    smtp.refused.add("nobody@example.org")
    deliver_pending()
    queue()
    queue()

    result = app.test_cli_runner().invoke(args=["outbox", "status"])

    assert result.exit_code == 0, result.output
    assert "Pending: 2" in result.output
    assert "Sent:    1" in result.output
    assert "Failed:  1" in result.output
    assert "to nobody@example.org" in result.output
    assert "gave up" in result.output
    assert "No such user" in result.output


def test_outbox_retry_sends_given_up_messages_again(app, smtp):
    message = queue(to="typo@example.org")
    smtp.refused.add("typo@example.org")
    deliver_pending()
    smtp.refused.clear()

    result = app.test_cli_runner().invoke(args=["outbox", "retry"])

    assert result.exit_code == 0, result.output
    assert "1 failed message(s)" in result.output
    assert deliver_pending().sent == 1
    assert reload(message).sent_at is not None


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_worker_loop_keeps_going_through_an_outage_and_says_so(app, database_url):
    message = queue()
    queued_until = reload(message).send_after
    env = {k: v for k, v in os.environ.items() if not k.startswith("FLASHMOB_")}
    env |= {"FLASHMOB_ENV": "development", "FLASHMOB_DATABASE_URL": database_url,
            "FLASHMOB_SMTP_HOST": "127.0.0.1", "FLASHMOB_SMTP_PORT": str(closed_port()),
            "PYTHONUNBUFFERED": "1"}
    worker = subprocess.Popen(  # noqa: S603 (our own command, no outside input)
        [str(ROOT / ".venv/bin/flask"), "--app", "wsgi", "outbox", "send", "--loop", "--interval", "0.2"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while reload(message).send_after == queued_until and time.monotonic() < deadline:
            time.sleep(0.1)  # until the worker has knocked and given the message back
        time.sleep(0.5)  # a few more passes
        worker.send_signal(signal.SIGTERM)
        out, err = worker.communicate(timeout=30)
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.communicate()

    assert worker.returncode == 0, err
    assert "unavailable" in err and "nothing lost, trying again in 0.2 s" in err
    message = reload(message)
    assert message.send_after > queued_until
    assert (message.attempts, message.sent_at) == (0, None)
    assert "Outbox worker stopped." in out


@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT])
def test_worker_loop_delivers_and_stops_cleanly_on_a_signal(app, database_url, stop_signal):
    message = queue(subject="Worker loop test")
    env = {k: v for k, v in os.environ.items() if not k.startswith("FLASHMOB_")}
    env |= {"FLASHMOB_ENV": "development", "FLASHMOB_DATABASE_URL": database_url,
            "FLASHMOB_MAIL_BACKEND": "console", "PYTHONUNBUFFERED": "1"}
    worker = subprocess.Popen(  # noqa: S603 (our own command, no outside input)
        [str(ROOT / ".venv/bin/flask"), "--app", "wsgi", "outbox", "send", "--loop", "--interval", "0.2"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while reload(message).sent_at is None and time.monotonic() < deadline:
            time.sleep(0.1)
        worker.send_signal(stop_signal)
        out, err = worker.communicate(timeout=30)
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.communicate()

    assert reload(message).sent_at is not None, err
    assert worker.returncode == 0, err
    assert "Subject: Worker loop test" in out
    assert "Outbox worker stopped." in out
