"""Bulk event email is one job in the request, whatever the audience: the mail worker writes the emails."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from flashmob import notifications, urls
from flashmob.events.evenings import interests
from flashmob.events.messaging import emails
from flashmob.events.models import Event, EventInterest, EventStatus, Rsvp, RsvpStatus
from flashmob.extensions import db
from flashmob.outbox import OutboxJob, OutboxMessage
from flashmob.types import utcnow
from tests.mail import render_queued

NEXT_YEAR = datetime.now(UTC).year + 1


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


def jobs() -> int:
    return db.session.scalar(select(func.count(OutboxJob.id)))


def told_of(event: Event) -> int:
    """How many emails say this event changed."""
    return db.session.scalar(
        select(func.count(OutboxMessage.id))
        .join(Rsvp, Rsvp.user_id == OutboxMessage.user_id)
        .where(OutboxMessage.kind == "event_changed", Rsvp.event_id == event.id)
    )


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
def test_emailing_50_people_writes_one_job_with_the_same_statements_as_emailing_5(
    app, count_queries, create_event, create_user, prepare
):
    counts = {}
    for size in (5, 50):
        send, kind = prepare(create_event, create_user, size)
        db.session.flush()
        messages_before, jobs_before = queued(kind), jobs()
        with count_queries() as counted:
            send()
            db.session.flush()  # the rows themselves go in within the counted block
        counts[size] = counted.count
        db.session.commit()
        # The request wrote one job and no email: nothing was rendered or built in it.
        assert (jobs() - jobs_before, queued(kind) - messages_before) == (1, 0)

        render_queued()

        # The worker wrote one email per person, leaving out every fifth, who stopped the kind.
        assert queued(kind) - messages_before == size - size // 5

    assert counts[5] == counts[50]


def test_changing_an_event_with_50_attendees_runs_the_statements_it_runs_with_5(
    client, roles, login, create_event, create_user, count_queries
):
    login(roles["organiser"])
    counts = {}
    for size in (5, 50):
        event = create_event(roles["chapter"], title=f"Evening for {size}")
        going(event, [create_user(email=f"edit{size}-{n}@example.org") for n in range(size)])
        form = {
            "title": f"Evening for {size}",
            "starts_at": f"{NEXT_YEAR}-07-09T18:30",
            "ends_at": f"{NEXT_YEAR}-07-09T21:00",
            "timezone": "Europe/London",
            "venue_name": "The Wellington",
            "venue_address": "37 Bennetts Hill, Birmingham B2 5SN",
            "description": "Moved.",
            "capacity": "",
        }
        jobs_before = jobs()
        with count_queries() as counted:
            response = client.post(f"/events/{event.id}/edit", data=form)
        assert response.status_code == 302
        counts[size] = counted.count
        # The request wrote one job; the emails are the worker's.
        assert jobs() - jobs_before == 1
        assert told_of(event) == 0
        render_queued()
        assert told_of(event) == size

    assert counts[5] == counts[50]


def test_who_stopped_a_kind_is_asked_in_one_query_per_batch(app, count_queries, create_user):
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
    from flashmob.members import services as member_services

    for module in (notes, checkins, invitations, waiting, feeds, member_services):
        assert module.public_url is urls.public_url, module.__name__
    assert not hasattr(member_services, "external_url")


def test_public_addresses_use_the_configured_site_not_the_request(app, monkeypatch):
    monkeypatch.setitem(app.config, "BASE_URL", "https://flashmob.example.org/pmo")

    assert urls.public_url("events.detail", event_id=7) == "https://flashmob.example.org/pmo/events/7"
