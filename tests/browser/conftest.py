"""Browser tests: a live server of the app, Debian's Chromium driven by Playwright, and what they need.

The live server serves the session `app` (so it runs once per database) from a thread, with CSRF
protection on and its security headers, as in production. Each test gets a fresh browser context and
page; anything the Content-Security-Policy (or nosniff) makes the browser refuse fails the test, and a
failing test leaves a screenshot under test-artifacts/failures/. Without Chromium, axe-core or the Nu
HTML checker the tests are skipped with the reason, unless FLASHMOB_REQUIRE_BROWSER=1 (CI), when a
missing tool fails them.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import threading
import traceback
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from flask import got_request_exception, url_for
from werkzeug.serving import WSGIRequestHandler, make_server

from tests.factories import DEFAULT_PASSWORD

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"
FAILURES = ARTIFACTS / "failures"
CHROMIUM = os.environ.get("FLASHMOB_CHROMIUM") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"]
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
VNU_JAR = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
VIEWPORTS = {"desktop": DESKTOP, "phone": PHONE}

_artifacts_key = pytest.StashKey[dict[str, set[Path]]]()
_reports_key = pytest.StashKey[dict]()


# Tools: skip with the reason, or fail when the run must have them.


def _missing_browser() -> str | None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the Python package playwright is not installed (pip install -r requirements-dev.txt)"
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        return (
            f"no Chromium at {CHROMIUM} (apt-get install chromium fonts-liberation, or set FLASHMOB_CHROMIUM)"
        )
    return None


def _missing_axe() -> str | None:
    if not AXE_JS.is_file():
        return f"axe-core is not installed ({AXE_JS.relative_to(ROOT)} is missing: run npm ci)"
    return None


def _missing_vnu() -> str | None:
    if not VNU_JAR.is_file():
        return f"the Nu HTML checker is not installed ({VNU_JAR.relative_to(ROOT)} is missing: run npm ci)"
    if not shutil.which("java"):
        return "java is not installed (apt-get install default-jre-headless) for the Nu HTML checker"
    return None


def require(reason: str | None) -> None:
    """Skip the test for a missing tool, or fail it when FLASHMOB_REQUIRE_BROWSER=1 says it must run."""
    if reason is None:
        return
    if os.environ.get("FLASHMOB_REQUIRE_BROWSER", "").strip().lower() in {"1", "true", "yes", "on"}:
        pytest.fail(f"browser test cannot run: {reason} (FLASHMOB_REQUIRE_BROWSER=1)", pytrace=False)
    pytest.skip(f"browser test skipped: {reason}")


@pytest.fixture(autouse=True)
def _browser_available():
    require(_missing_browser())


@pytest.fixture
def axe_js() -> Path:
    require(_missing_axe())
    return AXE_JS


@pytest.fixture
def vnu_jar() -> Path:
    require(_missing_vnu())
    return VNU_JAR


# The live server.


class _QuietHandler(WSGIRequestHandler):
    """Werkzeug's handler without a log line per request (errors are still logged)."""

    def log_request(self, code="-", size="-"):
        pass


@dataclass
class LiveServer:
    url: str
    app: object
    errors: list[str] = field(default_factory=list)

    def path(self, endpoint: str, **values) -> str:
        """The path of an endpoint, as the app builds it (`server.path("events.chapter", slug=...)`)."""
        with self.app.test_request_context():
            return url_for(endpoint, **values)


@pytest.fixture(scope="session")
def live_server(app):
    """The session's app served on 127.0.0.1 at a free port, in a daemon thread."""
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=_QuietHandler)
    live = LiveServer(url=f"http://127.0.0.1:{server.server_port}", app=app)

    def record(sender, exception, **extra):
        live.errors.append("".join(traceback.format_exception(exception)))

    got_request_exception.connect(record, app, weak=False)
    thread = threading.Thread(target=server.serve_forever, name="flashmob-live-server", daemon=True)
    thread.start()
    yield live
    server.shutdown()
    thread.join(timeout=10)
    server.server_close()
    got_request_exception.disconnect(record, app)


@pytest.fixture
def server(live_server, app):
    """The live server for one test: CSRF on while it runs, and any server error fails the test."""
    saved = app.config.get("WTF_CSRF_ENABLED", True)
    app.config["WTF_CSRF_ENABLED"] = True
    live_server.errors.clear()
    try:
        yield live_server
    finally:
        app.config["WTF_CSRF_ENABLED"] = saved
    if live_server.errors:
        pytest.fail("the live server raised:\n" + "\n".join(live_server.errors), pytrace=False)


# The browser.


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, headless, for the whole session (playwright install cannot download one here)."""
    require(_missing_browser())
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    item.stash.setdefault(_reports_key, {})[report.when] = report
    return report


def _failed(item) -> bool:
    reports = item.stash.get(_reports_key, {})
    return any(report.failed for report in reports.values())


# What the page's policy blocks: every page reports to Python as it happens, so that nothing is lost
# when the page navigates on. Init scripts and bindings come through the DevTools protocol, which the
# policy does not govern. The console adds the browser's own wording, and refusals that raise no event
# (nosniff refusing a script served as another type).
_WATCH_POLICY = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.__flashmobBlocked(
    `${event.effectiveDirective} blocked ${event.blockedURI || "inline"} on ${document.URL}` +
      (event.sample ? ` (${event.sample})` : "") +
      (event.sourceFile ? ` at ${event.sourceFile}:${event.lineNumber}` : ""),
  );
}, true);
"""


class BlockedByPolicy:
    """What the browser refused to load or run on the test's pages; the test fails if any is left."""

    def __init__(self):
        self.seen: list[str] = []

    def watch(self, context) -> None:
        context.expose_function("__flashmobBlocked", self._report)
        context.add_init_script(_WATCH_POLICY)
        context.on("console", self._console)

    def _report(self, refusal: str) -> None:
        self.seen.append(refusal)

    def _console(self, message) -> None:
        if message.text.startswith("Refused to") or "Content Security Policy" in message.text:
            self.seen.append(f"console: {message.text}")

    def settle(self, page) -> None:
        """Let reports the page has queued reach Python (they arrive between Playwright calls)."""
        # A closed or navigating page has nothing more to say.
        with contextlib.suppress(Exception):
            page.evaluate("() => new Promise(resolve => setTimeout(resolve, 50))")

    def take(self, *pages) -> list[str]:
        """The refusals so far (after letting the pages' last reports arrive), and forget them."""
        for opened in pages:
            self.settle(opened)
        seen, self.seen = self.seen, []
        return seen


@pytest.fixture
def blocked_by_policy():
    """The refusals the browser reported on this test's pages: `blocked_by_policy.take(page)`."""
    return BlockedByPolicy()


@pytest.fixture
def new_page(browser, server, request, blocked_by_policy):
    """Open a fresh browser context and page at a viewport: new_page(PHONE). Closed after the test.

    Whatever the security policy blocks on any of the test's pages fails the test.
    """
    contexts = []

    def _new_page(viewport: dict = DESKTOP):
        context = browser.new_context(base_url=server.url, viewport=viewport, locale="en-GB")
        context.set_default_timeout(10_000)
        blocked_by_policy.watch(context)
        contexts.append(context)
        return context.new_page()

    yield _new_page
    refused = blocked_by_policy.take(*(opened for context in contexts for opened in context.pages))
    if _failed(request.node) or refused:
        for number, context in enumerate(contexts):
            for tab, opened in enumerate(context.pages):
                name = _safe_name(request.node.nodeid) + (f"-{number}-{tab}" if number or tab else "")
                target = FAILURES / f"{name}.png"
                try:
                    target.parent.mkdir(parents=True, exist_ok=True)
                    opened.screenshot(path=str(target), full_page=True)
                except Exception as exc:  # a screenshot must never hide the real failure
                    print(f"could not save a failure screenshot: {exc}")
                else:
                    record_artifact(request.config, "failures", target)
                    print(f"failure screenshot: {target}")
    for context in contexts:
        context.close()
    if refused:
        pytest.fail(
            "the browser refused something the security policy forbids (an inline script or style?):\n"
            + "\n".join(f"  {line}" for line in refused),
            pytrace=False,
        )


@pytest.fixture
def page(new_page):
    """A fresh page at desktop width for one test."""
    return new_page(DESKTOP)


def _safe_name(nodeid: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", nodeid).strip("_")[:180]


def record_artifact(config, kind: str, path: Path) -> None:
    config.stash.setdefault(_artifacts_key, {}).setdefault(kind, set()).add(path)


@pytest.fixture
def screenshot(request):
    """Save a full-page screenshot of a page under test-artifacts/screenshots/<name>.png."""

    def _screenshot(page, name: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        target = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(target), full_page=True)
        record_artifact(request.config, "screenshots", target)
        return target

    return _screenshot


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    artifacts = config.stash.get(_artifacts_key, {})
    if not artifacts:
        return
    terminalreporter.section("browser artifacts")
    if artifacts.get("screenshots"):
        terminalreporter.write_line(
            f"screenshots at phone and desktop widths: {SCREENSHOTS} "
            f"({', '.join(sorted(p.name for p in artifacts['screenshots']))})"
        )
    if artifacts.get("failures"):
        terminalreporter.write_line(f"screenshots of failed browser tests: {FAILURES}")


# Signing in through the real form.


@pytest.fixture
def sign_in(server):
    """Sign a user in on a page through the sign-in form: sign_in(page, user)."""

    def _sign_in(page, user, password: str = DEFAULT_PASSWORD):
        page.goto(server.path("members.login"))
        main = page.get_by_role("main")
        main.get_by_label("Email").fill(user.email)
        main.get_by_label("Password").fill(password)
        main.get_by_role("button", name="Sign in").click()
        page.wait_for_load_state()
        return page

    return _sign_in
