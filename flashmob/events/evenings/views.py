"""Event pages: home, lists and an event's page; organisers plan, publish and cancel; save the date."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from flashmob.auth import ensure
from flashmob.email_kinds import EmailKind
from flashmob.events.chapters import queries as chapter_queries
from flashmob.events.evenings import cards, interests, queries, services
from flashmob.events.evenings.detail import render_detail, render_whos_coming
from flashmob.events.evenings.forms import CancelEventForm, EventForm
from flashmob.events.loading import load_chapter, load_event
from flashmob.events.messaging.emails import TOLD_OF_CHANGES, announcement_audience_size, audience_size
from flashmob.events.models import Event
from flashmob.events.permissions import (
    can_ask_to_be_told,
    can_cancel_event,
    can_create_event,
    can_edit_event,
    can_publish_event,
    can_stop_being_told,
)
from flashmob.events.routes import bp
from flashmob.extensions import db
from flashmob.paging import Key
from flashmob.routing import requested_page
from flashmob.types import utcnow
from flashmob.web import actor, confirmed_post, form_status, on_refusal, per_page, show_rule_error

HOME_EVENT_COUNT = 5
HOME_CHAPTER_COUNT = 6


def _published_message(event: Event, announced: int) -> str:
    if announced == 0:
        return f"{event.title} is published: everyone can see it now."
    members = "member" if announced == 1 else "members"
    return (
        f"{event.title} is published: everyone can see it now, and {announced} {members} of "
        f"{event.chapter.name} are being told by email."
    )


def _form_reach(chapter_id: int, event: Event | None) -> dict:
    """How many people the form's buttons would email, said beside them before anything is saved."""
    reach = {"announce": None, "change": None}
    if event is None or event.is_draft:
        reach["announce"] = announcement_audience_size(chapter_id, current_user)
    elif event.is_published:
        reach["change"] = audience_size(event, TOLD_OF_CHANGES, EmailKind.EVENT_CHANGED)
    return reach


def _copy_evening(form: EventForm, chapter) -> None:
    """Fill a new event's form from one of the chapter's evenings, named by ?copy=<id>."""
    source = queries.chapter_evening(chapter.id, request.args.get("copy"))
    if source is None:
        flash(f"That is not one of {chapter.name}'s evenings, so nothing was copied.", "warning")
    else:
        form.copy_from(source)
        flash(f"Started from {source.title}: set the date and check the rest before saving.", "info")


# Browsing


@bp.route("/")
def home():
    """Signed in: your next evening, then your chapters' evenings, then the rest. Otherwise, the welcome."""
    now = utcnow()
    if current_user.is_authenticated:
        mine = queries.personal_home(current_user, now)
        return render_template(
            "events/home_member.html", home=mine, cards=cards.card_facts(mine.events, current_user)
        )
    events = queries.next_published_events(now, HOME_EVENT_COUNT)
    return render_template(
        "events/home.html",
        showcase=chapter_queries.chapter_showcase(now, HOME_CHAPTER_COUNT),
        events=events,
        cards=cards.card_facts(events, current_user),
    )


@bp.route("/events")
def upcoming():
    """Every chapter's events still to come, soonest first, a page at a time by key (?after=)."""
    requested_page()  # old ?page= links: a page number we could never show is still not found
    page = queries.upcoming_page(utcnow(), page_key(), per_page())
    facts = cards.card_facts(page.events, current_user)
    return render_template("events/list.html", page=page, which="upcoming", cards=facts)


def page_key() -> Key | None:
    """The ?after= key of a page of events; 400 for one that is not ours."""
    try:
        return Key.parse(request.args.get("after"))
    except ValueError:
        abort(400)


@bp.route("/events/past")
def past():
    """Every chapter's past events, most recent first, a page at a time by key (?after=)."""
    requested_page()  # old ?page= links: a page number we could never show is still not found
    page = queries.past_page(utcnow(), page_key(), per_page())
    # Past cards carry no "going" row or answer of the viewer's (an event's page says who came): no facts.
    return render_template("events/list.html", page=page, which="past", cards=None)


@bp.route("/events/<int:event_id>")
def detail(event_id):
    """An event's page: when, where, what, and who is organising."""
    return render_detail(load_event(event_id))


@bp.route("/events/<int:event_id>/coming")
def whos_coming(event_id):
    """Everyone going to an event (or who went), as the viewer may see them."""
    return render_whos_coming(load_event(event_id))


# Running events (the chapter's organisers and site admins)


@bp.route("/chapters/<slug>/events/new", methods=["GET", "POST"])
@login_required
def new_event(slug):
    """Plan an event: save it as a draft, or publish it at once."""
    chapter = load_chapter(slug)
    ensure(can_create_event(current_user, chapter))
    form = EventForm(timezone=chapter.timezone, home_zone=chapter.timezone)
    if not form.is_submitted() and request.args.get("copy"):
        _copy_evening(form, chapter)
    preview = form.description_preview()
    if preview is None and form.validate_on_submit():
        publish = bool(form.publish.data)
        try:
            event = services.create_event(chapter, form.details(), actor=actor(), publish=publish)
        except services.EventError as exc:
            show_rule_error(form, exc)
        else:
            db.session.commit()
            if publish:
                announced = announcement_audience_size(chapter.id, current_user)
                flash(_published_message(event, announced), "success")
            else:
                flash(f"{event.title} is saved as a draft. Only organisers can see it until you publish it.",
                      "success")
            return redirect(url_for("events.detail", event_id=event.id))
    return render_template(
        "events/event_form.html",
        form=form,
        chapter=chapter,
        event=None,
        reach=_form_reach(chapter.id, None),
        preview=preview,
        evenings=queries.recent_evenings(chapter.id),
    ), form_status(form)


@bp.route("/events/<int:event_id>/edit", methods=["GET", "POST"])
@login_required
def edit_event(event_id):
    """Change an event's details; attendees' calendars pick up a new time or place."""
    event = load_event(event_id)
    ensure(can_edit_event(current_user, event))
    form = EventForm(
        data={
            "title": event.title,
            # A save-the-date's times are a placeholder: empty boxes, so that nobody sets them by accident.
            "starts_at": None if event.date_tbc else services.utc_to_local(event.starts_at, event.timezone),
            "ends_at": None if event.date_tbc else services.utc_to_local(event.ends_at, event.timezone),
            "date_tbc": event.date_tbc,
            "date_hint": event.date_hint,
            "timezone": event.timezone,
            "venue_name": event.venue_name,
            "venue_address": event.venue_address,
            "description": event.description,
            "capacity": event.capacity,
            "requires_approval": event.requires_approval,
            "offer_window_hours": event.offer_window_hours,
            "offer_hold_hours": event.offer_hold_hours,
        },
        home_zone=event.chapter.timezone,
    )
    preview = form.description_preview()
    if preview is None and form.validate_on_submit():
        # "Save and publish" is offered, and done, only where the publish button may be.
        publish = bool(form.publish.data) and bool(can_publish_event(current_user, event))
        try:
            update = services.update_event(event, form.details(), actor=actor())
            if publish:
                publication = services.publish_event(event, actor=actor())
        except services.EventError as exc:
            db.session.rollback()
            show_rule_error(form, exc)
        else:
            db.session.commit()
            if publish:
                flash(_published_message(event, publication.announced), "success")
            elif update.date_set:
                flash("The date is set and RSVPs are open. Everyone who asked to be told is being emailed.",
                      "success")
            else:
                flash("Event updated.", "success")
            return redirect(url_for("events.detail", event_id=event.id))
    return render_template(
        "events/event_form.html",
        form=form,
        chapter=event.chapter,
        event=event,
        reach=_form_reach(event.chapter_id, event),
        preview=preview,
    ), form_status(form)


@bp.route("/events/<int:event_id>/publish", methods=["POST"])
@login_required
def publish(event_id):
    """Show a draft to everyone."""
    event = load_event(event_id)
    on_refusal(lambda: render_detail(event))
    ensure(can_publish_event(current_user, event))
    confirmed_post()
    publication = services.publish_event(event, actor=actor())
    db.session.commit()
    flash(_published_message(event, publication.announced), "success")
    return redirect(url_for("events.detail", event_id=event.id))


@bp.route("/events/<int:event_id>/cancel", methods=["GET", "POST"])
@login_required
def cancel(event_id):
    """Call an event off, after a confirmation step and with an optional reason."""
    event = load_event(event_id)
    on_refusal(lambda: render_detail(event))
    # A cancelled or past event is refused with why (409), on the confirmation page and its POST alike.
    ensure(can_cancel_event(current_user, event))
    form = CancelEventForm()
    if form.validate_on_submit():
        services.cancel_event(event, actor=actor(), reason=form.reason.data or "")
        db.session.commit()
        flash(f"{event.title} is cancelled. The event page now says so.", "success")
        return redirect(url_for("events.detail", event_id=event.id))
    return render_template("events/cancel.html", event=event, form=form), form_status(form)


# Save the date: members ask to be emailed when an event's date is set, and can change their mind.


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
    on_refusal(lambda: render_detail(event))
    confirmed_post()
    interests.ask_to_be_told(event, actor())
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
