"""Attempts to sign in, register, resend links and reset passwords are limited per client address."""

from __future__ import annotations

import pytest

from flashmob import create_app
from flashmob.extensions import limiter
from tests.members.conftest import PASSWORD


@pytest.fixture
def limited_app(app, database_url):
    """The app with rate limits on, on the same database, with a small limit."""
    yield create_app(
        {
            "SQLALCHEMY_DATABASE_URI": database_url,
            "RATELIMIT_ENABLED": True,
            "AUTH_RATE_LIMIT": "3 per minute",
        }
    )
    # The limiter is one object per process and init_app() switched it on for every app: switch it back.
    limiter.init_app(app)
    assert not limiter.enabled


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("/register", {"email": "new@example.org", "display_name": "New", "password": "x", "confirm": "y"}),
        ("/confirm", {"email": "ada@example.org"}),
        ("/password/forgot", {"email": "ada@example.org"}),
    ],
)
def test_the_fourth_post_in_a_minute_gets_a_polite_429(limited_app, path, data):
    client = limited_app.test_client()
    for _ in range(3):
        assert client.post(path, data=data).status_code != 429
    response = client.post(path, data=data)
    assert response.status_code == 429
    assert "<h1>Slow down</h1>" in response.text
    assert "Too many attempts in a short time." in response.text
    assert "Retry-After" in response.headers


def test_reading_the_sign_in_page_is_not_limited(limited_app):
    client = limited_app.test_client()
    for _ in range(5):
        assert client.get("/login").status_code == 200


def test_the_main_test_app_is_not_limited_afterwards(app, client):
    for _ in range(12):
        assert (
            client.post("/login", data={"email": "ada@example.org", "password": "guess"}).status_code == 422
        )


def test_each_client_address_has_its_own_allowance(limited_app, ada):
    for _ in range(4):
        limited_app.test_client().post(
            "/login",
            data={"email": "ada@example.org", "password": "wrong guess!"},
            environ_base={"REMOTE_ADDR": "203.0.113.9"},
        )
    response = limited_app.test_client().post(
        "/login",
        data={"email": "ada@example.org", "password": PASSWORD},
        environ_base={"REMOTE_ADDR": "198.51.100.7"},
    )
    assert response.status_code == 302


@pytest.fixture
def redis_url():
    """A Redis database of its own for the test (FLASHMOB_TEST_REDIS_URL), emptied before and after."""
    import os

    import redis

    url = os.environ.get("FLASHMOB_TEST_REDIS_URL")
    if not url:
        pytest.skip("set FLASHMOB_TEST_REDIS_URL (redis://127.0.0.1:6379/15) to test limits kept in Redis")
    connection = redis.Redis.from_url(url)
    connection.flushdb()
    yield url
    connection.flushdb()


def test_with_redis_the_limits_are_counted_in_redis_for_every_worker(app, database_url, redis_url):
    import redis

    worker_apps = [
        create_app(
            {
                "SQLALCHEMY_DATABASE_URI": database_url,
                "RATELIMIT_ENABLED": True,
                "RATELIMIT_STORAGE_URI": redis_url,
                "AUTH_RATE_LIMIT": "3 per minute",
            }
        )
        for _ in range(2)
    ]
    try:
        data = {"email": "ada@example.org", "password": "guess number n"}
        statuses = [worker_apps[n % 2].test_client().post("/login", data=data).status_code for n in range(4)]
        assert statuses[:3] == [422, 422, 422]
        assert statuses[3] == 429
        assert redis.Redis.from_url(redis_url).keys("LIMITS*"), "no rate-limit counters were kept in Redis"
    finally:
        limiter.init_app(app)
    assert not limiter.enabled


def test_sign_in_paused_keeps_the_address_says_when_and_offers_a_reset(limited_app):
    client = limited_app.test_client()
    attempt = {"email": "ada@example.org", "password": "guess number n"}
    for _ in range(3):
        assert client.post("/login", data=attempt).status_code == 422
    response = client.post("/login", data=attempt)
    assert response.status_code == 429
    assert "Too many sign-in attempts from here." in response.text
    assert "try again in 1 minute." in response.text
    assert 'value="ada@example.org"' in response.text
    assert 'href="/password/forgot"' in response.text
    assert "Retry-After" in response.headers


def test_a_wrong_password_says_so_rather_than_asking_to_check_the_form(client, ada):
    response = client.post("/login", data={"email": "ada@example.org", "password": "not it at all"})
    assert response.status_code == 422
    assert "<h2>Email or password is incorrect.</h2>" in response.text
    assert "Please check the form" not in response.text
