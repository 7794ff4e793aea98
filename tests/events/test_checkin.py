"""Check-in on the night: the door list, walk-ins, tickets and QR codes, attendance and the CSV export."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from flashmob.events.checkin import services as checkins
from flashmob.events.models import Event, EventStatus, Rsvp, RsvpStatus, WalkIn
from flashmob.events.rsvps import services as rsvps
from flashmob.extensions import db
from tests.conftest import ROLE_NAMES
from tests.events.conftest import signs_in

MANAGERS = ("organiser", "admin")


def refused(response, role) -> bool:
    """Anonymous people are sent to sign in; signed-in people without the right get 403."""
    return signs_in(response) if role == "anonymous" else response.status_code == 403


def seat(event: Event, user, status: str = RsvpStatus.GOING, **fields) -> Rsvp:
    """An RSVP as the rules would have left it, made directly so that past events can have them too."""
    rsvp = Rsvp(event_id=event.id, user_id=user.id, status=status, **fields)
    if status == RsvpStatus.WAITLISTED:
        rsvp.waitlisted_at = fields.get("waitlisted_at") or datetime.now(UTC)
    db.session.add(rsvp)
    db.session.commit()
    return rsvp


def fresh(obj):
    db.session.expire_all()
    return db.session.get(type(obj), obj.id)


def walk_in_count() -> int:
    return db.session.scalar(select(func.count(WalkIn.id)))


@pytest.fixture
def tonight(roles, create_event):
    """Birmingham's event this evening, with room for 20."""
    start = datetime.now(UTC).replace(second=0, microsecond=0) + timedelta(hours=2)
    return create_event(roles["chapter"], title="RAID logs that people read", starts_at=start, capacity=20)


@pytest.fixture
def ada(create_user, tonight):
    """Ada Lovelace, going tonight."""
    user = create_user("Ada Lovelace", email="ada@example.org")
    return seat(tonight, user)


def page_of(response) -> str:
    return response.get_data(as_text=True)


def control(page: str, field_id: str) -> str:
    """The <input> tag with this id."""
    start = page.rindex("<input", 0, page.index(f'id="{field_id}"'))
    return page[start : page.index(">", start) + 1]


# The check-in page


@pytest.mark.parametrize("role", ROLE_NAMES)
def test_check_in_page_is_for_the_chapters_organisers_and_admins(client, as_role, tonight, ada, role):
    as_role(role)
    response = client.get(f"/events/{tonight.id}/check-in")
    if role in MANAGERS:
        assert response.status_code == 200
        page = page_of(response)
        assert "<h1>Check in</h1>" in page
        assert "Ada Lovelace" in page
        assert "0</strong> of 1 checked in" in page
        assert 'type="search"' in page
        assert '<label for="q">Find an attendee by name</label>' in page
    else:
        assert refused(response, role)


def test_check_in_page_of_a_draft_is_not_found_for_other_organisers(client, as_role, roles, create_event):
    draft = create_event(roles["chapter"], status=EventStatus.DRAFT)
    as_role("other_organiser")
    assert client.get(f"/events/{draft.id}/check-in").status_code == 404
    as_role("organiser")
    page = page_of(client.get(f"/events/{draft.id}/check-in"))
    assert "publish it before checking people in" in page


def test_search_finds_attendees_by_part_of_their_name_on_the_server(
    client, as_role, tonight, ada, create_user
):
    seat(tonight, create_user("Ben Okafor"))
    checkins.add_walk_in(tonight, "Adaeze Walker", actor=ada.user)
    db.session.commit()
    as_role("organiser")
    page = page_of(client.get(f"/events/{tonight.id}/check-in", query_string={"q": " ADA "}))
    assert "Ada Lovelace" in page
    assert "Adaeze Walker" in page
    assert "Ben Okafor" not in page
    assert "Show everyone" in page
    # The counts are for the whole event, whatever the search shows.
    assert "1</strong> of 3 checked in" in page


def test_search_treats_wildcards_as_plain_text(client, as_role, tonight, ada):
    as_role("organiser")
    page = page_of(client.get(f"/events/{tonight.id}/check-in", query_string={"q": "%"}))
    assert "Ada Lovelace" not in page
    assert "Nobody going is called" in page


def test_a_search_too_long_is_refused_at_the_field(client, as_role, tonight, ada):
    as_role("organiser")
    response = client.get(f"/events/{tonight.id}/check-in", query_string={"q": "x" * 81})
    assert response.status_code == 422
    assert 'id="q-error"' in page_of(response)


def test_people_without_a_seat_are_not_on_the_door_list(client, as_role, tonight, ada, create_user):
    seat(tonight, create_user("Wendy Waitlisted"), RsvpStatus.WAITLISTED)
    seat(tonight, create_user("Nora Notgoing"), RsvpStatus.NOT_GOING)
    as_role("organiser")
    page = page_of(client.get(f"/events/{tonight.id}/check-in"))
    assert "Ada Lovelace" in page
    assert "Wendy Waitlisted" not in page
    assert "Nora Notgoing" not in page


def test_check_in_page_takes_the_same_number_of_queries_however_many_attend(
    client, as_role, tonight, create_user, count_queries
):
    def add(n):
        for _ in range(n):
            rsvp = seat(tonight, create_user())
            rsvp.checked_in_at = datetime.now(UTC)
            db.session.commit()
            checkins.add_walk_in(tonight, "Guest", actor=rsvp.user)
            db.session.commit()

    as_role("organiser")
    add(2)
    with count_queries() as few:
        assert client.get(f"/events/{tonight.id}/check-in").status_code == 200
    add(10)
    with count_queries() as many:
        assert client.get(f"/events/{tonight.id}/check-in").status_code == 200
    assert many.count == few.count
    assert few.count <= 8


# Ticking people in, and undoing it


@pytest.mark.parametrize("role", ROLE_NAMES)
def test_checking_someone_in_follows_the_role(client, as_role, roles, tonight, ada, role):
    user = as_role(role)
    response = client.post(f"/events/{tonight.id}/check-in/rsvps/{ada.id}")
    rsvp = fresh(ada)
    if role in MANAGERS:
        assert response.status_code == 302
        assert response.headers["Location"] == f"/events/{tonight.id}/check-in"
        assert rsvp.checked_in_at is not None
        assert rsvp.checked_in_by_id == user.id
    else:
        assert refused(response, role)
        assert rsvp.checked_in_at is None


def test_checking_in_shows_the_name_and_time_and_counts(client, as_role, tonight, ada):
    as_role("organiser")
    response = client.post(f"/events/{tonight.id}/check-in/rsvps/{ada.id}", follow_redirects=True)
    page = page_of(response)
    assert "Ada Lovelace is checked in." in page
    assert "1</strong> of 1 checked in" in page
    assert "Checked in at" in page
    assert "Undo<span class=\"visually-hidden\"> check-in of Ada Lovelace</span>" in page


def test_checking_in_twice_keeps_the_first_time(client, as_role, tonight, ada):
    as_role("organiser")
    client.post(f"/events/{tonight.id}/check-in/rsvps/{ada.id}")
    first = fresh(ada).checked_in_at
    response = client.post(f"/events/{tonight.id}/check-in/rsvps/{ada.id}")
    assert response.status_code == 302
    assert fresh(ada).checked_in_at == first


@pytest.mark.parametrize("role", ROLE_NAMES)
def test_undoing_a_check_in_follows_the_role(client, as_role, roles, tonight, ada, role):
    ada.checked_in_at = datetime.now(UTC)
    db.session.commit()
    as_role(role)
    response = client.post(f"/events/{tonight.id}/check-in/rsvps/{ada.id}/undo")
    rsvp = fresh(ada)
    if role in MANAGERS:
        assert response.status_code == 302
        assert rsvp.checked_in_at is None
        assert rsvp.status == RsvpStatus.GOING
    else:
        assert refused(response, role)
        assert rsvp.checked_in_at is not None


def test_undo_leaves_them_on_the_list_to_check_in_again(client, as_role, tonight, ada):
    as_role("organiser")
    client.post(f"/events/{tonight.id}/check-in/rsvps/{ada.id}")
    page = page_of(client.post(f"/events/{tonight.id}/check-in/rsvps/{ada.id}/undo", follow_redirects=True))
    assert "Ada Lovelace is no longer checked in." in page
    assert "0</strong> of 1 checked in" in page
    assert 'Check in<span class="visually-hidden"> Ada Lovelace</span>' in page


def test_someone_without_a_seat_cannot_be_ticked_in(client, as_role, tonight, create_user):
    waiting = seat(tonight, create_user("Wendy Waitlisted"), RsvpStatus.WAITLISTED)
    as_role("organiser")
    response = client.post(f"/events/{tonight.id}/check-in/rsvps/{waiting.id}")
    assert response.status_code == 409
    assert "Wendy Waitlisted has no seat for this event" in page_of(response)
    assert fresh(waiting).checked_in_at is None


def test_someone_holding_an_offer_is_checked_in_and_keeps_the_seat(client, as_role, tonight, create_user):
    offered = seat(
        tonight, create_user("Olga Offered"), RsvpStatus.OFFERED, offer_expires_at=tonight.starts_at
    )
    as_role("organiser")
    client.post(f"/events/{tonight.id}/check-in/rsvps/{offered.id}")
    rsvp = fresh(offered)
    assert rsvp.status == RsvpStatus.GOING
    assert rsvp.checked_in_at is not None


def test_nobody_is_checked_in_to_a_cancelled_event(client, as_role, tonight, ada):
    tonight.status = EventStatus.CANCELLED
    db.session.commit()
    as_role("organiser")
    assert "This event is cancelled" in page_of(client.get(f"/events/{tonight.id}/check-in"))
    response = client.post(f"/events/{tonight.id}/check-in/rsvps/{ada.id}")
    assert response.status_code == 409
    assert fresh(ada).checked_in_at is None


def test_an_rsvp_of_another_event_is_not_found(client, as_role, roles, tonight, create_event, create_user):
    other = create_event(roles["chapter"])
    theirs = seat(other, create_user())
    as_role("organiser")
    assert client.post(f"/events/{tonight.id}/check-in/rsvps/{theirs.id}").status_code == 404
    assert fresh(theirs).checked_in_at is None


# Walk-ins


@pytest.mark.parametrize("role", ROLE_NAMES)
def test_adding_a_walk_in_follows_the_role(client, as_role, tonight, role):
    user = as_role(role)
    response = client.post(f"/events/{tonight.id}/check-in/walk-ins", data={"name": "Wanda Walkin"})
    if role in MANAGERS:
        assert response.status_code == 302
        walk_in = db.session.scalar(select(WalkIn))
        assert walk_in.name == "Wanda Walkin"
        assert walk_in.user_id is None
        assert walk_in.added_by_id == user.id
        assert walk_in.checked_in_at is not None
    else:
        assert refused(response, role)
        assert walk_in_count() == 0


def test_a_walk_in_is_on_the_list_and_counted(client, as_role, tonight, ada):
    as_role("organiser")
    response = client.post(
        f"/events/{tonight.id}/check-in/walk-ins",
        data={"name": "  Wanda   Walkin ", "email": "wanda@elsewhere.example"},
        follow_redirects=True,
    )
    page = page_of(response)
    assert "Wanda Walkin is checked in as a walk-in." in page
    assert "1</strong> of 2 checked in (1 walk-in)" in page
    assert db.session.scalar(select(WalkIn.email)) == "wanda@elsewhere.example"


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"name": ""}, "name", "Please give the person&#39;s name."),
        ({"name": "   "}, "name", "Please give the person&#39;s name."),
        ({"name": "x" * 81}, "name", "80 characters"),
        ({"name": "Wanda", "email": "not-an-address"}, "email", "Please give an email address like"),
    ],
)
def test_bad_walk_in_input_is_refused_at_the_field_and_nothing_is_saved(
    client, as_role, tonight, data, field, message
):
    as_role("organiser")
    response = client.post(f"/events/{tonight.id}/check-in/walk-ins", data=data)
    page = page_of(response)
    assert response.status_code == 422
    error = page[page.index(f'id="{field}-error"') :]
    assert message in error[: error.index("</p>")]
    assert f"{field}-error" in control(page, field).split("aria-describedby=")[1]
    assert walk_in_count() == 0


def test_a_member_who_walks_in_to_a_full_event_is_a_walk_in_and_takes_no_seat(
    client, as_role, roles, tonight, create_user
):
    tonight.capacity = 1
    db.session.commit()
    rsvps.rsvp_going(tonight, create_user("Sam Seated"))
    waiting = create_user("Wendy Waitlisted", email="wendy@example.org")
    rsvps.rsvp_going(tonight, waiting)
    db.session.commit()
    as_role("organiser")
    response = client.post(
        f"/events/{tonight.id}/check-in/walk-ins", data={"name": "Wendy", "email": "Wendy@Example.org"}
    )
    assert response.status_code == 302
    rsvp = rsvps.rsvp_for(tonight, waiting)
    # Not overbooked: she is in the room as a walk-in, and her place in line is hers to keep or give up.
    assert rsvp.status == RsvpStatus.WAITLISTED
    assert rsvp.checked_in_at is None
    assert rsvps.seats_taken(tonight) == 1
    walk_in = db.session.scalar(select(WalkIn))
    assert walk_in.user_id == waiting.id
    assert walk_in.name == "Wendy"
    page = page_of(client.get(f"/events/{tonight.id}/check-in"))
    assert "1</strong> of 2 checked in (1 walk-in)" in page


def test_a_walk_in_who_already_has_a_seat_is_checked_in_on_one_line(client, as_role, tonight, ada):
    as_role("organiser")
    page = page_of(
        client.post(
            f"/events/{tonight.id}/check-in/walk-ins",
            data={"name": "Ada", "email": "ada@example.org"},
            follow_redirects=True,
        )
    )
    assert fresh(ada).checked_in_at is not None
    assert walk_in_count() == 1
    assert "Ada is checked in as a walk-in." in page
    # Her seat and the walk-in are one person: counted once, listed once.
    assert "1</strong> of 1 checked in (1 walk-in)" in page
    assert "Ada Lovelace" not in page


@pytest.mark.parametrize("role", ROLE_NAMES)
def test_removing_a_walk_in_follows_the_role(client, as_role, roles, tonight, role):
    walk_in = checkins.add_walk_in(tonight, "Wanda Walkin", actor=roles["organiser"]).walk_in
    db.session.commit()
    as_role(role)
    response = client.post(f"/events/{tonight.id}/check-in/walk-ins/{walk_in.id}/remove")
    if role in MANAGERS:
        assert response.status_code == 302
        assert walk_in_count() == 0
    else:
        assert refused(response, role)
        assert walk_in_count() == 1


def test_a_walk_in_of_another_event_cannot_be_removed_through_this_one(
    client, as_role, roles, tonight, create_event
):
    other = create_event(roles["chapter"], starts_at=tonight.starts_at)
    walk_in = checkins.add_walk_in(other, "Wanda Walkin", actor=roles["organiser"]).walk_in
    db.session.commit()
    as_role("organiser")
    assert client.post(f"/events/{tonight.id}/check-in/walk-ins/{walk_in.id}/remove").status_code == 404
    assert walk_in_count() == 1


# CSRF on every state change


def test_every_check_in_action_needs_a_csrf_token(client, as_role, roles, tonight, ada, csrf_enabled):
    walk_in = checkins.add_walk_in(tonight, "Wanda Walkin", actor=roles["organiser"]).walk_in
    db.session.commit()
    as_role("organiser")
    for path, data in [
        (f"/events/{tonight.id}/check-in/rsvps/{ada.id}", {}),
        (f"/events/{tonight.id}/check-in/rsvps/{ada.id}/undo", {}),
        (f"/events/{tonight.id}/check-in/walk-ins", {"name": "Someone"}),
        (f"/events/{tonight.id}/check-in/walk-ins/{walk_in.id}/remove", {}),
        (f"/events/{tonight.id}/check-in/{ada.ticket_code}", {}),
    ]:
        response = client.post(path, data=data)
        assert response.status_code == 400, path
    assert fresh(ada).checked_in_at is None
    assert walk_in_count() == 1


def test_check_in_buttons_carry_a_csrf_token(client, as_role, tonight, ada, csrf_enabled):
    as_role("organiser")
    page = page_of(client.get(f"/events/{tonight.id}/check-in"))
    form = page[page.index(f'action="/events/{tonight.id}/check-in/rsvps/{ada.id}"') :]
    assert 'name="csrf_token" value="' in form[: form.index("</form>")]


# Tickets


def test_a_member_going_sees_their_ticket_with_a_qr_code_of_the_check_in_address(
    app, client, login, tonight, ada
):
    login(ada.user)
    response = client.get(f"/events/{tonight.id}/ticket")
    page = page_of(response)
    assert response.status_code == 200
    assert "Ada Lovelace" in page
    assert "RAID logs that people read" in page
    url = f"{app.config['BASE_URL']}/events/{tonight.id}/check-in/{ada.ticket_code}"
    assert checkins.ticket_url(ada) == url
    assert f'src="{checkins.qr_code_uri(url)}"'.replace("&", "&amp;") in page
    assert 'alt="QR code of Ada Lovelace' in page


def test_the_rsvp_panel_links_to_the_ticket_for_people_going(client, login, tonight, ada, create_user):
    login(ada.user)
    assert "Show my ticket" in page_of(client.get(f"/events/{tonight.id}"))
    waiting = seat(tonight, create_user(), RsvpStatus.WAITLISTED)
    login(waiting.user)
    assert "Show my ticket" not in page_of(client.get(f"/events/{tonight.id}"))


def test_someone_without_a_seat_is_sent_back_to_the_event_instead_of_a_ticket(
    client, login, tonight, create_user
):
    waiting = seat(tonight, create_user(), RsvpStatus.WAITLISTED)
    login(waiting.user)
    response = client.get(f"/events/{tonight.id}/ticket", follow_redirects=True)
    assert response.request.path == f"/events/{tonight.id}"
    assert "Tickets are for people with a seat" in page_of(response)


def test_my_ticket_asks_anonymous_visitors_to_sign_in(client, tonight):
    assert signs_in(client.get(f"/events/{tonight.id}/ticket"))


@pytest.mark.parametrize("role", ROLE_NAMES)
def test_someone_elses_ticket_is_for_organisers_and_admins(client, as_role, tonight, ada, role):
    as_role(role)
    response = client.get(f"/events/{tonight.id}/tickets/{ada.id}")
    if role in MANAGERS:
        assert response.status_code == 200
        assert "Ada Lovelace" in page_of(response)
    else:
        assert refused(response, role)


def test_the_owner_sees_their_ticket_by_its_number_too(client, login, tonight, ada):
    login(ada.user)
    assert client.get(f"/events/{tonight.id}/tickets/{ada.id}").status_code == 200


def test_ticket_codes_are_long_random_and_unique(tonight, create_user):
    codes = {seat(tonight, create_user()).ticket_code for _ in range(5)}
    assert len(codes) == 5
    assert all(len(code) >= 22 for code in codes)


# Scanning a ticket


@pytest.mark.parametrize("role", ROLE_NAMES)
def test_scanning_a_ticket_follows_the_role(client, as_role, tonight, ada, role):
    as_role(role)
    get = client.get(f"/events/{tonight.id}/check-in/{ada.ticket_code}")
    post = client.post(f"/events/{tonight.id}/check-in/{ada.ticket_code}")
    if role in MANAGERS:
        assert get.status_code == 200
        assert "Check in Ada Lovelace</button>" in page_of(get)
        assert post.status_code == 302
        assert fresh(ada).checked_in_at is not None
    else:
        assert refused(get, role)
        assert refused(post, role)
        assert fresh(ada).checked_in_at is None


def test_a_scanned_ticket_already_used_says_when(client, as_role, tonight, ada):
    as_role("organiser")
    client.post(f"/events/{tonight.id}/check-in/{ada.ticket_code}")
    checked_in_at = fresh(ada).checked_in_at
    page = page_of(client.get(f"/events/{tonight.id}/check-in/{ada.ticket_code}"))
    local = checked_in_at.astimezone(tonight.tz).strftime("%H:%M")
    moment = checked_in_at.isoformat(timespec="seconds")
    assert f'Already checked in at <time datetime="{moment}">{local}' in page
    assert "by Olu Organiser" in page
    assert "Check in Ada Lovelace</button>" not in page


def test_scanning_another_events_ticket_is_not_found(
    client, as_role, roles, tonight, create_event, create_user
):
    other = create_event(roles["chapter"])
    theirs = seat(other, create_user())
    as_role("organiser")
    assert client.get(f"/events/{tonight.id}/check-in/{theirs.ticket_code}").status_code == 404
    assert client.post(f"/events/{tonight.id}/check-in/{theirs.ticket_code}").status_code == 404
    assert client.get(f"/events/{tonight.id}/check-in/not-a-real-code").status_code == 404
    assert fresh(theirs).checked_in_at is None


def test_scanning_the_ticket_of_someone_without_a_seat_says_so(client, as_role, tonight, create_user):
    gone = seat(tonight, create_user("Nora Notgoing"), RsvpStatus.NOT_GOING)
    as_role("organiser")
    page = page_of(client.get(f"/events/{tonight.id}/check-in/{gone.ticket_code}"))
    assert "No seat: their RSVP says not going" in page
    response = client.post(f"/events/{tonight.id}/check-in/{gone.ticket_code}")
    assert response.status_code == 409
    assert fresh(gone).checked_in_at is None


# Attendance on the event page


@pytest.fixture
def last_week(roles, create_event):
    start = datetime.now(UTC).replace(second=0, microsecond=0) - timedelta(days=7)
    return create_event(roles["chapter"], title="Lessons from a portfolio reset", starts_at=start)


def test_after_the_event_organisers_see_who_came(client, as_role, roles, last_week, create_user):
    came = datetime.now(UTC) - timedelta(days=7)
    for name in ("Ada", "Ben", "Cleo"):
        seat(last_week, create_user(name), checked_in_at=came)
    seat(last_week, create_user("Dev"))
    db.session.add(WalkIn(event_id=last_week.id, name="Wanda", checked_in_at=came))
    db.session.commit()
    as_role("organiser")
    page = page_of(client.get(f"/events/{last_week.id}"))
    assert "<strong>4 came</strong> (1 walk-in) of 4 going." in page
    assert f'href="/events/{last_week.id}/attendees.csv"' in page


@pytest.mark.parametrize("role", ["anonymous", "member", "other_organiser"])
def test_attendance_is_not_shown_to_anyone_else(client, as_role, last_week, role):
    as_role(role)
    page = page_of(client.get(f"/events/{last_week.id}"))
    assert "came</strong>" not in page
    assert "attendees.csv" not in page
    assert "Check in attendees" not in page


def test_before_the_event_organisers_get_a_link_to_the_check_in_page(client, as_role, tonight):
    as_role("organiser")
    page = page_of(client.get(f"/events/{tonight.id}"))
    assert f'href="/events/{tonight.id}/check-in">Check in attendees' in page
    assert "came</strong>" not in page


# The attendee list as CSV


def read_csv(response) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(response.get_data().decode("utf-8-sig"))))


@pytest.mark.parametrize("role", ROLE_NAMES)
def test_attendee_csv_is_for_the_chapters_organisers_and_admins(client, as_role, tonight, ada, role):
    as_role(role)
    response = client.get(f"/events/{tonight.id}/attendees.csv")
    if role in MANAGERS:
        assert response.status_code == 200
        assert response.mimetype == "text/csv"
        assert [row["Email"] for row in read_csv(response)] == ["ada@example.org"]
    else:
        assert refused(response, role)


def test_attendee_csv_lists_everyone_who_asked_to_come_with_times_in_the_events_zone(
    client, as_role, roles, create_event, create_user
):
    # 18:30 in London in July is 17:30 UTC.
    start = datetime(datetime.now(UTC).year + 1, 7, 9, 17, 30, tzinfo=UTC)
    event = create_event(roles["chapter"], starts_at=start, capacity=1)
    seat(
        event,
        create_user("Ada Lovelace", email="ada@example.org"),
        responded_at=datetime(start.year, 6, 1, 11, 5, tzinfo=UTC),
        checked_in_at=datetime(start.year, 7, 9, 17, 41, tzinfo=UTC),
    )
    seat(event, create_user("Cleo Second"), RsvpStatus.WAITLISTED, waitlisted_at=start - timedelta(days=2))
    seat(event, create_user("Ben First"), RsvpStatus.WAITLISTED, waitlisted_at=start - timedelta(days=3))
    seat(event, create_user("Nora Notgoing"), RsvpStatus.NOT_GOING)
    seat(event, create_user("Rex Removed"), RsvpStatus.REMOVED)
    walk_in_at = start + timedelta(minutes=20)
    db.session.add(WalkIn(event_id=event.id, name="Wanda Walkin", checked_in_at=walk_in_at))
    db.session.commit()
    as_role("organiser")
    response = client.get(f"/events/{event.id}/attendees.csv")
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="birmingham-{start.year}-07-09-attendees.csv"'
    )
    assert response.headers["Cache-Control"] == "no-store"
    rows = read_csv(response)
    assert list(rows[0]) == [
        "Name", "Email", "Status", "Waitlist position", "RSVP time", "Checked in at", "Walk-in"
    ]
    assert [row["Name"] for row in rows] == ["Ada Lovelace", "Ben First", "Cleo Second", "Wanda Walkin"]
    ada, ben, cleo, wanda = rows
    assert ada["Status"] == "going"
    assert ada["RSVP time"] == f"{start.year}-06-01 12:05"
    assert ada["Checked in at"] == f"{start.year}-07-09 18:41"
    assert ada["Walk-in"] == "no"
    assert (ben["Status"], ben["Waitlist position"]) == ("waitlisted", "1")
    assert cleo["Waitlist position"] == "2"
    assert ada["Waitlist position"] == ""
    assert wanda["Status"] == "walk-in"
    assert wanda["Walk-in"] == "yes"
    assert wanda["Checked in at"] == f"{start.year}-07-09 18:50"


def test_attendee_csv_cells_cannot_run_as_spreadsheet_formulas(client, as_role, tonight, create_user):
    seat(tonight, create_user('=HYPERLINK("http://evil.example","click")'))
    for name in ("+1 Plus", "-2 Minus", "@SUM(A1)", "Plain Name"):
        checkins.add_walk_in(tonight, name, actor=create_user())
    db.session.commit()
    as_role("organiser")
    names = {row["Name"] for row in read_csv(client.get(f"/events/{tonight.id}/attendees.csv"))}
    assert names == {
        "'=HYPERLINK(\"http://evil.example\",\"click\")",
        "'+1 Plus",
        "'-2 Minus",
        "'@SUM(A1)",
        "Plain Name",
    }


def test_attendee_csv_takes_the_same_number_of_queries_however_many_attend(
    client, as_role, tonight, create_user, count_queries
):
    def add(n):
        for _ in range(n):
            seat(tonight, create_user())
            seat(tonight, create_user(), RsvpStatus.WAITLISTED)
            checkins.add_walk_in(tonight, "Guest", actor=create_user())
        db.session.commit()

    as_role("organiser")
    add(2)
    with count_queries() as few:
        assert client.get(f"/events/{tonight.id}/attendees.csv").status_code == 200
    add(10)
    with count_queries() as many:
        assert client.get(f"/events/{tonight.id}/attendees.csv").status_code == 200
    assert many.count == few.count
    assert few.count <= 6
