"""The dashboard's per-evening figures as a spreadsheet (CSV)."""

from __future__ import annotations

import csv
import io

from flashmob.events.checkin.services import spreadsheet_safe
from flashmob.events.dashboard.queries import EveningFigures

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


def figures_csv(evenings: list[EveningFigures]) -> str:
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
