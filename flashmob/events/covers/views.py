"""Cover pages: the chapter's organisers (and site admins) upload, replace and remove a chapter's or an
event's cover; the pictures, and the drawn default, are served with long-lived cache headers."""

from __future__ import annotations

from flask import abort, flash, make_response, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from flashmob.auth import ensure
from flashmob.events.covers import display, services
from flashmob.events.covers.forms import CoverForm
from flashmob.events.loading import load_chapter, load_event
from flashmob.events.models import Chapter, Event
from flashmob.events.permissions import can_change_chapter_cover, can_change_event_cover
from flashmob.events.routes import bp
from flashmob.extensions import db
from flashmob.images import ACCEPT_ATTRIBUTE, MAX_BYTES, PictureError, read_upload
from flashmob.web import confirmed_post, show_rule_error

# A cover's address changes with it (its version), so browsers may keep it for a year.
COVER_MAX_AGE = 365 * 24 * 3600
# The drawn default follows the chapter's name, which may change: a day, then asked again (ETag).
DEFAULT_MAX_AGE = 24 * 3600

bp.add_app_template_global(display.event_cover, "event_cover")
bp.add_app_template_global(display.chapter_cover, "chapter_cover")


def _render_cover_page(owner: Chapter | Event, form: CoverForm, status: int = 200):
    is_event = isinstance(owner, Event)
    return render_template(
        "events/cover.html",
        owner=owner,
        is_event=is_event,
        name=owner.title if is_event else owner.name,
        cover=display.event_cover(owner) if is_event else display.chapter_cover(owner),
        has_own_cover=owner.cover_version is not None,
        form=form,
        back_url=url_for("events.detail", event_id=owner.id) if is_event
        else url_for("events.chapter", slug=owner.slug),
        max_mb=MAX_BYTES // (1024 * 1024),
        accept=ACCEPT_ATTRIBUTE,
    ), status


def _upload(owner: Chapter | Event, page_url: str):
    form = CoverForm()
    if form.validate_on_submit():
        try:
            services.set_cover(owner, services.process_cover(read_upload(form.cover.data)))
        except PictureError as exc:
            db.session.rollback()
            show_rule_error(form, exc)
        else:
            db.session.commit()
            flash("The cover picture is saved.", "success")
            return redirect(page_url)
    return _render_cover_page(owner, form, status=422 if form.errors else 200)


def _remove(owner: Chapter | Event, page_url: str, instead: str):
    confirmed_post()
    if services.remove_cover(owner):
        flash(f"The cover picture is removed: {instead} shows instead.", "success")
    db.session.commit()
    return redirect(page_url)


@bp.route("/chapters/<slug>/cover", methods=["GET", "POST"])
@login_required
def edit_chapter_cover(slug):
    """See, upload or replace a chapter's cover picture."""
    chapter = load_chapter(slug)
    ensure(can_change_chapter_cover(current_user, chapter))
    if request.method == "GET":
        return _render_cover_page(chapter, CoverForm(formdata=None))
    return _upload(chapter, url_for("events.chapter", slug=chapter.slug))


@bp.route("/chapters/<slug>/cover/remove", methods=["POST"])
@login_required
def remove_chapter_cover(slug):
    chapter = load_chapter(slug)
    ensure(can_change_chapter_cover(current_user, chapter))
    return _remove(chapter, url_for("events.edit_chapter_cover", slug=chapter.slug), "a drawn pattern")


@bp.route("/events/<int:event_id>/cover", methods=["GET", "POST"])
@login_required
def edit_event_cover(event_id):
    """See, upload or replace an event's cover picture."""
    event = load_event(event_id)
    ensure(can_change_event_cover(current_user, event))
    if request.method == "GET":
        return _render_cover_page(event, CoverForm(formdata=None))
    return _upload(event, url_for("events.detail", event_id=event.id))


@bp.route("/events/<int:event_id>/cover/remove", methods=["POST"])
@login_required
def remove_event_cover(event_id):
    event = load_event(event_id)
    ensure(can_change_event_cover(current_user, event))
    return _remove(event, url_for("events.edit_event_cover", event_id=event.id), "the chapter's cover")


def _picture_response(stored, size: str, *, public: bool, etag: str):
    response = make_response(stored.wide if size == "wide" else stored.card)
    response.headers["Content-Type"] = stored.content_type
    # A draft's cover is for its organisers' browsers only; every other cover anyone may see.
    scope = "public" if public else "private"
    response.headers["Cache-Control"] = f"{scope}, max-age={COVER_MAX_AGE}, immutable"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.set_etag(etag)
    return response.make_conditional(request)


@bp.route("/chapters/<slug>/cover/<int:version>/<size>.webp")
def chapter_cover(slug, version, size):
    """A chapter's cover picture: public, like the chapter's page."""
    chapter = load_chapter(slug)
    stored = services.stored_cover(chapter, version)
    if stored is None or size not in services.SIZES:
        abort(404)
    return _picture_response(stored, size, public=True, etag=f"chapter-{chapter.id}-{version}-{size}")


@bp.route("/events/<int:event_id>/cover/<int:version>/<size>.webp")
def event_cover(event_id, version, size):
    """An event's cover: anyone's once it is published; a draft's only its organisers' (404 otherwise)."""
    event = load_event(event_id)
    stored = services.stored_cover(event, version)
    if stored is None or size not in services.SIZES:
        abort(404)
    return _picture_response(
        stored, size, public=not event.is_draft, etag=f"event-{event.id}-{version}-{size}"
    )


@bp.route("/chapters/<slug>/drawn-cover/<size>.svg")
def default_cover(slug, size):
    """The drawn cover of a chapter without one (and of its events without their own)."""
    chapter = load_chapter(slug)
    if size not in display.DRAWN_SHAPES:
        abort(404)
    response = make_response(display.default_svg(chapter, size))
    response.headers["Content-Type"] = "image/svg+xml; charset=utf-8"
    response.headers["Cache-Control"] = f"public, max-age={DEFAULT_MAX_AGE}"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.add_etag()
    return response.make_conditional(request)
