"""How many SQL statements the important pages run, and how long they take, on small and large data.

    .venv/bin/python -m bench.pages [--database-url URL] [--scale small|large] [--runs N]

Builds a fresh database (a SQLite temp file, or a new database on the PostgreSQL server named by
--database-url, dropped afterwards), fills it at each scale, and requests every page with Flask's test
client: N timed runs after a warm-up, counting statements with SQLAlchemy's before_cursor_execute. Prints a
table and writes bench/results/pages-<database>.json, then remakes bench/RESULTS.md from every result.
A page whose statement count differs between the scales runs a query per row somewhere: it is flagged.
"""

from __future__ import annotations

import argparse
import math
import re
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from flask import Flask
from sqlalchemy import event

from bench import report
from bench.data import SCALES, Fixtures, generate
from bench.database import backend_name, fresh_database, machine, make_app
from flashmob.extensions import db


@dataclass(frozen=True)
class Page:
    name: str
    url: Callable[[Fixtures], str]
    viewer: str | None = None  # None (signed out), "member" (going to the event) or "organiser"


PAGES = [
    Page("home", lambda f: "/"),
    Page("chapters", lambda f: "/chapters"),
    Page("chapter", lambda f: f"/chapters/{f.chapter_slug}"),
    Page("upcoming", lambda f: "/events"),
    Page("past", lambda f: "/events/past"),
    Page("past, last page", lambda f: f"/events/past?after={f.past_last_key}"),
    Page("event detail, signed out", lambda f: f"/events/{f.event_id}"),
    Page("event detail, member", lambda f: f"/events/{f.event_id}", "member"),
    Page("event detail, organiser", lambda f: f"/events/{f.event_id}", "organiser"),
    Page("attendees", lambda f: f"/events/{f.event_id}/attendees", "organiser"),
    Page("check-in", lambda f: f"/events/{f.past_event_id}/check-in", "organiser"),
    Page("attendees CSV", lambda f: f"/events/{f.past_event_id}/attendees.csv", "organiser"),
    Page("chapter feed", lambda f: f"/chapters/{f.chapter_slug}/calendar.ics"),
    Page("all feed", lambda f: "/calendar.ics"),
    Page("personal feed", lambda f: f"/calendar/{f.member_calendar_token}.ics"),
    Page("profile", lambda f: f"/members/{f.member_id}"),
    Page("account", lambda f: "/account", "member"),
]
SLOW_MS = 100.0


class StatementRecorder:
    """Counts the statements of one request and times each (SQLAlchemy's cursor events)."""

    def __init__(self):
        self.statements: list[str] = []
        self.durations: dict[str, list[float]] = defaultdict(list)
        self._started: float | None = None

    def before(self, conn, cursor, statement, parameters, context, executemany):
        self.statements.append(statement)
        self._started = time.perf_counter()

    def after(self, conn, cursor, statement, parameters, context, executemany):
        if self._started is not None:
            self.durations[" ".join(statement.split())].append((time.perf_counter() - self._started) * 1000)
            self._started = None

    def total_ms(self, runs: int) -> float:
        """The time spent in the database per request (averaged over the runs)."""
        return sum(sum(times) for times in self.durations.values()) / runs

    def slowest(self, runs: int) -> tuple[str, float]:
        """The statement that took longest per request, and its milliseconds (averaged over the runs)."""
        if not self.durations:
            return "", 0.0
        sql, times = max(self.durations.items(), key=lambda item: sum(item[1]))
        return sql, sum(times) / runs


def signed_in_client(app: Flask, sign_in_token: str):
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = sign_in_token
        session["_fresh"] = True
    return client


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[max(math.ceil(share * len(ordered)) - 1, 0)]


def measure(app: Flask, fixtures: Fixtures, *, runs: int, warmup: int) -> list[dict]:
    """Each page: statements per request, median and p95 milliseconds, response size."""
    clients = {
        None: app.test_client(),
        "member": signed_in_client(app, fixtures.member_token),
        "organiser": signed_in_client(app, fixtures.organiser_token),
    }
    with app.app_context():
        engine = db.engine
    results = []
    for page in PAGES:
        client, url = clients[page.viewer], page.url(fixtures)
        for _ in range(warmup):
            _get(client, url)
        recorder = StatementRecorder()
        event.listen(engine, "before_cursor_execute", recorder.before)
        event.listen(engine, "after_cursor_execute", recorder.after)
        counts, times, size = [], [], 0
        try:
            for _ in range(runs):
                before = len(recorder.statements)
                started = time.perf_counter()
                size = len(_get(client, url))
                times.append((time.perf_counter() - started) * 1000)
                counts.append(len(recorder.statements) - before)
        finally:
            event.remove(engine, "before_cursor_execute", recorder.before)
            event.remove(engine, "after_cursor_execute", recorder.after)
        slowest_sql, slowest_ms = recorder.slowest(runs)
        results.append({
            "page": page.name,
            "url": _generic(url, fixtures),
            "viewer": page.viewer or "signed out",
            "statements": max(counts),
            "statements_vary": min(counts) != max(counts),
            "median_ms": round(statistics.median(times), 2),
            "p95_ms": round(percentile(times, 0.95), 2),
            "sql_ms": round(recorder.total_ms(runs), 2),
            "bytes": size,
            "slowest_sql": report.abbreviate(slowest_sql)[:400],
            "slowest_sql_ms": round(slowest_ms, 2),
        })
    return results


def _get(client, url: str) -> bytes:
    response = client.get(url)
    if response.status_code != 200:
        raise SystemExit(f"GET {url} answered {response.status_code}, not 200: the benchmark data is wrong")
    return response.get_data()


def _generic(url: str, fixtures: Fixtures) -> str:
    """The URL with its ids and secrets replaced by their names, the same at every scale."""
    url = url.replace(fixtures.member_calendar_token, "<token>").replace(fixtures.chapter_slug, "<slug>")
    url = re.sub(rf"/events/{fixtures.past_event_id}\b", "/events/<past_id>", url)
    url = re.sub(rf"/events/{fixtures.event_id}\b", "/events/<id>", url)
    url = re.sub(rf"/members/{fixtures.member_id}\b", "/members/<id>", url)
    return re.sub(r"after=[\d,]+", "after=<last>", url)


def run_scale(server_url: str | None, scale_name: str, *, runs: int, warmup: int) -> tuple[dict, dict]:
    """Fill a fresh database at one scale and measure every page; returns (machine, results)."""
    with fresh_database(server_url) as url:
        app = make_app(url)
        started = time.perf_counter()
        with app.app_context():
            fixtures = generate(SCALES[scale_name])
            fixtures.past_last_key = _past_last_key(app)
            db.session.remove()
        load_seconds = time.perf_counter() - started
        print(f"{backend_name(app)}, {scale_name}: generated {fixtures.rows} in {load_seconds:.1f}s",
              file=sys.stderr)
        pages = measure(app, fixtures, runs=runs, warmup=warmup)
        about = machine(app)
        with app.app_context():
            db.engine.dispose()
    return about, {
        "rows": fixtures.rows,
        "load_seconds": round(load_seconds, 1),
        "runs": runs,
        "warmup": warmup,
        "pages": pages,
    }


def _past_last_key(app: Flask) -> str:
    """The key of the event just before the last page of past events: what a reader following "Older
    evenings" to the end would send."""
    from sqlalchemy import func, select

    from flashmob.events.evenings import queries
    from flashmob.paging import Key
    from flashmob.types import utcnow

    events = queries.past_events(utcnow())
    total = db.session.scalar(select(func.count()).select_from(events.subquery()))
    before_last = max(total - app.config["PER_PAGE"] - 1, 0)
    event = db.session.scalars(events.offset(before_last).limit(1)).first()
    return str(Key(event.starts_at, event.id)) if event else ""


def print_table(backend: str, scale: str, pages: list[dict]) -> None:
    print(f"\n{backend}, {scale} scale")
    print(f"{'page':<26} {'SQL':>4} {'SQL ms':>7} {'median ms':>10} {'p95 ms':>8} {'KB':>7}")
    for row in pages:
        flag = "  SLOW" if scale == "large" and row["median_ms"] > SLOW_MS else ""
        print(
            f"{row['page']:<26} {row['statements']:>4} {row['sql_ms']:>7.1f} {row['median_ms']:>10.1f} "
            f"{row['p95_ms']:>8.1f} "
            f"{row['bytes'] / 1024:>7.1f}{flag}"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.pages", description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="a PostgreSQL server (a database is made on it and dropped); "
                        "default: a SQLite temp file")
    parser.add_argument("--scale", choices=sorted(SCALES), action="append",
                        help="small or large (repeatable); default: both")
    parser.add_argument("--runs", type=int, default=30, help="timed requests per page (default 30)")
    parser.add_argument("--warmup", type=int, default=3, help="untimed requests first (default 3)")
    parser.add_argument("--no-save", action="store_true", help="print only; leave bench/RESULTS.md alone")
    args = parser.parse_args(argv)

    scales = args.scale or ["small", "large"]
    measured: dict[str, dict] = {}
    about = backend = None
    for scale in scales:
        about, measured[scale] = run_scale(args.database_url, scale, runs=args.runs, warmup=args.warmup)
        backend = "postgresql" if args.database_url else "sqlite"
        print_table(about["database"], scale, measured[scale]["pages"])

    flagged = report.compare_scales(measured)
    for line in flagged:
        print(f"FLAG: {line}")
    if not args.no_save:
        report.save_pages(backend, about, measured)
        print(f"\nwrote {report.RESULTS_MD.relative_to(report.ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
