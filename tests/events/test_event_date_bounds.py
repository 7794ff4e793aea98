"""Event dates are bounded where they are entered: a start between the network's first year and a
few years ahead, an end within a day of it, on create and edit, by the service and by the form."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from flashmob.events.evenings import services
from flashmob.events.evenings.services import EventDetails
from flashmob.events.models import Event
from flashmob.extensions import db
from tests.events.conftest import store_dates

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
NEXT_YEAR = datetime.now(UTC).year + 1
# Wall-clock times that have no UTC moment: UTC is still in year 0 east of it, already in 10000 west.
NO_UTC_MOMENT = [
    ("Asia/Tokyo", datetime(1, 1, 1, 0, 0)),
    ("America/Los_Angeles", datetime(9999, 12, 31, 22, 0)),
]


def details(**overrides) -> EventDetails:
    values = {
        "title": "Spring flashmob",
        "starts_at": datetime(2026, 7, 9, 18, 30),
        "ends_at": datetime(2026, 7, 9, 21, 0),
        "timezone": "Europe/London",
        "venue_name": "The Old Joint Stock",
        "venue_address": "4 Temple Row West, Birmingham B2 5NY",
        "description": "Bring a lesson.",
        "capacity": 30,
    }
    values.update(overrides)
    return EventDetails(**values)


def create(roles, **overrides) -> Event:
    return services.create_event(roles["chapter"], details(**overrides), actor=roles["organiser"], now=NOW)


def event_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Event))


def create_refused(roles, **overrides) -> services.EventError:
    db.session.commit()
    before = event_count()
    with pytest.raises(services.EventError) as caught:
        create(roles, **overrides)
    db.session.rollback()
    assert event_count() == before
    return caught.value


def update_refused(roles, event: Event, **overrides) -> services.EventError:
    with pytest.raises(services.EventError) as caught:
        services.update_event(event, details(**overrides), actor=roles["organiser"], now=NOW)
    db.session.rollback()
    return caught.value


# The service


def test_an_event_may_start_up_to_five_years_ahead_and_no_later(roles):
    last_day = datetime(2031, 3, 1, 18, 30)
    assert create(roles, starts_at=last_day, ends_at=last_day + timedelta(hours=3)).starts_at.year == 2031

    day_after = last_day + timedelta(days=1)
    error = create_refused(roles, starts_at=day_after, ends_at=day_after + timedelta(hours=3))
    assert error.field == "starts_at"
    assert str(error) == "Please choose a start by 1 March 2031: events can be planned up to 5 years ahead."


@pytest.mark.parametrize("year", [2206, 9000, 9999])
def test_a_start_centuries_ahead_is_refused_at_the_start(roles, year):
    start = datetime(year, 7, 9, 18, 30)
    error = create_refused(roles, starts_at=start, ends_at=start + timedelta(hours=2))
    assert error.field == "starts_at"
    assert "up to 5 years ahead" in str(error)


def test_an_event_lasts_at_most_a_day(roles):
    start = datetime(2026, 7, 9, 18, 30)
    assert create(roles, starts_at=start, ends_at=start + timedelta(hours=24)).ends_at.day == 10

    error = create_refused(roles, starts_at=start, ends_at=start + timedelta(hours=24, minutes=1))
    assert error.field == "ends_at"
    assert str(error).startswith("An event can last at most 24 hours.")


def test_an_end_years_after_the_start_is_refused_at_the_end(roles):
    error = create_refused(roles, ends_at=datetime(9999, 12, 31, 23, 59), timezone="America/Los_Angeles")
    assert error.field == "ends_at"
    assert "at most 24 hours" in str(error)


def test_an_end_in_year_one_is_refused_at_the_end(roles):
    error = create_refused(roles, ends_at=datetime(1, 1, 1, 0, 0), timezone="Asia/Tokyo")
    assert (error.field, str(error)) == ("ends_at", "The end must be after the start.")


@pytest.mark.parametrize(("zone", "moment"), NO_UTC_MOMENT)
def test_a_time_with_no_utc_moment_is_a_message_at_the_start_not_a_crash(roles, zone, moment):
    error = create_refused(roles, starts_at=moment, ends_at=moment + timedelta(hours=1), timezone=zone)
    assert error.field == "starts_at"


@pytest.mark.parametrize(("zone", "moment"), NO_UTC_MOMENT)
def test_local_to_utc_says_overflow_for_a_time_with_no_utc_moment(zone, moment):
    with pytest.raises(OverflowError):
        services.local_to_utc(moment, ZoneInfo(zone))


def test_a_stored_moment_with_no_local_time_opens_as_no_time():
    assert services.utc_to_local(datetime(1, 1, 1, 3, 0, tzinfo=UTC), "America/Los_Angeles") is None


def test_a_save_the_dates_placeholder_is_bounded_too(roles):
    far = datetime(2099, 7, 1, 18, 0)
    error = create_refused(roles, date_tbc=True, date_hint="Summer 2099", starts_at=far, ends_at=None)
    assert error.field == "starts_at"
    start = datetime(2026, 7, 1, 18, 0)
    error = create_refused(
        roles, date_tbc=True, date_hint="July", starts_at=start, ends_at=start + timedelta(days=3)
    )
    assert error.field == "ends_at"


def test_a_past_event_can_still_be_corrected(roles, create_event):
    event = create_event(roles["chapter"], starts_at=datetime(2015, 5, 7, 17, 30, tzinfo=UTC))
    services.update_event(
        event,
        details(
            title="Birmingham's first evening",
            starts_at=datetime(2015, 5, 7, 18, 30),
            ends_at=datetime(2015, 5, 7, 21, 0),
        ),
        actor=roles["organiser"],
        now=NOW,
    )
    db.session.commit()
    assert db.session.get(Event, event.id).title == "Birmingham's first evening"


def test_a_past_event_cannot_move_before_the_network_began(roles, create_event):
    event = create_event(roles["chapter"], starts_at=datetime(2015, 5, 7, 17, 30, tzinfo=UTC))
    start = datetime(2012, 5, 7, 18, 30)
    error = update_refused(roles, event, starts_at=start, ends_at=start + timedelta(hours=2))
    assert (error.field, str(error)) == (
        "starts_at",
        "Please choose a start in 2013 or later, when the network began.",
    )


@pytest.mark.parametrize(("zone", "moment"), NO_UTC_MOMENT)
def test_editing_to_a_time_with_no_utc_moment_is_a_message(roles, create_event, zone, moment):
    event = create_event(roles["chapter"])
    error = update_refused(roles, event, starts_at=moment, ends_at=moment + timedelta(hours=1), timezone=zone)
    assert error.field == "starts_at"


# The form


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


def message_at(page: str, field: str) -> str:
    """The error message the page shows at a field."""
    error = page[page.index(f'id="{field}-error"') :]
    return error[: error.index("</p>")]


FORM_CASES = [
    ({"starts_at": "9999-07-09T18:30", "ends_at": "9999-07-09T21:00"}, "starts_at", "years ahead"),
    (
        {"starts_at": "0001-01-01T00:00", "ends_at": "0001-01-01T02:00", "timezone": "Asia/Tokyo"},
        "starts_at",
        "in the past",
    ),
    (
        {"starts_at": "9999-12-31T22:00", "ends_at": "9999-12-31T23:00", "timezone": "America/Los_Angeles"},
        "starts_at",
        "years ahead",
    ),
    ({"ends_at": f"{NEXT_YEAR}-07-11T18:30"}, "ends_at", "at most 24 hours"),
    (
        {"ends_at": "9999-12-31T23:59", "timezone": "America/Los_Angeles"},
        "ends_at",
        "at most 24 hours",
    ),
    (
        {"ends_at": "0001-01-01T00:00", "timezone": "Asia/Tokyo"},
        "ends_at",
        "The end must be after the start.",
    ),
    ({"starts_at": "0000-01-01T00:00"}, "starts_at", "Please give a date and time"),
    ({"starts_at": "10000-01-01T00:00"}, "starts_at", "Please give a date and time"),
    ({"ends_at": "99999-12-31T23:59"}, "ends_at", "Please give a date and time"),
    ({"starts_at": "2026-13-45T25:61"}, "starts_at", "Please give a date and time"),
]


@pytest.mark.parametrize(("overrides", "field", "message"), FORM_CASES)
def test_a_new_event_with_dates_out_of_range_is_refused_at_the_field(
    client, as_role, overrides, field, message
):
    as_role("organiser")
    response = client.post("/chapters/birmingham/events/new", data=event_form(**overrides))
    assert response.status_code == 422
    assert message in message_at(response.get_data(as_text=True), field)
    assert event_count() == 0


@pytest.mark.parametrize(("overrides", "field", "message"), FORM_CASES)
def test_an_edit_with_dates_out_of_range_is_refused_at_the_field(
    client, roles, as_role, create_event, overrides, field, message
):
    event = create_event(roles["chapter"], title="Original title")
    as_role("organiser")
    response = client.post(f"/events/{event.id}/edit", data=event_form(title="Changed", **overrides))
    assert response.status_code == 422
    # An edit may keep a past date, so year 1 is refused as before the network began.
    message = "2013 or later" if message == "in the past" else message
    assert message in message_at(response.get_data(as_text=True), field)
    db.session.expire_all()
    stored = db.session.get(Event, event.id)
    assert (stored.title, stored.sequence) == ("Original title", 0)


def test_an_organiser_can_fix_a_typo_in_a_past_event(client, roles, as_role, create_event):
    event = create_event(
        roles["chapter"], title="Frist evening", starts_at=datetime(2015, 5, 7, 17, 30, tzinfo=UTC)
    )
    as_role("organiser")
    form = event_form(
        title="First evening", starts_at="2015-05-07T18:30", ends_at="2015-05-07T21:00", publish=None
    )
    response = client.post(f"/events/{event.id}/edit", data=form)
    assert response.status_code == 302
    db.session.expire_all()
    stored = db.session.get(Event, event.id)
    assert stored.title == "First evening"
    assert stored.starts_at == datetime(2015, 5, 7, 17, 30, tzinfo=UTC)


def test_an_event_stored_with_an_impossible_date_opens_for_editing_with_empty_dates(
    client, roles, as_role, create_event
):
    # Year 1 in UTC is still year 0 in Los Angeles: written before dates were checked.
    event = create_event(roles["chapter"], timezone="America/Los_Angeles")
    store_dates(event, datetime(1, 1, 1, 3, 0, tzinfo=UTC), datetime(1, 1, 1, 5, 0, tzinfo=UTC))
    as_role("organiser")
    response = client.get(f"/events/{event.id}/edit")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert 'id="starts_at" name="starts_at" type="datetime-local" value=""' in page
    fixed = event_form(timezone="America/Los_Angeles", publish=None)
    assert client.post(f"/events/{event.id}/edit", data=fixed).status_code == 302
    db.session.expire_all()
    assert db.session.get(Event, event.id).starts_at.year == NEXT_YEAR
