"""What views do alike: who acts, the posted one-button form, the page a refusal shows, a rule error at its
field, the status."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from flask import abort, current_app, g, request
from flask_login import current_user

from flashmob.forms import ConfirmForm

if TYPE_CHECKING:
    from flashmob.members.models import User


def actor() -> User:
    """The signed-in person as the User object services take (not Flask-Login's proxy)."""
    return current_user._get_current_object()


def confirmed_post(form_class=ConfirmForm):
    """The posted form, or 400 when its CSRF token is missing or stale."""
    form = form_class()
    if not form.validate_on_submit():
        abort(400)
    return form


def on_refusal(render: Callable[[], object]) -> None:
    """Name the page to draw again when a rule says no later in this request: `render()` returns it (as a
    view would), and errors.answer_rule_error gives it the error's status with the message flashed.

    A view calls it once it has loaded what the page needs; without it a refusal shows the error page.
    """
    g.refusal_page = render


def refusal_page() -> Callable[[], object] | None:
    """The page this request's view registered with on_refusal(), if any."""
    return g.get("refusal_page")


def show_rule_error(form, exc) -> None:
    """Put a rule's message (an error with a `field`) next to its field, or at the top of the page."""
    if exc.field and exc.field in form:
        form[exc.field].errors = [*form[exc.field].errors, str(exc)]
    else:
        form.form_errors.append(str(exc))


def form_status(form) -> int:
    """422 when the form has errors to show, else 200."""
    return 422 if form.errors else 200


def per_page() -> int:
    """How many rows a list page shows."""
    return current_app.config["PER_PAGE"]


def client_copy_is_current(etag: str, last_modified: datetime | None) -> bool:
    """Whether the client's copy of a feed is current, so a 304 will do. If-None-Match wins over
    If-Modified-Since (RFC 9110)."""
    if request.if_none_match:
        return request.if_none_match.contains_weak(etag)
    since = request.if_modified_since
    return bool(since and last_modified and last_modified <= since)
