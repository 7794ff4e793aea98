"""The database keeps history: deleting a chapter, an event or a person never erases who went where.

Deleting a parent row that history hangs on is refused by the database itself (foreign keys ON DELETE
RESTRICT), on SQLite and PostgreSQL, whether the DELETE comes from the ORM or straight from SQL. Chapters
are archived and accounts deleted by services that keep the rows instead.
"""

from __future__ import annotations

import pytest
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError

from flashmob.events.models import Chapter, ChapterMembership, Event, EventInterest, Rsvp, RsvpStatus, WalkIn
from flashmob.extensions import db
from flashmob.members import sessions
from flashmob.members.models import EmailOptOut, User, UserSession
from flashmob.outbox import OutboxMessage, queue_email


def count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def refused(delete_it) -> None:
    """The database refuses the delete, and nothing changes."""
    with pytest.raises(IntegrityError):
        delete_it()
        db.session.flush()
    db.session.rollback()


@pytest.fixture
def evening(create_chapter, create_event, create_user):
    """A chapter with an event that Ada answered."""
    chapter = create_chapter("Leeds")
    event = create_event(chapter)
    ada = create_user("Ada")
    db.session.add(Rsvp(event=event, user=ada, status=RsvpStatus.GOING))
    db.session.commit()
    return chapter, event, ada


def test_the_database_refuses_to_delete_a_chapter_that_has_events(evening):
    chapter, _, _ = evening
    refused(lambda: db.session.delete(chapter))
    refused(lambda: db.session.execute(delete(Chapter).where(Chapter.id == chapter.id)))
    assert count(Chapter) == 1
    assert count(Event) == 1


def test_the_database_refuses_to_delete_an_event_that_people_answered(evening):
    _, event, _ = evening
    refused(lambda: db.session.delete(event))
    refused(lambda: db.session.execute(delete(Event).where(Event.id == event.id)))
    assert count(Rsvp) == 1


def test_the_database_refuses_to_delete_a_person_who_has_rsvps(evening):
    _, _, ada = evening
    refused(lambda: db.session.delete(ada))
    refused(lambda: db.session.execute(delete(User).where(User.id == ada.id)))
    assert count(User) == 1
    assert count(Rsvp, Rsvp.user_id == ada.id) == 1


def test_the_database_refuses_to_delete_an_event_with_walk_ins_or_save_the_date_interests(
    create_event, create_user
):
    walked_in = create_event()
    db.session.add(WalkIn(event=walked_in, name="Wanda"))
    awaited = create_event(date_tbc=True)
    db.session.add(EventInterest(event=awaited, user=create_user("Grace")))
    db.session.commit()
    for event in (walked_in, awaited):
        refused(lambda event=event: db.session.execute(delete(Event).where(Event.id == event.id)))
    assert count(Event) == 2


def test_the_database_refuses_to_delete_a_person_walked_in_to_an_evening(create_event, create_user):
    grace = create_user("Grace")
    db.session.add(WalkIn(event=create_event(), name="Grace H", email=grace.email, user=grace))
    db.session.commit()
    refused(lambda: db.session.execute(delete(User).where(User.id == grace.id)))
    assert db.session.scalar(select(WalkIn.user_id)) == grace.id


def test_a_chapter_without_events_and_a_person_without_history_can_still_go(
    create_chapter, create_event, create_user, add_member
):
    chapter = create_chapter("Brand new")
    ada = create_user("Ada")
    add_member(chapter, ada)
    # What she did as an organiser elsewhere only records who acted: it stays, unlinked.
    elsewhere = create_event(created_by=ada)
    db.session.add(WalkIn(event=elsewhere, name="Wanda", added_by=ada))
    sessions.sign_in(ada, user_agent="pytest", remember=False)
    db.session.add(EmailOptOut(user_id=ada.id, kind="reminders"))
    queue_email(to=ada.email, subject="Hello", template="test_message", kind="account", user_id=ada.id)
    db.session.commit()

    db.session.delete(ada)
    db.session.delete(chapter)
    db.session.commit()

    # A person's private data goes with them: sign-ins, email settings, their email, their memberships.
    for model in (UserSession, EmailOptOut, OutboxMessage, ChapterMembership):
        assert count(model) == 0, model.__name__
    assert count(User) == 0
    assert db.session.scalars(select(Chapter.name)).all() == [elsewhere.chapter.name]
    assert db.session.scalar(select(Event.created_by_id)) is None
    assert db.session.scalar(select(WalkIn.added_by_id)) is None
