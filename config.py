"""Flashmob settings: one class per environment, values read from FLASHMOB_* variables."""

from __future__ import annotations

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = BASE_DIR / "instance"


def _env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return value if value not in (None, "") else default


def _env_bool(name: str, default: bool) -> bool:
    value = _env(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def normalise_database_url(url: str) -> str:
    """Let people paste the URLs that hosting providers hand out (postgres://, postgresql://)."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


class ConfigError(RuntimeError):
    """Raised when the environment cannot run Flashmob safely."""


class Config:
    """Settings shared by every environment."""

    ENV_NAME = "base"
    SECRET_KEY = _env("FLASHMOB_SECRET_KEY")
    SQLALCHEMY_DATABASE_URI = normalise_database_url(
        _env("FLASHMOB_DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'flashmob.db'}")
    )
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    # The public address of the site: used in email links, calendar feeds and UIDs.
    BASE_URL = _env("FLASHMOB_BASE_URL", "http://127.0.0.1:5000")
    # The domain that qualifies calendar UIDs. It must never change once feeds are out.
    ICAL_DOMAIN = _env("FLASHMOB_ICAL_DOMAIN", "flashmob.example.org")
    DEFAULT_TIMEZONE = _env("FLASHMOB_DEFAULT_TIMEZONE", "Europe/London")
    SITE_NAME = "PMO Flashmob"

    # How many proxies (nginx, a load balancer) stand in front of the app and set X-Forwarded-*.
    # Rate limits count per client address, so behind a proxy this must be right: 0 trusts no header.
    TRUSTED_PROXIES = int(_env("FLASHMOB_TRUSTED_PROXIES", "0"))
    REDIS_URL = _env("FLASHMOB_REDIS_URL")
    # Built calendar feeds are cached here: in Redis when there is one, else in each process.
    CACHE_REDIS_URL = REDIS_URL
    # Whole pages for visitors with no cookie (flashmob/page_cache.py), in seconds; 0 builds every page.
    ANONYMOUS_PAGE_CACHE_SECONDS = int(_env("FLASHMOB_PAGE_CACHE_SECONDS", "0"))
    RATELIMIT_ENABLED = _env_bool("FLASHMOB_RATELIMIT_ENABLED", True)
    # Counted in Redis when there is one, so that every worker process shares the same limits.
    RATELIMIT_STORAGE_URI = REDIS_URL or "memory://"
    # If Redis goes away, each process counts on its own until it is back, rather than every sign-in
    # failing with a 500; Flask-Limiter logs the fall-back and retries Redis with growing pauses.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    RATELIMIT_STORAGE_OPTIONS = {"socket_timeout": 0.5, "socket_connect_timeout": 0.5}
    RATELIMIT_HEADERS_ENABLED = True
    # Sign-in and registration attempts per client address.
    AUTH_RATE_LIMIT = _env("FLASHMOB_AUTH_RATE_LIMIT", "10 per minute;50 per hour")
    # Posts, replies and new topics in discussions, per member.
    DISCUSSION_RATE_LIMIT = _env("FLASHMOB_DISCUSSION_RATE_LIMIT", "10 per minute;60 per hour")
    # How long the links in account emails work, in seconds.
    EMAIL_CONFIRM_MAX_AGE = 3 * 24 * 60 * 60
    PASSWORD_RESET_MAX_AGE = 60 * 60
    EMAIL_CHANGE_MAX_AGE = 24 * 60 * 60

    MAIL_FROM = _env("FLASHMOB_MAIL_FROM", "PMO Flashmob <hello@flashmob.example.org>")
    SMTP_HOST = _env("FLASHMOB_SMTP_HOST")
    SMTP_PORT = int(_env("FLASHMOB_SMTP_PORT", "25"))
    SMTP_USERNAME = _env("FLASHMOB_SMTP_USERNAME")
    SMTP_PASSWORD = _env("FLASHMOB_SMTP_PASSWORD")
    SMTP_STARTTLS = _env_bool("FLASHMOB_SMTP_STARTTLS", False)
    SMTP_TIMEOUT = float(_env("FLASHMOB_SMTP_TIMEOUT", "30"))
    # How the outbox worker delivers: "smtp" to the server above, or "console" (printed, for development).
    MAIL_BACKEND = _env("FLASHMOB_MAIL_BACKEND", "smtp" if SMTP_HOST else "console")
    # Failed deliveries are retried with growing pauses (1, 5, 25 minutes ... up to 6 hours), then given up.
    MAIL_MAX_ATTEMPTS = int(_env("FLASHMOB_MAIL_MAX_ATTEMPTS", "8"))
    # Sent email keeps its record (who, what kind, the subject, when) for good, but its words and
    # invitation only this many days: enough to answer "did it go, and what did it say?".
    MAIL_RETENTION_DAYS = int(_env("FLASHMOB_MAIL_RETENTION_DAYS", "30"))

    # Check-in on the night opens this many hours before an event starts (on the day) and closes this many
    # hours after it ends, so that nobody is ticked in weeks early and late arrivals can still be recorded.
    CHECK_IN_OPENS_HOURS = int(_env("FLASHMOB_CHECK_IN_OPENS_HOURS", "6"))
    CHECK_IN_CLOSES_HOURS = int(_env("FLASHMOB_CHECK_IN_CLOSES_HOURS", "12"))

    PER_PAGE = 10
    REMEMBER_COOKIE_DURATION = 60 * 60 * 24 * 30
    REMEMBER_COOKIE_HTTPONLY = True
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SAMESITE = "Lax"
    WTF_CSRF_TIME_LIMIT = None
    # Strict-Transport-Security (flashmob/security.py): browsers then use only HTTPS here for a year.
    # Off outside production; production sends it unless FLASHMOB_HSTS=false.
    HSTS_ENABLED = False
    HSTS_MAX_AGE = 365 * 24 * 60 * 60
    # argon2id cost; the test settings lower it so that thousands of sign-ins stay quick.
    PASSWORD_HASH_TIME_COST = 3
    PASSWORD_HASH_MEMORY_COST = 65536

    @classmethod
    def check(cls) -> None:
        """Refuse settings that would be unsafe; a no-op outside production."""


class DevelopmentConfig(Config):
    """Local development: SQLite under instance/, mail printed to the console."""

    ENV_NAME = "development"
    DEBUG = True
    SECRET_KEY = Config.SECRET_KEY or "dev-only-not-secret"


class TestingConfig(Config):
    """The test suite: each run points SQLALCHEMY_DATABASE_URI at a database of its own."""

    ENV_NAME = "testing"
    TESTING = True
    # Tests read their own writes at once; tests/test_page_cache.py turns it on.
    ANONYMOUS_PAGE_CACHE_SECONDS = 0
    SECRET_KEY = "testing-not-secret"
    SQLALCHEMY_DATABASE_URI = "sqlite://"
    RATELIMIT_ENABLED = False
    # Tests post without tokens; the csrf_enabled fixture turns protection back on.
    WTF_CSRF_ENABLED = False
    RATELIMIT_STORAGE_URI = "memory://"
    REDIS_URL = None
    CACHE_REDIS_URL = None
    BASE_URL = "http://localhost"
    SERVER_NAME = None
    PASSWORD_HASH_TIME_COST = 1
    # argon2 refuses less than 8 KiB per lane, and it hashes with 4 lanes.
    PASSWORD_HASH_MEMORY_COST = 32
    SMTP_HOST = None
    MAIL_BACKEND = "console"


class ProductionConfig(Config):
    """Production: PostgreSQL, a real secret key, secure cookies."""

    ENV_NAME = "production"
    SESSION_COOKIE_SECURE = _env_bool("FLASHMOB_SECURE_COOKIES", True)
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    PREFERRED_URL_SCHEME = "https"
    # A few seconds' old page for visitors who are not signed in, shared by every app server.
    ANONYMOUS_PAGE_CACHE_SECONDS = int(_env("FLASHMOB_PAGE_CACHE_SECONDS", "5"))
    # A failed statement's log shows the SQL but not its values: they may be tokens, hashes, addresses.
    SQLALCHEMY_ENGINE_OPTIONS = {**Config.SQLALCHEMY_ENGINE_OPTIONS, "hide_parameters": True}
    # Switch it off only where no TLS is terminated in front of the app: a browser that once sees
    # the header refuses plain HTTP to this host for HSTS_MAX_AGE.
    HSTS_ENABLED = _env_bool("FLASHMOB_HSTS", True)

    @classmethod
    def check(cls) -> None:
        if not _env("FLASHMOB_SECRET_KEY"):
            raise ConfigError(
                "FLASHMOB_SECRET_KEY is not set: production needs a long random secret "
                "(python3 -c 'import secrets; print(secrets.token_hex(32))')."
            )
        if not _env("FLASHMOB_DATABASE_URL"):
            raise ConfigError(
                "FLASHMOB_DATABASE_URL is not set: production needs a database, "
                "e.g. postgresql://flashmob@localhost/flashmob."
            )


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def config_from_env() -> type[Config]:
    """The settings class named by FLASHMOB_ENV (development unless told otherwise)."""
    name = _env("FLASHMOB_ENV", "development")
    try:
        return CONFIGS[name]
    except KeyError:
        raise ConfigError(
            f"FLASHMOB_ENV={name!r} is not one of {', '.join(CONFIGS)}."
        ) from None
