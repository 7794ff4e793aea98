"""Absolute addresses on the public site, for email, calendars and QR codes: the one place they are built."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app


def public_url(endpoint: str, **values) -> str:
    """An absolute address on the public site (BASE_URL), for email, feeds and tickets.

    Built from the settings rather than the request, so it works in jobs and threads, and a forged Host
    header can never put someone else's address into our mail.
    """
    base = urlsplit(current_app.config["BASE_URL"])
    adapter = current_app.url_map.bind(
        base.netloc, script_name=base.path or "/", url_scheme=base.scheme or "https"
    )
    return adapter.build(endpoint, values, force_external=True)
