"""The discussions blueprint: write-ups, the lessons archive and threads register on it."""

from flask import Blueprint

bp = Blueprint("discussions", __name__)

# Each part's views register their routes on `bp` when imported, so they come after it (one line each).
from flashmob.discussions.archive import views as archive_views  # noqa: E402, F401
from flashmob.discussions.threads import views as threads_views  # noqa: E402, F401
from flashmob.discussions.writeups import views as writeups_views  # noqa: E402, F401
