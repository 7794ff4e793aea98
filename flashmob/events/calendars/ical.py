"""Calendars from events: .ics files, chapter and personal feeds, and email invitations (pure functions)."""

from __future__ import annotations

import calendar as calendar_math
import functools
import hashlib
import logging
import re
from collections.abc import Callable, Collection, Iterable
from datetime import MAXYEAR, MINYEAR, UTC, datetime, timedelta
from email.utils import parseaddr
from zoneinfo import ZoneInfo

import icalendar
from icalendar import vCalAddress, vDuration, vText
from sqlalchemy import Select, case, func, select
from sqlalchemy.orm import aliased, joinedload

from flashmob.events.models import (
    ASKED_TO_COME,
    PUBLIC_EVENT_STATUSES,
    WAITING_STATUSES,
    Chapter,
    Event,
    Rsvp,
)
from flashmob.markdown import markdown_to_text
from flashmob.types import utcnow

PRODID = "-//PMO Flashmob//Flashmob//EN"
SITE_NAME = "PMO Flashmob"
# Past and cancelled events stay in feeds this long, so that calendars that already hold them
# update them (to CANCELLED, or to their final details) rather than silently dropping them.
FEED_KEEPS_PAST = timedelta(days=90)
DEFAULT_REFRESH = timedelta(hours=1)
# Part of every feed's ETag: raise it when this module's output changes, so caches refetch.
FORMAT_VERSION = "1"

logger = logging.getLogger(__name__)

STATUS_CONFIRMED = "CONFIRMED"
STATUS_TENTATIVE = "TENTATIVE"
STATUS_CANCELLED = "CANCELLED"
METHOD_REQUEST = "REQUEST"
METHOD_CANCEL = "CANCEL"

# A member's answers that put an event in their personal feed, and those shown there as tentative:
# a place in line, a seat offered but not yet claimed, a request waiting for an organiser.
PERSONAL_FEED_RSVP_STATUSES = ASKED_TO_COME
TENTATIVE_RSVP_STATUSES = frozenset(WAITING_STATUSES)

# C0 controls other than tab and line breaks, DEL, C1 controls, lone surrogates and the two
# non-characters: iCalendar (and XML) forbid them, and one of them breaks a whole feed in some clients.
_FORBIDDEN_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_LINE_BREAKS = re.compile(r"\r\n?")
_WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
# The years a VTIMEZONE can describe: each described year needs its neighbours worked out, and
# Python's dates run from year 1 to 9999. An event outside them is left out of a feed.
FIRST_DESCRIBABLE_YEAR = MINYEAR + 2
LAST_DESCRIBABLE_YEAR = MAXYEAR - 2
# At most this many years of one zone's changes in a calendar (a few milliseconds each). A feed
# holds events from FEED_KEEPS_PAST ago to services.EVENT_MAX_YEARS_AHEAD ahead, under ten years
# described, so only dates stored before they were checked come near it; past it, the events that
# would need more years are left out rather than slowing down every subscriber.
MAX_ZONE_YEARS = 40


def clean_text(value: str | None, *, one_line: bool = False) -> str:
    """Text that is safe in iCalendar: no control characters; with one_line, no line breaks either."""
    text = _FORBIDDEN_CHARACTERS.sub("", _LINE_BREAKS.sub("\n", value or ""))
    if one_line:
        text = " ".join(text.split())
    return text.strip()


def absolute_url(base_url: str, path: str) -> str:
    """base_url + path, unless path is already absolute."""
    if path.startswith(("http://", "https://")):
        return path
    return base_url.rstrip("/") + "/" + path.lstrip("/")


def _address(value: str) -> str:
    """The bare address from 'Name <addr@example.org>' or 'addr@example.org'."""
    address = parseaddr(clean_text(value, one_line=True))[1]
    if "@" not in address:
        raise ValueError(f"not an email address: {value!r}")
    return address


def _calendar_address(email: str, name: str, **params: str) -> vCalAddress:
    address = vCalAddress(f"mailto:{_address(email)}")
    name = clean_text(name, one_line=True)
    if name:
        address.params["CN"] = name
    for key, value in params.items():
        address.params[key.replace("_", "-").upper()] = value
    return address


def _location(event: Event) -> str:
    parts = (clean_text(event.venue_name, one_line=True), clean_text(event.venue_address, one_line=True))
    return ", ".join(part for part in parts if part)


def _description(event: Event, url: str) -> str:
    parts = []
    if event.is_cancelled:
        reason = clean_text(event.cancellation_reason)
        parts.append("This event has been cancelled." + (f"\n{reason}" if reason else ""))
    parts.append(clean_text(markdown_to_text(clean_text(event.description))))
    parts.append(url)
    return "\n\n".join(part for part in parts if part)


def _last_modified(event: Event) -> datetime:
    return (event.updated_at or event.created_at or utcnow()).astimezone(UTC).replace(microsecond=0)


def event_to_vevent(
    event: Event,
    *,
    base_url: str,
    path: str,
    organiser_email: str,
    organiser_name: str | None = None,
    status_override: str | None = None,
    dtstamp: datetime | None = None,
) -> icalendar.Event:
    """One event as a VEVENT, in its own time zone, for a feed, a file or an invitation.

    `path` is the event page's path (the view knows it; this module needs no request).
    `status_override` is TENTATIVE for someone on the waiting list; a cancelled event stays CANCELLED.
    `dtstamp` defaults to the event's last change: in an object without METHOD, RFC 5545 (3.8.7.2)
    makes DTSTAMP the last-modified time, and that keeps a feed's bytes the same until something
    changes. Invitations pass the moment the message is made, as iTIP (RFC 5546) wants.
    """
    url = absolute_url(base_url, path)
    modified = _last_modified(event)
    if event.is_cancelled:
        status = STATUS_CANCELLED
    elif status_override is not None:
        if status_override not in (STATUS_CONFIRMED, STATUS_TENTATIVE, STATUS_CANCELLED):
            raise ValueError(f"unknown event status {status_override!r}")
        status = status_override
    else:
        status = STATUS_CONFIRMED

    title = clean_text(event.title, one_line=True)
    if status == STATUS_CANCELLED:
        # Some clients keep a cancelled event on show without marking it: say so in the title too.
        title = f"Cancelled: {title}"

    vevent = icalendar.Event()
    vevent.add("uid", event.ical_uid)
    vevent.add("dtstamp", (dtstamp or modified).astimezone(UTC).replace(microsecond=0))
    vevent.add("created", (event.created_at or modified).astimezone(UTC).replace(microsecond=0))
    vevent.add("last-modified", modified)
    vevent.add("sequence", event.sequence or 0)
    vevent.add("dtstart", event.local_starts_at.replace(microsecond=0))
    vevent.add("dtend", event.local_ends_at.replace(microsecond=0))
    vevent.add("summary", vText(title))
    location = _location(event)
    if location:
        vevent.add("location", vText(location))
    vevent.add("description", vText(_description(event, url)))
    vevent.add("url", url)
    vevent.add(
        "organizer",
        _calendar_address(organiser_email, organiser_name or f"{SITE_NAME} {event.chapter.name}"),
    )
    vevent.add("status", status)
    vevent.add("class", "PUBLIC")
    # A cancelled event no longer blocks the evening; Outlook shows a tentative one hatched.
    vevent.add("transp", "TRANSPARENT" if status == STATUS_CANCELLED else "OPAQUE")
    busy = {STATUS_CANCELLED: "FREE", STATUS_TENTATIVE: "TENTATIVE"}.get(status, "BUSY")
    vevent.add("x-microsoft-cdo-busystatus", busy)
    return vevent


# Time zones


def _offset(zone: ZoneInfo, moment: datetime) -> timedelta:
    return moment.astimezone(zone).utcoffset() or timedelta(0)


@functools.lru_cache(maxsize=2048)
def _changes(zone: ZoneInfo, year: int) -> tuple[dict, ...]:
    """Each change of UTC offset in a year, with the wall-clock time it happens at (before the change).

    Remembered: finding them takes a few milliseconds, and every invitation and feed asks again for
    the same zones and years (callers must not change the dicts)."""
    found = []
    day = datetime(year, 1, 1, tzinfo=UTC)
    offset = _offset(zone, day)
    while day.year == year:
        following = day + timedelta(days=1)
        new_offset = _offset(zone, following)
        if new_offset != offset:
            low, high = 0, 86400  # seconds into the day: the old offset at low, the new one at high
            while high - low > 1:
                middle = (low + high) // 2
                if _offset(zone, day + timedelta(seconds=middle)) == offset:
                    low = middle
                else:
                    high = middle
            instant = day + timedelta(seconds=high)
            found.append(
                {
                    "onset": (instant + offset).replace(tzinfo=None),
                    "before": offset,
                    "after": new_offset,
                    "name": instant.astimezone(zone).tzname() or "",
                }
            )
        day, offset = following, new_offset
    return tuple(found)


def _weeks(onset: datetime) -> set[int]:
    """Which BYDAY week numbers describe this day: 2 for the second Sunday, -1 for the last one."""
    days_in_month = calendar_math.monthrange(onset.year, onset.month)[1]
    return {(onset.day - 1) // 7 + 1} | ({-1} if onset.day + 7 > days_in_month else set())


def _yearly_rules(changes_by_year: list[list[dict]]) -> list[dict] | None:
    """The changes as yearly rules ("last Sunday of March at 01:00") if the same rules hold every
    year; None if they do not."""
    def key(change):
        onset = change["onset"]
        return (onset.month, onset.weekday(), onset.time(), change["before"], change["after"], change["name"])

    first, *others = changes_by_year
    rules = [dict(change, weeks=_weeks(change["onset"])) for change in first]
    for changes in others:
        if [key(change) for change in changes] != [key(rule) for rule in rules]:
            return None
        for rule, change in zip(rules, changes, strict=True):
            rule["weeks"] &= _weeks(change["onset"])
            if not rule["weeks"]:
                return None
    return rules


def _observance(change: dict) -> icalendar.TimezoneStandard | icalendar.TimezoneDaylight:
    # Summer time is the later clock, whatever the zone calls it (Dublin's winter time is its "DST").
    daylight = change["after"] > change["before"]
    observance = icalendar.TimezoneDaylight() if daylight else icalendar.TimezoneStandard()
    observance.add("dtstart", change["onset"])
    observance.add("tzoffsetfrom", change["before"])
    observance.add("tzoffsetto", change["after"])
    observance.add("tzname", change["name"])
    return observance


def described_years(years: Iterable[int]) -> list[int]:
    """The years a VTIMEZONE describes for events in `years`: each one, the one before (so that the
    winter before an event is described too) and the one after; years nobody's event is in, not."""
    return sorted({year + step for year in years for step in (-1, 0, 1)})


def _check_describable(tzid: str, years: list[int]) -> None:
    if not years:
        raise ValueError(f"no years to describe {tzid} for")
    if years[0] < FIRST_DESCRIBABLE_YEAR - 1 or years[-1] > LAST_DESCRIBABLE_YEAR + 1:
        raise ValueError(f"{tzid} cannot be described in the years {years[0]} to {years[-1]}")
    if len(years) > MAX_ZONE_YEARS:
        raise ValueError(f"{tzid} would need {len(years)} years described; at most {MAX_ZONE_YEARS}")


def vtimezone(tzid: str, first_year: int, last_year: int) -> icalendar.Timezone:
    """A VTIMEZONE for tzid, correct for every moment from first_year to last_year (see
    vtimezone_for_years)."""
    return vtimezone_for_years(tzid, range(first_year, last_year + 1))


def vtimezone_for_years(tzid: str, years: Iterable[int]) -> icalendar.Timezone:
    """A VTIMEZONE for tzid, correct for every moment in the given years.

    Written with yearly RRULEs where the zone's rules allow, as Google and Outlook write them:
    Outlook misreads VTIMEZONEs made of RDATE lists and shifts summer events by an hour. Zones
    whose changes follow no weekday rule (Morocco's) get one RDATE per change instead. (icalendar's
    Timezone.from_tzinfo does that too, but misses some of Morocco's changes.)

    Only the years asked for (and their neighbours, see described_years) are worked out, so the cost
    follows the number of events, not the span of their dates; ValueError for more than
    MAX_ZONE_YEARS of them, or for years outside FIRST_DESCRIBABLE_YEAR to LAST_DESCRIBABLE_YEAR.
    A rule is checked only in those years: in the others nobody's event needs it to hold.
    """
    zone = ZoneInfo(tzid)
    years = described_years(years)
    _check_describable(tzid, years)
    changes_by_year = [_changes(zone, year) for year in years]
    timezone = icalendar.Timezone()
    timezone.add("tzid", tzid)
    rules = _yearly_rules(changes_by_year)
    if rules:
        for rule in rules:
            observance = _observance(rule)
            week = -1 if -1 in rule["weeks"] else min(rule["weeks"])
            byday = f"{week}{_WEEKDAYS[rule['onset'].weekday()]}"
            observance.add("rrule", {"FREQ": "YEARLY", "BYMONTH": rule["onset"].month, "BYDAY": byday})
            timezone.add_component(observance)
        return timezone
    # No rule: the offset in force at the start, then each change as it comes.
    start = datetime(years[0], 1, 1, tzinfo=UTC)
    offset = _offset(zone, start)
    name = start.astimezone(zone).tzname() or ""
    timezone.add_component(
        _observance({"onset": start.replace(tzinfo=None), "before": offset, "after": offset, "name": name})
    )
    grouped: dict[tuple, list[datetime]] = {}
    previous_year = years[0]
    for year, changes in zip(years, changes_by_year, strict=True):
        if year > previous_year + 1:
            # After years left out, the offset may not be the one the last change described: say it
            # again on 1 January (no event is near: that is the winter before an event's year).
            moment = datetime(year, 1, 1, tzinfo=UTC)
            actual = _offset(zone, moment)
            if actual != offset:
                restart = {
                    "onset": (moment + offset).replace(tzinfo=None),
                    "before": offset,
                    "after": actual,
                    "name": moment.astimezone(zone).tzname() or "",
                }
                changes = (restart, *changes)
        for change in changes:
            key = (change["before"], change["after"], change["name"])
            grouped.setdefault(key, []).append(change["onset"])
            offset = change["after"]
        previous_year = year
    for (before, after, name), onsets in grouped.items():
        observance = _observance({"onset": onsets[0], "before": before, "after": after, "name": name})
        for onset in onsets[1:]:
            observance.add("rdate", onset)
        timezone.add_component(observance)
    return timezone


def _event_years(event: Event) -> set[int]:
    """The years of an event's wall-clock start and end; ValueError for years no VTIMEZONE can
    describe, OverflowError for a moment that has no wall-clock time in its zone."""
    years = {event.local_starts_at.year, event.local_ends_at.year}
    if min(years) < FIRST_DESCRIBABLE_YEAR or max(years) > LAST_DESCRIBABLE_YEAR:
        raise ValueError(f"event {event.id} is in {sorted(years)}: a calendar cannot describe that year")
    return years


def _tzids(vevent: icalendar.Event) -> set[str]:
    """The time zones a VEVENT's times name (none for UTC, which needs no VTIMEZONE)."""
    return {
        str(vevent[prop].params["TZID"])
        for prop in ("DTSTART", "DTEND")
        if prop in vevent and "TZID" in vevent[prop].params
    }


def _add_timezones(calendar: icalendar.Calendar, events: Iterable[Event], fallback_tzid: str) -> None:
    """One VTIMEZONE for each TZID used, before the events that use it."""
    years: dict[str, set[int]] = {}
    for event in events:
        years.setdefault(event.timezone, set()).update(_event_years(event))
    used = calendar.get_used_tzids() - {"UTC"}
    if not calendar.walk("VEVENT"):
        # RFC 5545 wants at least one component; an empty feed carries its chapter's zone.
        used, years = {fallback_tzid}, {fallback_tzid: {utcnow().year}}
    for index, tzid in enumerate(sorted(used)):
        calendar.subcomponents.insert(index, vtimezone_for_years(tzid, years[tzid]))


# Whole calendars


def _new_calendar(method: str | None = None) -> icalendar.Calendar:
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if method:
        calendar.add("method", method)
    return calendar


def build_feed(
    events: Iterable[Event],
    *,
    name: str,
    description: str,
    base_url: str,
    url_for_event: Callable[[Event], str],
    organiser_email: str,
    tentative_ids: Collection[int] = (),
    refresh: timedelta = DEFAULT_REFRESH,
    timezone: str = "Europe/London",
) -> bytes:
    """A subscribable feed: the given events (callers pass only what the viewer may see).

    `url_for_event(event)` gives the event page's path (or full URL). Events whose id is in
    `tentative_ids` (a member's waiting list) are marked TENTATIVE. `timezone` is the zone to
    describe when the feed is empty. An event whose entry or time zone cannot be written is left
    out and logged with its id; the others are served.

    No METHOD: a subscription is published data, not a message to act on. Google, Apple and Outlook
    subscribe to feeds with or without METHOD:PUBLISH (their own exports carry it), but without it
    RFC 5545 (3.8.7.2) reads DTSTAMP as the event's last change, so a feed's bytes stay the same until
    an event changes and ETags and caches work; with a METHOD, DTSTAMP would be the moment of serving.
    """
    events = list(events)
    calendar = _new_calendar()
    name = clean_text(name, one_line=True)
    description = clean_text(description)
    # NAME and DESCRIPTION are RFC 7986; the X-WR- forms are what Apple, Google and Outlook read.
    calendar.add("name", vText(name))
    calendar.add("x-wr-calname", vText(name))
    if description:
        calendar.add("description", vText(description))
        calendar.add("x-wr-caldesc", vText(description))
    # How often to look again: RFC 7986's REFRESH-INTERVAL, and Outlook's and Apple's X-PUBLISHED-TTL.
    calendar.add("refresh-interval", vDuration(refresh), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", vDuration(refresh))
    entries: list[tuple[Event, icalendar.Event, set[str]]] = []
    years: dict[str, set[int]] = {}
    for event in events:
        # One event that cannot be written (a date stored before dates were checked, say) is left
        # out: everybody else's calendar still updates, and the log says which event to fix.
        try:
            vevent = event_to_vevent(
                event,
                base_url=base_url,
                path=url_for_event(event),
                organiser_email=organiser_email,
                status_override=STATUS_TENTATIVE if event.id in tentative_ids else None,
            )
            tzids = _tzids(vevent)
            event_years = _event_years(event)
            for tzid in tzids:
                _check_describable(tzid, described_years(years.get(tzid, set()) | event_years))
        except Exception:
            logger.exception(
                "calendar: event %s left out of the feed %r: it could not be written", event.id, name
            )
            continue
        for tzid in tzids:
            years.setdefault(tzid, set()).update(event_years)
        entries.append((event, vevent, tzids))
    zones: dict[str, icalendar.Timezone] = {}
    for tzid in sorted(years):
        try:
            zones[tzid] = vtimezone_for_years(tzid, years[tzid])
        except Exception:
            left_out = [event.id for event, _, tzids in entries if tzid in tzids]
            logger.exception(
                "calendar: events %s left out of the feed %r: their time zone %s could not be written",
                left_out,
                name,
                tzid,
            )
    entries = [entry for entry in entries if entry[2] <= set(zones)]
    if not entries:
        # RFC 5545 wants at least one component; an empty feed carries its chapter's zone.
        zones = {timezone: vtimezone_for_years(timezone, [utcnow().year])}
    for tzid in sorted(zones):
        calendar.add_component(zones[tzid])
    for _, vevent, _ in entries:
        calendar.add_component(vevent)
    return calendar.to_ical()


def build_event_file(event: Event, *, base_url: str, path: str, organiser_email: str) -> bytes:
    """One event as a .ics file to open or download: no calendar name, so clients add the event to a
    calendar the person already has instead of making a new calendar for it."""
    calendar = _new_calendar()
    calendar.add_component(
        event_to_vevent(event, base_url=base_url, path=path, organiser_email=organiser_email)
    )
    _add_timezones(calendar, [event], event.timezone)
    return calendar.to_ical()


def build_invitation(
    event: Event,
    *,
    base_url: str,
    path: str,
    attendee_email: str,
    attendee_name: str,
    method: str,
    organiser_email: str,
    tentative: bool = False,
    now: datetime | None = None,
) -> bytes:
    """An invitation for one recipient that their calendar acts on (iTIP, RFC 5546).

    REQUEST adds or updates the event (tentative for someone on the waiting list); CANCEL takes it
    out. Calendars only accept a change with a higher SEQUENCE than the copy they hold, so for a
    cancellation the caller raises event.sequence first (services.cancel_event does) and passes
    the event as it now is. Attach it as `text/calendar; method=<METHOD>`.
    """
    method = method.upper()
    if method not in (METHOD_REQUEST, METHOD_CANCEL):
        raise ValueError(f"unknown invitation method {method!r}")
    moment = (now or utcnow()).astimezone(UTC)
    if method == METHOD_CANCEL:
        status = STATUS_CANCELLED
    else:
        status = STATUS_TENTATIVE if tentative else STATUS_CONFIRMED
    vevent = event_to_vevent(
        event,
        base_url=base_url,
        path=path,
        organiser_email=organiser_email,
        status_override=status,
        dtstamp=moment,
    )
    vevent.add(
        "attendee",
        _calendar_address(
            attendee_email,
            attendee_name,
            cutype="INDIVIDUAL",
            role="REQ-PARTICIPANT",
            partstat="TENTATIVE" if tentative else "ACCEPTED",
            rsvp="FALSE",  # answers go through the site, not by calendar reply
        ),
    )
    calendar = _new_calendar(method)
    calendar.add_component(vevent)
    _add_timezones(calendar, [event], event.timezone)
    return calendar.to_ical()


# Which events, and whether anything changed


def _feed_window(chapter=None, *, now: datetime | None = None) -> list:
    since = (now or utcnow()) - FEED_KEEPS_PAST
    where = [Event.status.in_(PUBLIC_EVENT_STATUSES), Event.starts_at >= since, Event.date_tbc.is_(False)]
    if chapter is not None:
        where.append(Event.chapter_id == chapter.id)
    return where


def feed_events_query(chapter=None, *, now: datetime | None = None) -> Select[tuple[Event]]:
    """The events a public feed carries: published ones from FEED_KEEPS_PAST ago onwards, and
    cancelled ones in the same window so that calendars mark them; drafts never, nor a save-the-date
    until its date is set (its times are only a placeholder).

    Filters on (status, starts_at), or (chapter_id, starts_at) for a chapter: both are indexed.
    """
    return (
        select(Event)
        .where(*_feed_window(chapter, now=now))
        .options(joinedload(Event.chapter))
        .order_by(Event.starts_at, Event.id)
    )


def _personal_window(user, *, now: datetime | None = None) -> list:
    return [
        Rsvp.user_id == user.id,
        Rsvp.status.in_(PERSONAL_FEED_RSVP_STATUSES),
        *_feed_window(now=now),
    ]


def personal_feed_query(user, *, now: datetime | None = None) -> Select[tuple[Event, str]]:
    """(event, RSVP status) for each event a member is going to, offered a seat at, waiting for or
    asking to join, in the same window as feed_events_query. Pass the events to build_feed, with
    tentative_ids = the ids whose RSVP status is in TENTATIVE_RSVP_STATUSES."""
    return (
        select(Event, Rsvp.status)
        .join(Rsvp, Rsvp.event_id == Event.id)
        .where(*_personal_window(user, now=now))
        .options(joinedload(Event.chapter))
        .order_by(Event.starts_at, Event.id)
    )


def _summary_columns() -> list:
    # What tells one set of a feed's events from another without reading them: which events (how many, and
    # the sum of their ids: one leaving as another joins moves it), what changed last (every change to an
    # event or its chapter moves its updated_at), and their sequence numbers.
    return [
        func.count(Event.id).label("events"),
        func.coalesce(func.sum(Event.id), 0).label("id_sum"),
        func.coalesce(func.sum(Event.sequence), 0).label("sequence_sum"),
        func.max(Event.updated_at).label("events_changed"),
        func.max(Chapter.updated_at).label("chapters_changed"),
    ]


def feed_summary_query(chapter=None, *, now: datetime | None = None) -> Select:
    """One row summing up a public feed's events, for its ETag and Last-Modified (see feed_summary)."""
    return select(*_summary_columns()).join(Event.chapter).where(*_feed_window(chapter, now=now))


def personal_feed_summary_query(user, *, now: datetime | None = None) -> Select:
    """One row summing up a personal feed: as feed_summary_query, with which events are tentative (the sum
    of their ids) and the latest change to any of the member's answers (even one that took an event out)."""
    tentative = case((Rsvp.status.in_(TENTATIVE_RSVP_STATUSES), Event.id), else_=0)
    answers = aliased(Rsvp)
    latest_answer = select(func.max(answers.updated_at)).where(answers.user_id == user.id).scalar_subquery()
    return (
        select(
            *_summary_columns(),
            latest_answer.label("answers_changed"),
            func.coalesce(func.sum(tentative), 0).label("tentative_id_sum"),
        )
        .select_from(Event)
        .join(Event.chapter)
        .join(Rsvp, Rsvp.event_id == Event.id)
        .where(*_personal_window(user, now=now))
    )


def summary_etag(summary: Iterable, *, name: str = "", extra: Iterable = ()) -> str:
    """An ETag for a feed from a row of its summary query (see feed_etag for what it must change with)."""
    digest = hashlib.sha256()
    for part in ("summary", FORMAT_VERSION, name, *extra, *summary):
        digest.update(repr(part).encode() + b"\x1f")
    return digest.hexdigest()[:32]


def http_moment(moments: Iterable[datetime | None]) -> datetime | None:
    """The latest of the moments, to whole seconds as HTTP dates have them; None when there is none."""
    known = [moment for moment in moments if moment]
    if not known:
        return None
    return max(known).astimezone(UTC).replace(microsecond=0)


def feed_etag(
    events: Iterable[Event], *, name: str = "", tentative_ids: Collection[int] = (), extra: Iterable = ()
) -> str:
    """An ETag for a feed, from what its bytes depend on, without building it.

    Changes when an event joins or leaves the feed, or changes (updated_at, sequence, status), or
    its chapter is renamed, or a member's tentative events change. Pass anything else the view
    puts into the feed (its description, say) as `extra`. Send it weak (W/): the same events
    give the same meaning, not necessarily the same bytes across versions of icalendar.
    """
    digest = hashlib.sha256()
    for part in (FORMAT_VERSION, name, *sorted(tentative_ids), *extra):
        digest.update(repr(part).encode() + b"\x1f")
    for event in events:
        fields = (event.id, event.ical_uid, event.sequence, event.status, event.updated_at)
        fields += (event.chapter.name,)
        digest.update(repr(fields).encode() + b"\x1e")
    return digest.hexdigest()[:32]


def feed_last_modified(events: Iterable[Event], *, also: Iterable[datetime | None] = ()) -> datetime | None:
    """The latest change among the events (and `also`: a member's RSVP changes, say), to whole seconds
    as HTTP dates have them; None for an empty feed. Weaker than the ETag: an event that leaves the
    feed does not move it, so answer If-None-Match first (RFC 9110 says to, when both are sent)."""
    moments = [event.updated_at for event in events] + [moment for moment in also if moment]
    if not moments:
        return None
    return max(moments).astimezone(UTC).replace(microsecond=0)
