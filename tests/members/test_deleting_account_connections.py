"""Deleting an account takes the person's connections, requests, blocks, own notes and card with it; the
notes other members keep about them stay, since those are the others' own."""

from __future__ import annotations

from sqlalchemy import func, or_, select

from flashmob.extensions import db
from flashmob.members import services as members
from flashmob.members.connections import cards, services
from flashmob.members.models import Connection, ConnectionNote, MemberBlock
from tests.members.conftest import PASSWORD


def count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_deleting_an_account_removes_its_connections_requests_blocks_and_own_notes(create_member):
    ada, grace, hedy, joan, mary, kate = (create_member() for _ in range(6))
    services.ask(ada, grace)
    services.accept(grace, ada)
    services.ask(hedy, ada)
    services.ask(ada, joan)
    services.block(ada, mary)
    services.block(kate, ada)
    services.set_note(ada, grace, "Ada's note about Grace")
    services.set_note(grace, ada, "Grace's note about Ada")
    services.ask(grace, hedy)  # between others: untouched
    token = cards.card_of(ada).token
    db.session.commit()

    members.delete_account(ada, actor=ada)
    db.session.commit()

    assert count(Connection, or_(Connection.requester_id == ada.id, Connection.addressee_id == ada.id)) == 0
    assert count(MemberBlock, or_(MemberBlock.blocker_id == ada.id, MemberBlock.blocked_id == ada.id)) == 0
    assert count(ConnectionNote, ConnectionNote.owner_id == ada.id) == 0
    assert db.session.get(ConnectionNote, (grace.id, ada.id)).body == "Grace's note about Ada"
    assert count(Connection) == 1
    assert cards.member_by_card(token) is None


def test_the_delete_page_says_what_happens_to_connections_and_notes(client, login, create_member):
    ada = create_member(password=PASSWORD)
    login(ada)
    page = client.get("/account/delete").text
    assert "Your connections, the requests you sent and received" in page
    assert "Private notes other members keep about you" in page
