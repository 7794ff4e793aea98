"""The account page and what is the same for every account form (profiles: test_profiles.py)."""

from __future__ import annotations

import pytest

from flashmob.events.models import MembershipRole
from flashmob.members.permissions import can_edit_profile, can_view_account
from tests.conftest import ROLE_NAMES

SIGNED_IN = [r for r in ROLE_NAMES if r != "anonymous"]

@pytest.mark.parametrize("path", ["/account", "/account/profile", "/account/password"])
def test_account_pages_send_anonymous_visitors_to_sign_in(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


@pytest.mark.parametrize("role", SIGNED_IN)
def test_account_page_shows_your_own_details_and_chapters(client, login, roles, role):
    person = login(roles[role])
    response = client.get("/account")
    assert response.status_code == 200
    page = response.text
    assert "<title>Your account · PMO Flashmob</title>" in page
    assert person.display_name in page
    assert person.email in page
    assert 'href="/account/profile"' in page
    assert 'href="/account/password"' in page
    for membership in person.memberships:
        assert membership.chapter.name in page
    assert ("Organiser</span>" in page) == (role in ("organiser", "other_organiser"))


def test_account_page_nudges_people_without_a_chapter(client, login, roles):
    login(roles["admin"])
    page = client.get("/account").text
    assert "You have not joined a chapter yet." in page
    assert 'href="/chapters"' in page


def test_account_page_lists_chapters_in_a_fixed_number_of_queries(
    client, login, create_member, create_chapter, add_member, count_queries
):
    person = login(create_member("Busy Bee"))
    add_member(create_chapter("Leeds"), person)
    with count_queries() as one:
        assert client.get("/account").status_code == 200
    for name in ("London", "Bristol", "Manchester"):
        add_member(create_chapter(name), person, MembershipRole.ORGANISER)
    with count_queries() as four:
        page = client.get("/account").text
    assert four.count == one.count
    assert page.index("Bristol") < page.index("Leeds") < page.index("London") < page.index("Manchester")


def test_an_unknown_member_is_a_404(client):
    response = client.get("/members/999999")
    assert response.status_code == 404
    assert "Page not found" in response.text


def test_profile_loads_in_a_fixed_number_of_queries(
    client, create_member, create_chapter, add_member, count_queries
):
    member = create_member("Ada")
    add_member(create_chapter("Leeds"), member)
    with count_queries() as one:
        client.get(f"/members/{member.id}")
    for name in ("London", "Bristol", "Manchester"):
        add_member(create_chapter(name), member)
    with count_queries() as four:
        client.get(f"/members/{member.id}")
    assert four.count == one.count <= 3


def test_permission_predicates(roles):
    member, admin = roles["member"], roles["admin"]
    assert not can_view_account(None)
    assert can_view_account(member)
    assert can_edit_profile(member, member)
    assert not can_edit_profile(admin, member)
    assert not can_edit_profile(None, member)


@pytest.mark.parametrize("path", ["/register", "/login", "/password/forgot", "/confirm", "/account/profile"])
def test_form_fields_carry_no_stray_none_attributes(client, login, roles, path):
    if path.startswith("/account"):
        login(roles["member"])
    page = client.get(path).text
    assert '="None"' not in page
    assert "aria-invalid" not in page
