"""`make bench`: the app under gunicorn's production settings on PostgreSQL, loaded over HTTP on loopback.

    .venv/bin/python -m bench.http_bench [--scale 1] [--seconds 10] [--server-url postgresql://...]

1. A database of its own (flashmob_bench on the server named), seeded once by `flask seed-bench` at the
   size asked and reused while the size matches (the size is kept as the database's comment).
2. The references first, then the app, each under `gunicorn -c gunicorn.conf.py` (or, without that file,
   the same choices on the command line: gthread workers, 2 per core, 4 threads), FLASHMOB_ENV=production.
3. Every URL is loaded for --seconds after a second's warm-up by bench/loadgen.py from other processes:
   16 connections for pages and feeds, 32 members for RSVP/cancel, whose seats are checked afterwards.
4. The slowest statements of the pages, with their plans: pg_stat_statements needs to be preloaded by the
   server (shared_preload_libraries), which a stock install does not do, so each page is also requested
   in-process with every statement timed, and the slowest are run again under EXPLAIN ANALYZE with the
   parameters they had.
5. A markdown table, also written as the last section of bench/RESULTS.md, and bench/results/http.json.
"""

from __future__ import annotations

import argparse
import contextlib
import html
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.engine import make_url

from bench import loadgen
from bench.seed import Size, describe, size_from_options

ROOT = Path(__file__).resolve().parent.parent
RESULTS_MD = ROOT / "bench" / "RESULTS.md"
RESULTS_JSON = ROOT / "bench" / "results" / "http.json"
HEADING = "## Production benchmark (make bench)"
# Bumped when seed.py changes what it makes, so that an older seeded database is rebuilt.
SEED_VERSION = 1
PAGE_CLIENTS = 16
RSVP_CLIENTS = 32
P99_TARGET_MS = 150.0


@dataclass
class Row:
    name: str
    kind: str  # "reference", "page", "feed", "rsvp"
    clients: int
    requests: int
    rps: float
    p50: float
    p99: float
    errors: str
    ratio_bare: float = 0.0
    ratio_rows: float = 0.0
    target: str = ""
    met: str = ""


# --- The database --------------------------------------------------------------------------------------


def _admin_conninfo(server_url: str) -> str:
    return make_url(server_url).set(drivername="postgresql").render_as_string(hide_password=False)


def database_url(server_url: str, name: str) -> str:
    return make_url(server_url).set(drivername="postgresql", database=name).render_as_string(
        hide_password=False)


def ensure_seeded(server_url: str, name: str, size: Size, env: dict[str, str]) -> bool:
    """Create and seed the database unless it holds this size already; True when it was (re)built."""
    import psycopg

    marker = json.dumps({"seed_version": SEED_VERSION, **asdict(size)}, sort_keys=True)
    flask = [str(ROOT / ".venv" / "bin" / "flask"), "--app", "wsgi"]

    def upgrade():
        # Our own programs, with arguments made here (S603).
        subprocess.run([*flask, "db", "upgrade"], env=env, cwd=ROOT, check=True,  # noqa: S603
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    with psycopg.connect(_admin_conninfo(server_url), autocommit=True) as conn:
        found = conn.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s", (name,)
        ).fetchone()
        if found and found[0] == marker:
            upgrade()  # a kept database gets the indexes of newer migrations too
            return False
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    upgrade()
    options = [f"--{key}={value}" for key, value in asdict(size).items()]
    subprocess.run([*flask, "seed-bench", *options], env=env, cwd=ROOT, check=True)  # noqa: S603
    with psycopg.connect(_admin_conninfo(server_url), autocommit=True) as conn:
        conn.execute(f"COMMENT ON DATABASE \"{name}\" IS '{marker}'")
    return True


def statement_stats(url: str, *, reset: bool) -> list[tuple] | None:
    """pg_stat_statements' view of the run, when the server preloads it (shared_preload_libraries; a stock
    install does not, and CREATE EXTENSION alone is not enough): None when it is not there. With reset, it
    empties the counts (before the app's load); otherwise it returns the ten statements with the most time."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        preloaded = conn.execute("SHOW shared_preload_libraries").fetchone()[0]
        if "pg_stat_statements" not in preloaded:
            return None
        conn.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements")
        if reset:
            conn.execute("SELECT pg_stat_statements_reset()")
            return []
        return conn.execute(
            "SELECT calls, total_exec_time, mean_exec_time, query FROM pg_stat_statements "
            "WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) "
            "ORDER BY total_exec_time DESC LIMIT 10"
        ).fetchall()


# --- Servers ------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def gunicorn_command(app: str, port: int) -> list[str]:
    command = [str(ROOT / ".venv" / "bin" / "gunicorn")]
    if (ROOT / "gunicorn.conf.py").exists():
        command += ["-c", str(ROOT / "gunicorn.conf.py")]
    else:
        # The production choices until gunicorn.conf.py exists: threads that idle clients cannot pin.
        cores = os.cpu_count() or 1
        command += ["-k", "gthread", "--workers", str(2 * cores), "--threads", "4", "--keep-alive", "5",
                    "--max-requests", "2000", "--max-requests-jitter", "200"]
    return [*command, "--bind", f"127.0.0.1:{port}", app]


@contextlib.contextmanager
def served(app: str, env: dict[str, str], ready_path: str, logs: Path) -> Iterator[int]:
    port = free_port()
    name = app.split(":")[0].replace(".", "-")
    with open(logs / f"{name}.out", "ab") as out, open(logs / f"{name}.err", "ab") as err:
        process = subprocess.Popen(gunicorn_command(app, port), env=env, cwd=ROOT,  # noqa: S603
                                   stdout=out, stderr=err, start_new_session=True)
        try:
            deadline = time.time() + 60
            request = loadgen.build_request("GET", ready_path, f"127.0.0.1:{port}")
            while True:
                if process.poll() is not None:
                    raise SystemExit(f"gunicorn for {app} stopped: see {logs / (name + '.err')}")
                with contextlib.suppress(OSError):
                    if loadgen.fetch("127.0.0.1", port, request)[0] == 200:
                        break
                if time.time() > deadline:
                    raise SystemExit(f"gunicorn for {app} did not answer {ready_path} within 60 s")
                time.sleep(0.3)
            yield port
        finally:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


# --- Sign-ins -----------------------------------------------------------------------------------------


def sign_in_cookies(app, user_ids: list[int]) -> dict[int, str]:
    """A session cookie per member, as signing in makes it. Made here, not through the sign-in form, which
    is rate limited per address (10 a minute): the benchmark needs 33 sign-ins at once."""
    from flashmob.extensions import db
    from flashmob.members.models import UserSession
    from flashmob.members.sessions import hash_token

    cookies = {}
    now = datetime.now(UTC)
    with app.app_context():
        db.session.query(UserSession).filter(UserSession.device == "HTTP benchmark").delete()
        serializer = app.session_interface.get_signing_serializer(app)
        for user_id in user_ids:
            token = secrets.token_urlsafe(32)
            db.session.add(UserSession(user_id=user_id, token_hash=hash_token(token), device="HTTP benchmark",
                                       created_at=now, last_seen_at=now))
            cookies[user_id] = serializer.dumps({"_user_id": token, "_fresh": True})
        db.session.commit()
    return cookies


_CSRF = re.compile(rb'name="csrf_token"[^>]*value="([^"]+)"')
_SESSION = re.compile(rb"session=([^;]+)")


def csrf_session(port: int, path: str, cookie: str) -> tuple[str, str]:
    """The session cookie and form token a member's browser has after opening a page with a form."""
    status, headers, body = loadgen.fetch(
        "127.0.0.1", port,
        loadgen.build_request("GET", path, f"127.0.0.1:{port}", {"Cookie": f"session={cookie}"}))
    token = _CSRF.search(body)
    if status != 200 or token is None:
        raise SystemExit(f"{path} gave {status} without a CSRF token for the storm's member")
    set_cookie = _SESSION.search(headers.get(b"set-cookie", b""))
    return (set_cookie.group(1).decode() if set_cookie else cookie), html.unescape(token.group(1).decode())


# --- The run ------------------------------------------------------------------------------------------


def measure(name: str, kind: str, port: int, plans: list[list[bytes]], seconds: float,
            expect: set[int] | None = None) -> Row:
    result = loadgen.run("127.0.0.1", port, plans, seconds=seconds, expect=expect)
    errors = ", ".join(f"{k}: {v}" for k, v in result.errors.items()) or "0"
    row = Row(name, kind, len(plans), result.requests, result.rps, result.percentile(50),
              result.percentile(99), errors)
    print(f"  {name:<42} {row.rps:8.1f}/s  p50 {row.p50:7.1f} ms  p99 {row.p99:7.1f} ms  errors {errors}",
          flush=True)
    return row


def storm_check(app, event_id: int) -> str:
    """What the RSVP rules promise after the storm: seats held within capacity, nobody waiting beside a free
    seat, one answer per member."""
    from sqlalchemy import func, select

    from flashmob.events.models import Event, Rsvp
    from flashmob.extensions import db

    with app.app_context():
        capacity = db.session.get(Event, event_id).capacity
        counts = dict(db.session.execute(
            select(Rsvp.status, func.count()).where(Rsvp.event_id == event_id).group_by(Rsvp.status)).all())
        duplicates = db.session.scalar(select(func.count()).select_from(
            select(Rsvp.user_id).where(Rsvp.event_id == event_id).group_by(Rsvp.user_id)
            .having(func.count() > 1).subquery()))
    held = counts.get("going", 0) + counts.get("offered", 0)
    problems = []
    if held > capacity:
        problems.append(f"overbooked: {held} seats held of {capacity}")
    if held < capacity and counts.get("waitlisted", 0):
        problems.append(f"{counts['waitlisted']} waiting beside {capacity - held} free seats")
    if duplicates:
        problems.append(f"{duplicates} members with two answers")
    summary = ", ".join(f"{v} {k}" for k, v in sorted(counts.items()))
    verdict = ("; ".join(problems) + " — ") if problems else "no overbooking: "
    return f"{verdict}{summary} (capacity {capacity})"


def slow_statements(app, urls: list[tuple[str, str | None]], top: int) -> list[dict]:
    """Each URL requested in-process (once to warm up, then twice with every statement timed); the slowest
    statements run again under EXPLAIN ANALYZE with the parameters they had, and are ranked by its time."""
    from sqlalchemy import event

    from flashmob.extensions import db

    seen: dict[str, dict] = {}
    page = {"name": ""}

    def before(conn, cursor, statement, parameters, context, executemany):
        conn.info["bench_started"] = time.perf_counter()

    def after(conn, cursor, statement, parameters, context, executemany):
        if not page["name"]:
            return
        took = (time.perf_counter() - conn.info.pop("bench_started", time.perf_counter())) * 1000
        key = " ".join(statement.split())
        entry = seen.setdefault(key, {"statement": statement, "parameters": parameters, "max_ms": 0.0,
                                      "calls": 0, "page": page["name"]})
        entry["calls"] += 1
        if took > entry["max_ms"]:
            entry.update(max_ms=took, parameters=parameters, page=page["name"])

    with app.app_context():
        engine = db.engine
        event.listen(engine, "before_cursor_execute", before)
        event.listen(engine, "after_cursor_execute", after)
        try:
            for name, (url, cookie) in urls:
                client = app.test_client()
                if cookie:
                    client.set_cookie("session", cookie)
                page["name"] = ""
                client.get(url)  # warm-up, not timed: the first request fills caches
                page["name"] = name
                for _ in range(2):
                    client.get(url)
        finally:
            event.remove(engine, "before_cursor_execute", before)
            event.remove(engine, "after_cursor_execute", after)
        slowest = sorted(seen.values(), key=lambda e: -e["max_ms"])[:3 * top]
        raw = engine.raw_connection()
        try:
            for entry in slowest:
                cursor = raw.cursor()
                try:
                    cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + entry["statement"], entry["parameters"])
                    entry["plan"] = "\n".join(r[0] for r in cursor.fetchall())
                except Exception as exc:  # a plan we cannot get is reported, not fatal
                    raw.rollback()
                    entry["plan"] = f"(no plan: {exc})"
                finally:
                    cursor.close()
            raw.rollback()
        finally:
            raw.close()
    for entry in slowest:
        found = re.search(r"Execution Time: ([0-9.]+) ms", entry["plan"])
        entry["execution_ms"] = float(found.group(1)) if found else 0.0
    # Timed from Python, a statement's worst time includes the machine's other work; its plan's own
    # execution time does not: the slowest by that are shown.
    slowest = sorted(slowest, key=lambda e: -e["execution_ms"])[:top]
    return [{k: e[k] for k in ("page", "max_ms", "execution_ms", "calls", "statement", "plan")}
            for e in slowest]


def run(args) -> str:
    size = size_from_options(args.scale)
    name = args.database
    url = database_url(args.server_url, name)
    logs = Path(tempfile.mkdtemp(prefix="flashmob-bench-logs-"))
    env = {**os.environ, "FLASHMOB_ENV": "production", "FLASHMOB_SECRET_KEY": secrets.token_hex(32),
           "FLASHMOB_DATABASE_URL": url, "FLASHMOB_SECURE_COOKIES": "false", "FLASHMOB_HSTS": "false",
           "FLASHMOB_LOG_LEVEL": "warning"}
    env.pop("FLASHMOB_REDIS_URL", None)
    if args.redis_url:
        env["FLASHMOB_REDIS_URL"] = args.redis_url
    print(f"Database {name}: {describe(size)}", flush=True)
    started = time.perf_counter()
    if ensure_seeded(args.server_url, name, size, env):
        print(f"  seeded in {time.perf_counter() - started:.0f} s", flush=True)
    else:
        print("  already seeded at this size: reused", flush=True)

    from bench.seed import fixtures
    from flashmob import create_app
    from flashmob.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": make_url(url).set(drivername="postgresql+psycopg")
                      .render_as_string(hide_password=False), "SECRET_KEY": env["FLASHMOB_SECRET_KEY"]})
    with app.app_context():
        fx = fixtures(size)
        # The storm starts from an empty evening each run.
        from flashmob.events.models import Rsvp
        db.session.query(Rsvp).filter(Rsvp.event_id == fx.storm_event_id).delete()
        db.session.commit()
    cookies = sign_in_cookies(app, [fx.profile_member_id, *fx.storm_member_ids[:RSVP_CLIENTS]])
    member = cookies[fx.profile_member_id]
    load = os.getloadavg()
    seconds = args.seconds
    rows: list[Row] = []

    print("Client ceiling (a canned answer from memory):", flush=True)
    ceiling = loadgen.measure_ceiling(PAGE_CLIENTS, min(seconds, 5))
    print(f"  {ceiling.rps:.0f}/s, p50 {ceiling.percentile(50):.2f} ms", flush=True)

    print("References (bench/reference_app.py):", flush=True)
    with served("bench.reference_app:app", env, "/bare", logs) as port:
        host = f"127.0.0.1:{port}"
        references = (("Bare Flask route", "/bare"), ("20-row page (one query, one template)", "/rows"))
        for label, path in references:
            rows.append(measure(label, "reference", port,
                                [[loadgen.build_request("GET", path, host)]] * PAGE_CLIENTS, seconds))
    bare, twenty = rows[0].rps, rows[1].rps

    print("Flashmob (wsgi:app):", flush=True)
    statement_stats(url, reset=True)
    with served("wsgi:app", env, "/", logs) as port:
        host = f"127.0.0.1:{port}"
        signed_in = {"Cookie": f"session={member}"}
        chapter_feed = f"/chapters/{fx.chapter_slug}/calendar.ics"
        # Signed out twice: with no cookie at all (crawlers, link previews, first visits: production serves
        # them from the page cache, flashmob/page_cache.py) and with a cookie that signs nobody in (a
        # browser that has opened a form), whose page is built for it.
        cookie_only = {"Cookie": "seen=1"}
        public = [
            ("Home", "/"),
            ("Chapter page", f"/chapters/{fx.chapter_slug}"),
            ("Event page, 300 going", f"/events/{fx.featured_event_id}"),
            ("Lessons archive", "/lessons"),
            ("Search (\"risk register\")", "/lessons?q=risk+register"),
            ("Member's profile", f"/members/{fx.profile_member_id}"),
        ]
        pages = [
            *[(f"{name}, signed out, no cookie", "page", path, {}) for name, path in public],
            *[(f"{name}, signed out, built", "page", path, cookie_only) for name, path in public],
            ("Home, signed in", "page", "/", signed_in),
            ("Event page, 300 going, member going", "page", f"/events/{fx.featured_event_id}", signed_in),
            ("Chapter calendar feed", "feed", chapter_feed, {}),
            ("Chapter calendar feed, 304", "feed", chapter_feed, {"If-None-Match": None}),
            ("All-chapters feed", "feed", "/calendar.ics", {}),
            ("Personal feed", "feed", f"/calendar/{fx.calendar_token}.ics", {}),
        ]
        for label, kind, path, headers in pages:
            if "If-None-Match" in headers:
                status, got, _ = loadgen.fetch("127.0.0.1", port, loadgen.build_request("GET", path, host))
                headers = {"If-None-Match": got[b"etag"].decode()}
                expect = {304}
            else:
                status, got, _ = loadgen.fetch(
                    "127.0.0.1", port, loadgen.build_request("GET", path, host, headers))
                expect = {200}
                if status != 200:
                    raise SystemExit(f"{path} answered {status} before the load")
            rows.append(measure(label, kind, port, [[loadgen.build_request("GET", path, host, headers)]]
                                * PAGE_CLIENTS, seconds, expect))

        # The storm: each connection one member, going then not going, with their session and form token.
        plans = []
        event_path = f"/events/{fx.storm_event_id}"
        for user_id in fx.storm_member_ids[:RSVP_CLIENTS]:
            session, token = csrf_session(port, event_path, cookies[user_id])
            form = f"csrf_token={token}".encode()
            headers = {"Cookie": f"session={session}", "Content-Type": "application/x-www-form-urlencoded",
                       "Referer": f"http://{host}{event_path}"}
            plans.append([loadgen.build_request("POST", f"{event_path}/rsvp/going", host, headers, form),
                          loadgen.build_request("POST", f"{event_path}/rsvp/not-going", host, headers, form)])
        rows.append(measure("RSVP / cancel (POST, 302)", "rsvp", port, plans, seconds, {302}))
    pg_stats = statement_stats(url, reset=False)
    storm = storm_check(app, fx.storm_event_id)
    print(f"  after the storm: {storm}", flush=True)

    for row in rows:
        row.ratio_bare = row.rps / bare if bare else 0
        row.ratio_rows = row.rps / twenty if twenty else 0
        if row.kind == "page":
            row.target = f"≥ 0.5x 20-row, p99 < {P99_TARGET_MS:.0f} ms"
            ok = row.ratio_rows >= 0.5 and row.p99 < P99_TARGET_MS
        elif row.kind == "feed":
            row.target = "≥ 0.5x bare"
            ok = row.ratio_bare >= 0.5
        elif row.kind == "rsvp":
            row.target = "≥ 0.2x 20-row, no overbooking"
            ok = row.ratio_rows >= 0.2 and storm.startswith("no overbooking")
        else:
            continue
        row.met = "yes" if ok and row.errors == "0" else "no"

    print("Slowest statements (in-process, EXPLAIN ANALYZE):", flush=True)
    slow_urls = [(label, (path, member if headers == signed_in else None))
                 for label, kind, path, headers in pages if kind == "page" and "no cookie" not in label]
    statements = slow_statements(app, slow_urls, args.statements)
    shutil.rmtree(logs, ignore_errors=True)

    machine = {"cpus": os.cpu_count(), "load_average_before": [round(x, 2) for x in load],
               "load_average_after": [round(x, 2) for x in os.getloadavg()],
               "python": sys.version.split()[0], "when": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
               "gunicorn_conf": (ROOT / "gunicorn.conf.py").exists(), "redis": bool(args.redis_url)}
    with app.app_context():
        machine["postgresql"] = db.session.execute(db.text("SHOW server_version")).scalar()
    markdown = render(rows, size, ceiling, storm, statements, machine, seconds, pg_stats)
    if args.no_write:
        return markdown
    RESULTS_JSON.parent.mkdir(parents=True, exist_ok=True)
    RESULTS_JSON.write_text(json.dumps({"machine": machine, "size": asdict(size), "seconds": seconds,
                                        "client_ceiling_rps": ceiling.rps, "storm": storm,
                                        "rows": [asdict(r) for r in rows], "slowest": statements},
                                       indent=2, default=str) + "\n")
    write_section(markdown)
    return markdown


def render(rows: list[Row], size: Size, ceiling, storm: str, statements: list[dict], machine: dict,
           seconds: float, pg_stats: list[tuple] | None = None) -> str:
    lines = [
        HEADING, "",
        f"{machine['when']}, {machine['cpus']} cores (shared: load average "
        f"{machine['load_average_before'][0]}"
        f" before, {machine['load_average_after'][0]} after), PostgreSQL {machine['postgresql']}, Python "
        f"{machine['python']}; gunicorn {'-c gunicorn.conf.py' if machine['gunicorn_conf'] else '-k gthread'}"
        f", caches and limits in {'Redis' if machine['redis'] else 'each process (no FLASHMOB_REDIS_URL)'}.",
        f"Data: {describe(size)} (`flask seed-bench`). {seconds:.0f} s per URL after 1 s of warm-up, over "
        f"HTTP on loopback from bench/loadgen.py (its own ceiling against a canned answer: "
        f"{ceiling.rps:,.0f}/s with {PAGE_CLIENTS} connections, so it is not what limits the figures).", "",
        "| URL | clients | req/s | x bare | x 20-row | p50 ms | p99 ms | errors | target | met |",
        "|---|---:|---:|---:|---:|---:|---:|---|---|---|",
    ]
    for r in rows:
        rps = f"{r.rps:,.1f}" if r.rps < 10 else f"{r.rps:,.0f}"
        lines.append(f"| {r.name} | {r.clients} | {rps} | {r.ratio_bare:.2f} | {r.ratio_rows:.2f} | "
                     f"{r.p50:.1f} | {r.p99:.1f} | {r.errors} | {r.target} | {r.met} |")
    lines += ["", f"After the RSVP storm: {storm}.", "", "### Slowest statements", ""]
    if pg_stats is None:
        lines += ["pg_stat_statements is not preloaded by this server (shared_preload_libraries), so each "
                  "page was requested again in-process with every statement timed, and the slowest run "
                  "under EXPLAIN ANALYZE with their parameters:", ""]
    else:
        lines += ["Most time in the database during the app's load (pg_stat_statements):", "",
                  "| calls | total ms | mean ms | statement |", "|---:|---:|---:|---|"]
        for calls, total, mean, query in pg_stats:
            query = " ".join(query.split())[:160].replace("|", "\\|")
            lines.append(f"| {calls} | {total:,.0f} | {mean:.2f} | `{query}` |")
        lines += ["", "The slowest statements of the pages, in-process, with their plans:", ""]
    for s in statements:
        statement = " ".join(s["statement"].split())
        if len(statement) > 400:
            statement = statement[:400] + " …"
        plan = "\n".join(s["plan"].splitlines()[:20])
        lines += [f"**{s['execution_ms']:.1f} ms** in the database ({s['max_ms']:.1f} ms at worst seen from "
                  f"the app, {s['calls']} runs), {s['page']}:", "", "```sql",
                  statement, "```", "", "```", plan, "```", ""]
    return "\n".join(lines).rstrip() + "\n"


def write_section(markdown: str) -> None:
    """The section goes last in RESULTS.md, replacing an earlier run's; the rest of the file is kept."""
    existing = RESULTS_MD.read_text() if RESULTS_MD.exists() else "# Benchmark results\n"
    at = existing.find(HEADING)
    kept = existing[:at] if at >= 0 else existing
    RESULTS_MD.write_text(kept.rstrip() + "\n\n" + markdown)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=float, default=float(os.environ.get("BENCH_SCALE", 1)))
    parser.add_argument("--seconds", type=float, default=float(os.environ.get("BENCH_SECONDS", 10)))
    parser.add_argument("--server-url", default=os.environ.get(
        "BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres"),
        help="A PostgreSQL server (any database on it): the benchmark makes its own database there.")
    parser.add_argument("--database", default=os.environ.get("BENCH_DATABASE", "flashmob_bench"))
    parser.add_argument("--redis-url", default=os.environ.get("BENCH_REDIS_URL", ""),
                        help="Redis for the app's caches and rate limits, as production would have.")
    parser.add_argument("--statements", type=int, default=6, help="How many slow statements to explain.")
    parser.add_argument("--no-write", action="store_true",
                        help="Print only; leave RESULTS.md and bench/results/http.json alone.")
    args = parser.parse_args()
    print(run(args))


if __name__ == "__main__":
    main()
