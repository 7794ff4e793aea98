"""Tags: the words members and lessons share ("risk registers", "benefits realisation").

One table for every use, so that a member's expertise, their interests and a lesson's themes meet:
"you both work on benefits reporting" is the same tag on a profile and on a lesson. A tag is kept as
first typed; its key (lower-cased, spaces folded) makes "Benefits Realisation" and "benefits  realisation"
one tag.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import String, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from flashmob.errors import RuleError
from flashmob.extensions import db
from flashmob.text import slugify
from flashmob.types import UTCDateTime, column_length, utcnow

# A tag is a few words, not a sentence; a profile or a lesson carries a handful.
MAX_TAGS_PER_LIST = 12
_SPACES = re.compile(r"\s+")


class TagError(RuleError):
    """A tag or a list of tags cannot be used that way."""

    status = 422


class Tag(db.Model):
    """A word or two that members and lessons share."""

    __tablename__ = "tags"

    id: Mapped[int] = mapped_column(primary_key=True)
    # As first typed, for showing: "Benefits realisation".
    name: Mapped[str] = mapped_column(String(40))
    # For matching: "benefits realisation". Unique, so one idea is one tag.
    key: Mapped[str] = mapped_column(String(40), unique=True)
    # For addresses: "benefits-realisation" (a theme page, a directory filter). Unique like the key.
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<Tag {self.key!r}>"


def tag_key(name: str) -> str:
    """The form two spellings of one tag share: NFKC, lower-cased, spaces folded, ends trimmed."""
    return _SPACES.sub(" ", unicodedata.normalize("NFKC", name)).strip().casefold()


def parse_tag_list(text: str) -> list[str]:
    """Tag names from what someone typed: comma- or line-separated, each cleaned, duplicates dropped.

    Raises TagError for a name too long or a list too long, with a message for the field.
    """
    limit = column_length(Tag.name)
    names: list[str] = []
    seen: set[str] = set()
    for part in re.split(r"[,\n;]", text or ""):
        name = _SPACES.sub(" ", unicodedata.normalize("NFKC", part)).strip()
        if not name:
            continue
        if len(name) > limit:
            raise TagError(f"Please keep each tag to {limit} characters or fewer: {name[:limit]}…")
        if not slugify(name):
            raise TagError(f"Please use letters (A to Z) or digits in each tag: {name!r} has none.")
        if tag_key(name) not in seen:
            seen.add(tag_key(name))
            names.append(name)
    if len(names) > MAX_TAGS_PER_LIST:
        raise TagError(f"Please choose at most {MAX_TAGS_PER_LIST} tags.")
    return names


def tags_named(names: Iterable[str]) -> list[Tag]:
    """The tags with these names, made where missing, in the order given (two queries, plus one insert
    per new tag). Safe when two requests add the same new tag at once: the second finds the first's."""
    names = list(names)
    keys = [tag_key(name) for name in names]
    found = {tag.key: tag for tag in db.session.scalars(select(Tag).where(Tag.key.in_(keys)))} if keys else {}
    for name, key in zip(names, keys, strict=True):
        if key in found:
            continue
        tag = Tag(name=name, key=key, slug=_free_slug(name))
        try:
            with db.session.begin_nested():
                db.session.add(tag)
        except IntegrityError:
            # Someone made the same tag a moment ago: use theirs.
            tag = db.session.scalar(select(Tag).where(Tag.key == key))
            if tag is None:
                raise
        found[key] = tag
    return [found[key] for key in keys]


def _free_slug(name: str) -> str:
    """An address for a new tag: its slug, or with a number when two keys make the same slug."""
    base = slugify(name)[:50] or "tag"
    taken = set(db.session.scalars(select(Tag.slug).where(Tag.slug.like(f"{base}%"))))
    if base not in taken:
        return base
    number = 2
    while f"{base}-{number}" in taken:
        number += 1
    return f"{base}-{number}"


def tag_for_slug(slug: str) -> Tag | None:
    """The tag at this address, if any (one query on a unique column)."""
    return db.session.scalar(select(Tag).where(Tag.slug == slug))


def tag_names_like(prefix: str, *, limit: int = 20) -> list[str]:
    """Tag names starting with what someone has typed so far, for suggestions (one query)."""
    key = tag_key(prefix)
    query = select(Tag.name).order_by(func.lower(Tag.name)).limit(limit)
    if key:
        query = query.where(Tag.key.startswith(key, autoescape=True))
    return list(db.session.scalars(query))
