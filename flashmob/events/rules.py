"""What chapters and events check alike: the error a broken rule raises, text lengths, time zones."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from flashmob.timezones import is_place_zone
from flashmob.types import column_length


class RuleError(Exception):
    """A request that breaks a rule; `field` names the form field the message belongs to, if any."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


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
