"""The newcomer prompt: a member with no headline is asked once to say who they are, and can say not now."""

from __future__ import annotations

from flashmob.extensions import db
from flashmob.members.models import MemberProfile
from tests.members.conftest import csrf_token_from

PROMPT = "Tell people who you are"


def test_a_newcomer_is_asked_on_the_home_and_account_pages_with_the_reason(client, login, create_member):
    login(create_member("Ada"))
    for path in ("/", "/account"):
        page = client.get(path).text
        assert PROMPT in page
        assert "people will know who to look for on the night" in page
        assert 'href="/account/profile"' in page


def test_not_now_hides_it_for_good_and_returns_to_the_page(client, login, create_member):
    ada = login(create_member("Ada"))
    response = client.post("/account/profile/prompt/dismiss", data={"next": "/"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert PROMPT not in client.get("/").text
    assert PROMPT not in client.get("/account").text
    db.session.expire_all()
    assert db.session.get(MemberProfile, ada.id).prompted_at is not None


def test_not_now_never_sends_people_off_the_site(client, login, create_member):
    login(create_member("Ada"))
    response = client.post("/account/profile/prompt/dismiss", data={"next": "https://evil.example/"})
    assert response.headers["Location"] == "/account"


def test_saving_a_profile_ends_the_prompt(client, login, create_member):
    login(create_member("Ada"))
    client.post("/account/profile", data={"display_name": "Ada", "visibility": "members"})
    assert PROMPT not in client.get("/").text


def test_members_with_a_headline_and_strangers_are_not_asked(client, login, create_member):
    assert PROMPT not in client.get("/").text
    login(create_member("Ada", headline="PMO lead"))
    assert PROMPT not in client.get("/").text


def test_dismissing_needs_a_sign_in_and_a_csrf_token(client, login, create_member, csrf_enabled):
    assert client.post("/account/profile/prompt/dismiss").status_code == 400
    login(create_member("Ada"))
    assert client.post("/account/profile/prompt/dismiss").status_code == 400
    token = csrf_token_from(client.get("/").text)
    response = client.post("/account/profile/prompt/dismiss", data={"csrf_token": token})
    assert response.status_code == 302
    assert PROMPT not in client.get("/").text
