"""The covers migration goes up and down on both databases, keeping the chapters and events it touches."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from flashmob import create_app
from flashmob.extensions import db
from tests.conftest import BACKENDS, _postgres_database, _sqlite_database

BEFORE = "e5b8c2d4a6f1"
AFTER = "e4c0b7a9d1f2"


@pytest.mark.parametrize("backend", BACKENDS)
def test_covers_migration_up_and_down(backend):
    from flask_migrate import downgrade, upgrade

    maker = _postgres_database if backend == "postgresql" else _sqlite_database
    with maker() as url:
        flask_app = create_app({"SQLALCHEMY_DATABASE_URI": url})
        with flask_app.app_context():
            upgrade(revision=BEFORE)
            with db.engine.begin() as conn:
                conn.execute(text(
                    "INSERT INTO chapters (id, slug, name, city, description, timezone, created_at)"
                    " VALUES (1, 'leeds', 'Leeds', 'Leeds', '', 'Europe/London', CURRENT_TIMESTAMP)"
                ))
            upgrade(revision=AFTER)
            with db.engine.begin() as conn:
                assert conn.execute(text("SELECT cover_version FROM chapters")).scalar_one() is None
                conn.execute(text(
                    "INSERT INTO cover_pictures (chapter_id, content_type, wide, card, updated_at)"
                    " VALUES (1, 'image/webp', :data, :data, CURRENT_TIMESTAMP)"
                ), {"data": b"RIFF"})
                conn.execute(text("UPDATE chapters SET cover_version = 1"))
                tables = set(db.inspect(conn).get_table_names())
            assert "cover_pictures" in tables
            downgrade(revision=BEFORE)
            with db.engine.connect() as conn:
                inspector = db.inspect(conn)
                assert "cover_pictures" not in inspector.get_table_names()
                assert "cover_version" not in {c["name"] for c in inspector.get_columns("chapters")}
                assert "cover_version" not in {c["name"] for c in inspector.get_columns("events")}
                assert conn.execute(text("SELECT name FROM chapters")).scalar_one() == "Leeds"
            db.engine.dispose()
