"""Command-line tasks: `flask --app wsgi seed-demo`, `outbox send|status|retry`, `events tick`."""

from __future__ import annotations

import contextlib
import signal
import threading
import time
from datetime import timedelta

import click
from flask import Flask, current_app


def register_cli(app: Flask) -> None:
    @app.cli.command("seed-demo")
    @click.option("--if-empty", is_flag=True, help="Do nothing when the database already has chapters.")
    def seed_demo_command(if_empty: bool) -> None:
        """Fill the database with demo chapters, members and events (safe to run twice)."""
        from flashmob.demo import seed_demo

        summary = seed_demo(only_if_empty=if_empty)
        click.echo(summary)

    @app.cli.command("seed-bench")
    @click.option("--scale", default=1.0, show_default=True, type=click.FloatRange(min=0.0001, max=1),
                  help="Every count times this (0.01 is a hundredth of the default network).")
    @click.option("--chapters", type=click.IntRange(min=2), help="Chapters (default 200).")
    @click.option("--members", type=click.IntRange(min=1), help="Accounts (default 100,000).")
    @click.option("--events", type=click.IntRange(min=1), help="Evenings (default 20,000).")
    @click.option("--rsvps", type=click.IntRange(min=0), help="RSVPs in all (default 1,000,000).")
    @click.option("--lessons", type=click.IntRange(min=1), help="Lessons in all (default 50,000).")
    @click.option("--comments", type=click.IntRange(min=1), help="Comments in all (default 200,000).")
    @click.option("--force", is_flag=True, help="Delete every row in the database first, if it has any.")
    def seed_bench_command(scale: float, force: bool, **counts) -> None:
        """Fill an empty database with a large made-up network for the benchmark (bench/seed.py)."""
        try:
            from bench import seed
        except ImportError:
            raise click.ClickException("seed-bench needs the bench/ folder of a source checkout.") from None

        size = seed.size_from_options(scale, **counts)
        size.check()
        if not seed.is_empty():
            if not force:
                raise click.ClickException(
                    "The database already has members or chapters: seed-bench fills an empty one "
                    "(--force deletes every row first)."
                )
            seed.empty_database()
        click.echo(f"Seeding {seed.describe(size)}.", err=True)
        started = time.perf_counter()
        counts_written = seed.generate(size)
        click.echo(
            f"Seeded in {time.perf_counter() - started:.0f} s: "
            + ", ".join(f"{n:,} {name}" for name, n in counts_written.items())
        )

    app.cli.add_command(outbox_group)
    app.cli.add_command(events_group)
    from flashmob.search import search_group

    app.cli.add_command(search_group)


@contextlib.contextmanager
def stop_on_signals():
    """An event that the first SIGTERM or Ctrl-C sets, so a worker finishes its pass and stops;
    a second one stops at once. The previous handlers come back afterwards."""
    stop = threading.Event()
    previous = {}

    def request_stop(signum, frame):
        stop.set()
        signal.signal(signum, previous[signum])

    for signum in (signal.SIGTERM, signal.SIGINT):
        previous[signum] = signal.signal(signum, request_stop)
    try:
        yield stop
    finally:
        for signum, handler in previous.items():
            if signal.getsignal(signum) is request_stop:
                signal.signal(signum, handler)


@click.group("outbox")
def outbox_group() -> None:
    """Deliver queued email and see how delivery stands."""


@outbox_group.command("send")
@click.option("--loop", is_flag=True, help="Keep running, delivering every --interval seconds (a worker).")
@click.option("--interval", default=10.0, show_default=True, type=click.FloatRange(min=0.1),
              help="Seconds between passes with --loop.")
@click.option("--limit", default=100, show_default=True, type=click.IntRange(min=1),
              help="Most messages to send in one pass.")
def send_command(loop: bool, interval: float, limit: int) -> None:
    """Write out waiting bulk jobs and send the email that is due: once, or with --loop until stopped
    (SIGTERM or Ctrl-C).

    Once, it exits with status 1 when the mail server could not be reached or a message was given up
    in this pass, and 0 otherwise, so that a supervisor or a health check sees an outage. With --loop
    it keeps going through an outage, saying so on stderr each pass, and exits 0 when stopped.
    """
    from flashmob import mailer
    from flashmob.extensions import db
    from flashmob.mail_worker import deliver_pending

    try:
        mailer.backend_from_config(current_app.config)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    if current_app.config["ENV_NAME"] == "production" and current_app.config["MAIL_BACKEND"] == "console":
        # In production, printing would mark real people's email as sent while nobody receives it.
        raise click.ClickException(
            "FLASHMOB_SMTP_HOST is not set: production delivers email over SMTP, not to the console."
        )
    if not loop:
        report = deliver_pending(limit=limit)
        click.echo(f"Outbox: {report}.", err=not report.ok)
        if not report.ok:
            raise SystemExit(1)
        return

    backend_name = current_app.config["MAIL_BACKEND"]
    click.echo(f"Outbox worker: delivering every {interval:g} s by {backend_name}; Ctrl-C stops.")
    with stop_on_signals() as stop:
        while not stop.is_set():
            busy = False
            try:
                report = deliver_pending(limit=limit, should_stop=stop.is_set)
            except Exception as exc:  # the database may be restarting: say so, and try again next pass
                db.session.rollback()
                current_app.logger.exception("outbox pass failed")
                click.echo(f"Outbox: this pass failed ({exc}); trying again in {interval:g} s.", err=True)
            else:
                if report.unavailable:
                    click.echo(f"Outbox: {report}; nothing lost, trying again in {interval:g} s.", err=True)
                elif report.sent or report.retrying or report.given_up or report.expanded:
                    click.echo(f"Outbox: {report}.")
                busy = report.sent + report.retrying + report.given_up >= limit and not report.halted
            finally:
                db.session.remove()
            if not busy:  # a full pass means more may be waiting: go again at once
                stop.wait(interval)
    click.echo("Outbox worker stopped.")


@outbox_group.command("status")
@click.option("--recent", default=10, show_default=True, type=click.IntRange(min=0),
              help="How many recent failures to list.")
@click.option("--check", is_flag=True, help="Exit with status 1 when delivery is in trouble (health checks).")
@click.option("--max-age", default=30, show_default=True, type=click.IntRange(min=1), metavar="MINUTES",
              help="With --check: how long a message may wait before delivery counts as in trouble.")
def status_command(recent: int, check: bool, max_age: int) -> None:
    """Show how many messages are pending, sent and failed, and the latest failures.

    With --check it exits with status 1 when the oldest message still waiting was queued more than
    --max-age minutes ago (the mail server is down, no worker runs, or a message keeps failing) or a
    message was given up in that time, and 0 otherwise: a health check for the mail worker.
    """
    from flashmob.outbox import outbox_status
    from flashmob.types import utcnow

    now = utcnow()
    since = now - timedelta(minutes=max_age)
    status = outbox_status(recent=recent, since=since)
    max_attempts = current_app.config["MAIL_MAX_ATTEMPTS"]
    waited = None
    if status.oldest_pending_at is not None:
        waited = int((now - status.oldest_pending_at).total_seconds() // 60)
    click.echo(f"Pending: {status.pending}" + (f" (the oldest queued {waited} min ago)" if waited else ""))
    click.echo(f"Sent:    {status.sent}")
    click.echo(f"Failed:  {status.failed} (gave up after {max_attempts} attempts; `outbox retry` resends)")
    if status.jobs_waiting:
        line = f"Bulk jobs waiting to be expanded: {status.jobs_waiting}"
        click.echo(line + (f" (the last error: {status.job_error})" if status.job_error else ""))
    if status.recent_failures:
        click.echo("Recent failures:")
    for message in status.recent_failures:
        if message.attempts >= max_attempts:
            state = "gave up"
        else:
            state = f"next try {message.send_after:%Y-%m-%d %H:%M} UTC"
        click.echo(
            f"  #{message.id} {message.kind} to {message.to_address}, "
            f"{message.attempts} attempt(s), {state}: {message.last_error}"
        )
    if not check:
        return
    problems = []
    if status.oldest_pending_at is not None and status.oldest_pending_at < since:
        problems.append(f"a message has waited {waited} minutes")
    if status.given_up_since:
        problems.append(f"{status.given_up_since} message(s) given up in the last {max_age} minutes")
    if problems:
        click.echo(f"Check failed: {'; '.join(problems)} (limit {max_age} minutes).", err=True)
        raise SystemExit(1)
    click.echo(f"Check passed: no message has waited {max_age} minutes, none given up in that time.")


@outbox_group.command("retry")
def retry_command() -> None:
    """Try again every message that was given up (after fixing the mail settings, say)."""
    from flashmob.extensions import db
    from flashmob.outbox import retry_failed

    count = retry_failed()
    db.session.commit()
    click.echo(f"{count} failed message(s) will be sent on the next pass.")


@click.group("events")
def events_group() -> None:
    """The events' periodic jobs."""


@events_group.command("tick")
@click.option("--loop", is_flag=True, help="Keep running, a tick every --interval seconds (a worker).")
@click.option("--interval", default=60.0, show_default=True, type=click.FloatRange(min=0.1),
              help="Seconds between ticks with --loop.")
def tick_command(loop: bool, interval: float) -> None:
    """Run the periodic jobs (pass on lapsed seat offers, ...): once, or with --loop until stopped."""
    from flashmob.events.jobs import run_tick
    from flashmob.extensions import db

    if not loop:
        report = run_tick()
        click.echo(f"Events tick: {report}.")
        if report.failed:
            raise SystemExit(1)
        return

    click.echo(f"Events worker: a tick every {interval:g} s; Ctrl-C stops.")
    with stop_on_signals() as stop:
        while not stop.is_set():
            try:
                click.echo(f"Events tick: {run_tick()}.")
            except Exception as exc:  # the database may be restarting: say so, and try again next time
                db.session.rollback()
                current_app.logger.exception("events tick failed")
                click.echo(f"Events tick failed ({exc}); trying again in {interval:g} s.", err=True)
            finally:
                db.session.remove()
            stop.wait(interval)
    click.echo("Events worker stopped.")
