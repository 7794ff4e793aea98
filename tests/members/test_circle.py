"""Who a member knows: connections, requests, people met at past evenings, blocks; in fixed queries."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flashmob.events.models import EventStatus, Rsvp, RsvpStatus, WalkIn
from flashmob.extensions import db
from flashmob.members.circle import NOBODY, circle_for
from flashmob.members.models import Connection, ConnectionStatus, MemberBlock


def _connect(a, b, status=ConnectionStatus.ACCEPTED):
    db.session.add(
        Connection(
            pair_key=Connection.key_for(a.id, b.id), requester_id=a.id, addressee_id=b.id, status=status
        )
    )
    db.session.commit()


def _went(event, *people):
    for person in people:
        db.session.add(Rsvp(event=event, user_id=person.id, status=RsvpStatus.GOING))
    db.session.commit()


def test_a_member_knows_connections_requests_and_blocks_each_way(create_user):
    me, friend, asked, asking, refused, blocker, blocked, stranger = (create_user() for _ in range(8))
    _connect(me, friend)
    _connect(me, asked, ConnectionStatus.PENDING)
    _connect(asking, me, ConnectionStatus.PENDING)
    _connect(me, refused, ConnectionStatus.DECLINED)
    db.session.add_all(
        [
            MemberBlock(blocker_id=blocker.id, blocked_id=me.id),
            MemberBlock(blocker_id=me.id, blocked_id=blocked.id),
        ]
    )
    db.session.commit()

    circle = circle_for(me.id)

    assert circle.connected == {friend.id}
    assert circle.asked == {asked.id} and circle.asked_by == {asking.id}
    assert circle.declined == {refused.id}
    assert circle.blocked == {blocker.id, blocked.id} and circle.blocked_by_me == {blocked.id}
    assert stranger.id not in circle.connected | circle.blocked | circle.met
    assert circle.has_met(friend.id) and not circle.has_met(stranger.id)


def test_met_means_a_past_published_evening_together_by_seat_or_at_the_door(create_user, create_event):
    me, seat, door, future, cancelled, waiting = (create_user() for _ in range(6))
    past = create_event(starts_at=datetime.now(UTC) - timedelta(days=7))
    _went(past, me, seat)
    db.session.add(WalkIn(event=past, name="Door", user_id=door.id))
    db.session.add(
        Rsvp(event=past, user_id=waiting.id, status=RsvpStatus.WAITLISTED, waitlisted_at=past.starts_at)
    )
    upcoming = create_event()
    _went(upcoming, me, future)
    called_off = create_event(starts_at=datetime.now(UTC) - timedelta(days=9), status=EventStatus.CANCELLED)
    _went(called_off, me, cancelled)

    assert circle_for(me.id).met == {seat.id, door.id}
    assert circle_for(door.id).met == {me.id, seat.id}


def test_the_circle_is_limited_to_the_people_shown_and_costs_the_same_for_many(
    create_user, create_event, count_queries
):
    me = create_user()
    others = [create_user() for _ in range(12)]
    past = create_event(starts_at=datetime.now(UTC) - timedelta(days=3))
    _went(past, me, *others)
    for other in others[:6]:
        _connect(me, other)

    me_id, other_ids = me.id, [other.id for other in others]

    with count_queries() as few:
        small = circle_for(me_id, among=other_ids[:2])
    with count_queries() as many:
        large = circle_for(me_id, among=other_ids)

    assert small.connected == set(other_ids[:2])
    assert len(large.connected) == 6 and len(large.met) == 12
    assert few.count == many.count == 3


def test_nobody_signed_in_knows_nobody():
    assert circle_for(None) is NOBODY
    assert not NOBODY.is_signed_in and not NOBODY.has_met(1)
