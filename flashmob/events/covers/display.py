"""Which cover a page or a card shows, from what lists already load (cover_version), never the bytes.

An event's own cover; else its chapter's; else the chapter's drawn default (default_svg), so that no
page or card shows a broken or missing picture.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from xml.sax.saxutils import escape

from flask import url_for

from flashmob.events.covers.services import CARD, WIDE
from flashmob.events.models import Chapter, Event


@dataclass(frozen=True)
class CoverImage:
    src: str  # the wide size, for a page's header
    card_src: str  # the small size, for a card
    is_default: bool  # the drawn default, not an uploaded picture
    width: int = WIDE[0]
    height: int = WIDE[1]
    card_width: int = CARD[0]
    card_height: int = CARD[1]


def chapter_cover(chapter: Chapter) -> CoverImage:
    if chapter.cover_version is None:
        return CoverImage(
            src=url_for("events.default_cover", slug=chapter.slug, size="wide"),
            card_src=url_for("events.default_cover", slug=chapter.slug, size="card"),
            is_default=True,
        )
    address = {"slug": chapter.slug, "version": chapter.cover_version}
    return CoverImage(
        src=url_for("events.chapter_cover", size="wide", **address),
        card_src=url_for("events.chapter_cover", size="card", **address),
        is_default=False,
    )


def event_cover(event: Event) -> CoverImage:
    if event.cover_version is None:
        return chapter_cover(event.chapter)
    address = {"event_id": event.id, "version": event.cover_version}
    return CoverImage(
        src=url_for("events.event_cover", size="wide", **address),
        card_src=url_for("events.event_cover", size="card", **address),
        is_default=False,
    )


def _hue(name: str) -> int:
    """A hue fixed by the name, so a chapter keeps its colour from page to page and day to day."""
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:2], "big") % 360


# The drawn card is a strip (cards show a band of their cover), so its initial fits the band.
DRAWN_SHAPES = {"wide": (WIDE, 0.5), "card": ((1600, 400), 0.42)}


def default_svg(chapter: Chapter, size: str = "wide") -> str:
    """A calm picture for a chapter without a cover: a diagonal gradient and two soft rings in colours
    fixed by its name, with its initial. Decorative: pages put the name in text beside it."""
    hue = _hue(chapter.name)
    second = (hue + 40) % 360
    initial = escape(chapter.name.strip()[:1].upper() or "?")
    (width, height), letter = DRAWN_SHAPES[size]
    return f"""<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" \
height="{height}" preserveAspectRatio="xMidYMid slice" aria-hidden="true">
<defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1">
<stop offset="0" stop-color="hsl({hue}, 55%, 30%)"/><stop offset="1" stop-color="hsl({second}, 60%, 52%)"/>
</linearGradient></defs>
<rect width="{width}" height="{height}" fill="url(#g)"/>
<circle cx="{width * 0.82:.0f}" cy="{height * 0.2:.0f}" r="{height * 0.55:.0f}" fill="none" stroke="#fff" \
stroke-opacity="0.14" stroke-width="60"/>
<circle cx="{width * 0.12:.0f}" cy="{height * 0.95:.0f}" r="{height * 0.4:.0f}" fill="#fff" \
fill-opacity="0.08"/>
<text x="{width * 0.5:.0f}" y="{height * 0.5:.0f}" dy="0.35em" text-anchor="middle" \
font-family="Georgia, 'Times New Roman', serif" font-size="{height * letter:.0f}" fill="#fff" \
fill-opacity="0.85">{initial}</text>
</svg>
"""
