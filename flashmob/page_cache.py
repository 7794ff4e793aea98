"""Whole pages for visitors who carry no cookie, kept for a few seconds in the shared cache.

Most requests to a public page at scale come from people and crawlers who are not signed in and see
exactly the same page; building it again for each costs a page's queries and templates every time. A
visitor with no cookie at all cannot be signed in, holds no flash message and no form token, so their page
depends only on the address and the moment. It is kept for ANONYMOUS_PAGE_CACHE_SECONDS (a few seconds:
the seats left may be that old for them, never for a member) in Redis when there is one, so every app
server shares it. Only a 200 HTML answer that started no session is kept; headers that are per response
(security headers, the request id) are added again to each answer by the app's after_request hooks.

Off (0) by default and in tests; production turns it on (config.ProductionConfig).
"""

from __future__ import annotations

import time

from flask import Flask, Response, current_app, g, request, session

from flashmob.cache import EXTENSION_KEY

HIT_HEADER = "X-Page-Cache"
_KEY = "page:"


def _seconds() -> int:
    return int(current_app.config.get("ANONYMOUS_PAGE_CACHE_SECONDS") or 0)


def _may_share() -> bool:
    """Whether this request's page is the same for everyone who asks it so."""
    return (
        request.method in ("GET", "HEAD")
        and "Cookie" not in request.headers
        and "Authorization" not in request.headers
        and request.endpoint not in (None, "static", "health.healthz")
    )


def _key() -> str:
    return f"{_KEY}{request.host}{request.full_path}"


def _encode(response: Response, expires: float) -> bytes:
    return f"{expires}\n{response.content_type}\n".encode() + response.get_data()


def _decode(entry: bytes) -> tuple[float, str, bytes]:
    expires, content_type, body = entry.split(b"\n", 2)
    return float(expires), content_type.decode(), body


def serve_shared_page():
    if not _seconds() or not _may_share():
        return None
    key = _key()
    entry = current_app.extensions[EXTENSION_KEY].get(key)
    if entry is not None:
        expires, content_type, body = _decode(entry)
        # The memory cache keeps entries past their time; the moment stored says when the page went stale.
        if expires > time.time():
            response = current_app.response_class(body, status=200, content_type=content_type)
            response.headers[HIT_HEADER] = "hit"
            return response
    g.page_cache_key = key
    return None


def keep_shared_page(response: Response) -> Response:
    key = g.pop("page_cache_key", None)
    if (
        key is not None
        and response.status_code == 200
        and response.mimetype == "text/html"
        and not response.direct_passthrough
        and not session.modified  # a form's token or a flash message: this page is the visitor's own
        and "Set-Cookie" not in response.headers
        and "no-store" not in (response.headers.get("Cache-Control") or "")
    ):
        seconds = _seconds()
        current_app.extensions[EXTENSION_KEY].set(key, _encode(response, time.time() + seconds), seconds)
        response.headers[HIT_HEADER] = "miss"
    return response


def init_page_cache(app: Flask) -> None:
    # Registered before the other hooks' after_request functions run on the answer (Flask runs them in
    # reverse), so a page from the cache still gets the security headers and its own request id.
    app.before_request(serve_shared_page)
    app.after_request(keep_shared_page)
