"""Search of the lessons archive, one interface over SQLite's FTS5 and PostgreSQL's full-text search.

What a reader types goes through the same steps on both databases:

1. words: lower-cased words, common English words ("the", "how") left out, at most MAX_WORDS;
2. the PMO's vocabulary: a word or phrase with a synonym (RAID and "risk log") is looked for either way;
   the pairs are data (search_synonyms), which organisers extend at /lessons/vocabulary;
3. the engine: stemming ("reports" finds "reporting"), the statement weighted above the paragraph and the
   paragraph above the themes, a rank and a highlighted excerpt;
4. typos: when nothing matches, each word the archive never uses is replaced by the nearest word it does
   use (pg_trgm's similarity() on PostgreSQL; edit distance over same-first-letter candidates on SQLite),
   and the search runs again, with "Did you mean" on the page.

The index is kept by index_lesson() and remove_lesson(), which publishing calls; `flask search reindex`
rebuilds it. The engine tables (lesson_fts on SQLite, lesson_search on PostgreSQL) and the trigram index
are made by the migration for one database only, so they are not models: SCHEMA_OUTSIDE_MODELS names them
for the schema comparison.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

import click
from flask.cli import AppGroup
from markupsafe import Markup, escape
from sqlalchemy import (
    ForeignKey,
    String,
    UniqueConstraint,
    and_,
    column,
    delete,
    func,
    literal_column,
    or_,
    select,
    table,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from flashmob.errors import RuleError
from flashmob.extensions import db
from flashmob.markdown import markdown_to_text
from flashmob.types import UTCDateTime, column_length, utcnow

# Tables, triggers and indexes the migration makes for one database only (see the module docstring).
SCHEMA_OUTSIDE_MODELS = frozenset(
    {
        "lesson_fts",
        "lesson_fts_data",
        "lesson_fts_idx",
        "lesson_fts_content",
        "lesson_fts_docsize",
        "lesson_fts_config",
        "lesson_search",
        "ix_lesson_search_document",
        "ix_search_words_word_trgm",
    }
)


def is_model_schema(name, type_, parent_names) -> bool:
    """False for the engine's tables and indexes, which the schema comparison and autogenerate skip."""
    return name not in SCHEMA_OUTSIDE_MODELS


# A search is a few words; longer text is refused at the field, and past this many words the rest is dropped.
MAX_QUERY_LENGTH = 200
MAX_WORDS = 12
# Marks put around matches by the engine, turned into <mark> once the text is escaped. Private-use
# characters, removed from every indexed text, so a lesson cannot forge one.
_START, _STOP = "\ue000", "\ue001"
_MARKS = re.compile(f"[{_START}{_STOP}]")
_WORD = re.compile(r"[^\W_]+")

# Words too common to narrow a search (FTS5 has no stop list; PostgreSQL's english one is larger).
STOP_WORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "been",
        "but",
        "by",
        "can",
        "could",
        "did",
        "do",
        "does",
        "doing",
        "for",
        "from",
        "had",
        "has",
        "have",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "me",
        "my",
        "no",
        "not",
        "of",
        "on",
        "or",
        "our",
        "should",
        "so",
        "than",
        "that",
        "the",
        "their",
        "them",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "to",
        "too",
        "us",
        "was",
        "we",
        "were",
        "what",
        "when",
        "where",
        "which",
        "who",
        "why",
        "will",
        "with",
        "would",
        "you",
        "your",
    ]
)

# The starter vocabulary, also written by the migration: pairs that mean the same thing to a PMO.
STARTER_SYNONYMS: tuple[tuple[str, str], ...] = (
    ("raid", "risk log"),
    ("raid log", "risk log"),
    ("risk log", "risk register"),
    ("rag", "status"),
    ("rag", "traffic light"),
    ("benefits realisation", "benefits tracking"),
    ("benefits realization", "benefits realisation"),
    ("lessons learnt", "lessons learned"),
    ("programme", "program"),
    ("organisation", "organization"),
    ("pmo", "project management office"),
    ("sro", "senior responsible owner"),
    ("raci", "responsibility matrix"),
    ("kpi", "key performance indicator"),
    ("steerco", "steering committee"),
    ("steering committee", "programme board"),
    ("status report", "highlight report"),
    ("wbs", "work breakdown structure"),
    ("change request", "change control"),
    ("exec", "executive"),
)


class SearchError(RuleError):
    """A vocabulary pair that cannot be added."""

    status = 422


class SearchSynonym(db.Model):
    """Two ways of saying one thing ("RAID" and "risk log"): a search for either finds both."""

    __tablename__ = "search_synonyms"
    __table_args__ = (UniqueConstraint("term", "synonym"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # Lower-case words, spaces folded: "benefits realisation".
    term: Mapped[str] = mapped_column(String(60))
    synonym: Mapped[str] = mapped_column(String(60))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SearchWord(db.Model):
    """A word that some lesson uses: what a misspelt word is corrected towards."""

    __tablename__ = "search_words"

    word: Mapped[str] = mapped_column(String(60), primary_key=True)


# The pieces of a query.


def words_of(text_: str) -> list[str]:
    """The words of a text, lower-cased, in order (letters and digits; everything else separates)."""
    return _WORD.findall((text_ or "").casefold())


def normalise_phrase(text_: str) -> str:
    return " ".join(words_of(text_))


def query_words(query: str) -> list[str]:
    """The words of a search that narrow it: no common words, no single letters, at most MAX_WORDS."""
    words = [w for w in words_of(query[:MAX_QUERY_LENGTH]) if w not in STOP_WORDS and len(w) > 1]
    return words[:MAX_WORDS]


def synonym_map() -> dict[tuple[str, ...], set[str]]:
    """Each phrase of the vocabulary (as a tuple of folded words) and the phrases that mean the same (one
    query)."""
    pairs: dict[tuple[str, ...], set[str]] = {}
    for term, synonym in db.session.execute(select(SearchSynonym.term, SearchSynonym.synonym)):
        pairs.setdefault(_folded(term.split()), set()).add(synonym)
        pairs.setdefault(_folded(synonym.split()), set()).add(term)
    return pairs


def _folded(words: Iterable[str]) -> tuple[str, ...]:
    """Words as the vocabulary matches them: a plural's s dropped, so "risk logs" meets "risk log"."""
    return tuple(w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") else w for w in words)


def expand(words: Sequence[str], synonyms: dict[tuple[str, ...], set[str]]) -> list[list[str]]:
    """Groups of alternatives, all groups required: [raid, lessons] -> [[raid, risk log], [lessons]].

    The longest phrase of the vocabulary starting at each word wins, so "risk log" is one group, not two.
    """
    longest = max((len(k) for k in synonyms), default=1)
    groups: list[list[str]] = []
    i = 0
    while i < len(words):
        for size in range(min(longest, len(words) - i), 0, -1):
            phrase = _folded(words[i : i + size])
            if phrase in synonyms:
                groups.append([" ".join(words[i : i + size]), *sorted(synonyms[phrase])])
                i += size
                break
        else:
            groups.append([words[i]])
            i += 1
    return groups


# The index.


def _dialect() -> str:
    return db.session.get_bind().dialect.name


def _plain(text_: str) -> str:
    return _MARKS.sub("", text_ or "")


def lesson_document(lesson) -> tuple[str, str, str]:
    """What is indexed of a lesson: its statement, its paragraph as plain text, its theme names."""
    return (
        _plain(lesson.statement),
        _plain(markdown_to_text(lesson.body or "")),
        _plain(" ; ".join(tag.name for tag in lesson.themes)),
    )


def index_lesson(lesson) -> None:
    """Put a lesson in the search index, or bring its entry up to date (publishing and editing call it)."""
    statement, body, themes = lesson_document(lesson)
    params = {"id": lesson.id, "statement": statement, "body": body, "themes": themes}
    if _dialect() == "postgresql":
        db.session.execute(
            text(
                "INSERT INTO lesson_search (lesson_id, statement, body, themes) "
                "VALUES (:id, :statement, :body, :themes) ON CONFLICT (lesson_id) DO UPDATE SET "
                "statement = excluded.statement, body = excluded.body, themes = excluded.themes"
            ),
            params,
        )
    else:
        db.session.execute(text("DELETE FROM lesson_fts WHERE rowid = :id"), params)
        db.session.execute(
            text(
                "INSERT INTO lesson_fts (rowid, statement, body, themes) "
                "VALUES (:id, :statement, :body, :themes)"
            ),
            params,
        )
    _remember_words(words_of(f"{statement} {body} {themes}"))


def remove_lesson(lesson_id: int) -> None:
    """Take a lesson out of the search index (unpublishing or deleting a lesson calls it)."""
    if _dialect() == "postgresql":
        db.session.execute(text("DELETE FROM lesson_search WHERE lesson_id = :id"), {"id": lesson_id})
    else:
        db.session.execute(text("DELETE FROM lesson_fts WHERE rowid = :id"), {"id": lesson_id})


def _remember_words(words: Iterable[str]) -> None:
    limit = column_length(SearchWord.word)
    fresh = sorted({w for w in words if 2 < len(w) <= limit and not w.isdigit()})
    if not fresh:
        return
    if _dialect() == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    db.session.execute(insert(SearchWord).values([{"word": w} for w in fresh]).on_conflict_do_nothing())


def reindex_all() -> int:
    """Rebuild the whole index from the published lessons; returns how many lessons it holds."""
    from sqlalchemy.orm import selectinload

    from flashmob.discussions.models import Lesson, Writeup, WriteupStatus

    engine_table = "DELETE FROM lesson_search" if _dialect() == "postgresql" else "DELETE FROM lesson_fts"
    db.session.execute(text(engine_table))
    db.session.execute(delete(SearchWord))
    lessons = db.session.scalars(
        select(Lesson)
        .join(Writeup, Writeup.id == Lesson.writeup_id)
        .where(Writeup.status == WriteupStatus.PUBLISHED)
        .options(selectinload(Lesson.themes))
    ).all()
    for lesson in lessons:
        index_lesson(lesson)
    return len(lessons)


# The vocabulary.


def add_synonym(term: str, synonym: str, *, actor) -> SearchSynonym:
    """Add a pair to the vocabulary: a search for either finds lessons using the other."""
    term, synonym = normalise_phrase(term), normalise_phrase(synonym)
    limit = column_length(SearchSynonym.term)
    if not term or not synonym:
        raise SearchError("Please give a word or phrase on each side, with letters or digits.")
    if len(term) > limit or len(synonym) > limit:
        raise SearchError(f"Please keep each side to {limit} characters or fewer.")
    if term == synonym:
        raise SearchError("The two sides are the same: please give two different ways of saying it.")
    existing = db.session.scalar(
        select(SearchSynonym).where(
            or_(
                and_(SearchSynonym.term == term, SearchSynonym.synonym == synonym),
                and_(SearchSynonym.term == synonym, SearchSynonym.synonym == term),
            )
        )
    )
    if existing is not None:
        raise SearchError(f"“{term}” and “{synonym}” are already in the vocabulary.")
    pair = SearchSynonym(term=term, synonym=synonym, created_by_id=getattr(actor, "id", None))
    db.session.add(pair)
    db.session.flush()
    return pair


def seed_synonyms() -> int:
    """Put the starter vocabulary back (pairs already there are kept); returns how many were added."""
    have = {(t, s) for t, s in db.session.execute(select(SearchSynonym.term, SearchSynonym.synonym))}
    added = [SearchSynonym(term=t, synonym=s) for t, s in STARTER_SYNONYMS if (t, s) not in have]
    db.session.add_all(added)
    db.session.flush()
    return len(added)


def vocabulary() -> list[SearchSynonym]:
    """Every pair, alphabetically (one query)."""
    return list(db.session.scalars(select(SearchSynonym).order_by(SearchSynonym.term, SearchSynonym.synonym)))


# Typos.


def _edit_distance(a: str, b: str, cap: int) -> int:
    """Damerau-Levenshtein distance (adjacent swaps count one), giving up past `cap`."""
    if abs(len(a) - len(b)) > cap:
        return cap + 1
    previous2: list[int] | None = None
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if previous2 is not None and i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > cap:
            return cap + 1
        previous2, previous = previous, current
    return previous[-1]


def _allowed_edits(word: str) -> int:
    return 1 if len(word) <= 5 else 2


def _nearest_word(word: str) -> str | None:
    """The indexed word nearest to a misspelt one, or None (one query)."""
    if _dialect() == "postgresql":
        # pg_trgm: words sharing enough trigrams (the % operator uses the GIN index), most similar first.
        rows = (
            db.session.execute(
                text(
                    "SELECT word FROM search_words WHERE word % :w "
                    "ORDER BY similarity(word, :w) DESC, word LIMIT 10"
                ),
                {"w": word},
            )
            .scalars()
            .all()
        )
    else:
        # The vocabulary is a few thousand words: those within two letters of the length and sharing the
        # first or the second letter (a typo rarely hits both) are few enough to measure one by one.
        rows = db.session.scalars(
            select(SearchWord.word).where(
                func.length(SearchWord.word).between(len(word) - 2, len(word) + 2),
                or_(SearchWord.word.like(f"{word[0]}%"), SearchWord.word.like(f"_{word[1]}%")),
            )
        ).all()
    cap = _allowed_edits(word)
    best: tuple[int, int, str] | None = None
    for rank, candidate in enumerate(rows):
        distance = _edit_distance(word, candidate, cap)
        if distance <= cap and (best is None or (distance, rank) < best[:2]):
            best = (distance, rank, candidate)
    return best[2] if best else None


def _engine_finds(word: str) -> bool:
    """Whether some indexed lesson matches this one word, stemmed (one query)."""
    if _dialect() == "postgresql":
        found = db.session.execute(
            select(_PG.c.lesson_id)
            .where(_PG.c.document.op("@@")(func.websearch_to_tsquery(_ENGLISH, word)))
            .limit(1)
        ).first()
    else:
        fts = literal_column("lesson_fts")
        found = db.session.execute(
            select(_FTS.c.rowid).where(fts.op("MATCH")(_fts5_match([[word]]))).limit(1)
        ).first()
    return found is not None


def corrections(words: Sequence[str], synonyms: dict[tuple[str, ...], set[str]]) -> dict[str, str]:
    """For each word no lesson uses (and not in the vocabulary), the nearest word lessons do use."""
    vocabulary_words = {w for phrase in synonyms for w in phrase}
    candidates = [
        w for w in words if _folded([w])[0] not in vocabulary_words and len(w) > 3 and not w.isdigit()
    ]
    if not candidates:
        return {}
    known = set(db.session.scalars(select(SearchWord.word).where(SearchWord.word.in_(candidates))))
    found = {}
    for word in dict.fromkeys(candidates):
        # A word lessons use in another form ("mapping" where they say "map") is no typo: the engine's
        # stemming finds it.
        if word in known or _engine_finds(word):
            continue
        nearest = _nearest_word(word)
        if nearest and nearest != word:
            found[word] = nearest
    return found


# Searching.


@dataclass(frozen=True)
class Hit:
    """One lesson found: its rank (higher is better) and its matches highlighted as safe markup."""

    lesson_id: int
    rank: float
    statement_html: Markup
    snippet_html: Markup


@dataclass(frozen=True)
class SearchResults:
    """What a search found, on one page."""

    query: str
    hits: list[Hit] = field(default_factory=list)
    total: int = 0
    page: int = 1
    per_page: int = 10
    # The words as searched when a typo was corrected ("stakeholder reporting"), else None.
    corrected_query: str | None = None
    # True when the query had no word to search for (only common words, or nothing).
    is_empty_query: bool = False

    @property
    def has_next(self) -> bool:
        return self.page * self.per_page < self.total

    @property
    def has_previous(self) -> bool:
        return self.page > 1


def highlighted(marked: str) -> Markup:
    """Text with the engine's match marks, escaped, with each match wrapped in <mark>."""
    safe = str(escape(marked or ""))
    return Markup(safe.replace(_START, "<mark>").replace(_STOP, "</mark>"))  # noqa: S704 (escaped above)


def search_lessons(query: str, filters: Sequence = (), page: int = 1, per_page: int = 10) -> SearchResults:
    """Published lessons matching what a reader typed, best first.

    `filters` are SQL conditions on Lesson, Writeup, Event and Chapter (the archive's chapter, year and
    theme); the query joins those tables. A fixed number of queries, whatever the page size.
    """
    words = query_words(query or "")
    if not words:
        return SearchResults(query=query, page=page, per_page=per_page, is_empty_query=True)
    synonyms = synonym_map()
    groups = expand(words, synonyms)
    hits, total = _run(groups, filters, page, per_page)
    corrected = None
    if total == 0:
        fixes = corrections(words, synonyms)
        if fixes:
            fixed_words = [fixes.get(w, w) for w in words]
            hits, total = _run(expand(fixed_words, synonyms), filters, page, per_page)
            corrected = " ".join(fixed_words)
    return SearchResults(
        query=query, hits=hits, total=total, page=page, per_page=per_page, corrected_query=corrected
    )


def _published_lessons(filters: Sequence):
    from flashmob.discussions.models import Lesson, Writeup, WriteupStatus
    from flashmob.events.models import Chapter, Event

    return (
        select(Lesson.id)
        .join(Writeup, Writeup.id == Lesson.writeup_id)
        .join(Event, Event.id == Writeup.event_id)
        .join(Chapter, Chapter.id == Event.chapter_id)
        .where(Writeup.status == WriteupStatus.PUBLISHED, *filters)
    )


def _run(groups: list[list[str]], filters: Sequence, page: int, per_page: int) -> tuple[list[Hit], int]:
    # The one list paged by number, not by key: results are in order of relevance, which the database works
    # out for every match on every page (and counts them), so a key would save nothing; MAX_PAGE bounds it.
    if _dialect() == "postgresql":
        return _run_postgresql(groups, filters, page, per_page)
    return _run_sqlite(groups, filters, page, per_page)


def _fts5_match(groups: list[list[str]]) -> str:
    # Every alternative is a quoted string of letters and digits, so nothing typed is read as syntax.
    def quoted(phrase: str) -> str:
        return '"' + phrase.replace('"', '""') + '"'

    return " AND ".join("(" + " OR ".join(quoted(alt) for alt in group) + ")" for group in groups)


_FTS = table("lesson_fts", column("rowid"))
_PG = table("lesson_search", column("lesson_id"), column("statement"), column("body"), column("document"))
_ENGLISH = literal_column("'english'::regconfig")


def _run_sqlite(groups, filters, page, per_page):
    from flashmob.discussions.models import Lesson

    fts = literal_column("lesson_fts")
    base = (
        _published_lessons(filters)
        .join(_FTS, _FTS.c.rowid == Lesson.id)
        .where(fts.op("MATCH")(_fts5_match(groups)))
    )
    total = db.session.scalar(select(func.count()).select_from(base.subquery()))
    if not total:
        return [], 0
    # bm25 is lower for better matches; the weights put the statement above the paragraph and the themes.
    rank = func.bm25(fts, 10.0, 3.0, 1.0)
    rows = db.session.execute(
        base.add_columns(
            rank,
            func.highlight(fts, 0, _START, _STOP),
            func.snippet(fts, 1, _START, _STOP, "…", 24),
        )
        .order_by(rank, Lesson.id)
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    hits = [Hit(r[0], -float(r[1]), highlighted(r[2]), highlighted(r[3])) for r in rows]
    return hits, total


def _tsquery(groups: list[list[str]]):
    """All groups required, any alternative of a group: (a || b) && (c)."""
    combined = None
    for group in groups:
        either = None
        for alt in group:
            # A phrase in quotes keeps its words together ("risk log", not risk anywhere and log anywhere).
            one = func.websearch_to_tsquery(_ENGLISH, f'"{alt}"' if " " in alt else alt)
            either = one if either is None else either.op("||")(one)
        combined = either if combined is None else combined.op("&&")(either)
    return combined


def _run_postgresql(groups, filters, page, per_page):
    from flashmob.discussions.models import Lesson

    tsquery = _tsquery(groups)
    base = (
        _published_lessons(filters)
        .join(_PG, _PG.c.lesson_id == Lesson.id)
        .where(_PG.c.document.op("@@")(tsquery))
    )
    total = db.session.scalar(select(func.count()).select_from(base.subquery()))
    if not total:
        return [], 0
    # Default weights: A (statement) 1.0, B (paragraph) 0.4, C (themes) 0.2.
    rank = func.ts_rank(_PG.c.document, tsquery)
    options = f'StartSel="{_START}", StopSel="{_STOP}"'
    rows = db.session.execute(
        base.add_columns(
            rank,
            func.ts_headline(_ENGLISH, _PG.c.statement, tsquery, options + ", HighlightAll=true"),
            func.ts_headline(
                _ENGLISH,
                _PG.c.body,
                tsquery,
                options + ', MaxWords=30, MinWords=12, MaxFragments=2, FragmentDelimiter=" … "',
            ),
        )
        .order_by(rank.desc(), Lesson.id)
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    hits = [Hit(r[0], float(r[1]), highlighted(r[2]), highlighted(r[3])) for r in rows]
    return hits, total


# `flask search reindex`

search_group = AppGroup("search", help="The lessons search index.")


@search_group.command("reindex")
def reindex_command() -> None:
    """Rebuild the search index from every published lesson."""
    count = reindex_all()
    db.session.commit()
    click.echo(f"Indexed {count} lesson{'s' if count != 1 else ''}.")
