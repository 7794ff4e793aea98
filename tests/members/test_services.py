"""The account rules, called directly: registration, confirmation, sign-in, passwords, profiles."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher
from sqlalchemy import func, select

from flashmob.extensions import db
from flashmob.members import services, sessions
from flashmob.members.models import UserSession
from flashmob.members.passwords import verify_password
from flashmob.members.profiles.services import ProfileDetails, update_profile
from tests.members.conftest import NEW_PASSWORD, PASSWORD, link_in, refreshed


def _sign_in_count(user) -> int:
    return db.session.scalar(select(func.count(UserSession.id)).where(UserSession.user_id == user.id))


def test_normalise_email_lower_cases_and_refuses_malformed_addresses():
    assert services.normalise_email("  Ada@Example.ORG ") == "ada@example.org"
    with pytest.raises(services.InvalidEmail):
        services.normalise_email("ada-at-example.org")


def test_register_opens_an_unconfirmed_account_and_queues_a_confirmation_link(app, outbox):
    user = services.register(email="Grace@Example.org", display_name=" Grace ", password=NEW_PASSWORD)
    db.session.commit()
    assert user.email == "grace@example.org"
    assert user.display_name == "Grace"
    assert not user.is_confirmed
    assert verify_password(user.password_hash, NEW_PASSWORD)
    [message] = outbox()
    assert message.to_address == "grace@example.org"
    assert message.kind == "account"
    assert message.user_id == user.id
    assert message.subject == "Confirm your email address"
    assert link_in(message.text_body, "/confirm/")
    assert "Confirm my email address" in message.html_body


def test_register_with_a_known_address_opens_nothing_and_tells_the_owner(ada, outbox, user_count):
    before = user_count()
    result = services.register(email="ADA@example.org", display_name="Impostor", password=NEW_PASSWORD)
    assert result is None
    assert user_count() == before
    [message] = outbox()
    assert message.to_address == "ada@example.org"
    assert message.subject == "Someone tried to register with your address"
    assert "http://localhost/login" in message.text_body
    assert "http://localhost/password/forgot" in message.text_body


def test_register_refuses_a_weak_password(app, user_count):
    with pytest.raises(services.WeakPassword):
        services.register(email="weak@example.org", display_name="Weak", password="password1")
    assert user_count() == 0


def test_email_links_use_the_configured_base_url_not_the_request_host(app, monkeypatch, outbox):
    monkeypatch.setitem(app.config, "BASE_URL", "https://flashmob.example.org/community")
    services.register(email="grace@example.org", display_name="Grace", password=NEW_PASSWORD)
    [message] = outbox()
    assert "https://flashmob.example.org/community/confirm/" in message.text_body


def test_confirm_email_confirms_once_and_refuses_the_link_afterwards(app):
    user = services.register(email="grace@example.org", display_name="Grace", password=NEW_PASSWORD)
    token = services.confirmation_token(user)
    assert services.confirm_email(token) is user
    assert user.is_confirmed
    with pytest.raises(services.InvalidLink, match="already confirmed"):
        services.confirm_email(token)


def test_confirmation_link_stops_working_when_it_expires(app, monkeypatch):
    user = services.register(email="grace@example.org", display_name="Grace", password=NEW_PASSWORD)
    token = services.confirmation_token(user)
    monkeypatch.setitem(app.config, "EMAIL_CONFIRM_MAX_AGE", -1)
    with pytest.raises(services.ExpiredLink):
        services.confirm_email(token)
    assert not user.is_confirmed


def test_a_reset_link_cannot_confirm_an_address_and_a_tampered_link_is_refused(ada):
    with pytest.raises(services.InvalidLink):
        services.confirm_email(services.reset_token(ada))
    with pytest.raises(services.InvalidLink):
        services.user_to_reset(services.reset_token(ada) + "x")


def test_resend_confirmation_sends_only_to_accounts_still_waiting(app, ada, outbox):
    waiting = services.register(email="grace@example.org", display_name="Grace", password=NEW_PASSWORD)
    services.resend_confirmation("GRACE@example.org")
    services.resend_confirmation("ada@example.org")
    services.resend_confirmation("nobody@example.org")
    services.resend_confirmation("not an address")
    assert [m.to_address for m in outbox()] == [waiting.email, waiting.email]


def test_authenticate_records_the_sign_in(ada):
    user = services.authenticate("Ada@Example.org", PASSWORD)
    assert user == ada
    assert user.last_login_at is not None


@pytest.mark.parametrize(
    ("email", "password"), [("ada@example.org", "wrong password!"), ("no@example.org", PASSWORD)]
)
def test_authenticate_gives_one_answer_for_a_wrong_address_or_password(ada, email, password):
    with pytest.raises(services.InvalidCredentials, match="Email or password is incorrect"):
        services.authenticate(email, password)


def test_authenticate_refuses_an_unconfirmed_account_only_with_the_right_password(create_user):
    user = create_user("Grace", "grace@example.org")
    with pytest.raises(services.InvalidCredentials):
        services.authenticate("grace@example.org", "wrong password!")
    with pytest.raises(services.EmailNotConfirmed) as caught:
        services.authenticate("grace@example.org", PASSWORD)
    assert caught.value.user == user


def test_authenticate_rehashes_a_password_stored_with_old_settings(ada):
    old_hash = PasswordHasher(time_cost=2, memory_cost=1024, parallelism=1).hash(PASSWORD)
    ada.password_hash = old_hash
    db.session.commit()
    services.authenticate("ada@example.org", PASSWORD)
    assert ada.password_hash != old_hash
    assert verify_password(ada.password_hash, PASSWORD)


def test_reset_password_sets_the_password_signs_out_everywhere_and_uses_up_the_link(ada, outbox):
    for device in ("laptop", "phone"):
        sessions.sign_in(ada, user_agent=device, remember=True)
    link = services.reset_token(ada)
    services.reset_password(link, NEW_PASSWORD)
    db.session.commit()
    ada = refreshed(ada)
    assert verify_password(ada.password_hash, NEW_PASSWORD)
    assert _sign_in_count(ada) == 0
    assert outbox()[-1].subject == "Your password was changed"
    with pytest.raises(services.InvalidLink, match="already been used"):
        services.reset_password(link, "another fine password")


def test_reset_link_expires(ada, app, monkeypatch):
    link = services.reset_token(ada)
    monkeypatch.setitem(app.config, "PASSWORD_RESET_MAX_AGE", -1)
    with pytest.raises(services.ExpiredLink):
        services.user_to_reset(link)


def test_reset_password_confirms_an_unconfirmed_address(create_user):
    user = create_user("Grace", "grace@example.org")
    services.reset_password(services.reset_token(user), NEW_PASSWORD)
    assert user.is_confirmed


def test_request_password_reset_mails_only_known_addresses(ada, outbox):
    services.request_password_reset("nobody@example.org")
    services.request_password_reset("ADA@example.org")
    [message] = outbox()
    assert message.to_address == "ada@example.org"
    assert message.subject == "Reset your password"
    assert link_in(message.text_body, "/password/reset/")


def test_change_password_needs_the_current_one(ada):
    old_hash = ada.password_hash
    with pytest.raises(services.WrongPassword):
        services.change_password(ada, "not my password", NEW_PASSWORD, actor=ada)
    assert ada.password_hash == old_hash


def test_change_password_ends_the_other_sign_ins_renews_this_one_and_sends_a_notice(ada, outbox):
    here = sessions.sign_in(ada, user_agent="laptop", remember=True)
    sessions.sign_in(ada, user_agent="phone", remember=False)
    old_token = here.token
    services.change_password(ada, PASSWORD, NEW_PASSWORD, actor=ada, keep=here)
    db.session.commit()
    assert _sign_in_count(ada) == 1
    assert here.token != old_token
    assert sessions.signed_in_user(old_token) is None
    assert sessions.signed_in_user(here.token) == ada
    assert verify_password(ada.password_hash, NEW_PASSWORD)
    [notice] = outbox()
    assert (notice.to_address, notice.subject) == ("ada@example.org", "Your password was changed")


def test_change_password_refuses_a_weak_new_password(ada):
    with pytest.raises(services.WeakPassword):
        services.change_password(ada, PASSWORD, "adalovelace1", actor=ada)


def test_update_profile_saves_what_others_see(ada):
    details = ProfileDetails(
        display_name=" Ada L. ",
        headline="PMO lead",
        organisation="Analytical Engines Ltd",
        bio="I *like* RAID logs.",
        share_email_with_connections=True,
    )
    update_profile(ada, details, actor=ada)
    db.session.commit()
    ada = refreshed(ada)
    profile = ada.profile
    shares_email = profile.share_email_with_connections
    assert (ada.display_name, profile.headline, profile.organisation, shares_email) == (
        "Ada L.",
        "PMO lead",
        "Analytical Engines Ltd",
        True,
    )


def test_chapter_memberships_lists_chapters_by_name(ada, create_chapter, add_member):
    london, birmingham = create_chapter("London"), create_chapter("Birmingham")
    add_member(london, ada, "organiser")
    add_member(birmingham, ada)
    memberships = services.chapter_memberships(ada)
    assert [(m.chapter.name, m.is_organiser) for m in memberships] == [
        ("Birmingham", False),
        ("London", True),
    ]
