"""Quality checks on pages: axe-core for accessibility, the Nu HTML checker for valid HTML, visible focus."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

# axe's impact levels that fail the build; "minor" and "moderate" are left to judgement.
FAILING_IMPACTS = ("serious", "critical")


def axe_violations(page, axe_js: Path) -> list[dict]:
    """Run axe-core on the page as it is now; the serious and critical violations it finds."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        # Evaluated through DevTools, not added as a <script>: the page's policy refuses inline script.
        page.evaluate(axe_js.read_text(encoding="utf-8"))
    result = page.evaluate("options => axe.run(document, options)", {"resultTypes": ["violations"]})
    return [v for v in result["violations"] if v.get("impact") in FAILING_IMPACTS]


def describe_violations(where: str, violations: list[dict]) -> str:
    """A readable list: the page, then each rule, its help text and the elements that break it."""
    lines = [f"{where}:"]
    for violation in violations:
        lines.append(
            f"  [{violation['impact']}] {violation['id']}: {violation['help']} ({violation['helpUrl']})"
        )
        for node in violation["nodes"][:8]:
            target = " ".join(str(part) for part in node["target"])
            summary = (node.get("failureSummary") or "").replace("\n", " ")
            lines.append(f"      {target}  {summary}")
        if len(violation["nodes"]) > 8:
            lines.append(f"      ... and {len(violation['nodes']) - 8} more")
    return "\n".join(lines)


def validate_html(vnu_jar: Path, files: list[Path]) -> list[str]:
    """Check HTML files with the Nu HTML checker in one run; its errors, one readable line each."""
    java = shutil.which("java") or "java"
    completed = subprocess.run(  # noqa: S603  (our own arguments, no shell)
        [java, "-jar", str(vnu_jar), "--errors-only", "--format", "json", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    try:
        report = json.loads(completed.stderr or completed.stdout)
    except json.JSONDecodeError as exc:
        raise AssertionError(
            f"the Nu HTML checker gave no JSON report (exit {completed.returncode}):\n"
            f"{completed.stdout}\n{completed.stderr}"
        ) from exc
    problems = []
    for message in report.get("messages", []):
        if message.get("type") not in ("error", "non-document-error"):
            continue
        name = Path(message.get("url", "").removeprefix("file:")).name
        line = message.get("lastLine", "?")
        extract = (message.get("extract") or "").replace("\n", " ")
        problems.append(f"{name}:{line}: {message.get('message')}  [{extract}]")
    if completed.returncode not in (0, 1) or (completed.returncode == 1 and not problems):
        raise AssertionError(f"the Nu HTML checker failed (exit {completed.returncode}): {completed.stderr}")
    return problems


FOCUS_STYLE = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  return {
    tag: el.tagName.toLowerCase(),
    text: (el.innerText || el.value || el.getAttribute('aria-label') || '').trim().slice(0, 60),
    label: el.labels && el.labels.length ? el.labels[0].innerText.trim() : null,
    focusVisible: el.matches(':focus-visible'),
    outlineStyle: style.outlineStyle,
    outlineWidth: style.outlineWidth,
    boxShadow: style.boxShadow,
  };
}"""


def focused(page) -> dict | None:
    """What has the keyboard focus, and how it is drawn."""
    return page.evaluate(FOCUS_STYLE)


def focus_is_visible(state: dict | None) -> bool:
    """Whether the focused element shows a focus ring: an outline or a box shadow under :focus-visible."""
    if not state or not state["focusVisible"]:
        return False
    outlined = state["outlineStyle"] != "none" and state["outlineWidth"] not in ("0px", "")
    return outlined or state["boxShadow"] not in ("none", "")


def tab_to(page, matches, limit: int = 60) -> dict:
    """Press Tab until the focused element satisfies matches(state).

    Fails if the focus is ever drawn invisibly on the way, or never gets there.
    """
    for _ in range(limit):
        page.keyboard.press("Tab")
        state = focused(page)
        if state is None:
            continue
        assert focus_is_visible(state), f"keyboard focus is not visible on {state}"
        if matches(state):
            return state
    raise AssertionError(f"could not reach the element by pressing Tab {limit} times")
