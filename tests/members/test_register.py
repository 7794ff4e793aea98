"""Registering, the "Check your inbox" page, confirming an address and resending the link."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from flashmob.extensions import db
from flashmob.members import services
from flashmob.members.models import User
from tests.conftest import ROLE_NAMES
from tests.members.conftest import NEW_PASSWORD, csrf_token_from, field_error, link_in

GOOD = {
    "email": "Grace@Example.org",
    "display_name": "Grace Hopper",
    "password": NEW_PASSWORD,
    "confirm": NEW_PASSWORD,
}


def test_register_page_has_labelled_fields(client):
    response = client.get("/register")
    assert response.status_code == 200
    page = response.text
    assert "<title>Join PMO Flashmob · PMO Flashmob</title>" in page
    assert page.count("<h1>") == 1
    for label in ("Email address", "Display name", "Password", "Confirm password"):
        assert f">{label}</label>" in page


def test_registering_opens_an_account_and_sends_a_confirmation_link(client, outbox):
    response = client.post("/register", data=GOOD)
    assert response.status_code == 302
    assert response.headers["Location"] == "/register/check-inbox"
    page = client.get("/register/check-inbox").text
    assert "Check your inbox" in page
    assert "grace@example.org" in page
    user = db.session.scalar(select(User).where(User.email == "grace@example.org"))
    assert user.display_name == "Grace Hopper"
    assert user.email_confirmed_at is None
    [message] = outbox()
    assert message.to_address == "grace@example.org"
    assert message.user_id == user.id
    assert link_in(message.text_body, "/confirm/")


def test_registering_does_not_sign_in_before_the_address_is_confirmed(client):
    client.post("/register", data=GOOD)
    assert client.get("/account").status_code == 302


def _register_and_read(client, email):
    response = client.post("/register", data=GOOD | {"email": email})
    page = client.get(response.headers["Location"])
    return response, page


def test_registering_a_taken_address_looks_exactly_like_registering_a_new_one(
    client, app, create_member, outbox
):
    create_member("Ada", "taken@example.org")
    taken, taken_page = _register_and_read(client, "taken@example.org")
    fresh, fresh_page = _register_and_read(app.test_client(), "fresh@example.org")
    assert taken.status_code == fresh.status_code == 302
    assert taken.headers["Location"] == fresh.headers["Location"]
    assert taken_page.status_code == fresh_page.status_code
    assert taken_page.text.replace("taken@", "X@") == fresh_page.text.replace("fresh@", "X@")
    # The owner of the taken address hears about it; the new address gets its confirmation link.
    [warning] = outbox("taken@example.org")
    assert warning.subject == "Someone tried to register with your address"
    for body in (warning.text_body, warning.html_body):
        assert "You already have an account, so we did not create another." in body
        assert "http://localhost/login" in body
        assert "http://localhost/password/forgot" in body
    assert outbox("fresh@example.org")[0].subject == "Confirm your email address"
    assert db.session.scalar(select(User).where(User.email == "taken@example.org")).display_name == "Ada"


@pytest.mark.parametrize(
    ("change", "field_id", "message"),
    [
        ({"email": "grace-at-example.org"}, "email", "Enter a valid email address"),
        ({"email": ""}, "email", "Enter your email address."),
        ({"display_name": "   "}, "display_name", "Tell us what to call you."),
        ({"display_name": "x" * 81}, "display_name", "Field cannot be longer than 80 characters."),
        ({"password": "short", "confirm": "short"}, "password", "Use at least 10 characters."),
        ({"password": "password123", "confirm": "password123"}, "password", "That password is too common"),
        (
            {"password": "grace hopper rocks", "confirm": "grace hopper rocks"},
            "password",
            "Do not use your email address in your password.",
        ),
        ({"confirm": "something else entirely"}, "confirm", "The passwords do not match."),
    ],
)
def test_registering_with_bad_input_shows_the_problem_at_the_field_and_writes_nothing(
    client, user_count, outbox, change, field_id, message
):
    response = client.post("/register", data=GOOD | change)
    assert response.status_code == 422
    assert message in field_error(response.text, field_id)
    assert 'value="' + (GOOD | change)["display_name"].strip() in response.text or field_id == "display_name"
    assert user_count() == 0
    assert outbox() == []


@pytest.mark.parametrize("role", [r for r in ROLE_NAMES if r != "anonymous"])
@pytest.mark.parametrize("path", ["/register", "/login", "/confirm"])
def test_signed_in_people_visiting_register_or_login_go_home(client, login, roles, role, path):
    login(roles[role])
    response = client.get(path)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_check_inbox_page_answers_without_a_registration(client):
    response = client.get("/register/check-inbox")
    assert response.status_code == 200
    assert "Check your inbox" in response.text


# Confirming


def _registered_link(client, outbox) -> str:
    client.post("/register", data=GOOD)
    return link_in(outbox()[-1].text_body, "/confirm/")


def test_confirmation_link_shows_a_confirm_button_and_changes_nothing_on_its_own(client, outbox):
    link = _registered_link(client, outbox)
    response = client.get(link)
    assert response.status_code == 200
    assert "Confirm my address" in response.text
    assert "grace@example.org" in response.text
    assert db.session.scalar(select(User.email_confirmed_at)) is None


def test_confirming_signs_in_and_nudges_towards_a_chapter(client, outbox):
    link = _registered_link(client, outbox)
    response = client.post(link)
    assert response.status_code == 302
    assert response.headers["Location"] == "/account"
    page = client.get("/account").text
    assert "Welcome to PMO Flashmob, Grace Hopper!" in page
    assert 'href="/chapters"' in page
    assert db.session.scalar(select(User.email_confirmed_at)) is not None


def test_a_used_confirmation_link_signs_nobody_in(client, app, outbox):
    link = _registered_link(client, outbox)
    client.post(link)
    stranger = app.test_client()
    response = stranger.post(link)
    assert response.status_code == 400
    assert "already confirmed" in response.text
    assert stranger.get("/account").status_code == 302


@pytest.mark.parametrize("link", ["/confirm/nonsense", "/confirm/eyJpZCI6MX0.aaaa.bbbb"])
def test_a_broken_confirmation_link_explains_and_offers_a_new_one(client, link):
    response = client.get(link)
    assert response.status_code == 400
    assert "That link did not work" in response.text
    assert 'href="/confirm"' in response.text


def test_an_expired_confirmation_link_says_so(client, app, monkeypatch, outbox):
    link = _registered_link(client, outbox)
    monkeypatch.setitem(app.config, "EMAIL_CONFIRM_MAX_AGE", -1)
    response = client.post(link)
    assert response.status_code == 400
    assert "expired" in response.text
    assert db.session.scalar(select(User.email_confirmed_at)) is None


def test_confirming_needs_a_csrf_token_and_works_with_the_page_one(client, csrf_enabled):
    user = services.register(email="grace@example.org", display_name="Grace", password=NEW_PASSWORD)
    db.session.commit()
    link = f"/confirm/{services.confirmation_token(user)}"
    assert client.post(link).status_code == 400
    assert db.session.scalar(select(User.email_confirmed_at)) is None
    token = csrf_token_from(client.get(link).text)
    assert client.post(link, data={"csrf_token": token}).status_code == 302
    assert db.session.scalar(select(User.email_confirmed_at)) is not None


# Resending the link


def test_resend_sends_a_new_link_to_an_unconfirmed_account(client, outbox):
    client.post("/register", data=GOOD)
    response = client.post("/confirm", data={"email": "GRACE@example.org"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/register/check-inbox"
    messages = outbox("grace@example.org")
    assert len(messages) == 2
    assert link_in(messages[-1].text_body, "/confirm/")


def test_resend_looks_the_same_for_unknown_confirmed_and_waiting_addresses(
    client, app, create_member, outbox
):
    create_member("Ada", "ada@example.org")
    app.test_client().post("/register", data=GOOD)
    pages = []
    for email in ("ada@example.org", "nobody@example.org", "grace@example.org"):
        browser = app.test_client()
        response = browser.post("/confirm", data={"email": email})
        page = browser.get(response.headers["Location"])
        pages.append(
            (
                response.status_code,
                response.headers["Location"],
                page.status_code,
                page.text.replace(email, "X"),
            )
        )
    assert pages[0] == pages[1] == pages[2]
    assert outbox("ada@example.org") == []
    assert outbox("nobody@example.org") == []


def test_resend_with_a_malformed_address_shows_the_problem(client, outbox):
    response = client.post("/confirm", data={"email": "not-an-address"})
    assert response.status_code == 422
    assert "Enter a valid email address" in field_error(response.text, "email")
    assert outbox() == []


@pytest.mark.parametrize("path", ["/register", "/confirm"])
def test_register_and_resend_need_a_csrf_token(client, csrf_enabled, user_count, outbox, path):
    response = client.post(path, data=GOOD)
    assert response.status_code == 400
    assert user_count() == 0
    assert outbox() == []
