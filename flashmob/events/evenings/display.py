"""How an event's time reads on a page, in the event's own zone: "Thu 7 May 2015, 18:30 to 21:00 BST"."""

from __future__ import annotations

from flashmob.events.models import Event

DAY = "%a %-d %b %Y"
TIME = "%H:%M"
EN_DASH = "\u2013"  # a range, as typographers write it


def event_place(event: Event) -> str:
    """Where the event is, in one line: the venue and its address, or that it is still to be announced."""
    return ", ".join(part for part in (event.venue_name, event.venue_address) if part) or "To be announced"


def event_when(event: Event) -> str:
    """The event's start and end as a person would say them, with the zone's abbreviation."""
    if event.date_tbc:
        # Its times are only a placeholder for ordering lists: say what the organisers said.
        return f"Date to be confirmed: {event.date_hint}" if event.date_hint else "Date to be confirmed"
    start, end = event.local_starts_at, event.local_ends_at
    start_zone, end_zone = start.strftime("%Z"), end.strftime("%Z")
    if start.date() != end.date():
        if start_zone == end_zone:
            return f"{start:{DAY}, {TIME}} {EN_DASH} {end:{DAY}, {TIME}} {end_zone}"
        return f"{start:{DAY}, {TIME}} {start_zone} {EN_DASH} {end:{DAY}, {TIME}} {end_zone}"
    if start_zone != end_zone:
        # The clocks change during the evening: say so rather than show a puzzling length.
        return f"{start:{DAY}, {TIME}} {start_zone} {EN_DASH} {end:{TIME}} {end_zone}"
    return f"{start:{DAY}, {TIME}}{EN_DASH}{end:{TIME}} {end_zone}"
