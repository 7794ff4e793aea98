"""Calendar feeds: an .ics file per event, a feed per chapter, one of every chapter, and each member's
personal feed behind a secret address they can reset; plus the links pages show to subscribe."""

from __future__ import annotations

from dataclasses import dataclass

from flask import abort, current_app, flash, make_response, redirect, url_for
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from flashmob.auth import ensure
from flashmob.cache import BuildFailed, cached_bytes, unless_failed_lately
from flashmob.events.calendars import feeds, ical
from flashmob.events.evenings.services import utc_to_local
from flashmob.events.loading import load_chapter
from flashmob.events.models import Chapter, Event
from flashmob.events.permissions import can_add_to_calendar
from flashmob.events.routes import bp
from flashmob.extensions import db
from flashmob.members.models import User
from flashmob.members.permissions import can_reset_calendar_address
from flashmob.text import slugify
from flashmob.urls import public_url
from flashmob.web import actor, client_copy_is_current, confirmed_post

CONTENT_TYPE = "text/calendar; charset=utf-8"
# Public feeds may be cached as long as calendars are told to wait before asking again.
PUBLIC_CACHE = f"public, max-age={int(feeds.REFRESH.total_seconds())}"
# A personal feed says where someone will be: never in a shared cache.
PRIVATE_CACHE = f"private, max-age={int(feeds.REFRESH.total_seconds())}"
# A single event's file is downloaded now and then; a change should show on the next download.
EVENT_FILE_CACHE = "public, max-age=300"
DRAFT_CACHE = "private, no-cache"
# A calendar that failed to build is not built again for this long: every subscriber's app asks
# each hour, and paying for the same failure on each request would slow the rest of the site.
# Meanwhile the answer is 503 with Retry-After: the fault is ours and passes (once the event is
# fixed its ETag changes, and the new calendar is tried at once), and 503 tells a calendar app to
# come back later and keep what it holds, where 404 would say the calendar is gone and a bare 500
# invites an immediate retry.
FAILED_CALENDAR_RETRY = 300


# Links that pages show and put in their <head>


@dataclass(frozen=True)
class CalendarLinks:
    """How to get one feed: subscribe (webcal://), paste the address (https://), or download it."""

    title: str
    url: str  # the public address, from BASE_URL
    webcal_url: str
    download_url: str  # on this site, as the page was reached
    filename: str


def _links(title: str, endpoint: str, filename: str, **values) -> CalendarLinks:
    url = public_url(endpoint, **values)
    return CalendarLinks(
        title=title,
        url=url,
        webcal_url=feeds.webcal_url(url),
        download_url=url_for(endpoint, **values),
        filename=filename,
    )


@bp.app_template_global()
def all_chapters_calendar() -> CalendarLinks:
    """Links to the feed of every chapter's events."""
    return _links(feeds.ALL_CHAPTERS_NAME, "events.all_feed", "pmo-flashmob.ics")


@bp.app_template_global()
def chapter_calendar(chapter: Chapter) -> CalendarLinks:
    """Links to one chapter's feed."""
    return _links(
        f"{ical.SITE_NAME} {chapter.name}",
        "events.chapter_feed",
        f"pmo-flashmob-{chapter.slug}.ics",
        slug=chapter.slug,
    )


@bp.app_template_global()
def personal_calendar(user: User) -> CalendarLinks | None:
    """Links to a member's personal feed; None until they ask for its address."""
    if not user.calendar_token:
        return None
    return _links(
        feeds.PERSONAL_NAME, "events.personal_feed", "my-pmo-flashmob.ics", token=user.calendar_token
    )


@dataclass(frozen=True)
class EventCalendarLinks:
    title: str
    url: str
    download_url: str
    filename: str
    google_url: str | None


@bp.app_template_global()
def event_calendar(event: Event) -> EventCalendarLinks:
    """Links that put one event into a calendar: its .ics file, and Google Calendar's form."""
    return EventCalendarLinks(
        title=event.title,
        url=public_url("events.event_file", event_id=event.id),
        download_url=url_for("events.event_file", event_id=event.id),
        filename=_event_filename(event),
        google_url=feeds.google_calendar_url(event, public_url("events.detail", event_id=event.id)),
    )


def _event_filename(event: Event) -> str:
    slug = slugify(event.title) or "event"
    # A date stored before dates were checked may have no wall-clock day in its zone: then UTC's.
    day = utc_to_local(event.starts_at, event.timezone) or event.starts_at
    return f"{slug}-{day:%Y-%m-%d}.ics"


# Answering for a calendar


def _event_path(event: Event) -> str:
    return public_url("events.detail", event_id=event.id)


def _organiser() -> str:
    return current_app.config["MAIL_FROM"]


def _calendar_response(feed: feeds.Feed, build, *, cache: str, disposition: str, filename: str):
    """The calendar, or 304 Not Modified with no body when the client's copy is current; the
    calendar is only built when it is sent; 503 while it cannot be built."""
    if client_copy_is_current(feed.etag, feed.last_modified):
        response = make_response("", 304)
    else:
        try:
            body = build()
        except BuildFailed as failed:
            return _cannot_build(failed)
        response = make_response(body)
        response.headers["Content-Type"] = CONTENT_TYPE
        response.headers["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    response.set_etag(feed.etag, weak=True)
    if feed.last_modified is not None:
        response.last_modified = feed.last_modified
    response.headers["Cache-Control"] = cache
    return response


def _cannot_build(failed: BuildFailed):
    """503 with Retry-After, quickly; what failed is in the log (see FAILED_CALENDAR_RETRY)."""
    response = make_response("This calendar cannot be made just now. Please try again later.", 503)
    response.headers["Content-Type"] = "text/plain; charset=utf-8"
    response.headers["Retry-After"] = str(failed.retry_after)
    response.headers["Cache-Control"] = "no-store"
    return response


def _build_key(kind: str, feed: feeds.Feed) -> str:
    # The ETag names exactly what the events put in the bytes; the rest comes from the settings.
    return f"{kind}:{feed.etag}:{current_app.config['BASE_URL']}:{_organiser()}"


def _send_feed(feed: feeds.Feed, *, cache: str, filename: str):
    def build() -> bytes:
        # Building a feed of many events costs far more than its queries; a copy stored under its
        # key is never stale.
        key = _build_key("feed", feed)
        return cached_bytes(
            key, lambda: unless_failed_lately(key, build_now, remember=FAILED_CALENDAR_RETRY)
        )

    def build_now() -> bytes:
        return ical.build_feed(
            feed.events,
            name=feed.name,
            description=feed.description,
            base_url=current_app.config["BASE_URL"],
            url_for_event=_event_path,
            organiser_email=_organiser(),
            tentative_ids=feed.tentative_ids,
            refresh=feed.refresh,
            timezone=feed.timezone,
        )

    return _calendar_response(feed, build, cache=cache, disposition="inline", filename=filename)


@bp.route("/events/<int:event_id>.ics")
def event_file(event_id):
    """One event as a .ics file to open in a calendar; a draft only for those who may see it."""
    event = db.first_or_404(select(Event).where(Event.id == event_id).options(joinedload(Event.chapter)))
    if not can_add_to_calendar(current_user, event):
        abort(404)  # a draft's existence is not revealed; a save-the-date has no date to add yet

    feed = feeds.event_file(event)

    def build() -> bytes:
        key = _build_key("event-file", feed)
        return unless_failed_lately(key, build_now, remember=FAILED_CALENDAR_RETRY)

    def build_now() -> bytes:
        return ical.build_event_file(
            event,
            base_url=current_app.config["BASE_URL"],
            path=_event_path(event),
            organiser_email=_organiser(),
        )

    return _calendar_response(
        feed,
        build,
        cache=DRAFT_CACHE if event.is_draft else EVENT_FILE_CACHE,
        disposition="attachment",
        filename=_event_filename(event),
    )


@bp.route("/chapters/<slug>/calendar.ics")
def chapter_feed(slug):
    """A chapter's events as a feed to subscribe to: anyone may."""
    chapter = load_chapter(slug)
    return _send_feed(
        feeds.chapter_feed(chapter), cache=PUBLIC_CACHE, filename=f"pmo-flashmob-{chapter.slug}.ics"
    )


@bp.route("/calendar.ics")
def all_feed():
    """Every chapter's events as one feed: anyone may subscribe."""
    return _send_feed(feeds.all_chapters_feed(), cache=PUBLIC_CACHE, filename="pmo-flashmob.ics")


@bp.route("/calendar/<token>.ics")
def personal_feed(token):
    """A member's own feed: what they are going to or waiting for. The secret address is the key."""
    member = feeds.member_for_calendar_token(token)
    if member is None:
        abort(404)
    return _send_feed(feeds.personal_feed(member), cache=PRIVATE_CACHE, filename="my-pmo-flashmob.ics")


@bp.route("/account/calendar", methods=["POST"])
@login_required
def reset_calendar_address():
    """Make (or remake) the secret address of your personal feed; an old one stops working."""
    user: User = actor()
    ensure(can_reset_calendar_address(current_user, user))
    confirmed_post()
    address = feeds.reset_calendar_token(user, actor=user)
    db.session.commit()
    if address.replaced:
        flash(
            "Your calendar has a new address. The old one no longer works: "
            "subscribe again with the new address below.",
            "success",
        )
    else:
        flash("Your calendar address is ready: subscribe to it below.", "success")
    return redirect(url_for("members.account", _anchor="calendar"))
