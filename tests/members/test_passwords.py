"""Forgotten passwords, reset links, and changing a password from the account page."""

from __future__ import annotations

import pytest

from flashmob.extensions import db
from flashmob.members import services
from flashmob.members.passwords import verify_password
from tests.conftest import ROLE_NAMES
from tests.members.conftest import NEW_PASSWORD, PASSWORD, csrf_token_from, field_error, link_in, refreshed

NEW = {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}


def _reset_link(client, outbox, email="ada@example.org") -> str:
    client.post("/password/forgot", data={"email": email})
    return link_in(outbox(email)[-1].text_body, "/password/reset/")


def test_forgot_password_page_has_a_labelled_field(client):
    response = client.get("/password/forgot")
    assert response.status_code == 200
    assert "<title>Forgot your password · PMO Flashmob</title>" in response.text
    assert ">Email address</label>" in response.text


def test_forgot_password_emails_a_reset_link(client, ada, outbox):
    response = client.post("/password/forgot", data={"email": "Ada@Example.org"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/register/check-inbox"
    assert "we have sent it a link to choose a new password" in client.get("/register/check-inbox").text
    [message] = outbox()
    assert (message.to_address, message.kind, message.user_id) == ("ada@example.org", "account", ada.id)
    assert link_in(message.text_body, "/password/reset/")
    assert "Choose a new password" in message.html_body


def test_forgot_password_answers_the_same_for_an_unknown_address(client, app, ada, outbox):
    pages = []
    for email in ("ada@example.org", "nobody@example.org"):
        browser = app.test_client()
        response = browser.post("/password/forgot", data={"email": email})
        page = browser.get(response.headers["Location"])
        pages.append(
            (
                response.status_code,
                response.headers["Location"],
                page.status_code,
                page.text.replace(email, "X"),
            )
        )
    assert pages[0] == pages[1]
    assert outbox("nobody@example.org") == []


def test_forgot_password_with_a_malformed_address_shows_the_problem(client, outbox):
    response = client.post("/password/forgot", data={"email": "ada at example"})
    assert response.status_code == 422
    assert "Enter a valid email address" in field_error(response.text, "email")
    assert outbox() == []


def test_reset_link_shows_a_form_for_the_new_password(client, ada, outbox):
    response = client.get(_reset_link(client, outbox))
    assert response.status_code == 200
    assert "Choose a new password" in response.text
    assert ">New password</label>" in response.text
    assert ">Confirm new password</label>" in response.text


def test_resetting_sets_the_password_signs_in_and_signs_out_other_devices(
    client, ada, outbox, sign_in_elsewhere
):
    other_device = sign_in_elsewhere(ada)
    link = _reset_link(client, outbox)
    response = client.post(link, data=NEW)
    assert response.status_code == 302
    assert response.headers["Location"] == "/account"
    assert client.get("/account").status_code == 200
    assert other_device.get("/account").status_code == 302
    assert verify_password(refreshed(ada).password_hash, NEW_PASSWORD)
    assert outbox("ada@example.org")[-1].subject == "Your password was changed"


def test_a_reset_link_works_only_once(client, ada, outbox):
    link = _reset_link(client, outbox)
    client.post(link, data=NEW)
    response = client.post(link, data={"password": "yet another good one", "confirm": "yet another good one"})
    assert response.status_code == 400
    assert "already been used" in response.text
    assert verify_password(refreshed(ada).password_hash, NEW_PASSWORD)


def test_an_expired_reset_link_explains_and_offers_a_new_one(client, app, ada, outbox, monkeypatch):
    link = _reset_link(client, outbox)
    monkeypatch.setitem(app.config, "PASSWORD_RESET_MAX_AGE", -1)
    response = client.get(link)
    assert response.status_code == 400
    assert "expired" in response.text
    assert 'href="/password/forgot"' in response.text


def test_a_forged_reset_link_is_refused(client, ada):
    forged = services.URLSafeTimedSerializer("not-our-secret", salt=services.RESET_SALT).dumps({"id": ada.id})
    assert client.get(f"/password/reset/{forged}").status_code == 400


@pytest.mark.parametrize(
    ("data", "field_id", "message"),
    [
        ({"password": "short", "confirm": "short"}, "password", "Use at least 10 characters."),
        ({"password": "adalovelace99", "confirm": "adalovelace99"}, "password", "Do not use your name"),
        ({"password": NEW_PASSWORD, "confirm": "different words"}, "confirm", "The passwords do not match."),
        ({"password": "", "confirm": ""}, "password", "Choose a password."),
    ],
)
def test_resetting_with_bad_input_shows_the_problem_and_keeps_the_old_password(
    client, ada, outbox, data, field_id, message
):
    link = _reset_link(client, outbox)
    response = client.post(link, data=data)
    assert response.status_code == 422
    assert message in field_error(response.text, field_id)
    assert verify_password(refreshed(ada).password_hash, PASSWORD)
    # The link still works: nothing was used up.
    assert client.get(link).status_code == 200


@pytest.mark.parametrize("path", ["/password/forgot"])
def test_forgot_password_needs_a_csrf_token(client, ada, outbox, csrf_enabled, path):
    assert client.post(path, data={"email": "ada@example.org"}).status_code == 400
    assert outbox() == []


def test_resetting_needs_a_csrf_token(client, ada, csrf_enabled):
    link = f"/password/reset/{services.reset_token(ada)}"
    assert client.post(link, data=NEW).status_code == 400
    assert verify_password(refreshed(ada).password_hash, PASSWORD)


# Changing a password while signed in

CHANGE = {"current_password": PASSWORD} | NEW


def test_change_password_page_is_only_for_signed_in_people(client):
    response = client.get("/account/password")
    assert response.status_code == 302
    assert response.headers["Location"] == "/login?next=%2Faccount%2Fpassword"
    assert client.post("/account/password", data=CHANGE).status_code == 302


@pytest.mark.parametrize("role", [r for r in ROLE_NAMES if r != "anonymous"])
def test_everyone_signed_in_can_change_their_own_password(client, login, roles, outbox, role):
    person = login(roles[role])
    assert client.get("/account/password").status_code == 200
    response = client.post("/account/password", data=CHANGE)
    assert response.status_code == 302
    assert response.headers["Location"] == "/account"
    assert verify_password(refreshed(person).password_hash, NEW_PASSWORD)
    [notice] = outbox()
    assert notice.to_address == person.email
    assert "http://localhost/password/forgot" in notice.text_body


def test_changing_password_signs_out_other_devices_but_not_this_one(client, ada, login, sign_in_elsewhere):
    login(ada)
    other_device = sign_in_elsewhere(ada)
    assert other_device.get("/account").status_code == 200
    response = client.post("/account/password", data=CHANGE)
    assert response.status_code == 302
    assert "Your password is changed." in client.get("/account").text
    assert other_device.get("/account").status_code == 302


def test_changing_password_keeps_remember_me_on_this_device_only(client, app, ada):
    client.post("/login", data={"email": "ada@example.org", "password": PASSWORD, "remember": "y"})
    old_cookie = client.get_cookie("remember_token").value
    other_device = app.test_client()
    other_device.set_cookie("remember_token", old_cookie)
    assert other_device.get("/account").status_code == 200
    client.post("/account/password", data=CHANGE)
    assert client.get_cookie("remember_token").value != old_cookie
    stale = app.test_client()
    stale.set_cookie("remember_token", old_cookie)
    assert stale.get("/account").status_code == 302


@pytest.mark.parametrize(
    ("change", "field_id", "message"),
    [
        ({"current_password": "not my password"}, "current_password", "That is not your current password."),
        ({"current_password": ""}, "current_password", "Enter your current password."),
        ({"password": "qwertyuiop", "confirm": "qwertyuiop"}, "password", "That password is too common"),
        ({"confirm": "something different"}, "confirm", "The passwords do not match."),
    ],
)
def test_changing_password_with_bad_input_shows_the_problem_and_changes_nothing(
    client, ada, login, outbox, sign_in_elsewhere, change, field_id, message
):
    login(ada)
    other_device = sign_in_elsewhere(ada)
    response = client.post("/account/password", data=CHANGE | change)
    assert response.status_code == 422
    assert message in field_error(response.text, field_id)
    ada = refreshed(ada)
    assert verify_password(ada.password_hash, PASSWORD)
    assert other_device.get("/account").status_code == 200
    assert outbox() == []


def test_changing_password_needs_a_csrf_token(client, ada, login, csrf_enabled):
    login(ada)
    assert client.post("/account/password", data=CHANGE).status_code == 400
    assert verify_password(refreshed(ada).password_hash, PASSWORD)
    token = csrf_token_from(client.get("/account/password").text)
    assert client.post("/account/password", data=CHANGE | {"csrf_token": token}).status_code == 302
    db.session.expire_all()
    assert verify_password(refreshed(ada).password_hash, NEW_PASSWORD)
