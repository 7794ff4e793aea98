"""The app factory, settings, schema and the shared helpers."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text

from config import ConfigError, ProductionConfig, normalise_database_url
from flashmob import create_app
from flashmob.auth import is_safe_next
from flashmob.extensions import db
from flashmob.markdown import markdown_to_text, render_markdown

ROOT = Path(__file__).resolve().parent.parent


def _start_wsgi(env_overrides: dict) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FLASHMOB_")}
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "-c", "import wsgi"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = _start_wsgi({"FLASHMOB_ENV": "production", "FLASHMOB_DATABASE_URL": "sqlite://"})
    assert result.returncode != 0
    assert result.stderr.strip().splitlines() == [
        "Flashmob cannot start: FLASHMOB_SECRET_KEY is not set: production needs a long random secret "
        "(python3 -c 'import secrets; print(secrets.token_hex(32))')."
    ]


def test_production_refuses_to_start_without_a_database_url():
    result = _start_wsgi({"FLASHMOB_ENV": "production", "FLASHMOB_SECRET_KEY": "x" * 64})
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "FLASHMOB_DATABASE_URL is not set" in lines[0]


def test_production_starts_with_a_secret_key_and_a_database(tmp_path):
    result = _start_wsgi(
        {
            "FLASHMOB_ENV": "production",
            "FLASHMOB_SECRET_KEY": "x" * 64,
            "FLASHMOB_DATABASE_URL": f"sqlite:///{tmp_path / 'prod.db'}",
        }
    )
    assert result.returncode == 0, result.stderr


def test_unknown_environment_name_is_refused():
    result = _start_wsgi({"FLASHMOB_ENV": "staging"})
    assert result.returncode != 0
    assert "FLASHMOB_ENV='staging' is not one of development, testing, production" in result.stderr


def test_production_check_passes_with_both_settings(monkeypatch):
    monkeypatch.setenv("FLASHMOB_SECRET_KEY", "s" * 64)
    monkeypatch.setenv("FLASHMOB_DATABASE_URL", "postgresql://flashmob@localhost/flashmob")
    ProductionConfig.check()
    monkeypatch.delenv("FLASHMOB_SECRET_KEY")
    with pytest.raises(ConfigError):
        ProductionConfig.check()


@pytest.mark.parametrize(
    ("given", "used"),
    [
        ("postgres://u@h/db", "postgresql+psycopg://u@h/db"),
        ("postgresql://u@h/db", "postgresql+psycopg://u@h/db"),
        ("postgresql+psycopg://u@h/db", "postgresql+psycopg://u@h/db"),
        ("sqlite:///x.db", "sqlite:///x.db"),
    ],
)
def test_database_urls_from_hosting_providers_are_accepted(given, used):
    assert normalise_database_url(given) == used


def test_migrations_build_exactly_the_schema_the_models_describe(app):
    from flashmob.search import is_model_schema

    with db.engine.connect() as conn:
        # The search engine's own tables and indexes (FTS5, tsvector) are made for one database only.
        context = MigrationContext.configure(conn, opts={"include_name": is_model_schema})
        differences = compare_metadata(context, db.metadata)
    assert differences == []


def test_migrations_are_a_single_line_of_history(app):
    from alembic.script import ScriptDirectory
    from flask import current_app

    config = current_app.extensions["migrate"].migrate.get_config()
    assert len(ScriptDirectory.from_config(config).get_heads()) == 1


def test_times_come_back_as_aware_utc_on_every_database(app):
    from flashmob.types import UTCDateTime

    moment = datetime(2015, 5, 7, 17, 30, tzinfo=UTC)
    column = UTCDateTime()
    stored = column.process_bind_param(moment, db.engine.dialect)
    with db.engine.connect() as conn:
        raw = conn.execute(text("SELECT :t"), {"t": stored}).scalar()
    if isinstance(raw, str):  # SQLite hands back text for a bare parameter
        raw = datetime.fromisoformat(raw)
    assert column.process_result_value(raw, db.engine.dialect) == moment


def test_naive_datetimes_are_refused():
    from flashmob.types import UTCDateTime

    with pytest.raises(ValueError, match="aware"):
        UTCDateTime().process_bind_param(datetime(2015, 5, 7, 18, 30), None)


def test_markdown_is_rendered_and_sanitised():
    html = str(
        render_markdown(
            "# Takeaways\n\n**Bold** and [a link](https://example.org)\n\n"
            "<script>alert(1)</script>\n\n[bad](javascript:alert(1)) <img src=x onerror=alert(1)>"
        )
    )
    assert "<h2>Takeaways</h2>" in html  # the page keeps its own <h1>
    assert "<strong>Bold</strong>" in html
    assert 'href="https://example.org"' in html
    assert 'rel="nofollow noopener noreferrer"' in html
    assert "<script" not in html
    assert "href=\"javascript" not in html
    assert "<img" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html  # raw HTML is shown as text, not run


def test_markdown_as_plain_text_keeps_words_and_drops_markup():
    assert markdown_to_text("**Gateways** & *reports*\n\n- one") == "Gateways & reports\n\none"


@pytest.mark.parametrize(
    ("target", "safe"),
    [
        ("/chapters/birmingham", True),
        ("/events?page=2", True),
        ("https://evil.example/", False),
        ("//evil.example/", False),
        ("/\\evil.example", False),
        ("\\\\evil.example", False),
        ("javascript:alert(1)", False),
        ("/events\r\nSet-Cookie: session=stolen", False),
        ("/events\x00", False),
        ("", False),
        (None, False),
    ],
)
def test_next_addresses_must_stay_on_the_site(target, safe):
    assert is_safe_next(target) is safe


def test_unknown_page_gets_the_styled_404(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert "<title>Page not found (404) · PMO Flashmob</title>" in page
    assert "Back to the home page" in page


def test_a_crash_gets_the_styled_500_page(database_url):
    crashing = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "PROPAGATE_EXCEPTIONS": False})

    @crashing.route("/boom")
    def boom():
        raise RuntimeError("boom")

    response = crashing.test_client().get("/boom")
    assert response.status_code == 500
    assert "Something went wrong" in response.get_data(as_text=True)
    with crashing.app_context():
        db.engine.dispose()


def test_behind_a_trusted_proxy_the_client_address_comes_from_x_forwarded_for(database_url):
    from flask import request

    proxied = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "TRUSTED_PROXIES": 1})
    direct = create_app({"SQLALCHEMY_DATABASE_URI": database_url})
    for flask_app in (proxied, direct):

        @flask_app.route("/whoami")
        def whoami():
            return request.remote_addr

    headers = {"X-Forwarded-For": "203.0.113.7"}
    assert proxied.test_client().get("/whoami", headers=headers).get_data(as_text=True) == "203.0.113.7"
    # Without a trusted proxy the header is ignored, or anyone could dodge the rate limits.
    assert direct.test_client().get("/whoami", headers=headers).get_data(as_text=True) == "127.0.0.1"
    for flask_app in (proxied, direct):
        with flask_app.app_context():
            db.engine.dispose()
