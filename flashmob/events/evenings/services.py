"""The rules for events: their times, and creating, changing, publishing and cancelling them."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app

from flashmob.errors import RuleError
from flashmob.events.evenings import interests
from flashmob.events.evenings.display import event_place, event_when
from flashmob.events.messaging import emails
from flashmob.events.models import Chapter, Event, EventStatus, Rsvp, new_ical_uid
from flashmob.events.rsvps import services as rsvps
from flashmob.events.rules import (
    EVENT_MAX_LENGTH,
    cancellation_problem,
    chapter_closed_problem,
    check_length,
    publish_problem,
    zone_or_error,
)
from flashmob.extensions import db
from flashmob.members.models import User
from flashmob.results import Outcome
from flashmob.types import utcnow

MAX_CAPACITY = 100_000
# A freed seat is offered rather than given at most a month ahead, and held for at most a week.
DEFAULT_OFFER_WINDOW_HOURS = 48
DEFAULT_OFFER_HOLD_HOURS = 4
MAX_OFFER_WINDOW_HOURS = 24 * 30
MAX_OFFER_HOLD_HOURS = 24 * 7
# When an event may be: not before the network began (London's first evening was in May 2013), at
# most EVENT_MAX_YEARS_AHEAD from today, and for at most EVENT_MAX_LENGTH. Dates outside are typos
# (2062 for 2026), and each year an event reaches costs every calendar feed that carries it.
# Wall-clock times in the event's zone; editing an event keeps to the same range, past or not.
EARLIEST_EVENT_START = datetime(2013, 1, 1)
EVENT_MAX_YEARS_AHEAD = 5
_PAST_START = "The start is in the past. Please choose a time still to come."
_END_BEFORE_START = "The end must be after the start."
_TOO_LONG = (
    f"An event can last at most {EVENT_MAX_LENGTH.total_seconds() / 3600:g} hours. "
    "For a longer one, add an event for each day."
)


class EventError(RuleError):
    """An event cannot be created or changed that way."""


# Time zones


def local_to_utc(local: datetime, zone: ZoneInfo) -> datetime | None:
    """The UTC moment of a wall-clock time in a zone; None if clocks skip that time.

    In the hour clocks go forward (a DST gap) the time never happens on the wall, so we ask
    rather than guess. In the hour clocks go back (a fold) it happens twice: we take the first.
    Raises OverflowError for a time whose UTC moment no calendar has (1 January of year 1 east
    of UTC, 31 December 9999 west of it).
    """
    naive = local.replace(tzinfo=None, fold=0, second=0, microsecond=0)
    try:
        moment = naive.replace(tzinfo=zone).astimezone(UTC)
        back = moment.astimezone(zone).replace(tzinfo=None)
    except (OverflowError, ValueError) as exc:
        raise OverflowError(f"{naive} in {zone.key} is outside the calendar") from exc
    if back != naive:
        return None
    return moment


def utc_to_local(moment: datetime, zone_name: str) -> datetime | None:
    """A UTC moment as a naive wall-clock time in a zone, as a datetime-local field shows it; None
    for a moment that has no wall-clock time there (a year-1 date west of UTC, stored before dates
    were checked), so that the event can be opened and given a real date."""
    try:
        return moment.astimezone(ZoneInfo(zone_name)).replace(tzinfo=None)
    except (OverflowError, ValueError):
        return None


# Events


def _check_chapter_open(chapter: Chapter) -> None:
    problem = chapter_closed_problem(chapter)
    if problem:
        raise EventError(problem)


@dataclass
class EventDetails:
    """What an organiser says about an event; times are wall-clock times in `timezone`."""

    title: str
    # Either may be None when the date is not fixed yet (date_tbc).
    starts_at: datetime | None
    ends_at: datetime | None
    timezone: str
    venue_name: str = ""
    venue_address: str = ""
    description: str = ""
    capacity: int | None = None
    requires_approval: bool = False
    offer_window_hours: int = DEFAULT_OFFER_WINDOW_HOURS
    offer_hold_hours: int = DEFAULT_OFFER_HOLD_HOURS
    # A save-the-date: the day is not fixed yet, and date_hint says roughly when ("July 2026").
    date_tbc: bool = False
    date_hint: str = ""


# A save-the-date given no provisional date is placed this far ahead in lists, at PROVISIONAL_START.
PROVISIONAL_AHEAD = timedelta(weeks=8)
PROVISIONAL_START = time(18, 0)
PROVISIONAL_LENGTH = timedelta(hours=3)


def _provisional_details(details: EventDetails, now: datetime) -> EventDetails:
    """A save-the-date's placeholder times: those given, else PROVISIONAL_AHEAD from now, local time."""
    starts_at = details.starts_at
    if starts_at is None:
        day = now.astimezone(zone_or_error(details.timezone, EventError)).date() + PROVISIONAL_AHEAD
        starts_at = datetime.combine(day, PROVISIONAL_START)
    ends_at = details.ends_at if details.ends_at is not None else starts_at + PROVISIONAL_LENGTH
    return replace(details, starts_at=starts_at, ends_at=ends_at)


def latest_event_start(now: datetime, zone: ZoneInfo) -> datetime:
    """The latest wall-clock start an event may have: EVENT_MAX_YEARS_AHEAD from today, in its zone."""
    today = now.astimezone(zone).date()
    try:
        limit = today.replace(year=today.year + EVENT_MAX_YEARS_AHEAD)
    except ValueError:  # 29 February, in a year that has none
        limit = today.replace(year=today.year + EVENT_MAX_YEARS_AHEAD, day=28)
    return datetime.combine(limit, time.max)


def _check_start_in_range(local_start: datetime, zone: ZoneInfo, *, is_new: bool, now: datetime) -> None:
    """Refuse a start outside the years events can have, before any arithmetic on it: far dates
    overflow when converted (year 1 east of UTC, 9999 west of it)."""
    if local_start < EARLIEST_EVENT_START:
        if is_new:
            raise EventError(_PAST_START, field="starts_at")
        raise EventError(
            f"Please choose a start in {EARLIEST_EVENT_START.year} or later, when the network began.",
            field="starts_at",
        )
    latest = latest_event_start(now, zone)
    if local_start > latest:
        raise EventError(
            f"Please choose a start by {latest:%-d %B %Y}: "
            f"events can be planned up to {EVENT_MAX_YEARS_AHEAD} years ahead.",
            field="starts_at",
        )


def _utc_or_error(local: datetime, zone: ZoneInfo, field: str, out_of_range: str) -> datetime:
    """The UTC moment of a wall-clock time, or a rule error on its field."""
    try:
        moment = local_to_utc(local, zone)
    except OverflowError:
        raise EventError(out_of_range, field=field) from None
    if moment is None:
        raise EventError(
            f"That time does not exist in {zone.key}: the clocks go forward then. "
            "Please choose another time.",
            field=field,
        )
    return moment


def _checked_times(
    details: EventDetails,
    *,
    is_new: bool,
    now: datetime,
    keep: tuple[datetime, datetime] | None = None,
) -> tuple[datetime, datetime]:
    """The start and end in UTC, after the rules every event's times must follow.

    When the date is not fixed yet the times may be left out: then `keep` (the event's present
    placeholder) stays, or a new placeholder is made. When it is fixed, both are required.
    """
    if details.date_tbc:
        if details.starts_at is None and keep is not None:
            return keep
        details = _provisional_details(details, now)
    elif details.starts_at is None:
        raise EventError("Please say when the event starts.", field="starts_at")
    elif details.ends_at is None:
        raise EventError("Please say when the event ends.", field="ends_at")
    zone = zone_or_error(details.timezone, EventError)
    _check_start_in_range(details.starts_at, zone, is_new=is_new, now=now)
    starts_at = _utc_or_error(
        details.starts_at, zone, "starts_at", "Please choose a start within the years events can have."
    )
    # An end so far from a start in range that it has no UTC moment breaks one of the rules below.
    end_out_of_range = _TOO_LONG if details.ends_at > details.starts_at else _END_BEFORE_START
    ends_at = _utc_or_error(details.ends_at, zone, "ends_at", end_out_of_range)
    if is_new and starts_at <= now:
        raise EventError(_PAST_START, field="starts_at")
    if ends_at <= starts_at:
        raise EventError(_END_BEFORE_START, field="ends_at")
    if ends_at - starts_at > EVENT_MAX_LENGTH:
        raise EventError(_TOO_LONG, field="ends_at")
    return starts_at, ends_at


def _checked_details(details: EventDetails) -> EventDetails:
    title = details.title.strip()
    if not title:
        raise EventError("Please give the event a title.", field="title")
    if details.capacity is not None and details.capacity < 1:
        raise EventError("Capacity must be at least 1, or left empty for no limit.", field="capacity")
    if details.capacity is not None and details.capacity > MAX_CAPACITY:
        raise EventError(f"Capacity can be at most {MAX_CAPACITY:,}.", field="capacity")
    check_length(title, Event.title, EventError)
    check_length(details.venue_name.strip(), Event.venue_name, EventError)
    check_length(details.venue_address.strip(), Event.venue_address, EventError)
    date_hint = " ".join(details.date_hint.split()) if details.date_tbc else ""
    if details.date_tbc and not date_hint:
        raise EventError(
            'Please say roughly when, for example "July 2026" or "Summer 2026".', field="date_hint"
        )
    check_length(date_hint, Event.date_hint, EventError)
    if not 0 <= details.offer_window_hours <= MAX_OFFER_WINDOW_HOURS:
        raise EventError(
            f"Please give a whole number of hours from 0 to {MAX_OFFER_WINDOW_HOURS}.",
            field="offer_window_hours",
        )
    if not 1 <= details.offer_hold_hours <= MAX_OFFER_HOLD_HOURS:
        raise EventError(
            f"Please give a whole number of hours from 1 to {MAX_OFFER_HOLD_HOURS}.", field="offer_hold_hours"
        )
    return EventDetails(
        title=title,
        starts_at=details.starts_at,
        ends_at=details.ends_at,
        timezone=details.timezone,
        venue_name=details.venue_name.strip(),
        venue_address=details.venue_address.strip(),
        description=details.description.strip(),
        capacity=details.capacity,
        requires_approval=details.requires_approval,
        offer_window_hours=details.offer_window_hours,
        offer_hold_hours=details.offer_hold_hours,
        date_tbc=details.date_tbc,
        date_hint=date_hint,
    )


def create_event(
    chapter: Chapter,
    details: EventDetails,
    *,
    actor: User,
    publish: bool = False,
    now: datetime | None = None,
) -> Event:
    """Add an event to a chapter, as a draft or published at once."""
    now = now or utcnow()
    _check_chapter_open(chapter)
    details = _checked_details(details)
    starts_at, ends_at = _checked_times(details, is_new=True, now=now)
    event = Event(
        chapter=chapter,
        title=details.title,
        starts_at=starts_at,
        ends_at=ends_at,
        timezone=details.timezone,
        venue_name=details.venue_name,
        venue_address=details.venue_address,
        description=details.description,
        capacity=details.capacity,
        requires_approval=details.requires_approval,
        offer_window_hours=details.offer_window_hours,
        offer_hold_hours=details.offer_hold_hours,
        date_tbc=details.date_tbc,
        date_hint=details.date_hint,
        status=EventStatus.PUBLISHED if publish else EventStatus.DRAFT,
        published_at=now if publish else None,
        created_by=actor,
        ical_uid=new_ical_uid(current_app.config["ICAL_DOMAIN"]),
    )
    db.session.add(event)
    db.session.flush()
    if publish:
        emails.announce_event(event, publisher=actor)
    return event


@dataclass(frozen=True)
class EventUpdate(Outcome):
    """What changing an event did."""

    event: Event
    # Its time or place changed (calendars update), and how many emails told the people concerned.
    moved: bool
    told: int
    # A save-the-date got its date, and how many of the members waiting to hear were emailed.
    date_set: bool
    announced: int
    # Who got a seat or an offer from a larger capacity.
    seated: tuple[Rsvp, ...] = ()


def _as_told(event: Event) -> dict[str, str]:
    """The event's time and place as a change email words them."""
    try:
        when = event_when(event)
    except (OverflowError, ValueError):  # a date stored before dates were bounded, that no zone can show
        when = "No valid date"
    return {"When": when, "Where": event_place(event)}


def update_event(
    event: Event, details: EventDetails, *, actor: User, now: datetime | None = None
) -> EventUpdate:
    """Change an event's details; a new time or place raises its sequence so calendars update."""
    now = now or utcnow()
    details = _checked_details(details)
    if details.date_tbc and not event.date_tbc and not event.is_draft:
        raise EventError(
            "This event was announced with its date, so it cannot go back to a date to be confirmed. "
            "Change its date, or cancel it and announce a new one.",
            field="date_tbc",
        )
    # Setting a save-the-date's date: the new date must be still to come, as for a new event.
    date_set = event.date_tbc and not details.date_tbc
    starts_at, ends_at = _checked_times(
        details, is_new=date_set, now=now, keep=(event.starts_at, event.ends_at)
    )
    moved = (
        starts_at != event.starts_at
        or ends_at != event.ends_at
        or details.timezone != event.timezone
        or details.venue_name != event.venue_name
        or details.venue_address != event.venue_address
    )
    # What people are told changed, in words, as it read before and after ("When", "Where").
    before = _as_told(event)
    event.title = details.title
    event.starts_at = starts_at
    event.ends_at = ends_at
    event.timezone = details.timezone
    event.venue_name = details.venue_name
    event.venue_address = details.venue_address
    event.description = details.description
    event.date_tbc = details.date_tbc
    event.date_hint = details.date_hint
    event.requires_approval = details.requires_approval
    event.offer_window_hours = details.offer_window_hours
    event.offer_hold_hours = details.offer_hold_hours
    if moved:
        event.sequence += 1
    db.session.flush()
    told = announced = 0
    seated: tuple[Rsvp, ...] = ()
    if moved and event.is_published:
        # Everyone with a seat, an offer, a place in line or a request hears, with the new invitation.
        after = _as_told(event)
        changes = [
            {"what": what, "before": before[what], "after": after[what]}
            for what in before
            if before[what] != after[what]
        ]
        told = emails.tell_event_changed(event, changes)
    if details.capacity != event.capacity:
        # Through the RSVP rules: never below the seats held, and new seats go to the waitlist at once.
        try:
            seated = rsvps.set_capacity(event, details.capacity, actor=actor, now=now).seated
        except rsvps.RsvpError as exc:
            raise EventError(str(exc), field="capacity") from None
    if date_set:
        # The members who asked to be told hear now, in this same transaction.
        announced = interests.announce_date(event, now=now)
    return EventUpdate(
        event=event, moved=moved, told=told, date_set=date_set, announced=announced, seated=seated
    )


@dataclass(frozen=True)
class EventPublication(Outcome):
    """What publishing did: the event, and how many of its chapter's members are being told of it."""

    event: Event
    announced: int


def publish_event(event: Event, *, actor: User, now: datetime | None = None) -> EventPublication:
    """Show a draft to everyone, and tell the chapter's members (one job the mail worker expands)."""
    now = now or utcnow()
    problem = publish_problem(event)
    if problem:
        raise EventError(problem)
    if not event.date_tbc and event.starts_at <= now:
        raise EventError("This event's start time has passed. Change its date before publishing it.")
    event.status = EventStatus.PUBLISHED
    event.published_at = now
    db.session.flush()
    return EventPublication(event=event, announced=emails.announce_event(event, publisher=actor))


@dataclass(frozen=True)
class EventCancellation(Outcome):
    """What calling an event off did: how many people concerned were emailed, and how many members
    waiting for a save-the-date's date were told there will be none."""

    event: Event
    told: int
    told_no_date: int


def cancel_event(
    event: Event, *, actor: User, reason: str = "", now: datetime | None = None
) -> EventCancellation:
    """Call an event off; it stays visible, marked cancelled, and calendars are told."""
    now = now or utcnow()
    problem = cancellation_problem(event, now)
    if problem:
        raise EventError(problem)
    event.status = EventStatus.CANCELLED
    event.cancelled_at = now
    event.cancellation_reason = reason.strip()
    event.sequence += 1
    db.session.flush()
    # METHOD:CANCEL at the raised sequence, so the event leaves people's calendars.
    told = emails.tell_event_cancelled(event)
    # A save-the-date: the members waiting to hear its date hear that there will be none.
    told_no_date = interests.tell_date_cancelled(event, now=now)
    return EventCancellation(event=event, told=told, told_no_date=told_no_date)
