"""Services say what happened: each returns a small result that views word and an API can serialise."""

from __future__ import annotations

import json
from datetime import timedelta

from flashmob import notifications
from flashmob.events.calendars import feeds
from flashmob.events.checkin import services as checkins
from flashmob.events.evenings import services as event_services
from flashmob.events.models import RsvpStatus
from flashmob.events.rsvps import services as rsvps
from flashmob.extensions import db
from flashmob.types import utcnow


def test_going_to_a_full_event_says_waitlisted_second_in_line_and_not_emailed_when_email_is_stopped(
    create_event, create_user
):
    event = create_event(capacity=1)
    ada, ben, cleo = (create_user(name) for name in ("Ada", "Ben", "Cleo"))
    rsvps.rsvp_going(event, ada)
    rsvps.rsvp_going(event, ben)
    notifications.stop_kind(cleo.id, "rsvp")

    outcome = rsvps.rsvp_going(event, cleo)

    assert outcome.status == RsvpStatus.WAITLISTED
    assert outcome.previous is None and outcome.changed
    assert outcome.position == 2
    assert outcome.emailed is False
    assert outcome.rsvp.user == cleo


def test_saying_going_again_changes_nothing_and_emails_nobody(create_event, create_user):
    event = create_event(capacity=5)
    ada = create_user("Ada")
    first = rsvps.rsvp_going(event, ada)
    again = rsvps.rsvp_going(event, ada)
    assert (first.changed, first.emailed) == (True, True)
    assert (again.previous, again.status, again.changed, again.emailed) == (
        RsvpStatus.GOING,
        RsvpStatus.GOING,
        False,
        False,
    )


def test_giving_up_a_seat_says_who_got_it(create_event, create_user):
    event = create_event(capacity=1)
    ada, ben = create_user("Ada"), create_user("Ben")
    rsvps.rsvp_going(event, ada)
    rsvps.rsvp_going(event, ben)

    outcome = rsvps.rsvp_not_going(event, ada)

    assert (outcome.previous, outcome.status) == (RsvpStatus.GOING, RsvpStatus.NOT_GOING)
    assert [rsvp.user for rsvp in outcome.seated] == [ben]
    assert outcome.seated[0].status == RsvpStatus.GOING


def test_promoting_into_a_full_event_says_a_seat_was_added(create_event, create_user):
    event = create_event(capacity=1)
    organiser, ada, ben = create_user("Olu"), create_user("Ada"), create_user("Ben")
    rsvps.rsvp_going(event, ada)
    waiting = rsvps.rsvp_going(event, ben).rsvp

    outcome = rsvps.promote_by_hand(waiting, actor=organiser, raise_capacity=True)

    assert outcome.seat_added and outcome.capacity == 2
    assert (outcome.previous, outcome.status) == (RsvpStatus.WAITLISTED, RsvpStatus.GOING)


def test_an_outcome_serialises_with_statuses_as_strings_and_people_as_ids(create_event, create_user):
    event = create_event(capacity=1)
    ada, ben = create_user("Ada"), create_user("Ben")
    rsvps.rsvp_going(event, ada)
    outcome = rsvps.rsvp_going(event, ben)

    data = outcome.to_dict()

    assert data == {
        "rsvp": outcome.rsvp.id,
        "previous": None,
        "status": "waitlisted",
        "changed": True,
        "emailed": True,
        "position": 1,
        "capacity": 1,
        "seat_added": False,
        "seated": [],
    }
    assert type(data["status"]) is str
    json.dumps(data)


def test_raising_the_capacity_says_who_got_the_new_seats(create_event, create_user):
    event = create_event(capacity=1)
    organiser, ada, ben = create_user("Olu"), create_user("Ada"), create_user("Ben")
    rsvps.rsvp_going(event, ada)
    rsvps.rsvp_going(event, ben)

    change = rsvps.set_capacity(event, 3, actor=organiser)

    assert (change.previous, change.capacity) == (1, 3)
    assert [rsvp.user for rsvp in change.seated] == [ben]
    assert change.to_dict()["seated"] == [change.seated[0].id]


def test_changing_an_event_says_it_moved_and_how_many_were_told(create_event, create_user):
    event = create_event(capacity=5)
    organiser = create_user("Olu")
    for name in ("Ada", "Ben"):
        rsvps.rsvp_going(event, create_user(name))
    details = event_services.EventDetails(
        title=event.title,
        starts_at=(event.local_starts_at + timedelta(hours=1)).replace(tzinfo=None),
        ends_at=(event.local_ends_at + timedelta(hours=1)).replace(tzinfo=None),
        timezone=event.timezone,
        venue_name=event.venue_name,
        venue_address=event.venue_address,
        capacity=event.capacity,
    )

    update = event_services.update_event(event, details, actor=organiser)

    assert update.moved and not update.date_set
    assert update.told == 2
    assert update.to_dict()["event"] == event.id


def test_cancelling_says_how_many_were_told(create_event, create_user):
    event = create_event(capacity=5)
    rsvps.rsvp_going(event, create_user("Ada"))
    cancellation = event_services.cancel_event(event, actor=create_user("Olu"))
    assert (cancellation.told, cancellation.told_no_date) == (1, 0)


def test_checking_in_twice_says_the_second_changed_nothing_and_an_offer_was_claimed(
    create_event, create_user
):
    tonight = create_event(capacity=1, starts_at=utcnow() + timedelta(hours=1))
    organiser, ada, ben = create_user("Olu"), create_user("Ada"), create_user("Ben")
    rsvps.rsvp_going(tonight, ada)
    rsvps.rsvp_going(tonight, ben)
    rsvps.rsvp_not_going(tonight, ada)  # within the offer window: Ben is offered the seat
    offered = rsvps.rsvp_for(tonight, ben)
    assert offered.status == RsvpStatus.OFFERED

    first = checkins.check_in(offered, actor=organiser)
    again = checkins.check_in(offered, actor=organiser)

    assert (first.checked_in, first.changed, first.claimed_offer) == (True, True, True)
    assert (again.changed, again.claimed_offer) == (False, False)
    assert checkins.undo_check_in(offered, actor=organiser).changed


def test_a_new_calendar_address_says_whether_it_replaced_one(create_user):
    ada = create_user("Ada")
    first = feeds.reset_calendar_token(ada, actor=ada)
    second = feeds.reset_calendar_token(ada, actor=ada)
    db.session.commit()
    assert (first.replaced, second.replaced) == (False, True)
    assert second.token == ada.calendar_token != first.token
