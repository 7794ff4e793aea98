"""The events blueprint: every part's pages register on it, so each endpoint is events.<name>."""

from flask import Blueprint

from flashmob.events.evenings.display import event_when

bp = Blueprint("events", __name__)
bp.add_app_template_filter(event_when, "event_when")

# Each part's views register their routes on `bp` when imported, so they come after it.
from flashmob.events.calendars import views as calendars_views  # noqa: E402, F401
from flashmob.events.chapters import views as chapters_views  # noqa: E402, F401
from flashmob.events.checkin import views as checkin_views  # noqa: E402, F401
from flashmob.events.covers import views as covers_views  # noqa: E402, F401
from flashmob.events.dashboard import views as dashboard_views  # noqa: E402, F401
from flashmob.events.evenings import views as evenings_views  # noqa: E402, F401
from flashmob.events.messaging import views as messaging_views  # noqa: E402, F401
from flashmob.events.rsvps import views as rsvps_views  # noqa: E402, F401
