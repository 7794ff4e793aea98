"""Recall of the lessons search: how many realistic searches find the lesson they mean in the first five.

    .venv/bin/python -m bench.search_recall [--database-url URL] [--no-save]

Builds the small archive of tests/discussions/search_cases.py in a fresh database (a SQLite file, or a new
database on the PostgreSQL server named), runs each search through flashmob.search.search_lessons, and
reports recall@5 overall and by kind (other word forms, the PMO's vocabulary, typos, plain words), with
the searches that missed. Saves bench/results/search_recall-<database>.json and writes the section
"### Search recall@5" in the hand-kept notes of bench/RESULTS.md (the rest of that file is left alone).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import defaultdict

from sqlalchemy import delete

from bench.database import backend_name, fresh_database, machine, make_app
from bench.report import NOTES_HEADING, RESULTS_DIR, RESULTS_MD
from flashmob import search
from flashmob.extensions import db
from tests.discussions.search_cases import LESSONS, QUERIES, build_archive

SECTION = "### Search recall@5"
K = 5


def measure(app) -> dict:
    with app.app_context():
        keys = build_archive()
        full = _run(keys)
        # The engine alone, for comparison: no vocabulary, no typo correction (stemming only).
        db.session.execute(delete(search.SearchSynonym))
        db.session.commit()
        corrections = search.corrections
        search.corrections = lambda words, synonyms: {}
        try:
            alone = _run(keys)
        finally:
            search.corrections = corrections
    return {"lessons": len(LESSONS), "queries": full, "engine_alone": alone}


def _run(keys: dict[int, str]) -> list[dict]:
    rows = []
    for query, expected, kind in QUERIES:
        started = time.perf_counter()
        results = search.search_lessons(query, per_page=K)
        elapsed = (time.perf_counter() - started) * 1000
        found = [keys[hit.lesson_id] for hit in results.hits]
        rows.append(
            {
                "query": query,
                "expected": expected,
                "kind": kind,
                "found": found,
                "hit": expected in found,
                "position": found.index(expected) + 1 if expected in found else None,
                "corrected": results.corrected_query,
                "ms": round(elapsed, 1),
            }
        )
    return rows


def _recall(rows) -> str:
    hits = sum(1 for r in rows if r["hit"])
    return f"{hits}/{len(rows)} ({100 * hits / len(rows):.0f}%)"


def section(documents: list[dict]) -> str:
    lines = [
        SECTION,
        "",
        "Written by `bench/search_recall.py` (rerun it rather than edit this section). Realistic searches "
        "from `tests/discussions/search_cases.py`, each with the lesson it should find, against an archive "
        f"of {documents[0]['result']['lessons']} lessons; a search counts when its lesson is in the first "
        f"{K} results. The same set is a test (`tests/discussions/test_search_recall.py`). The searches "
        "were written alongside the search itself: they show it does what it was built to do, not how it "
        "fares on searches nobody foresaw (add real ones people made as they come).",
        "",
        "*Engine alone* is the same run with the vocabulary emptied and typo correction off (stemming "
        "only): what the vocabulary and the corrections add.",
        "",
        "| Database | Search | All | Word forms | Vocabulary | Typos | Plain | Median ms |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for document in documents:
        for label, name in (("full", "queries"), ("engine alone", "engine_alone")):
            rows = document["result"][name]
            by_kind = defaultdict(list)
            for row in rows:
                by_kind[row["kind"]].append(row)
            times = sorted(r["ms"] for r in rows)
            lines.append(
                f"| {document['machine']['database']} | {label} | {_recall(rows)} | "
                f"{_recall(by_kind['stemming'])} | {_recall(by_kind['vocabulary'])} | "
                f"{_recall(by_kind['typo'])} | {_recall(by_kind['plain'])} | {times[len(times) // 2]} |"
            )
    lines.append("")
    for document in documents:
        misses = [r for r in document["result"]["queries"] if not r["hit"]]
        about = document["machine"]
        lines.append(
            f"- {about['database']}: measured {about['date']} on {about['cpus']} CPUs; "
            + (
                "every search found its lesson."
                if not misses
                else "missed: " + "; ".join(f"“{r['query']}” (wanted {r['expected']})" for r in misses) + "."
            )
        )
    return "\n".join(lines) + "\n"


def write_section(documents: list[dict]) -> None:
    """Put the section in the hand-kept notes of RESULTS.md, replacing its earlier version."""
    text = RESULTS_MD.read_text() if RESULTS_MD.exists() else "# Benchmark results\n"
    new = section(documents)
    start = text.find(f"\n{SECTION}\n")
    if start >= 0:
        end = text.find("\n### ", start + 1)
        end2 = text.find("\n## ", start + 1)
        ends = [e for e in (end, end2) if e >= 0]
        stop = min(ends) if ends else len(text)
        text = text[: start + 1] + new + text[stop:]
    else:
        if f"\n{NOTES_HEADING}\n" not in text:
            text = text.rstrip() + f"\n\n{NOTES_HEADING}\n"
        text = text.rstrip() + "\n\n" + new
    RESULTS_MD.write_text(text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.search_recall", description=__doc__.splitlines()[0]
    )
    parser.add_argument(
        "--database-url",
        help="a PostgreSQL server (a database is made on it and dropped); default: a SQLite file",
    )
    parser.add_argument("--no-save", action="store_true", help="print only; leave bench/RESULTS.md alone")
    args = parser.parse_args(argv)
    with fresh_database(args.database_url) as url:
        app = make_app(url)
        document = {"machine": machine(app), "result": measure(app)}
        backend = backend_name(app)
    rows = document["result"]["queries"]
    print(f"{document['machine']['database']}: recall@{K} {_recall(rows)}")
    for row in rows:
        mark = "ok  " if row["hit"] else "MISS"
        print(f"  {mark} {row['kind']:<10} {row['query']!r} -> {row['found'][:K]}")
    if not args.no_save:
        RESULTS_DIR.mkdir(exist_ok=True)
        (RESULTS_DIR / f"search_recall-{backend}.json").write_text(json.dumps(document, indent=2) + "\n")
        documents = []
        for name in ("sqlite", "postgresql"):
            path = RESULTS_DIR / f"search_recall-{name}.json"
            if path.exists():
                documents.append(json.loads(path.read_text()))
        write_section(documents)
    return 0 if all(r["hit"] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
