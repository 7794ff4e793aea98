"""What views do alike: who acts, the posted one-button form, a rule error at its field, the status."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask import abort, current_app
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
