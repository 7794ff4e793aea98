"""The events blueprint: chapter and event pages, RSVPs, check-in, messages and feeds, one module each."""

from flask import Blueprint

from flashmob.events.display import event_when

bp = Blueprint("events", __name__)
bp.add_app_template_filter(event_when, "event_when")

# The route modules register themselves on `bp` when imported, so they come after it.
from flashmob.events.views import (  # noqa: E402, F401
    checkin,
    feeds,
    messages,
    pages,
    rsvps,
    save_the_date,
)
