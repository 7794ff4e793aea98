"""The discussion pages and actions: comments and replies, a chapter's board, editing, deleting, reporting,
and the organisers' moderation queue. Registered on the discussions blueprint."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from flashmob.auth import ensure, safe_next
from flashmob.discussions.routes import bp
from flashmob.discussions.threads import permissions, queries, services
from flashmob.discussions.threads.forms import (
    BODY_HINT,
    CommentForm,
    EditPostForm,
    ModerationForm,
    ReplyForm,
    ReportForm,
    TopicForm,
)
from flashmob.discussions.threads.models import VERB_LABELS, PostStatus, Report, Thread, ThreadKind
from flashmob.discussions.threads.subjects import load_subject
from flashmob.events.loading import load_chapter
from flashmob.events.models import Chapter
from flashmob.extensions import db, limiter
from flashmob.web import actor, confirmed_post, form_status, show_rule_error


@bp.app_context_processor
def discussion_helpers():
    """The discussion predicates for templates to show or hide buttons (views check them again)."""
    names = [name for name in dir(permissions) if name.startswith("can_")]
    return {name: getattr(permissions, name) for name in names} | {
        "BODY_HINT": BODY_HINT,
        "PostStatus": PostStatus,
        "verb_labels": VERB_LABELS,
    }


def posting_limit() -> str:
    return current_app.config["DISCUSSION_RATE_LIMIT"]


def _posting_key() -> str:
    # Per person, not per address: colleagues behind one office network each get their own allowance.
    return f"discussion-post:{current_user.get_id() if current_user.is_authenticated else 'anonymous'}"


limit_posting = limiter.limit(posting_limit, key_func=_posting_key, methods=["POST"])


def thread_url(thread: Thread, post_id: int | None = None) -> str:
    """Where a thread is read: a topic's own page, or the page of what it is about."""
    anchor = f"post-{post_id}" if post_id else "discussion"
    if thread.kind == ThreadKind.TOPIC:
        slug = db.session.scalar(select(Chapter.slug).where(Chapter.id == thread.chapter_id))
        return url_for("discussions.topic", slug=slug, thread_id=thread.id, _anchor=anchor)
    subject = load_subject(thread.kind, thread.subject_id, current_user)
    if subject is None:
        abort(404)
    return subject.url(_anchor=anchor)


def _compose(form, *, title: str, action: str, back_url: str, status: int = 422):
    """The form again with its messages at the field, on a page of its own (the subject's page is
    another part's)."""
    return render_template(
        "discussions/threads/compose.html", form=form, title=title, action=action, back_url=back_url
    ), status


# Posting


@bp.route("/discussions/<kind>/<int:subject_id>/comments", methods=["POST"])
@login_required
@limit_posting
def comment(kind, subject_id):
    """A new comment on an evening, a write-up or a lesson (the first one starts its thread)."""
    subject = load_subject(kind, subject_id, current_user)
    if subject is None:
        abort(404)
    thread = services.find_thread(subject.kind, subject.id) or services.unsaved_thread(
        subject.kind, subject.id, subject.chapter_id
    )
    ensure(permissions.can_post(current_user, thread))
    form = CommentForm()
    if form.validate_on_submit():
        try:
            thread = services.thread_for_subject(subject.kind, subject.id, subject.chapter_id)
            posted = services.add_post(thread, form.body.data, actor=actor())
        except services.DiscussionError as exc:
            show_rule_error(form, exc)
        else:
            db.session.commit()
            flash("Your comment is posted.", "success")
            return redirect(subject.url(_anchor=f"post-{posted.post.id}"))
    return _compose(
        form,
        title=f"Comment on {subject.title}",
        action=url_for("discussions.comment", kind=kind, subject_id=subject_id),
        back_url=subject.url(_anchor="discussion"),
        status=form_status(form),
    )


@bp.route("/discussions/threads/<int:thread_id>/posts", methods=["POST"])
@login_required
@limit_posting
def post_in_thread(thread_id):
    """A new post in a board topic (or any thread already started)."""
    thread = queries.load_thread(thread_id)
    ensure(permissions.can_post(current_user, thread))
    form = CommentForm()
    if form.validate_on_submit():
        try:
            posted = services.add_post(thread, form.body.data, actor=actor())
        except services.DiscussionError as exc:
            show_rule_error(form, exc)
        else:
            db.session.commit()
            flash("Your post is up.", "success")
            return redirect(thread_url(thread, posted.post.id))
    return _compose(
        form,
        title="Post in this discussion",
        action=url_for("discussions.post_in_thread", thread_id=thread.id),
        back_url=thread_url(thread),
    )


@bp.route("/discussions/posts/<int:post_id>/replies", methods=["POST"])
@login_required
@limit_posting
def reply(post_id):
    """A reply to a post (a reply to a reply goes under the post it answers)."""
    parent = queries.load_post(post_id)
    ensure(permissions.can_reply(current_user, parent))
    form = ReplyForm()
    if form.validate_on_submit():
        try:
            posted = services.add_post(parent.thread, form.body.data, actor=actor(), parent=parent)
        except services.DiscussionError as exc:
            show_rule_error(form, exc)
        else:
            db.session.commit()
            flash("Your reply is posted.", "success")
            return redirect(thread_url(parent.thread, posted.post.id))
    return _compose(
        form,
        title="Reply",
        action=url_for("discussions.reply", post_id=parent.id),
        back_url=thread_url(parent.thread, parent.id),
    )


@bp.route("/discussions/threads/<int:thread_id>")
def thread(thread_id):
    """A thread's address, wherever it is shown."""
    return redirect(thread_url(queries.load_thread(thread_id)))


# A chapter's board


@bp.route("/chapters/<slug>/board")
def board(slug):
    """The chapter's topics, most recently active first."""
    chapter = load_chapter(slug)
    page = queries.board(chapter, queries.key_argument("after"))
    return render_template("discussions/threads/board.html", chapter=chapter, board=page)


@bp.route("/chapters/<slug>/board/new", methods=["GET", "POST"])
@login_required
@limit_posting
def new_topic(slug):
    """Start a topic on the chapter's board."""
    chapter = load_chapter(slug)
    ensure(permissions.can_start_topic(current_user, chapter))
    form = TopicForm()
    if form.validate_on_submit():
        try:
            posted = services.start_topic(chapter, form.title.data, form.body.data, actor=actor())
        except services.DiscussionError as exc:
            show_rule_error(form, exc)
        else:
            db.session.commit()
            flash("Your topic is up.", "success")
            return redirect(url_for("discussions.topic", slug=chapter.slug, thread_id=posted.thread.id))
    return render_template("discussions/threads/new_topic.html", chapter=chapter, form=form), form_status(
        form
    )


@bp.route("/chapters/<slug>/board/topics/<int:thread_id>")
def topic(slug, thread_id):
    """A topic and its posts."""
    chapter = load_chapter(slug)
    thread = queries.load_topic(chapter, thread_id)
    discussion = queries.topic_discussion(thread, timezone=chapter.timezone)
    return render_template(
        "discussions/threads/topic.html", chapter=chapter, thread=thread, discussion=discussion
    )


# Authors: editing and deleting


@bp.route("/discussions/posts/<int:post_id>/edit", methods=["GET", "POST"])
@login_required
def edit_post(post_id):
    """Change your own post; it says "edited" from then on."""
    post = queries.load_post(post_id)
    ensure(permissions.can_edit_post(current_user, post))
    form = EditPostForm(obj=post)
    if form.validate_on_submit():
        try:
            services.edit_post(post, form.body.data, actor=actor())
        except services.DiscussionError as exc:
            show_rule_error(form, exc)
        else:
            db.session.commit()
            flash("Your post is changed.", "success")
            return redirect(thread_url(post.thread, post.id))
    return render_template(
        "discussions/threads/edit_post.html", post=post, form=form, back_url=thread_url(post.thread, post.id)
    ), form_status(form)


@bp.route("/discussions/posts/<int:post_id>/delete", methods=["POST"])
@login_required
def delete_post(post_id):
    """Take your own post down."""
    post = queries.load_post(post_id)
    ensure(permissions.can_delete_post(current_user, post))
    confirmed_post()
    services.delete_post(post, actor=actor())
    db.session.commit()
    flash("Your post is deleted.", "success")
    return redirect(thread_url(post.thread, post.id))


# Reporting


@bp.route("/discussions/posts/<int:post_id>/report", methods=["GET", "POST"])
@login_required
def report_post(post_id):
    """Tell the chapter's organisers about a post."""
    post = queries.load_post(post_id)
    ensure(permissions.can_report_post(current_user, post))
    form = ReportForm()
    if form.validate_on_submit():
        try:
            services.report_post(post, form.reason.data, actor=actor())
        except services.DiscussionError as exc:
            show_rule_error(form, exc)
        else:
            db.session.commit()
            flash("Thank you: the organisers will look at it.", "success")
            return redirect(thread_url(post.thread, post.id))
    return render_template(
        "discussions/threads/report.html", post=post, form=form, back_url=thread_url(post.thread, post.id)
    ), form_status(form)


# Organisers


def _moderate(post_id: int, action):
    post = queries.load_post(post_id)
    ensure(permissions.can_moderate(current_user, post.thread))
    form = confirmed_post(ModerationForm)
    outcome = action(post, actor=actor(), reason=form.reason.data or "")
    db.session.commit()
    return post, outcome


@bp.route("/discussions/posts/<int:post_id>/hide", methods=["POST"])
@login_required
def hide_post(post_id):
    """Hide a post: others see that an organiser hid it."""
    post, outcome = _moderate(post_id, services.hide_post)
    resolved = (
        f" {outcome.reports_resolved} report{'s' if outcome.reports_resolved != 1 else ''} closed."
        if outcome.reports_resolved
        else ""
    )
    flash(f"The post is hidden.{resolved}", "success")
    return redirect(safe_next(thread_url(post.thread, post.id)))


@bp.route("/discussions/posts/<int:post_id>/unhide", methods=["POST"])
@login_required
def unhide_post(post_id):
    """Show a hidden post again."""
    post, _ = _moderate(post_id, services.unhide_post)
    flash("The post shows again.", "success")
    return redirect(safe_next(thread_url(post.thread, post.id)))


@bp.route("/discussions/posts/<int:post_id>/remove", methods=["GET", "POST"])
@login_required
def remove_post(post_id):
    """Remove a post for good, once the organiser has confirmed it."""
    post = queries.load_post(post_id)
    ensure(permissions.can_moderate(current_user, post.thread))
    form = ModerationForm()
    if not form.is_submitted():
        return render_template(
            "discussions/threads/remove.html",
            post=post,
            form=form,
            back_url=safe_next(thread_url(post.thread, post.id)),
        )
    post, _ = _moderate(post_id, services.remove_post)
    flash("The post is removed.", "success")
    return redirect(safe_next(thread_url(post.thread, post.id)))


@bp.route("/discussions/threads/<int:thread_id>/lock", methods=["POST"])
@login_required
def lock_thread(thread_id):
    """Close a discussion to new posts."""
    thread = queries.load_thread(thread_id)
    ensure(permissions.can_moderate(current_user, thread))
    form = confirmed_post(ModerationForm)
    services.lock_thread(thread, actor=actor(), reason=form.reason.data or "")
    db.session.commit()
    flash("The discussion is locked: nobody can post in it until it is unlocked.", "success")
    return redirect(safe_next(thread_url(thread)))


@bp.route("/discussions/threads/<int:thread_id>/unlock", methods=["POST"])
@login_required
def unlock_thread(thread_id):
    """Open a locked discussion again."""
    thread = queries.load_thread(thread_id)
    ensure(permissions.can_moderate(current_user, thread))
    form = confirmed_post(ModerationForm)
    services.unlock_thread(thread, actor=actor(), reason=form.reason.data or "")
    db.session.commit()
    flash("The discussion is open again.", "success")
    return redirect(safe_next(thread_url(thread)))


@bp.route("/chapters/<slug>/moderation")
@login_required
def moderation(slug):
    """The chapter's open reports, and what its organisers did lately."""
    chapter = load_chapter(slug)
    ensure(permissions.can_view_moderation(current_user, chapter))
    queue = queries.moderation_queue(chapter)
    return render_template(
        "discussions/threads/moderation.html",
        chapter=chapter,
        queue=queue,
        form=ModerationForm(formdata=None),
    )


@bp.route("/discussions/reports/<int:report_id>/dismiss", methods=["POST"])
@login_required
def dismiss_report(report_id):
    """Leave a reported post as it is, and close its reports."""
    report = db.session.get(Report, report_id)
    if report is None:
        abort(404)
    ensure(permissions.can_moderate(current_user, report.post.thread))
    confirmed_post(ModerationForm)
    services.dismiss_report(report, actor=actor())
    db.session.commit()
    flash("The report is closed and the post left as it was.", "success")
    return redirect(safe_next(url_for("discussions.moderation", slug=_slug_of(report.chapter_id))))


def _slug_of(chapter_id: int) -> str:
    return db.session.scalar(select(Chapter.slug).where(Chapter.id == chapter_id))
