"""The WSGI entry point: `gunicorn wsgi:app`, `flask --app wsgi ...`."""

from config import ConfigError
from flashmob import create_app

try:
    app = create_app()
except ConfigError as exc:
    # One line that says what to fix, instead of a traceback.
    raise SystemExit(f"Flashmob cannot start: {exc}") from None
