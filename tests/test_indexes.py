"""Every foreign key and every column a list filters or sorts on has an index, so a page costs the same on a
network a hundred times larger; and the migration that added the last of them goes up and down."""

from __future__ import annotations

import pytest
from sqlalchemy import UniqueConstraint, text

from flashmob import create_app
from flashmob.extensions import db
from tests.conftest import BACKENDS, _postgres_database, _sqlite_database

BEFORE = "e4c0b7a9d1f2"
AFTER = "e5c0a7d41b93"

# What the lists, feeds and background jobs filter on (and sort by), as (table, leading columns): an index
# must start with these columns, in this order.
LIST_FILTERS = [
    ("events", ("status", "starts_at")),  # /events, /events/past, the all-chapters feed, the home page
    ("events", ("chapter_id", "starts_at")),  # a chapter's page, its past events, its feed
    ("rsvps", ("event_id", "status")),  # who's coming, attendees, check-in, seat counts
    ("rsvps", ("user_id",)),  # a member's evenings, the personal feed, the home page
    ("rsvps", ("status", "offer_expires_at")),  # the tick that lapses offers
    ("chapter_memberships", ("chapter_id", "role")),  # organisers, member counts, the directory
    ("chapter_memberships", ("user_id",)),  # a member's chapters
    ("connections", ("requester_id", "status")),  # connections, people to meet
    ("connections", ("addressee_id", "status")),
    ("discussion_threads", ("chapter_id", "kind", "last_activity_at")),  # a chapter's board
    ("discussion_posts", ("thread_id", "parent_id")),  # a thread's posts
    ("discussion_reports", ("chapter_id", "resolved_at")),  # the moderation queue
    ("moderation_actions", ("chapter_id", "created_at")),  # the moderation log
    ("writeups", ("status", "published_at")),  # the lessons archive, takeaways, the Atom feeds
    ("lessons", ("writeup_id", "position")),  # a write-up's lessons
    ("lesson_themes", ("tag_id",)),  # a theme's lessons
    ("lesson_voices", ("user_id", "status")),  # a member's voices
    ("member_tags", ("tag_id", "kind")),  # the directory filtered by a tag
    ("outbox_messages", ("send_after", "id")),  # the mail worker's queue
    ("user_sessions", ("user_id",)),  # a member's sign-ins
]


def _leading_column_lists(table) -> list[tuple[str, ...]]:
    """The column lists of the table's primary key, unique constraints and indexes."""
    keys = [tuple(c.name for c in table.primary_key.columns)]
    keys += [tuple(c.name for c in index.columns) for index in table.indexes]
    keys += [
        tuple(c.name for c in constraint.columns)
        for constraint in table.constraints
        if isinstance(constraint, UniqueConstraint)
    ]
    keys += [(column.name,) for column in table.columns if column.unique]
    return keys


def _is_indexed(table, columns: tuple[str, ...]) -> bool:
    return any(key[: len(columns)] == columns for key in _leading_column_lists(table))


def test_every_foreign_key_leads_an_index(app):
    # Without one, deleting or looking up the row it points at scans the whole referring table.
    missing = [
        f"{table.name}.{fk.parent.name}"
        for table in db.metadata.sorted_tables
        for fk in table.foreign_keys
        if not _is_indexed(table, (fk.parent.name,))
    ]
    assert missing == []


@pytest.mark.parametrize(
    ("table", "columns"), LIST_FILTERS, ids=[f"{t}:{'+'.join(c)}" for t, c in LIST_FILTERS]
)
def test_every_filter_a_list_uses_leads_an_index(app, table, columns):
    assert _is_indexed(db.metadata.tables[table], columns)


def test_the_database_has_the_indexes_the_models_name(app):
    # The models and the migrations agree (test_app checks the whole schema); this names the new ones.
    inspector = db.inspect(db.engine)
    names = {index["name"] for index in inspector.get_indexes("connection_notes")}
    assert "ix_connection_notes_about_id" in names
    assert "updated_at" in {column["name"] for column in inspector.get_columns("chapters")}


@pytest.mark.parametrize("backend", BACKENDS)
def test_chapter_updated_at_and_the_note_index_go_up_and_down(backend):
    from flask_migrate import downgrade, upgrade

    maker = _postgres_database if backend == "postgresql" else _sqlite_database
    with maker() as url:
        flask_app = create_app({"SQLALCHEMY_DATABASE_URI": url})
        with flask_app.app_context():
            upgrade(revision=BEFORE)
            with db.engine.begin() as conn:
                conn.execute(
                    text(
                        "INSERT INTO chapters (id, slug, name, city, description, timezone, created_at)"
                        " VALUES (1, 'brum', 'Birmingham', 'Birmingham', '', 'Europe/London',"
                        " '2026-01-02 03:04:05')"
                    )
                )
            upgrade(revision=AFTER)
            with db.engine.connect() as conn:
                created, updated = conn.execute(text("SELECT created_at, updated_at FROM chapters")).one()
                indexes = {index["name"] for index in db.inspect(conn).get_indexes("connection_notes")}
            # An existing chapter last changed when it was made, as far as anyone can tell.
            assert updated == created
            assert "ix_connection_notes_about_id" in indexes
            downgrade(revision=BEFORE)
            with db.engine.connect() as conn:
                columns = {column["name"] for column in db.inspect(conn).get_columns("chapters")}
                indexes = {index["name"] for index in db.inspect(conn).get_indexes("connection_notes")}
                name = conn.execute(text("SELECT name FROM chapters")).scalar_one()
            assert "updated_at" not in columns
            assert "ix_connection_notes_about_id" not in indexes
            assert name == "Birmingham"
            db.engine.dispose()
