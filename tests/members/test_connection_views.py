"""The connections pages: who may do what, what each person sees, CSRF on every POST, fixed queries."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import vobject
from sqlalchemy import select

from flashmob.events.models import Rsvp, RsvpStatus
from flashmob.extensions import db
from flashmob.members.connections import services
from flashmob.members.models import Connection, ConnectionNote, ConnectionStatus, MemberBlock, MemberProfile
from tests.members.conftest import csrf_token_from, field_error


@pytest.fixture
def ada(create_member):
    return create_member("Ada Lovelace", "ada@example.org")


@pytest.fixture
def grace(create_member):
    return create_member("Grace Hopper", "grace@example.org")


def went(event, *people):
    for person in people:
        db.session.add(Rsvp(event=event, user_id=person.id, status=RsvpStatus.GOING))
    db.session.commit()


def connect(a, b):
    services.ask(a, b)
    services.accept(b, a)
    db.session.commit()


def row(a, b):
    db.session.expire_all()
    return db.session.scalar(select(Connection).where(Connection.pair_key == Connection.key_for(a.id, b.id)))


def profile(user, **fields):
    db.session.add(MemberProfile(user_id=user.id, **fields))
    db.session.commit()


# Who may: anonymous people are sent to sign in, everywhere


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/connections"),
        ("get", "/connections/card"),
        ("post", "/connections/card/reset"),
        ("get", "/connections/{id}/ask"),
        ("post", "/connections/{id}/ask"),
        ("post", "/connections/{id}/accept"),
        ("post", "/connections/{id}/decline"),
        ("post", "/connections/{id}/withdraw"),
        ("post", "/connections/{id}/remove"),
        ("post", "/connections/{id}/note"),
        ("get", "/connections/{id}/block"),
        ("post", "/connections/{id}/block"),
        ("post", "/connections/{id}/unblock"),
        ("get", "/connections/{id}.vcf"),
    ],
)
def test_anonymous_visitors_are_sent_to_sign_in(client, grace, method, path):
    response = getattr(client, method)(path.format(id=grace.id))
    assert response.status_code == 302
    assert "/login?next=" in response.headers["Location"]


@pytest.mark.parametrize(
    "path",
    [
        "/connections/{id}/accept",
        "/connections/{id}/decline",
        "/connections/{id}/withdraw",
        "/connections/{id}/remove",
        "/connections/{id}/note",
        "/connections/{id}/block",
        "/connections/{id}/unblock",
        "/connections/{id}/ask",
        "/connections/card/reset",
    ],
)
def test_every_post_needs_a_csrf_token(client, login, ada, grace, csrf_enabled, path):
    services.ask(grace, ada)
    db.session.commit()
    login(ada)
    assert client.post(path.format(id=grace.id)).status_code == 400
    assert row(ada, grace).status == ConnectionStatus.PENDING
    assert db.session.scalar(select(MemberBlock)) is None


def test_a_card_needs_a_csrf_token_to_connect(client, login, ada, grace, csrf_enabled):
    login(ada)
    card_page = client.get("/connections/card").text
    token = db.session.get(MemberProfile, ada.id).card_token
    assert token in card_page
    login(grace)
    assert client.post(f"/card/{token}").status_code == 400
    assert row(ada, grace) is None
    page = client.get(f"/card/{token}").text
    assert client.post(f"/card/{token}", data={"csrf_token": csrf_token_from(page)}).status_code == 302
    assert row(ada, grace).requester_id == grace.id


def test_actions_about_nobody_are_404(client, login, ada):
    login(ada)
    assert client.post("/connections/999999/accept").status_code == 404
    assert client.get("/connections/999999/ask").status_code == 404
    assert client.get("/connections/999999.vcf").status_code == 404


# The profile panel


def test_the_profile_offers_what_fits_where_the_viewer_stands(client, login, ada, grace):
    assert "Sign in</a> to ask Grace Hopper to connect" in client.get(f"/members/{grace.id}").text
    login(ada)
    page = client.get(f"/members/{grace.id}").text
    assert "Connect with Grace Hopper" in page and "Block Grace Hopper" in page

    services.ask(ada, grace)
    db.session.commit()
    assert "Withdraw your request" in client.get(f"/members/{grace.id}").text
    login(grace)
    page = client.get(f"/members/{ada.id}").text
    assert ">Accept<" in page and ">Decline<" in page

    services.accept(grace, ada)
    db.session.commit()
    page = client.get(f"/members/{ada.id}").text
    assert "You are connected with Ada Lovelace" in page
    assert "Download contact card (vCard)" in page and "Remove connection" in page

    services.block(grace, ada)
    db.session.commit()
    assert "Unblock Ada Lovelace" in client.get(f"/members/{ada.id}").text
    # Your own profile offers nothing.
    assert "connection-heading" not in client.get(f"/members/{grace.id}").text


# Asking


def test_asking_from_the_form_names_an_evening_both_went_to(client, login, ada, grace, create_event, outbox):
    evening = create_event(title="Birmingham #3", starts_at=datetime.now(UTC) - timedelta(days=7))
    went(evening, ada, grace)
    login(ada)
    page = client.get(f"/connections/{grace.id}/ask").text
    assert "Birmingham #3" in page and "Where you met" in page

    response = client.post(
        f"/connections/{grace.id}/ask?next=/members/{grace.id}",
        data={"message": "Risk registers!", "event_id": str(evening.id)},
    )
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/members/{grace.id}")
    connection = row(ada, grace)
    assert (connection.status, connection.event_id, connection.message) == (
        ConnectionStatus.PENDING,
        evening.id,
        "Risk registers!",
    )
    assert [mail.kind for mail in outbox("grace@example.org")] == ["connection_request"]


def test_asking_with_an_evening_not_shared_or_a_long_note_shows_the_problem(
    client, login, ada, grace, create_event
):
    other = create_event(starts_at=datetime.now(UTC) - timedelta(days=7))
    login(ada)
    response = client.post(f"/connections/{grace.id}/ask", data={"event_id": str(other.id)})
    assert response.status_code == 422
    assert "Choose one of the evenings you both went to" in field_error(response.text, "event_id")
    response = client.post(f"/connections/{grace.id}/ask", data={"event_id": "", "message": "x" * 501})
    assert response.status_code == 422
    assert "500 characters" in field_error(response.text, "message")
    assert row(ada, grace) is None


def test_a_blocked_member_is_refused_with_a_reason(client, login, ada, grace):
    services.block(grace, ada)
    db.session.commit()
    login(ada)
    response = client.post(f"/connections/{grace.id}/ask", data={"event_id": ""})
    assert response.status_code == 409
    assert "You cannot ask Grace Hopper to connect" in response.text
    assert row(ada, grace) is None


def test_accepting_declining_withdrawing_and_removing_from_the_page(client, login, ada, grace, create_member):
    hedy = create_member("Hedy Lamarr")
    services.ask(grace, ada)
    services.ask(hedy, ada)
    db.session.commit()
    login(ada)
    assert client.post(f"/connections/{grace.id}/accept").status_code == 302
    assert row(ada, grace).status == ConnectionStatus.ACCEPTED
    assert client.post(f"/connections/{hedy.id}/decline").status_code == 302
    assert row(ada, hedy).status == ConnectionStatus.DECLINED
    # Nothing to accept twice: the reason, and a 409.
    response = client.post(f"/connections/{hedy.id}/accept")
    assert response.status_code == 409 and "no request" in response.text

    assert client.post(f"/connections/{grace.id}/remove").status_code == 302
    assert row(ada, grace) is None
    services.ask(ada, grace)
    db.session.commit()
    assert client.post(f"/connections/{grace.id}/withdraw").status_code == 302
    assert row(ada, grace) is None


def test_somebody_else_cannot_answer_a_request_meant_for_another(client, login, ada, grace, create_member):
    hedy = create_member("Hedy Lamarr")
    services.ask(grace, ada)
    db.session.commit()
    login(hedy)
    assert client.post(f"/connections/{grace.id}/accept").status_code == 409
    assert row(ada, grace).status == ConnectionStatus.PENDING


# Blocking


def test_blocking_asks_first_then_ends_the_connection(client, login, ada, grace):
    connect(ada, grace)
    login(ada)
    page = client.get(f"/connections/{grace.id}/block").text
    assert "they can no longer ask to connect with you" in page
    assert row(ada, grace) is not None  # the page changed nothing

    assert client.post(f"/connections/{grace.id}/block").status_code == 302
    assert row(ada, grace) is None
    assert db.session.get(MemberBlock, (ada.id, grace.id)) is not None
    assert client.post(f"/connections/{grace.id}/unblock").status_code == 302
    assert db.session.get(MemberBlock, (ada.id, grace.id)) is None


def test_you_cannot_block_yourself(client, login, ada):
    login(ada)
    assert client.get(f"/connections/{ada.id}/block").status_code == 404
    assert client.post(f"/connections/{ada.id}/block").status_code == 404


# The connections page


def test_the_page_says_what_to_do_when_empty(client, login, ada):
    login(ada)
    page = client.get("/connections").text
    assert "No connections yet" in page and "No requests waiting for you" in page
    assert "You have no requests waiting for an answer" in page


def test_a_connection_sees_only_what_its_owner_shares(client, login, ada, grace, create_member):
    hedy = create_member("Hedy Lamarr", "hedy@example.org")
    profile(
        grace,
        headline="Head of PMO",
        organisation="Navy",
        phone="+44 7700 900123",
        linkedin_url="https://www.linkedin.com/in/grace",
        share_email_with_connections=True,
        share_phone_with_connections=True,
    )
    profile(hedy, phone="+44 7700 900999", share_email_with_connections=False)
    connect(ada, grace)
    connect(ada, hedy)
    login(ada)
    page = client.get("/connections").text
    assert "grace@example.org" in page and "+44 7700 900123" in page
    assert "https://www.linkedin.com/in/grace" in page and "Head of PMO, Navy" in page
    assert "hedy@example.org" not in page and "900999" not in page
    assert "Hedy Lamarr shares no contact details with connections" in page


def test_requests_show_as_received_and_sent_and_are_not_contact_details(
    client, login, ada, grace, create_member
):
    hedy = create_member("Hedy Lamarr", "hedy@example.org")
    profile(grace, share_email_with_connections=True)
    services.ask(grace, ada, "Loved your talk")
    services.ask(ada, hedy)
    db.session.commit()
    login(ada)
    page = client.get("/connections").text
    received = page.split('id="received-heading"')[1].split('id="connections-heading"')[0]
    sent = page.split('id="sent-heading"')[1]
    assert "Grace Hopper" in received and "Loved your talk" in received
    assert "Hedy Lamarr" in sent and "Withdraw" in sent
    # A request is not a connection: what Grace shares with connections is not shown yet.
    assert "grace@example.org" not in page


def test_the_private_note_is_saved_inline_and_seen_only_by_its_owner(client, login, ada, grace):
    connect(ada, grace)
    login(ada)
    response = client.post(f"/connections/{grace.id}/note", data={f"note-{grace.id}-body": "Risk registers"})
    assert response.status_code == 302
    assert db.session.get(ConnectionNote, (ada.id, grace.id)).body == "Risk registers"
    assert "Risk registers" in client.get("/connections").text
    response = client.post(f"/connections/{grace.id}/note", data={f"note-{grace.id}-body": "x" * 1001})
    assert response.status_code == 422
    assert "1000 characters" in field_error(response.text, f"note-{grace.id}-body")
    assert db.session.get(ConnectionNote, (ada.id, grace.id)).body == "Risk registers"
    login(grace)
    assert "Risk registers" not in client.get("/connections").text


def test_the_page_costs_the_same_number_of_queries_for_two_or_twelve_people(
    client, login, ada, create_member, create_event, count_queries
):
    evening = create_event(starts_at=datetime.now(UTC) - timedelta(days=3))
    people = [create_member(f"Person {n}") for n in range(12)]
    went(evening, ada, *people)

    def fill(group):
        for n, person in enumerate(group):
            profile(person, headline=f"Role {n}", share_email_with_connections=True)
            services.ask(person, ada, event_id=evening.id)
            if n % 3:
                services.accept(ada, person)
            services.set_note(ada, person, "note") if n % 3 else None
        db.session.commit()

    fill(people[:2])
    login(ada)
    with count_queries() as few:
        assert client.get("/connections").status_code == 200
    fill(people[2:])
    with count_queries() as many:
        page = client.get("/connections").text
    assert "Person 11" in page
    assert many.count == few.count


# vCards


def test_a_connection_downloads_a_vcard_that_reads_back(client, login, ada, grace, create_event):
    evening = create_event(title="Birmingham #3", starts_at=datetime.now(UTC) - timedelta(days=7))
    went(evening, ada, grace)
    profile(
        grace,
        headline="Head of PMO",
        organisation="Navy",
        phone="+44 7700 900123",
        linkedin_url="https://www.linkedin.com/in/grace",
        share_email_with_connections=True,
    )
    services.ask(ada, grace, event_id=evening.id)
    services.accept(grace, ada)
    db.session.commit()
    login(ada)
    response = client.get(f"/connections/{grace.id}.vcf")
    assert response.status_code == 200
    assert response.mimetype == "text/vcard"
    assert response.headers["Content-Disposition"] == 'attachment; filename="grace-hopper.vcf"'
    card = vobject.readOne(response.text)
    assert card.fn.value == "Grace Hopper"
    assert card.n.value.family == "Hopper" and card.n.value.given == "Grace"
    assert card.org.value == ["Navy"] and card.title.value == "Head of PMO"
    assert card.email.value == "grace@example.org"
    assert card.url.value == "https://www.linkedin.com/in/grace"
    assert card.note.value == "Met at Birmingham #3"
    assert not hasattr(card, "tel")  # the phone is not shared


def test_a_vcard_leaves_out_an_email_not_shared(client, login, ada, grace):
    profile(grace, share_email_with_connections=False)
    connect(ada, grace)
    login(ada)
    card = vobject.readOne(client.get(f"/connections/{grace.id}.vcf").text)
    assert not hasattr(card, "email")


@pytest.mark.parametrize("state", ["stranger", "pending", "declined", "self", "blocked"])
def test_only_a_connection_may_download_the_vcard(client, login, ada, grace, state):
    other = grace
    if state == "pending":
        services.ask(ada, grace)
    elif state == "declined":
        services.ask(ada, grace)
        services.decline(grace, ada)
    elif state == "self":
        other = ada
    elif state == "blocked":
        connect(ada, grace)
        services.block(grace, ada)
    db.session.commit()
    login(ada)
    assert client.get(f"/connections/{other.id}.vcf").status_code == 404


def test_a_note_about_someone_not_connected_is_refused_with_the_reason(client, login, ada, grace):
    login(ada)
    response = client.post(f"/connections/{grace.id}/note", data={f"note-{grace.id}-body": "Hello"})
    assert response.status_code == 409
    assert "connections only" in response.text
    assert db.session.get(ConnectionNote, (ada.id, grace.id)) is None


@pytest.mark.parametrize("role", ["member", "other_organiser", "organiser", "admin"])
def test_organisers_and_admins_get_no_more_of_other_peoples_connections(
    client, login, roles, ada, grace, role
):
    profile(grace, share_email_with_connections=True)
    connect(ada, grace)
    viewer = login(roles[role])
    assert client.get(f"/connections/{grace.id}.vcf").status_code == 404
    assert client.post(f"/connections/{grace.id}/remove").status_code == 409
    page = client.get("/connections").text
    assert "grace@example.org" not in page and "Grace Hopper" not in page
    assert row(ada, grace).status == ConnectionStatus.ACCEPTED
    assert "Connect with Grace Hopper" in client.get(f"/members/{grace.id}").text
    assert viewer.id not in (ada.id, grace.id)


def test_the_account_page_leads_to_your_connections(client, login, ada):
    login(ada)
    assert 'href="/connections">Your connections</a>' in client.get("/account").text
