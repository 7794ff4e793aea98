"""What an address may carry: ids the database can hold, path text without control characters, page numbers.

The converters replace Werkzeug's `int`, `string` and `path` app-wide, so every route, today's and
tomorrow's, answers 404 to an id past what a primary key holds or a NUL in a path segment, instead of
handing them to the database (PostgreSQL refuses both with an error, SQLite overflows on big ids).
"""

from __future__ import annotations

import re

from flask import Flask, abort, request
from werkzeug.routing import IntegerConverter, PathConverter, UnicodeConverter, ValidationError

from flashmob.forms import has_control_characters

# Primary keys are 32-bit signed integers on both databases.
MAX_ID = 2**31 - 1
# Further than anyone pages through a list; a bigger number would overflow the query's OFFSET.
MAX_PAGE = 10_000
# No path segment has a reason to hold any C0 control character (tab and line feed included) or DEL.
_PATH_CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")


class IdConverter(IntegerConverter):
    """`<int:...>`: a whole number from 0 to MAX_ID; anything bigger is no row of ours, so 404."""

    def __init__(self, map, fixed_digits=0, min=None, max=MAX_ID, signed=False):
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)

    def to_python(self, value: str) -> int:
        # Checked before int(): a 5,000-digit number costs more to convert than to refuse.
        if len(value.lstrip("-0")) > len(str(MAX_ID)):
            raise ValidationError()
        return super().to_python(value)


class TextConverter(UnicodeConverter):
    """`<name>` and `<string:name>`: one path segment, without control characters."""

    def to_python(self, value: str) -> str:
        if _PATH_CONTROL_CHARACTERS.search(value):
            raise ValidationError()
        return value


class TextPathConverter(PathConverter):
    """`<path:name>`: like the default, without control characters."""

    def to_python(self, value: str) -> str:
        if _PATH_CONTROL_CHARACTERS.search(value):
            raise ValidationError()
        return value


CONVERTERS = {
    "default": TextConverter,
    "string": TextConverter,
    "path": TextPathConverter,
    "int": IdConverter,
}


def register_routing(app: Flask) -> None:
    """Use the converters above for every route registered from now on, and check query strings."""
    app.url_map.converters.update(CONVERTERS)
    app.before_request(refuse_control_characters_in_query)


def refuse_control_characters_in_query() -> None:
    """A 400 for a query string carrying NUL or another control character, before any view reads it."""
    for key, value in request.args.items(multi=True):
        if has_control_characters(key) or has_control_characters(value):
            abort(400)


def requested_page() -> int:
    """The ?page= number asked for: 1 when none is given, 404 for anything but a page we could show."""
    raw = request.args.get("page")
    if raw is None:
        return 1
    if not (raw.isascii() and raw.isdigit()) or len(raw) > len(str(MAX_PAGE)):
        abort(404)
    page = int(raw)
    if not 1 <= page <= MAX_PAGE:
        abort(404)
    return page
