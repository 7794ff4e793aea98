"""How much an RSVP does while it holds the event's lock: every other change to the event waits for it.

Under load the rate of RSVP changes to one event is set by how long one change holds the lock (see
bench/RESULTS.md, *Notes*), and on PostgreSQL that is mostly round trips to the database. These tests count
the statements from the lock (SELECT ... FOR UPDATE; on SQLite the UPDATE that takes the write lock) to
COMMIT, so that a statement added under the lock fails here and is added on purpose, with the number.
"""

from __future__ import annotations

import contextlib

import pytest
from sqlalchemy import event as sa_event

from flashmob.email_kinds import EmailSetting
from flashmob.events.models import Event, RsvpStatus
from flashmob.events.rsvps import services as rsvps
from flashmob.extensions import db
from flashmob.members.models import User
from flashmob.notifications import stop_kind


class LockWatch:
    """The statements run between taking the event's lock and the commit that releases it."""

    def __init__(self):
        self.before: list[str] = []
        self.under_lock: list[str] = []
        self.locked = self.committed = False

    def execute(self, conn, cursor, statement, parameters, context, executemany):
        flat = " ".join(statement.split())
        if not self.locked and ("FOR UPDATE" in flat or flat.startswith("UPDATE events SET id=events.id")):
            self.locked = True
        if self.committed:
            return
        (self.under_lock if self.locked else self.before).append(flat)

    def commit(self, conn):
        if self.locked:
            self.committed = True

    @property
    def summary(self) -> list[str]:
        """Each statement under the lock as its verb and table: "UPDATE rsvps", "INSERT outbox_messages"..."""
        out = []
        for statement in self.under_lock:
            words = statement.split()
            verb = words[0]
            if verb == "SELECT" and "FOR UPDATE" in statement:
                table = "events FOR UPDATE"
            elif verb == "SELECT":  # the table of the first column ("anon_1": the counts' subquery)
                table = words[1].split(".")[0]
            elif verb == "INSERT":
                table = words[2]
            else:
                table = words[1]
            out.append(f"{verb} {table}")
        return out


@pytest.fixture
def watch_lock(app):
    @contextlib.contextmanager
    def _watch():
        watch = LockWatch()
        sa_event.listen(db.engine, "before_cursor_execute", watch.execute)
        sa_event.listen(db.engine, "commit", watch.commit)
        try:
            yield watch
        finally:
            sa_event.remove(db.engine, "before_cursor_execute", watch.execute)
            sa_event.remove(db.engine, "commit", watch.commit)

    return _watch


@pytest.fixture
def people(create_user):
    return [create_user(name) for name in ("Ada", "Ben", "Cleo")]


def answer(watch_lock, rule, event_id: int, user_id: int) -> LockWatch:
    """One RSVP change as a request makes it: load, the rule, one commit; what ran under the lock."""
    db.session.commit()
    with watch_lock() as watch:
        rule(db.session.get(Event, event_id), db.session.get(User, user_id))
        db.session.commit()
    assert watch.locked and watch.committed
    return watch


def test_a_plain_going_runs_four_statements_under_the_lock(create_event, people, watch_lock):
    event = create_event(capacity=2)

    watch = answer(watch_lock, rsvps.rsvp_going, event.id, people[0].id)

    # The lock, one read of the person's answer and the seat counts, the RSVP, the email: no savepoint,
    # no separate counts, no opt-out look-up (that ran before the lock).
    assert len(watch.under_lock) == 4, watch.under_lock
    assert watch.summary[1:] == ["SELECT anon_1", "INSERT rsvps", "INSERT outbox_messages"]
    assert not any("SAVEPOINT" in statement for statement in watch.under_lock)
    assert not any("email_opt_outs" in statement for statement in watch.under_lock)
    assert any("email_opt_outs" in statement for statement in watch.before)
    assert rsvps.rsvp_for(event, people[0]).status == RsvpStatus.GOING


def test_coming_back_and_giving_up_a_seat_run_four_statements_each(create_event, people, watch_lock):
    event = create_event(capacity=2)
    answer(watch_lock, rsvps.rsvp_not_going, event.id, people[0].id)

    coming = answer(watch_lock, rsvps.rsvp_going, event.id, people[0].id)
    leaving = answer(watch_lock, rsvps.rsvp_not_going, event.id, people[0].id)

    assert sorted(coming.summary[2:]) == ["INSERT outbox_messages", "UPDATE rsvps"]
    assert sorted(leaving.summary[2:]) == ["INSERT outbox_messages", "UPDATE rsvps"]
    assert len(coming.under_lock) == len(leaving.under_lock) == 4


def test_a_freed_seat_passed_on_costs_two_more_and_both_emails_go_in_one_insert(
    create_event, people, watch_lock, backend
):
    event = create_event(capacity=1)
    answer(watch_lock, rsvps.rsvp_going, event.id, people[0].id)
    answer(watch_lock, rsvps.rsvp_going, event.id, people[1].id)

    watch = answer(watch_lock, rsvps.rsvp_not_going, event.id, people[0].id)

    # The lock, the read, the leaver's row, the first in line with their account and email setting,
    # their row, and the two emails (to the leaver and to the one who got the seat).
    # PostgreSQL inserts both emails in one statement; SQLite's driver takes one each (no round trip there).
    emails = ["INSERT outbox_messages"] * (1 if backend == "postgresql" else 2)
    assert sorted(watch.summary[2:]) == sorted(["UPDATE rsvps", "SELECT rsvps", "UPDATE rsvps", *emails])
    assert len(watch.under_lock) == (6 if backend == "postgresql" else 7)
    assert rsvps.rsvp_for(event, people[1]).status == RsvpStatus.GOING


def test_an_opt_out_read_before_the_lock_is_still_obeyed(create_event, people, watch_lock):
    event = create_event(capacity=1)
    for person in people[:2]:
        stop_kind(person.id, EmailSetting.RSVP)
    answer(watch_lock, rsvps.rsvp_going, event.id, people[0].id)
    answer(watch_lock, rsvps.rsvp_going, event.id, people[1].id)

    watch = answer(watch_lock, rsvps.rsvp_not_going, event.id, people[0].id)

    assert not any(statement.startswith("INSERT outbox_messages") for statement in watch.under_lock)
    assert rsvps.rsvp_for(event, people[1]).status == RsvpStatus.GOING
