"""The security headers in a real browser: inline script and style are blocked, and the tests notice."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from playwright.sync_api import expect

from tests.browser.site import build_site

INLINE = (
    '<p id="inline-style" style="color: rgb(255, 0, 0)">Styled inline</p>'
    "<script>window.inlineScriptRan = true;</script>"
    '<button type="button" id="inline-handler" onclick="window.handlerRan = true">Click</button>'
    # Not inline, but not a script either: nosniff keeps the browser from running it as one.
    '<script src="/static/css/flashmob.css"></script>'
)


def test_inline_code_and_mistyped_scripts_are_blocked_and_recorded(page, server, blocked_by_policy):
    build_site()
    # The real home page with its real headers, and inline code added to its body, as a careless
    # template would.
    page.route(
        server.url + "/",
        lambda route: route.fulfill(
            response=(answer := route.fetch()), body=answer.text().replace("</main>", INLINE + "</main>")
        ),
    )
    page.goto("/")
    page.locator("#inline-handler").click()

    assert page.evaluate("() => window.inlineScriptRan") is None
    assert page.evaluate("() => window.handlerRan") is None
    expect(page.locator("#inline-style")).not_to_have_css("color", "rgb(255, 0, 0)")
    refused = "\n".join(blocked_by_policy.take(page))
    assert "style-src-attr blocked inline" in refused
    assert "script-src-elem blocked inline" in refused
    assert "script-src-attr blocked inline" in refused
    assert "Refused to execute script from" in refused


@pytest.fixture
def other_site():
    """Another site on this machine (another port, so another origin) serving the page it is given."""
    served = {"html": ""}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            body = served["html"].encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    httpd = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()

    def serve(html: str) -> str:
        served["html"] = html
        return f"http://127.0.0.1:{httpd.server_port}/"

    yield serve
    httpd.shutdown()
    thread.join(timeout=10)
    httpd.server_close()


def test_the_site_shows_nothing_inside_another_sites_frame(page, server, other_site, blocked_by_policy):
    build_site()
    login = server.url + server.path("members.login")
    # A real local server, not a routed page: Chromium keeps public pages from framing local addresses.
    framer = other_site(f'<!doctype html><title>Evil</title><iframe src="{login}" title="Flashmob"></iframe>')
    page.goto(framer)
    page.wait_for_load_state("load")  # the framing page's load waits for its frame's

    framed = page.frames[1]
    assert framed.url != login, "the sign-in page loaded inside another site's frame"
    assert framed.get_by_role("button", name="Sign in").count() == 0
    assert "frame-ancestors 'none'" in "\n".join(blocked_by_policy.take(page))
