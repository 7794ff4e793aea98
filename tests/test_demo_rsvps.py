"""The demo's RSVPs: people going to upcoming evenings, a full evening and its waitlist, who came."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from flashmob import demo
from flashmob.events.models import Event, Rsvp
from flashmob.events.rsvps import queries
from flashmob.events.rsvps import services as rsvps
from flashmob.extensions import db
from flashmob.members.models import User


def _event(key: str) -> Event:
    return db.session.scalars(select(Event).where(Event.ical_uid == demo.demo_ical_uid(key))).one()


def _user(email: str) -> User:
    return db.session.scalars(select(User).where(User.email == email)).one()


@pytest.fixture
def seeded(app):
    summary = demo.seed_demo()
    db.session.expire_all()
    return summary


def test_seeding_says_how_many_rsvps_it_added(seeded):
    count = db.session.scalar(select(func.count(Rsvp.id)))
    assert f"{count} RSVPs" in seeded
    assert count >= 30


def test_the_full_bristol_evening_has_every_seat_taken_and_the_demo_member_second_in_line(seeded):
    bristol = _event("bristol-first")
    assert rsvps.free_seats(bristol) == 0
    line = rsvps.waitlist(bristol)
    assert [rsvp.user.email for rsvp in line][:2] == ["ben.fletcher@example.org", "member@example.org"]
    member = rsvps.rsvp_for(bristol, _user("member@example.org"))
    assert rsvps.waitlist_position(member) == 2


def test_upcoming_evenings_have_people_going_and_past_ones_say_who_came(seeded):
    upcoming = _event("birmingham-upcoming")
    panel = queries.rsvp_panel(upcoming, None, show_people=False)
    assert panel.going_count == 5 and panel.seats_left == upcoming.capacity - 5
    past = _event("london-recent-careers")
    came = db.session.scalar(
        select(func.count(Rsvp.id)).where(Rsvp.event_id == past.id, Rsvp.checked_in_at.is_not(None))
    )
    assert came == 6
    for rsvp in db.session.scalars(select(Rsvp).where(Rsvp.event_id == past.id)):
        assert rsvp.responded_at < past.starts_at
        assert rsvp.checked_in_at is None or past.starts_at <= rsvp.checked_in_at < past.ends_at


def test_seeding_twice_adds_no_second_rsvp(seeded):
    before = db.session.scalar(select(func.count(Rsvp.id)))
    demo.seed_demo()
    assert db.session.scalar(select(func.count(Rsvp.id))) == before
