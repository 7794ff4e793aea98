"""Walk-ins: the organiser learns no more than they typed, a member checked in by email is told, a walk-in
takes no seat, and a member walks in to an evening once (backed by the database)."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from flashmob import notifications
from flashmob.events.checkin import services as checkins
from flashmob.events.models import Rsvp, RsvpStatus, WalkIn
from flashmob.events.rsvps import services as rsvps
from flashmob.extensions import db
from flashmob.outbox import OutboxMessage


def page_of(response) -> str:
    return response.get_data(as_text=True)


def fresh(obj):
    db.session.expire_all()
    return db.session.get(type(obj), obj.id)


def walk_ins() -> list[WalkIn]:
    db.session.expire_all()
    return list(db.session.scalars(select(WalkIn).order_by(WalkIn.id)))


def told(user) -> list[OutboxMessage]:
    statement = select(OutboxMessage).where(
        OutboxMessage.user_id == user.id, OutboxMessage.kind == checkins.CHECKED_IN_KIND
    )
    return list(db.session.scalars(statement))


def going(event, user, status=RsvpStatus.GOING, **fields) -> Rsvp:
    rsvp = Rsvp(event_id=event.id, user_id=user.id, status=status, **fields)
    if status == RsvpStatus.WAITLISTED:
        rsvp.waitlisted_at = datetime.now(UTC)
    db.session.add(rsvp)
    db.session.commit()
    return rsvp


def on_the_day(roles, create_event, start=None, **fields):
    start = start or datetime.now(UTC).replace(second=0, microsecond=0) + timedelta(hours=2)
    return create_event(roles["chapter"], title="RAID logs that people read", starts_at=start, **fields)


@pytest.fixture
def tonight(roles, create_event):
    return on_the_day(roles, create_event, capacity=2)


@pytest.fixture
def mina(create_user):
    """A member with an account whom the organisers have never seen on their lists."""
    return create_user("Mina Secretname", email="mina@example.org")


def add(client, event, name, email=""):
    return client.post(
        f"/events/{event.id}/check-in/walk-ins", data={"name": name, "email": email}, follow_redirects=True
    )


# What the organiser sees


def _normalised(page: str) -> str:
    """The page without what differs between two events anyway: ids in addresses, tokens, clock times."""
    page = re.sub(r"<head>.*?</head>", "<head/>", page, flags=re.S)  # previews repeat the clock times
    page = re.sub(r"(/|%2F)\d+", r"\1N", page)
    page = re.sub(r"avatar--tone-\d+", "avatar--tone-N", page)  # a colour drawn from the person's id
    page = re.sub(r'name="csrf_token"( type="hidden")? value="[^"]*"', 'name="csrf_token"', page)
    return re.sub(r'<time datetime="[^"]*">[^<]*</time>', "<time/>", page)


def _csv_rows(client, event) -> list[dict]:
    response = client.get(f"/events/{event.id}/attendees.csv")
    rows = list(csv.DictReader(io.StringIO(response.get_data().decode("utf-8-sig"))))
    for row in rows:
        row.pop("Email")
        row.pop("Checked in at")
    return rows


def test_the_organiser_sees_the_same_whether_or_not_the_email_has_an_account(
    client, as_role, roles, create_event, create_user, mina
):
    # Two evenings alike in every way; on one the address typed is a member's, on the other nobody's.
    start = datetime.now(UTC).replace(second=0, microsecond=0) + timedelta(hours=2)
    member_event = on_the_day(roles, create_event, start, capacity=1)
    stranger_event = on_the_day(roles, create_event, start, capacity=1)
    for event in (member_event, stranger_event):
        going(event, create_user("Ada Lovelace", email=f"ada{event.id}@example.org"))
    as_role("organiser")

    answers = {
        member_event: add(client, member_event, "Sam Smith", "Mina@Example.org"),
        stranger_event: add(client, stranger_event, "Sam Smith", "nobody@example.net"),
    }

    for response in answers.values():
        assert "Sam Smith is checked in as a walk-in." in page_of(response)
        assert "1</strong> of 2 checked in (1 walk-in)" in page_of(response)
    pages = {}
    for event, response in answers.items():
        pages[event] = [
            _normalised(page_of(response)),
            _normalised(page_of(client.get(f"/events/{event.id}"))),
            _normalised(page_of(client.get(f"/events/{event.id}/attendees"))),
        ]
        assert all("Secretname" not in page and "mina@" not in page for page in pages[event])
    assert pages[member_event] == pages[stranger_event]
    assert _csv_rows(client, member_event) == _csv_rows(client, stranger_event)
    # The organiser's own record keeps what they typed, in both cases.
    assert [(w.name, w.email) for w in walk_ins()] == [
        ("Sam Smith", "mina@example.org"),
        ("Sam Smith", "nobody@example.net"),
    ]
    # Only the member is told; nobody writes to an address without an account.
    assert len(told(mina)) == 1
    assert db.session.scalar(
        select(func.count(OutboxMessage.id)).where(OutboxMessage.kind == checkins.CHECKED_IN_KIND)
    ) == 1


def test_adding_the_same_address_twice_reads_the_same_with_an_account_or_without(
    client, as_role, tonight, mina
):
    as_role("organiser")
    for email in ("mina@example.org", "nobody@example.net"):
        add(client, tonight, "Sam Smith", email)
        page = page_of(add(client, tonight, "Samuel", email))
        assert "Sam Smith is already checked in as a walk-in, with that email." in page
    assert [w.name for w in walk_ins()] == ["Sam Smith", "Sam Smith"]
    assert len(told(mina)) == 1


# What the member is told


def test_a_member_checked_in_by_email_is_told_by_whom_and_where_even_with_email_stopped(
    app, client, as_role, roles, tonight, mina
):
    notifications.set_wanted_kinds(mina.id, [])
    as_role("organiser")
    add(client, tonight, "Sam Smith", "mina@example.org")
    (message,) = told(mina)
    assert message.to_address == "mina@example.org"
    assert message.subject == "You were checked in: RAID logs that people read"
    # Like account email it cannot be stopped: it tells the member their address was used.
    assert message.unsubscribe_url is None
    event_url = f"{app.config['BASE_URL']}/events/{tonight.id}"
    for body in (message.text_body, message.html_body):
        assert "Hello Mina Secretname" in body
        assert "Olu Organiser, an organiser of Birmingham, checked you in at" in body
        assert "RAID logs that people read" in body
        assert "Sam Smith" in body
        assert "It does not book you a seat or change your RSVP." in body
        assert event_url in body


# A walk-in takes no seat


def test_a_member_without_a_seat_stays_as_they_were_and_the_full_event_is_not_overbooked(
    client, as_role, tonight, mina, create_user, login
):
    for name in ("Ada", "Ben"):
        going(tonight, create_user(name))
    as_role("organiser")
    add(client, tonight, "Mina", "mina@example.org")
    assert rsvps.rsvp_for(tonight, mina) is None
    assert rsvps.seats_taken(tonight) == 2
    # Not on anyone's list of who is going: she did not say she was.
    login(create_user("Someone Else"))
    assert "Mina Secretname" not in page_of(client.get(f"/events/{tonight.id}"))


def test_a_member_holding_an_open_offer_claims_it_at_the_door(client, as_role, tonight, mina):
    offer = going(tonight, mina, RsvpStatus.OFFERED, offer_expires_at=tonight.starts_at)
    as_role("organiser")
    add(client, tonight, "Mina", "mina@example.org")
    rsvp = fresh(offer)
    assert (rsvp.status, rsvp.offer_expires_at) == (RsvpStatus.GOING, None)
    assert rsvp.checked_in_at == walk_ins()[0].checked_in_at
    assert rsvps.seats_taken(tonight) == 1
    assert "Your seat is checked in too." in told(mina)[0].text_body


def test_a_member_whose_offer_ran_out_is_a_walk_in_without_the_seat(client, as_role, tonight, mina):
    lapsed = going(
        tonight, mina, RsvpStatus.EXPIRED, offer_expires_at=datetime.now(UTC) - timedelta(minutes=5)
    )
    as_role("organiser")
    add(client, tonight, "Mina", "mina@example.org")
    assert fresh(lapsed).status == RsvpStatus.EXPIRED
    assert fresh(lapsed).checked_in_at is None
    assert walk_ins()[0].user_id == mina.id


def test_attendance_counts_each_person_once_however_they_came(client, as_role, tonight, create_user, mina):
    tonight.capacity = 10
    db.session.commit()
    ada = going(tonight, create_user("Ada"), checked_in_at=datetime.now(UTC))
    going(tonight, create_user("Ben"))
    going(tonight, create_user("Cleo", email="cleo@example.org"))
    as_role("organiser")
    add(client, tonight, "Cleo C", "cleo@example.org")  # going, and added at the door as well
    add(client, tonight, "Wanda")  # no account
    page = page_of(add(client, tonight, "Mina", "mina@example.org"))  # a member without a seat

    assert checkins.attendance(tonight) == checkins.Attendance(going=2, checked_in=1, walk_ins=3, expected=5)
    assert "4</strong> of 5 checked in (3 walk-ins)" in page
    names = [arrival.name for arrival in checkins.arrivals(tonight)]
    assert names == ["Ada", "Ben", "Cleo C", "Mina", "Wanda"]
    rows = [(row.name, row.status) for row in checkins.attendee_rows(tonight)]
    assert rows == [
        ("Ada", RsvpStatus.GOING),
        ("Ben", RsvpStatus.GOING),
        ("Cleo C", "walk-in"),
        ("Mina", "walk-in"),
        ("Wanda", "walk-in"),
    ]
    assert fresh(ada).checked_in_at is not None


def test_removing_a_walk_in_takes_back_the_seat_check_in_it_made_and_no_other(
    client, as_role, roles, tonight, create_user
):
    cleo = going(tonight, create_user("Cleo", email="cleo@example.org"))
    dev = going(tonight, create_user("Dev", email="dev@example.org"))
    organiser = roles["organiser"]
    checkins.check_in(dev, actor=organiser)
    db.session.commit()
    first_tap = fresh(dev).checked_in_at
    for email in ("cleo@example.org", "dev@example.org"):
        checkins.add_walk_in(tonight, "Someone", email, actor=organiser)
    db.session.commit()
    as_role("organiser")
    for walk_in in walk_ins():
        assert client.post(f"/events/{tonight.id}/check-in/walk-ins/{walk_in.id}/remove").status_code == 302
    assert walk_ins() == []
    assert fresh(cleo).checked_in_at is None
    assert fresh(dev).checked_in_at == first_tap
    page = page_of(client.get(f"/events/{tonight.id}/check-in"))
    assert "1</strong> of 2 checked in" in page


# One walk-in per member per evening, in the database too


def test_the_database_refuses_a_member_walked_in_twice_but_not_two_guests(tonight, mina):
    def walk_in(name, user_id=None):
        return WalkIn(event_id=tonight.id, name=name, user_id=user_id, checked_in_at=datetime.now(UTC))

    db.session.add_all([walk_in("Guest"), walk_in("Guest")])
    db.session.commit()
    db.session.add(walk_in("Mina", mina.id))
    db.session.commit()
    db.session.add(walk_in("Mina again", mina.id))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
    assert len(walk_ins()) == 3


def test_a_duplicate_member_walk_in_keeps_the_first_and_the_rest_of_the_transaction(roles, tonight, mina):
    organiser = roles["organiser"]
    first = checkins.add_walk_in(tonight, "Mina", "mina@example.org", actor=organiser).walk_in
    db.session.commit()
    # Her address changed since: nothing on the list has the new one, and the insert meets the constraint.
    mina.email = "mina@new.example.org"
    db.session.commit()
    guest = checkins.add_walk_in(tonight, "Wanda", actor=organiser).walk_in
    again = checkins.add_walk_in(tonight, "Mina N", "mina@new.example.org", actor=organiser)
    db.session.commit()
    assert (again.walk_in.id, again.is_new) == (first.id, False)
    assert [w.id for w in walk_ins()] == [first.id, guest.id]
    assert len(told(mina)) == 1
