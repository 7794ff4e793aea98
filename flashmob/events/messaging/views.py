"""Organisers writing to the people coming to an event: one email each, through the outbox."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from flashmob.auth import ensure
from flashmob.events.loading import load_event
from flashmob.events.messaging import emails
from flashmob.events.messaging.forms import MessageForm
from flashmob.events.permissions import can_email_attendees
from flashmob.events.routes import bp
from flashmob.extensions import db, limiter
from flashmob.web import actor, form_status, show_rule_error


def _message_limit_key() -> str:
    # Per organiser, not per address: colleagues behind one office network each get their own allowance.
    return f"organiser-message:{current_user.id}"


@bp.route("/events/<int:event_id>/message", methods=["GET", "POST"])
@login_required
@limiter.limit("20 per hour", key_func=_message_limit_key, methods=["POST"])
def message_attendees(event_id):
    """Write one email to everyone going (and, if chosen, the waitlist)."""
    event = load_event(event_id)
    ensure(can_email_attendees(current_user, event))
    # Replies go to the organiser unless they change it: they see the address before anything is sent.
    form = MessageForm(reply_to=current_user.email)
    if form.validate_on_submit():
        try:
            sent = emails.send_organiser_message(
                event,
                subject=form.subject.data,
                body=form.body.data,
                include_waitlisted=form.include_waitlisted.data,
                reply_to=form.reply_to.data,
                actor=actor(),
            )
        except emails.MessageError as exc:
            db.session.rollback()
            show_rule_error(form, exc)
        else:
            db.session.commit()
            people = "person" if sent == 1 else "people"
            flash(f"Sent to {sent} {people}.", "success")
            return redirect(url_for("events.detail", event_id=event.id))
    return render_template(
        "events/message.html", event=event, form=form, audience=emails.message_audience(event)
    ), form_status(form)
