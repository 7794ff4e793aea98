"""The card for the night: a QR code on the ticket and on /connections/card, that expires and can be reset;
scanning it leads to one button that asks to connect, tagged with the evening both are at."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from flashmob.email_kinds import EmailSetting
from flashmob.events.models import Rsvp, RsvpStatus
from flashmob.extensions import db
from flashmob.members.connections import cards, services
from flashmob.members.models import Connection, ConnectionStatus, MemberProfile
from flashmob.notifications import stop_kind


@pytest.fixture
def ada(create_member):
    return create_member("Ada Lovelace", "ada@example.org")


@pytest.fixture
def grace(create_member):
    return create_member("Grace Hopper", "grace@example.org")


def went(event, *people):
    rsvps = [Rsvp(event_id=event.id, user_id=person.id, status=RsvpStatus.GOING) for person in people]
    db.session.add_all(rsvps)
    db.session.commit()
    return rsvps


def token_of(user):
    db.session.expire_all()
    return db.session.get(MemberProfile, user.id).card_token


def row(a, b):
    db.session.expire_all()
    return db.session.scalar(select(Connection).where(Connection.pair_key == Connection.key_for(a.id, b.id)))


def test_the_card_page_shows_a_qr_code_of_an_absolute_card_address(client, login, ada):
    login(ada)
    page = client.get("/connections/card").text
    token = token_of(ada)
    assert token and f"http://localhost/card/{token}" in page
    assert 'src="data:image/svg+xml' in page and "QR code of Ada Lovelace's card" in page
    # The same card on the next visit.
    client.get("/connections/card")
    assert token_of(ada) == token


def test_the_ticket_page_carries_the_card_for_its_owner_only(client, login, ada, create_event, roles):
    event = create_event(chapter=roles["chapter"])
    [rsvp] = went(event, ada)
    login(ada)
    page = client.get(f"/events/{event.id}/ticket").text
    assert "Card for the night" in page and f"/card/{token_of(ada)}" in page
    login(roles["organiser"])
    page = client.get(f"/events/{event.id}/tickets/{rsvp.id}").text
    assert "Card for the night" not in page


def test_resetting_the_card_makes_a_new_one_and_the_old_stops_working(client, login, ada, grace):
    login(ada)
    client.get("/connections/card")
    old = token_of(ada)
    response = client.post("/connections/card/reset")
    assert response.status_code == 302
    new = token_of(ada)
    assert new != old
    login(grace)
    gone = client.get(f"/card/{old}")
    assert gone.status_code == 404 and "This card no longer works" in gone.text
    assert client.post(f"/card/{old}").status_code == 404
    assert client.get(f"/card/{new}").status_code == 200


def test_a_card_expires_after_30_days_and_its_owner_gets_a_new_one(client, login, ada, grace):
    long_ago = datetime.now(UTC) - timedelta(days=31)
    old = cards.card_of(ada, now=long_ago).token
    db.session.commit()
    assert cards.member_by_card(old, now=long_ago + timedelta(days=29)) == ada
    login(grace)
    assert client.get(f"/card/{old}").status_code == 404
    login(ada)
    client.get("/connections/card")
    assert token_of(ada) != old


def test_an_unknown_token_is_a_clear_404(client):
    response = client.get("/card/not-a-real-token")
    assert response.status_code == 404 and "This card no longer works" in response.text


def test_anonymous_scanners_are_asked_to_sign_in_and_come_back(client, ada):
    token = cards.card_of(ada).token
    db.session.commit()
    page = client.get(f"/card/{token}").text
    assert "Sign in to connect" in page
    assert f"/login?next=/card/{token}" in page
    assert "Ada Lovelace" not in page  # nothing of the person before signing in
    response = client.post(f"/card/{token}")
    assert response.status_code == 200 and row(ada, ada) is None


def test_scanning_and_tapping_connect_asks_tagged_with_tonight(
    client, login, ada, grace, create_event, outbox
):
    db.session.add(MemberProfile(user_id=ada.id, headline="Portfolio lead"))
    db.session.commit()
    last_month = create_event(title="Birmingham #2", starts_at=datetime.now(UTC) - timedelta(days=30))
    tonight = create_event(title="Birmingham #3", starts_at=datetime.now(UTC) - timedelta(hours=1))
    went(last_month, ada, grace)
    went(tonight, ada, grace)
    token = cards.card_of(ada).token
    db.session.commit()
    login(grace)
    page = client.get(f"/card/{token}").text
    assert "Ada Lovelace" in page and "Portfolio lead" in page
    assert "We will say you met at <strong>Birmingham #3</strong>" in page

    response = client.post(f"/card/{token}")
    assert response.status_code == 302
    connection = row(ada, grace)
    assert (connection.requester_id, connection.status, connection.event_id) == (
        grace.id,
        ConnectionStatus.PENDING,
        tonight.id,
    )
    assert [mail.kind for mail in outbox("ada@example.org")] == ["connection_request"]
    assert "Your request is with Ada Lovelace" in client.get(f"/card/{token}").text


def test_scanning_the_card_of_someone_who_asked_you_connects_at_once(client, login, ada, grace):
    services.ask(ada, grace)
    token = cards.card_of(ada).token
    db.session.commit()
    login(grace)
    assert "Accept and connect" in client.get(f"/card/{token}").text
    client.post(f"/card/{token}")
    assert row(ada, grace).status == ConnectionStatus.ACCEPTED
    assert "You are connected with Ada Lovelace" in client.get(f"/card/{token}").text


def test_your_own_card_says_so_and_offers_no_button(client, login, ada):
    token = cards.card_of(ada).token
    db.session.commit()
    login(ada)
    page = client.get(f"/card/{token}").text
    assert "This is your own card" in page and ">Connect<" not in page
    response = client.post(f"/card/{token}")
    assert response.status_code == 409 and "yourself" in response.text


def test_a_member_blocked_by_the_owner_is_refused(client, login, ada, grace):
    services.block(ada, grace)
    token = cards.card_of(ada).token
    db.session.commit()
    login(grace)
    assert client.get(f"/card/{token}").status_code == 403
    assert client.post(f"/card/{token}").status_code == 403
    assert row(ada, grace) is None


# The email setting


def test_the_email_settings_page_offers_to_stop_connection_emails(client, login, ada, grace, outbox):
    login(ada)
    page = client.get("/account/emails").text
    assert "Requests to connect, and requests accepted" in page
    response = client.post("/account/emails", data={"rsvp": "y"})
    assert response.status_code == 302
    services.ask(grace, ada)
    db.session.commit()
    assert outbox("ada@example.org") == []


def test_connection_emails_carry_a_one_click_unsubscribe(grace, ada, outbox):
    services.ask(grace, ada)
    db.session.commit()
    [mail] = outbox("ada@example.org")
    assert mail.unsubscribe_url and "/unsubscribe/" in mail.unsubscribe_url
    assert "Requests to connect, and requests accepted" in mail.text_body
    stop_kind(grace.id, EmailSetting.CONNECTIONS)
    services.accept(ada, grace)
    db.session.commit()
    assert outbox("grace@example.org") == []
