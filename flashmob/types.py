"""Column types shared by the models, and what forms and services read from them (column_length)."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum

from sqlalchemy import DateTime, String
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator):
    """A moment in time, stored as UTC and always read back as an aware UTC datetime.

    SQLite keeps no time zone and PostgreSQL keeps one; this type makes both behave alike,
    and refuses naive datetimes so that a local time can never be stored by mistake.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("UTCDateTime needs an aware datetime; got a naive one")
        value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def utcnow() -> datetime:
    """The current moment, in UTC."""
    return datetime.now(UTC)


class StrEnumType(TypeDecorator):
    """A vocabulary (a StrEnum) stored as its plain string, and read back as the enum's member.

    The column stays a VARCHAR of `length`, so the schema does not change; the database's CHECK
    constraint keeps out anything else. Writing a string the enum does not know fails before the query.
    """

    impl = String
    cache_ok = True

    def __init__(self, enum_cls: type[StrEnum], length: int):
        super().__init__(length)
        self.enum_cls = enum_cls
        self.length = length

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        return self.enum_cls(value).value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return self.enum_cls(value)


def column_length(attribute) -> int:
    """The length a model's string column holds (`column_length(Event.title)` is 140): the one place a
    text limit is declared, read by forms and services alike."""
    return attribute.property.columns[0].type.length
