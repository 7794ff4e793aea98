"""What operators and load balancers rely on: GET /healthz, one JSON log line per request, request ids."""

from __future__ import annotations

import json
import logging
import os
import socket

import pytest

from flashmob import create_app
from flashmob.extensions import db, limiter


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def other_app(app):
    """Build another app on other settings: other_app({...}); the shared limiter is given back after."""
    made = []

    def _make(settings):
        made.append(create_app(settings))
        return made[-1]

    yield _make
    for flask_app in made:
        with flask_app.app_context():
            db.engine.dispose()
    limiter.init_app(app)


@pytest.fixture
def redis_url():
    """A Redis database for the test (FLASHMOB_TEST_REDIS_URL); CI has one, so this never skips there."""
    url = os.environ.get("FLASHMOB_TEST_REDIS_URL")
    if not url:
        pytest.skip("set FLASHMOB_TEST_REDIS_URL (redis://127.0.0.1:6379/15) to test the Redis check")
    return url


# Health


def test_healthz_is_ok_with_the_database_and_says_so_in_json(client, backend):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.is_json
    assert response.json["status"] == "ok"
    assert response.json["checks"]["database"]["status"] == "ok"
    assert "redis" not in response.json["checks"]  # not configured, so not asked
    assert response.headers["Cache-Control"] == "no-store"
    assert "Set-Cookie" not in response.headers


def test_healthz_needs_no_sign_in_and_is_never_limited(other_app, database_url):
    limited = other_app(
        {
            "SQLALCHEMY_DATABASE_URI": database_url,
            "RATELIMIT_ENABLED": True,
            "RATELIMIT_DEFAULT": "2 per minute",
        }
    )
    client = limited.test_client()
    try:
        assert [client.get("/login").status_code for _ in range(3)] == [200, 200, 429]  # the limit is on
        assert [client.get("/healthz").status_code for _ in range(5)] == [200] * 5
    finally:
        # The limiter is one object per process and keeps the first default limits it is given.
        limiter.limit_manager.set_default_limits([])


def test_healthz_checks_redis_when_configured(other_app, database_url, redis_url):
    client = other_app({"SQLALCHEMY_DATABASE_URI": database_url, "REDIS_URL": redis_url}).test_client()
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json["checks"]["redis"]["status"] == "ok"


def test_healthz_answers_503_naming_redis_when_it_is_unreachable(other_app, database_url):
    port = closed_port()
    unreachable = f"redis://127.0.0.1:{port}/0"
    client = other_app({"SQLALCHEMY_DATABASE_URI": database_url, "REDIS_URL": unreachable}).test_client()
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json["status"] == "unavailable"
    assert response.json["failed"] == ["redis"]
    assert response.json["checks"]["database"]["status"] == "ok"
    assert str(port) not in response.text  # no addresses given away
    assert response.headers["Cache-Control"] == "no-store"


def test_a_load_balancer_may_ask_about_the_database_alone(other_app, database_url):
    unreachable = f"redis://127.0.0.1:{closed_port()}/0"
    client = other_app({"SQLALCHEMY_DATABASE_URI": database_url, "REDIS_URL": unreachable}).test_client()
    response = client.get("/healthz?check=database")
    assert response.status_code == 200
    assert list(response.json["checks"]) == ["database"]
    assert response.json["status"] == "ok"
    assert client.get("/healthz?check=disk").status_code == 400


def test_when_redis_is_down_sign_ins_are_still_limited_per_process_not_broken(other_app, database_url):
    unreachable = f"redis://127.0.0.1:{closed_port()}/0"
    limited = other_app(
        {
            "SQLALCHEMY_DATABASE_URI": database_url,
            "RATELIMIT_ENABLED": True,
            "RATELIMIT_STORAGE_URI": unreachable,
            "AUTH_RATE_LIMIT": "2 per minute",
        }
    )
    client = limited.test_client()
    guess = {"email": "nobody@example.org", "password": "a guess"}
    assert [client.post("/login", data=guess).status_code for _ in range(3)] == [422, 422, 429]


def test_healthz_answers_503_naming_the_database_when_it_is_unreachable(other_app, backend, tmp_path):
    if backend == "sqlite":
        unreachable = f"sqlite:///{tmp_path / 'no-such-folder' / 'flashmob.db'}"
    else:
        unreachable = f"postgresql+psycopg://flashmob@127.0.0.1:{closed_port()}/flashmob?connect_timeout=2"
    client = other_app({"SQLALCHEMY_DATABASE_URI": unreachable}).test_client()
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json == {
        "status": "unavailable",
        "checks": {"database": {"status": "unavailable"}},
        "failed": ["database"],
    }


# Request logs and ids


@pytest.fixture
def request_lines(caplog):
    """The JSON lines logged for requests, parsed."""
    caplog.set_level(logging.INFO, logger="flashmob.request")

    def _lines():
        return [json.loads(r.getMessage()) for r in caplog.records if r.name == "flashmob.request"]

    return _lines


def test_each_request_logs_one_json_line(client, request_lines):
    response = client.get("/chapters?page=1&secret=hunter2", environ_base={"REMOTE_ADDR": "198.51.100.4"})
    (line,) = request_lines()
    assert line["method"] == "GET"
    assert line["path"] == "/chapters"  # the query string never reaches the log
    assert line["status"] == response.status_code
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0
    assert line["request_id"] == response.headers["X-Request-ID"]
    assert line["user_id"] is None
    assert line["remote_addr"] == "198.51.100.4"


def test_the_log_line_names_the_signed_in_member(client, login, create_user, request_lines):
    member = login(create_user())
    client.get("/account")
    (line,) = request_lines()
    assert line["user_id"] == member.id
    assert line["status"] == 200


def test_calendar_tokens_and_other_keys_in_paths_are_masked(client, create_user, request_lines):
    member = create_user()
    member.reset_calendar_token()
    db.session.commit()
    token = member.calendar_token
    assert client.get(f"/calendar/{token}.ics").status_code == 200
    client.get("/password/reset/some-secret-reset-token")
    paths = [line["path"] for line in request_lines()]
    assert paths == ["/calendar/[masked].ics", "/password/reset/[masked]"]
    assert not any(token in line for line in map(json.dumps, request_lines()))


def test_the_client_address_comes_through_a_trusted_proxy(other_app, database_url, request_lines):
    behind_proxy = other_app({"SQLALCHEMY_DATABASE_URI": database_url, "TRUSTED_PROXIES": 1})
    behind_proxy.test_client().get(
        "/healthz", headers={"X-Forwarded-For": "203.0.113.50"}, environ_base={"REMOTE_ADDR": "127.0.0.1"}
    )
    (line,) = request_lines()
    assert line["remote_addr"] == "203.0.113.50"


def test_a_sane_request_id_from_the_proxy_is_kept_and_echoed(client, request_lines):
    response = client.get("/", headers={"X-Request-ID": "nginx-4f1c2a9b8e7d6c5b"})
    assert response.headers["X-Request-ID"] == "nginx-4f1c2a9b8e7d6c5b"
    assert request_lines()[0]["request_id"] == "nginx-4f1c2a9b8e7d6c5b"


@pytest.mark.parametrize(
    "sent",
    ["", "short", "has spaces in it", 'quote"injection', "x" * 300, "semi;colon-1234567"],
)
def test_an_insane_request_id_is_replaced_by_a_new_one(client, request_lines, sent):
    response = client.get("/healthz", headers={"X-Request-ID": sent})
    given = response.headers["X-Request-ID"]
    assert given != sent and len(given) == 32 and given.isalnum()
    assert request_lines()[0]["request_id"] == given


def test_without_an_id_each_request_gets_its_own(client):
    ids = {client.get("/healthz").headers["X-Request-ID"] for _ in range(3)}
    assert len(ids) == 3


def test_a_request_answered_by_a_limit_or_an_error_is_logged_too(client, request_lines):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert request_lines()[0]["status"] == 404
    assert request_lines()[0]["request_id"] == response.headers["X-Request-ID"]


def test_an_unhandled_error_is_logged_with_the_masked_path_and_the_request_id(app, caplog, monkeypatch):
    from flashmob.events.calendars import feeds

    def broken(token):
        raise RuntimeError("the database fell over")

    monkeypatch.setattr(feeds, "member_for_calendar_token", broken)
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)
    caplog.set_level(logging.ERROR, logger="flashmob")
    client = app.test_client()
    response = client.get("/calendar/leaky-secret-token.ics", headers={"X-Request-ID": "req-12345678"})
    assert response.status_code == 500
    (record,) = [r for r in caplog.records if r.levelno == logging.ERROR and r.name == "flashmob"]
    assert record.getMessage() == "Exception on /calendar/[masked].ics [GET] (request req-12345678)"
    assert "leaky-secret-token" not in caplog.text


# The production server settings


def _gunicorn_settings(monkeypatch, **env) -> dict:
    import runpy
    from pathlib import Path

    for name in [n for n in os.environ if n.startswith("FLASHMOB_")]:
        monkeypatch.delenv(name)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(Path(__file__).resolve().parent.parent / "gunicorn.conf.py"))


def test_gunicorn_uses_threads_that_idle_clients_cannot_pin_and_recycles_workers(monkeypatch):
    settings = _gunicorn_settings(monkeypatch)
    assert settings["worker_class"] == "gthread"
    assert settings["threads"] >= 2 and settings["workers"] >= 2
    assert settings["bind"] == ["127.0.0.1:8000"]
    assert settings["preload_app"] is True
    assert settings["max_requests"] > 0 and settings["max_requests_jitter"] > 0
    assert settings["accesslog"] is None  # the app's JSON line replaces it
    assert settings["control_socket_disable"] is True and "control_socket" not in settings


def test_gunicorn_settings_come_from_the_environment(monkeypatch):
    settings = _gunicorn_settings(
        monkeypatch,
        FLASHMOB_BIND="0.0.0.0:8000, 10.0.0.5:8001",
        FLASHMOB_WORKERS="3",
        FLASHMOB_THREADS="8",
        FLASHMOB_TIMEOUT="20",
        FLASHMOB_GRACEFUL_TIMEOUT="25",
        FLASHMOB_KEEPALIVE="75",
        FLASHMOB_FORWARDED_ALLOW_IPS="10.0.0.2",
        FLASHMOB_GUNICORN_CONTROL_SOCKET="/run/flashmob/gunicorn.ctl",
    )
    assert settings["bind"] == ["0.0.0.0:8000", "10.0.0.5:8001"]
    assert (settings["workers"], settings["threads"]) == (3, 8)
    assert (settings["timeout"], settings["graceful_timeout"], settings["keepalive"]) == (20, 25, 75)
    assert settings["forwarded_allow_ips"] == "10.0.0.2"
    assert settings["control_socket"] == "/run/flashmob/gunicorn.ctl"
    assert settings["control_socket_disable"] is False
