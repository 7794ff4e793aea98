"""Calendar feeds are built once per version and served from the cache after that."""

from __future__ import annotations

import os

import pytest

from flashmob import create_app
from flashmob.cache import MemoryCache, RedisCache, cached_bytes
from flashmob.events.calendars import ical
from flashmob.extensions import db


@pytest.fixture
def builds(monkeypatch):
    """How many times a feed was really built."""
    calls = []
    real = ical.build_feed

    def counting(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(ical, "build_feed", counting)
    return calls


def test_a_feed_is_built_once_until_an_event_in_it_changes(client, create_event, builds):
    event = create_event(title="RAID logs that people read")
    first = client.get(f"/chapters/{event.chapter.slug}/calendar.ics")
    second = client.get(f"/chapters/{event.chapter.slug}/calendar.ics")
    assert first.status_code == second.status_code == 200
    assert first.data == second.data
    assert len(builds) == 1

    event.title = "RAID logs people actually read"
    event.sequence += 1
    db.session.commit()
    third = client.get(f"/chapters/{event.chapter.slug}/calendar.ics")
    assert b"RAID logs people actually read" in third.data
    assert len(builds) == 2


def test_the_memory_cache_forgets_the_least_recently_used_first():
    cache = MemoryCache(max_entries=2)
    cache.set("a", b"1", 60)
    cache.set("b", b"2", 60)
    assert cache.get("a") == b"1"  # a is now the most recently used
    cache.set("c", b"3", 60)
    assert cache.get("b") is None
    assert (cache.get("a"), cache.get("c")) == (b"1", b"3")


def test_with_redis_every_worker_shares_the_built_feed(app, database_url):
    url = os.environ.get("FLASHMOB_TEST_REDIS_URL")
    if not url:
        pytest.skip("set FLASHMOB_TEST_REDIS_URL (redis://127.0.0.1:6379/15) to test the cache in Redis")
    settings = {"SQLALCHEMY_DATABASE_URI": database_url, "CACHE_REDIS_URL": url}
    workers = [create_app(settings) for _ in range(2)]
    built = []
    with workers[0].app_context():
        assert isinstance(workers[0].extensions["flashmob.cache"], RedisCache)
        assert cached_bytes("test:shared", lambda: built.append(1) or b"feed") == b"feed"
    with workers[1].app_context():
        assert cached_bytes("test:shared", lambda: built.append(1) or b"other") == b"feed"
    assert len(built) == 1
    import redis

    redis.Redis.from_url(url).delete("flashmob:cache:test:shared")
    for worker in workers:
        with worker.app_context():
            db.engine.dispose()


def test_an_unreachable_redis_means_building_not_failing(app, database_url):
    broken = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "CACHE_REDIS_URL": "redis://127.0.0.1:1/0"})
    with broken.app_context():
        assert cached_bytes("test:down", lambda: b"built anyway") == b"built anyway"
        db.engine.dispose()
