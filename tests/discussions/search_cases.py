"""A small archive of realistic lessons and the searches people make for them, with the lesson each
search should find: the test (test_search_recall.py) and bench/search_recall.py share them."""

from __future__ import annotations

from itertools import cycle

from flashmob import search
from flashmob.extensions import db
from tests import factories
from tests.discussions.archive_factories import past_event, publish_writeup

# key: (statement, paragraph, themes)
LESSONS: dict[str, tuple[str, str, list[str]]] = {
    "risk-log": (
        "Keep the risk log short enough that the board reads it",
        "Nobody reads a log of two hundred risks. Ten live risks with owners and dates get discussed; "
        "the rest sit in an appendix.",
        ["Risk management"],
    ),
    "reporting-read": (
        "Write reports for the decision they support",
        "Start each report with the decision you need from its readers, then the evidence. Reporting that "
        "asks for nothing gets skimmed.",
        ["Reporting"],
    ),
    "rag-honest": (
        "An amber that stays amber for months is really red",
        "Traffic-light ratings drift towards amber because red feels like blame. Agree what each colour "
        "means with the sponsor before the first report.",
        ["Reporting", "Governance"],
    ),
    "benefits": (
        "Track benefits after the project closes, not just until go-live",
        "Benefits tracking stops when the project team disbands. Hand each benefit to a named owner in the "
        "business with a date to report back.",
        ["Benefits realisation"],
    ),
    "stakeholders": (
        "Map stakeholders before you map the plan",
        "The people who can stop a programme rarely appear on its organisation chart. Spend the first week "
        "finding them.",
        ["Stakeholders"],
    ),
    "authority": (
        "The PMO has influence, not authority: spend it carefully",
        "We cannot order a project manager to do anything. We persuade with data, timing "
        "and the sponsor's ear.",
        ["PMO authority"],
    ),
    "dependencies": (
        "Dependencies between projects belong to the portfolio, not to either project",
        "Each project plans around the other's dates and nobody owns the gap. The portfolio office should "
        "hold the dependency and chase both ends.",
        ["Portfolio management", "Planning"],
    ),
    "estimates": (
        "Ask for estimates as ranges, never single numbers",
        "A single number is heard as a promise. Three-point estimates let sponsors see uncertainty before it "
        "becomes a slipped milestone.",
        ["Planning"],
    ),
    "lessons-learnt": (
        "Lessons learnt are worthless unless someone changes what they do next time",
        "A lessons log that nobody reads at the start of the next project is just an archive. Bring one "
        "lesson to each kick-off.",
        ["Lessons learnt"],
    ),
    "late-decisions": (
        "Count what a late decision costs per week of waiting",
        "When a decision sits with a steering committee for six weeks, put a price on each week: people "
        "idle, suppliers waiting, benefits deferred.",
        ["Decision making", "Governance"],
    ),
    "light-governance": (
        "Governance should be as light as the risk allows",
        "Small projects drowning in stage gates learn to game them. Scale the controls "
        "to the size of the risk.",
        ["Governance"],
    ),
    "resourcing": (
        "Resource conflicts show up in timesheets weeks before they show up in plans",
        "Watch actual hours booked against each person. When the same specialist appears on four projects, "
        "something will slip.",
        ["Resource management"],
    ),
    "dashboards": (
        "A dashboard nobody opens is a cost, not a control",
        "We retired half our dashboards and nobody noticed. Ask who uses each one and what they decided from "
        "it last month.",
        ["Reporting"],
    ),
    "change-control": (
        "Every change request needs a cost, even a small one",
        "Free changes pile up until the schedule breaks. Price each change in days and money before the "
        "board sees it.",
        ["Change control"],
    ),
    "onboarding": (
        "New project managers need a buddy more than a handbook",
        "The methodology handbook answers questions nobody asks in week one. Pair each newcomer with an "
        "experienced colleague.",
        ["People"],
    ),
    "decision-rights": (
        "Agree who decides before agreeing who does the work",
        "Most arguments in a programme are about decision rights. A responsibility matrix written in the "
        "first month saves the rest of the year.",
        ["Governance", "Roles"],
    ),
    "firefighting": (
        "Protect the people who keep the PMO running from permanent firefighting",
        "The best analysts get pulled into every crisis. Rotate the firefighting and keep time for "
        "improvement work.",
        ["People", "Wellbeing"],
    ),
    "sponsor": (
        "A project without an engaged sponsor is already in trouble",
        "If the senior responsible owner misses two boards in a row, escalate before "
        "anything else goes wrong.",
        ["Sponsorship", "Governance"],
    ),
    "data-at-source": (
        "Fix the data at source rather than cleaning it for every report",
        "Analysts spent two days a month correcting milestone dates. Making project managers own their data "
        "cut it to an hour.",
        ["Reporting", "Data"],
    ),
    "closure": (
        "Close projects formally, or they never stop spending",
        "Cost codes left open attract charges for months. A closure checklist with "
        "finance signs off the last "
        "invoice.",
        ["Project closure"],
    ),
    "pmo-value": (
        "Measure the PMO by the decisions it enables, not the reports it produces",
        "Counting reports rewards volume. Ask the executive which decisions the PMO made "
        "easier this quarter.",
        ["PMO value"],
    ),
    "assumptions": (
        "Write down assumptions and review them at every stage gate",
        "The assumptions behind the business case age quietly. When one breaks, the case should be reopened.",
        ["Risk management", "Business case"],
    ),
}

# (what a person types, the lesson it should find, what it tests)
QUERIES: list[tuple[str, str, str]] = [
    ("reporting for decisions", "reporting-read", "stemming"),
    ("estimating in ranges", "estimates", "stemming"),
    ("dependency portfolio", "dependencies", "stemming"),
    ("stakeholder mapping", "stakeholders", "stemming"),
    ("late decisions costing", "late-decisions", "stemming"),
    ("change requests", "change-control", "stemming"),
    ("measuring the PMO", "pmo-value", "stemming"),
    ("closing projects formally", "closure", "stemming"),
    ("RAID", "risk-log", "vocabulary"),
    ("risk register", "risk-log", "vocabulary"),
    ("RAG ratings", "rag-honest", "vocabulary"),
    ("benefits realisation", "benefits", "vocabulary"),
    ("benefits realization after go-live", "benefits", "vocabulary"),
    ("SRO", "sponsor", "vocabulary"),
    ("steerco waiting", "late-decisions", "vocabulary"),
    ("lessons learned", "lessons-learnt", "vocabulary"),
    ("organization chart", "stakeholders", "vocabulary"),
    ("stakeholdr", "stakeholders", "typo"),
    ("goverance", "light-governance", "typo"),
    ("dashbords", "dashboards", "typo"),
    ("assumptons at stage gates", "assumptions", "typo"),
    ("firefightng", "firefighting", "typo"),
    ("timesheets", "resourcing", "plain"),
    ("data at source", "data-at-source", "plain"),
]


def build_archive() -> dict[int, str]:
    """The lessons of search_cases across three chapters and three years; lesson id -> key."""
    search.seed_synonyms()
    db.session.commit()
    chapters = [factories.create_chapter(name) for name in ("Birmingham", "Leeds", "Bristol")]
    places = cycle([(chapter, year) for year in (2024, 2025, 2026) for chapter in chapters])
    keys: dict[int, str] = {}
    items = list(LESSONS.items())
    for start in range(0, len(items), 3):
        chapter, year = next(places)
        event = past_event(chapter, year=year, month=1 + start % 12)
        batch = items[start : start + 3]
        writeup = publish_writeup(event, [{"statement": s, "body": b, "themes": t} for _, (s, b, t) in batch])
        for lesson, (key, _) in zip(writeup.lessons, batch, strict=True):
            keys[lesson.id] = key
    return keys
