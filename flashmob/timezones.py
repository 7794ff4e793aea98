"""The time zones a chapter or an event may be in: real places, by their IANA names, and UTC."""

from __future__ import annotations

from datetime import datetime
from functools import cache
from zoneinfo import ZoneInfo, available_timezones

# A place's zone (Europe/London) is what people recognise and what calendar apps expect. The zone
# database holds more that is no place: "localtime" (whatever the server's clock says), "Factory",
# "posixrules", the posix/ and right/ copies, "EST5EDT", "Etc/GMT+5" and old aliases like "US/Eastern".
PLACE_REGIONS = frozenset(
    ("Africa", "America", "Antarctica", "Arctic", "Asia", "Atlantic", "Australia", "Europe", "Indian",
     "Pacific")
)
UTC = "UTC"


@cache
def place_zones() -> frozenset[str]:
    """Every zone named after a place, and UTC."""
    return frozenset(
        name for name in available_timezones() if name == UTC or name.split("/", 1)[0] in PLACE_REGIONS
    )


def is_place_zone(name: object) -> bool:
    """Whether a chapter or an event may use this zone name."""
    return isinstance(name, str) and name in place_zones()


# The zones most chapters are in, offered first so that nobody scrolls through hundreds of names.
COMMON_ZONES = (
    "Europe/London",
    "Europe/Dublin",
    "Europe/Lisbon",
    "Europe/Paris",
    "Europe/Berlin",
    "Europe/Madrid",
    "Europe/Amsterdam",
    "Europe/Stockholm",
    "Europe/Warsaw",
    "Europe/Athens",
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Los_Angeles",
    "America/Toronto",
    "America/Sao_Paulo",
    "Africa/Lagos",
    "Africa/Johannesburg",
    "Asia/Kolkata",
    "Asia/Singapore",
    "Asia/Tokyo",
    "Australia/Sydney",
    "Pacific/Auckland",
    UTC,
)
# Mid-January and mid-July: a place's winter and summer clocks, whichever hemisphere it is in.
_SUMMER_AND_WINTER = tuple(datetime(2026, month, 15, 12, tzinfo=ZoneInfo(UTC)) for month in (1, 7))


def region(name: str) -> str:
    """The part of the world a zone is in: "Europe" for Europe/London; UTC stands alone."""
    return name.split("/", 1)[0] if "/" in name else "Other"


@cache
def zone_label(name: str) -> str:
    """How a person reads a zone: "London (GMT/BST)", "Buenos Aires, Argentina", "UTC".

    The place comes first so that typing its name in a list finds it; the clock's letters follow
    when the zone database has them (many places only have an offset like "+03", left out).
    """
    if "/" not in name:
        return name
    parts = name.split("/")[1:]
    place = ", ".join(part.replace("_", " ") for part in reversed(parts))
    zone = ZoneInfo(name)
    letters: list[str] = []
    for moment in _SUMMER_AND_WINTER:
        abbreviation = moment.astimezone(zone).tzname() or ""
        if abbreviation.isalpha() and abbreviation not in letters:
            letters.append(abbreviation)
    return f"{place} ({'/'.join(letters)})" if letters else place
