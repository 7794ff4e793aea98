"""axe-core on every kind of page, signed out and in, at desktop and phone widths: nothing serious."""

from __future__ import annotations

import pytest

from tests.browser.checks import axe_violations, describe_violations
from tests.browser.conftest import VIEWPORTS
from tests.browser.pages import ROLES, kinds_for
from tests.browser.site import build_site


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
@pytest.mark.parametrize("role", ROLES)
def test_every_kind_of_page_has_no_serious_or_critical_accessibility_violations(
    role, viewport, new_page, server, sign_in, axe_js, screenshot
):
    site = build_site()
    page = new_page(VIEWPORTS[viewport])
    if site.person(role) is not None:
        sign_in(page, site.person(role))
    problems = []
    for kind in kinds_for(role):
        visit = kind.visit(page, server, site)
        violations = axe_violations(page, axe_js)
        # Every page at both widths goes to test-artifacts/screenshots/, to be looked at.
        screenshot(page, f"all-{role}-{viewport}-{kind.name}")
        if violations:
            where = f"{kind.name} as {role} at {viewport} width ({visit.url})"
            problems.append(describe_violations(where, violations))
    assert not problems, "axe-core found serious or critical violations:\n\n" + "\n\n".join(problems)
