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

# Theme tags come from one vocabulary, shared with the demo people's profile tags ("Risk registers",
# "Benefits realisation", "Career growth"...), so that a theme page and the people who know it meet.
LIKE = "What practitioners like"
STRUGGLE = "What practitioners struggle with"
AUTHORITY = "Limits of the PMO's authority"
COST = "What bad decisions cost"
PMO_LESSONS = "The PMO as the lessons learnt"


def _at(name: str) -> str:
    return f"{name}@example.org"


# Each write-up: the evening (its demo key), who wrote it, an introduction and its lessons. A lesson's
# `voices` came to the evening and agreed to be named; `asked` were asked and have not answered yet.
WRITEUPS: list[dict] = [
    # London
    {
        "event": "london-2013-first",
        "by": ORGANISER,
        "introduction": (
            "Eight of us around one table at the back of the pub, not sure whether anyone else would "
            "turn up. They did. No agenda, so we talked about the job: why we do it, and what makes it "
            "hard to explain at parties."
        ),
        "lessons": [
            {
                "statement": "The PMO is the one job where you see every project and own none of them",
                "body": (
                    "That is both the joy and the frustration. You spot the problem three projects "
                    "away, and you still have to persuade someone else to act on it."
                ),
                "themes": [LIKE, AUTHORITY],
                "voices": [_at("peter.nash")],
            },
            {
                "statement": (
                    "Three directors asking for the same numbers "
                    "in three formats is a governance gap"
                ),
                "body": (
                    "Everyone at the table had a version of it. Agree one pack with the people who "
                    "receive it, and let the formats follow from that; the PMO cannot settle it alone."
                ),
                "themes": [STRUGGLE, "Reporting", "Governance"],
                "voices": [NADIA],
            },
            {
                "statement": "PMO people learn most from other PMOs, and most organisations only have one",
                "body": (
                    "Inside your own organisation nobody else does quite your job. That is the whole "
                    "reason for an evening like this: the person who has solved your problem works "
                    "somewhere else."
                ),
                "themes": [PMO_LESSONS, "Career growth"],
                "voices": [ORGANISER],
            },
            {
                "statement": "Nobody at the table had planned a PMO career; we all arrived by accident",
                "body": (
                    "From finance, from admin, from a project that went wrong and needed someone "
                    "organised. It is a strength: we bring the rest of the business with us."
                ),
                "themes": ["Career growth", LIKE],
                "voices": [_at("peter.nash"), NADIA],
            },
        ],
    },
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
                "voices": [NADIA, _at("peter.nash")],
            },
            {
                "statement": "Stop one report and see who notices: the silence tells you what to cut",
                "body": (
                    "One PMO lead quietly paused a 30-page dashboard for two months. Nobody asked "
                    "for it. The time went into a one-page exception report, which people did read."
                ),
                "themes": ["Reporting"],
                "voices": [_at("raj.patel")],
            },
            {
                "statement": "Amber is where reporting goes to hide",
                "body": (
                    "A RAG status with no agreed meaning drifts to amber, because amber never gets "
                    "anyone into trouble. Write down what red means before the first report goes out."
                ),
                "themes": ["Reporting", "RAG status"],
                "voices": [_at("eileen.parry")],
            },
            {
                "statement": "Put the ask on the first page: what you need from the reader, and by when",
                "themes": ["Reporting", "Stakeholder management"],
                "voices": [ORGANISER],
            },
            {
                "statement": "Reports get read when the PMO reads them back to the people who wrote them",
                "body": (
                    "Project managers who see what the PMO did with last month's numbers fill this "
                    "month's in properly. Those who never hear back learn to copy and paste."
                ),
                "themes": ["Reporting", STRUGGLE],
                "voices": [_at("hannah.kowalski")],
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
                "themes": ["Lessons learnt", PMO_LESSONS],
                "voices": [NADIA, _at("grace.okonkwo")],
            },
            {
                "statement": "Write the lesson as something to do differently, with a name beside it",
                "body": (
                    '"Communication could have been better" teaches nothing. "Agree the cut-over '
                    'date with operations before you tell the supplier; ask Raj how" does.'
                ),
                "themes": ["Lessons learnt"],
                "voices": [_at("raj.patel")],
            },
            {
                "statement": "The PMO sees every project, so it is the one place patterns show",
                "body": (
                    "A project manager sees their own project's problems. The PMO sees the same "
                    "supplier slip on four projects in a year, and is the only one who can say so."
                ),
                "themes": [PMO_LESSONS, "Portfolio prioritisation"],
                "voices": [_at("hannah.kowalski")],
            },
            {
                "statement": "Hold the lessons session as the next project starts, not as the last one ends",
                "body": (
                    "At the end everyone is tired and moving on. At the start of a similar project "
                    "the same lessons are wanted, and the people who learnt them come willingly."
                ),
                "themes": ["Lessons learnt", "PMO set-up"],
                "voices": [_at("peter.nash"), _at("eileen.parry")],
            },
        ],
    },
    {
        "event": "london-2016-authority",
        "by": ORGANISER,
        "introduction": (
            "The evening the Birmingham crowd had been asking for: **responsibility without authority**. "
            "We are asked to make projects behave and are rarely allowed to make anyone do anything. "
            "Less moaning than expected, and some good tactics."
        ),
        "lessons": [
            {
                "statement": "The PMO's authority is borrowed from its sponsor; lose the sponsor and it goes",
                "body": (
                    "A restructure moved the director who set up one PMO. Within a month the "
                    "project returns stopped arriving. Keep more than one senior person who would "
                    "miss the PMO if it went."
                ),
                "themes": [AUTHORITY, "Stakeholder management"],
                "voices": [_at("hannah.kowalski")],
            },
            {
                "statement": "Escalate with a recommendation and a date, never with just a problem",
                "body": (
                    "\"Project X is late\" gets a shrug. \"Project X needs a decision on the second "
                    "supplier by Friday; we recommend yes, and here is why\" gets a decision."
                ),
                "themes": [AUTHORITY, "Decision making"],
                "voices": [_at("gareth.evans")],
            },
            {
                "statement": "A new report request is a change request: ask what the PMO should stop instead",
                "body": (
                    "The PMO is expected to do more with the same, every year. Agree the services in "
                    "writing; when a new request comes, put it next to the list and ask the "
                    "requester which line they would give up."
                ),
                "themes": [AUTHORITY, STRUGGLE, "Reporting"],
                "voices": [NADIA, _at("claire.watson")],
            },
            {
                "statement": "Standards nobody has to follow are suggestions; get three of them mandated",
                "body": (
                    "A forty-page methodology is ignored politely. Three rules the portfolio board "
                    "enforces (a named sponsor, a baseline, a monthly return) are followed."
                ),
                "themes": ["Governance", AUTHORITY],
                "voices": [_at("raj.patel")],
            },
            {
                "statement": (
                    "Influence is earned in the quiet months: "
                    "help project managers before you need them"
                ),
                "body": (
                    "The PMO analyst who fixed a plan at eight in the morning before a board is the "
                    "one project managers listen to at the next gate."
                ),
                "themes": ["Stakeholder management", LIKE],
                "voices": [_at("eileen.parry"), _at("grace.okonkwo")],
            },
        ],
    },
    {
        "event": "london-2017-summer",
        "by": NADIA,
        "introduction": (
            "No theme, a warm evening and the terrace to ourselves. The talk kept coming back to what "
            "keeps us in PMO work, so that is what we wrote down."
        ),
        "lessons": [
            {
                "statement": "The best days are when something breaks and the PMO knows where everything is",
                "themes": [LIKE, PMO_LESSONS],
                "voices": [_at("megan.lloyd")],
            },
            {
                "statement": "A PMO of one can still be a PMO: do three things well and say no to the rest",
                "body": (
                    "A small PMO that tries to offer the full catalogue ends up doing all of it "
                    "badly. Pick the services the sponsor would miss, and say so when asked for more."
                ),
                "themes": ["PMO set-up", STRUGGLE],
                "voices": [_at("laura.bennett")],
            },
            {
                "statement": (
                    "The business owns the benefits, but only "
                    "the PMO remembers to ask about them later"
                ),
                "body": (
                    "A year after closure the project team has gone and the benefit owner has a new "
                    "job. Put the benefit reviews in the PMO's calendar when the project closes."
                ),
                "themes": ["Benefits realisation", PMO_LESSONS],
                "voices": [_at("priya.sharma"), _at("claire.watson")],
            },
            {
                "statement": (
                    "Newcomers learn faster by sitting in on "
                    "a gate review than by reading the method"
                ),
                "themes": ["Career growth", "Governance"],
                "voices": [_at("james.oconnor")],
            },
        ],
    },
    {
        "event": "london-2018-bad-decisions",
        "by": NADIA,
        "introduction": (
            "The question from Birmingham that would not go away: *how much do bad decisions really "
            "cost us?* Nobody had a formula at the start of the evening, and nobody had one at the "
            "end, but we got closer than we thought."
        ),
        "lessons": [
            {
                "statement": "Most bad decisions are late ones: count the weeks of waiting, then the money",
                "body": (
                    "Fourteen contractors waited six weeks for a design sign-off. Nobody chose to "
                    "waste that money; it just went, at about forty thousand pounds a week."
                ),
                "themes": [COST, "Decision making"],
                "voices": [_at("daniel.price")],
            },
            {
                "statement": "Record the options a board turned down, or you can never learn from a bad call",
                "body": (
                    "A decision log with only the outcome cannot be reviewed. Write the options, the "
                    "reasons and what was expected, then look again six months later."
                ),
                "themes": [COST, "Governance", "Lessons learnt"],
                "voices": [_at("chloe.martin")],
            },
            {
                "statement": "The dearest decision is the project nobody is allowed to stop",
                "body": (
                    "One retailer kept a chairman's favourite alive for three years: two million "
                    "pounds, and more painfully the best analysts, who were wanted elsewhere."
                ),
                "themes": [COST, "Portfolio prioritisation"],
                "voices": [_at("hannah.kowalski")],
            },
            {
                "statement": (
                    "Say what a decision will cost before it "
                    "is made; afterwards it sounds like blame"
                ),
                "body": (
                    "The PMO cannot overrule a board, but it can put the cost of each option on the "
                    "paper. After the event, the same number reads as an accusation."
                ),
                "themes": [COST, AUTHORITY, "Stakeholder management"],
                "voices": [_at("fiona.campbell"), _at("james.oconnor")],
            },
            {
                "statement": (
                    "Rework is where a bad decision shows up "
                    "in the plan: tag it and patterns appear"
                ),
                "body": (
                    "Mark the tasks that redo earlier work, with the decision that caused them. "
                    "After a quarter, the same two kinds of decision caused most of it."
                ),
                "themes": [COST, "Planning"],
                "voices": [_at("michael.turner")],
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
                "themes": [AUTHORITY, "Governance"],
                "voices": [_at("daniel.price"), _at("oliver.grant")],
            },
            {
                "statement": "A decision deferred is a decision: to keep paying for both options",
                "body": (
                    "One programme kept two suppliers running in parallel for nine months while a "
                    "board waited for more data. Nobody had asked what the waiting cost per month."
                ),
                "themes": [COST, "Decision making"],
                "voices": [_at("ahmed.hussain")],
            },
            {
                "statement": "Put a price on the delay, and decisions speed up",
                "body": (
                    "A line on the report saying what each month of waiting costs did more than any "
                    "escalation."
                ),
                "themes": [COST, "Reporting"],
                "voices": [_at("chloe.martin")],
            },
            {
                "statement": "Scoring models settle the middle of the list; the top and bottom are politics",
                "themes": ["Portfolio prioritisation"],
                "voices": [_at("james.oconnor")],
            },
            {
                "statement": "Keep the stopped projects on the list, with why: it stops them coming back",
                "body": (
                    "Projects cancelled without a written reason return a year later under a new "
                    "name. A short note of what was decided, by whom, saves the whole argument again."
                ),
                "themes": ["Portfolio prioritisation", "Governance", "Lessons learnt"],
                "voices": [_at("peter.nash")],
            },
        ],
    },
    {
        "event": "london-2023-risk",
        "by": NADIA,
        "introduction": (
            "Risks, assumptions, issues and dependencies. Every project keeps a RAID log; few people "
            "open one unless an auditor is coming. We swapped what makes a risk register worth reading."
        ),
        "lessons": [
            {
                "statement": "A risk with no owner and no date is a worry, not a risk",
                "body": (
                    "Half of most registers are worries: real, but nobody is doing anything about "
                    "them by any date. Give each one an owner and a next review, or close it."
                ),
                "themes": ["Risk registers", "RAID logs"],
                "voices": [_at("daniel.price"), _at("liam.doyle")],
            },
            {
                "statement": (
                    "If the top five risks have not changed "
                    "in three months, nobody is managing them"
                ),
                "body": (
                    "We compared registers month on month: the same scores, the same words, the same "
                    "mitigations \"in progress\". The dashboard looked healthy and meant nothing."
                ),
                "themes": ["Risk registers", "Reporting"],
                "voices": [_at("femi.adeyemi"), _at("kwame.asante")],
            },
            {
                "statement": "An assumption nobody checks is the risk you forgot to write down",
                "body": (
                    "One programme assumed every field office had a reliable connection. Three did "
                    "not, and the reporting plan fell over in the first month. Keep assumptions in "
                    "the log with a date to check them."
                ),
                "themes": ["RAID logs", "Lessons learnt"],
                "voices": [_at("isabel.moreno")],
            },
            {
                "statement": "Dependencies fall between two projects; the PMO should hold that list for both",
                "themes": ["RAID logs", "Agile at scale"],
                "voices": [_at("ben.fletcher")],
            },
            {
                "statement": "Start a risk review with what keeps people awake; update the log afterwards",
                "body": (
                    "Reading the register line by line gets nods. Asking the site team what worries "
                    "them about next month got two new risks and closed four old ones."
                ),
                "themes": ["Risk registers", "Stakeholder management"],
                "voices": [_at("oliver.grant")],
            },
        ],
    },
    {
        "event": "london-recent-careers",
        "by": NADIA,
        "introduction": (
            "From project support to portfolio director, and sideways into consultancy and delivery. "
            "People at every stage of a PMO career, and more agreement than we expected about what "
            "actually helps."
        ),
        "lessons": [
            {
                "statement": (
                    "Your next PMO job comes from someone who "
                    "saw you fix something, not a certificate"
                ),
                "body": (
                    "Qualifications get you the interview. Almost every move in the room came from a "
                    "sponsor or a programme manager who remembered a problem solved."
                ),
                "themes": ["Career growth"],
                "voices": [_at("peter.nash")],
            },
            {
                "statement": "Move towards the decisions: PMO roles grow closest to the portfolio board",
                "body": (
                    "Project support to portfolio analysis is the step that changes the job: you "
                    "stop collecting updates and start shaping what gets funded."
                ),
                "themes": ["Career growth", "Portfolio prioritisation"],
                "voices": [_at("daniel.price"), NADIA],
            },
            {
                "statement": (
                    "Specialise in one thing the organisation "
                    "cannot do without, and keep the wide view"
                ),
                "body": (
                    "Risk, tools, benefits, planning: a specialism makes you the person people ask. "
                    "The PMO generalist's view is what makes the specialism useful."
                ),
                "themes": ["Career growth", "PPM tools"],
                "voices": [_at("ahmed.hussain")],
            },
            {
                "statement": "Governance is a career, not a stepping stone",
                "body": (
                    "The best steering groups are run by people who chose the work: agendas that "
                    "lead to decisions, and minutes that say who does what."
                ),
                "themes": ["Career growth", "Governance"],
                "voices": [_at("chloe.martin")],
            },
            {
                "statement": "Mentoring runs both ways: newcomers ask the questions old hands stopped asking",
                "themes": ["Career growth", "Lessons learnt"],
                "voices": [ORGANISER],
            },
        ],
    },
    # Birmingham
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
                "themes": [LIKE],
                "voices": [_at("eileen.parry")],
            },
            {
                "statement": "Chasing updates is the part everyone dreads; fix the process, not the people",
                "body": (
                    "If the same project managers are late every month, the form is too long or "
                    "the deadline is in the wrong week. Ask them which, and change it."
                ),
                "themes": [STRUGGLE, "Reporting"],
                "voices": [_at("tom.brennan")],
            },
            {
                "statement": "A new PMO should pick one problem the sponsor feels, and solve it visibly",
                "body": (
                    "Standards and templates can wait. The PMOs that lasted started by fixing one "
                    "thing a senior person complained about, and were asked for more."
                ),
                "themes": ["PMO set-up", AUTHORITY],
                "voices": [_at("raj.patel"), ORGANISER],
            },
            {
                "statement": "Tools follow process: a new system will not fix a plan nobody updates",
                "themes": ["PPM tools", STRUGGLE],
                "voices": [_at("eileen.parry")],
                "asked": ["member@example.org"],
            },
        ],
    },
    {
        "event": "birmingham-2015-summer",
        "by": ORGANISER,
        "introduction": (
            "By the canal, with the question from May still going: *if you could report one thing the "
            "business really needs to see, what would it be?* Four answers the room kept coming back to."
        ),
        "lessons": [
            {
                "statement": "Report the decisions the business owes its projects, with who owes each one",
                "body": (
                    "Progress reports describe what the project did. A short list of decisions "
                    "awaited, each with an owner and a date needed, is the page senior people act on."
                ),
                "themes": ["Reporting", "Decision making"],
                "voices": [_at("tom.brennan")],
            },
            {
                "statement": "Report the benefits actually banked, not the ones still promised",
                "themes": ["Benefits realisation", "Reporting"],
                "voices": [_at("eileen.parry")],
            },
            {
                "statement": (
                    "Name the five people every project depends "
                    "on: the most useful chart you will draw"
                ),
                "body": (
                    "On a transformation programme, the same five names appeared on the critical "
                    "path of eleven projects. Nobody had noticed until it was on one page."
                ),
                "themes": ["Resource management", "Reporting"],
                "voices": [_at("raj.patel")],
            },
            {
                "statement": "Bad decisions hide in the change log: count the changes that undo earlier ones",
                "body": (
                    "On a product launch, one change in six reversed an earlier decision. Each "
                    "reversal had a cost nobody had added up, and that total made the board listen."
                ),
                "themes": [COST, "Reporting"],
                "voices": [_at("fiona.campbell"), ORGANISER],
            },
        ],
    },
    {
        "event": "birmingham-2017-gateways",
        "by": ORGANISER,
        "introduction": (
            "Difficult gateways: the reviews where every stakeholder turns up with a different "
            "question. Hard work, and according to most of the room the best part of the job."
        ),
        "lessons": [
            {
                "statement": (
                    "A difficult gate review is the fastest way "
                    "to learn how the business really works"
                ),
                "body": (
                    "Finance, operations and legal each want something different from the same "
                    "project. Handling the exceptions teaches you more than a year of smooth gates."
                ),
                "themes": [LIKE, "Governance", "Stakeholder management"],
                "voices": [_at("eileen.parry")],
            },
            {
                "statement": "Send the gate questions a week early; a review that surprises decides nothing",
                "themes": ["Governance", "Assurance"],
                "voices": [_at("megan.lloyd")],
            },
            {
                "statement": (
                    "The PMO runs the gate and the board decides; "
                    "blur that and the PMO owns every no"
                ),
                "body": (
                    "When the PMO is seen to pass or fail projects, project managers argue with the "
                    "PMO instead of fixing the project. Keep the decision, visibly, with the board."
                ),
                "themes": [AUTHORITY, "Governance"],
                "voices": [_at("gareth.evans"), _at("raj.patel")],
            },
            {
                "statement": (
                    "A gate passed with conditions needs someone "
                    "to check them, or it was just a pass"
                ),
                "body": (
                    "Conditions recorded at the gate and never followed up were the most common "
                    "finding in the next review. Put each one in the RAID log with an owner."
                ),
                "themes": ["Governance", "RAID logs"],
                "voices": [_at("tom.brennan")],
            },
        ],
    },
    {
        "event": "birmingham-2019-resources",
        "by": ORGANISER,
        "introduction": (
            "Who is actually free? An evening about resource management without the fiction, with a "
            "good crowd up from Manchester and Bristol."
        ),
        "lessons": [
            {
                "statement": "A capacity plan is believed only when the people in it have seen it",
                "body": (
                    "Plans built from timesheets were argued with. Plans shown to team leads every "
                    "fortnight, and corrected by them, were used to say no to new work."
                ),
                "themes": ["Resource management", "Stakeholder management"],
                "voices": [_at("michael.turner")],
            },
            {
                "statement": (
                    "Count the named experts, not the headcount: "
                    "projects queue for people, not hours"
                ),
                "themes": ["Resource management", "Portfolio prioritisation"],
                "voices": [_at("fiona.campbell")],
            },
            {
                "statement": (
                    "Starting fewer projects finishes more; show "
                    "it with the organisation's own numbers"
                ),
                "body": (
                    "A chart of projects started against projects finished, over two years, did "
                    "what no maturity model could: the board cut the intake by a third."
                ),
                "themes": ["Portfolio prioritisation", "Resource management", "Reporting"],
                "voices": [_at("sam.whitaker")],
            },
            {
                "statement": "Business as usual always wins the fight for people; plan for it, don't pretend",
                "body": (
                    "Assume the operational teams give projects half of what they promise in "
                    "November and March. The plans that allowed for it were the ones that held."
                ),
                "themes": ["Resource management", STRUGGLE],
                "voices": [_at("tom.brennan"), _at("eileen.parry")],
            },
        ],
    },
    {
        "event": "birmingham-2022-support-group",
        "by": ORGANISER,
        "introduction": (
            "Our first evening back in a room since 2020, and at times it felt like a PMO support "
            "group. What changed while we were all on video calls, and what we want to keep."
        ),
        "lessons": [
            {
                "statement": (
                    "Remote work made the PMO more useful and "
                    "less visible: tell people what you did"
                ),
                "body": (
                    "The PMO kept the portfolio running through lockdowns, and nobody saw it happen. "
                    "A short monthly note of what the PMO changed, not just what it reported, fixed that."
                ),
                "themes": [STRUGGLE, "Stakeholder management"],
                "voices": [_at("helen.brooks")],
            },
            {
                "statement": (
                    "People bring the PMO the problems they can't "
                    "take to their manager; protect that"
                ),
                "themes": [LIKE, PMO_LESSONS],
                "voices": [_at("eileen.parry")],
            },
            {
                "statement": "\"Can the PMO just...\" is how scope creeps in: answer with a service or a no",
                "body": (
                    "Every favour becomes a service by the third month, without the people to run "
                    "it. Write each one down, and take the list to the sponsor twice a year."
                ),
                "themes": [AUTHORITY, STRUGGLE, "PMO set-up"],
                "voices": [_at("liam.doyle"), _at("raj.patel")],
            },
            {
                "statement": "A PMO team that has stopped challenging is a tired team: notice the silence",
                "themes": [STRUGGLE, "Career growth"],
                "voices": [_at("gareth.evans")],
            },
            {
                "statement": (
                    "The lessons that crossed organisations "
                    "this year came by phone, not by document"
                ),
                "body": (
                    "Asked where their most useful lesson came from, nearly everyone named a person "
                    "in another PMO. The network is the lessons log."
                ),
                "themes": [PMO_LESSONS, "Lessons learnt"],
                "voices": [_at("ben.fletcher"), _at("tom.brennan")],
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
    {
        "event": "london-2018-bad-decisions",
        "by": NADIA,
        "text": "What is the most expensive decision you have watched being made, or not made?",
        "answers": {
            _at("daniel.price"): (
                "Waiting six weeks for a design sign-off "
                "with a full contractor team on site."
            ),
            _at("hannah.kowalski"): (
                "Keeping a favourite project alive for "
                "three years after its case had gone."
            ),
            _at("chloe.martin"): "Approving two overlapping systems because two directors would not meet.",
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
