"""Rules that permissions and services share, each written once: text lengths, time zones, and why a
chapter or an event cannot be joined, published or cancelled now.

A state rule answers with the reason, or None: the service raises its error with that message, and the
permission predicate turns it into errors.Refused, so a page hides the button and a stale press of it
is told the same thing.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from flashmob.errors import RuleError
from flashmob.timezones import is_place_zone
from flashmob.types import column_length

if TYPE_CHECKING:
    from flashmob.events.models import Chapter, Event
    from flashmob.members.models import User


# An evening, or a long day of them; for more, add one event per day.
EVENT_MAX_LENGTH = timedelta(hours=24)
# How long before its end any evening starts, in UTC too (EVENT_MAX_LENGTH is wall-clock time, which a
# clock change stretches by an hour; a day's margin costs nothing). Asking for evenings not yet over with
# this bound on starts_at lets the database range-scan the starts_at index instead of every past evening.
LONGEST_IN_UTC = EVENT_MAX_LENGTH + timedelta(days=1)


def check_length(value: str, column, error: type[RuleError]) -> str:
    """The value, or `error` at the column's field when it is longer than the column holds."""
    limit = column_length(column)
    if len(value) > limit:
        raise error(f"Please keep this to {limit} characters or fewer.", field=column.key)
    return value


def zone_or_error(name: str, error: type[RuleError]) -> ZoneInfo:
    """The zone with that IANA name if it is a real place (flashmob.timezones), or a rule error on the
    time zone field."""
    if not is_place_zone(name):
        raise error(f"{name!r} is not a time zone we know.", field="timezone")
    return ZoneInfo(name)


def join_problem(user: User, chapter: Chapter) -> str | None:
    """Why this person cannot join the chapter, or None."""
    if chapter.is_archived:
        return f"{chapter.name} is archived: it takes no new members."
    if user.is_member_of(chapter.id):
        return f"You are already a member of {chapter.name}."
    return None


def publish_problem(event: Event) -> str | None:
    """Why the event cannot be published, whatever its date, or None: only a draft can be.

    (A draft whose start has passed is refused by the service, which knows the date being saved.)
    """
    if event.is_published:
        return "This event is already published."
    if event.is_cancelled:
        return "This event was cancelled and cannot be published again."
    return chapter_closed_problem(event.chapter)


def chapter_closed_problem(chapter: Chapter) -> str | None:
    """Why the chapter announces nothing new, or None: an archived chapter has no new events."""
    if chapter.is_archived:
        return f"{chapter.name} is archived: a site admin must restore it before it has new events."
    return None


def cancellation_problem(event: Event, now: datetime) -> str | None:
    """Why the event cannot be called off at `now`, or None: only a published event that has not ended can."""
    if event.is_cancelled:
        return "This event is already cancelled."
    if event.is_draft:
        return "A draft has not been announced, so there is nothing to cancel."
    if event.has_ended_by(now):
        return "This event has already taken place, so it cannot be cancelled."
    return None
