"""What each calendar feed carries and whose it is: the loaders behind the feed routes, and the secret
addresses of members' personal feeds.

Each loader finds what the view needs to answer a conditional request (ETag, Last-Modified) with one
aggregate query, without loading an event; the events are loaded (in one more query) only when the calendar
is built, so a 304 or a cached calendar never reads them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cached_property
from urllib.parse import urlencode

from flask import current_app
from sqlalchemy import select

from flashmob.events.calendars import ical
from flashmob.events.models import Chapter, Event
from flashmob.extensions import db
from flashmob.markdown import markdown_to_text
from flashmob.members.models import User
from flashmob.results import Outcome

# How often calendars are asked to look again; feeds may be cached as long.
REFRESH = ical.DEFAULT_REFRESH
ALL_CHAPTERS_NAME = f"{ical.SITE_NAME}: all chapters"
PERSONAL_NAME = f"My {ical.SITE_NAME} events"
GOOGLE_CALENDAR_URL = "https://calendar.google.com/calendar/render"


@dataclass(frozen=True)
class Feed:
    """One feed: what a calendar client is told about it, and how to load its events, which happens only
    when the calendar is built (not for a 304, nor when a built copy is in the cache)."""

    load: Callable[[], tuple[list[Event], frozenset[int]]]  # (events, ids of the tentative ones)
    name: str
    description: str
    timezone: str
    etag: str = ""
    last_modified: datetime | None = None
    refresh: timedelta = REFRESH

    @cached_property
    def _contents(self) -> tuple[list[Event], frozenset[int]]:
        return self.load()

    @property
    def events(self) -> list[Event]:
        return self._contents[0]

    @property
    def tentative_ids(self) -> frozenset[int]:
        return self._contents[1]


def _public_feed(chapter: Chapter | None, *, name, description, timezone, now) -> Feed:
    summary = db.session.execute(ical.feed_summary_query(chapter, now=now)).one()

    def load():
        return list(db.session.scalars(ical.feed_events_query(chapter, now=now))), frozenset()

    return Feed(
        load=load,
        name=name,
        description=description,
        timezone=timezone,
        etag=ical.summary_etag(summary, name=name, extra=(description, timezone)),
        last_modified=ical.http_moment([summary.events_changed, summary.chapters_changed]),
    )


def chapter_feed(chapter: Chapter, *, now: datetime | None = None) -> Feed:
    """A chapter's published and recently cancelled events: one aggregate query for the validators, one
    more for the events when the calendar is built."""
    return _public_feed(
        chapter,
        name=f"{ical.SITE_NAME} {chapter.name}",
        description=f"Evening meetups of the {chapter.name} chapter of {ical.SITE_NAME}, in {chapter.city}.",
        timezone=chapter.timezone,
        now=now,
    )


def all_chapters_feed(*, now: datetime | None = None) -> Feed:
    """Every chapter's published and recently cancelled events: as chapter_feed."""
    return _public_feed(
        None,
        name=ALL_CHAPTERS_NAME,
        description=f"Evening meetups of every {ical.SITE_NAME} chapter.",
        timezone=current_app.config["DEFAULT_TIMEZONE"],
        now=now,
    )


def personal_feed(user: User, *, now: datetime | None = None) -> Feed:
    """The events a member is going to, offered a seat at, waiting for or asking to join; all but
    a seat they hold are marked tentative (one query for the validators, one more to build it)."""
    summary = db.session.execute(ical.personal_feed_summary_query(user, now=now)).one()

    def load():
        rows = db.session.execute(ical.personal_feed_query(user, now=now)).all()
        tentative = frozenset(event.id for event, status in rows if status in ical.TENTATIVE_RSVP_STATUSES)
        return [event for event, _ in rows], tentative

    name = PERSONAL_NAME
    description = (
        f"The {ical.SITE_NAME} events you are going to. Where you are on the waiting list, "
        "or a seat is offered to you, the event is marked tentative."
    )
    timezone = current_app.config["DEFAULT_TIMEZONE"]
    return Feed(
        load=load,
        name=name,
        description=description,
        timezone=timezone,
        etag=ical.summary_etag(summary, name=name, extra=(description, timezone)),
        # Their latest answer moves Last-Modified even when it took an event out of the feed.
        last_modified=ical.http_moment(
            [summary.events_changed, summary.chapters_changed, summary.answers_changed]
        ),
    )


def event_file(event: Event) -> Feed:
    """One event, for its .ics file (no query)."""
    return Feed(
        load=lambda: ([event], frozenset()),
        name="",
        description="",
        timezone=event.timezone,
        etag=ical.feed_etag([event], extra=("", event.timezone)),
        last_modified=ical.feed_last_modified([event]),
    )


def member_for_calendar_token(token: str) -> User | None:
    """Whose personal feed this secret address is, if anyone's (one query on a unique column)."""
    if not token:
        return None
    return db.session.scalar(select(User).where(User.calendar_token == token))


@dataclass(frozen=True)
class CalendarAddress(Outcome):
    """A personal feed's new secret address: its token, and whether it replaced one (now dead)."""

    token: str
    replaced: bool


def reset_calendar_token(user: User, *, actor: User) -> CalendarAddress:
    """Give a member's personal feed a new secret address (their first, or a replacement: the old
    address stops working at once). Who may is permissions.can_reset_calendar_address, checked by
    the caller; `actor` is who did it."""
    replaced = bool(user.calendar_token)
    user.reset_calendar_token()
    db.session.flush()
    return CalendarAddress(token=user.calendar_token, replaced=replaced)


def webcal_url(url: str) -> str:
    """The same address as webcal://, which opens Apple Calendar or Outlook to subscribe."""
    for scheme in ("https://", "http://"):
        if url.startswith(scheme):
            return "webcal://" + url[len(scheme) :]
    return url


def google_calendar_url(event: Event, event_url: str) -> str | None:
    """A link that opens Google Calendar's "add event" form filled in; None once it is of no use
    (a draft, a cancelled event, one that has started)."""
    if not event.is_published or event.has_started:
        return None
    moment = "%Y%m%dT%H%M%SZ"
    location = ", ".join(part for part in (event.venue_name, event.venue_address) if part)
    details = ical.clean_text(markdown_to_text(event.description or ""))
    if len(details) > 500:  # the whole address must stay well under browsers' URL limits
        details = details[:500].rsplit(" ", 1)[0] + "…"
    query = {
        "action": "TEMPLATE",
        "text": ical.clean_text(event.title, one_line=True),
        "dates": f"{event.starts_at.strftime(moment)}/{event.ends_at.strftime(moment)}",
        "ctz": event.timezone,
        "details": f"{details}\n\n{event_url}".strip(),
        "location": ical.clean_text(location, one_line=True),
    }
    return f"{GOOGLE_CALENDAR_URL}?{urlencode(query)}"
