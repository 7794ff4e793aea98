"""RSVPs under load: many real threads at once, each with its own session, on SQLite and on PostgreSQL.

Every thread waits at a barrier and then acts at the same moment, as a view would: load, call the rule,
commit once. Afterwards the database must show that capacity was never exceeded, nobody has two rows,
the line is numbered 1, 2, 3... without gaps, and everybody promoted was promoted (and told) once.
"""

from __future__ import annotations

import threading
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from flashmob.events.models import Event, Rsvp, RsvpStatus
from flashmob.events.rsvps import services as rsvps
from flashmob.events.rsvps.services import RsvpError
from flashmob.extensions import db
from flashmob.members.models import User
from flashmob.outbox import OutboxMessage
from flashmob.types import utcnow

THREAD_TIMEOUT = 120


def run_at_once(app, actions) -> Counter:
    """Run each action in its own thread, app context and session, all released together.

    An action gets no arguments, loads what it needs and calls one rule; the thread then commits, as a
    view does. Returns how many ended "ok" and how many were refused with an RsvpError; any other
    exception fails the test.
    """
    barrier = threading.Barrier(len(actions))
    outcomes: Counter = Counter()
    failures: list[BaseException] = []
    lock = threading.Lock()

    def worker(action):
        with app.app_context():
            try:
                barrier.wait(timeout=THREAD_TIMEOUT)
                action()
                db.session.commit()
                outcome = "ok"
            except RsvpError:
                db.session.rollback()
                outcome = "refused"
            except BaseException as exc:
                db.session.rollback()
                with lock:
                    failures.append(exc)
                outcome = "failed"
            finally:
                db.session.remove()
            with lock:
                outcomes[outcome] += 1

    threads = [threading.Thread(target=worker, args=(action,)) for action in actions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(THREAD_TIMEOUT)
    assert not any(thread.is_alive() for thread in threads), "a thread hung: a lock was never released"
    assert not failures, f"{len(failures)} threads failed; the first: {failures[0]!r}"
    return outcomes


def going_action(event_id: int, user_id: int):
    return lambda: rsvps.rsvp_going(db.session.get(Event, event_id), db.session.get(User, user_id))


def not_going_action(event_id: int, user_id: int):
    return lambda: rsvps.rsvp_not_going(db.session.get(Event, event_id), db.session.get(User, user_id))


def set_capacity_action(event_id: int, capacity: int, actor_id: int):
    return lambda: rsvps.set_capacity(
        db.session.get(Event, event_id), capacity, actor=db.session.get(User, actor_id)
    )


def make_users(create_user, count: int, prefix: str) -> list[int]:
    return [create_user(f"{prefix} {n}").id for n in range(count)]


def seat_people(event: Event, user_ids: list[int]) -> None:
    for user_id in user_ids:
        rsvps.rsvp_going(event, db.session.get(User, user_id))
    db.session.commit()


def check_invariants(event_id: int) -> dict:
    """What must hold whatever order the threads ran in; returns the counts by status for more checks."""
    db.session.expire_all()
    event = db.session.get(Event, event_id)
    rows = list(db.session.scalars(select(Rsvp).where(Rsvp.event_id == event_id)))
    by_status = Counter(rsvp.status for rsvp in rows)

    # Capacity never exceeded, counting offers as held seats.
    assert rsvps.seats_taken(event) <= event.capacity
    # One row per person.
    assert len({rsvp.user_id for rsvp in rows}) == len(rows)
    # The line is numbered 1..n without gaps or repeats, and nobody waits while a seat is free.
    line = rsvps.waitlist(event)
    assert [rsvps.waitlist_position(rsvp) for rsvp in line] == list(range(1, len(line) + 1))
    if line:
        assert rsvps.seats_taken(event) == event.capacity
    # Nobody promoted twice, and everybody promoted was told exactly once.
    promoted = {rsvp.user.email for rsvp in rows if rsvp.promoted_at is not None}
    promotion_mail = Counter(
        db.session.scalars(select(OutboxMessage.to_address).where(OutboxMessage.kind == "rsvp_promoted"))
    )
    assert set(promotion_mail) == promoted
    assert all(count == 1 for count in promotion_mail.values())
    return by_status


def mail_count(kind: str, user_id: int | None = None) -> int:
    statement = select(func.count(OutboxMessage.id)).where(OutboxMessage.kind == kind)
    if user_id is not None:
        statement = statement.where(OutboxMessage.user_id == user_id)
    return db.session.scalar(statement)


def test_thirty_rsvps_and_ten_cancellations_at_once_fill_ten_seats_exactly(app, create_event, create_user):
    event = create_event(capacity=10)
    seated = make_users(create_user, 10, "Seated")
    newcomers = make_users(create_user, 30, "Newcomer")
    seat_people(event, seated)

    outcomes = run_at_once(
        app,
        [going_action(event.id, user_id) for user_id in newcomers]
        + [not_going_action(event.id, user_id) for user_id in seated],
    )

    assert outcomes == Counter(ok=40)
    by_status = check_invariants(event.id)
    assert by_status == Counter({RsvpStatus.GOING: 10, RsvpStatus.WAITLISTED: 20, RsvpStatus.NOT_GOING: 10})
    rows = {r.user_id: r for r in db.session.scalars(select(Rsvp).where(Rsvp.event_id == event.id))}
    assert all(rows[user_id].status == RsvpStatus.NOT_GOING for user_id in seated)
    # Each newcomer heard exactly what happened to them: a seat straight away, or a place in line
    # (and then a promotion for some of them), never both a seat and a promotion.
    for user_id in newcomers:
        confirmed = mail_count("rsvp_confirmed", user_id)
        waitlisted = mail_count("rsvp_waitlisted", user_id)
        promoted = mail_count("rsvp_promoted", user_id)
        assert confirmed + waitlisted == 1
        assert promoted == (1 if waitlisted and rows[user_id].status == RsvpStatus.GOING else 0)
        assert (confirmed + promoted == 1) == (rows[user_id].status == RsvpStatus.GOING)


def test_a_double_click_from_many_threads_makes_one_rsvp_and_one_email(app, create_event, create_user):
    event = create_event(capacity=1)
    seat_people(event, make_users(create_user, 1, "Seated"))
    (clicker,) = make_users(create_user, 1, "Clicker")

    outcomes = run_at_once(app, [going_action(event.id, clicker) for _ in range(12)])

    assert outcomes == Counter(ok=12)
    check_invariants(event.id)
    statement = select(func.count(Rsvp.id)).where(Rsvp.event_id == event.id, Rsvp.user_id == clicker)
    assert db.session.scalar(statement) == 1
    assert mail_count("rsvp_waitlisted", clicker) == 1
    assert mail_count("rsvp_confirmed", clicker) == 0


def test_repeated_cancellations_free_one_seat_and_promote_one_person(app, create_event, create_user):
    event = create_event(capacity=2)
    seated = make_users(create_user, 2, "Seated")
    waiting = make_users(create_user, 3, "Waiting")
    seat_people(event, seated + waiting)

    outcomes = run_at_once(app, [not_going_action(event.id, seated[0]) for _ in range(10)])

    assert outcomes == Counter(ok=10)
    by_status = check_invariants(event.id)
    assert by_status == Counter({RsvpStatus.GOING: 2, RsvpStatus.WAITLISTED: 2, RsvpStatus.NOT_GOING: 1})
    assert mail_count("rsvp_promoted") == 1
    assert mail_count("rsvp_promoted", waiting[0]) == 1


def test_raising_capacity_while_people_cancel_promotes_each_person_once(app, create_event, create_user):
    event = create_event(capacity=5)
    seated = make_users(create_user, 5, "Seated")
    waiting = make_users(create_user, 20, "Waiting")
    (organiser,) = make_users(create_user, 1, "Organiser")
    seat_people(event, seated + waiting)

    outcomes = run_at_once(
        app,
        [not_going_action(event.id, user_id) for user_id in seated]
        + [set_capacity_action(event.id, 10, organiser) for _ in range(5)]
        + [going_action(event.id, user_id) for user_id in make_users(create_user, 5, "Late")],
    )

    assert outcomes == Counter(ok=15)
    by_status = check_invariants(event.id)
    assert by_status == Counter({RsvpStatus.GOING: 10, RsvpStatus.WAITLISTED: 15, RsvpStatus.NOT_GOING: 5})
    assert db.session.get(Event, event.id).capacity == 10
    # The first ten in line got the seats, in order: latecomers joined behind everyone already waiting.
    promoted = set(db.session.scalars(select(Rsvp.user_id).where(Rsvp.promoted_at.is_not(None))))
    assert promoted == set(waiting[:10])
    assert mail_count("rsvp_promoted") == 10


def test_cancellations_close_to_the_event_offer_each_freed_seat_once(app, create_event, create_user):
    event = create_event(capacity=8, starts_at=utcnow() + timedelta(hours=20))
    seated = make_users(create_user, 8, "Seated")
    waiting = make_users(create_user, 12, "Waiting")
    seat_people(event, seated + waiting)

    outcomes = run_at_once(app, [not_going_action(event.id, user_id) for user_id in seated])

    assert outcomes == Counter(ok=8)
    by_status = check_invariants(event.id)
    assert by_status == Counter({RsvpStatus.OFFERED: 8, RsvpStatus.WAITLISTED: 4, RsvpStatus.NOT_GOING: 8})
    offered = set(db.session.scalars(select(Rsvp.user_id).where(Rsvp.status == RsvpStatus.OFFERED)))
    assert offered == set(waiting[:8])
    assert all(mail_count("rsvp_offered", user_id) == 1 for user_id in offered)
    assert mail_count("rsvp_offered") == 8


@pytest.mark.parametrize("round_", range(3))
def test_claiming_an_offer_while_the_expiry_job_runs_gives_the_seat_to_one_person(
    app, create_event, create_user, round_
):
    event = create_event(capacity=1, starts_at=utcnow() + timedelta(hours=20))
    first, offered_id, next_id = make_users(create_user, 3, "Person")
    seat_people(event, [first, offered_id, next_id])
    rsvps.rsvp_not_going(event, db.session.get(User, first))
    db.session.commit()
    offer = rsvps.rsvp_for(event, db.session.get(User, offered_id))
    offer_id, expires_at = offer.id, offer.offer_expires_at

    # The member's clock says a second before the end, the job's a second after: whichever runs first
    # decides, and the other must see it.
    outcomes = run_at_once(
        app,
        [
            lambda: rsvps.claim_offer(db.session.get(Rsvp, offer_id), now=expires_at - timedelta(seconds=1)),
            lambda: rsvps.expire_offers(expires_at + timedelta(seconds=1)),
        ],
    )

    check_invariants(event.id)
    db.session.expire_all()
    claimed = db.session.get(Rsvp, offer_id).status == RsvpStatus.GOING
    next_rsvp = rsvps.rsvp_for(event, db.session.get(User, next_id))
    if claimed:
        assert outcomes == Counter(ok=2)
        assert next_rsvp.status == RsvpStatus.WAITLISTED
        assert mail_count("rsvp_offer_expired") == 0
    else:
        assert outcomes == Counter(ok=1, refused=1)
        assert db.session.get(Rsvp, offer_id).status == RsvpStatus.EXPIRED
        assert next_rsvp.status == RsvpStatus.OFFERED
        assert mail_count("rsvp_confirmed", offered_id) == 0
