"""The Nu HTML checker on the HTML the server sends for every kind of page: no errors."""

from __future__ import annotations

from tests.browser.checks import validate_html
from tests.browser.pages import ROLES, kinds_for
from tests.browser.site import build_site


def test_every_kind_of_page_is_valid_html(new_page, server, sign_in, vnu_jar, tmp_path):
    site = build_site()
    files = []
    for role in ROLES:
        page = new_page()
        if site.person(role) is not None:
            sign_in(page, site.person(role))
        for kind in kinds_for(role):
            visit = kind.visit(page, server, site)
            target = tmp_path / f"{kind.name}--{role}.html"
            target.write_text(visit.html, encoding="utf-8")
            files.append(target)
    # One run of the checker for every page: starting Java is the slow part.
    problems = validate_html(vnu_jar, files)
    assert not problems, f"the Nu HTML checker found {len(problems)} errors:\n" + "\n".join(problems)
