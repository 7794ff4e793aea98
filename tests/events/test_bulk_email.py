"""Bulk event email costs the same number of queries for 5 people as for 25: opt-outs are asked once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from flashmob import notifications, urls
from flashmob.events.evenings import interests
from flashmob.events.messaging import emails
from flashmob.events.models import Event, EventInterest, EventStatus, Rsvp, RsvpStatus
from flashmob.extensions import db
from flashmob.outbox import OutboxMessage
from flashmob.types import utcnow


def recipients(create_user, count: int, kind: str):
    """`count` members; every fifth stopped `kind`."""
    people = [create_user(email=f"bulk{count}-{n}@example.org") for n in range(count)]
    for person in people[::5]:
        notifications.stop_kind(person.id, kind)
    db.session.commit()
    return people


def going(event: Event, people) -> None:
    for person in people:
        db.session.add(Rsvp(event_id=event.id, user_id=person.id, status=RsvpStatus.GOING))
    db.session.commit()


def queued(kind: str) -> int:
    return db.session.scalar(select(func.count(OutboxMessage.id)).where(OutboxMessage.kind == kind))


def changed(create_event, create_user, count):
    event = create_event()
    going(event, recipients(create_user, count, "event_changes"))
    event.sequence += 1
    return lambda: emails.tell_event_changed(event), "event_changed"


def cancelled(create_event, create_user, count):
    event = create_event()
    going(event, recipients(create_user, count, "event_changes"))
    event.status, event.sequence = EventStatus.CANCELLED, event.sequence + 1
    return lambda: emails.tell_event_cancelled(event), "event_cancelled"


def organiser_message(create_event, create_user, count):
    event = create_event()
    going(event, recipients(create_user, count, "organiser_messages"))
    organiser = create_user("Olu Organiser")
    send = lambda: emails.send_organiser_message(  # noqa: E731
        event, subject="Room change", body="First floor.", actor=organiser
    )
    return send, "organiser_message"


def reminders(create_event, create_user, count):
    event = create_event(starts_at=utcnow().replace(microsecond=0) + timedelta(hours=30))
    going(event, recipients(create_user, count, "reminders"))
    return lambda: emails.send_reminders(), "reminder"


def save_the_date(create_event, create_user, count):
    event = create_event(date_tbc=True, date_hint="July", venue_name="")
    for person in recipients(create_user, count, "date_announced"):
        db.session.add(EventInterest(event_id=event.id, user_id=person.id))
    db.session.commit()
    return event


def date_announced(create_event, create_user, count):
    event = save_the_date(create_event, create_user, count)
    event.date_tbc = False
    return lambda: interests.announce_date(event), "date_announced"


def date_cancelled(create_event, create_user, count):
    event = save_the_date(create_event, create_user, count)
    event.status = EventStatus.CANCELLED
    return lambda: interests.tell_date_cancelled(event), "date_cancelled"


SENDS = [changed, cancelled, organiser_message, reminders, date_announced, date_cancelled]


@pytest.mark.parametrize("prepare", SENDS, ids=[send.__name__ for send in SENDS])
def test_sending_to_25_people_runs_no_more_queries_than_sending_to_5(
    app, count_queries, create_event, create_user, prepare
):
    counts = {}
    for size in (5, 25):
        send, kind = prepare(create_event, create_user, size)
        db.session.flush()
        before = queued(kind)
        with count_queries() as counted:
            sent = send()
            db.session.flush()  # the rows themselves go in within the counted block
        counts[size] = counted.count
        # Every fifth person stopped the kind: nothing queued for them, and the count says so.
        assert sent == size - size // 5
        assert queued(kind) - before == size - size // 5
        db.session.commit()

    assert counts[5] == counts[25]


def test_opt_outs_of_many_people_are_read_in_one_query(app, count_queries, create_user):
    ids = [person.id for person in recipients(create_user, 10, "reminders")]

    with count_queries() as counted:
        stopped = notifications.opted_out_of(ids, "reminder")

    assert counted.count == 1
    assert stopped == set(ids[::5])
    assert notifications.opted_out_of(ids, "account") == frozenset()


# One way to make a public address


def test_every_email_and_calendar_address_comes_from_the_one_public_url_helper():
    from flashmob import notifications as notes
    from flashmob.events.calendars import invitations
    from flashmob.events.calendars import views as feeds
    from flashmob.events.checkin import services as checkins
    from flashmob.events.evenings import interests as waiting
    from flashmob.events.rsvps import services as rsvps
    from flashmob.members import services as member_services

    for module in (notes, checkins, rsvps, invitations, waiting, feeds, member_services):
        assert module.public_url is urls.public_url, module.__name__
    assert not hasattr(member_services, "external_url")


def test_public_addresses_use_the_configured_site_not_the_request(app, monkeypatch):
    monkeypatch.setitem(app.config, "BASE_URL", "https://flashmob.example.org/pmo")

    assert urls.public_url("events.detail", event_id=7) == "https://flashmob.example.org/pmo/events/7"
