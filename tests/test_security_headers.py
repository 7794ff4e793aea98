"""Security headers on every kind of response, HSTS in production only, and templates with nothing inline."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from flashmob import create_app
from flashmob.extensions import db

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "templates"


def directives(response) -> dict[str, str]:
    """The Content-Security-Policy as {directive: sources}."""
    policy = response.headers.get("Content-Security-Policy", "")
    parts = (part.strip().split(None, 1) for part in policy.split(";") if part.strip())
    return {part[0]: part[1] if len(part) > 1 else "" for part in parts}


def assert_security_headers(response) -> None:
    """What a browser is told on every answer: no inline code, no framing, no sniffing, no leaks."""
    policy = directives(response)
    assert policy, f"no Content-Security-Policy on HTTP {response.status_code} {response.mimetype}"
    assert policy["default-src"] == "'self'"
    assert policy["script-src"] == "'self'"
    assert policy["style-src"] == "'self'"
    assert policy["img-src"] == "'self' data:"  # tickets' QR codes are data: SVG images
    assert policy["object-src"] == "'none'"
    assert policy["base-uri"] == "'none'"
    assert policy["form-action"] == "'self'"
    assert policy["frame-ancestors"] == "'none'"
    assert "unsafe" not in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    permissions = response.headers["Permissions-Policy"]
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert f"{feature}=()" in permissions
    assert "clipboard-write" not in permissions  # the copy buttons need it
    assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"


# Every kind of response


def test_a_page_has_the_security_headers(client):
    response = client.get("/")
    assert response.status_code == 200
    assert_security_headers(response)
    assert "Strict-Transport-Security" not in response.headers  # not outside production


def test_a_missing_page_has_the_security_headers(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert_security_headers(response)


def test_a_wrong_method_has_the_security_headers(client):
    response = client.get("/logout")
    assert response.status_code == 405
    assert_security_headers(response)


def test_a_form_without_its_csrf_token_is_refused_with_the_security_headers(client, csrf_enabled):
    response = client.post("/logout")
    assert response.status_code == 400
    assert "Your form expired" in response.get_data(as_text=True)
    assert_security_headers(response)


def test_a_redirect_has_the_security_headers(client):
    response = client.get("/account")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]
    assert_security_headers(response)


def test_a_calendar_feed_has_the_security_headers(client, create_event):
    create_event()
    response = client.get("/calendar.ics")
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    assert_security_headers(response)


def test_the_attendee_csv_has_the_security_headers(client, login, roles, create_event):
    event = create_event(roles["chapter"])
    login(roles["organiser"])
    response = client.get(f"/events/{event.id}/attendees.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert_security_headers(response)


@pytest.mark.parametrize("path", ["/static/css/flashmob.css", "/static/js/copy.js"])
def test_a_static_file_has_the_security_headers(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert_security_headers(response)


def test_a_crash_gets_the_security_headers(database_url):
    crashing = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "PROPAGATE_EXCEPTIONS": False})

    @crashing.route("/boom")
    def boom():
        raise RuntimeError("boom")

    response = crashing.test_client().get("/boom")
    assert response.status_code == 500
    assert "Something went wrong" in response.get_data(as_text=True)
    assert_security_headers(response)
    with crashing.app_context():
        db.engine.dispose()


# HSTS: production only, and an operator without TLS in front can turn it off


def _hsts_when_started_with(tmp_path, **env: str) -> str | None:
    """Start the app as `gunicorn wsgi:app` would under these settings; the HSTS header it sends."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("FLASHMOB_")}
    clean |= {"FLASHMOB_SECRET_KEY": "x" * 64, "FLASHMOB_DATABASE_URL": f"sqlite:///{tmp_path / 'hsts.db'}"}
    script = (
        "from wsgi import app\n"
        "client = app.test_client()\n"
        "for path in ('/static/css/flashmob.css', '/no-such-page'):\n"
        "    print(client.get(path).headers.get('Strict-Transport-Security'))\n"
    )
    result = subprocess.run(  # noqa: S603  (our own interpreter and script)
        [sys.executable, "-c", script], cwd=ROOT, env=clean | env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    static, error_page = result.stdout.split()
    assert static == error_page
    return None if static == "None" else static


def test_production_alone_sends_hsts_and_an_operator_without_tls_can_turn_it_off(tmp_path):
    assert _hsts_when_started_with(tmp_path, FLASHMOB_ENV="production") == "max-age=31536000"
    assert _hsts_when_started_with(tmp_path, FLASHMOB_ENV="production", FLASHMOB_HSTS="false") is None
    assert _hsts_when_started_with(tmp_path, FLASHMOB_ENV="development") is None


# Templates: nothing inline, so that the policy blocks nothing a template adds


INLINE = {
    # A data block (schema.org JSON-LD) is never run, so the policy has nothing to block in it.
    "an inline <script>": re.compile(
        r"<script\b(?![^>]*\bsrc\s*=)(?![^>]*type=\"application/ld\+json\")[^>]*>", re.IGNORECASE
    ),
    "a <style> element": re.compile(r"<style\b", re.IGNORECASE),
    "a style attribute": re.compile(r"\sstyle\s*=", re.IGNORECASE),
    "an on* handler": re.compile(r"\son[a-z]+\s*=", re.IGNORECASE),
    "a javascript: URL": re.compile(r"javascript\s*:", re.IGNORECASE),
}


def inline_code(text: str) -> list[str]:
    """What in an HTML template the policy would block: inline scripts, styles, handlers."""
    return [
        f"line {text.count(chr(10), 0, match.start()) + 1}: {what} ({match.group(0).strip()})"
        for what, pattern in INLINE.items()
        for match in pattern.finditer(text)
    ]


def page_templates() -> list[Path]:
    # Emails are not subject to the policy, and mail clients want their styles inline.
    return sorted(p for p in TEMPLATES.rglob("*.html") if "email" not in p.relative_to(TEMPLATES).parts)


def test_no_page_template_has_an_inline_script_style_or_handler():
    templates = page_templates()
    assert len(templates) > 30
    problems = [
        f"{path.relative_to(ROOT)} {problem}"
        for path in templates
        for problem in inline_code(path.read_text(encoding="utf-8"))
    ]
    assert not problems, "move these to flashmob/static/ (the policy blocks them):\n" + "\n".join(problems)


@pytest.mark.parametrize(
    "snippet",
    [
        "<script>alert(1)</script>",
        '<script type="application/json">{"a": 1}</script>',
        "<style>p { color: red }</style>",
        '<p style="color: red">',
        "<button onclick=\"go()\">",
        '<body onload="go()">',
        '<a href="javascript:go()">',
    ],
)
def test_the_template_check_finds_each_kind_of_inline_code(snippet):
    assert inline_code(f"<div>\n{snippet}\n</div>")


def test_the_template_check_lets_static_scripts_and_data_attributes_through():
    allowed = (
        '<script src="{{ url_for(\'static\', filename=\'js/copy.js\') }}" defer></script>\n'
        '<button type="button" data-copy="feed" hidden>Copy</button>\n'
        '<li data-name="ada lovelace">Ada</li>\n'
        "<p>Come along on the evening; styles of working welcome.</p>\n"
    )
    assert inline_code(allowed) == []
