"""Benchmark results: kept as JSON per benchmark and database in bench/results/, and written out together
as bench/RESULTS.md (made here, never by hand, except its last section: NOTES_HEADING and what follows
is written by hand, to compare figures across changes, and is kept each time the file is remade)."""

from __future__ import annotations

import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS_DIR = ROOT / "bench" / "results"
RESULTS_MD = ROOT / "bench" / "RESULTS.md"
BACKENDS = ("sqlite", "postgresql")
SLOW_MS = 100.0
SCALE_ORDER = ("small", "large")
NOTES_HEADING = "## Notes"


def compare_scales(scales: dict[str, dict]) -> list[str]:
    """What to worry about: statement counts that differ between scales, pages slow at large scale."""
    flags = []
    if "small" in scales and "large" in scales:
        small = {row["page"]: row for row in scales["small"]["pages"]}
        for row in scales["large"]["pages"]:
            other = small.get(row["page"])
            if other and other["statements"] != row["statements"]:
                flags.append(
                    f"{row['page']}: {other['statements']} SQL statements at small scale, "
                    f"{row['statements']} at large"
                )
    for scale, measured in scales.items():
        for row in measured["pages"]:
            if row["statements_vary"]:
                flags.append(f"{row['page']}: the statement count changed between runs at {scale} scale")
            if scale == "large" and row["median_ms"] > SLOW_MS:
                flags.append(f"{row['page']}: {row['median_ms']:.0f} ms median at large scale")
    return flags


def save_pages(backend: str, machine: dict, scales: dict[str, dict]) -> None:
    """Keep one database's page results (merged with a scale measured earlier), then remake RESULTS.md."""
    path = RESULTS_DIR / f"pages-{backend}.json"
    document = _load(path) or {"scales": {}}
    document["machine"] = machine
    document["scales"].update(scales)
    _dump(path, document)
    write_markdown()


def save_rsvp_load(backend: str, machine: dict, result: dict, *, processes: int = 1) -> None:
    """Keep one database's RSVP load result, then remake RESULTS.md: one file for one process, another for
    several (whatever their number), so that the table shows both."""
    _dump(_rsvp_path(backend, processes), {"machine": machine, "result": result})
    write_markdown()


def _rsvp_path(backend: str, processes: int) -> Path:
    suffix = "" if processes == 1 else "-processes"
    return RESULTS_DIR / f"rsvp_load-{backend}{suffix}.json"


def _load(path: Path) -> dict | None:
    return json.loads(path.read_text()) if path.exists() else None


def _dump(path: Path, document: dict) -> None:
    path.parent.mkdir(exist_ok=True)
    path.write_text(json.dumps(document, indent=2, sort_keys=True) + "\n")


def _about(machine: dict) -> str:
    return (
        f"Measured {machine['date']} on {machine['cpus']} CPUs ({machine['cpu_model']}), "
        f"{machine['system']}, Python {machine['python']}, {machine['database']}; "
        f"load average {machine.get('load_average', '?')} when it finished."
    )


def abbreviate(sql: str) -> str:
    """A statement short enough to read: its column list and long lists of parameters elided."""
    sql = " ".join(sql.split())
    head = re.match(r"SELECT (.*?) FROM ", sql)
    if head and "(SELECT" not in head.group(1) and len(head.group(1)) > 60:
        sql = "SELECT … FROM " + sql[head.end():]  # noqa: S608 - text for people to read, never run
    sql = re.sub(r"\((?:%\(\w+\)s(?:::\w+)?|\?)(?:, (?:%\(\w+\)s(?:::\w+)?|\?))+\)", "(…)", sql)
    return sql


def _cell(sql: str, limit: int = 220) -> str:
    short = sql if len(sql) <= limit else sql[:limit] + " …"
    return "`" + short.replace("|", "\\|").replace("`", "'") + "`"


def _pages_section(document: dict) -> list[str]:
    scales = {name: document["scales"][name] for name in SCALE_ORDER if name in document["scales"]}
    lines = [f"### {document['machine']['database']}", "", _about(document["machine"]), ""]
    names = list(scales)
    lines += ["| Rows | " + " | ".join(names) + " |", "|---|" + "---:|" * len(names)]
    tables = sorted({table for measured in scales.values() for table in measured["rows"]})
    for table in tables:
        counts = " | ".join(f"{scales[n]['rows'].get(table, 0):,}" for n in names)
        lines.append(f"| {table} | {counts} |")
    lines.append(
        "| *time to generate (s)* | " + " | ".join(str(scales[n]["load_seconds"]) for n in names) + " |"
    )
    runs = ", ".join(f"{n}: {scales[n]['runs']} runs after {scales[n]['warmup']} warm-up" for n in names)
    lines += ["", f"Timing: {runs}.", ""]

    header = ["Page", "URL", "Viewer"]
    header += [f"SQL {n}" for n in names] + [f"median ms {n}" for n in names] + [f"p95 ms {n}" for n in names]
    header += [f"SQL ms {names[-1]}", f"KB {names[-1]}", "Flag"]
    lines += ["| " + " | ".join(header) + " |", "|---|---|---|" + "---:|" * (3 * len(names) + 2) + "---|"]
    by_scale = {n: {row["page"]: row for row in scales[n]["pages"]} for n in names}
    for row in scales[names[-1]]["pages"]:
        page = row["page"]
        rows = [by_scale[n].get(page) for n in names]
        counts = [r["statements"] if r else None for r in rows]
        flags = []
        if len({c for c in counts if c is not None}) > 1 or any(r and r["statements_vary"] for r in rows):
            flags.append("**SQL grows**")
        large = by_scale.get("large", {}).get(page)
        if large and large["median_ms"] > SLOW_MS:
            flags.append("**slow**")
        cells = [page, f"`{row['url']}`", row["viewer"]]
        cells += ["-" if c is None else str(c) for c in counts]
        cells += ["-" if r is None else f"{r['median_ms']:.1f}" for r in rows]
        cells += ["-" if r is None else f"{r['p95_ms']:.1f}" for r in rows]
        cells += [f"{row.get('sql_ms', 0):.1f}", f"{row['bytes'] / 1024:.1f}", " ".join(flags)]
        lines.append("| " + " | ".join(cells) + " |")

    last = names[-1]
    lines += ["", f"The slowest statement of each page at {last} scale (mean ms per request):", "",
              "| Page | ms | Statement |", "|---|---:|---|"]
    for row in scales[last]["pages"]:
        lines.append(f"| {row['page']} | {row['slowest_sql_ms']:.2f} | {_cell(row['slowest_sql'])} |")
    flagged = compare_scales(scales)
    lines += ["", "Flags: " + ("; ".join(flagged) + "." if flagged else "none."), ""]
    return lines


def _rsvp_section(documents: list[dict]) -> list[str]:
    lines = [
        "| Database | Processes | Threads each | Members | Seats | RSVP changes | Seconds | Changes/s | "
        "p50 ms | p95 ms | Refused | Failed | Capacity held |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for document in documents:
        r = document["result"]
        held = "yes" if r["capacity_held"] else "**NO**"
        lines.append(
            f"| {document['machine']['database']} | {r.get('processes', 1)} | {r['threads']} | "
            f"{r['members']} | {r['capacity']} | "
            f"{r['operations']:,} | {r['seconds']:.1f} | {r['per_second']:.0f} | {r['p50_ms']:.1f} | "
            f"{r['p95_ms']:.1f} | {r['refused']} | {r['failed']} | {held} |"
        )
    lines.append("")
    for document in documents:
        r = document["result"]
        processes = r.get("processes", 1)
        lines += [f"- {document['machine']['database']}, {processes} process{'es' if processes > 1 else ''}: "
                  f"{_about(document['machine'])} Final state: "
                  + ", ".join(f"{status} {count}" for status, count in sorted(r["final"].items()))
                  + f"; {r['checks']}."]
    return [*lines, ""]


def write_markdown() -> None:
    lines = [
        "# Benchmark results",
        "",
        "Written by `bench/pages.py` and `bench/rsvp_load.py` (see README.md, *Benchmarks*); rerun them "
        "rather than edit this file. Figures compare only within one run on one machine: the app, the "
        "database and the benchmark share the CPUs below.",
        "",
        "## Pages",
        "",
        "Each page is requested with Flask's test client (no network, no web server), so the time is the "
        "app's own, database included. *SQL* is the number of statements one request runs, *SQL ms* the time "
        "they took (the rest is Python: loading rows, templates, calendars). The database is "
        "new, built by the migrations and filled with bulk inserts (on PostgreSQL then `ANALYZE`d). Both "
        "scales have the same shape: the event pages show chapter 0's next evening (full, with a waitlist) "
        "and its last one (check-ins and walk-ins), as its organiser or a member going to it. "
        f"**SQL grows** marks a page whose statement count changes with the data (a query per row); "
        f"**slow** one over {SLOW_MS:.0f} ms median at large scale.",
        "",
    ]
    for backend in BACKENDS:
        document = _load(RESULTS_DIR / f"pages-{backend}.json")
        if document:
            lines += _pages_section(document)
    documents = [d for b in BACKENDS for p in (1, 2) if (d := _load(_rsvp_path(b, p)))]
    if documents:
        lines += [
            "## RSVPs under load",
            "",
            "Threads, each with its own session (in one process, or in several as gunicorn runs), say going "
            "and not going to one event through the services "
            "(`flashmob.events.rsvps.services`), committing after each as a view does. Afterwards the "
            "database must show no more seats held than the capacity, nobody waiting while a seat is free, "
            "one row per person and a line numbered without gaps. *Refused* are rule refusals (RsvpError), "
            "*Failed* any other error.",
            "",
            *_rsvp_section(documents),
        ]
    RESULTS_MD.write_text("\n".join(lines).rstrip() + "\n" + _kept_notes())


def _kept_notes() -> str:
    """The hand-written notes at the end of the present RESULTS.md, if any, to write back after the tables."""
    if not RESULTS_MD.exists():
        return ""
    text = RESULTS_MD.read_text()
    start = text.find(f"\n{NOTES_HEADING}\n")
    return "" if start < 0 else text[start:].rstrip() + "\n"
