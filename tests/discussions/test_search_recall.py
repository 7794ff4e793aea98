"""Search finds the lesson a person means: realistic searches (other word forms, the PMO's vocabulary,
typos) against a small archive, each expected in the first five results, on both databases."""

from __future__ import annotations

from flashmob import search
from tests.discussions.search_cases import QUERIES, build_archive


def test_each_realistic_search_finds_its_lesson_in_the_first_five(app):
    keys = build_archive()
    misses = []
    for query, expected, kind in QUERIES:
        results = search.search_lessons(query, per_page=5)
        found = [keys[hit.lesson_id] for hit in results.hits]
        if expected not in found:
            misses.append(f"{kind}: {query!r} found {found}, not {expected!r}")
        if kind == "typo":
            assert results.corrected_query, f"{query!r} was not corrected"
    assert misses == []


def test_typos_are_corrected_and_said(app):
    build_archive()
    results = search.search_lessons("stakeholdr mapping")
    assert results.corrected_query == "stakeholders mapping"
    assert results.total == 1
    assert "<mark>" in results.hits[0].statement_html


def test_a_search_with_no_such_word_finds_nothing_and_corrects_nothing(app):
    build_archive()
    results = search.search_lessons("xylophone")
    assert results.total == 0
    assert results.corrected_query is None
