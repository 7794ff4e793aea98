"""Signing in and out: one message for wrong details, confirmation first, remember-me, safe `next`."""

from __future__ import annotations

import pytest

from flashmob.members.models import User
from tests.members.conftest import PASSWORD, csrf_token_from, field_error, link_in, refreshed


def _sign_in(client, email="ada@example.org", password=PASSWORD, **extra):
    return client.post("/login" + extra.pop("query", ""), data={"email": email, "password": password} | extra)


def _signed_in(client) -> bool:
    return client.get("/account").status_code == 200


def test_login_page_has_labelled_fields_and_ways_out(client):
    response = client.get("/login")
    assert response.status_code == 200
    page = response.text
    assert "<title>Sign in · PMO Flashmob</title>" in page
    assert page.count("<h1>") == 1
    for label in ("Email address", "Password", "Keep me signed in on this device"):
        assert f">{label}</label>" in page
    assert 'href="/password/forgot"' in page
    assert 'href="/register"' in page


def test_signing_in_goes_home_welcomes_and_records_the_time(client, ada):
    response = _sign_in(client, email="  ADA@example.org ")
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert "Welcome back, Ada Lovelace." in client.get("/account").text
    assert refreshed(ada).last_login_at is not None


def test_remember_me_sets_a_lasting_cookie(client, ada):
    _sign_in(client, remember="y")
    cookie = client.get_cookie("remember_token")
    assert cookie is not None
    assert cookie.expires is not None
    assert cookie.http_only


def test_without_remember_me_there_is_no_lasting_cookie(client, ada):
    _sign_in(client)
    assert client.get_cookie("remember_token") is None
    assert _signed_in(client)


def test_wrong_password_and_unknown_address_get_the_same_answer(client, app, ada):
    wrong_password = _sign_in(client, email="ada@example.org", password="not the password")
    unknown = _sign_in(app.test_client(), email="nobody@example.org", password="not the password")
    assert wrong_password.status_code == unknown.status_code == 422
    assert "Email or password is incorrect." in wrong_password.text
    assert wrong_password.text.replace("ada@", "X@") == unknown.text.replace("nobody@", "X@")
    # The address stays in the field; the password does not come back.
    assert 'value="ada@example.org"' in wrong_password.text
    assert "not the password" not in wrong_password.text
    assert not _signed_in(client)


def test_unconfirmed_account_with_the_right_password_is_asked_to_confirm(client, create_user, outbox):
    create_user("Grace", "grace@example.org")
    response = _sign_in(client, email="grace@example.org")
    assert response.status_code == 403
    assert "Your email address is not confirmed yet." in response.text
    assert "Send a new confirmation link" in response.text
    assert not _signed_in(client)
    client.post("/confirm", data={"email": "grace@example.org"})
    [message] = outbox("grace@example.org")
    assert link_in(message.text_body, "/confirm/")


def test_unconfirmed_account_with_a_wrong_password_gets_the_usual_answer(client, create_user):
    create_user("Grace", "grace@example.org")
    response = _sign_in(client, email="grace@example.org", password="not the password")
    assert response.status_code == 422
    assert "Email or password is incorrect." in response.text
    assert "not confirmed" not in response.text


@pytest.mark.parametrize(
    ("data", "field_id", "message"),
    [
        ({"email": "", "password": PASSWORD}, "email", "Enter your email address."),
        ({"email": "ada@example.org", "password": ""}, "password", "Enter your password."),
    ],
)
def test_signing_in_with_a_missing_field_says_which(client, ada, data, field_id, message):
    response = client.post("/login", data=data)
    assert response.status_code == 422
    assert field_error(response.text, field_id) == message
    assert refreshed(ada).last_login_at is None


def test_next_takes_you_back_to_the_page_you_wanted(client, ada):
    response = client.get("/account")
    assert response.headers["Location"] == "/login?next=%2Faccount"
    response = _sign_in(client, query="?next=%2Faccount")
    assert response.headers["Location"] == "/account"


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example",
        "https://evil.example",
        "/\\evil.example",
        "\\\\evil.example",
        "javascript:alert(1)",
        "http:/evil.example",
    ],
)
def test_next_never_leaves_the_site(client, ada, target):
    response = client.post(
        "/login", query_string={"next": target}, data={"email": "ada@example.org", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_next_in_the_form_body_is_checked_too(client, ada):
    response = _sign_in(client, next="https://evil.example/phish")
    assert response.headers["Location"] == "/"


def test_signing_out_signs_out(client, ada, login):
    login(ada)
    response = client.post("/logout")
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert "You are signed out." in client.get("/").text
    assert not _signed_in(client)


def test_signing_out_only_by_post(client, ada, login):
    login(ada)
    assert client.get("/logout").status_code == 405
    assert _signed_in(client)


def test_signing_out_needs_a_csrf_token(client, ada, login, csrf_enabled):
    login(ada)
    assert client.post("/logout").status_code == 400
    assert _signed_in(client)
    token = csrf_token_from(client.get("/account").text)
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    assert not _signed_in(client)


def test_signing_in_needs_a_csrf_token(client, ada, csrf_enabled):
    response = _sign_in(client)
    assert response.status_code == 400
    assert not _signed_in(client)
    token = csrf_token_from(client.get("/login").text)
    assert _sign_in(client, csrf_token=token).status_code == 302
    assert _signed_in(client)


def test_a_stale_session_after_the_account_is_gone_is_anonymous(client, ada, login):
    login(ada)
    from flashmob.extensions import db

    db.session.delete(db.session.get(User, ada.id))
    db.session.commit()
    assert client.get("/account").status_code == 302


def test_a_failed_sign_in_marks_nothing_invalid_but_an_empty_field_is_marked(client, ada):
    page = client.post("/login", data={"email": "ada@example.org", "password": ""}).text
    assert 'aria-describedby="password-error" aria-invalid="true"' in page
