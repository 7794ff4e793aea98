"""Event email as it arrives at a real SMTP server: invitations calendars act on, changes, cancellations,
the day-before reminder, and organisers writing to attendees."""

from __future__ import annotations

import threading
from datetime import timedelta

import icalendar
import pytest
from sqlalchemy import func, select

from flashmob import notifications
from flashmob.events.evenings import services
from flashmob.events.evenings.services import EventDetails
from flashmob.events.messaging import emails
from flashmob.events.models import Event, EventStatus, Rsvp
from flashmob.events.rsvps import services as rsvps
from flashmob.extensions import db
from flashmob.outbox import OutboxMessage
from flashmob.types import utcnow
from tests.conftest import ROLE_NAMES
from tests.events.conftest import signs_in
from tests.mail import deliver, render_queued

SITE_ADDRESS = "mailto:hello@flashmob.example.org"


# Reading what arrived


def text_of(email) -> str:
    return email.get_body(preferencelist=("plain",)).get_content()


def html_of(email) -> str | None:
    part = email.get_body(preferencelist=("html",))
    return part.get_content() if part is not None else None


def calendar_of(email):
    """(METHOD from the part's Content-Type, the parsed VEVENT), or None when there is no invitation."""
    for part in email.walk():
        if part.get_content_type() == "text/calendar":
            calendar = icalendar.Calendar.from_ical(part.get_content())
            assert str(calendar["METHOD"]) == part.get_param("method")
            return part.get_param("method"), calendar.walk("VEVENT")[0]
    return None


def attendees(vevent) -> list[str]:
    found = vevent.get("ATTENDEE")
    found = found if isinstance(found, list) else [found]
    return [str(address) for address in found]


def queued(kind: str | None = None) -> list[OutboxMessage]:
    render_queued()
    statement = select(OutboxMessage).order_by(OutboxMessage.id)
    if kind:
        statement = statement.where(OutboxMessage.kind == kind)
    return list(db.session.scalars(statement))


# People and events


@pytest.fixture
def people(create_user):
    return {
        name: create_user(name, email=f"{name.lower()}@example.org") for name in ("Ada", "Ben", "Cleo", "Dev")
    }


@pytest.fixture
def organiser(create_user):
    return create_user("Olu Organiser", email="olu@example.org")


def answer(event, *users):
    for user in users:
        rsvps.rsvp_going(event, user)
    db.session.commit()


def details_of(event: Event, **changes) -> EventDetails:
    values = {
        "title": event.title,
        "starts_at": services.utc_to_local(event.starts_at, event.timezone),
        "ends_at": services.utc_to_local(event.ends_at, event.timezone),
        "timezone": event.timezone,
        "venue_name": event.venue_name,
        "venue_address": event.venue_address,
        "description": event.description,
        "capacity": event.capacity,
    }
    values.update(changes)
    return EventDetails(**values)


# Invitations with RSVP emails


def test_a_confirmed_seat_brings_an_invitation_from_the_chapter_to_the_attendee(
    app, smtp, people, create_event
):
    event = create_event(title="Lessons learnt: the RAID log nobody reads")
    answer(event, people["Ada"])

    [email] = deliver(smtp)["ada@example.org"]

    assert f"http://localhost/events/{event.id}" in text_of(email)
    method, vevent = calendar_of(email)
    assert method == "REQUEST"
    assert str(vevent["UID"]) == event.ical_uid
    assert str(vevent["ORGANIZER"]) == SITE_ADDRESS
    assert attendees(vevent) == ["mailto:ada@example.org"]
    assert vevent["ATTENDEE"].params["PARTSTAT"] == "ACCEPTED"
    assert str(vevent["STATUS"]) == "CONFIRMED"


def test_a_place_on_the_waitlist_brings_no_invitation_and_promotion_brings_one(
    app, smtp, people, create_event
):
    event = create_event(capacity=1)
    answer(event, people["Ada"], people["Ben"])
    arrived = deliver(smtp)
    [waitlisted] = arrived["ben@example.org"]
    assert "waitlist" in text_of(waitlisted)
    assert calendar_of(waitlisted) is None

    rsvps.rsvp_not_going(event, people["Ada"])
    db.session.commit()

    [promoted] = deliver(smtp)["ben@example.org"]
    method, vevent = calendar_of(promoted)
    assert method == "REQUEST"
    assert attendees(vevent) == ["mailto:ben@example.org"]


# Changes and cancellations


def test_a_new_time_tells_everyone_concerned_and_updates_the_calendars_of_those_going(
    app, smtp, people, organiser, create_event
):
    event = create_event(capacity=2)
    answer(event, people["Ada"], people["Ben"], people["Cleo"])
    rsvps.rsvp_not_going(event, people["Dev"])
    db.session.commit()
    deliver(smtp)

    new_start = services.utc_to_local(event.starts_at, event.timezone) + timedelta(days=7)
    services.update_event(
        event, details_of(event, starts_at=new_start, ends_at=new_start + timedelta(hours=2)), actor=organiser
    )
    db.session.commit()
    arrived = deliver(smtp)

    assert set(arrived) == {"ada@example.org", "ben@example.org", "cleo@example.org"}
    [email] = arrived["ada@example.org"]
    assert email["Subject"] == f"Changed: {event.title}"
    assert "new time or place" in text_of(email)
    assert f"http://localhost/events/{event.id}" in text_of(email)
    assert f"http://localhost/events/{event.id}" in html_of(email)
    assert email["List-Unsubscribe"]
    method, vevent = calendar_of(email)
    assert (method, str(vevent["UID"]), vevent["SEQUENCE"]) == ("REQUEST", event.ical_uid, 1)
    assert attendees(vevent) == ["mailto:ada@example.org"]
    [waiting] = arrived["cleo@example.org"]
    assert "still on the waitlist" in text_of(waiting)
    assert calendar_of(waiting) is None


def test_a_new_title_alone_sends_nothing(app, people, organiser, create_event):
    event = create_event()
    answer(event, people["Ada"])

    services.update_event(event, details_of(event, title="A better title"), actor=organiser)
    db.session.commit()

    assert queued("event_changed") == []


def test_cancelling_takes_the_event_out_of_calendars_with_the_same_uid_and_a_higher_sequence(
    app, smtp, people, organiser, create_event
):
    event = create_event(capacity=1)
    answer(event, people["Ada"], people["Ben"])
    [confirmation] = deliver(smtp)["ada@example.org"]
    _, confirmed = calendar_of(confirmation)

    services.cancel_event(event, actor=organiser, reason="The venue flooded <b>badly</b>.")
    db.session.commit()
    arrived = deliver(smtp)

    assert set(arrived) == {"ada@example.org", "ben@example.org"}
    [email] = arrived["ada@example.org"]
    assert email["Subject"] == f"Cancelled: {event.title}"
    assert "The venue flooded <b>badly</b>." in text_of(email)
    assert "The venue flooded &lt;b&gt;badly&lt;/b&gt;." in html_of(email)
    method, vevent = calendar_of(email)
    assert method == "CANCEL"
    assert str(vevent["UID"]) == str(confirmed["UID"])
    assert vevent["SEQUENCE"] > confirmed["SEQUENCE"]
    assert str(vevent["STATUS"]) == "CANCELLED"
    assert attendees(vevent) == ["mailto:ada@example.org"]
    assert calendar_of(arrived["ben@example.org"][0])[0] == "CANCEL"


def test_stopping_event_changes_stops_the_cancellation_email_only(app, people, organiser, create_event):
    event = create_event()
    answer(event, people["Ada"], people["Ben"])
    notifications.stop_kind(people["Ada"].id, "event_changes")
    db.session.commit()

    services.cancel_event(event, actor=organiser)
    db.session.commit()

    assert [m.to_address for m in queued("event_cancelled")] == ["ben@example.org"]
    assert len(queued("rsvp_confirmed")) == 2


def test_cancelling_only_counts_the_recipients_in_the_request_and_the_worker_reads_them_in_one_query(
    app, people, organiser, create_event, count_queries
):
    event = create_event()
    answer(event, *people.values())
    render_queued()  # their confirmations

    with count_queries() as request:
        told = emails.tell_event_cancelled(event)
        db.session.commit()
    with count_queries() as worker:
        render_queued()

    reading_rsvps = [s for s in request.statements if "FROM rsvps" in s]
    assert len(reading_rsvps) == 1 and reading_rsvps[0].lstrip().startswith("SELECT count(")
    assert len([s for s in worker.statements if "FROM rsvps" in s]) == 1
    assert told == len(queued("event_cancelled")) == 4


# The day-before reminder


def soon(create_event, hours: float, **fields) -> Event:
    return create_event(starts_at=utcnow().replace(microsecond=0) + timedelta(hours=hours), **fields)


def test_people_going_get_one_reminder_even_when_the_job_runs_twice(app, smtp, people, create_event):
    event = soon(create_event, 30, capacity=2)
    answer(event, people["Ada"], people["Ben"], people["Cleo"])
    notifications.stop_kind(people["Ben"].id, "reminders")
    db.session.commit()
    deliver(smtp)

    assert emails.send_reminders() == 1
    db.session.commit()
    assert emails.send_reminders() == 0
    db.session.commit()
    arrived = deliver(smtp)

    assert set(arrived) == {"ada@example.org"}  # Ben stopped reminders; Cleo is only waiting
    [email] = arrived["ada@example.org"]
    assert email["Subject"] == f"Tomorrow: {event.title}"
    assert "A reminder: you are going" in text_of(email)
    assert f"http://localhost/events/{event.id}" in html_of(email)
    assert "Reminders the day before" in text_of(email)
    db.session.refresh(event)
    assert event.reminder_sent_at is not None


@pytest.mark.parametrize("hours", [12, 40])
def test_events_not_yet_a_day_away_or_too_close_get_no_reminder(app, people, create_event, hours):
    event = soon(create_event, hours)
    answer(event, people["Ada"])

    assert emails.send_reminders() == 0
    assert queued("reminder") == []


def test_cancelled_and_draft_events_get_no_reminder(app, people, organiser, create_event):
    event = soon(create_event, 30)
    answer(event, people["Ada"])
    services.cancel_event(event, actor=organiser)
    soon(create_event, 30, status=EventStatus.DRAFT)
    db.session.commit()

    assert emails.send_reminders() == 0


def test_two_ticks_at_the_same_moment_send_each_reminder_once(app, people, create_event):
    events = [soon(create_event, 30 + n) for n in range(3)]
    for event in events:
        answer(event, *people.values())
    barrier = threading.Barrier(2)
    errors = []

    def run():
        try:
            with app.app_context():
                barrier.wait()
                emails.send_reminders()
                db.session.commit()
                db.session.remove()
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    assert errors == []
    render_queued()
    counts = db.session.execute(
        select(OutboxMessage.to_address, func.count())
        .where(OutboxMessage.kind == "reminder")
        .group_by(OutboxMessage.to_address)
    ).all()
    assert sorted(counts) == [(f"{name.lower()}@example.org", 3) for name in ("Ada", "Ben", "Cleo", "Dev")]


def test_the_events_tick_sends_the_reminders(app, people, create_event):
    from flashmob.events import jobs

    answer(soon(create_event, 30), people["Ada"])

    report = jobs.run_tick()

    assert "reminders queued for 1 event" in report.done
    assert [m.to_address for m in queued("reminder")] == ["ada@example.org"]


# Organisers writing to attendees


@pytest.fixture
def full_event(roles, create_event, people):
    """An event of the role matrix's chapter: Ada and Ben going, Cleo in line, Dev not going."""
    event = create_event(roles["chapter"], title="Benefits <realisation>", capacity=2)
    answer(event, people["Ada"], people["Ben"], people["Cleo"])
    rsvps.rsvp_not_going(event, people["Dev"])
    db.session.commit()
    db.session.execute(OutboxMessage.__table__.delete())
    db.session.commit()
    return event


def message_form(**overrides) -> dict:
    data = {"subject": "Room change", "body": "We are on the **first floor**.\n\n<script>alert(1)</script>"}
    data.update(overrides)
    return data


@pytest.mark.parametrize("role", ROLE_NAMES)
def test_the_message_page_is_for_the_chapters_organisers_and_admins(client, as_role, role, full_event):
    as_role(role)
    response = client.get(f"/events/{full_event.id}/message")
    if role == "anonymous":
        assert signs_in(response)
    elif role in ("member", "other_organiser"):
        assert response.status_code == 403
    else:
        page = response.get_data(as_text=True)
        assert response.status_code == 200
        assert "This goes to the 2 people going, and to the 1 waiting" in page
        assert '<label for="subject">Subject</label>' in page


@pytest.mark.parametrize("role", ROLE_NAMES)
def test_sending_a_message_follows_the_role(client, as_role, role, full_event):
    as_role(role)
    response = client.post(f"/events/{full_event.id}/message", data=message_form())
    if role == "anonymous":
        assert signs_in(response)
    elif role in ("member", "other_organiser"):
        assert response.status_code == 403
    else:
        assert response.status_code == 302
        assert client.get(response.headers["Location"]).status_code == 200
    expected = 2 if role in ("organiser", "admin") else 0
    assert len(queued("organiser_message")) == expected


def test_a_message_goes_to_each_person_going_with_a_flash_saying_how_many(client, as_role, full_event):
    as_role("organiser")
    response = client.post(f"/events/{full_event.id}/message", data=message_form(), follow_redirects=True)

    assert "Sent to 2 people." in response.get_data(as_text=True)
    assert sorted(m.to_address for m in queued("organiser_message")) == ["ada@example.org", "ben@example.org"]


def test_a_message_can_include_the_waitlist_and_leaves_out_those_who_stopped_them(
    client, as_role, full_event, people
):
    notifications.stop_kind(people["Ben"].id, "organiser_messages")
    db.session.commit()
    as_role("organiser")

    page = client.get(f"/events/{full_event.id}/message").get_data(as_text=True)
    assert "This goes to the 1 person going, and to the 1 waiting" in page
    response = client.post(
        f"/events/{full_event.id}/message", data=message_form(include_waitlisted="y"), follow_redirects=True
    )

    assert "Sent to 2 people." in response.get_data(as_text=True)
    assert sorted(m.to_address for m in queued("organiser_message")) == [
        "ada@example.org",
        "cleo@example.org",
    ]


def test_a_message_arrives_as_text_and_sanitised_html_with_the_event_link(
    app, smtp, client, as_role, full_event
):
    as_role("organiser")
    client.post(f"/events/{full_event.id}/message", data=message_form(subject="Room <change>"))

    [email] = deliver(smtp)["ada@example.org"]

    assert email["Subject"] == "Room <change> (Benefits <realisation>)"
    text, html = text_of(email), html_of(email)
    assert "Olu Organiser, an organiser of Benefits <realisation>, writes:" in text
    assert "We are on the first floor." in text
    assert "<strong>first floor</strong>" in html
    assert "<script>" not in html
    assert "Room &lt;change&gt;" in html
    assert "Benefits &lt;realisation&gt;" in html
    assert f"http://localhost/events/{full_event.id}" in text
    assert f"http://localhost/events/{full_event.id}" in html
    assert "Messages from organisers" in text
    assert email["List-Unsubscribe"]
    assert calendar_of(email) is None


def test_replies_go_to_the_organiser_unless_they_choose_another_address(
    app, smtp, client, as_role, full_event
):
    organiser = as_role("organiser")
    page = client.get(f"/events/{full_event.id}/message").text
    assert f'value="{organiser.email}"' in page
    assert "Everyone who gets the email sees this address" in page

    client.post(
        f"/events/{full_event.id}/message", data=message_form(reply_to="Birmingham@PMO-Flashmob.example")
    )
    client.post(f"/events/{full_event.id}/message", data=message_form(subject="No replies", reply_to=""))

    emails_to_ada = deliver(smtp)["ada@example.org"]
    assert [email["Reply-To"] for email in emails_to_ada] == ["birmingham@pmo-flashmob.example", None]


def test_a_reply_to_that_is_not_an_address_is_refused_at_the_field(client, as_role, full_event):
    as_role("organiser")
    response = client.post(f"/events/{full_event.id}/message", data=message_form(reply_to="not an address"))
    assert response.status_code == 422
    assert 'id="reply_to-error"' in response.text
    assert queued("organiser_message") == []


@pytest.mark.parametrize(
    "field, form, message",
    [
        ("subject", message_form(subject=""), "Please write a subject."),
        ("subject", message_form(subject="   "), "Please write a subject."),
        ("subject", message_form(subject="x" * 151), "150 characters"),
        ("body", message_form(body=""), "Please write a message."),
        ("body", message_form(body=" \n "), "Please write a message."),
    ],
)
def test_bad_messages_are_refused_at_the_field_and_nothing_is_sent(
    client, as_role, full_event, field, form, message
):
    as_role("organiser")

    response = client.post(f"/events/{full_event.id}/message", data=form)

    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f'id="{field}-error"' in page
    assert message in page
    assert queued("organiser_message") == []


def test_sending_a_message_needs_a_csrf_token(client, as_role, full_event, csrf_enabled):
    as_role("organiser")
    assert client.post(f"/events/{full_event.id}/message", data=message_form()).status_code == 400
    assert queued("organiser_message") == []


def test_the_event_page_offers_organisers_the_message_page(client, as_role, full_event):
    link = f'href="/events/{full_event.id}/message"'
    as_role("organiser")
    assert link in client.get(f"/events/{full_event.id}").get_data(as_text=True)
    as_role("member")
    assert link not in client.get(f"/events/{full_event.id}").get_data(as_text=True)


def test_a_draft_has_nobody_to_write_to(client, as_role, roles, create_event):
    draft = create_event(roles["chapter"], status=EventStatus.DRAFT)
    as_role("organiser")
    assert client.get(f"/events/{draft.id}/message").status_code == 403


def test_the_audience_counts_people_going_and_waiting_but_not_those_not_going(full_event):
    assert db.session.scalar(select(func.count(Rsvp.id)).where(Rsvp.event_id == full_event.id)) == 4
    assert emails.message_audience(full_event) == emails.Audience(going=2, waiting=1)
