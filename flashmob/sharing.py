"""What a shared link shows: OpenGraph and Twitter-card tags, and schema.org data for search engines.

Pages that are worth sharing (an evening, a lesson, a write-up) build a SharePreview here; the base
template's `sharing` block writes it out with templates/_macros/sharing.html. The facts are plain text:
the templates escape them, and the structured data goes out through `tojson`, which escapes `<`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import current_app

from flashmob.markdown import markdown_to_text
from flashmob.urls import public_url

# Link previews show about two lines; search engines about 160 characters.
DESCRIPTION_LENGTH = 200


@dataclass(frozen=True)
class SharePreview:
    title: str
    description: str
    url: str
    # OpenGraph's type: "website" for a page, "article" for a write-up or a lesson.
    kind: str = "website"
    structured_data: dict | None = field(default=None)


def shorten(text: str, length: int = DESCRIPTION_LENGTH) -> str:
    """At most `length` characters, cut at a word with an ellipsis."""
    text = " ".join(text.split())
    if len(text) <= length:
        return text
    return text[: length - 1].rsplit(" ", 1)[0].rstrip(",.;:") + "…"


def writeup_preview(writeup) -> SharePreview:
    """A write-up as a link preview: what an evening learnt, its first lessons as the description."""
    event = writeup.event
    statements = "; ".join(lesson.statement for lesson in writeup.lessons[:3])
    intro = markdown_to_text(writeup.introduction)
    return SharePreview(
        title=f"What we learnt: {event.title}",
        description=shorten(statements or intro or f"{event.chapter.name}, {event.title}"),
        url=public_url("discussions.writeup", writeup_id=writeup.id),
        kind="article",
    )


def lesson_preview(lesson) -> SharePreview:
    """A lesson as a link preview: the lesson itself, and where it was learnt."""
    event = lesson.writeup.event
    body = markdown_to_text(lesson.body)
    where = f"Learnt at {event.title}, {event.chapter.name}."
    return SharePreview(
        title=lesson.statement,
        description=shorten(f"{body} {where}" if body else where),
        url=public_url("discussions.lesson", lesson_id=lesson.id),
        kind="article",
    )


def event_preview(event) -> SharePreview:
    """An evening as a link preview, and as a schema.org Event (left out while its date is unknown)."""
    from flashmob.events.evenings.display import event_when

    url = public_url("events.detail", event_id=event.id)
    summary = markdown_to_text(event.description)
    when = event_when(event)
    description = shorten(" ".join(part for part in (f"{when}.", f"{event.chapter.name}.", summary) if part))
    title = f"{event.title} (cancelled)" if event.is_cancelled else event.title
    structured = None
    if not event.date_tbc:
        structured = {
            "@context": "https://schema.org",
            "@type": "Event",
            "name": event.title,
            "description": shorten(summary, 500) if summary else event.title,
            "startDate": event.local_starts_at.isoformat(),
            "endDate": event.local_ends_at.isoformat(),
            "eventStatus": "https://schema.org/EventCancelled"
            if event.is_cancelled
            else "https://schema.org/EventScheduled",
            "eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode",
            "location": {
                "@type": "Place",
                "name": event.venue_name or event.chapter.city,
                "address": event.venue_address or event.chapter.city,
            },
            "organizer": {
                "@type": "Organization",
                "name": f"{current_app.config['SITE_NAME']} {event.chapter.name}",
                "url": public_url("events.chapter", slug=event.chapter.slug),
            },
            "url": url,
        }
    return SharePreview(title=title, description=description, url=url, structured_data=structured)
