"""Chapter pages: browse them, join and leave, and for site admins, start, edit and staff them."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from flashmob.auth import ensure
from flashmob.events.chapters import queries, services
from flashmob.events.chapters.forms import AppointOrganiserForm, ChapterForm, NewChapterForm
from flashmob.events.evenings import queries as event_queries
from flashmob.events.evenings.cards import card_facts
from flashmob.events.evenings.views import page_key
from flashmob.events.loading import load_chapter
from flashmob.events.models import Chapter
from flashmob.events.permissions import (
    can_appoint_organisers,
    can_archive_chapter,
    can_create_chapter,
    can_edit_chapter,
    can_join_chapter,
    can_leave_chapter,
    can_remove_organiser,
    can_view_drafts,
)
from flashmob.events.routes import bp
from flashmob.extensions import db
from flashmob.forms import ConfirmForm, buttons_for
from flashmob.members.models import User
from flashmob.routing import requested_page
from flashmob.types import utcnow
from flashmob.web import actor, confirmed_post, form_status, on_refusal, per_page, show_rule_error

CHAPTER_PAST_PREVIEW = 5


# Browsing


@bp.route("/chapters")
def chapters():
    """Every active chapter, with its organisers and next event; archived ones listed at the end."""
    return render_template(
        "events/chapters.html",
        summaries=queries.chapter_summaries(utcnow()),
        archived=queries.archived_chapters(),
    )


def _render_chapter(chapter: Chapter):
    now = utcnow()
    requested_page()  # old ?page= links: a page number we could never show is still not found
    upcoming = event_queries.upcoming_page(now, page_key(), per_page(), chapter)
    past = event_queries.past_page(now, None, CHAPTER_PAST_PREVIEW, chapter)
    drafts = event_queries.drafts(chapter) if can_view_drafts(current_user, chapter) else []
    return render_template(
        "events/chapter.html",
        chapter=chapter,
        member_count=queries.member_counts([chapter.id]).get(chapter.id, 0),
        organisers=queries.organisers_by_chapter([chapter.id]).get(chapter.id, []),
        upcoming=upcoming,
        past=past,
        past_count=event_queries.past_count(now, chapter),
        drafts=drafts,
        cards=card_facts(upcoming.events, current_user),
        form=buttons_for(current_user),
    )


@bp.route("/chapters/<slug>")
def chapter(slug):
    """A chapter's page: who runs it, what is coming up, what has been."""
    return _render_chapter(load_chapter(slug))


@bp.route("/chapters/<slug>/past")
def chapter_past(slug):
    """All of a chapter's past events, most recent first, a page at a time by key (?after=)."""
    chapter = load_chapter(slug)
    requested_page()  # old ?page= links: a page number we could never show is still not found
    page = event_queries.past_page(utcnow(), page_key(), per_page(), chapter)
    return render_template("events/chapter_past.html", chapter=chapter, page=page, cards=None)


# Joining and leaving


@bp.route("/chapters/<slug>/join", methods=["POST"])
def join(slug):
    """Become a member of a chapter; people not signed in are asked to first, then come back."""
    chapter = load_chapter(slug)
    if not current_user.is_authenticated:
        flash(f"Please sign in or create an account to join {chapter.name}.", "info")
        return redirect(url_for("members.login", next=url_for("events.chapter", slug=chapter.slug)))
    on_refusal(lambda: _render_chapter(chapter))
    # A member already in is told so (409), not turned away (can_join_chapter says Refused).
    ensure(can_join_chapter(current_user, chapter))
    confirmed_post()
    services.join_chapter(chapter, actor(), actor=actor())
    db.session.commit()
    flash(
        f"You joined {chapter.name}. You'll see its events here, and you can leave at any time.",
        "success",
    )
    return redirect(url_for("events.chapter", slug=chapter.slug))


@bp.route("/chapters/<slug>/leave", methods=["GET", "POST"])
@login_required
def leave(slug):
    """Stop being a member of a chapter, once they have confirmed."""
    chapter = load_chapter(slug)
    ensure(can_leave_chapter(current_user, chapter))
    if request.method == "GET":
        return render_template("events/leave_chapter.html", chapter=chapter)
    on_refusal(lambda: _render_chapter(chapter))
    confirmed_post()
    services.leave_chapter(chapter, actor(), actor=actor())
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
    chapter = load_chapter(slug)
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


@bp.route("/chapters/<slug>/archive", methods=["GET", "POST"])
@login_required
def archive_chapter(slug):
    """Archive a chapter that no longer meets, after a page that says what that does."""
    chapter = load_chapter(slug)
    ensure(can_archive_chapter(current_user, chapter))
    try:
        if request.method == "POST":
            confirmed_post()
            services.archive_chapter(chapter, actor=actor())
            db.session.commit()
            flash(f"{chapter.name} is archived. Its past evenings stay on its page.", "success")
            return redirect(url_for("events.chapter", slug=chapter.slug))
        services.check_archivable(chapter)
        problem, status = None, 200
    except services.ChapterError as exc:
        db.session.rollback()
        problem, status = str(exc), 409
    return render_template(
        "events/archive_chapter.html", chapter=chapter, form=ConfirmForm(formdata=None), problem=problem
    ), status


@bp.route("/chapters/<slug>/restore", methods=["POST"])
@login_required
def restore_chapter(slug):
    """Bring an archived chapter back into the list, open to members and events again."""
    chapter = load_chapter(slug)
    ensure(can_archive_chapter(current_user, chapter))
    on_refusal(lambda: _render_chapter(chapter))
    confirmed_post()
    services.restore_chapter(chapter, actor=actor())
    db.session.commit()
    flash(f"{chapter.name} is restored: it is listed again and open to members and new events.", "success")
    return redirect(url_for("events.chapter", slug=chapter.slug))


def _render_organisers(chapter: Chapter, form: AppointOrganiserForm):
    organisers = queries.organisers_by_chapter([chapter.id]).get(chapter.id, [])
    return render_template(
        "events/organisers.html",
        chapter=chapter,
        organisers=organisers,
        form=form,
        confirm=ConfirmForm(formdata=None),
    )


@bp.route("/chapters/<slug>/organisers", methods=["GET", "POST"])
@login_required
def organisers(slug):
    """See a chapter's organisers and appoint another by email."""
    chapter = load_chapter(slug)
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
    return _render_organisers(chapter, form), form_status(form)


@bp.route("/chapters/<slug>/organisers/<int:user_id>/remove", methods=["POST"])
@login_required
def remove_organiser(slug, user_id):
    """Take an organiser role away; the person stays a member."""
    chapter = load_chapter(slug)
    ensure(can_remove_organiser(current_user, chapter))
    user = db.get_or_404(User, user_id)
    on_refusal(lambda: _render_organisers(chapter, AppointOrganiserForm(formdata=None)))
    confirmed_post()
    services.remove_organiser(chapter, user, actor=actor())
    db.session.commit()
    flash(f"{user.display_name} is no longer an organiser of {chapter.name}; they stay a member.", "success")
    return redirect(url_for("events.organisers", slug=chapter.slug))
