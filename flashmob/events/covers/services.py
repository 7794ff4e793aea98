"""Covers as plain functions: an upload made into the two sizes, kept, replaced, removed and found.

The image rules (formats, 5 MB, decompression bombs, metadata dropped) are flashmob.images's, the same as
for profile pictures. A cover is wide (2:1): the full size heads its page, the card size sits on cards.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, select

from flashmob.events.models import Chapter, CoverPicture, Event
from flashmob.extensions import db
from flashmob.images import ProcessedPicture, decode_picture, fitted_webp
from flashmob.types import utcnow

WIDE = (1600, 800)
CARD = (640, 320)
SIZES = {"wide": WIDE, "card": CARD}
FIELD = "cover"


@dataclass(frozen=True)
class ProcessedCover:
    wide: ProcessedPicture
    card: ProcessedPicture


def process_cover(data: bytes) -> ProcessedCover:
    """Both sizes of a cover from an uploaded JPEG, PNG, WebP or GIF, cropped to 2:1 about its centre.

    Raises images.PictureError (at the cover field) for anything that is not a picture we can use.
    """
    image = decode_picture(data, FIELD)
    return ProcessedCover(wide=fitted_webp(image, *WIDE), card=fitted_webp(image, *CARD))


def _owner_column(owner: Chapter | Event):
    return CoverPicture.chapter_id if isinstance(owner, Chapter) else CoverPicture.event_id


def set_cover(owner: Chapter | Event, cover: ProcessedCover) -> None:
    """Keep a checked cover as the chapter's or event's, with a new address so browsers fetch it."""
    column = _owner_column(owner)
    stored = db.session.scalar(select(CoverPicture).where(column == owner.id))
    if stored is None:
        stored = CoverPicture(**{column.key: owner.id})
        db.session.add(stored)
    stored.content_type = cover.wide.content_type
    stored.wide = cover.wide.data
    stored.card = cover.card.data
    stored.updated_at = utcnow()
    owner.cover_version = (owner.cover_version or 0) + 1
    db.session.flush()


def remove_cover(owner: Chapter | Event) -> bool:
    """Remove the cover (the chapter's, or the drawn default, shows instead); False if there was none."""
    had = owner.cover_version is not None
    db.session.execute(delete(CoverPicture).where(_owner_column(owner) == owner.id))
    owner.cover_version = None
    db.session.flush()
    return had


def stored_cover(owner: Chapter | Event, version: int) -> CoverPicture | None:
    """The stored cover at this version, or None when the address is stale or there is none."""
    if owner.cover_version != version:
        return None
    return db.session.scalar(select(CoverPicture).where(_owner_column(owner) == owner.id))
