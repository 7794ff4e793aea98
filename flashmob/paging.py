"""Keyset paging: a list ordered by (a moment, an id) is paged by the last row's key (?after=), never by
OFFSET, so the hundredth page costs what the first does and a row added meanwhile moves nothing.

The key keeps the moment to the microsecond, so it compares exactly; ties on the moment are broken by the
id, so a page boundary between equal moments skips nothing and repeats nothing.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Select, and_, or_

from flashmob.extensions import db
from flashmob.routing import MAX_ID

# "," since keys were shared; "-" as the lessons archive wrote its keys before, so its old links still work.
_KEY = re.compile(r"^(\d{20})[,-](\d{1,10})$")
KEY_FORMAT = "%Y%m%d%H%M%S%f"


@dataclass(frozen=True)
class Key:
    """Where a page stopped: the last row's moment and id, written "<20 digits>,<id>" in an address."""

    moment: datetime
    row_id: int

    def __str__(self) -> str:
        return f"{self.moment.astimezone(UTC).strftime(KEY_FORMAT)},{self.row_id}"

    @classmethod
    def parse(cls, raw: str | None) -> Key | None:
        """The key in ?after=, or None when there is none; ValueError when it is not one of ours."""
        if not raw:
            return None
        match = _KEY.match(raw)
        if not match or int(match.group(2)) > MAX_ID:
            raise ValueError(raw)
        moment = datetime.strptime(match.group(1), KEY_FORMAT).replace(tzinfo=UTC)
        return cls(moment, int(match.group(2)))


@dataclass(frozen=True)
class KeyPage:
    rows: list
    # Where the next page starts, or None on the last page.
    next_key: Key | None
    is_first: bool


def page_by_key(
    query: Select,
    *,
    moment,
    row_id,
    after: Key | None,
    size: int,
    newest_first: bool,
    key_of: Callable[[Any], tuple[datetime, int]],
    ties_lowest_id_first: bool | None = None,
) -> KeyPage:
    """One page of `query` after the key, in one query; `key_of(row)` gives a row's (moment, id).

    The query is already ordered by `moment` (descending when `newest_first`), then by `row_id`: the same way
    as the moment unless `ties_lowest_id_first` says otherwise.
    """
    if after is not None:
        query = query.where(after_key(moment, row_id, after, newest_first, ties_lowest_id_first))
    rows: Sequence = list(db.session.scalars(query.limit(size + 1)))
    return page_of(rows, size=size, after=after, key_of=key_of)


def after_key(moment, row_id, after: Key, newest_first: bool, ties_lowest_id_first: bool | None = None):
    """The condition "comes after the key" in a list ordered by (moment, id)."""
    if ties_lowest_id_first is None:
        ties_lowest_id_first = not newest_first
    later_moment = moment < after.moment if newest_first else moment > after.moment
    later_id = row_id > after.row_id if ties_lowest_id_first else row_id < after.row_id
    return or_(later_moment, and_(moment == after.moment, later_id))


def page_of(
    rows: Sequence, *, size: int, after: Key | None, key_of: Callable[[Any], tuple[datetime, int]]
) -> KeyPage:
    """The page from up to size + 1 rows read after the key: the extra row only says there is more."""
    next_key = None
    if len(rows) > size:
        rows = rows[:size]
        next_key = Key(*key_of(rows[-1]))
    return KeyPage(list(rows), next_key, is_first=after is None)
