"""RSVPs: members say going or not going and claim offered seats; organisers run the attendee list."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from flashmob.auth import ensure
from flashmob.events.evenings.detail import render_detail
from flashmob.events.loading import load_event
from flashmob.events.models import SEAT_HOLDING_STATUSES, Event, Rsvp, RsvpStatus
from flashmob.events.permissions import can_manage_rsvps, can_rsvp
from flashmob.events.routes import bp
from flashmob.events.rsvps import queries
from flashmob.events.rsvps import services as rsvps
from flashmob.events.rsvps.forms import PromoteForm
from flashmob.extensions import db
from flashmob.forms import ConfirmForm
from flashmob.web import actor, confirmed_post, on_refusal


def _event_anchor(event: Event) -> str:
    return url_for("events.detail", event_id=event.id, _anchor="rsvp")


def _member_action(event_id: int):
    """Load the event and check the person may answer it; someone not signed in is sent to sign in first.

    A rule that refuses the answer shows the event page again, with why (status 409).
    """
    event = load_event(event_id)
    if not current_user.is_authenticated:
        flash("Please sign in or create an account to RSVP.", "info")
        return event, redirect(url_for("members.login", next=url_for("events.detail", event_id=event.id)))
    ensure(can_rsvp(current_user, event))
    on_refusal(lambda: render_detail(event))
    confirmed_post()
    return event, None


# What members do


@bp.route("/events/<int:event_id>/rsvp/going", methods=["POST"])
def rsvp_going(event_id):
    """Say going: a seat, a place on the waitlist, or a request to the organisers."""
    event, elsewhere = _member_action(event_id)
    if elsewhere:
        return elsewhere
    outcome = rsvps.rsvp_going(event, actor())
    db.session.commit()
    flash(_going_message(outcome), "success")
    return redirect(_event_anchor(event))


def _going_message(outcome: rsvps.RsvpOutcome) -> str:
    """What happened, and an email promised only when one was queued: not to someone who stopped them."""
    again, emailed, position = not outcome.changed, outcome.emailed, outcome.position
    if outcome.status == RsvpStatus.GOING:
        if again:
            return "You're already going."
        claimed = outcome.previous == RsvpStatus.OFFERED
        done = "The seat is yours: you're going." if claimed else "You're going."
        return f"{done} We've emailed you the details." if emailed else done
    if outcome.status == RsvpStatus.WAITLISTED:
        if again:
            return f"You're already on the waitlist: number {position} in line."
        line = f"The event is full, so you're number {position} on the waitlist."
        if emailed:
            return f"{line} We'll email you if a seat frees up."
        return f"{line} You've stopped RSVP emails, so check this page: a seat that frees up shows here."
    if again:
        return "Your request is already with the organisers."
    if emailed:
        return "Your request is with the organisers. We'll email you when they have decided."
    return "Your request is with the organisers. You've stopped RSVP emails, so their answer will show here."


@bp.route("/events/<int:event_id>/rsvp/not-going", methods=["POST"])
def rsvp_not_going(event_id):
    """Say not going: give up a seat, a place in line or a request; a freed seat moves on."""
    event, elsewhere = _member_action(event_id)
    if elsewhere:
        return elsewhere
    outcome = rsvps.rsvp_not_going(event, actor())
    db.session.commit()
    if outcome.previous in SEAT_HOLDING_STATUSES:
        flash("Thanks for letting us know: you're not going, and your seat is free for someone else.",
              "success")
    else:
        flash("Thanks for letting us know: you're not going. You can change your mind while RSVPs are open.",
              "success")
    return redirect(_event_anchor(event))


def _my_offer(event: Event) -> Rsvp:
    """The signed-in person's RSVP, which the offer is on; refused when they have none."""
    rsvp = rsvps.rsvp_for(event, actor())
    if rsvp is None:
        raise rsvps.RsvpError("You have no seat offered for this event.")
    return rsvp


@bp.route("/events/<int:event_id>/rsvp/claim", methods=["POST"])
def claim_offer(event_id):
    """Take the seat offered, while the offer lasts."""
    event, elsewhere = _member_action(event_id)
    if elsewhere:
        return elsewhere
    outcome = rsvps.claim_offer(_my_offer(event))
    db.session.commit()
    told = " We've emailed you the details." if outcome.emailed else ""
    flash(f"The seat is yours: you're going.{told}", "success")
    return redirect(_event_anchor(event))


@bp.route("/events/<int:event_id>/rsvp/decline", methods=["POST"])
def decline_offer(event_id):
    """Turn down the seat offered; it goes to the next in line at once."""
    event, elsewhere = _member_action(event_id)
    if elsewhere:
        return elsewhere
    rsvps.decline_offer(_my_offer(event))
    db.session.commit()
    flash("You turned the seat down, so it goes to the next person in line. Thanks for saying so.", "success")
    return redirect(_event_anchor(event))


# What organisers do


def _render_attendees(event: Event):
    return render_template(
        "events/attendees.html",
        event=event,
        sheet=queries.attendee_sheet(event),
        form=ConfirmForm(formdata=None),
    )


@bp.route("/events/<int:event_id>/attendees")
@login_required
def attendees(event_id):
    """Who is going, offered a seat, waiting or asking, for the organisers to act on."""
    event = load_event(event_id)
    ensure(can_manage_rsvps(current_user, event))
    return _render_attendees(event)


def _organiser_action(event_id: int, rsvp_id: int, form_class=ConfirmForm):
    """Load the event and the RSVP on it, check the person runs its attendees, and read the posted form.

    A rule that refuses the change shows the attendee list again, with why (status 409).
    """
    event = load_event(event_id)
    ensure(can_manage_rsvps(current_user, event))
    rsvp = db.first_or_404(
        select(Rsvp).where(Rsvp.id == rsvp_id, Rsvp.event_id == event.id).options(joinedload(Rsvp.user))
    )
    on_refusal(lambda: _render_attendees(event))
    return event, rsvp, confirmed_post(form_class)


def _done(event: Event, message: str):
    db.session.commit()
    flash(message, "success")
    return redirect(url_for("events.attendees", event_id=event.id))


def _told_them(outcome: rsvps.RsvpOutcome) -> str:
    """Say we emailed them only when this change queued an email: not if they stopped RSVP email."""
    return " We've emailed them." if outcome.emailed else ""


@bp.route("/events/<int:event_id>/attendees/<int:rsvp_id>/approve", methods=["POST"])
@login_required
def approve_request(event_id, rsvp_id):
    """Accept a request: a seat if one is free, else a place at the end of the line."""
    event, rsvp, _ = _organiser_action(event_id, rsvp_id)
    outcome = rsvps.approve_request(rsvp, actor=actor())
    name, told = outcome.rsvp.user.display_name, _told_them(outcome)
    if outcome.status == RsvpStatus.WAITLISTED:
        line = f"the event is full, so {name} is number {outcome.position} on the waitlist"
        return _done(event, f"Approved: {line}.{told}")
    return _done(event, f"Approved: {name} is going.{told}")


@bp.route("/events/<int:event_id>/attendees/<int:rsvp_id>/decline", methods=["POST"])
@login_required
def decline_request(event_id, rsvp_id):
    """Turn a request down."""
    event, rsvp, _ = _organiser_action(event_id, rsvp_id)
    outcome = rsvps.decline_request(rsvp, actor=actor())
    told = " We've let them know." if outcome.emailed else ""
    return _done(event, f"You declined {outcome.rsvp.user.display_name}'s request.{told}")


@bp.route("/events/<int:event_id>/attendees/<int:rsvp_id>/remove", methods=["GET", "POST"])
@login_required
def remove_attendee(event_id, rsvp_id):
    """Take someone off the event, once the organiser has confirmed; a seat they held goes to the next in
    line."""
    if request.method == "GET":
        event = load_event(event_id)
        ensure(can_manage_rsvps(current_user, event))
        rsvp = db.first_or_404(select(Rsvp).where(Rsvp.id == rsvp_id, Rsvp.event_id == event.id))
        return render_template("events/remove_attendee.html", event=event, rsvp=rsvp)
    event, rsvp, _ = _organiser_action(event_id, rsvp_id)
    outcome = rsvps.remove_attendee(rsvp, actor=actor())
    return _done(event, f"{outcome.rsvp.user.display_name} is off the list and cannot RSVP again.")


@bp.route("/events/<int:event_id>/attendees/<int:rsvp_id>/promote", methods=["POST"])
@login_required
def promote_attendee(event_id, rsvp_id):
    """Give someone waiting a seat ahead of the line, adding a seat if every one is taken."""
    event, rsvp, form = _organiser_action(event_id, rsvp_id, PromoteForm)
    outcome = rsvps.promote_by_hand(rsvp, actor=actor(), raise_capacity=bool(form.raise_capacity.data))
    name, told = outcome.rsvp.user.display_name, _told_them(outcome)
    if outcome.seat_added:
        return _done(event, f"{name} has a seat: you added one, so the event now has {outcome.capacity}."
                            f"{told}")
    return _done(event, f"{name} has a seat.{told}")
