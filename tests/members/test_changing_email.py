"""Changing the address of an account: a link to the new address, followed signed in, then a notice to
the old one; the same answer for an address that has an account as for a free one."""

from __future__ import annotations

import pytest

from flashmob.email_kinds import EmailKind
from flashmob.extensions import db
from flashmob.members import services
from flashmob.members.models import User
from flashmob.outbox import queue_email
from flashmob.types import utcnow
from tests.conftest import ROLE_NAMES
from tests.members.conftest import PASSWORD, csrf_token_from, field_error, link_in, refreshed

NEW = "nia.new@example.org"
CHANGE = {"email": NEW, "current_password": PASSWORD}


def ask(client, data=CHANGE):
    return client.post("/account/email", data=data)


def change_link(outbox, to=NEW) -> str:
    (message,) = [m for m in outbox(to) if m.kind == EmailKind.EMAIL_CHANGE]
    return link_in(message.text_body, "/account/email/confirm/")


# Asking


def test_the_page_asks_for_the_new_address_and_the_password_with_labels(client, login, ada):
    login(ada)
    page = client.get("/account/email").text
    assert "<h1>Change your email address</h1>" in page
    assert '<label for="email">New email address</label>' in page
    assert '<label for="current_password">Current password</label>' in page
    assert "ada@example.org" in page


def test_asking_sends_a_link_to_the_new_address_and_changes_nothing_yet(client, login, ada, outbox):
    login(ada)
    response = ask(client)
    assert response.status_code == 302
    assert response.headers["Location"] == "/account"
    assert f"We sent a link to {NEW}" in client.get("/account").text

    assert refreshed(ada).email == "ada@example.org"
    (message,) = outbox()
    assert message.to_address == NEW
    assert message.kind == EmailKind.EMAIL_CHANGE
    assert message.subject == "Confirm your new email address"
    assert "24 hours" in message.text_body
    assert "/account/email/confirm/" in message.html_body
    # The link carries no old address: whoever reads the new inbox does not learn it from the token.
    assert "ada@example.org" not in message.text_body


def test_a_wrong_password_is_refused_at_its_field_and_sends_nothing(client, login, ada, outbox):
    login(ada)
    response = ask(client, CHANGE | {"current_password": "not my password"})
    assert response.status_code == 422
    assert field_error(response.text, "current_password") == "That is not your current password."
    assert outbox() == []


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("not-an-address", "Enter a valid email address"),
        ("", "Enter your new email address."),
        ("ADA@example.org", "That is already your email address."),
    ],
)
def test_a_bad_or_unchanged_address_is_refused_at_its_field(client, login, ada, outbox, typed, message):
    login(ada)
    response = ask(client, CHANGE | {"email": typed})
    assert response.status_code == 422
    assert message in field_error(response.text, "email")
    assert outbox() == []


def test_an_address_with_an_account_gets_the_same_answer_and_its_owner_hears_only_what_registering_tells(
    client, login, ada, create_member, outbox
):
    nia = create_member("Nia Other", NEW)
    login(ada)
    taken = ask(client)
    taken_page = client.get("/account").text
    db.session.rollback()

    free_address = {"email": "nobody.yet@example.org", "current_password": PASSWORD}
    free = ask(client, free_address)
    free_page = client.get("/account").text

    assert taken.status_code == free.status_code == 302
    assert taken.headers["Location"] == free.headers["Location"]
    assert taken_page.replace(NEW, "X") == free_page.replace("nobody.yet@example.org", "X")
    # Nia gets no link to hand her address over, only word that someone tried to use it.
    (to_nia,) = outbox(NEW)
    assert to_nia.user_id == nia.id
    assert to_nia.subject == "Someone tried to use your address for another account"
    assert "/account/email/confirm/" not in to_nia.text_body
    assert "You already have an account with this address" in to_nia.text_body
    assert "Ada" not in to_nia.text_body and "ada@example.org" not in to_nia.text_body
    assert refreshed(ada).email == "ada@example.org"


def test_asking_needs_a_csrf_token(client, login, ada, outbox, csrf_enabled):
    login(ada)
    assert ask(client).status_code == 400
    assert outbox() == []
    token = csrf_token_from(client.get("/account/email").text)
    assert ask(client, CHANGE | {"csrf_token": token}).status_code == 302
    assert len(outbox(NEW)) == 1


@pytest.mark.parametrize(
    "path", ["/account/email", "/account/email/confirm/some-token", "/account/export"]
)
def test_anonymous_visitors_are_sent_to_sign_in(client, path, outbox):
    for response in (client.get(path), client.post(path, data=CHANGE)):
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/login?next=")
    assert outbox() == []


@pytest.mark.parametrize("role", [r for r in ROLE_NAMES if r != "anonymous"])
def test_every_signed_in_person_changes_only_their_own_address(client, login, roles, role, outbox):
    person = login(roles[role])
    assert client.get("/account/email").status_code == 200
    assert ask(client).status_code == 302
    (message,) = outbox(NEW)
    assert message.user_id == person.id


# Following the link


def test_following_the_link_shows_a_button_and_pressing_it_moves_the_account_and_tells_the_old_address(
    client, login, ada, outbox
):
    login(ada)
    ask(client)
    link = change_link(outbox)

    page = client.get(link)
    assert page.status_code == 200
    question = "Move your account from <strong>ada@example.org</strong> to <strong>nia.new@example.org"
    assert question in page.text
    assert refreshed(ada).email == "ada@example.org"  # a GET (a link scanner) changes nothing

    response = client.post(link)
    assert response.status_code == 302
    assert response.headers["Location"] == "/account"
    account = client.get("/account").text  # still signed in
    assert f"Your email address is now {NEW}." in account

    ada = refreshed(ada)
    assert ada.email == NEW
    assert ada.is_confirmed
    (notice,) = outbox("ada@example.org")
    assert notice.kind == EmailKind.EMAIL_CHANGED
    assert notice.user_id == ada.id
    assert notice.subject == "Your email address was changed"
    assert "n***@example.org" in notice.text_body and "n***@example.org" in notice.html_body
    assert NEW not in notice.text_body
    assert "reply to this email" in notice.text_body


def test_the_new_address_signs_in_and_the_old_one_no_longer_does(client, login, ada, outbox, app):
    login(ada)
    ask(client)
    client.post(change_link(outbox))

    browser = app.test_client()
    old = browser.post("/login", data={"email": "ada@example.org", "password": PASSWORD})
    assert old.status_code == 422
    new = browser.post("/login", data={"email": NEW, "password": PASSWORD})
    assert new.status_code == 302


def test_a_link_works_once(client, login, ada, outbox):
    login(ada)
    ask(client)
    link = change_link(outbox)
    assert client.post(link).status_code == 302

    again = client.post(link)
    assert again.status_code == 400
    assert "already been used or is no longer valid" in again.text
    assert client.get(link).status_code == 400
    assert len(outbox("ada@example.org")) == 1


def test_a_link_still_works_once_after_changing_back(client, login, ada, outbox):
    login(ada)
    ask(client)
    first = change_link(outbox)
    client.post(first)
    ask(client, {"email": "ada@example.org", "current_password": PASSWORD})
    client.post(change_link(outbox, "ada@example.org"))
    assert refreshed(ada).email == "ada@example.org"

    assert client.post(first).status_code == 400
    assert refreshed(ada).email == "ada@example.org"


def test_an_expired_link_is_refused(client, login, ada, outbox, app, monkeypatch):
    login(ada)
    ask(client)
    link = change_link(outbox)
    monkeypatch.setitem(app.config, "EMAIL_CHANGE_MAX_AGE", -1)

    response = client.post(link)
    assert response.status_code == 400
    assert "That link has expired" in response.text
    assert 'href="/account/email"' in response.text
    assert refreshed(ada).email == "ada@example.org"


@pytest.mark.parametrize(
    "tamper",
    [lambda link: link[:-3] + "xyz", lambda link: "/account/email/confirm/abc"],
    ids=["edited", "made-up"],
)
def test_a_tampered_link_is_refused(client, login, ada, outbox, tamper):
    login(ada)
    ask(client)
    response = client.post(tamper(change_link(outbox)))
    assert response.status_code == 400
    assert refreshed(ada).email == "ada@example.org"


def test_a_link_made_for_another_purpose_is_refused(client, login, ada):
    login(ada)
    # A password-reset token is signed with the same key, but for another job.
    response = client.post(f"/account/email/confirm/{services.reset_token(ada)}")
    assert response.status_code == 400


def test_changing_the_password_ends_a_waiting_link(client, login, ada, outbox):
    login(ada)
    ask(client)
    link = change_link(outbox)
    services.change_password(refreshed(ada), PASSWORD, "a brand new passphrase", actor=ada)
    db.session.commit()
    login(ada)  # changing the password here signed out every browser

    assert client.post(link).status_code == 400
    assert refreshed(ada).email == "ada@example.org"


def test_someone_else_signed_in_cannot_use_the_link(client, login, ada, create_member, outbox):
    login(ada)
    ask(client)
    link = change_link(outbox)
    login(create_member("Stranger", "stranger@example.org"))

    response = client.post(link)
    assert response.status_code == 403
    assert "This link is for another account" in response.text
    assert client.get(link).status_code == 403
    assert refreshed(ada).email == "ada@example.org"


def test_an_address_taken_in_the_meantime_gets_a_clear_message(client, login, ada, create_member, outbox):
    login(ada)
    ask(client)
    link = change_link(outbox)
    create_member("Quick Nia", NEW)

    response = client.post(link)
    assert response.status_code == 409
    assert f"Another account now uses {NEW}, so your address was not changed." in response.text
    assert refreshed(ada).email == "ada@example.org"
    assert outbox("ada@example.org") == []


def test_confirming_needs_a_csrf_token(client, login, ada, outbox, csrf_enabled):
    login(ada)
    token = csrf_token_from(client.get("/account/email").text)
    ask(client, CHANGE | {"csrf_token": token})
    link = change_link(outbox)

    assert client.post(link).status_code == 400
    assert refreshed(ada).email == "ada@example.org"
    token = csrf_token_from(client.get(link).text)
    assert client.post(link, data={"csrf_token": token}).status_code == 302
    assert refreshed(ada).email == NEW


def test_a_deleted_account_link_is_refused(client, login, ada, outbox):
    login(ada)
    ask(client)
    link = change_link(outbox)
    services.delete_account(refreshed(ada), actor=refreshed(ada))
    db.session.commit()
    with pytest.raises(services.InvalidLink):
        services.email_change_to_confirm(link.rsplit("/", 1)[1])


# The services, called directly


def test_the_services_work_without_a_request(app, ada, outbox):
    asked = services.request_email_change(
        ada, new_email=" Nia.New@Example.org ", password=PASSWORD, actor=ada
    )
    assert asked.new_email == NEW
    token = link_in(outbox(NEW)[0].text_body, "/account/email/confirm/").rsplit("/", 1)[1]

    user, new_email = services.email_change_to_confirm(token)
    assert (user.id, new_email) == (ada.id, NEW)
    changed = services.confirm_email_change(token, actor=ada)
    assert (changed.old_email, changed.new_email) == ("ada@example.org", NEW)
    assert db.session.get(User, ada.id).email == NEW


@pytest.mark.parametrize(
    ("address", "masked"),
    [("nia@example.org", "n***@example.org"), ("x@example.org", "x***@example.org")],
)
def test_the_notice_hides_most_of_the_new_address(address, masked):
    assert services.masked_email(address) == masked


def test_the_account_page_has_a_your_data_section(client, login, ada):
    login(ada)
    page = client.get("/account").text
    start = page.index('<h2 id="your-data-heading">Your data</h2>')
    section = page[start : page.index("</section>", start)]
    assert '<a href="/account/email">Change email address</a>' in section
    assert '<a href="/account/export">Download your data</a>' in section
    assert '<a href="/account/delete">Delete account</a>' in section


def test_emails_still_waiting_for_the_old_address_go_to_the_new_one(client, login, ada, outbox):
    sent = queue_email(
        to=ada.email, subject="Sent before", kind=EmailKind.TEST_MESSAGE, user_id=ada.id,
        template="test_message", name="Ada", body="Old news", event_url="",
    )
    sent.sent_at = utcnow()
    queue_email(
        to=ada.email, subject="Still waiting", kind=EmailKind.TEST_MESSAGE, user_id=ada.id,
        template="test_message", name="Ada", body="Tomorrow", event_url="",
    )
    db.session.commit()
    login(ada)
    ask(client)
    client.post(change_link(outbox))

    subjects = {m.subject: m.to_address for m in outbox()}
    assert subjects["Sent before"] == "ada@example.org"
    assert subjects["Still waiting"] == NEW
    assert subjects["Your email address was changed"] == "ada@example.org"
