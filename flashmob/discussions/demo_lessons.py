"""The demo's write-ups: what some past demo evenings learnt, lesson by lesson, with the people behind them.

Content as data, like flashmob/demo_content.py, and seed_writeups() that stores what is missing (safe to
run twice). Voices are people who came to the evening and agreed to be named; the demo member is asked about
one lesson and has not answered yet, so their account page shows the question.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from flashmob import search
from flashmob.discussions.models import (
    EveningQuestion,
    Lesson,
    LessonVoice,
    QuestionAnswer,
    VoiceStatus,
    Writeup,
    WriteupStatus,
)
from flashmob.events.models import Event
from flashmob.extensions import db
from flashmob.members.models import User
from flashmob.tags import tags_named

ORGANISER = "organiser@example.org"
NADIA = "nadia.rahman@example.org"

# Each write-up: the evening (its demo key), who wrote it, an introduction and its lessons. A lesson's
# `voices` agreed to be named; `asked` were asked and have not answered yet.
WRITEUPS: list[dict] = [
    {
        "event": "london-2014-reporting",
        "by": ORGANISER,
        "introduction": (
            "Forty of us, and a pile of anonymised reports on the table. We asked one question of each: "
            "*would anyone miss it if it stopped tomorrow?* Fewer survived than we expected.\n\n"
            "What the room agreed on, in short:"
        ),
        "lessons": [
            {
                "statement": "A report earns its place by changing a decision, not by being on time",
                "body": (
                    "Several people had monthly packs that went out like clockwork and were never "
                    "discussed. The ones that mattered ended with a question the board had to answer."
                ),
                "themes": ["Reporting", "Decision making"],
                "voices": [NADIA, "femi.adeyemi@example.org"],
            },
            {
                "statement": "Stop one report and see who notices: the silence tells you what to cut",
                "body": (
                    "One PMO lead quietly paused a 30-page dashboard for two months. Nobody asked "
                    "for it. The time went into a one-page exception report, which people did read."
                ),
                "themes": ["Reporting"],
                "voices": ["claire.watson@example.org"],
            },
            {
                "statement": "Amber is where reporting goes to hide",
                "body": (
                    "A RAG status with no agreed meaning drifts to amber, because amber never gets "
                    "anyone into trouble. Write down what red means before the first report goes out."
                ),
                "themes": ["Reporting", "RAG status"],
                "voices": ["james.oconnor@example.org"],
            },
            {
                "statement": "Put the ask on the first page: what you need from the reader, and by when",
                "themes": ["Reporting", "Stakeholders"],
                "voices": ["sophie.lambert@example.org"],
            },
            {
                "statement": "Reports get read when the PMO reads them back to the people who wrote them",
                "body": (
                    "Project managers who see what the PMO did with last month's numbers fill this "
                    "month's in properly. Those who never hear back learn to copy and paste."
                ),
                "themes": ["Reporting", "What practitioners struggle with"],
                "voices": ["hannah.kowalski@example.org"],
            },
        ],
    },
    {
        "event": "london-2015-spring",
        "by": NADIA,
        "introduction": (
            "The lessons learnt log: everyone has one, nobody opens it. We spent the evening on the "
            "other way, the one this network is named for: **the PMO as the walking, talking lessons "
            "learnt**, the people you can ask because they have seen this project before."
        ),
        "lessons": [
            {
                "statement": "Nobody searches a lessons log; they ask someone who was there",
                "body": (
                    "Every story in the room about a lesson that was actually used started with a "
                    "conversation, not a document. The log is useful as an index of who to ask."
                ),
                "themes": ["Lessons learnt", "The PMO as the lessons learnt"],
                "voices": [NADIA, "grace.okonkwo@example.org"],
            },
            {
                "statement": "Write the lesson as something to do differently, with a name beside it",
                "body": (
                    '"Communication could have been better" teaches nothing. "Agree the cut-over '
                    'date with operations before you tell the supplier; ask Priya how" does.'
                ),
                "themes": ["Lessons learnt"],
                "voices": ["priya.sharma@example.org"],
            },
            {
                "statement": "The PMO sees every project, so it is the one place patterns show",
                "body": (
                    "A project manager sees their own project's problems. The PMO sees the same "
                    "supplier slip on four projects in a year, and is the only one who can say so."
                ),
                "themes": ["The PMO as the lessons learnt", "Portfolio"],
                "voices": ["femi.adeyemi@example.org"],
            },
            {
                "statement": "Hold the lessons session as the next project starts, not as the last one ends",
                "body": (
                    "At the end everyone is tired and moving on. At the start of a similar project "
                    "the same lessons are wanted, and the people who learnt them come willingly."
                ),
                "themes": ["Lessons learnt", "Project start-up"],
                "voices": ["claire.watson@example.org", "james.oconnor@example.org"],
            },
        ],
    },
    {
        "event": "london-2019-prioritisation",
        "by": ORGANISER,
        "introduction": (
            "When everything is priority one, nothing is. A lively evening about who really decides "
            "what the portfolio stops, and what it costs when nobody does."
        ),
        "lessons": [
            {
                "statement": "The PMO can recommend stopping a project; only a sponsor can stop it",
                "body": (
                    "Several of us had tried to be the ones who say no, and lost credibility doing "
                    "it. The PMO's power is in making the choice clear and the cost visible, then "
                    "putting it in front of the person who owns it."
                ),
                "themes": ["Limits of the PMO's authority", "Governance"],
                "voices": ["daniel.price@example.org", "oliver.grant@example.org"],
            },
            {
                "statement": "A decision deferred is a decision: to keep paying for both options",
                "body": (
                    "One programme kept two suppliers running in parallel for nine months while a "
                    "board waited for more data. Nobody had asked what the waiting cost per month."
                ),
                "themes": ["What bad decisions cost", "Decision making"],
                "voices": ["ahmed.hussain@example.org"],
            },
            {
                "statement": "Put a price on the delay, and decisions speed up",
                "body": (
                    "A line on the report saying what each month of waiting costs did more than any "
                    "escalation."
                ),
                "themes": ["What bad decisions cost", "Reporting"],
                "voices": ["chloe.martin@example.org"],
            },
            {
                "statement": "Scoring models settle the middle of the list; the top and bottom are politics",
                "themes": ["Portfolio", "Prioritisation"],
                "voices": ["isabel.moreno@example.org"],
            },
            {
                "statement": "Keep the stopped projects on the list, with why: it stops them coming back",
                "body": (
                    "Projects cancelled without a written reason return a year later under a new "
                    "name. A short note of what was decided, by whom, saves the whole argument again."
                ),
                "themes": ["Portfolio", "Governance", "Lessons learnt"],
                "voices": ["peter.nash@example.org"],
            },
        ],
    },
    {
        "event": "birmingham-2015-first",
        "by": ORGANISER,
        "introduction": (
            "Our first evening in the Midlands: a small table upstairs and one long conversation about "
            "the job itself, what keeps us in PMO work and what wears us down."
        ),
        "lessons": [
            {
                "statement": "The best part of PMO work is seeing the whole picture nobody else sees",
                "themes": ["What practitioners like"],
                "voices": ["eileen.parry@example.org"],
            },
            {
                "statement": "Chasing updates is the part everyone dreads; fix the process, not the people",
                "body": (
                    "If the same project managers are late every month, the form is too long or "
                    "the deadline is in the wrong week. Ask them which, and change it."
                ),
                "themes": ["What practitioners struggle with", "Reporting"],
                "voices": ["tom.brennan@example.org"],
            },
            {
                "statement": "A new PMO should pick one problem the sponsor feels, and solve it visibly",
                "body": (
                    "Standards and templates can wait. The PMOs that lasted started by fixing one "
                    "thing a senior person complained about, and were asked for more."
                ),
                "themes": ["Setting up a PMO", "Limits of the PMO's authority"],
                "voices": ["raj.patel@example.org", ORGANISER],
            },
            {
                "statement": "Tools follow process: a new system will not fix a plan nobody updates",
                "themes": ["Tools", "What practitioners struggle with"],
                "voices": ["eileen.parry@example.org"],
                "asked": ["member@example.org"],
            },
        ],
    },
]

# The question for the night on a past evening, with the answers given.
QUESTIONS: list[dict] = [
    {
        "event": "birmingham-2015-first",
        "by": ORGANISER,
        "text": "If you could report one thing the business really needs to see, what would it be?",
        "answers": {
            "tom.brennan@example.org": "The decisions we are waiting for, and what each week of it costs.",
            "raj.patel@example.org": "Which projects lean on the same five people, before they all slip.",
            "eileen.parry@example.org": "Benefits actually realised against what the business case promised.",
        },
    },
]


def _people_at(key: str) -> list[str]:
    """Everyone a demo write-up or question names for an evening, in order, each once."""
    found: list[str] = []
    for item in (*WRITEUPS, *QUESTIONS):
        if item["event"] != key:
            continue
        found.append(item["by"])
        for lesson in item.get("lessons", ()):
            found += [*lesson.get("voices", ()), *lesson.get("asked", ())]
        found += list(item.get("answers", {}))
    return list(dict.fromkeys(found))


# Who came to those evenings, in demo_content.RSVPS's shape (seed_rsvps stores both lists): the people named
# in a write-up or answering its question were there.
RSVPS: list[dict] = [
    {"event": key, "going": _people_at(key), "came": _people_at(key)}
    for key in dict.fromkeys(item["event"] for item in (*WRITEUPS, *QUESTIONS))
]


def _events_by_key(keys) -> dict[str, Event]:
    from flashmob.demo import demo_ical_uid  # demo imports this module: a late import avoids the cycle

    uids = {demo_ical_uid(key): key for key in keys}
    return {
        uids[event.ical_uid]: event
        for event in db.session.scalars(select(Event).where(Event.ical_uid.in_(uids)))
    }


def seed_writeups() -> int:
    """Add the demo write-ups and questions for the night that are missing; how many write-ups were added."""
    events = _events_by_key([item["event"] for item in WRITEUPS + QUESTIONS])
    emails = {ORGANISER, NADIA}
    for item in WRITEUPS:
        emails.add(item["by"])
        for lesson in item["lessons"]:
            emails.update(lesson.get("voices", ()), lesson.get("asked", ()))
    for item in QUESTIONS:
        emails.update(item["answers"])
    users = {user.email: user for user in db.session.scalars(select(User).where(User.email.in_(emails)))}
    written = set(db.session.scalars(select(Writeup.event_id)))
    added = 0
    for item in WRITEUPS:
        event = events.get(item["event"])
        if event is None or event.id in written:
            continue
        author = users[item["by"]]
        done = event.ends_at + timedelta(days=3)
        writeup = Writeup(
            event_id=event.id,
            status=WriteupStatus.PUBLISHED,
            introduction=item["introduction"],
            created_by_id=author.id,
            created_at=event.ends_at + timedelta(days=1),
            published_at=done,
            edited_at=done,
            edited_by_id=author.id,
        )
        db.session.add(writeup)
        db.session.flush()
        for position, data in enumerate(item["lessons"], start=1):
            lesson = Lesson(
                writeup_id=writeup.id,
                position=position,
                statement=data["statement"],
                body=data.get("body", ""),
                themes=tags_named(data.get("themes", ())),
                created_at=done,
                updated_at=done,
            )
            db.session.add(lesson)
            db.session.flush()
            for email in data.get("voices", ()):
                db.session.add(
                    LessonVoice(
                        lesson_id=lesson.id,
                        user_id=users[email].id,
                        status=VoiceStatus.AGREED,
                        asked_by_id=author.id,
                        asked_at=done,
                        answered_at=done + timedelta(days=1),
                    )
                )
            for email in data.get("asked", ()):
                db.session.add(
                    LessonVoice(
                        lesson_id=lesson.id,
                        user_id=users[email].id,
                        status=VoiceStatus.ASKED,
                        asked_by_id=author.id,
                        asked_at=done,
                    )
                )
        added += 1
    asked = set(db.session.scalars(select(EveningQuestion.event_id)))
    for item in QUESTIONS:
        event = events.get(item["event"])
        if event is None or event.id in asked:
            continue
        question = EveningQuestion(
            event_id=event.id,
            text=item["text"],
            set_by_id=users[item["by"]].id,
            created_at=event.starts_at - timedelta(days=14),
        )
        db.session.add(question)
        db.session.flush()
        for email, text in item["answers"].items():
            db.session.add(
                QuestionAnswer(
                    question_id=question.id, user_id=users[email].id, text=text, created_at=event.ends_at
                )
            )
    db.session.flush()
    if added:
        search.seed_synonyms()
        search.reindex_all()  # the lessons above were written directly, not through the services
    return added
