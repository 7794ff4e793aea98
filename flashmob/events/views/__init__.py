"""The events blueprint: chapter and event pages, RSVPs, check-in and calendar feeds, one module each."""

from flask import Blueprint

from flashmob.events.display import event_when

bp = Blueprint("events", __name__)
bp.add_app_template_filter(event_when, "event_when")

# The route modules register themselves on `bp` when imported.
from flashmob.events.views import pages  # noqa: E402, F401
from flashmob.events.views import feeds  # noqa: E402, F401
from flashmob.events.views import messages  # noqa: E402, F401
from flashmob.events.views import checkin  # noqa: E402, F401
from flashmob.events.views import rsvps  # noqa: E402, F401
from flashmob.events.views import save_the_date  # noqa: E402, F401
