"""Rule errors: the one base of every "no" a rule gives, and the one place a request turns it into an answer.

A service raises a RuleError subclass with a message written for the person to read (and the form field
it belongs to, if any). Views with forms catch it to show it at its field (web.show_rule_error); anything
else propagates to the handler here, which rolls back, and answers a page (or JSON) with the error's status.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import Flask, flash, jsonify, make_response, render_template, request, url_for


class RuleError(Exception):
    """A request that breaks a rule; `field` names the form field the message belongs to, if any.

    `status` is 409 for a rule about the state of things (the event is full, already cancelled, ...);
    an error at a field is bad input, 422. Subclasses may set their own.
    """

    status = 409
    input_status = 422
    field: str | None = None

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        if field is not None:
            self.field = field
            self.status = self.input_status

    def to_dict(self) -> dict:
        """What an API answers: {"error": message, "field": field}."""
        return {"error": self.message, "field": self.field}


@dataclass(frozen=True)
class Refused:
    """A permission's "no" that is about the thing's state, not the person: a cancelled event cannot be
    cancelled again. It is falsy, so templates hide the button as for any no; auth.ensure() turns it into
    a RuleError with this message (409), so whoever presses a stale button is told why."""

    message: str

    def __bool__(self) -> bool:
        return False


def wants_json() -> bool:
    """Whether the request asked for JSON before HTML (an API client, not a browser)."""
    return request.accept_mimetypes.best == "application/json"


def _back_url() -> str:
    """Where "Go back" leads: the page the request came from if it is on this site, else home."""
    referrer = urlsplit(request.referrer or "")
    if referrer.netloc == request.host and referrer.path:
        return referrer.path + (f"?{referrer.query}" if referrer.query else "")
    return url_for("events.home")


def answer_rule_error(exc: RuleError):
    """Roll back, then answer with the error's status: JSON, the page the view registered for refusals
    (web.on_refusal) with the message flashed, or the error page with the message and a way back."""
    from flashmob.extensions import db
    from flashmob.web import refusal_page

    # Let go of any row lock taken before the rule said no, and of half-made changes, before drawing.
    db.session.rollback()
    if wants_json():
        return jsonify(exc.to_dict()), exc.status
    render = refusal_page()
    if render is not None:
        flash(exc.message, "error")
        response = make_response(render())
        response.status_code = exc.status
        return response
    return render_template(
        "errors/error.html",
        code=exc.status,
        title="That cannot be done",
        message=exc.message,
        back_url=_back_url(),
    ), exc.status


def register_rule_errors(app: Flask) -> None:
    """Answer every RuleError a view lets through in one way (answer_rule_error)."""
    app.register_error_handler(RuleError, answer_rule_error)
