"""RSVPs under load: many threads saying going and not going to one event at once, through the services.

    .venv/bin/python -m bench.rsvp_load [--database-url URL] [--processes 1] [--threads 8] [--members 240]
                                        [--capacity 100] [--changes 100]

Each thread answers for its own share of members, one change at a time as a request would (its own app
context and session, the rule, one commit), flipping each member between going and not going. With
--processes N there are N processes of --threads threads each, every process with its own app and
connections, as gunicorn runs workers: threads in one process share one interpreter (the GIL), so a thread
holding the event's lock can wait for the interpreter behind the others, and processes show the rate the
database itself allows. All start together. Measures
changes per second and each change's latency, then checks what the RSVP rules promise: no more seats held
than the capacity, nobody waiting while a seat is free, one row per person, a line numbered 1, 2, 3...
Writes bench/results/rsvp_load-<database>.json and remakes bench/RESULTS.md. Meant for PostgreSQL (row
locks); on SQLite every change waits for the one database write lock.
"""

from __future__ import annotations

import argparse
import multiprocessing
import queue
import sys
import threading
import time
from collections import Counter
from datetime import UTC, datetime, timedelta

from flask import Flask
from sqlalchemy import event as sa_event
from sqlalchemy import func, insert, select

from bench import report
from bench.database import app_for, fresh_database, machine, make_app
from bench.pages import percentile
from flashmob.events.models import Chapter, Event, EventStatus, Rsvp
from flashmob.events.rsvps import services as rsvps
from flashmob.extensions import db
from flashmob.members.models import User
from flashmob.members.passwords import hash_password
from flashmob.outbox import OutboxMessage

JOIN_TIMEOUT = 600


def create_event_and_members(app: Flask, members: int, capacity: int) -> tuple[int, list[int]]:
    """One published event in ten days (seats are given, not offered), and the members to answer it."""
    now = datetime.now(UTC).replace(microsecond=0)
    with app.app_context():
        password_hash = hash_password("flashmob-bench")
        db.session.execute(insert(User.__table__), [
            {"id": n, "email": f"load{n}@bench.example.org", "display_name": f"Load Tester {n}",
             "password_hash": password_hash,
             "email_confirmed_at": now, "created_at": now}
            for n in range(1, members + 1)
        ])
        chapter = Chapter(slug="load", name="Load", city="Load", timezone="Europe/London")
        db.session.add(chapter)
        db.session.flush()
        starts = now + timedelta(days=10)
        event = Event(
            chapter_id=chapter.id, title="A very popular evening", starts_at=starts,
            ends_at=starts + timedelta(hours=2), timezone="Europe/London", capacity=capacity,
            status=EventStatus.PUBLISHED, published_at=now, ical_uid="event-load@bench.flashmob.example.org",
        )
        db.session.add(event)
        db.session.commit()
        if db.engine.dialect.name == "postgresql":
            db.session.execute(select(func.setval(func.pg_get_serial_sequence("users", "id"), members)))
            db.session.commit()
        event_id = event.id
        db.session.remove()
    return event_id, list(range(1, members + 1))


class LockWatch:
    """With --watch-lock: per change, the statements run from taking the event's lock (SELECT ... FOR UPDATE;
    on SQLite the UPDATE of the event that takes the write lock) to COMMIT, COMMIT not counted, and how long
    the lock was held (from the locking statement's answer to COMMIT being sent, so without COMMIT's own
    round trip). Costs a little time itself."""

    def __init__(self, engine):
        self.statements: list[int] = []
        self.held_ms: list[float] = []
        self.lock = threading.Lock()
        sa_event.listen(engine, "before_cursor_execute", self.before)
        sa_event.listen(engine, "after_cursor_execute", self.after)
        sa_event.listen(engine, "commit", self.commit)
        sa_event.listen(engine, "rollback", self.rollback)

    @staticmethod
    def _locks(statement: str) -> bool:
        return "FOR UPDATE" in statement or statement.lstrip().startswith("UPDATE events SET id=events.id")

    def before(self, conn, cursor, statement, parameters, context, executemany):
        if "lock_count" in conn.info:
            conn.info["lock_count"] += 1

    def after(self, conn, cursor, statement, parameters, context, executemany):
        if "lock_count" not in conn.info and self._locks(statement):
            conn.info["lock_count"] = 1
            conn.info["lock_at"] = time.perf_counter()

    def commit(self, conn):
        if "lock_count" in conn.info:
            count = conn.info.pop("lock_count")
            held = (time.perf_counter() - conn.info.pop("lock_at")) * 1000
            with self.lock:
                self.statements.append(count)
                self.held_ms.append(held)

    def rollback(self, conn):
        conn.info.pop("lock_count", None)
        conn.info.pop("lock_at", None)


def _answer(
    app: Flask, event_id: int, shares: list[list[int]], changes: int, barrier, watch_lock: bool = False
) -> dict:
    """Run one thread per share, each making `changes` RSVP changes once `barrier` lets everyone go.

    Returns the latencies, outcomes and first errors of this process's threads."""
    latencies: list[float] = []
    outcomes: Counter = Counter()
    errors: list[str] = []
    lock = threading.Lock()

    def worker(share: list[int]):
        going: set[int] = set()
        mine, counted = [], Counter()
        barrier.wait(JOIN_TIMEOUT)
        for n in range(changes):
            user_id = share[n % len(share)]
            started = time.perf_counter()
            with app.app_context():
                try:
                    event = db.session.get(Event, event_id)
                    user = db.session.get(User, user_id)
                    if user_id in going:
                        rsvps.rsvp_not_going(event, user)
                    else:
                        rsvps.rsvp_going(event, user)
                    db.session.commit()
                    going.symmetric_difference_update({user_id})
                    counted["ok"] += 1
                except rsvps.RsvpError:
                    db.session.rollback()
                    counted["refused"] += 1
                except Exception as exc:
                    db.session.rollback()
                    counted["failed"] += 1
                    with lock:
                        errors.append(repr(exc)[:300])
                finally:
                    db.session.remove()
            mine.append((time.perf_counter() - started) * 1000)
        with lock:
            latencies.extend(mine)
            outcomes.update(counted)

    watch = None
    if watch_lock:
        with app.app_context():
            watch = LockWatch(db.engine)
    workers = [threading.Thread(target=worker, args=(share,)) for share in shares]
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join(JOIN_TIMEOUT)
    if any(thread.is_alive() for thread in workers):
        errors.insert(0, "a thread hung: a lock was never released")
        outcomes["failed"] += 1
    return {
        "latencies": latencies, "outcomes": dict(outcomes), "errors": errors,
        "lock_statements": watch.statements if watch else [], "lock_held_ms": watch.held_ms if watch else [],
    }


def _process(
    database_url: str, event_id: int, shares: list[list[int]], changes: int, barrier, results,
    watch_lock: bool,
) -> None:
    """One worker process: its own app and connection pool, its threads, its figures sent back."""
    app = app_for(database_url)
    try:
        results.put(_answer(app, event_id, shares, changes, barrier, watch_lock))
    except Exception as exc:  # never leave the parent waiting
        results.put({"latencies": [], "outcomes": {"failed": 1}, "errors": [repr(exc)[:300]]})
        raise
    finally:
        with app.app_context():
            db.engine.dispose()


def hammer(
    app: Flask, event_id: int, member_ids: list[int], *, threads: int, changes: int, processes: int = 1,
    database_url: str | None = None, watch_lock: bool = False,
) -> dict:
    """Every thread of every process makes `changes` RSVP changes for its share of the members, all
    starting together."""
    workers = threads * processes
    shares = [member_ids[n::workers] for n in range(workers)]
    if processes == 1:
        barrier = threading.Barrier(threads + 1)
        done: list[dict] = []
        runner = threading.Thread(
            target=lambda: done.append(_answer(app, event_id, shares, changes, barrier, watch_lock))
        )
        runner.start()
        barrier.wait(JOIN_TIMEOUT)
        started = time.perf_counter()
        runner.join()
        seconds = time.perf_counter() - started
    else:
        # Spawned, not forked: each process builds its app and connections afresh, none shared.
        context = multiprocessing.get_context("spawn")
        barrier = context.Barrier(workers + 1)
        results = context.Queue()
        children = [
            context.Process(
                target=_process,
                args=(
                    database_url, event_id, shares[p * threads:(p + 1) * threads], changes, barrier, results,
                    watch_lock,
                ),
            )
            for p in range(processes)
        ]
        for child in children:
            child.start()
        barrier.wait(JOIN_TIMEOUT)
        started = time.perf_counter()
        done = []
        try:
            for _ in children:
                done.append(results.get(timeout=JOIN_TIMEOUT))
        except queue.Empty:
            raise SystemExit("a process hung: a lock was never released") from None
        seconds = time.perf_counter() - started
        for child in children:
            child.join(JOIN_TIMEOUT)
    latencies = [ms for part in done for ms in part["latencies"]]
    outcomes: Counter = Counter()
    for part in done:
        outcomes.update(part["outcomes"])
    errors = [error for part in done for error in part["errors"]]
    if any("hung" in error for error in errors):
        raise SystemExit("a thread hung: a lock was never released")
    operations = sum(outcomes.values())
    statements = [n for part in done for n in part["lock_statements"]]
    held = [ms for part in done for ms in part["lock_held_ms"]]
    watched = {}
    if statements:
        watched = {
            "lock_statements_mean": round(sum(statements) / len(statements), 2),
            "lock_statements_max": max(statements),
            "lock_held_ms_mean": round(sum(held) / len(held), 2),
            "lock_held_ms_p50": round(percentile(held, 0.5), 2),
        }
    return {
        **watched,
        "processes": processes,
        "threads": threads,
        "operations": operations,
        "seconds": round(seconds, 2),
        "per_second": round(operations / seconds, 1),
        "p50_ms": round(percentile(latencies, 0.5), 2),
        "p95_ms": round(percentile(latencies, 0.95), 2),
        "refused": outcomes["refused"],
        "failed": outcomes["failed"],
        "first_errors": errors[:3],
    }


def check(app: Flask, event_id: int) -> dict:
    """What the rules promise, whatever order the threads ran in."""
    with app.app_context():
        event = db.session.get(Event, event_id)
        rows = list(db.session.scalars(select(Rsvp).where(Rsvp.event_id == event_id)))
        taken = rsvps.seats_taken(event)
        line = rsvps.waitlist(event)
        positions = [rsvps.waitlist_position(rsvp) for rsvp in line]
        problems = []
        if taken > event.capacity:
            problems.append(f"{taken} seats held for {event.capacity}")
        if len({rsvp.user_id for rsvp in rows}) != len(rows):
            problems.append("someone has two RSVPs")
        if positions != list(range(1, len(line) + 1)):
            problems.append("the waitlist has gaps or repeats")
        if line and taken != event.capacity:
            problems.append(f"{len(line)} waiting while {event.capacity - taken} seats are free")
        emails = db.session.scalar(select(func.count()).select_from(OutboxMessage))
        final = dict(Counter(rsvp.status for rsvp in rows))
        db.session.remove()
    checks = "; ".join(problems) if problems else (
        f"every check held ({taken} of {event.capacity} seats held, waitlist 1..{len(line)}, "
        f"{emails} emails queued)"
    )
    return {"capacity_held": not problems, "final": final, "checks": checks}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.rsvp_load", description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="a PostgreSQL server (a database is made on it and dropped); "
                        "default: a SQLite temp file")
    parser.add_argument("--processes", type=int, default=1,
                        help="worker processes, each with its own app and connections (default 1)")
    parser.add_argument("--threads", type=int, default=8, help="threads in each process (default 8)")
    parser.add_argument("--members", type=int, default=240)
    parser.add_argument("--capacity", type=int, default=100)
    parser.add_argument("--changes", type=int, default=100, help="RSVP changes per thread (default 100)")
    parser.add_argument("--watch-lock", action="store_true",
                        help="count the statements run under the event's lock and time how long it is held "
                        "(a little slower; implies --no-save)")
    parser.add_argument("--no-save", action="store_true", help="print only; leave bench/RESULTS.md alone")
    args = parser.parse_args(argv)
    if args.processes < 1 or args.threads < 1:
        parser.error("--processes and --threads must be at least 1")

    with fresh_database(args.database_url) as url:
        app = make_app(url)
        event_id, member_ids = create_event_and_members(app, args.members, args.capacity)
        result = hammer(app, event_id, member_ids, threads=args.threads, changes=args.changes,
                        processes=args.processes, database_url=url, watch_lock=args.watch_lock)
        result.update(check(app, event_id), members=args.members, capacity=args.capacity)
        about = machine(app)
        with app.app_context():
            db.engine.dispose()

    print(
        f"{about['database']}: {result['processes']} process{'es' if result['processes'] > 1 else ''} of "
        f"{result['threads']} threads, "
        f"{result['operations']} RSVP changes in "
        f"{result['seconds']}s = {result['per_second']}/s; "
        f"p50 {result['p50_ms']} ms, p95 {result['p95_ms']} ms; "
        f"refused {result['refused']}, failed {result['failed']}"
    )
    print(f"final: {result['final']}; {result['checks']}")
    if "lock_statements_mean" in result:
        print(
            f"under the lock: {result['lock_statements_mean']} statements a change (at most "
            f"{result['lock_statements_max']}, COMMIT not counted), held {result['lock_held_ms_mean']} ms "
            f"(median {result['lock_held_ms_p50']} ms)"
        )
    for error in result["first_errors"]:
        print(f"error: {error}")
    if not args.no_save and not args.watch_lock:
        report.save_rsvp_load("postgresql" if args.database_url else "sqlite", about, result,
                              processes=args.processes)
        print(f"wrote {report.RESULTS_MD.relative_to(report.ROOT)}")
    return 0 if result["capacity_held"] and not result["failed"] else 1


if __name__ == "__main__":
    sys.exit(main())
