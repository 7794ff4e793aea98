"""The RSVP rules: seats, the waitlist, offers close to the event, approval, and what organisers do."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from flashmob.events.models import Event, EventStatus, Rsvp, RsvpStatus
from flashmob.events.rsvps import services as rsvps
from flashmob.events.rsvps.services import RsvpError
from flashmob.extensions import db
from flashmob.outbox import OutboxMessage
from flashmob.types import utcnow
from tests.mail import render_queued


@pytest.fixture
def organiser(create_user):
    return create_user("Olu Organiser")


@pytest.fixture
def people(create_user):
    """Six members, named in the order they answer."""
    return [create_user(name) for name in ("Ada", "Ben", "Cleo", "Dev", "Esi", "Finn")]


@pytest.fixture
def small_event(create_event):
    """Two seats, a fortnight away: freed seats are given, not offered."""
    return create_event(capacity=2)


@pytest.fixture
def soon_event(create_event):
    """Two seats, starting in a day: inside the 48-hour window, freed seats are offered for 4 hours."""
    return create_event(capacity=2, starts_at=utcnow().replace(microsecond=0) + timedelta(hours=24))


def emails(kind: str | None = None, to=None) -> list[OutboxMessage]:
    render_queued()
    statement = select(OutboxMessage).order_by(OutboxMessage.id)
    if kind:
        statement = statement.where(OutboxMessage.kind == kind)
    if to is not None:
        statement = statement.where(OutboxMessage.to_address == to.email)
    return list(db.session.scalars(statement))


def rsvp_count(event: Event) -> int:
    return db.session.scalar(select(func.count(Rsvp.id)).where(Rsvp.event_id == event.id))


def going(event, *users, now=None) -> list[Rsvp]:
    answers = [rsvps.rsvp_going(event, user, now=now).rsvp for user in users]
    db.session.commit()
    return answers


# Going, the waitlist and positions


def test_going_with_a_free_seat_gives_a_seat_and_queues_a_confirmation(small_event, people):
    (ada_rsvp,) = going(small_event, people[0])

    assert ada_rsvp.status == RsvpStatus.GOING
    assert rsvps.seats_taken(small_event) == 1
    (mail,) = emails(to=people[0])
    assert mail.kind == "rsvp_confirmed"
    assert mail.subject == f"You have a seat: {small_event.title}"
    assert "You have a seat" in mail.text_body


def test_going_to_a_full_event_puts_people_on_the_waitlist_with_their_position(small_event, people):
    ada, ben, cleo, dev = people[:4]
    _, _, cleo_rsvp, dev_rsvp = going(small_event, ada, ben, cleo, dev)

    assert [cleo_rsvp.status, dev_rsvp.status] == [RsvpStatus.WAITLISTED, RsvpStatus.WAITLISTED]
    assert rsvps.seats_taken(small_event) == 2
    assert rsvps.waitlist_position(cleo_rsvp) == 1
    assert rsvps.waitlist_position(dev_rsvp) == 2
    assert [r.user for r in rsvps.waitlist(small_event)] == [cleo, dev]
    (mail,) = emails(to=dev)
    assert mail.kind == "rsvp_waitlisted"
    assert "you are number 2 in line" in mail.text_body


def test_going_twice_changes_nothing_and_sends_no_second_email(small_event, people):
    first = going(small_event, people[0])[0]
    again = going(small_event, people[0])[0]
    going(small_event, people[1], people[2], people[2])

    assert again.id == first.id and again.status == RsvpStatus.GOING
    assert rsvp_count(small_event) == 3
    assert len(emails(to=people[0])) == 1
    assert len(emails(to=people[2])) == 1
    assert rsvps.waitlist_position(rsvps.rsvp_for(small_event, people[2])) == 1


def test_not_going_without_a_seat_records_the_answer_and_repeats_change_nothing(small_event, people):
    first = rsvps.rsvp_not_going(small_event, people[0]).rsvp
    again = rsvps.rsvp_not_going(small_event, people[0]).rsvp
    db.session.commit()

    assert first.id == again.id and again.status == RsvpStatus.NOT_GOING
    assert rsvp_count(small_event) == 1
    assert emails() == []


def test_an_inserted_duplicate_is_caught_by_the_unique_constraint_and_changes_nothing(small_event, people):
    going(small_event, people[0])
    rsvps.lock_event(small_event.id)

    existing, created = rsvps._insert(small_event, people[0], RsvpStatus.GOING, utcnow())
    db.session.commit()

    assert not created and existing.status == RsvpStatus.GOING
    assert rsvp_count(small_event) == 1


# Cancelling and promotion


def test_cancelling_promotes_the_first_in_line_and_tells_them(small_event, people):
    ada, ben, cleo, dev = people[:4]
    going(small_event, ada, ben, cleo, dev)

    rsvps.rsvp_not_going(small_event, ada)
    db.session.commit()

    assert rsvps.rsvp_for(small_event, ada).status == RsvpStatus.NOT_GOING
    cleo_rsvp = rsvps.rsvp_for(small_event, cleo)
    assert cleo_rsvp.status == RsvpStatus.GOING and cleo_rsvp.promoted_at is not None
    assert rsvps.waitlist_position(rsvps.rsvp_for(small_event, dev)) == 1
    assert rsvps.seats_taken(small_event) == 2
    (promotion,) = emails("rsvp_promoted")
    assert promotion.to_address == cleo.email
    assert "it is yours" in promotion.text_body
    assert emails("rsvp_promoted", to=dev) == []


def test_coming_back_after_saying_not_going_joins_the_end_of_the_line(small_event, people):
    ada, ben, cleo = people[:3]
    going(small_event, ada, ben, cleo)
    rsvps.rsvp_not_going(small_event, ada)
    db.session.commit()

    (back,) = going(small_event, ada)

    assert back.status == RsvpStatus.WAITLISTED
    assert rsvps.waitlist_position(back) == 1
    assert rsvp_count(small_event) == 3


def test_raising_the_capacity_promotes_people_in_line_in_order(small_event, people, organiser):
    ada, ben, cleo, dev, esi = people[:5]
    going(small_event, ada, ben, cleo, dev, esi)

    moved = rsvps.set_capacity(small_event, 4, actor=organiser).seated
    db.session.commit()

    assert [r.user for r in moved] == [cleo, dev]
    assert small_event.capacity == 4
    assert rsvps.seats_taken(small_event) == 4
    assert rsvps.waitlist_position(rsvps.rsvp_for(small_event, esi)) == 1
    assert sorted(m.to_address for m in emails("rsvp_promoted")) == sorted([cleo.email, dev.email])


def test_removing_the_limit_gives_everyone_in_line_a_seat(small_event, people, organiser):
    going(small_event, *people[:5])

    rsvps.set_capacity(small_event, None, actor=organiser)
    db.session.commit()

    assert rsvps.seats_taken(small_event) == 5
    assert rsvps.waitlist(small_event) == []


@pytest.mark.parametrize("capacity", [0, -3])
def test_capacity_below_one_is_refused(small_event, organiser, capacity):
    with pytest.raises(RsvpError, match="at least 1"):
        rsvps.set_capacity(small_event, capacity, actor=organiser)


def test_capacity_below_the_seats_taken_is_refused(small_event, people, organiser):
    going(small_event, *people[:2])

    with pytest.raises(RsvpError, match="2 seats are already taken"):
        rsvps.set_capacity(small_event, 1, actor=organiser)
    db.session.rollback()

    assert db.session.get(Event, small_event.id).capacity == 2


# When RSVPs are open


def test_rsvp_after_the_event_started_is_refused(create_event, people):
    started = create_event(starts_at=utcnow() - timedelta(minutes=5))

    with pytest.raises(RsvpError, match="closed when the event started"):
        rsvps.rsvp_going(started, people[0])
    with pytest.raises(RsvpError, match="closed when the event started"):
        rsvps.rsvp_not_going(started, people[0])
    db.session.rollback()

    assert rsvp_count(started) == 0


def test_rsvp_at_the_moment_of_the_start_is_refused(small_event, people):
    with pytest.raises(RsvpError, match="closed"):
        rsvps.rsvp_going(small_event, people[0], now=small_event.starts_at)


@pytest.mark.parametrize(
    ("status", "message"),
    [(EventStatus.DRAFT, "not open for RSVPs yet"), (EventStatus.CANCELLED, "has been cancelled")],
)
def test_rsvp_to_a_draft_or_cancelled_event_is_refused(create_event, people, status, message):
    event = create_event(status=status)

    with pytest.raises(RsvpError, match=message):
        rsvps.rsvp_going(event, people[0])
    db.session.rollback()

    assert rsvp_count(event) == 0


# Offers close to the event


def test_inside_the_offer_window_a_freed_seat_is_offered_with_an_expiry(soon_event, people):
    ada, ben, cleo, dev, esi = people[:5]
    going(soon_event, ada, ben, cleo, dev)
    now = utcnow()

    rsvps.rsvp_not_going(soon_event, ada, now=now)
    db.session.commit()

    cleo_rsvp = rsvps.rsvp_for(soon_event, cleo)
    assert cleo_rsvp.status == RsvpStatus.OFFERED
    assert cleo_rsvp.offer_expires_at == now + timedelta(hours=4)
    assert cleo_rsvp.promoted_at is None
    # The offered seat is held: a newcomer does not take it, and Dev is still next in line.
    assert rsvps.seats_taken(soon_event) == 2
    assert rsvps.waitlist_position(rsvps.rsvp_for(soon_event, dev)) == 1
    (esi_rsvp,) = going(soon_event, esi)
    assert esi_rsvp.status == RsvpStatus.WAITLISTED
    (offer,) = emails("rsvp_offered")
    assert offer.to_address == cleo.email
    assert "held for you until" in offer.text_body
    assert emails("rsvp_promoted") == []


def test_an_offer_never_lasts_past_the_start(create_event, people):
    event = create_event(capacity=1, starts_at=utcnow().replace(microsecond=0) + timedelta(hours=1))
    going(event, people[0], people[1])

    rsvps.rsvp_not_going(event, people[0])
    db.session.commit()

    assert rsvps.rsvp_for(event, people[1]).offer_expires_at == event.starts_at


def test_the_organiser_sets_the_offer_window(create_event, people):
    event = create_event(
        capacity=1, starts_at=utcnow() + timedelta(hours=24), offer_window_hours=12, offer_hold_hours=2
    )
    going(event, people[0], people[1])

    rsvps.rsvp_not_going(event, people[0])
    db.session.commit()

    assert rsvps.rsvp_for(event, people[1]).status == RsvpStatus.GOING


def test_claiming_an_offer_in_time_gives_the_seat(soon_event, people):
    ada, ben, cleo = people[:3]
    going(soon_event, ada, ben, cleo)
    now = utcnow()
    rsvps.rsvp_not_going(soon_event, ada, now=now)
    db.session.commit()

    offer = rsvps.rsvp_for(soon_event, cleo)
    claimed = rsvps.claim_offer(offer, now=now + timedelta(hours=3, minutes=59)).rsvp
    db.session.commit()

    assert claimed.status == RsvpStatus.GOING
    assert claimed.offer_expires_at is None
    assert rsvps.seats_taken(soon_event) == 2
    assert [m.kind for m in emails(to=cleo)] == ["rsvp_waitlisted", "rsvp_offered", "rsvp_confirmed"]


def test_saying_going_while_holding_an_offer_claims_it(soon_event, people):
    ada, ben, cleo = people[:3]
    going(soon_event, ada, ben, cleo)
    rsvps.rsvp_not_going(soon_event, ada)
    db.session.commit()

    (cleo_rsvp,) = going(soon_event, cleo)

    assert cleo_rsvp.status == RsvpStatus.GOING


def test_claiming_after_the_offer_ran_out_is_refused_and_the_job_passes_it_on(soon_event, people):
    ada, ben, cleo, dev = people[:4]
    going(soon_event, ada, ben, cleo, dev)
    now = utcnow()
    rsvps.rsvp_not_going(soon_event, ada, now=now)
    db.session.commit()
    later = now + timedelta(hours=4)

    with pytest.raises(RsvpError, match="ran out at"):
        rsvps.claim_offer(rsvps.rsvp_for(soon_event, cleo), now=later)
    db.session.rollback()
    lapsed = rsvps.expire_offers(later)
    db.session.commit()

    assert [r.user for r in lapsed] == [cleo]
    assert rsvps.rsvp_for(soon_event, cleo).status == RsvpStatus.EXPIRED
    dev_rsvp = rsvps.rsvp_for(soon_event, dev)
    assert dev_rsvp.status == RsvpStatus.OFFERED
    assert dev_rsvp.offer_expires_at == later + timedelta(hours=4)
    assert rsvps.seats_taken(soon_event) == 2
    assert [m.to_address for m in emails("rsvp_offer_expired")] == [cleo.email]
    assert [m.to_address for m in emails("rsvp_offered")] == [cleo.email, dev.email]


def test_the_expiry_job_leaves_offers_that_still_run(soon_event, people):
    going(soon_event, *people[:3])
    now = utcnow()
    rsvps.rsvp_not_going(soon_event, people[0], now=now)
    db.session.commit()

    assert rsvps.expire_offers(now + timedelta(hours=3)) == []
    assert rsvps.rsvp_for(soon_event, people[2]).status == RsvpStatus.OFFERED


def test_after_the_start_an_expired_offer_is_not_passed_on(create_event, people):
    event = create_event(capacity=1, starts_at=utcnow().replace(microsecond=0) + timedelta(hours=1))
    going(event, *people[:3])
    rsvps.rsvp_not_going(event, people[0])
    db.session.commit()

    rsvps.expire_offers(event.starts_at + timedelta(minutes=1))
    db.session.commit()

    assert rsvps.rsvp_for(event, people[1]).status == RsvpStatus.EXPIRED
    assert rsvps.rsvp_for(event, people[2]).status == RsvpStatus.WAITLISTED
    assert emails("rsvp_offer_expired") == []


def test_declining_an_offer_passes_it_on_at_once(soon_event, people):
    ada, ben, cleo, dev = people[:4]
    going(soon_event, ada, ben, cleo, dev)
    rsvps.rsvp_not_going(soon_event, ada)
    db.session.commit()

    rsvps.decline_offer(rsvps.rsvp_for(soon_event, cleo))
    db.session.commit()

    assert rsvps.rsvp_for(soon_event, cleo).status == RsvpStatus.NOT_GOING
    assert rsvps.rsvp_for(soon_event, dev).status == RsvpStatus.OFFERED
    with pytest.raises(RsvpError, match="no longer open"):
        rsvps.claim_offer(rsvps.rsvp_for(soon_event, cleo))


def test_people_holding_an_offer_are_not_counted_ahead_in_line(soon_event, people):
    ada, ben, cleo, dev, esi = people[:5]
    going(soon_event, ada, ben, cleo, dev, esi)
    rsvps.rsvp_not_going(soon_event, ada)
    db.session.commit()

    assert rsvps.waitlist_position(rsvps.rsvp_for(soon_event, cleo)) is None
    assert rsvps.waitlist_position(rsvps.rsvp_for(soon_event, dev)) == 1
    assert rsvps.waitlist_position(rsvps.rsvp_for(soon_event, esi)) == 2


# Approval


@pytest.fixture
def approval_event(create_event):
    return create_event(capacity=1, requires_approval=True)


def test_with_approval_going_makes_a_request_that_waits_for_an_organiser(approval_event, people):
    (request,) = going(approval_event, people[0])

    assert request.status == RsvpStatus.PENDING
    assert rsvps.seats_taken(approval_event) == 0
    assert [m.kind for m in emails(to=people[0])] == ["rsvp_pending"]


def test_approving_gives_a_seat_while_one_is_free_then_a_place_in_line(approval_event, people, organiser):
    ada_request, ben_request = going(approval_event, people[0], people[1])

    ada_rsvp = rsvps.approve_request(ada_request, actor=organiser).rsvp
    ben_rsvp = rsvps.approve_request(ben_request, actor=organiser).rsvp
    db.session.commit()

    assert ada_rsvp.status == RsvpStatus.GOING and ada_rsvp.decided_by == organiser
    assert ben_rsvp.status == RsvpStatus.WAITLISTED
    assert rsvps.waitlist_position(ben_rsvp) == 1
    assert "You have a seat" in emails("rsvp_approved", to=people[0])[0].text_body
    assert "number 1 in line" in emails("rsvp_approved", to=people[1])[0].text_body


def test_approving_twice_changes_nothing(approval_event, people, organiser):
    (request,) = going(approval_event, people[0])
    rsvps.approve_request(request, actor=organiser)
    rsvps.approve_request(request, actor=organiser)
    db.session.commit()

    assert len(emails("rsvp_approved")) == 1


def test_declining_a_request_tells_them_and_they_cannot_ask_again(approval_event, people, organiser):
    (request,) = going(approval_event, people[0])

    rsvps.decline_request(request, actor=organiser)
    db.session.commit()

    assert rsvps.rsvp_for(approval_event, people[0]).status == RsvpStatus.DECLINED
    assert len(emails("rsvp_declined", to=people[0])) == 1
    with pytest.raises(RsvpError, match="could not accept"):
        rsvps.rsvp_going(approval_event, people[0])
    with pytest.raises(RsvpError, match="no request waiting"):
        rsvps.approve_request(rsvps.rsvp_for(approval_event, people[0]), actor=organiser)


# Organisers remove and promote by hand


def test_removing_an_attendee_frees_the_seat_and_keeps_them_off(small_event, people, organiser):
    ada, ben, cleo = people[:3]
    ada_rsvp, _, _ = going(small_event, ada, ben, cleo)

    rsvps.remove_attendee(ada_rsvp, actor=organiser)
    db.session.commit()

    assert rsvps.rsvp_for(small_event, ada).status == RsvpStatus.REMOVED
    assert rsvps.rsvp_for(small_event, cleo).status == RsvpStatus.GOING
    assert len(emails("rsvp_removed", to=ada)) == 1
    with pytest.raises(RsvpError, match="taken you off"):
        rsvps.rsvp_going(small_event, ada)


def test_promoting_by_hand_into_a_full_event_needs_an_extra_seat(small_event, people, organiser):
    ada, ben, cleo, dev = people[:4]
    going(small_event, ada, ben, cleo, dev)
    dev_rsvp = rsvps.rsvp_for(small_event, dev)

    with pytest.raises(RsvpError, match="Every seat is taken"):
        rsvps.promote_by_hand(dev_rsvp, actor=organiser)
    db.session.rollback()
    rsvps.promote_by_hand(dev_rsvp, actor=organiser, raise_capacity=True)
    db.session.commit()

    assert rsvps.rsvp_for(small_event, dev).status == RsvpStatus.GOING
    assert small_event.capacity == 3
    assert rsvps.seats_taken(small_event) == 3
    assert rsvps.waitlist_position(rsvps.rsvp_for(small_event, cleo)) == 1
    assert [m.to_address for m in emails("rsvp_promoted")] == [dev.email]


def test_promoting_by_hand_uses_a_free_seat_without_raising_capacity(create_event, people, organiser):
    event = create_event(capacity=2, requires_approval=True)
    (request,) = going(event, people[0])

    rsvps.promote_by_hand(request, actor=organiser)
    db.session.commit()

    assert rsvps.rsvp_for(event, people[0]).status == RsvpStatus.GOING
    assert event.capacity == 2


def test_promoting_someone_who_is_not_waiting_is_refused(small_event, people, organiser):
    ada_rsvp = rsvps.rsvp_not_going(small_event, people[0]).rsvp

    with pytest.raises(RsvpError, match="not waiting for a seat"):
        rsvps.promote_by_hand(ada_rsvp, actor=organiser)


# The emails


def test_emails_link_to_the_event_on_the_public_site_and_show_its_local_time(app, create_event, people):
    summer = datetime(2030, 7, 4, 17, 30, tzinfo=UTC)
    event = create_event(title="Lessons on tap", starts_at=summer, timezone="Europe/London")

    going(event, people[0])

    (mail,) = emails()
    assert f"http://localhost/events/{event.id}" in mail.text_body
    assert "Thu 4 Jul 2030, 18:30 to 21:00 BST" in mail.text_body
    assert "The Old Joint Stock, 4 Temple Row West" in mail.text_body
    assert mail.to_address == people[0].email and mail.user_id == people[0].id
