"""The rules of connecting, called directly: every transition, every refusal, and the emails they queue."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from flashmob.email_kinds import EmailSetting
from flashmob.events.models import EventStatus, Rsvp, RsvpStatus
from flashmob.extensions import db
from flashmob.members.circle import circle_for
from flashmob.members.connections import services
from flashmob.members.connections.services import ConnectionError, Link, link_between
from flashmob.members.models import Connection, ConnectionNote, ConnectionStatus, MemberBlock
from flashmob.notifications import stop_kind


@pytest.fixture
def pair(create_member):
    return (
        create_member("Ada Lovelace", "ada@example.org"),
        create_member("Grace Hopper", "grace@example.org"),
    )


def went(event, *people):
    for person in people:
        db.session.add(Rsvp(event=event, user_id=person.id, status=RsvpStatus.GOING))
    db.session.commit()


def row(a, b):
    db.session.expire_all()
    return db.session.scalar(select(Connection).where(Connection.pair_key == Connection.key_for(a.id, b.id)))


def kinds(outbox, to):
    return [message.kind for message in outbox(to)]


def test_asking_makes_a_pending_request_and_emails_the_other(pair, outbox):
    ada, grace = pair
    result = services.ask(ada, grace, "We talked about RAID logs")
    db.session.commit()

    assert result.status == ConnectionStatus.PENDING and not result.accepted_theirs and result.email_queued
    connection = row(ada, grace)
    assert (connection.requester_id, connection.addressee_id) == (ada.id, grace.id)
    assert connection.message == "We talked about RAID logs"
    [mail] = outbox("grace@example.org")
    assert mail.kind == "connection_request"
    assert "Ada Lovelace would like to connect" in mail.subject
    assert "We talked about RAID logs" in mail.text_body
    assert "http://localhost/connections" in mail.text_body


def test_accepting_connects_and_emails_the_requester_a_link_to_the_profile(pair, outbox):
    ada, grace = pair
    services.ask(ada, grace)
    result = services.accept(grace, ada)
    db.session.commit()

    assert result.status == ConnectionStatus.ACCEPTED and result.email_queued
    assert row(ada, grace).status == ConnectionStatus.ACCEPTED and row(ada, grace).responded_at
    [mail] = outbox("ada@example.org")
    assert mail.kind == "connection_accepted"
    assert f"http://localhost/members/{grace.id}" in mail.text_body


def test_asking_someone_who_asked_you_accepts_their_request(pair, outbox):
    ada, grace = pair
    services.ask(ada, grace)
    result = services.ask(grace, ada, "Yes!")
    db.session.commit()

    assert result.accepted_theirs and result.status == ConnectionStatus.ACCEPTED
    assert db.session.scalar(select(func.count(Connection.id))) == 1
    assert kinds(outbox, "ada@example.org") == ["connection_accepted"]


def test_declining_keeps_the_row_so_the_requester_cannot_ask_again_and_nobody_is_told(pair, outbox):
    ada, grace = pair
    services.ask(ada, grace)
    assert services.decline(grace, ada).status == ConnectionStatus.DECLINED
    db.session.commit()

    assert row(ada, grace).status == ConnectionStatus.DECLINED
    assert outbox("ada@example.org") == []
    with pytest.raises(ConnectionError, match="did not accept your request"):
        services.ask(ada, grace)


def test_the_member_who_declined_may_change_their_mind_and_ask(pair, outbox):
    ada, grace = pair
    services.ask(ada, grace)
    services.decline(grace, ada)
    result = services.ask(grace, ada, "Sorry, wrong button")
    db.session.commit()

    connection = row(ada, grace)
    assert result.status == ConnectionStatus.PENDING
    assert (connection.requester_id, connection.status) == (grace.id, ConnectionStatus.PENDING)
    assert kinds(outbox, "ada@example.org") == ["connection_request"]


def test_withdrawing_deletes_the_request_and_only_the_requester_may(pair):
    ada, grace = pair
    services.ask(ada, grace)
    with pytest.raises(ConnectionError):
        services.withdraw(grace, ada)
    services.withdraw(ada, grace)
    db.session.commit()
    assert row(ada, grace) is None


def test_removing_a_connection_works_from_either_side_and_either_may_ask_again(pair):
    ada, grace = pair
    services.ask(ada, grace)
    services.accept(grace, ada)
    services.remove(grace, ada)
    db.session.commit()
    assert row(ada, grace) is None
    with pytest.raises(ConnectionError, match="not connected"):
        services.remove(ada, grace)
    services.ask(grace, ada)
    assert row(ada, grace).status == ConnectionStatus.PENDING


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        ("self", "yourself"),
        ("connected", "already connected"),
        ("pending", "already asked"),
        ("blocked_them", "unblock them first"),
        ("blocked_by_them", "You cannot ask Grace Hopper"),
    ],
)
def test_asking_is_refused_with_a_clear_message(pair, setup, message):
    ada, grace = pair
    other = grace
    if setup == "self":
        other = ada
    elif setup == "connected":
        services.ask(ada, grace)
        services.accept(grace, ada)
    elif setup == "pending":
        services.ask(ada, grace)
    elif setup == "blocked_them":
        services.block(ada, grace)
    else:
        services.block(grace, ada)
    db.session.commit()
    with pytest.raises(ConnectionError, match=message):
        services.ask(ada, other)


def test_answers_need_a_request_waiting_for_you(pair):
    ada, grace = pair
    with pytest.raises(ConnectionError, match="no request"):
        services.accept(grace, ada)
    services.ask(ada, grace)
    # The requester cannot accept or decline their own request.
    with pytest.raises(ConnectionError):
        services.accept(ada, grace)
    with pytest.raises(ConnectionError):
        services.decline(ada, grace)


def test_a_deleted_account_cannot_be_asked(pair):
    ada, grace = pair
    grace.deleted_at = datetime.now(UTC)
    with pytest.raises(ConnectionError, match="deleted"):
        services.ask(ada, grace)


def test_the_evening_named_must_be_one_both_went_to(pair, create_event):
    ada, grace = pair
    shared = create_event(title="Birmingham #3", starts_at=datetime.now(UTC) - timedelta(days=10))
    alone = create_event(title="London #1", starts_at=datetime.now(UTC) - timedelta(days=5))
    went(shared, ada, grace)
    went(alone, ada)

    with pytest.raises(ConnectionError) as refused:
        services.ask(ada, grace, event_id=alone.id)
    assert refused.value.field == "event_id" and refused.value.status == 422
    services.ask(ada, grace, event_id=shared.id)
    assert row(ada, grace).event_id == shared.id


def test_evenings_in_common_put_tonight_first_and_leave_out_cancelled_and_future_ones(pair, create_event):
    ada, grace = pair
    now = datetime.now(UTC)
    last_month = create_event(title="Last month", starts_at=now - timedelta(days=30))
    tonight = create_event(title="Tonight", starts_at=now + timedelta(hours=1))
    next_month = create_event(title="Next month", starts_at=now + timedelta(days=30))
    called_off = create_event(
        title="Called off", starts_at=now - timedelta(days=3), status=EventStatus.CANCELLED
    )
    for event in (last_month, tonight, next_month, called_off):
        went(event, ada, grace)

    evenings = services.evenings_in_common(ada.id, grace.id)
    assert [event.title for event in evenings] == ["Tonight", "Last month"]


def test_blocking_ends_the_connection_and_stops_asks_until_unblocked(pair):
    ada, grace = pair
    services.ask(ada, grace)
    services.accept(grace, ada)
    result = services.block(grace, ada)
    db.session.commit()

    assert result.ended_connection and result.changed
    assert row(ada, grace) is None
    assert services.block(grace, ada).changed is False  # a second click changes nothing
    with pytest.raises(ConnectionError):
        services.ask(ada, grace)
    assert link_between(circle_for(ada.id), grace.id) == Link.BLOCKED_BY_THEM
    assert link_between(circle_for(grace.id), ada.id) == Link.BLOCKED_BY_ME

    assert services.unblock(grace, ada).changed
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(MemberBlock)) == 0
    services.ask(ada, grace)
    assert row(ada, grace).status == ConnectionStatus.PENDING


def test_blocking_yourself_is_refused(pair):
    ada, _ = pair
    with pytest.raises(ConnectionError):
        services.block(ada, ada)


def test_a_private_note_is_kept_for_connections_only_up_to_1000_characters(pair):
    ada, grace = pair
    with pytest.raises(ConnectionError, match="connections only"):
        services.set_note(ada, grace, "Talked about risk registers")
    services.ask(ada, grace)
    services.accept(grace, ada)

    saved = services.set_note(ada, grace, "  Talked about risk registers ")
    assert saved.body == "Talked about risk registers"
    services.set_note(ada, grace, "Met at Birmingham #3")
    db.session.commit()
    assert db.session.get(ConnectionNote, (ada.id, grace.id)).body == "Met at Birmingham #3"
    with pytest.raises(ConnectionError) as too_long:
        services.set_note(ada, grace, "x" * 1001)
    assert too_long.value.field == "body"

    assert services.set_note(ada, grace, "").cleared
    assert db.session.get(ConnectionNote, (ada.id, grace.id)) is None


def test_a_member_who_stopped_connection_emails_gets_none(pair, outbox):
    ada, grace = pair
    stop_kind(grace.id, EmailSetting.CONNECTIONS)
    stop_kind(ada.id, EmailSetting.CONNECTIONS)
    assert services.ask(ada, grace).email_queued is False
    assert services.accept(grace, ada).email_queued is False
    assert outbox() == []


def test_link_between_covers_every_state(pair, create_member):
    ada, grace = pair
    asked, asking, refused, stranger = (create_member() for _ in range(4))
    services.ask(ada, grace)
    services.accept(grace, ada)
    services.ask(ada, asked)
    services.ask(asking, ada)
    services.ask(ada, refused)
    services.decline(refused, ada)
    db.session.commit()
    circle = circle_for(ada.id)

    assert link_between(circle, ada.id) == Link.SELF
    assert link_between(circle, grace.id) == Link.CONNECTED
    assert link_between(circle, asked.id) == Link.ASKED
    assert link_between(circle, asking.id) == Link.ASKED_BY
    assert link_between(circle, refused.id) == Link.DECLINED
    assert link_between(circle, stranger.id) == Link.NONE
    assert link_between(circle_for(None), grace.id) == Link.ANONYMOUS
