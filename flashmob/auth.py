"""Who is signed in, and the one way a view refuses someone: ensure()."""

from __future__ import annotations

from typing import NoReturn
from urllib.parse import urlsplit

from flask import abort, request
from flask_login import current_user

from flashmob.errors import Refused, RuleError
from flashmob.extensions import login_manager
from flashmob.members import sessions
from flashmob.members.models import User

login_manager.login_view = "members.login"
login_manager.login_message = "Please sign in to continue."
login_manager.login_message_category = "info"


@login_manager.user_loader
def load_user(token: str) -> User | None:
    # The session and remember-me cookies carry a sign-in's token, not the account id: a sign-in
    # that has ended (signed out, password changed, unused for 30 days) finds nobody.
    return sessions.signed_in_user(token)


def deny() -> NoReturn:
    """Send an anonymous visitor to sign in; tell a signed-in one that this is not theirs (403)."""
    if not current_user.is_authenticated:
        # unauthorized() returns a redirect to the sign-in page, with next= set.
        abort(login_manager.unauthorized())
    abort(403)


def ensure(allowed: bool | Refused) -> None:
    """Stop the request unless the permission predicate said yes.

    A predicate that says no because of the thing's state (errors.Refused) raises a RuleError with its
    message: a 409 and the reason, not a 403, for someone who may otherwise do it.
    """
    if allowed:
        return
    if isinstance(allowed, Refused):
        raise RuleError(allowed.message)
    deny()


def is_safe_next(target: str | None) -> bool:
    """Whether a `next` address stays on this site: a path, not another host or scheme."""
    if not target:
        return False
    target = target.strip()
    if target.startswith(("//", "\\")) or "\\" in target:
        return False
    # None of our addresses has a control character, and a line break would end the Location header.
    if any(char < " " or char == "\x7f" for char in target):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc and target.startswith("/")


def safe_next(default: str) -> str:
    """The `next` address from the request if it stays on the site, else the default."""
    target = request.args.get("next") or request.form.get("next")
    return target if is_safe_next(target) else default
