"""The write-up pages for the accessibility and HTML checks: a published write-up of the past evening
with a lesson the member agreed to be named on, its editor, forms, and the consent page."""

from __future__ import annotations

from tests.browser.pages import ANYONE, ORGANISER, PageKind, _goto, _send
from tests.browser.site import Site


def _writeup(site: Site):
    """The past evening's write-up, published, with a lesson voiced by the member (made once)."""
    from sqlalchemy import select

    from flashmob.discussions.models import Writeup
    from flashmob.discussions.writeups import services
    from flashmob.events.models import Rsvp, RsvpStatus
    from flashmob.extensions import db

    db.session.rollback()
    found = db.session.scalar(select(Writeup).where(Writeup.event_id == site.past.id))
    if found is not None:
        return found
    for person in (site.member, site.organiser):
        db.session.add(Rsvp(event_id=site.past.id, user_id=person.id, status=RsvpStatus.GOING))
    db.session.flush()
    writeup = services.start_writeup(site.past, actor=site.organiser)
    services.update_introduction(
        writeup, "We talked about **what a portfolio reset costs**.", actor=site.organiser
    )
    saved = services.add_lesson(
        writeup,
        services.LessonInput(
            "Cut projects early, or they cost twice",
            body="A project stopped in its first month frees *people*, not just money.",
            themes="portfolio, decisions",
            voice_ids=[site.member.id],
        ),
        actor=site.organiser,
    )
    services.add_lesson(writeup, services.LessonInput("Say what the PMO cannot decide"), actor=site.organiser)
    services.answer_voice(saved.lesson.voices[0], agree=True, actor=site.member)
    services.set_question(site.past, "What would you have cut first?", actor=site.organiser)
    services.publish(writeup, actor=site.organiser)
    db.session.commit()
    return writeup


def _writeup_id(site):
    return _writeup(site).id


def _lesson_id(site):
    return _writeup(site).lessons[0].id


def _asked_voice_id(site):
    """A voice the member has not answered yet: the second lesson names them."""
    from flashmob.discussions.writeups import services
    from flashmob.extensions import db

    writeup = _writeup(site)
    lesson = writeup.lessons[1]
    voice = next((v for v in lesson.voices if v.user_id == site.member.id), None)
    if voice is None:
        voice = services.name_voice(lesson, site.member, actor=site.organiser)
        db.session.commit()
    return voice.id


def _bad_lesson(main, site):
    main.get_by_label("The lesson, in one line").fill("   ")
    main.get_by_label("Themes (comma-separated)").fill("x" * 41)


def _account_named_in(page, server, site):
    """The member's account page, with a lesson they agreed to and one they were asked about."""
    _asked_voice_id(site)
    return page.goto(server.path("members.account"))


_writeup_values = {"writeup_id": _writeup_id}

WRITEUP_KINDS: list[PageKind] = [
    PageKind("writeup", ANYONE, 200, _goto("discussions.writeup", **_writeup_values)),
    PageKind("lesson", ANYONE, 200, _goto("discussions.lesson", lesson_id=_lesson_id)),
    PageKind(
        "past-event-with-writeup",
        ANYONE,
        200,
        _goto("events.detail", event_id=lambda s: _writeup(s).event_id),
    ),
    PageKind("writeup-edit", ORGANISER, 200, _goto("discussions.edit_writeup", **_writeup_values)),
    PageKind("lesson-new", ORGANISER, 200, _goto("discussions.new_lesson", **_writeup_values)),
    PageKind(
        "lesson-new-errors",
        ORGANISER,
        422,
        _send("discussions.new_lesson", _bad_lesson, "Save lesson", **_writeup_values),
    ),
    PageKind("lesson-edit", ORGANISER, 200, _goto("discussions.edit_lesson", lesson_id=_lesson_id)),
    PageKind(
        "question", ORGANISER, 200, _goto("discussions.set_question", event_id=lambda s: _writeup(s).event_id)
    ),
    PageKind("voice", frozenset({"member"}), 200, _goto("discussions.voice", voice_id=_asked_voice_id)),
    PageKind(
        "account-named-in",
        frozenset({"member"}),
        200,
        lambda page, server, site: (_asked_voice_id(site), page.goto(server.path("members.account")))[1],
    ),
]
