"""The organiser's dashboard page and its figures as CSV."""

from __future__ import annotations

import csv
import io

from flask import Response, render_template
from flask_login import current_user, login_required

from flashmob.auth import ensure
from flashmob.events.checkin.services import spreadsheet_safe
from flashmob.events.dashboard import charts, queries
from flashmob.events.permissions import can_view_dashboard
from flashmob.events.routes import bp
from flashmob.types import utcnow

CSV_HEADER = (
    "Date",
    "Chapter",
    "Evening",
    "RSVPs going",
    "Waitlisted",
    "Checked in",
    "Walk-ins",
    "No-shows",
    "New members",
    "Returning members",
)


def _number(value: int | None) -> str:
    # Blank, not 0, where check-in was not used: nobody knows how many came.
    return "" if value is None else str(value)


def figures_csv(evenings: list[queries.EveningFigures]) -> str:
    """The per-evening figures as CSV, every cell safe from being run as a spreadsheet formula."""
    buffer = io.StringIO()
    buffer.write("\ufeff")  # Excel reads the file as UTF-8
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for f in evenings:
        cells = (
            f.event.local_starts_at.strftime("%Y-%m-%d"),
            f.event.chapter.name,
            f.event.title,
            str(f.going),
            str(f.waitlisted),
            _number(f.checked_in),
            _number(f.walk_ins),
            _number(f.no_shows),
            str(f.new_members),
            str(f.returning_members),
        )
        writer.writerow([spreadsheet_safe(cell) for cell in cells])
    return buffer.getvalue()


def _charts(board: queries.ChapterBoard) -> dict:
    """The chapter's two charts over its latest evenings."""
    shown = board.charted
    labels = [f.event.local_starts_at.strftime("%-d %b") for f in shown]
    name, slug = board.chapter.name, board.chapter.slug
    turnout = charts.bar_chart(
        f"turnout-{slug}",
        f"{name}: RSVPs and turnout",
        f"People going and people who came at {name}'s last {len(shown)} evenings; "
        "no bar for who came where check-in was not used. The table below has the numbers.",
        labels,
        [
            charts.Series("Going", [f.going for f in shown], "chart__bar--going"),
            charts.Series("Came", [f.came for f in shown], "chart__bar--came"),
        ],
    )
    members = charts.bar_chart(
        f"members-{slug}",
        f"{name}: new and returning members",
        f"Members at their first {name} evening and members who came back, over the last "
        f"{len(shown)} evenings. The table below has the numbers.",
        labels,
        [
            charts.Series("New", [f.new_members for f in shown], "chart__bar--new"),
            charts.Series("Returning", [f.returning_members for f in shown], "chart__bar--returning"),
        ],
    )
    return {"turnout": turnout, "members": members}


@bp.route("/organise")
@login_required
def dashboard():
    """An organiser's chapters: what is coming, what needs them, who joined, and how evenings went."""
    ensure(can_view_dashboard(current_user))
    board = queries.dashboard(current_user, utcnow())
    chart_sets = {b.chapter.id: _charts(b) for b in board.boards if b.past}
    return render_template("events/dashboard/dashboard.html", dashboard=board, charts=chart_sets)


@bp.route("/organise/figures.csv")
@login_required
def dashboard_csv():
    """Every evening's figures of the organiser's chapters, as a spreadsheet."""
    ensure(can_view_dashboard(current_user))
    body = figures_csv(queries.figures_by_chapter(current_user, utcnow()))
    return Response(
        body,
        mimetype="text/csv",
        headers={
            "Content-Disposition": 'attachment; filename="flashmob-evening-figures.csv"',
            "Cache-Control": "no-store",
        },
    )
