"""A cache for bytes that are expensive to build and cheap to name: a calendar feed by its ETag.

Keys must name everything the value depends on, so entries never go stale; they only age out.
Redis when FLASHMOB_REDIS_URL is set, shared by every worker process; otherwise a small
least-recently-used cache inside each process.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable

from flask import Flask, current_app

EXTENSION_KEY = "flashmob.cache"


class BuildFailed(Exception):
    """Building this value failed a moment ago; it is not tried again for `retry_after` seconds."""

    def __init__(self, key: str, retry_after: int):
        super().__init__(f"building {key} failed lately; trying again in {retry_after} s")
        self.retry_after = retry_after


class MemoryCache:
    """A bounded, thread-safe least-recently-used cache, one per app."""

    def __init__(self, max_entries: int = 256):
        self.max_entries = max_entries
        self._entries: OrderedDict[str, bytes] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> bytes | None:
        with self._lock:
            value = self._entries.get(key)
            if value is not None:
                self._entries.move_to_end(key)
            return value

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def set(self, key: str, value: bytes, timeout: int) -> None:
        with self._lock:
            self._entries[key] = value
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)


class RedisCache:
    """The same, in Redis; if Redis is unreachable the caller simply builds the value."""

    prefix = "flashmob:cache:"

    def __init__(self, url: str):
        import redis

        self._errors = redis.RedisError
        self._client = redis.Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5)

    def get(self, key: str) -> bytes | None:
        try:
            return self._client.get(self.prefix + key)
        except self._errors:
            current_app.logger.warning("cache: Redis unreachable; building instead", exc_info=True)
            return None

    def set(self, key: str, value: bytes, timeout: int) -> None:
        try:
            self._client.set(self.prefix + key, value, ex=timeout)
        except self._errors:
            current_app.logger.warning("cache: Redis unreachable; not stored", exc_info=True)


def init_cache(app: Flask) -> None:
    url = app.config.get("CACHE_REDIS_URL")
    app.extensions[EXTENSION_KEY] = RedisCache(url) if url else MemoryCache()


def cached_bytes(key: str, build: Callable[[], bytes], *, timeout: int = 86400) -> bytes:
    """The cached value for `key`, or `build()`'s, stored for next time."""
    cache = current_app.extensions[EXTENSION_KEY]
    value = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, timeout)
    return value


def unless_failed_lately(key: str, build: Callable[[], bytes], *, remember: int) -> bytes:
    """`build()`'s value, unless building it for `key` failed less than `remember` seconds ago.

    A failure is logged once, with its traceback, and remembered under the same key: asking again
    meanwhile raises BuildFailed at once, rather than paying for the same failure on every request.
    The key names everything the value depends on, so a fix to the data is tried at once.
    """
    cache = current_app.extensions[EXTENSION_KEY]
    failed_key = f"failed:{key}"
    until = cache.get(failed_key)
    # The memory cache keeps entries past their timeout; the moment stored says when to try again.
    if until is not None and float(until) > time.time():
        raise BuildFailed(key, max(1, round(float(until) - time.time())))
    try:
        return build()
    except Exception:
        current_app.logger.exception("cache: building %s failed; not trying again for %d s", key, remember)
        cache.set(failed_key, str(time.time() + remember).encode(), remember)
        raise BuildFailed(key, remember) from None
