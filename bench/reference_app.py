"""The two references of the production benchmark, served by the same gunicorn settings as the app:

- /bare: a Flask route returning a short string (what Flask and gunicorn cost on this machine);
- /rows: a minimal page listing 20 rows from one query through one template, on the same database.

`gunicorn -c gunicorn.conf.py bench.reference_app:app` with FLASHMOB_DATABASE_URL set. Every figure of
`make bench` is printed as a ratio to these two, so that results compare across machines.
"""

from __future__ import annotations

import os

from flask import Flask, render_template
from sqlalchemy import create_engine, text

from config import normalise_database_url

app = Flask(__name__)
# The app's own engine settings (config.Config.SQLALCHEMY_ENGINE_OPTIONS), so that only the work differs.
engine = create_engine(normalise_database_url(os.environ["FLASHMOB_DATABASE_URL"]), pool_pre_ping=True)
ROWS = text(
    "SELECT id, title, starts_at, venue_name FROM events WHERE status = 'published' "
    "ORDER BY starts_at DESC LIMIT 20"
)


@app.get("/bare")
def bare():
    return "Hello from Flask"


@app.get("/rows")
def rows():
    with engine.connect() as conn:
        events = conn.execute(ROWS).all()
    return render_template("reference_rows.html", events=events)
