"""The time zones a chapter or an event may be in: real places, by their IANA names, and UTC."""

from __future__ import annotations

from functools import cache
from zoneinfo import available_timezones

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
