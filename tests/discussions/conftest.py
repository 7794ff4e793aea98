"""Fixtures for write-ups and discussions: a past evening with its people (organisers, attendees, an invited
editor), a chapter with people in every role, an evening to comment on, posting helpers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from flashmob.discussions.threads import services as thread_services
from flashmob.discussions.threads.models import ThreadKind
from flashmob.discussions.writeups import services
from flashmob.events.models import Rsvp, RsvpStatus
from flashmob.extensions import db
from flashmob.types import utcnow
from tests import factories


def going(event, user, status=RsvpStatus.GOING):
    rsvp = Rsvp(event=event, user=user, status=status)
    db.session.add(rsvp)
    db.session.commit()
    return rsvp


@pytest.fixture
def world(app):
    """The role matrix around a past evening of its chapter, with two attendees (one an editor)."""
    people = factories.create_role_matrix()
    starts = (datetime.now(UTC) - timedelta(days=7)).replace(hour=17, minute=30, second=0, microsecond=0)
    evening = factories.create_event(people["chapter"], title="Reporting that gets read", starts_at=starts)
    people["evening"] = evening
    people["attendee"] = factories.create_user("Ann Attendee", email_confirmed_at=utcnow())
    people["editor"] = factories.create_user("Ed Editor", email_confirmed_at=utcnow())
    people["voice"] = factories.create_user("Vera Voice", email_confirmed_at=utcnow())
    for person in (people["attendee"], people["editor"], people["voice"]):
        going(evening, person)
    people["stranger"] = people["member"]  # a member of the chapter who did not come
    return people


@pytest.fixture
def writeup(world):
    """A draft write-up of the evening with one lesson, and the editor invited."""
    organiser = world["organiser"]
    draft = services.start_writeup(world["evening"], actor=organiser)
    services.invite_editor(draft, world["editor"], actor=organiser)
    services.add_lesson(
        draft,
        services.LessonInput("Nobody reads a 40-page status report", "Keep it to one page."),
        actor=organiser,
    )
    db.session.commit()
    return draft
@pytest.fixture
def people(app):
    """The role matrix, confirmed, plus a second member and an evening of the chapter."""
    roles = factories.create_role_matrix()
    roles["author"] = factories.create_user("Ari Author")
    factories.add_member(roles["chapter"], roles["author"])
    for key in ("member", "author", "organiser", "other_organiser", "admin"):
        roles[key].email_confirmed_at = utcnow()
    roles["event"] = factories.create_event(roles["chapter"], title="RAID logs that people read")
    db.session.commit()
    return roles


@pytest.fixture
def event_thread(people):
    """The evening's thread, started by the author's comment."""
    event = people["event"]
    thread = thread_services.thread_for_subject(ThreadKind.EVENT, event.id, event.chapter_id)
    posted = thread_services.add_post(
        thread, "Our RAID log only got read once we *cut it* to one page.", actor=people["author"]
    )
    db.session.commit()
    return posted.thread


@pytest.fixture
def comment(event_thread, people):
    """The author's first comment on the evening."""
    from sqlalchemy import select

    from flashmob.discussions.threads.models import Post

    return db.session.scalar(select(Post).where(Post.thread_id == event_thread.id).order_by(Post.id))
