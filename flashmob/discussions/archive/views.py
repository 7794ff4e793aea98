"""Pages of the lessons archive: browse and search, themes, the search vocabulary, and Atom feeds."""

from __future__ import annotations

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from flashmob import search
from flashmob.auth import ensure
from flashmob.discussions.archive import atom, queries
from flashmob.discussions.archive.forms import ArchiveForm, SynonymForm
from flashmob.discussions.archive.permissions import can_edit_search_vocabulary
from flashmob.discussions.routes import bp
from flashmob.extensions import db
from flashmob.routing import requested_page
from flashmob.tags import tag_for_slug
from flashmob.urls import public_url
from flashmob.web import actor, client_copy_is_current, form_status, per_page, show_rule_error

# How many themes an empty search suggests.
SUGGESTED_THEMES = 8


def lesson_url(lesson_id: int, **values) -> str:
    """The address of a lesson's own page."""
    return url_for("discussions.lesson", lesson_id=lesson_id, **values)


def talk_url(person_id: int, lesson) -> str:
    """"Talk to them": the request to connect with one of a lesson's people, its evening chosen as where
    you met (when you both went) and a first line naming the lesson; it comes back to the lesson."""
    return url_for(
        "connections.ask",
        user_id=person_id,
        event=lesson.writeup.event_id,
        about=f"About your lesson \u201c{lesson.statement}\u201d: ",
        next=lesson_url(lesson.id),
    )


def page_url_with(**changes) -> str:
    """The current page's address with some arguments changed, back at its first page."""
    args = dict(request.view_args or {})
    args.update({k: v for k, v in request.args.items() if k not in ("page", "after")})
    args.update(changes)
    return url_for(request.endpoint, **args)


def page_url_after(cursor) -> str:
    """The current list's next page, after the lesson the cursor names."""
    return page_url_with(after=str(cursor))


@bp.app_context_processor
def archive_helpers():
    return {
        "lesson_url": lesson_url,
        "talk_url": talk_url,
        "page_url_with": page_url_with,
        "page_url_after": page_url_after,
    }


def _viewer_id() -> int | None:
    return current_user.id if current_user.is_authenticated else None


def _cursor():
    try:
        return queries.Cursor.parse(request.args.get("after"))
    except ValueError:
        abort(400)


@bp.route("/lessons")
def archive():
    """Every published lesson across chapters, newest evening first; filtered, or searched with ?q=."""
    themes = queries.theme_counts()
    form = ArchiveForm(formdata=request.args)
    form.offer(queries.archive_chapters(), themes)
    valid = form.validate()
    filters = queries.ArchiveFilters()
    if valid:
        filters = queries.ArchiveFilters(
            chapter=queries.chapter_by_slug(form.chapter.data) if form.chapter.data else None,
            year=form.year.data,
            theme=tag_for_slug(form.theme.data) if form.theme.data else None,
        )
    results = page = None
    cards = []
    if valid and form.q.data:
        results = search.search_lessons(
            form.q.data, filters.conditions(), page=requested_page(), per_page=per_page()
        )
        lessons = queries.lessons_by_id([hit.lesson_id for hit in results.hits])
        cards = queries.lesson_cards(lessons, _viewer_id())
    elif valid:
        page = queries.archive_page(filters, _cursor(), per_page())
        cards = queries.lesson_cards(page.lessons, _viewer_id())
    hits = {hit.lesson_id: hit for hit in results.hits} if results else {}
    return render_template(
        "discussions/archive/index.html",
        form=form,
        filters=filters,
        cards=cards,
        hits=hits,
        results=results,
        page=page,
        years=queries.archive_years(),
        suggested_themes=sorted(themes, key=lambda t: -t.count)[:SUGGESTED_THEMES],
        may_edit_vocabulary=can_edit_search_vocabulary(current_user),
        og_url=public_url("discussions.archive"),
    ), form_status(form)


@bp.route("/takeaways")
def takeaways():
    """Every published write-up, newest evening first: what each evening took away, across chapters."""
    chapter = None
    if request.args.get("chapter"):
        chapter = queries.chapter_by_slug(request.args["chapter"])
        if chapter is None:
            abort(404)
    page = queries.takeaways_page(chapter, _cursor(), per_page())
    return render_template(
        "discussions/archive/takeaways.html",
        page=page,
        chapter=chapter,
        chapters=queries.archive_chapters(),
        og_url=public_url("discussions.takeaways"),
    )


@bp.route("/lessons/themes")
def themes():
    """Every theme of the archive, with how many lessons each has."""
    return render_template(
        "discussions/archive/themes.html",
        themes=queries.theme_counts(),
        og_url=public_url("discussions.themes"),
    )


@bp.route("/lessons/themes/<slug>")
def theme(slug):
    """Every published lesson on one theme, newest evening first."""
    tag = tag_for_slug(slug)
    if tag is None:
        abort(404)
    page = queries.archive_page(queries.ArchiveFilters(theme=tag), _cursor(), per_page())
    return render_template(
        "discussions/archive/theme.html",
        tag=tag,
        cards=queries.lesson_cards(page.lessons, _viewer_id()),
        page=page,
        og_url=public_url("discussions.theme", slug=tag.slug),
    )


@bp.route("/lessons/vocabulary", methods=["GET", "POST"])
@login_required
def vocabulary():
    """The words search treats as one (RAID and risk log): organisers and admins add pairs."""
    ensure(can_edit_search_vocabulary(current_user))
    form = SynonymForm()
    if form.validate_on_submit():
        try:
            pair = search.add_synonym(form.term.data, form.synonym.data, actor=actor())
        except search.SearchError as exc:
            db.session.rollback()
            show_rule_error(form, exc)
        else:
            db.session.commit()
            message = f"Searches for “{pair.term}” now find “{pair.synonym}”, and the other way round."
            flash(message, "success")
            return redirect(url_for("discussions.vocabulary"))
    return render_template(
        "discussions/archive/vocabulary.html", form=form, pairs=search.vocabulary()
    ), form_status(form)


# Atom feeds of published write-ups.


def _atom(chapter, *, title: str, self_url: str, page_url: str, feed_id: str) -> Response:
    """The feed, or 304 with no body when the client's copy is current: that costs one aggregate query,
    and the write-ups are loaded only when the feed is sent."""
    summary = queries.published_writeups_summary(chapter)
    etag = atom.summary_etag(summary, title, self_url, page_url, feed_id, current_app.config["SITE_NAME"])
    last_modified = atom.summary_last_modified(summary)
    if client_copy_is_current(etag, last_modified):
        response = Response(status=304)
    else:
        body = atom.writeups_feed(
            queries.published_writeups(chapter),
            title=title,
            self_url=self_url,
            page_url=page_url,
            feed_id=feed_id,
        )
        response = Response(body, mimetype="application/atom+xml")
    response.set_etag(etag, weak=True)
    if last_modified is not None:
        response.last_modified = last_modified
    response.headers["Cache-Control"] = f"public, max-age={current_app.config.get('FEED_MAX_AGE', 600)}"
    return response


@bp.route("/writeups.atom")
def writeups_feed():
    """What every chapter's evenings learnt, newest write-up first."""
    return _atom(
        None,
        title=f"{current_app.config['SITE_NAME']}: what the evenings learnt",
        self_url=public_url("discussions.writeups_feed"),
        page_url=public_url("discussions.archive"),
        feed_id=atom.tag_uri("writeups"),
    )


@bp.route("/chapters/<slug>/writeups.atom")
def chapter_writeups_feed(slug):
    """What one chapter's evenings learnt, newest write-up first."""
    chapter = queries.chapter_by_slug(slug)
    if chapter is None:
        abort(404)
    return _atom(
        chapter,
        title=f"{current_app.config['SITE_NAME']} {chapter.name}: what the evenings learnt",
        self_url=public_url("discussions.chapter_writeups_feed", slug=chapter.slug),
        page_url=public_url("discussions.archive", chapter=chapter.slug),
        feed_id=atom.tag_uri(f"chapter-{chapter.id}-writeups"),
    )
