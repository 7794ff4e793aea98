"""One JSON line per request on the `flashmob.request` logger, and a request id on every response.

The line carries what an operator needs to follow a request across app servers and the proxy: method,
path, status, duration in milliseconds, request id, the signed-in member's id and the client address
(as ProxyFix found it behind a trusted proxy). Secrets never reach the log: the query string is left
out, and path parts that are keys (a calendar token, a reset link, a ticket code) are masked.

The request id is the proxy's X-Request-ID when it looks like one (so nginx's $request_id ties its log
to ours), else a new one; either way it is sent back in the X-Request-ID response header.
"""

from __future__ import annotations

import json
import logging
import re
import time
import uuid

from flask import Flask, g, has_request_context, request

logger = logging.getLogger("flashmob.request")

HEADER = "X-Request-ID"
# Letters, digits and a few separators: what uuids, nginx's $request_id and tracing ids look like.
# Anything else (too long, spaces, quotes, control characters) is replaced, never logged.
SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:@-]{7,127}")
MASK = "[masked]"
# URL parts that grant access to whoever knows them.
SECRET_ARGUMENTS = frozenset({"token", "ticket_code"})
STARTED_KEY = "flashmob.request_started"


def new_request_id() -> str:
    return uuid.uuid4().hex


def request_id_from(header_value: str | None) -> str:
    if header_value and SANE_REQUEST_ID.fullmatch(header_value):
        return header_value
    return new_request_id()


def masked_path() -> str:
    """The path without its secrets: the values of secret route arguments replaced by a mask."""
    path = request.path
    for name, value in (request.view_args or {}).items():
        if name in SECRET_ARGUMENTS and isinstance(value, str) and value:
            path = path.replace(value, MASK)
    return path


def _user_id() -> int | None:
    # Only a user Flask-Login has already loaded for this request: the log never costs a query.
    user = g.get("_login_user")
    if user is not None and getattr(user, "is_authenticated", False):
        return user.id
    return None


class _Timer:
    """WSGI middleware: notes when the request arrived, before anything else (a limit) can answer it."""

    def __init__(self, wsgi_app):
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        environ[STARTED_KEY] = time.perf_counter()
        return self.wsgi_app(environ, start_response)


def init_request_log(app: Flask) -> None:
    app.wsgi_app = _Timer(app.wsgi_app)

    @app.before_request
    def take_request_id():
        g.request_id = request_id_from(request.headers.get(HEADER))

    @app.after_request
    def log_request(response):
        # A limit or an error may answer before take_request_id ran.
        request_id = g.get("request_id") or request_id_from(request.headers.get(HEADER))
        response.headers[HEADER] = request_id
        started = request.environ.get(STARTED_KEY)
        duration = (time.perf_counter() - started) * 1000 if started is not None else None
        line = {
            "method": request.method,
            "path": masked_path(),
            "status": response.status_code,
            "duration_ms": round(duration, 1) if duration is not None else None,
            "request_id": request_id,
            "user_id": _user_id(),
            "remote_addr": request.remote_addr,
        }
        logger.info(json.dumps(line, separators=(",", ":")))
        return response


class FlashmobFlask(Flask):
    """Flask, whose log of an unhandled exception names the masked path and the request id."""

    def log_exception(self, exc_info) -> None:
        if not has_request_context():
            return super().log_exception(exc_info)
        request_id = g.get("request_id") or "-"
        self.logger.error(
            "Exception on %s [%s] (request %s)", masked_path(), request.method, request_id, exc_info=exc_info
        )
