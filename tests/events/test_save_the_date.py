"""Save the date: an event announced before its date is fixed; members ask to be told, and are, once."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import icalendar
import pytest
from sqlalchemy import func, select

from flashmob.events.calendars import ical
from flashmob.events.evenings import interests, services
from flashmob.events.models import Event, EventInterest, EventStatus, RsvpStatus
from flashmob.events.rsvps import services as rsvps
from flashmob.extensions import db
from flashmob.mail_worker import deliver_pending
from flashmob.outbox import OutboxMessage
from flashmob.types import utcnow
from tests.conftest import ROLE_NAMES
from tests.events.conftest import signs_in
from tests.mail import render_queued

NEXT_YEAR = datetime.now(UTC).year + 1
TOLD = ("member", "organiser")  # members of the chapter, organisers included


def event_form(**overrides) -> dict:
    data = {
        "title": "Birmingham summer Flashmob",
        "date_tbc": "y",
        "date_hint": f"Summer {NEXT_YEAR}",
        "starts_at": "",
        "ends_at": "",
        "timezone": "Europe/London",
        "venue_name": "",
        "venue_address": "",
        "description": "Watch out for the new date, and hopefully a venue fit for a summer's evening.",
        "capacity": "30",
        "publish": "Publish",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def dated_form(**overrides) -> dict:
    """The edit form as an organiser sends it when setting the date."""
    values = {
        "date_tbc": None,
        "date_hint": "",
        "starts_at": f"{NEXT_YEAR}-07-16T18:00",
        "ends_at": f"{NEXT_YEAR}-07-16T21:00",
        "venue_name": "The Canal House",
        "venue_address": "12 Bridge Street, Birmingham B1 2JR",
        "publish": None,
    }
    return event_form(**{**values, **overrides})


@pytest.fixture
def save_the_date(roles, create_event):
    """A published save-the-date in the role matrix's chapter, with no venue yet."""
    return create_event(
        roles["chapter"],
        title="Birmingham summer Flashmob",
        date_tbc=True,
        date_hint=f"July {NEXT_YEAR}",
        venue_name="",
        venue_address="",
    )


def event_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Event))


def interested(event: Event) -> set[int]:
    return set(db.session.scalars(select(EventInterest.user_id).where(EventInterest.event_id == event.id)))


def announcements() -> list[OutboxMessage]:
    render_queued()
    return list(
        db.session.scalars(
            select(OutboxMessage).where(OutboxMessage.kind == "date_announced").order_by(OutboxMessage.id)
        )
    )


def field_error(page: str, field: str) -> str:
    """The message shown at a form field (the macro's <p id="<field>-error">), or ''."""
    marker = f'id="{field}-error">'
    if marker not in page:
        return ""
    return page.split(marker, 1)[1].split("</p>", 1)[0]


# Creating a save-the-date


def test_organiser_announces_a_save_the_date_without_times(client, roles, login):
    login(roles["organiser"])
    response = client.post("/chapters/birmingham/events/new", data=event_form())
    assert response.status_code == 302
    event = db.session.scalars(select(Event)).one()
    assert event.date_tbc and event.date_hint == f"Summer {NEXT_YEAR}"
    assert event.is_published
    # The placeholder time only orders lists; it is in the future, and ends after it starts.
    assert event.starts_at > utcnow() and event.ends_at > event.starts_at
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert f"Date to be confirmed: Summer {NEXT_YEAR}" in page
    assert "Venue to be confirmed" in page


def test_the_form_offers_the_date_not_fixed_box_and_the_rough_date(client, roles, login):
    login(roles["organiser"])
    page = client.get("/chapters/birmingham/events/new").get_data(as_text=True)
    assert '<label for="date_tbc">Date not fixed yet (save the date)</label>' in page
    assert '<label for="date_hint">When, roughly</label>' in page


def test_service_places_a_save_the_date_at_a_provisional_date_when_given(roles):
    details = services.EventDetails(
        title="Summer social",
        starts_at=datetime(NEXT_YEAR, 7, 1, 18, 0),
        ends_at=None,
        timezone="Europe/London",
        date_tbc=True,
        date_hint="  July   next year ",
    )
    event = services.create_event(roles["chapter"], details, actor=roles["organiser"], publish=True)
    assert event.date_tbc and event.date_hint == "July next year"
    assert event.local_starts_at.replace(tzinfo=None) == datetime(NEXT_YEAR, 7, 1, 18, 0)
    assert event.ends_at - event.starts_at == services.PROVISIONAL_LENGTH


def test_service_requires_times_unless_the_date_is_not_fixed(roles):
    details = services.EventDetails(
        title="Summer social", starts_at=None, ends_at=None, timezone="Europe/London"
    )
    with pytest.raises(services.EventError) as error:
        services.create_event(roles["chapter"], details, actor=roles["organiser"])
    assert error.value.field == "starts_at"


# Bad input: 422, the message at the field, nothing written


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"date_tbc": None}, "starts_at", "Please say when the event starts"),
        (
            {"date_tbc": None, "starts_at": f"{NEXT_YEAR}-07-16T18:00"},
            "ends_at",
            "Please say when the event ends",
        ),
        ({"date_hint": ""}, "date_hint", "Please say roughly when"),
        ({"date_hint": "   "}, "date_hint", "Please say roughly when"),
        ({"date_hint": "x" * 61}, "date_hint", "60 characters"),
        ({"starts_at": "next July"}, "starts_at", "Please give a date and time"),
    ],
)
def test_bad_save_the_date_input_is_refused_at_the_field(client, roles, login, overrides, field, message):
    login(roles["organiser"])
    response = client.post("/chapters/birmingham/events/new", data=event_form(**overrides))
    assert response.status_code == 422
    assert message in field_error(response.get_data(as_text=True), field)
    assert event_count() == 0


def test_an_event_announced_with_its_date_cannot_go_back_to_to_be_confirmed(
    client, roles, login, create_event
):
    event = create_event(roles["chapter"])
    login(roles["organiser"])
    response = client.post(f"/events/{event.id}/edit", data=event_form(publish=None))
    assert response.status_code == 422
    assert "cannot go back to a date to be confirmed" in field_error(
        response.get_data(as_text=True), "date_tbc"
    )
    db.session.expire_all()
    assert not db.session.get(Event, event.id).date_tbc


def test_a_draft_can_become_a_save_the_date(client, roles, login, create_event):
    draft = create_event(roles["chapter"], status=EventStatus.DRAFT)
    login(roles["organiser"])
    response = client.post(f"/events/{draft.id}/edit", data=event_form(publish=None, save="Save changes"))
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Event, draft.id).date_tbc


def test_editing_a_save_the_date_keeps_its_placeholder_and_shows_empty_times(
    client, roles, login, save_the_date
):
    starts_at = save_the_date.starts_at
    login(roles["organiser"])
    form = client.get(f"/events/{save_the_date.id}/edit").get_data(as_text=True)
    assert 'name="starts_at" type="datetime-local" value=""' in form
    assert re.search(r'<input[^>]*\bchecked\b[^>]*id="date_tbc"', form)
    response = client.post(
        f"/events/{save_the_date.id}/edit", data=event_form(title="Summer social", publish=None)
    )
    assert response.status_code == 302
    db.session.expire_all()
    event = db.session.get(Event, save_the_date.id)
    assert event.title == "Summer social" and event.date_tbc and event.starts_at == starts_at


# What people see


def test_event_page_says_the_date_is_to_be_confirmed_and_rsvps_wait(client, save_the_date):
    page = client.get(f"/events/{save_the_date.id}").get_data(as_text=True)
    assert f"Date to be confirmed: July {NEXT_YEAR}" in page
    assert "RSVPs open once the date is set." in page
    assert "Venue to be confirmed" in page
    # The placeholder time is not offered to machines or calendars.
    assert "<time datetime" not in page.split("<h1>", 1)[1].split("</dl>", 1)[0]
    assert 'type="text/calendar"' not in page
    assert f"/events/{save_the_date.id}.ics" not in page
    assert "once the date is set" in page


@pytest.mark.parametrize("path", ["/", "/events", "/chapters/birmingham", "/chapters"])
def test_lists_and_cards_show_the_rough_date_instead_of_a_time(client, save_the_date, path):
    page = client.get(path).get_data(as_text=True)
    assert "Birmingham summer Flashmob" in page
    assert f"Date to be confirmed: July {NEXT_YEAR}" in page


def test_a_save_the_date_stays_upcoming_after_its_placeholder_time(client, roles, create_event):
    long_ago = utcnow() - timedelta(days=10)
    event = create_event(
        roles["chapter"], title="Still to be dated", starts_at=long_ago, date_tbc=True, date_hint="Soon"
    )
    assert not event.is_past and not event.has_started
    assert "Still to be dated" in client.get("/events").get_data(as_text=True)
    assert "Still to be dated" not in client.get("/events/past").get_data(as_text=True)


def test_a_cancelled_save_the_date_leaves_the_upcoming_list_once_its_placeholder_passes(
    client, roles, create_event
):
    long_ago = utcnow() - timedelta(days=10)
    create_event(
        roles["chapter"],
        title="Called off",
        starts_at=long_ago,
        date_tbc=True,
        date_hint="Soon",
        status=EventStatus.CANCELLED,
    )
    assert "Called off" not in client.get("/events").get_data(as_text=True)


def test_organisers_can_cancel_a_save_the_date(roles, save_the_date):
    services.cancel_event(save_the_date, actor=roles["organiser"], reason="No venue to be had.")
    assert save_the_date.is_cancelled


# RSVPs wait for the date


def test_rsvp_is_refused_while_the_date_is_to_be_confirmed(roles, save_the_date):
    with pytest.raises(rsvps.RsvpError, match="RSVPs open once the date is set"):
        rsvps.rsvp_going(save_the_date, roles["member"])


def test_rsvp_button_post_is_refused_while_the_date_is_to_be_confirmed(client, roles, login, save_the_date):
    login(roles["member"])
    response = client.post(f"/events/{save_the_date.id}/rsvp/going")
    assert response.status_code == 409
    assert "RSVPs open once the date is set" in response.get_data(as_text=True)
    assert rsvps.rsvp_for(save_the_date, roles["member"]) is None


# Asking to be told


@pytest.mark.parametrize("role", ROLE_NAMES)
def test_asking_to_be_told_is_for_members_of_the_chapter(client, roles, as_role, save_the_date, role):
    user = as_role(role)
    response = client.post(f"/events/{save_the_date.id}/tell-me")
    if role == "anonymous":
        assert signs_in(response)
        assert f"next=/events/{save_the_date.id}" in response.headers["Location"].replace("%2F", "/")
        assert interested(save_the_date) == set()
    elif role in TOLD:
        assert response.status_code == 302
        assert response.headers["Location"].endswith(f"/events/{save_the_date.id}#rsvp")
        assert interested(save_the_date) == {user.id}
    else:
        assert response.status_code == 403
        assert interested(save_the_date) == set()


@pytest.mark.parametrize("role", ROLE_NAMES)
def test_the_page_offers_what_each_person_can_do(client, roles, as_role, save_the_date, role):
    as_role(role)
    page = client.get(f"/events/{save_the_date.id}").get_data(as_text=True)
    if role == "anonymous":
        assert "Sign in to be told when the date is set" in page
    elif role in TOLD:
        assert "Tell me when the date is set" in page
    else:
        assert "Tell me when the date is set" not in page
        assert "Members of Birmingham can ask to be emailed when the date is set." in page
        assert "Join Birmingham" in page


def test_asking_twice_changes_nothing_and_the_page_says_we_will_email(client, roles, login, save_the_date):
    login(roles["member"])
    client.post(f"/events/{save_the_date.id}/tell-me")
    response = client.post(f"/events/{save_the_date.id}/tell-me", follow_redirects=True)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "We'll email you when the date is set." in page
    assert "1 person is waiting to hear." in page
    assert "Don&#39;t email me about the date" in page
    assert interested(save_the_date) == {roles["member"].id}


def test_someone_who_stopped_save_the_date_emails_is_not_promised_one(client, roles, login, save_the_date):
    from flashmob import notifications

    login(roles["member"])
    client.post(f"/events/{save_the_date.id}/tell-me")
    notifications.stop_kind(roles["member"].id, "date_announced")
    db.session.commit()
    page = client.get(f"/events/{save_the_date.id}").get_data(as_text=True)
    assert "We'll email you when the date is set." not in page
    assert "you've stopped save-the-date emails" in page.replace("&#39;", "'")
    assert 'href="/account/emails"' in page


def test_the_page_counts_everyone_waiting_to_hear(client, roles, add_member, create_user, save_the_date):
    for _ in range(3):
        person = create_user()
        add_member(roles["chapter"], person)
        interests.ask_to_be_told(save_the_date, person)
    db.session.commit()
    assert "3 people are waiting to hear." in client.get(f"/events/{save_the_date.id}").get_data(as_text=True)


def test_asking_needs_a_valid_csrf_token(client, roles, login, save_the_date, csrf_enabled):
    login(roles["member"])
    response = client.post(f"/events/{save_the_date.id}/tell-me")
    assert response.status_code == 400
    assert interested(save_the_date) == set()


def test_asking_about_an_event_whose_date_is_set_says_rsvp_instead(client, roles, login, create_event):
    event = create_event(roles["chapter"])
    login(roles["member"])
    response = client.post(f"/events/{event.id}/tell-me")
    assert response.status_code == 409
    assert "The date is already set: you can RSVP now." in response.get_data(as_text=True)
    assert interested(event) == set()


def test_asking_about_a_cancelled_save_the_date_is_refused(client, roles, login, save_the_date):
    services.cancel_event(save_the_date, actor=roles["organiser"])
    db.session.commit()
    login(roles["member"])
    response = client.post(f"/events/{save_the_date.id}/tell-me")
    assert response.status_code == 409
    assert interested(save_the_date) == set()


def test_a_drafts_save_the_date_is_hidden_from_members(client, roles, login, create_event):
    draft = create_event(roles["chapter"], status=EventStatus.DRAFT, date_tbc=True, date_hint="Autumn")
    login(roles["member"])
    assert client.post(f"/events/{draft.id}/tell-me").status_code == 404
    assert interested(draft) == set()


@pytest.mark.parametrize("role", ROLE_NAMES)
def test_undoing_takes_only_the_person_themselves_off_the_list(client, roles, as_role, save_the_date, role):
    interests.ask_to_be_told(save_the_date, roles["member"])
    db.session.commit()
    user = as_role(role)
    response = client.post(f"/events/{save_the_date.id}/tell-me/undo")
    if role == "anonymous":
        assert signs_in(response)
        assert interested(save_the_date) == {roles["member"].id}
    else:
        assert response.status_code == 302
        expected = set() if user == roles["member"] else {roles["member"].id}
        assert interested(save_the_date) == expected


def test_undoing_twice_changes_nothing(client, roles, login, save_the_date):
    interests.ask_to_be_told(save_the_date, roles["member"])
    db.session.commit()
    login(roles["member"])
    client.post(f"/events/{save_the_date.id}/tell-me/undo")
    response = client.post(f"/events/{save_the_date.id}/tell-me/undo", follow_redirects=True)
    assert response.status_code == 200
    assert "Tell me when the date is set" in response.get_data(as_text=True)
    assert interested(save_the_date) == set()


def test_undoing_needs_a_valid_csrf_token(client, roles, login, save_the_date, csrf_enabled):
    interests.ask_to_be_told(save_the_date, roles["member"])
    db.session.commit()
    login(roles["member"])
    assert client.post(f"/events/{save_the_date.id}/tell-me/undo").status_code == 400
    assert interested(save_the_date) == {roles["member"].id}


def test_event_page_queries_do_not_grow_with_people_waiting(
    client, roles, add_member, create_user, save_the_date, count_queries
):
    def page_queries() -> int:
        with count_queries() as counter:
            assert client.get(f"/events/{save_the_date.id}").status_code == 200
        return counter.count

    few = page_queries()
    for _ in range(5):
        person = create_user()
        add_member(roles["chapter"], person)
        interests.ask_to_be_told(save_the_date, person)
    db.session.commit()
    assert page_queries() == few


# Setting the date tells them, once


def test_setting_the_date_emails_each_member_who_asked_exactly_once(
    client, roles, login, add_member, create_user, save_the_date, smtp
):
    mina, olu = roles["member"], roles["organiser"]
    bystander = create_user("Bea Bystander")
    add_member(roles["chapter"], bystander)
    for person in (mina, olu):
        interests.ask_to_be_told(save_the_date, person)
    db.session.commit()

    login(olu)
    response = client.post(f"/events/{save_the_date.id}/edit", data=dated_form())
    assert response.status_code == 302
    assert "Everyone who asked to be told is being emailed" in client.get(
        response.headers["Location"]
    ).get_data(as_text=True)
    # Later edits send nothing more; the one email, written when it goes, gives the date as it is then.
    client.post(f"/events/{save_the_date.id}/edit", data=dated_form(title="Birmingham summer evening"))
    client.post(
        f"/events/{save_the_date.id}/edit",
        data=dated_form(starts_at=f"{NEXT_YEAR}-07-23T18:00", ends_at=f"{NEXT_YEAR}-07-23T21:00"),
    )

    db.session.expire_all()
    event = db.session.get(Event, save_the_date.id)
    assert not event.date_tbc and event.date_hint == ""
    assert sorted(message.to_address for message in announcements()) == sorted([mina.email, olu.email])
    # The interests stay, for the record, marked as told.
    assert all(row.notified_at is not None for row in db.session.scalars(select(EventInterest)))

    deliver_pending()
    arrived = {message["To"]: message for message in smtp.messages if "date is set" in message["Subject"]}
    assert set(arrived) == {mina.email, olu.email}
    email = arrived[mina.email]
    assert email["Subject"] == "The date is set: Birmingham summer Flashmob"
    text = email.get_body(preferencelist=("plain",)).get_content()
    day = datetime(NEXT_YEAR, 7, 23).strftime("%a %-d %b %Y")
    assert f"{day}, 18:00" in text and "BST" in text  # in the event's own time zone
    assert "The Canal House, 12 Bridge Street, Birmingham B1 2JR" in text
    assert f"/events/{event.id}#rsvp" in text
    html = email.get_body(preferencelist=("html",)).get_content()
    assert f"/events/{event.id}#rsvp" in html and "Say whether you're going" in html


def test_the_page_opens_rsvps_once_the_date_is_set(client, roles, login, save_the_date):
    services.update_event(
        save_the_date,
        services.EventDetails(
            title=save_the_date.title,
            starts_at=datetime(NEXT_YEAR, 7, 16, 18, 0),
            ends_at=datetime(NEXT_YEAR, 7, 16, 21, 0),
            timezone="Europe/London",
            capacity=save_the_date.capacity,
        ),
        actor=roles["organiser"],
    )
    db.session.commit()
    rsvp = rsvps.rsvp_going(save_the_date, roles["member"]).rsvp
    assert rsvp.is_going
    page = client.get(f"/events/{save_the_date.id}").get_data(as_text=True)
    assert "Date to be confirmed" not in page and "RSVPs open once the date is set" not in page


def test_announcing_again_emails_nobody_twice(roles, save_the_date):
    interests.ask_to_be_told(save_the_date, roles["member"])
    save_the_date.date_tbc = False
    assert interests.announce_date(save_the_date) == 1
    assert interests.announce_date(save_the_date) == 0
    assert len(announcements()) == 1


def test_a_venue_email_says_venue_to_be_confirmed_when_there_is_none(roles, save_the_date):
    interests.ask_to_be_told(save_the_date, roles["member"])
    save_the_date.date_tbc = False
    interests.announce_date(save_the_date)
    assert "Venue to be confirmed" in announcements()[0].text_body


def test_setting_a_date_in_the_past_is_refused_at_the_field(client, roles, login, save_the_date):
    interests.ask_to_be_told(save_the_date, roles["member"])
    db.session.commit()
    login(roles["organiser"])
    last_year = NEXT_YEAR - 2
    response = client.post(
        f"/events/{save_the_date.id}/edit",
        data=dated_form(starts_at=f"{last_year}-07-16T18:00", ends_at=f"{last_year}-07-16T21:00"),
    )
    assert response.status_code == 422
    assert "The start is in the past" in field_error(response.get_data(as_text=True), "starts_at")
    assert announcements() == []


# Calendars never see a placeholder


def test_feeds_leave_out_save_the_dates_until_the_date_is_set(roles, create_event, save_the_date):
    dated = create_event(roles["chapter"], title="Dated evening")
    ids = {event.id for event in db.session.scalars(ical.feed_events_query())}
    chapter_ids = {event.id for event in db.session.scalars(ical.feed_events_query(roles["chapter"]))}
    assert ids == chapter_ids == {dated.id}
    save_the_date.date_tbc = False
    db.session.flush()
    assert save_the_date.id in {event.id for event in db.session.scalars(ical.feed_events_query())}


def test_the_personal_feed_query_leaves_out_save_the_dates(roles, save_the_date):
    # An RSVP cannot be made while the date is open, but one from before must not leak a placeholder.
    from flashmob.events.models import Rsvp

    db.session.add(Rsvp(event=save_the_date, user=roles["member"], status=RsvpStatus.GOING))
    db.session.flush()
    assert list(db.session.execute(ical.personal_feed_query(roles["member"]))) == []


@pytest.mark.parametrize("path", ["/calendar.ics", "/chapters/birmingham/calendar.ics"])
def test_published_feeds_do_not_carry_a_save_the_date(client, roles, create_event, save_the_date, path):
    create_event(roles["chapter"], title="Dated evening")
    response = client.get(path)
    assert response.status_code == 200
    calendar = icalendar.Calendar.from_ical(response.data)
    summaries = {str(component["SUMMARY"]) for component in calendar.walk("VEVENT")}
    assert summaries == {"Dated evening"}


def test_a_save_the_date_has_no_ics_file_until_its_date_is_set(client, save_the_date):
    assert client.get(f"/events/{save_the_date.id}.ics").status_code == 404
