"""The organiser's dashboard page and its figures as CSV."""

from __future__ import annotations

from flask import Response, render_template
from flask_login import current_user, login_required

from flashmob.auth import ensure
from flashmob.events.dashboard import charts, export, queries
from flashmob.events.permissions import can_view_dashboard
from flashmob.events.routes import bp
from flashmob.types import utcnow


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
    body = export.figures_csv(queries.figures_by_chapter(current_user, utcnow()))
    return Response(
        body,
        mimetype="text/csv",
        headers={
            "Content-Disposition": 'attachment; filename="flashmob-evening-figures.csv"',
            "Cache-Control": "no-store",
        },
    )
