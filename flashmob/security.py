"""Security headers on every response: the content policy, framing, sniffing, referrers, browser features."""

from __future__ import annotations

from flask import Flask, Response

# No 'unsafe-inline' anywhere: a script or style attribute that slips past escaping does nothing.
# Templates load scripts and styles from /static; QR codes on tickets are data: SVG images.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

# Nothing here uses these; the copy buttons' clipboard-write keeps its default (this site only).
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "browsing-topics",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "hid",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "serial",
        "usb",
    )
)

BASE_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    # For browsers older than frame-ancestors: the one-button POST forms must never sit in a frame.
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    # Password-reset, confirmation and unsubscribe links, ticket codes and calendar tokens live in
    # URLs: other sites learn nothing, not even our origin. Same-origin requests keep the full
    # referrer, which Flask-WTF checks on HTTPS form posts (no-referrer would break every form).
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": PERMISSIONS_POLICY,
    "Cross-Origin-Opener-Policy": "same-origin",
}


def security_headers(config) -> dict[str, str]:
    """The headers every response carries under these settings (HSTS only where it is switched on)."""
    headers = dict(BASE_HEADERS)
    if config.get("HSTS_ENABLED"):
        headers["Strict-Transport-Security"] = f"max-age={int(config['HSTS_MAX_AGE'])}"
    return headers


def init_security_headers(app: Flask) -> None:
    """Add the security headers to every response the app sends: pages, errors, redirects, files."""
    headers = security_headers(app.config)

    @app.after_request
    def add_security_headers(response: Response) -> Response:
        for name, value in headers.items():
            response.headers.setdefault(name, value)
        return response
