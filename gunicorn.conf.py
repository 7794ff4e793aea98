"""Gunicorn settings for production: `gunicorn -c gunicorn.conf.py` (docs/deploy.md explains each choice).

Every value can be changed from the environment, so one file serves one machine and several.

Why gthread workers, not sync or gevent:
- A sync worker serves one connection at a time and reads the request itself, so an idle or slow client
  holds the whole process until `timeout` (during a scan, idle connections held every worker for 30 s).
- A gthread worker keeps kept-alive connections in a poller, not in a thread, and closes them after
  `keepalive` seconds. A new connection does go to a thread, which waits for its first bytes, but only
  so long before handing it back to the poller: gunicorn waits 5 s, and since requests queue behind
  those waits (24 idle connections on 8 threads held a request up for 15 to 25 s in
  tests/test_two_servers.py), post_worker_init below shortens it to FLASHMOB_FIRST_BYTE_WAIT (0.25 s).
  A connection whose request comes later is not dropped: the poller hands it back when its bytes
  arrive. Flask, SQLAlchemy's pool, psycopg and redis-py are all made for threads, with no
  monkey-patching of the standard library and no new dependency.
- gevent would also survive idle clients, but it needs every library patched (psycopg 3 cooperates with
  gevent only through its own wait functions), a new dependency, and care with the argon2 hashing, which
  holds the CPU for tens of milliseconds and would stall every greenlet of the process meanwhile.
- What no worker class solves alone is a client that sends its request very slowly (a byte a second):
  that holds a thread while it is read. In production put a buffering proxy in front (nginx reads the
  whole request before passing it on, and takes the response at once so the thread is free while a
  slow client downloads it); see docs/deploy.md. Then threads only ever talk to the proxy.
"""

from __future__ import annotations

import multiprocessing
import os


def _env(name: str, default: str) -> str:
    value = os.environ.get(name, "")
    return value if value.strip() else default


def _int(name: str, default: int) -> int:
    return int(_env(name, str(default)))


wsgi_app = "wsgi:app"
proc_name = "flashmob"

# Where to listen: a local port behind nginx/HAProxy on the same machine, or 0.0.0.0:8000 on a private
# network the load balancer reaches. Several addresses may be given, separated by commas.
bind = [address.strip() for address in _env("FLASHMOB_BIND", "127.0.0.1:8000").split(",") if address.strip()]

worker_class = "gthread"
# Processes, for the cores; threads, for the waiting on PostgreSQL and Redis inside each request.
workers = _int("FLASHMOB_WORKERS", multiprocessing.cpu_count() * 2)
threads = _int("FLASHMOB_THREADS", 4)
# Each worker keeps this many connections open at most (kept-alive ones wait in its poller).
worker_connections = _int("FLASHMOB_WORKER_CONNECTIONS", 1000)

# A worker silent for this long (a request stuck that long) is killed and replaced.
timeout = _int("FLASHMOB_TIMEOUT", 30)
# On restart or SIGTERM, workers finish the requests in hand for up to this long.
graceful_timeout = _int("FLASHMOB_GRACEFUL_TIMEOUT", 30)
# How long an idle kept-alive connection is held (in the poller, not a thread). Behind nginx with
# upstream keepalive, raise it above nginx's keepalive_timeout so gunicorn is never the one to close.
keepalive = _int("FLASHMOB_KEEPALIVE", 5)

# The app is built once in the master and forked: workers start fast and share its memory. Each
# worker then drops the database connections it inherited (post_fork below).
preload_app = _env("FLASHMOB_PRELOAD", "true").lower() in {"1", "true", "yes", "on"}

# Replace each worker after about this many requests (the jitter spreads the restarts), so a slow
# leak in any library can never grow without bound.
max_requests = _int("FLASHMOB_MAX_REQUESTS", 2000)
max_requests_jitter = _int("FLASHMOB_MAX_REQUESTS_JITTER", 200)

# The proxies whose X-Forwarded-Proto gunicorn believes (for https URLs). The client address itself is
# taken from X-Forwarded-For by the app (FLASHMOB_TRUSTED_PROXIES, werkzeug's ProxyFix).
forwarded_allow_ips = _env("FLASHMOB_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# The worker heartbeat lives in memory, not on a disk that may stall (containers especially).
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108 (a directory, not a file)

# gunicorn's control socket defaults to one path per user, which two servers on one machine would
# share: off unless a path is given.
control_socket = _env("FLASHMOB_GUNICORN_CONTROL_SOCKET", "")
control_socket_disable = not control_socket
if not control_socket:
    del control_socket

# The app writes one JSON line per request (flashmob/request_log.py) to stdout; gunicorn's own access
# log would say the same again, so it stays off. Errors and gunicorn's messages go to stderr.
accesslog = None
loglevel = _env("FLASHMOB_LOG_LEVEL", "info")
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "root": {"level": "INFO", "handlers": ["error_console"]},
    "loggers": {
        "gunicorn.error": {"level": "INFO", "handlers": ["error_console"], "propagate": False},
        "flashmob.request": {"level": "INFO", "handlers": ["request_lines"], "propagate": False},
        # Alembic's plugins announce themselves on import; only their warnings matter here.
        "alembic": {"level": "WARNING"},
    },
    "handlers": {
        "error_console": {"class": "logging.StreamHandler", "formatter": "generic", "stream": "ext://sys.stderr"},
        "request_lines": {"class": "logging.StreamHandler", "formatter": "bare", "stream": "ext://sys.stdout"},
    },
    "formatters": {
        "generic": {"format": "%(asctime)s [%(process)d] [%(levelname)s] %(name)s: %(message)s"},
        "bare": {"format": "%(message)s"},
    },
}


# Seconds a thread waits for a new connection's first bytes before handing it back to the poller.
first_byte_wait = float(_env("FLASHMOB_FIRST_BYTE_WAIT", "0.25"))


def post_worker_init(worker):
    """Shorten gthread's wait for a new connection's first bytes (see the top of this file).

    gunicorn has no setting for it, only a module constant (gunicorn 27); the two-server test fails if
    an upgrade stops honouring it."""
    from gunicorn.workers import gthread

    if hasattr(gthread, "DEFAULT_WORKER_DATA_TIMEOUT"):
        gthread.DEFAULT_WORKER_DATA_TIMEOUT = first_byte_wait
    else:
        worker.log.warning("gthread has no DEFAULT_WORKER_DATA_TIMEOUT: idle connections may hold threads")


def post_fork(server, worker):
    """Drop the database connections a worker inherited from the preloaded master: two processes
    must never share one socket. The pool then opens fresh ones (redis-py does the same by itself)."""
    if not preload_app:
        return
    import wsgi
    from flashmob.extensions import db

    with wsgi.app.app_context():
        db.engine.dispose(close=False)
