"""A fresh database for one benchmark run: a SQLite file by default, or a new database on a PostgreSQL
server (created here and dropped afterwards, as the tests do), with the schema built by the migrations."""

from __future__ import annotations

import contextlib
import os
import platform
import sqlite3
import tempfile
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from flask import Flask
from sqlalchemy import text
from sqlalchemy.engine import make_url

from flashmob import create_app
from flashmob.extensions import db


@contextlib.contextmanager
def fresh_database(server_url: str | None) -> Iterator[str]:
    """The URL of a new, empty database: on the PostgreSQL server named, else a SQLite temp file."""
    if server_url:
        with _postgres_database(server_url) as url:
            yield url
    else:
        with tempfile.TemporaryDirectory(prefix="flashmob-bench-") as folder:
            yield f"sqlite:///{Path(folder) / 'bench.db'}"


@contextlib.contextmanager
def _postgres_database(server_url: str) -> Iterator[str]:
    import psycopg

    admin = make_url(server_url).set(drivername="postgresql")
    if admin.get_backend_name() != "postgresql":
        raise SystemExit(f"--database-url must name a PostgreSQL server, not {admin.get_backend_name()}")
    name = f"flashmob_bench_{uuid.uuid4().hex[:12]}"
    conninfo = admin.render_as_string(hide_password=False)
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield admin.set(drivername="postgresql+psycopg", database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(conninfo, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def make_app(database_url: str) -> Flask:
    """The app on that database (test settings: no rate limits, no CSRF), schema built by the migrations."""
    from flask_migrate import upgrade

    app = app_for(database_url)
    with app.app_context():
        upgrade()
    return app


def app_for(database_url: str) -> Flask:
    """The app on a database whose schema is built already (a benchmark's worker process)."""
    return create_app({"SQLALCHEMY_DATABASE_URI": database_url})


def backend_name(app: Flask) -> str:
    with app.app_context():
        return db.engine.dialect.name


def machine(app: Flask) -> dict:
    """What the figures were measured on: they mean little on another machine."""
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            database = "PostgreSQL " + db.session.scalar(text("SHOW server_version")).split()[0]
        else:
            database = "SQLite " + sqlite3.sqlite_version
        db.session.remove()
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cpus": os.cpu_count(),
        "cpu_model": _cpu_model(),
        "python": platform.python_version(),
        "database": database,
        "system": f"{platform.system()} {platform.release()}",
        # Other work on the machine slows every figure: the load average says how busy it was.
        "load_average": round(os.getloadavg()[0], 1),
    }


def _cpu_model() -> str:
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"
