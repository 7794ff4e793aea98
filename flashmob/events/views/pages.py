"""Chapter and event pages: browse, join, and for organisers and admins, run them."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from flashmob.auth import ensure
from flashmob.events import checkins, interests, queries, services
from flashmob.events.forms import (
    AppointOrganiserForm,
    CancelEventForm,
    ChapterForm,
    EventForm,
    NewChapterForm,
)
from flashmob.events.models import Chapter, Event
from flashmob.events.permissions import (
    can_appoint_organisers,
    can_check_in,
    can_create_chapter,
    can_create_event,
    can_edit_chapter,
    can_edit_event,
    can_leave_chapter,
    can_remove_organiser,
    can_see_attendees,
    can_view_drafts,
    can_view_event,
)
from flashmob.events.views import bp
from flashmob.extensions import db
from flashmob.forms import ConfirmForm
from flashmob.members.models import User
from flashmob.routing import requested_page
from flashmob.types import utcnow
from flashmob.web import actor, confirmed_post, form_status, per_page, show_rule_error

HOME_EVENT_COUNT = 5
CHAPTER_PAST_PREVIEW = 5


def _load_chapter(slug: str) -> Chapter:
    return db.first_or_404(select(Chapter).where(Chapter.slug == slug))


def load_event(event_id: int) -> Event:
    """The event, or 404 for anyone who may not see it: a draft's existence is not revealed."""
    event = db.first_or_404(select(Event).where(Event.id == event_id).options(joinedload(Event.chapter)))
    if not can_view_event(current_user, event):
        abort(404)
    return event


# Browsing


@bp.route("/")
def home():
    """What PMO Flashmob is, its chapters and what is coming up."""
    now = utcnow()
    return render_template(
        "events/home.html",
        summaries=queries.chapter_summaries(now),
        events=queries.next_published_events(now, HOME_EVENT_COUNT),
    )


@bp.route("/chapters")
def chapters():
    """Every chapter, with its organisers and next event."""
    return render_template("events/chapters.html", summaries=queries.chapter_summaries(utcnow()))


def _render_chapter(chapter: Chapter, status: int = 200):
    now = utcnow()
    upcoming = db.paginate(queries.upcoming_events(now, chapter), page=requested_page(), per_page=per_page())
    past = db.paginate(
        queries.past_events(now, chapter), page=1, per_page=CHAPTER_PAST_PREVIEW, error_out=False
    )
    drafts = queries.drafts(chapter) if can_view_drafts(current_user, chapter) else []
    return render_template(
        "events/chapter.html",
        chapter=chapter,
        member_count=queries.member_counts([chapter.id]).get(chapter.id, 0),
        organisers=queries.organisers_by_chapter([chapter.id]).get(chapter.id, []),
        upcoming=upcoming,
        past=past,
        drafts=drafts,
        form=ConfirmForm(),
    ), status


@bp.route("/chapters/<slug>")
def chapter(slug):
    """A chapter's page: who runs it, what is coming up, what has been."""
    return _render_chapter(_load_chapter(slug))


@bp.route("/chapters/<slug>/past")
def chapter_past(slug):
    """All of a chapter's past events, most recent first."""
    chapter = _load_chapter(slug)
    events = db.paginate(queries.past_events(utcnow(), chapter), page=requested_page(), per_page=per_page())
    return render_template("events/chapter_past.html", chapter=chapter, events=events)


@bp.route("/events")
def upcoming():
    """Every chapter's events still to come, soonest first."""
    events = db.paginate(queries.upcoming_events(utcnow()), page=requested_page(), per_page=per_page())
    return render_template("events/list.html", events=events, which="upcoming")


@bp.route("/events/past")
def past():
    """Every chapter's past events, most recent first."""
    events = db.paginate(queries.past_events(utcnow()), page=requested_page(), per_page=per_page())
    return render_template("events/list.html", events=events, which="past")


def render_detail(event: Event, status: int = 200):
    """The event's page, with the panels the viewer may see; `status` 409 when an action was refused."""
    organisers = queries.organisers_by_chapter([event.chapter_id]).get(event.chapter_id, [])
    rsvp = queries.rsvp_panel(event, current_user, show_people=can_see_attendees(current_user, event))
    interest = interests.interest_panel(event, current_user) if event.date_tbc else None
    # Who came, for the organisers once it is over.
    attendance = checkins.attendance(event) if event.is_past and can_check_in(current_user, event) else None
    check_in = checkins.check_in_window(event) if can_check_in(current_user, event) else None
    return render_template(
        "events/detail.html",
        event=event,
        organisers=organisers,
        rsvp=rsvp,
        interest=interest,
        attendance=attendance,
        check_in=check_in,
        form=ConfirmForm(),
    ), status


@bp.route("/events/<int:event_id>")
def detail(event_id):
    """An event's page: when, where, what, and who is organising."""
    return render_detail(load_event(event_id))


# Joining and leaving


@bp.route("/chapters/<slug>/join", methods=["POST"])
def join(slug):
    """Become a member of a chapter; people not signed in are asked to first, then come back."""
    chapter = _load_chapter(slug)
    if not current_user.is_authenticated:
        flash(f"Please sign in or create an account to join {chapter.name}.", "info")
        return redirect(url_for("members.login", next=url_for("events.chapter", slug=chapter.slug)))
    # Anyone signed in may join; the service refuses a second membership with a message.
    confirmed_post()
    try:
        services.join_chapter(chapter, actor(), actor=actor())
    except services.ChapterError as exc:
        flash(str(exc), "error")
        return _render_chapter(chapter, 409)
    db.session.commit()
    flash(
        f"You joined {chapter.name}. You'll see its events here, and you can leave at any time.",
        "success",
    )
    return redirect(url_for("events.chapter", slug=chapter.slug))


@bp.route("/chapters/<slug>/leave", methods=["POST"])
@login_required
def leave(slug):
    """Stop being a member of a chapter."""
    chapter = _load_chapter(slug)
    ensure(can_leave_chapter(current_user, chapter))
    confirmed_post()
    try:
        services.leave_chapter(chapter, actor(), actor=actor())
    except services.ChapterError as exc:
        flash(str(exc), "error")
        return _render_chapter(chapter, 409)
    db.session.commit()
    flash(f"You left {chapter.name}. You're welcome back whenever you like.", "success")
    return redirect(url_for("events.chapter", slug=chapter.slug))


# Running chapters (site admins)


@bp.route("/chapters/new", methods=["GET", "POST"])
@login_required
def new_chapter():
    """Start a chapter in a new city."""
    ensure(can_create_chapter(current_user))
    form = NewChapterForm()
    if form.validate_on_submit():
        try:
            chapter = services.create_chapter(
                name=form.name.data,
                slug=form.slug.data,
                city=form.city.data,
                timezone=form.timezone.data,
                description=form.description.data or "",
                actor=actor(),
            )
        except services.ChapterError as exc:
            show_rule_error(form, exc)
        else:
            db.session.commit()
            flash(f"{chapter.name} is open. Appoint its organisers next.", "success")
            return redirect(url_for("events.organisers", slug=chapter.slug))
    return render_template("events/chapter_form.html", form=form, chapter=None), form_status(form)


@bp.route("/chapters/<slug>/edit", methods=["GET", "POST"])
@login_required
def edit_chapter(slug):
    """Change a chapter's name, city, description or time zone."""
    chapter = _load_chapter(slug)
    ensure(can_edit_chapter(current_user, chapter))
    form = ChapterForm(obj=chapter)
    if form.validate_on_submit():
        try:
            services.update_chapter(
                chapter,
                name=form.name.data,
                city=form.city.data,
                timezone=form.timezone.data,
                description=form.description.data or "",
                actor=actor(),
            )
        except services.ChapterError as exc:
            show_rule_error(form, exc)
        else:
            db.session.commit()
            flash(f"{chapter.name} is updated.", "success")
            return redirect(url_for("events.chapter", slug=chapter.slug))
    return render_template("events/chapter_form.html", form=form, chapter=chapter), form_status(form)


def _render_organisers(chapter: Chapter, form: AppointOrganiserForm, status: int = 200):
    organisers = queries.organisers_by_chapter([chapter.id]).get(chapter.id, [])
    return render_template(
        "events/organisers.html", chapter=chapter, organisers=organisers, form=form, confirm=ConfirmForm()
    ), status


@bp.route("/chapters/<slug>/organisers", methods=["GET", "POST"])
@login_required
def organisers(slug):
    """See a chapter's organisers and appoint another by email."""
    chapter = _load_chapter(slug)
    ensure(can_appoint_organisers(current_user, chapter))
    form = AppointOrganiserForm()
    if form.validate_on_submit():
        try:
            user = services.appoint_organiser(chapter, form.email.data, actor=actor())
        except services.ChapterError as exc:
            show_rule_error(form, exc)
        else:
            db.session.commit()
            flash(f"{user.display_name} is now an organiser of {chapter.name}.", "success")
            return redirect(url_for("events.organisers", slug=chapter.slug))
    return _render_organisers(chapter, form, form_status(form))


@bp.route("/chapters/<slug>/organisers/<int:user_id>/remove", methods=["POST"])
@login_required
def remove_organiser(slug, user_id):
    """Take an organiser role away; the person stays a member."""
    chapter = _load_chapter(slug)
    ensure(can_remove_organiser(current_user, chapter))
    user = db.get_or_404(User, user_id)
    confirmed_post()
    try:
        services.remove_organiser(chapter, user, actor=actor())
    except services.ChapterError as exc:
        flash(str(exc), "error")
        return _render_organisers(chapter, AppointOrganiserForm(formdata=None), 409)
    db.session.commit()
    flash(f"{user.display_name} is no longer an organiser of {chapter.name}; they stay a member.", "success")
    return redirect(url_for("events.organisers", slug=chapter.slug))


# Running events (the chapter's organisers and site admins)


@bp.route("/chapters/<slug>/events/new", methods=["GET", "POST"])
@login_required
def new_event(slug):
    """Plan an event: save it as a draft, or publish it at once."""
    chapter = _load_chapter(slug)
    ensure(can_create_event(current_user, chapter))
    form = EventForm(timezone=chapter.timezone)
    if form.validate_on_submit():
        publish = bool(form.publish.data)
        try:
            event = services.create_event(chapter, form.details(), actor=actor(), publish=publish)
        except services.EventError as exc:
            show_rule_error(form, exc)
        else:
            db.session.commit()
            if publish:
                flash(f"{event.title} is published: everyone can see it now.", "success")
            else:
                flash(f"{event.title} is saved as a draft. Only organisers can see it until you publish it.",
                      "success")
            return redirect(url_for("events.detail", event_id=event.id))
    return render_template(
        "events/event_form.html", form=form, chapter=chapter, event=None
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
        }
    )
    if form.validate_on_submit():
        publish = bool(form.publish.data) and event.is_draft
        date_set = event.date_tbc and not form.date_tbc.data
        try:
            services.update_event(event, form.details(), actor=actor())
            if publish:
                services.publish_event(event, actor=actor())
        except services.EventError as exc:
            db.session.rollback()
            show_rule_error(form, exc)
        else:
            db.session.commit()
            if publish:
                flash(f"{event.title} is published: everyone can see it now.", "success")
            elif date_set:
                flash("The date is set and RSVPs are open. Everyone who asked to be told is being emailed.",
                      "success")
            else:
                flash("Event updated.", "success")
            return redirect(url_for("events.detail", event_id=event.id))
    return render_template(
        "events/event_form.html", form=form, chapter=event.chapter, event=event
    ), form_status(form)


@bp.route("/events/<int:event_id>/publish", methods=["POST"])
@login_required
def publish(event_id):
    """Show a draft to everyone."""
    event = load_event(event_id)
    ensure(can_edit_event(current_user, event))
    confirmed_post()
    try:
        services.publish_event(event, actor=actor())
    except services.EventError as exc:
        flash(str(exc), "error")
        return render_detail(event, 409)
    db.session.commit()
    flash(f"{event.title} is published: everyone can see it now.", "success")
    return redirect(url_for("events.detail", event_id=event.id))


@bp.route("/events/<int:event_id>/cancel", methods=["GET", "POST"])
@login_required
def cancel(event_id):
    """Call an event off, after a confirmation step and with an optional reason."""
    event = load_event(event_id)
    ensure(can_edit_event(current_user, event))
    form = CancelEventForm()
    if request.method == "GET":
        try:
            services.check_cancellable(event)
        except services.EventError as exc:
            flash(str(exc), "error")
            return render_detail(event, 409)
    if form.validate_on_submit():
        try:
            services.cancel_event(event, actor=actor(), reason=form.reason.data or "")
        except services.EventError as exc:
            flash(str(exc), "error")
            return render_detail(event, 409)
        db.session.commit()
        flash(f"{event.title} is cancelled. The event page now says so.", "success")
        return redirect(url_for("events.detail", event_id=event.id))
    return render_template("events/cancel.html", event=event, form=form), form_status(form)
