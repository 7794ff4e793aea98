"""Check-in under load: real threads, each with its own session, on SQLite and on PostgreSQL.

An organiser checking in someone whose seat is only offered claims that seat. The job that passes lapsed
offers on, and the next person claiming the seat passed to them, may act at the same moment: whatever
the order, no more seats may be held than the event has, and a lapsed offer is not checked in.
"""

from __future__ import annotations

import threading
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from flashmob.events.checkin import services as checkins
from flashmob.events.checkin.services import CheckInError
from flashmob.events.models import Event, Rsvp, RsvpStatus, WalkIn
from flashmob.events.rsvps import services as rsvps
from flashmob.events.rsvps.services import RsvpError
from flashmob.extensions import db
from flashmob.members.models import User
from flashmob.outbox import OutboxMessage
from flashmob.types import utcnow
from tests.events.test_rsvp_concurrency import check_invariants, make_users, seat_people

THREAD_TIMEOUT = 120


def run_in_threads(app, actions) -> tuple[Counter, dict[int, str]]:
    """Run each action in its own thread, app context and session; the thread commits as a view does.

    An action gets no arguments. Returns how many ended "ok" and how many were "refused" (a CheckInError
    or RsvpError), and each refusal's message by the action's index; anything else fails the test.
    """
    outcomes: Counter = Counter()
    messages: dict[int, str] = {}
    failures: list[BaseException] = []
    lock = threading.Lock()

    def worker(index, action):
        with app.app_context():
            try:
                action()
                db.session.commit()
                outcome = "ok"
            except (CheckInError, RsvpError) as exc:
                db.session.rollback()
                outcome = "refused"
                with lock:
                    messages[index] = str(exc)
            except BaseException as exc:
                db.session.rollback()
                with lock:
                    failures.append(exc)
                outcome = "failed"
            finally:
                db.session.remove()
            with lock:
                outcomes[outcome] += 1

    threads = [threading.Thread(target=worker, args=pair) for pair in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(THREAD_TIMEOUT)
    assert not any(thread.is_alive() for thread in threads), "a thread hung: a lock was never released"
    assert not failures, f"{len(failures)} threads failed; the first: {failures[0]!r}"
    return outcomes, messages


@pytest.fixture
def offer(create_event, create_user):
    """An evening on the day with one seat, offered to the second of three people; the offer lapses
    before the start, so that the job passes it on to the third.

    Returns (event id, offered RSVP id, next in line's user id, organiser id, when the offer lapses).
    """
    event = create_event(capacity=1, starts_at=utcnow() + timedelta(hours=5), offer_hold_hours=2)
    first, offered, following, organiser = make_users(create_user, 4, "Person")
    seat_people(event, [first, offered, following])
    rsvps.rsvp_not_going(event, db.session.get(User, first))
    db.session.commit()
    rsvp = rsvps.rsvp_for(event, db.session.get(User, offered))
    assert rsvp.status == RsvpStatus.OFFERED
    assert rsvp.offer_expires_at < event.starts_at
    return event.id, rsvp.id, following, organiser, rsvp.offer_expires_at


def held_seats(event_id: int) -> int:
    db.session.expire_all()
    return rsvps.seats_taken(db.session.get(Event, event_id))


def test_a_check_in_loaded_before_the_offer_lapsed_does_not_overbook(app, offer):
    """The organiser's page loaded the offered RSVP; the job passed the seat on and the next person
    claimed it; only then did the organiser's tap arrive. The tap must see what happened meanwhile."""
    event_id, offer_id, following, organiser, expires_at = offer
    loaded = threading.Event()
    passed_on = threading.Event()

    def organiser_taps():
        rsvp = db.session.get(Rsvp, offer_id)  # as the view loads it, before the service runs
        assert rsvp.status == RsvpStatus.OFFERED
        loaded.set()
        assert passed_on.wait(THREAD_TIMEOUT)
        checkins.check_in(rsvp, actor=db.session.get(User, organiser), now=expires_at - timedelta(seconds=1))

    def job_then_claim():
        assert loaded.wait(THREAD_TIMEOUT)
        rsvps.expire_offers(expires_at + timedelta(seconds=1))
        db.session.commit()
        event = db.session.get(Event, event_id)
        rsvps.claim_offer(rsvps.rsvp_for(event, db.session.get(User, following)))
        db.session.commit()
        passed_on.set()

    outcomes, messages = run_in_threads(app, [organiser_taps, job_then_claim])

    assert outcomes == Counter(ok=1, refused=1)
    assert "ran out unclaimed at" in messages[0]
    assert held_seats(event_id) == 1
    lapsed = db.session.get(Rsvp, offer_id)
    assert lapsed.status == RsvpStatus.EXPIRED
    assert lapsed.checked_in_at is None
    check_invariants(event_id)


@pytest.mark.parametrize("round_", range(4))
def test_checking_in_an_offer_while_the_job_passes_it_on_leaves_one_seat_held(app, offer, round_):
    event_id, offer_id, following, organiser, expires_at = offer
    barrier = threading.Barrier(3)

    def organiser_taps():
        rsvp = db.session.get(Rsvp, offer_id)
        barrier.wait(THREAD_TIMEOUT)
        checkins.check_in(rsvp, actor=db.session.get(User, organiser), now=expires_at - timedelta(seconds=1))

    def job():
        barrier.wait(THREAD_TIMEOUT)
        rsvps.expire_offers(expires_at + timedelta(seconds=1))

    def next_in_line_claims():
        barrier.wait(THREAD_TIMEOUT)
        event = db.session.get(Event, event_id)
        # Refused unless the job has already passed the seat on.
        rsvps.claim_offer(rsvps.rsvp_for(event, db.session.get(User, following)))

    outcomes, _ = run_in_threads(app, [organiser_taps, job, next_in_line_claims])

    assert outcomes["ok"] >= 1
    assert held_seats(event_id) == 1
    check_invariants(event_id)
    checked_in = db.session.get(Rsvp, offer_id)
    following_rsvp = db.session.scalar(
        select(Rsvp).where(Rsvp.event_id == event_id, Rsvp.user_id == following)
    )
    if checked_in.status == RsvpStatus.GOING:
        # The tap came first: the seat is theirs and the job found nothing to pass on.
        assert checked_in.checked_in_at is not None
        assert following_rsvp.status == RsvpStatus.WAITLISTED
    else:
        assert checked_in.status == RsvpStatus.EXPIRED
        assert checked_in.checked_in_at is None
        assert following_rsvp.status in (RsvpStatus.OFFERED, RsvpStatus.GOING)


def test_two_organisers_adding_the_same_member_at_once_make_one_walk_in_and_one_email(
    app, create_event, create_user
):
    event = create_event(starts_at=utcnow() + timedelta(hours=1))
    member = create_user("Mo Member", email="mo@example.org")
    organisers = make_users(create_user, 6, "Organiser")
    event_id, member_id = event.id, member.id
    barrier = threading.Barrier(len(organisers))

    def add(organiser_id, n):
        def action():
            barrier.wait(THREAD_TIMEOUT)
            event, organiser = db.session.get(Event, event_id), db.session.get(User, organiser_id)
            checkins.add_walk_in(event, f"Mo {n}", "mo@example.org", actor=organiser)

        return action

    outcomes, _ = run_in_threads(app, [add(organiser_id, n) for n, organiser_id in enumerate(organisers)])

    assert outcomes == Counter(ok=len(organisers))
    db.session.expire_all()
    assert db.session.scalar(select(func.count(WalkIn.id)).where(WalkIn.event_id == event_id)) == 1
    told = select(func.count(OutboxMessage.id)).where(
        OutboxMessage.user_id == member_id, OutboxMessage.kind == checkins.CHECKED_IN_KIND
    )
    assert db.session.scalar(told) == 1
