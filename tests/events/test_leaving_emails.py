"""People who leave an event find it gone from their calendar; pages promise email only when one was sent;
members waiting for a save-the-date's date hear when it is called off."""

from __future__ import annotations

import html
from datetime import timedelta

import icalendar
import pytest
from sqlalchemy import select

from flashmob import notifications
from flashmob.events.evenings import interests, services
from flashmob.events.models import Event, EventInterest, EventStatus, Rsvp, RsvpStatus
from flashmob.events.rsvps import services as rsvps
from flashmob.extensions import db
from flashmob.outbox import OutboxMessage
from flashmob.types import utcnow
from tests.mail import deliver, render_queued

# Reading what arrived



def subject_of(email) -> str:
    return " ".join(str(email["Subject"]).split())  # a long subject is folded over lines


def text_of(email) -> str:
    return email.get_body(preferencelist=("plain",)).get_content()


def calendar_of(email):
    """(METHOD, the parsed VEVENT) of the invitation an email carries, or None."""
    for part in email.walk():
        if part.get_content_type() == "text/calendar":
            calendar = icalendar.Calendar.from_ical(part.get_content())
            assert str(calendar["METHOD"]) == part.get_param("method")
            return part.get_param("method"), calendar.walk("VEVENT")[0]
    return None


def page_text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def queued(kind: str) -> list[OutboxMessage]:
    render_queued()
    return list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == kind)))


def rsvp_of(event: Event, user) -> Rsvp:
    db.session.expire_all()
    return db.session.scalar(select(Rsvp).where(Rsvp.event_id == event.id, Rsvp.user_id == user.id))


# People and events


@pytest.fixture
def people(create_user):
    return {name: create_user(name, email=f"{name.lower()}@example.org") for name in ("Ada", "Ben", "Cleo")}


@pytest.fixture
def event(roles, create_event):
    """Two seats in the role matrix's chapter, a fortnight away."""
    return create_event(roles["chapter"], title="Lessons learnt: the RAID log nobody reads", capacity=2)


def answer(event, *users):
    for user in users:
        rsvps.rsvp_going(event, user)
    db.session.commit()


def assert_cancels_the_invitation(email, invitation, event):
    """The email carries a CANCEL for this person of the invitation they had: same UID, same SEQUENCE."""
    method, vevent = calendar_of(email)
    assert method == "CANCEL"
    assert str(vevent["UID"]) == str(invitation["UID"]) == event.ical_uid
    assert vevent["SEQUENCE"] == invitation["SEQUENCE"] == event.sequence
    assert str(vevent["STATUS"]) == "CANCELLED"
    assert str(vevent["ATTENDEE"]) == str(invitation["ATTENDEE"])


# 1. Leaving takes the event out of the calendar


def test_saying_not_going_after_having_a_seat_emails_a_cancellation_of_the_invitation(
    app, smtp, client, login, people, event
):
    answer(event, people["Ada"])
    [confirmation] = deliver(smtp)["ada@example.org"]
    method, invitation = calendar_of(confirmation)
    assert method == "REQUEST"

    login(people["Ada"])
    client.post(f"/events/{event.id}/rsvp/not-going")
    arrived = deliver(smtp)

    [email] = arrived["ada@example.org"]
    assert subject_of(email) == f"You're no longer going: {event.title}"
    assert "the invitation attached takes it out" in text_of(email)
    assert f"http://localhost/events/{event.id}" in text_of(email)
    assert email["List-Unsubscribe"]
    assert_cancels_the_invitation(email, invitation, event)


def test_the_cancellation_is_at_the_sequence_of_the_latest_invitation(
    app, smtp, people, roles, event
):
    answer(event, people["Ada"])
    start = services.utc_to_local(event.starts_at, event.timezone) + timedelta(days=1)
    details = services.EventDetails(
        title=event.title, starts_at=start, ends_at=start + timedelta(hours=2), timezone=event.timezone,
        venue_name=event.venue_name, venue_address=event.venue_address, capacity=event.capacity,
    )
    services.update_event(event, details, actor=roles["organiser"])
    db.session.commit()
    [changed] = deliver(smtp)["ada@example.org"][-1:]
    _, invitation = calendar_of(changed)
    assert invitation["SEQUENCE"] == 1

    rsvps.rsvp_not_going(event, people["Ada"])
    db.session.commit()

    [email] = deliver(smtp)["ada@example.org"]
    assert_cancels_the_invitation(email, invitation, event)
    assert event.sequence == 1  # nobody else's copy changed


def test_leaving_the_waitlist_sends_nothing_as_there_is_no_invitation_to_take_out(app, people, event):
    answer(event, people["Ada"], people["Ben"], people["Cleo"])

    rsvps.rsvp_not_going(event, people["Cleo"])
    db.session.commit()

    assert queued("rsvp_not_going") == []


def test_someone_who_stopped_rsvp_email_gets_no_cancellation_email(app, people, event):
    answer(event, people["Ada"])
    notifications.stop_kind(people["Ada"].id, "rsvp")
    db.session.commit()

    rsvps.rsvp_not_going(event, people["Ada"])
    db.session.commit()

    assert queued("rsvp_not_going") == []


def test_an_attendee_taken_off_by_an_organiser_finds_the_event_gone_from_their_calendar(
    app, smtp, client, login, roles, people, event
):
    answer(event, people["Ada"])
    [confirmation] = deliver(smtp)["ada@example.org"]
    _, invitation = calendar_of(confirmation)

    login(roles["organiser"])
    client.post(f"/events/{event.id}/attendees/{rsvp_of(event, people['Ada']).id}/remove")

    [email] = deliver(smtp)["ada@example.org"]
    assert subject_of(email) == f"You are no longer on the list: {event.title}"
    assert "the invitation attached takes it out" in text_of(email)
    assert_cancels_the_invitation(email, invitation, event)


def test_a_declined_request_carries_a_cancellation_for_any_copy_in_their_calendar(
    app, smtp, client, login, roles, people, event
):
    event.requires_approval = True
    db.session.commit()
    answer(event, people["Ada"])
    [pending] = deliver(smtp)["ada@example.org"]
    assert calendar_of(pending) is None

    login(roles["organiser"])
    client.post(f"/events/{event.id}/attendees/{rsvp_of(event, people['Ada']).id}/decline")

    [email] = deliver(smtp)["ada@example.org"]
    assert subject_of(email) == f"Your request was not accepted: {event.title}"
    method, vevent = calendar_of(email)
    assert (method, str(vevent["UID"]), vevent["SEQUENCE"]) == ("CANCEL", event.ical_uid, event.sequence)
    assert str(vevent["ATTENDEE"]) == "mailto:ada@example.org"


# 4. Pages promise an email only when one was queued


def test_going_says_we_emailed_only_to_people_who_get_rsvp_email(client, login, people, event):
    notifications.stop_kind(people["Ada"].id, "rsvp")
    db.session.commit()

    login(people["Ada"])
    page = page_text(client.post(f"/events/{event.id}/rsvp/going", follow_redirects=True))
    assert "You're going." in page
    assert "We've emailed you" not in page

    login(people["Ben"])
    page = page_text(client.post(f"/events/{event.id}/rsvp/going", follow_redirects=True))
    assert "You're going. We've emailed you the details." in page
    assert [m.to_address for m in queued("rsvp_confirmed")] == ["ben@example.org"]


def test_the_waitlist_and_a_request_promise_no_email_to_someone_who_stopped_it(
    client, login, people, event, create_event, roles
):
    answer(event, people["Ben"], people["Cleo"])
    notifications.stop_kind(people["Ada"].id, "rsvp")
    db.session.commit()
    login(people["Ada"])

    page = page_text(client.post(f"/events/{event.id}/rsvp/going", follow_redirects=True))
    assert "you're number 1 on the waitlist" in page
    assert "on the waitlist. We'll email you if a seat frees up." not in page
    assert "You've stopped RSVP emails, so check this page" in page

    asking = create_event(roles["chapter"], requires_approval=True)
    page = page_text(client.post(f"/events/{asking.id}/rsvp/going", follow_redirects=True))
    assert "Your request is with the organisers. You've stopped RSVP emails" in page
    assert "We'll email you when they have decided." not in page
    assert queued("rsvp_waitlisted") == queued("rsvp_pending") == []


def test_claiming_an_offer_says_we_emailed_only_when_we_did(client, login, roles, people, create_event):
    tomorrow = utcnow().replace(microsecond=0) + timedelta(days=1)
    soon = create_event(roles["chapter"], capacity=1, starts_at=tomorrow)
    answer(soon, people["Ben"], people["Ada"])
    rsvps.rsvp_not_going(soon, people["Ben"])
    notifications.stop_kind(people["Ada"].id, "rsvp")
    db.session.commit()
    assert rsvp_of(soon, people["Ada"]).status == RsvpStatus.OFFERED

    login(people["Ada"])
    page = page_text(client.post(f"/events/{soon.id}/rsvp/claim", follow_redirects=True))

    assert "The seat is yours: you're going." in page
    assert "We've emailed you" not in page
    assert rsvp_of(soon, people["Ada"]).status == RsvpStatus.GOING


def test_organisers_are_told_we_emailed_someone_only_when_we_did(client, login, roles, people, event):
    event.requires_approval = True
    answer(event, people["Ada"], people["Ben"])
    notifications.stop_kind(people["Ada"].id, "rsvp")
    db.session.commit()
    login(roles["organiser"])

    page = page_text(client.post(
        f"/events/{event.id}/attendees/{rsvp_of(event, people['Ada']).id}/approve", follow_redirects=True
    ))
    assert "Approved: Ada is going." in page
    assert "We've emailed them" not in page

    page = page_text(client.post(
        f"/events/{event.id}/attendees/{rsvp_of(event, people['Ben']).id}/approve", follow_redirects=True
    ))
    assert "Approved: Ben is going. We've emailed them." in page


# 5. A save-the-date called off


@pytest.fixture
def save_the_date(roles, create_event):
    return create_event(
        roles["chapter"], title="Birmingham summer Flashmob", date_tbc=True, date_hint="July", venue_name=""
    )


def test_cancelling_a_save_the_date_tells_everyone_waiting_for_its_date(
    app, smtp, client, login, roles, people, save_the_date
):
    for person in people.values():
        interests.ask_to_be_told(save_the_date, person)
    notifications.stop_kind(people["Ben"].id, "date_announced")  # stopped save-the-date email
    notifications.stop_kind(people["Cleo"].id, "event_changes")  # stopped only news of events she's going to
    db.session.commit()

    login(roles["organiser"])
    response = client.post(f"/events/{save_the_date.id}/cancel", data={"reason": "No venue <b>free</b>."})
    assert response.status_code == 302
    arrived = deliver(smtp)

    assert set(arrived) == {"ada@example.org", "cleo@example.org"}
    [email] = arrived["ada@example.org"]
    assert subject_of(email) == "Not going ahead: Birmingham summer Flashmob"
    text = text_of(email)
    assert "called it off, so there will be no date" in text
    assert "No venue <b>free</b>." in text
    assert "No venue &lt;b&gt;free&lt;/b&gt;." in email.get_body(preferencelist=("html",)).get_content()
    assert "Save-the-date announcements" in text
    assert email["List-Unsubscribe"]
    assert calendar_of(email) is None  # nobody had an invitation: RSVPs waited for the date
    # Nobody is left waiting for a date that will never come.
    assert interests.interest_panel(save_the_date, None).count == 0


def test_cancelling_an_event_whose_date_was_announced_sends_no_save_the_date_news(
    app, roles, people, save_the_date
):
    interests.ask_to_be_told(save_the_date, people["Ada"])
    save_the_date.date_tbc = False
    interests.announce_date(save_the_date)
    db.session.commit()

    services.cancel_event(save_the_date, actor=roles["organiser"])
    db.session.commit()

    assert queued("date_cancelled") == []
    assert len(queued("date_announced")) == 1


def test_each_waiting_member_hears_of_the_cancellation_once(app, people, save_the_date, roles):
    interests.ask_to_be_told(save_the_date, people["Ada"])
    save_the_date.status = EventStatus.CANCELLED
    db.session.commit()

    assert interests.tell_date_cancelled(save_the_date) == 1
    assert interests.tell_date_cancelled(save_the_date) == 0
    db.session.commit()

    assert [m.to_address for m in queued("date_cancelled")] == ["ada@example.org"]
    ada = people["Ada"].id
    told = db.session.scalar(select(EventInterest.notified_at).where(EventInterest.user_id == ada))
    assert told is not None
