"""Fixtures shared by every test: the app on each database, a client, signed-in users, factories.

Every test that uses `app` (directly or through `client`, `db_session` or a factory) runs once on
SQLite and, when FLASHMOB_TEST_DATABASE_URL names a PostgreSQL server, once more on PostgreSQL.
Each run creates a database of its own, builds the schema with the Alembic migrations, and drops
the database at the end; between tests every table is emptied.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import uuid
from pathlib import Path

import pytest
from flask import g, request_started
from sqlalchemy import event, text
from sqlalchemy.engine import make_url

from flashmob import create_app
from flashmob.cache import EXTENSION_KEY, MemoryCache
from flashmob.extensions import db
from flashmob.members import sessions
from tests import factories

POSTGRES_URL = os.environ.get("FLASHMOB_TEST_DATABASE_URL")
BACKENDS = ["sqlite"] + (["postgresql"] if POSTGRES_URL else [])


def pytest_report_header(config):
    if POSTGRES_URL:
        server = make_url(POSTGRES_URL).render_as_string(hide_password=True)
        return f"databases: SQLite and PostgreSQL ({server})"
    return "databases: SQLite only (set FLASHMOB_TEST_DATABASE_URL to a PostgreSQL server to test it too)"


def _postgres_admin_url() -> str:
    url = make_url(POSTGRES_URL).set(drivername="postgresql+psycopg")
    return url.render_as_string(hide_password=False)


@contextlib.contextmanager
def _postgres_database():
    """A fresh PostgreSQL database on the configured server, dropped afterwards."""
    import psycopg

    admin = make_url(_postgres_admin_url())
    name = f"flashmob_test_{uuid.uuid4().hex[:12]}"
    conninfo = admin.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield admin.set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(conninfo, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextlib.contextmanager
def _sqlite_database():
    # A file, not :memory:, so that threads and a live server see the same data.
    with tempfile.TemporaryDirectory(prefix="flashmob-test-") as folder:
        yield f"sqlite:///{Path(folder) / 'flashmob.db'}"


@pytest.fixture(scope="session", params=BACKENDS)
def database_url(request):
    """The URL of a new, empty database for this test run, on each backend in turn."""
    maker = _postgres_database if request.param == "postgresql" else _sqlite_database
    with maker() as url:
        yield url


@pytest.fixture(scope="session")
def app(database_url):
    """The app, on a database whose schema the migrations built."""
    from flask_migrate import upgrade

    flask_app = create_app({"SQLALCHEMY_DATABASE_URI": database_url})
    with flask_app.app_context():
        upgrade()
    yield flask_app
    with flask_app.app_context():
        db.engine.dispose()


@pytest.fixture(autouse=True)
def _app_context_and_clean_tables(request):
    """Each test that uses the app runs in an app context and starts with empty tables."""
    if "app" not in request.fixturenames:
        yield
        return
    flask_app = request.getfixturevalue("app")
    with flask_app.app_context():
        yield
        db.session.rollback()
        db.session.remove()
        _empty_all_tables()
        # Keys name what a value depends on in one database's life; emptied tables start a new one.
        cache = flask_app.extensions[EXTENSION_KEY]
        if isinstance(cache, MemoryCache):
            cache.clear()


@pytest.fixture(autouse=True)
def _fresh_g_for_each_request(request):
    """Give every test request an empty `g`, as a real server does.

    Tests keep one app context open, and requests made inside it share its `g`: without this, the
    signed-in user (Flask-Login) and a checked CSRF token (Flask-WTF) would carry from one request
    to the next.
    """
    if "app" not in request.fixturenames:
        yield
        return
    flask_app = request.getfixturevalue("app")

    def clear_g(sender, **extra):
        for name in list(vars(g)):
            g.pop(name, None)

    request_started.connect(clear_g, flask_app)
    yield
    request_started.disconnect(clear_g, flask_app)


def _empty_all_tables() -> None:
    tables = list(reversed(db.metadata.sorted_tables))
    with db.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in tables)
            conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                conn.execute(table.delete())


@pytest.fixture
def backend(app) -> str:
    """'sqlite' or 'postgresql': which database this run of the test is on."""
    return db.engine.dialect.name


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def csrf_enabled(app, monkeypatch):
    """Turn CSRF protection on for one test (the suite posts without tokens otherwise)."""
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    return True


@pytest.fixture
def login(client):
    """Sign a user in on the test client: login(user)."""

    def _login(user):
        sign_in = sessions.sign_in(user, user_agent="pytest", remember=False)
        db.session.commit()
        with client.session_transaction() as session:
            session["_user_id"] = sign_in.token
            session["_fresh"] = True
        return user

    return _login


@pytest.fixture
def logout(client):
    def _logout():
        with client.session_transaction() as session:
            session.clear()

    return _logout


# Factories: fixtures that return callables with good defaults.


@pytest.fixture
def create_user(app):
    return factories.create_user


@pytest.fixture
def create_chapter(app):
    return factories.create_chapter


@pytest.fixture
def create_event(app):
    return factories.create_event


@pytest.fixture
def add_member(app):
    return factories.add_member


@pytest.fixture
def roles(app):
    """One person of each role around one chapter, for permission matrices.

    Keys: anonymous (None), member, other_organiser (organises another chapter), organiser, admin.
    Also `chapter` and `other_chapter`.
    """
    return factories.create_role_matrix()


ROLE_NAMES = ["anonymous", "member", "other_organiser", "organiser", "admin"]


@pytest.fixture
def count_queries(app):
    """Count the SQL statements run inside a block: `with count_queries() as q: ...`, then `q.count`."""

    @contextlib.contextmanager
    def _count():
        counter = QueryCounter()
        event.listen(db.engine, "before_cursor_execute", counter)
        try:
            yield counter
        finally:
            event.remove(db.engine, "before_cursor_execute", counter)

    return _count


class QueryCounter:
    def __init__(self):
        self.statements: list[str] = []

    def __call__(self, conn, cursor, statement, parameters, context, executemany):
        self.statements.append(statement)

    @property
    def count(self) -> int:
        return len(self.statements)


# Email: a real SMTP server (aiosmtpd) that the outbox delivers to in tests.


class _SMTPController:
    """An aiosmtpd server on 127.0.0.1 that keeps what it receives; stop() and start() keep its port."""

    def __init__(self):
        import asyncio
        from email import message_from_bytes
        from email.policy import default

        owner = self
        received = self.messages = []
        self.envelopes = []
        envelopes = self.envelopes
        # Addresses the server answers "550 no such user", as a real one does for a mistyped address.
        refused = self.refused = set()
        # Addresses whose email makes the server hang up once it has read it, without an answer.
        dropped = self.dropped = set()
        # Like many real servers, hang up after this many emails on one connection (None: never).
        self.messages_per_connection = None

        class Handler:
            async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
                if address in refused:
                    return "550 5.1.1 No such user here"
                envelope.rcpt_tos.append(address)
                return "250 OK"

            async def handle_DATA(self, server, session, envelope):
                if dropped.intersection(envelope.rcpt_tos):
                    server.transport.close()
                    return "421 never seen: the connection is closed"
                envelopes.append(envelope)
                received.append(message_from_bytes(envelope.content, policy=default))
                session.delivered = getattr(session, "delivered", 0) + 1
                if owner.messages_per_connection and session.delivered >= owner.messages_per_connection:
                    asyncio.get_running_loop().call_soon(server.transport.close)  # after the 250 goes
                return "250 Message accepted for delivery"

        self.handler = Handler()
        self.port = 0
        self._controller = None

    def start(self):
        from aiosmtpd.controller import Controller

        owner = self

        class _Controller(Controller):
            def _trigger_server(self):
                # With port=0 the system picks a free port: learn it before aiosmtpd connects to itself.
                self.port = owner.port = self.server.sockets[0].getsockname()[1]
                super()._trigger_server()

        self._controller = _Controller(self.handler, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self):
        if self._controller is not None:
            self._controller.stop()
            self._controller = None


@pytest.fixture
def smtp(app, monkeypatch):
    """A real SMTP server for one test, with the app's mail settings pointed at it.

    `smtp.messages` are the emails that arrived (email.message.EmailMessage, policy default), and
    `smtp.envelopes` their SMTP envelopes; add an address to `smtp.refused` to have it rejected, or
    to `smtp.dropped` to have the server hang up on its email; set `smtp.messages_per_connection` to
    have it hang up after that many; `smtp.stop()` and `smtp.start()` take the server down and bring
    it back on the same port.
    """
    server = _SMTPController()
    server.start()
    monkeypatch.setitem(app.config, "MAIL_BACKEND", "smtp")
    monkeypatch.setitem(app.config, "SMTP_HOST", "127.0.0.1")
    monkeypatch.setitem(app.config, "SMTP_PORT", server.port)
    monkeypatch.setitem(app.config, "SMTP_USERNAME", None)
    monkeypatch.setitem(app.config, "SMTP_PASSWORD", None)
    monkeypatch.setitem(app.config, "SMTP_STARTTLS", False)
    monkeypatch.setitem(app.config, "SMTP_TIMEOUT", 5.0)
    yield server
    server.stop()
