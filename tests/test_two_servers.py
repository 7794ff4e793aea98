"""Two app servers for real: two gunicorn processes under gunicorn.conf.py, on one database and one Redis.

A browser behind a load balancer may reach either server on any request. What it sees must not depend on
which: a sign-in made on one is honoured by the other, a rate limit counts attempts made on both, a feed
one server built and cached is what the other serves (same ETag, 304), and an RSVP storm split across
both fills the seats exactly, never more. Real HTTP over loopback, real processes, on SQLite (one file,
WAL) and on PostgreSQL.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from http.cookiejar import CookieJar
from pathlib import Path

import pytest
from sqlalchemy import func, select

from flashmob.events.models import Rsvp, RsvpStatus
from flashmob.extensions import db
from flashmob.types import utcnow
from tests import factories

ROOT = Path(__file__).resolve().parent.parent
START_TIMEOUT = 30
REQUEST_TIMEOUT = 30
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Server:
    name: str
    url: str
    process: subprocess.Popen
    out: Path
    err: Path

    def output(self) -> str:
        out, err = self.out.read_text()[-3000:], self.err.read_text()[-3000:]
        return f"--- {self.name} stdout\n{out}\n--- stderr\n{err}"

    def request_lines(self) -> list[dict]:
        return [json.loads(line) for line in self.out.read_text().splitlines() if line.startswith("{")]


def _start(name: str, env: dict, folder: Path) -> Server:
    port = free_port()
    out, err = folder / f"{name}.out", folder / f"{name}.err"
    with out.open("w") as stdout, err.open("w") as stderr:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py"],
            cwd=ROOT, env=env | {"FLASHMOB_BIND": f"127.0.0.1:{port}"}, stdout=stdout, stderr=stderr,
        )
    return Server(name, f"http://127.0.0.1:{port}", process, out, err)


def _wait_until_healthy(server: Server) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        assert server.process.poll() is None, f"{server.name} stopped\n{server.output()}"
        health = urllib.request.Request(server.url + "/healthz")  # noqa: S310 (loopback)
        with contextlib.suppress(OSError), urllib.request.urlopen(health, timeout=2) as answer:  # noqa: S310
            if answer.status == 200:
                return
        time.sleep(0.1)
    raise AssertionError(f"{server.name} never answered /healthz\n{server.output()}")


def _stop(server: Server) -> None:
    if server.process.poll() is None:
        server.process.send_signal(signal.SIGTERM)  # gunicorn's graceful stop
        try:
            server.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.process.kill()
            server.process.wait()


@pytest.fixture(scope="module")
def test_redis_url():
    url = os.environ.get("FLASHMOB_TEST_REDIS_URL")
    if not url:
        pytest.skip("set FLASHMOB_TEST_REDIS_URL (redis://127.0.0.1:6379/15): two servers share Redis")
    return url


@pytest.fixture(scope="module")
def servers(app, database_url, test_redis_url, tmp_path_factory):
    """Two gunicorn processes, as production starts them, on the test database and Redis."""
    folder = tmp_path_factory.mktemp("two-servers")
    env = {k: v for k, v in os.environ.items() if not k.startswith("FLASHMOB_")}
    env |= {
        "FLASHMOB_ENV": "production",
        "FLASHMOB_SECRET_KEY": "two-servers-share-this-secret-" + "x" * 34,
        "FLASHMOB_DATABASE_URL": database_url,
        "FLASHMOB_REDIS_URL": test_redis_url,
        # Plain HTTP on loopback: no TLS in front, so cookies without Secure and no HSTS.
        "FLASHMOB_SECURE_COOKIES": "false",
        "FLASHMOB_HSTS": "false",
        # As behind one proxy: each test client says who it is in X-Forwarded-For, so limits stay apart.
        "FLASHMOB_TRUSTED_PROXIES": "1",
        "FLASHMOB_AUTH_RATE_LIMIT": "3 per minute",
        "FLASHMOB_WORKERS": "2",
        "FLASHMOB_THREADS": "4",
        "FLASHMOB_GRACEFUL_TIMEOUT": "5",  # the test stops them; nothing long is in hand
        "PYTHONUNBUFFERED": "1",
    }
    started: list[Server] = []
    try:
        for name in ("server A", "server B"):
            started.append(_start(name, env, folder))
        for server in started:
            _wait_until_healthy(server)
        yield started
    finally:
        for server in started:
            _stop(server)


@pytest.fixture
def two(servers, test_redis_url):
    """Both servers, with Redis emptied before and after the test (limits and cached feeds)."""
    import redis

    connection = redis.Redis.from_url(test_redis_url)
    connection.flushdb()
    yield servers
    connection.flushdb()


@dataclass
class Reply:
    status: int
    headers: dict
    text: str

    def csrf_token(self) -> str:
        found = CSRF.search(self.text)
        assert found, "no CSRF token on the page"
        return found.group(1) or found.group(2)


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a 302 is an answer to look at, not to follow


_addresses = iter(range(1, 255))


class Browser:
    """One browser, one cookie jar, sending each request to the server it is told (the load balancer)."""

    def __init__(self):
        self.jar = CookieJar()
        cookies = urllib.request.HTTPCookieProcessor(self.jar)
        self.opener = urllib.request.build_opener(_NoRedirects(), cookies)
        # Its own client address, as the proxy would say (documentation range), so each has its own limit.
        self.address = f"203.0.113.{next(_addresses)}"

    def request(self, server: Server, path: str, data: dict | None = None, headers: dict | None = None):
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        sent = urllib.request.Request(  # noqa: S310 (loopback)
            server.url + path, data=body, headers={"X-Forwarded-For": self.address} | (headers or {})
        )
        try:
            with self.opener.open(sent, timeout=REQUEST_TIMEOUT) as answer:
                return Reply(answer.status, dict(answer.headers), answer.read().decode())
        except urllib.error.HTTPError as answer:
            return Reply(answer.code, dict(answer.headers), answer.read().decode())

    def sign_in(self, server: Server, email: str, password: str = factories.DEFAULT_PASSWORD) -> Reply:
        token = self.request(server, "/login").csrf_token()
        return self.request(server, "/login", {"csrf_token": token, "email": email, "password": password})


def _member(**fields):
    return factories.create_user(email_confirmed_at=utcnow(), **fields)


def test_a_sign_in_on_one_server_is_honoured_by_the_other(two):
    a, b = two
    member = _member(display_name="Grace Hopper")
    browser = Browser()
    assert browser.request(b, "/account").status == 302  # not signed in: sent to sign in

    signed_in = browser.sign_in(a, member.email, factories.DEFAULT_PASSWORD)
    assert signed_in.status == 302, signed_in.text

    account = browser.request(b, "/account", headers={"X-Request-ID": "two-servers-account-1"})
    assert account.status == 200
    assert "Grace Hopper" in account.text
    # B's own log line says who it served, for which request, from which client.
    (line,) = [line for line in b.request_lines() if line["request_id"] == "two-servers-account-1"]
    assert (line["path"], line["status"], line["user_id"]) == ("/account", 200, member.id)
    assert line["remote_addr"] == browser.address

    # Signing out on B ends the sign-in on A too: it lives in the database, not in a process.
    signed_out = browser.request(b, "/logout", {"csrf_token": account.csrf_token()})
    assert signed_out.status in (200, 302)
    assert browser.request(a, "/account").status == 302


def test_a_rate_limit_is_counted_across_both_servers(two):
    a, b = two
    _member(email="guessed@example.org")
    browser = Browser()
    token = browser.request(a, "/login").csrf_token()
    guess = {"csrf_token": token, "email": "guessed@example.org", "password": "not the password"}
    # The limit is 3 a minute: two attempts on A and one on B use it up, so B refuses the fourth.
    statuses = [browser.request(server, "/login", guess).status for server in (a, b, a, b)]
    assert statuses == [422, 422, 422, 429]
    assert browser.request(a, "/login", guess).status == 429
    # Another client address still has its own allowance, on either server.
    other = Browser()
    guess["csrf_token"] = other.request(b, "/login").csrf_token()
    assert other.request(b, "/login", guess).status == 422


def test_a_feed_cached_on_one_server_is_served_by_the_other(two, test_redis_url):
    import redis

    a, b = two
    chapter = factories.create_chapter(name="Leeds", slug="leeds")
    factories.create_event(chapter, title="Leeds #1")
    path = "/chapters/leeds/calendar.ics"
    cached = redis.Redis.from_url(test_redis_url)

    first = Browser().request(a, path)
    assert first.status == 200
    assert "Leeds #1" in first.text
    etag = first.headers["ETag"]
    keys = cached.keys("flashmob:cache:feed:*")
    assert len(keys) == 1, "the feed A built is not in the shared cache"

    assert Browser().request(b, path, headers={"If-None-Match": etag}).status == 304
    again = Browser().request(b, path)
    assert (again.status, again.headers["ETag"], again.text) == (200, etag, first.text)
    assert cached.keys("flashmob:cache:feed:*") == keys  # B found A's copy rather than storing its own


def test_an_rsvp_storm_split_across_both_servers_does_not_overbook(two):
    a, b = two
    seats, people = 4, 12
    chapter = factories.create_chapter()
    event = factories.create_event(chapter, capacity=seats)
    members = [_member() for _ in range(people)]
    for member in members:
        factories.add_member(chapter, member)
    db.session.commit()
    event_id, emails = event.id, [m.email for m in members]

    ready = threading.Barrier(people)
    statuses: list[int] = []
    failures: list[BaseException] = []
    lock = threading.Lock()

    def storm(n: int):
        try:
            browser = Browser()
            here, there = (a, b) if n % 2 else (b, a)
            assert browser.sign_in(here, emails[n]).status == 302
            token = browser.request(there, f"/events/{event_id}").csrf_token()
            ready.wait(timeout=REQUEST_TIMEOUT)
            reply = browser.request(here, f"/events/{event_id}/rsvp/going", {"csrf_token": token})
            with lock:
                statuses.append(reply.status)
        except BaseException as exc:
            with lock:
                failures.append(exc)
            ready.abort()

    threads = [threading.Thread(target=storm, args=(n,)) for n in range(people)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=2 * REQUEST_TIMEOUT)
    assert not failures, failures
    assert statuses == [302] * people

    db.session.expire_all()
    counts = dict(
        db.session.execute(
            select(Rsvp.status, func.count()).where(Rsvp.event_id == event_id).group_by(Rsvp.status)
        ).all()
    )
    assert counts == {RsvpStatus.GOING: seats, RsvpStatus.WAITLISTED: people - seats}
    # Both servers took part.
    assert any(line["path"].endswith("/rsvp/going") for line in a.request_lines())
    assert any(line["path"].endswith("/rsvp/going") for line in b.request_lines())


def test_idle_connections_cannot_pin_a_server(two):
    """Three idle connections per thread (a scan, say): sync workers would be held for the whole timeout
    (30 s), and gthread's own 5 s wait per connection held a request up for 15 to 25 s; with the wait
    shortened in gunicorn.conf.py, a real request is answered at once."""
    a, _ = two
    host, port = urllib.parse.urlsplit(a.url).hostname, urllib.parse.urlsplit(a.url).port
    idle = [socket.create_connection((host, port), timeout=5) for _ in range(3 * 2 * 4)]  # workers x threads
    try:
        started = time.monotonic()
        reply = Browser().request(a, "/healthz")
        waited = time.monotonic() - started
    finally:
        for connection in idle:
            connection.close()
    assert reply.status == 200
    assert waited < 5, f"a request waited {waited:.1f} s behind idle connections"
