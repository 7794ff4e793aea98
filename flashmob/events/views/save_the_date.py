"""Save the date: members ask to be emailed when an event's date is set, and can change their mind."""

from __future__ import annotations

from flask import flash, redirect, url_for
from flask_login import current_user

from flashmob.auth import ensure
from flashmob.events import interests
from flashmob.events.permissions import can_ask_to_be_told, can_stop_being_told
from flashmob.events.views import bp
from flashmob.events.views.pages import load_event, render_detail
from flashmob.extensions import db
from flashmob.web import actor, confirmed_post


def _back(event_id: int):
    return redirect(url_for("events.detail", event_id=event_id, _anchor="rsvp"))


def _sign_in_first(event_id: int):
    """Someone not signed in goes to sign in, then back to the event page (not to this POST-only address)."""
    flash("Please sign in or create an account, then ask to be told when the date is set.", "info")
    return redirect(url_for("members.login", next=url_for("events.detail", event_id=event_id)))


@bp.route("/events/<int:event_id>/tell-me", methods=["POST"])
def ask_to_be_told(event_id):
    """Ask to be emailed when the organisers set the date."""
    event = load_event(event_id)
    if not current_user.is_authenticated:
        return _sign_in_first(event.id)
    ensure(can_ask_to_be_told(current_user, event))
    confirmed_post()
    try:
        interests.ask_to_be_told(event, actor())
    except interests.InterestError as exc:
        flash(str(exc), "error")
        return render_detail(event, 409)
    db.session.commit()
    flash("We'll email you when the date is set.", "success")
    return _back(event.id)


@bp.route("/events/<int:event_id>/tell-me/undo", methods=["POST"])
def stop_being_told(event_id):
    """Stop waiting to hear about the date."""
    event = load_event(event_id)
    if not current_user.is_authenticated:
        return _sign_in_first(event.id)
    ensure(can_stop_being_told(current_user, event))
    confirmed_post()
    interests.stop_being_told(event, actor())
    db.session.commit()
    flash("Done: we won't email you about the date. You can still check this page.", "success")
    return _back(event.id)
