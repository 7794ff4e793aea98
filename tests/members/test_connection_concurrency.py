"""Two members asking each other at the same moment, in real threads: one row, and they are connected."""

from __future__ import annotations

import threading

from sqlalchemy import select

from flashmob.extensions import db
from flashmob.members.connections import services
from flashmob.members.models import Connection, ConnectionStatus, User
from flashmob.outbox import OutboxMessage

THREAD_TIMEOUT = 60


def run_at_once(app, actions) -> list[str]:
    """Each action in its own thread, app context and session, released together; each commits once."""
    barrier = threading.Barrier(len(actions))
    outcomes: list[str] = []
    failures: list[BaseException] = []
    lock = threading.Lock()

    def worker(action):
        with app.app_context():
            try:
                barrier.wait(timeout=THREAD_TIMEOUT)
                result = action()
                db.session.commit()
                outcome = "accepted" if result.accepted_theirs else "asked"
            except services.ConnectionError:
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
                outcomes.append(outcome)

    threads = [threading.Thread(target=worker, args=(action,)) for action in actions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(THREAD_TIMEOUT)
    assert not any(thread.is_alive() for thread in threads), "a thread hung"
    assert not failures, f"{len(failures)} threads failed; the first: {failures[0]!r}"
    return outcomes


def ask_action(requester_id: int, addressee_id: int):
    return lambda: services.ask(db.session.get(User, requester_id), db.session.get(User, addressee_id))


def test_two_requests_crossing_end_as_one_accepted_connection(app, create_user):
    for _ in range(5):
        ada, grace = create_user(), create_user()
        ada_id, grace_id = ada.id, grace.id

        outcomes = run_at_once(app, [ask_action(ada_id, grace_id), ask_action(grace_id, ada_id)])

        db.session.expire_all()
        rows = list(
            db.session.scalars(
                select(Connection).where(Connection.pair_key == Connection.key_for(ada_id, grace_id))
            )
        )
        assert len(rows) == 1
        assert sorted(outcomes) == ["accepted", "asked"]
        assert rows[0].status == ConnectionStatus.ACCEPTED
        # One request email to whoever was asked first, one "accepted" email back to the asker.
        kinds = sorted(
            db.session.scalars(
                select(OutboxMessage.kind).where(OutboxMessage.user_id.in_([ada_id, grace_id]))
            )
        )
        assert kinds == ["connection_accepted", "connection_request"]


def test_a_double_submitted_request_is_one_request_and_one_email(app, create_user):
    ada, grace = create_user(), create_user()
    ada_id, grace_id = ada.id, grace.id

    outcomes = run_at_once(app, [ask_action(ada_id, grace_id) for _ in range(4)])

    assert sorted(outcomes) == ["asked", "refused", "refused", "refused"]
    db.session.expire_all()
    assert db.session.scalar(select(Connection).where(Connection.requester_id == ada_id)).status == "pending"
    emails = list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.user_id == grace_id)))
    assert len(emails) == 1
