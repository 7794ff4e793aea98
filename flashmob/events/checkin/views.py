"""Check-in on the night: the door list, walk-ins, tickets with QR codes, and the attendee CSV."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from flashmob.auth import ensure
from flashmob.events.checkin import services as checkins
from flashmob.events.checkin.forms import CheckInSearchForm, WalkInForm
from flashmob.events.checkin.services import CheckInError
from flashmob.events.loading import load_event
from flashmob.events.models import Event, Rsvp
from flashmob.events.permissions import can_check_in, can_export_attendees, can_view_ticket
from flashmob.events.routes import bp
from flashmob.events.rsvps.services import rsvp_for
from flashmob.extensions import db
from flashmob.members.connections import cards
from flashmob.web import actor, confirmed_post, on_refusal, show_rule_error


def _back_to_check_in(event: Event):
    return redirect(url_for("events.check_in", event_id=event.id))


# The check-in page


def _render_check_in(event: Event, walk_in_form: WalkInForm, status: int = 200):
    """The check-in page; a refusal (web.on_refusal) draws it again with the rule's status and message."""
    search = CheckInSearchForm(formdata=request.args)
    query = (search.q.data or "") if search.validate() else ""
    if search.errors:
        status = max(status, 422)
    return render_template(
        "events/check_in.html",
        event=event,
        search=search,
        query=query,
        arrivals=checkins.arrivals(event, query),
        attendance=checkins.attendance(event),
        closed_reason=checkins.closed_reason(event),
        walk_in_form=walk_in_form,
    ), status


@bp.route("/events/<int:event_id>/check-in")
@login_required
def check_in(event_id):
    """The door list for organisers: find people by name, tick them in, add walk-ins."""
    event = load_event(event_id)
    ensure(can_check_in(current_user, event))
    return _render_check_in(event, WalkInForm(formdata=None))


def _on_refusal_check_in(event: Event) -> None:
    on_refusal(lambda: _render_check_in(event, WalkInForm(formdata=None)))


def _change_rsvp(event_id: int, rsvp_id: int, change, message: str):
    event = load_event(event_id)
    ensure(can_check_in(current_user, event))
    rsvp = checkins.rsvp_of(event, rsvp_id) or abort(404)
    _on_refusal_check_in(event)
    confirmed_post()
    outcome = change(rsvp, actor=actor())
    db.session.commit()
    flash(message.format(name=outcome.rsvp.user.display_name), "success")
    return _back_to_check_in(event)


@bp.route("/events/<int:event_id>/check-in/rsvps/<int:rsvp_id>", methods=["POST"])
@login_required
def check_in_attendee(event_id, rsvp_id):
    """Tick an attendee in; a second tap changes nothing."""
    return _change_rsvp(event_id, rsvp_id, checkins.check_in, "{name} is checked in.")


@bp.route("/events/<int:event_id>/check-in/rsvps/<int:rsvp_id>/undo", methods=["POST"])
@login_required
def undo_check_in(event_id, rsvp_id):
    """Take back a check-in made by mistake."""
    return _change_rsvp(event_id, rsvp_id, checkins.undo_check_in, "{name} is no longer checked in.")


@bp.route("/events/<int:event_id>/check-in/walk-ins", methods=["POST"])
@login_required
def add_walk_in(event_id):
    """Check in someone who came without a seat booked."""
    event = load_event(event_id)
    ensure(can_check_in(current_user, event))
    form = WalkInForm()
    on_refusal(lambda: _render_check_in(event, form))
    if form.validate_on_submit():
        try:
            added = checkins.add_walk_in(event, form.name.data, form.email.data or "", actor=actor())
        except CheckInError as exc:
            if not (exc.field and exc.field in form):
                raise  # a rule about the evening, not the input: the page again with why (409)
            db.session.rollback()
            show_rule_error(form, exc)
            return _render_check_in(event, form, 422)
        db.session.commit()
        # Worded from what the organiser typed (or typed before), never from an account it matched.
        if added.is_new:
            flash(f"{added.walk_in.name} is checked in as a walk-in.", "success")
        else:
            flash(f"{added.walk_in.name} is already checked in as a walk-in, with that email.", "info")
        return _back_to_check_in(event)
    if not form.errors:  # a missing or stale CSRF token
        abort(400)
    return _render_check_in(event, form, 422)


@bp.route("/events/<int:event_id>/check-in/walk-ins/<int:walk_in_id>/remove", methods=["POST"])
@login_required
def remove_walk_in(event_id, walk_in_id):
    """Take back a walk-in added by mistake."""
    event = load_event(event_id)
    ensure(can_check_in(current_user, event))
    walk_in = checkins.walk_in_of(event, walk_in_id) or abort(404)
    _on_refusal_check_in(event)
    confirmed_post()
    name = walk_in.name
    checkins.remove_walk_in(walk_in, actor=actor())
    db.session.commit()
    flash(f"{name} is no longer on the list as a walk-in.", "success")
    return _back_to_check_in(event)


# Tickets and scanning them


@bp.route("/events/<int:event_id>/check-in/<ticket_code>", methods=["GET", "POST"])
@login_required
def scan_ticket(event_id, ticket_code):
    """Where a ticket's QR code leads: organisers confirm the person and check them in with one tap."""
    event = load_event(event_id)
    # Checked before the code is looked up, so that nobody else can learn whether a code is real.
    ensure(can_check_in(current_user, event))
    rsvp = checkins.rsvp_by_ticket(event, ticket_code) or abort(404)
    on_refusal(lambda: _render_scan(event, rsvp))
    if request.method == "POST":
        confirmed_post()
        checkins.check_in(rsvp, actor=actor())
        db.session.commit()
        flash(f"{rsvp.user.display_name} is checked in.", "success")
        return _back_to_check_in(event)
    return _render_scan(event, rsvp)


def _render_scan(event: Event, rsvp: Rsvp):
    return render_template(
        "events/scan_ticket.html", event=event, rsvp=rsvp, closed_reason=checkins.closed_reason(event)
    )


def _render_ticket(event: Event, rsvp: Rsvp):
    ensure(can_view_ticket(current_user, rsvp))
    url = checkins.ticket_url(rsvp)
    check_in = checkins.check_in_window(event)
    card = None
    if rsvp.user_id == current_user.id and rsvp.is_going and not event.is_cancelled and not check_in.is_over:
        # The member's card for the night sits with their ticket: both are on the phone on the night.
        card = cards.card_of(rsvp.user)
        db.session.commit()
    return render_template(
        "events/ticket.html",
        event=event,
        rsvp=rsvp,
        card=card,
        ticket_url=url,
        qr_code=checkins.qr_code_uri(url),
        check_in=check_in,
    )


@bp.route("/events/<int:event_id>/ticket")
@login_required
def my_ticket(event_id):
    """The signed-in member's ticket, to show at the door."""
    event = load_event(event_id)
    rsvp = rsvp_for(event, current_user)
    if rsvp is None or not rsvp.is_going:
        flash("Tickets are for people with a seat: say you're going first.", "info")
        return redirect(url_for("events.detail", event_id=event.id))
    return _render_ticket(event, rsvp)


@bp.route("/events/<int:event_id>/tickets/<int:rsvp_id>")
@login_required
def ticket(event_id, rsvp_id):
    """An attendee's ticket, for its owner and the organisers."""
    event = load_event(event_id)
    rsvp = checkins.rsvp_of(event, rsvp_id) or abort(404)
    return _render_ticket(event, rsvp)


# The attendee list as a spreadsheet


@bp.route("/events/<int:event_id>/attendees.csv")
@login_required
def attendees_csv(event_id):
    """Everyone who asked to come, and who came, as CSV for the organisers."""
    event = load_event(event_id)
    ensure(can_export_attendees(current_user, event))
    body = checkins.attendees_csv(event, checkins.attendee_rows(event))
    return Response(
        body,
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="{checkins.csv_filename(event)}"',
            # Names and email addresses: not for shared caches or the browser's back button.
            "Cache-Control": "no-store",
        },
    )
