"""Atom feeds of published write-ups (RFC 4287): pure functions from write-ups to XML text.

Ids are tag: URIs (RFC 4151) built from the site's host name and the write-up's id, so they never change
when a title or an address does; an entry's `updated` is when the write-up was last edited.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import UTC, datetime
from urllib.parse import urlsplit
from xml.sax.saxutils import escape, quoteattr

from flask import current_app
from werkzeug.routing import BuildError

from flashmob.discussions.models import Writeup
from flashmob.markdown import render_markdown
from flashmob.urls import public_url

# The year in every tag: URI. Fixed: changing it would change every id.
TAG_YEAR = "2026"
# An empty feed still says when it was updated (RFC 4287 requires it): a fixed moment, so it never changes.
EPOCH = datetime(2026, 1, 1, tzinfo=UTC)


def tag_uri(specific: str) -> str:
    host = urlsplit(current_app.config["BASE_URL"]).hostname or "localhost"
    return f"tag:{host},{TAG_YEAR}:{specific}"


def _when(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def writeup_public_url(writeup: Writeup) -> str:
    """The write-up's page (discussions.writeup once the write-up pages define it), else its evening's."""
    try:
        return public_url("discussions.writeup", writeup_id=writeup.id)
    except BuildError:
        return public_url("events.detail", event_id=writeup.event_id)


def _content(writeup: Writeup) -> str:
    lessons = "".join(f"<li>{escape(lesson.statement)}</li>" for lesson in writeup.lessons)
    intro = str(render_markdown(writeup.introduction)) if writeup.introduction else ""
    return intro + (f"<h2>What we learnt</h2><ul>{lessons}</ul>" if lessons else "")


def writeups_feed(writeups: list[Writeup], *, title: str, self_url: str, page_url: str, feed_id: str) -> str:
    """An Atom feed of these write-ups (loaded with their evening, chapter and lessons)."""
    updated = max((w.edited_at for w in writeups), default=EPOCH)
    site = current_app.config["SITE_NAME"]
    lines = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en-GB">',
        f"  <title>{escape(title)}</title>",
        f"  <id>{escape(feed_id)}</id>",
        f"  <updated>{_when(updated)}</updated>",
        f'  <link rel="self" type="application/atom+xml" href={quoteattr(self_url)}/>',
        f'  <link rel="alternate" type="text/html" href={quoteattr(page_url)}/>',
        f"  <author><name>{escape(site)}</name></author>",
    ]
    for writeup in writeups:
        event = writeup.event
        statements = [lesson.statement for lesson in writeup.lessons]
        summary = "; ".join(statements[:3]) + ("…" if len(statements) > 3 else "")
        lines += [
            "  <entry>",
            f"    <title>{escape(f'What we learnt: {event.title} ({event.chapter.name})')}</title>",
            f"    <id>{escape(tag_uri(f'writeup-{writeup.id}'))}</id>",
            f'    <link rel="alternate" type="text/html" href={quoteattr(writeup_public_url(writeup))}/>',
            f"    <published>{_when(writeup.published_at or writeup.edited_at)}</published>",
            f"    <updated>{_when(writeup.edited_at)}</updated>",
            f"    <author><name>{escape(f'{site} {event.chapter.name}')}</name></author>",
            f"    <category term={quoteattr(event.chapter.slug)} label={quoteattr(event.chapter.name)}/>",
            f"    <summary>{escape(summary or event.title)}</summary>",
            f'    <content type="html">{escape(_content(writeup))}</content>',
            "  </entry>",
        ]
    lines.append("</feed>")
    return "\n".join(lines) + "\n"


def summary_etag(summary: Iterable, *parts: str) -> str:
    """A feed's ETag from the summary of its write-ups (queries.published_writeups_summary) and the rest of
    what its bytes say (title, addresses, the site's name)."""
    digest = hashlib.sha256()
    for part in (*parts, *summary):
        digest.update(repr(part).encode() + b"\x1f")
    return digest.hexdigest()[:32]


def summary_last_modified(summary: tuple) -> datetime | None:
    """The latest change the summary names, to whole seconds as HTTP dates have them; None for no write-up."""
    moments = [moment for moment in summary[2:] if moment]
    return max(moments).astimezone(UTC).replace(microsecond=0) if moments else None
