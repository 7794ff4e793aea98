"""Organisers and admins create, edit, publish and cancel events; everyone else is kept out."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from flashmob.events.models import Event, EventStatus
from flashmob.extensions import db
from tests.conftest import ROLE_NAMES
from tests.events.conftest import signs_in

NEXT_YEAR = datetime.now(UTC).year + 1
MANAGERS = ("organiser", "admin")
# The day London's clocks jump from 01:00 to 02:00: the last Sunday of March.
SPRING_FORWARD = max(day for day in range(25, 32) if datetime(NEXT_YEAR, 3, day).weekday() == 6)


def event_form(**overrides) -> dict:
    data = {
        "title": "Summer flashmob",
        "starts_at": f"{NEXT_YEAR}-07-09T18:30",
        "ends_at": f"{NEXT_YEAR}-07-09T21:00",
        "timezone": "Europe/London",
        "venue_name": "The Old Joint Stock",
        "venue_address": "4 Temple Row West, Birmingham B2 5NY",
        "description": "Bring a lesson you learnt the hard way.",
        "capacity": "30",
        "publish": "Publish",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def event_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Event))


def refused(response, role) -> bool:
    """Anonymous people are sent to sign in; signed-in people without the right get 403."""
    return signs_in(response) if role == "anonymous" else response.status_code == 403


# New event


@pytest.mark.parametrize("role", ROLE_NAMES)
def test_new_event_form_is_for_the_chapters_organisers_and_admins(client, as_role, role):
    as_role(role)
    response = client.get("/chapters/birmingham/events/new")
    if role in MANAGERS:
        assert response.status_code == 200
        page = response.get_data(as_text=True)
        assert "New event for Birmingham" in page
        assert '<option selected value="Europe/London">' in page
        assert 'type="datetime-local"' in page
    else:
        assert refused(response, role)


@pytest.mark.parametrize("role", ROLE_NAMES)
def test_creating_an_event_follows_the_role(client, as_role, role):
    as_role(role)
    response = client.post("/chapters/birmingham/events/new", data=event_form())
    if role in MANAGERS:
        event = db.session.scalar(select(Event))
        assert response.status_code == 302
        assert response.headers["Location"] == f"/events/{event.id}"
        assert event.is_published
    else:
        assert refused(response, role)
        assert event_count() == 0


def test_an_event_entered_at_1830_london_in_july_is_stored_1730_utc_and_shown_1830_bst(client, as_role):
    as_role("organiser")
    client.post("/chapters/birmingham/events/new", data=event_form())
    event = db.session.scalar(select(Event))
    assert event.starts_at == datetime(NEXT_YEAR, 7, 9, 17, 30, tzinfo=UTC)
    assert event.ends_at == datetime(NEXT_YEAR, 7, 9, 20, 0, tzinfo=UTC)
    page = client.get(f"/events/{event.id}").get_data(as_text=True)
    assert "18:30\u201321:00 BST" in page
    edit = client.get(f"/events/{event.id}/edit").get_data(as_text=True)
    assert f'value="{NEXT_YEAR}-07-09T18:30"' in edit


def test_an_event_in_another_zone_is_stored_in_utc_and_shown_in_its_zone(client, as_role):
    as_role("organiser")
    client.post("/chapters/birmingham/events/new", data=event_form(timezone="America/New_York"))
    event = db.session.scalar(select(Event))
    assert event.starts_at == datetime(NEXT_YEAR, 7, 9, 22, 30, tzinfo=UTC)
    assert "18:30\u201321:00 EDT" in client.get(f"/events/{event.id}").get_data(as_text=True)


def test_save_draft_keeps_the_event_hidden(client, as_role, logout):
    as_role("organiser")
    response = client.post(
        "/chapters/birmingham/events/new",
        data=event_form(publish=None, save="Save draft"),
        follow_redirects=True,
    )
    assert "saved as a draft" in response.get_data(as_text=True)
    event = db.session.scalar(select(Event))
    assert event.is_draft
    logout()
    assert client.get(f"/events/{event.id}").status_code == 404


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"title": ""}, "title", "Please give the event a title."),
        ({"title": "x" * 141}, "title", "140 characters"),
        ({"starts_at": ""}, "starts_at", "Please say when the event starts."),
        ({"starts_at": "next thursday"}, "starts_at", "Please give a date and time"),
        ({"ends_at": f"{NEXT_YEAR}-07-09T18:00"}, "ends_at", "The end must be after the start."),
        ({"ends_at": f"{NEXT_YEAR}-07-09T18:30"}, "ends_at", "The end must be after the start."),
        (
            {"starts_at": "2020-07-09T18:30", "ends_at": "2020-07-09T21:00"},
            "starts_at",
            "The start is in the past.",
        ),
        ({"capacity": "0"}, "capacity", "Capacity must be a whole number from 1"),
        ({"capacity": "-3"}, "capacity", "Capacity must be a whole number from 1"),
        ({"capacity": "lots"}, "capacity", "Not a valid integer value."),
        ({"capacity": "99999999999"}, "capacity", "Capacity must be a whole number from 1"),
        ({"timezone": "Mars/Olympus"}, "timezone", "Please choose a time zone from the list."),
        ({"timezone": "localtime"}, "timezone", "Please choose a time zone from the list."),
        ({"timezone": "Factory"}, "timezone", "Please choose a time zone from the list."),
        ({"timezone": "US/Eastern"}, "timezone", "Please choose a time zone from the list."),
        (
            {
                "starts_at": f"{NEXT_YEAR}-03-{SPRING_FORWARD}T01:30",
                "ends_at": f"{NEXT_YEAR}-03-{SPRING_FORWARD}T03:00",
            },
            "starts_at",
            "does not exist in Europe/London",
        ),
    ],
)
def test_bad_event_input_is_refused_at_the_field_and_nothing_is_saved(
    client, as_role, overrides, field, message
):
    as_role("organiser")
    response = client.post("/chapters/birmingham/events/new", data=event_form(**overrides))
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    error = page[page.index(f'id="{field}-error"') :]
    assert message in error[: error.index("</p>")]
    assert (
        f'aria-describedby="{field}-error"' in page
        or f'aria-describedby="{field}-hint {field}-error"' in page
    )
    assert event_count() == 0


def test_an_empty_capacity_means_no_limit(client, as_role):
    as_role("organiser")
    client.post("/chapters/birmingham/events/new", data=event_form(capacity=""))
    assert db.session.scalar(select(Event)).capacity is None


def test_event_description_is_rendered_as_sanitised_markdown(client, as_role):
    as_role("organiser")
    client.post(
        "/chapters/birmingham/events/new",
        data=event_form(description="**Bold** <script>alert('x')</script> [a](javascript:alert(1))"),
    )
    event = db.session.scalar(select(Event))
    page = client.get(f"/events/{event.id}").get_data(as_text=True)
    assert "<strong>Bold</strong>" in page
    assert "<script>alert" not in page
    assert 'href="javascript:' not in page


def test_creating_an_event_needs_a_csrf_token(client, as_role, csrf_enabled):
    as_role("organiser")
    response = client.post("/chapters/birmingham/events/new", data=event_form())
    assert response.status_code == 400
    assert "Your form expired" in response.get_data(as_text=True)
    assert event_count() == 0


# Editing


@pytest.mark.parametrize("role", ROLE_NAMES)
def test_editing_an_event_follows_the_role(client, roles, as_role, create_event, role):
    event = create_event(roles["chapter"], title="Original title")
    as_role(role)
    get = client.get(f"/events/{event.id}/edit")
    response = client.post(f"/events/{event.id}/edit", data=event_form(title="New title", publish=None))
    db.session.expire_all()
    if role in MANAGERS:
        assert get.status_code == 200
        assert response.status_code == 302
        assert db.session.get(Event, event.id).title == "New title"
    else:
        assert refused(get, role)
        assert refused(response, role)
        assert db.session.get(Event, event.id).title == "Original title"


@pytest.mark.parametrize("role", ROLE_NAMES)
def test_editing_a_draft_is_not_found_for_those_who_cannot_see_it(client, roles, as_role, create_event, role):
    draft = create_event(roles["chapter"], status=EventStatus.DRAFT)
    as_role(role)
    response = client.get(f"/events/{draft.id}/edit")
    if role == "anonymous":
        assert signs_in(response)  # as for any address here, existing or not
    else:
        assert response.status_code == (200 if role in MANAGERS else 404)


def test_moving_an_event_raises_its_sequence_and_keeps_its_uid(client, roles, as_role, create_event):
    event = create_event(roles["chapter"])
    uid = event.ical_uid
    as_role("organiser")
    client.post(f"/events/{event.id}/edit", data=event_form(publish=None, venue_name="The Wellington"))
    db.session.expire_all()
    stored = db.session.get(Event, event.id)
    assert stored.sequence == 1
    assert stored.ical_uid == uid
    assert stored.venue_name == "The Wellington"


def test_bad_edit_is_refused_at_the_field_and_changes_nothing(client, roles, as_role, create_event):
    event = create_event(roles["chapter"], title="Original title")
    as_role("organiser")
    response = client.post(
        f"/events/{event.id}/edit",
        data=event_form(title="Changed", ends_at=f"{NEXT_YEAR}-07-09T17:00", publish=None),
    )
    assert response.status_code == 422
    assert "The end must be after the start." in response.get_data(as_text=True)
    db.session.expire_all()
    stored = db.session.get(Event, event.id)
    assert stored.title == "Original title"
    assert stored.sequence == 0


def test_save_and_publish_from_a_drafts_edit_page(client, roles, as_role, create_event):
    draft = create_event(roles["chapter"], status=EventStatus.DRAFT)
    as_role("organiser")
    edit = client.get(f"/events/{draft.id}/edit").get_data(as_text=True)
    assert "Save and publish" in edit
    client.post(f"/events/{draft.id}/edit", data=event_form())
    db.session.expire_all()
    assert db.session.get(Event, draft.id).is_published


# Publishing


@pytest.mark.parametrize("role", ROLE_NAMES)
def test_publishing_a_draft_follows_the_role(client, roles, as_role, create_event, role):
    draft = create_event(roles["chapter"], status=EventStatus.DRAFT)
    as_role(role)
    response = client.post(f"/events/{draft.id}/publish")
    db.session.expire_all()
    if role in MANAGERS:
        assert response.status_code == 302
        assert db.session.get(Event, draft.id).is_published
    else:
        # Signed-in people who cannot see the draft are not told it exists.
        assert signs_in(response) if role == "anonymous" else response.status_code == 404
        assert db.session.get(Event, draft.id).is_draft


def test_publishing_twice_says_it_is_already_published(client, roles, as_role, create_event):
    event = create_event(roles["chapter"])
    as_role("organiser")
    response = client.post(f"/events/{event.id}/publish")
    assert response.status_code == 409
    assert "already published" in response.get_data(as_text=True)


def test_publish_button_shows_on_a_draft_for_organisers(client, roles, as_role, create_event):
    draft = create_event(roles["chapter"], status=EventStatus.DRAFT)
    as_role("organiser")
    page = client.get(f"/events/{draft.id}").get_data(as_text=True)
    assert f'action="/events/{draft.id}/publish"' in page
    assert "Cancel event" not in page


def test_publishing_needs_a_csrf_token(client, roles, as_role, create_event, csrf_enabled):
    draft = create_event(roles["chapter"], status=EventStatus.DRAFT)
    as_role("organiser")
    assert client.post(f"/events/{draft.id}/publish").status_code == 400
    db.session.expire_all()
    assert db.session.get(Event, draft.id).is_draft


# Cancelling


@pytest.mark.parametrize("role", ROLE_NAMES)
def test_cancelling_follows_the_role(client, roles, as_role, create_event, role):
    event = create_event(roles["chapter"])
    as_role(role)
    confirm = client.get(f"/events/{event.id}/cancel")
    response = client.post(f"/events/{event.id}/cancel", data={"reason": "Venue closed"})
    db.session.expire_all()
    stored = db.session.get(Event, event.id)
    if role in MANAGERS:
        assert confirm.status_code == 200
        assert "Cancel Flashmob evening" in confirm.get_data(as_text=True)
        assert response.status_code == 302
        assert stored.is_cancelled
        assert stored.cancellation_reason == "Venue closed"
        assert stored.cancelled_at is not None
        assert stored.sequence == 1
    else:
        assert refused(confirm, role)
        assert refused(response, role)
        assert stored.is_published


def test_cancelled_event_page_shows_the_banner_to_everyone(client, roles, as_role, create_event, logout):
    event = create_event(roles["chapter"])
    as_role("organiser")
    client.post(f"/events/{event.id}/cancel", data={"reason": ""})
    logout()
    page = client.get(f"/events/{event.id}").get_data(as_text=True)
    assert "This event is cancelled" in page
    assert "Why:" not in page
    assert "badge--cancelled" in client.get("/events").get_data(as_text=True)


def test_cancelling_twice_says_it_is_already_cancelled(client, roles, as_role, create_event):
    event = create_event(roles["chapter"], status=EventStatus.CANCELLED)
    as_role("organiser")
    assert client.get(f"/events/{event.id}/cancel").status_code == 409
    response = client.post(f"/events/{event.id}/cancel", data={"reason": ""})
    assert response.status_code == 409
    assert "already cancelled" in response.get_data(as_text=True)


def test_a_past_event_cannot_be_cancelled(client, roles, as_role, create_event):
    event = create_event(roles["chapter"], starts_at=datetime.now(UTC) - timedelta(days=2))
    as_role("organiser")
    response = client.post(f"/events/{event.id}/cancel", data={"reason": ""})
    assert response.status_code == 409
    db.session.expire_all()
    assert db.session.get(Event, event.id).is_published


def test_a_too_long_cancellation_reason_is_refused_at_the_field(client, roles, as_role, create_event):
    event = create_event(roles["chapter"])
    as_role("organiser")
    response = client.post(f"/events/{event.id}/cancel", data={"reason": "x" * 2001})
    assert response.status_code == 422
    assert 'id="reason-error"' in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Event, event.id).is_published


def test_cancelling_needs_a_csrf_token(client, roles, as_role, create_event, csrf_enabled):
    event = create_event(roles["chapter"])
    as_role("organiser")
    assert client.post(f"/events/{event.id}/cancel", data={"reason": ""}).status_code == 400
    db.session.expire_all()
    assert db.session.get(Event, event.id).is_published
