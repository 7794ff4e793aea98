"""Two people (or one double click) registering the same address at the same moment."""

from __future__ import annotations

import threading

from sqlalchemy import func, select

from flashmob.extensions import db
from flashmob.members import services
from flashmob.members.models import User
from flashmob.outbox import OutboxMessage


def test_simultaneous_registrations_for_one_address_make_one_account_and_no_error(app):
    barrier = threading.Barrier(6)
    errors: list[BaseException] = []

    def register(n: int) -> None:
        with app.app_context():
            try:
                barrier.wait()
                services.register(
                    email="Same.Person@example.org",
                    display_name=f"Same Person {n}",
                    password="tea and gateways 9",
                )
                db.session.commit()
            except BaseException as exc:  # collected and reported below
                errors.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=register, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert db.session.scalar(select(func.count()).select_from(User)) == 1
    confirmations = db.session.scalar(
        select(func.count())
        .select_from(OutboxMessage)
        .where(OutboxMessage.subject == "Confirm your email address")
    )
    assert confirmations == 1
