"""What services hand back: small frozen dataclasses that say what happened, for views to word and an API
to serialise (to_dict)."""

from __future__ import annotations

from dataclasses import fields
from datetime import datetime
from enum import Enum

from flashmob.extensions import db


class Outcome:
    """A service's result. Subclasses are frozen dataclasses; to_dict() gives plain values: enums as their
    strings, moments as ISO 8601, and a model (an RSVP, an event) as its id."""

    def to_dict(self) -> dict:
        return {item.name: _plain(getattr(self, item.name)) for item in fields(self)}


def _plain(value):
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, db.Model):
        return value.id
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return value
