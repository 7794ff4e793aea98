"""The migration that moves profile fields off `users`: what members said survives, on both databases."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from flashmob import create_app
from flashmob.extensions import db
from tests.conftest import BACKENDS, _postgres_database, _sqlite_database

BEFORE = "72c61925b351"
AFTER = "d3a1f0b7c2e4"


@pytest.mark.parametrize("backend", BACKENDS)
def test_headline_organisation_bio_and_email_choice_move_to_profiles_and_back(backend):
    from flask_migrate import downgrade, upgrade

    maker = _postgres_database if backend == "postgresql" else _sqlite_database
    with maker() as url:
        flask_app = create_app({"SQLALCHEMY_DATABASE_URI": url})
        with flask_app.app_context():
            upgrade(revision=BEFORE)
            with db.engine.begin() as conn:
                for user_id, headline, show_email in ((1, "Head of PMO", True), (2, "", False)):
                    conn.execute(
                        text(
                            "INSERT INTO users (id, email, display_name, password_hash, created_at, headline,"
                            " organisation, bio, show_email) VALUES (:id, :email, 'Ada', 'x',"
                            " CURRENT_TIMESTAMP, :headline, :org, :bio, :show)"
                        ),
                        {
                            "id": user_id, "email": f"p{user_id}@example.org", "headline": headline,
                            "org": "Acme" if headline else "", "bio": "Hi" if headline else "",
                            "show": show_email,
                        },
                    )
            upgrade(revision=AFTER)
            with db.engine.connect() as conn:
                rows = conn.execute(
                    text(
                        "SELECT user_id, headline, organisation, bio, share_email_with_connections,"
                        " visibility FROM member_profiles"
                    )
                ).all()
                columns = {c["name"] for c in db.inspect(conn).get_columns("users")}
            # Only the member who had said something gets a profile; the other gets one when they edit.
            assert [tuple(row) for row in rows] == [(1, "Head of PMO", "Acme", "Hi", True, "members")]
            assert not columns & {"headline", "organisation", "bio", "show_email"}
            downgrade(revision=BEFORE)
            with db.engine.connect() as conn:
                back = conn.execute(
                    text("SELECT id, headline, organisation, bio, show_email FROM users ORDER BY id")
                ).all()
            assert [tuple(row) for row in back] == [
                (1, "Head of PMO", "Acme", "Hi", True),
                (2, "", "", "", False),
            ]
            db.engine.dispose()
