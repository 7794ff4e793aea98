"""What a URL names, loaded or 404: a chapter by its address, an event (a draft only for who may see it)."""

from __future__ import annotations

from flask import abort
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from flashmob.events.models import Chapter, Event
from flashmob.events.permissions import can_view_event
from flashmob.extensions import db


def load_chapter(slug: str) -> Chapter:
    """The chapter at this address, or 404."""
    return db.first_or_404(select(Chapter).where(Chapter.slug == slug))


def load_event(event_id: int) -> Event:
    """The event, or 404 for anyone who may not see it: a draft's existence is not revealed."""
    event = db.first_or_404(select(Event).where(Event.id == event_id).options(joinedload(Event.chapter)))
    if not can_view_event(current_user, event):
        abort(404)
    return event
