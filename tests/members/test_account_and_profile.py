"""The account page, editing a profile, and the public profile with its email rule."""

from __future__ import annotations

import pytest

from flashmob.events.models import MembershipRole
from flashmob.members.permissions import can_edit_profile, can_see_email, can_view_account
from tests.conftest import ROLE_NAMES
from tests.members.conftest import csrf_token_from, field_error, refreshed

SIGNED_IN = [r for r in ROLE_NAMES if r != "anonymous"]

PROFILE = {
    "display_name": "Mina M.",
    "headline": "Portfolio office lead",
    "organisation": "Midlands Rail",
    "bio": "Ask me about **benefits tracking**.\n\n<script>alert(1)</script>",
    "show_email": "y",
}


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


@pytest.mark.parametrize("role", SIGNED_IN)
def test_everyone_signed_in_can_edit_their_own_profile(client, login, roles, role):
    person = login(roles[role])
    assert client.get("/account/profile").status_code == 200
    response = client.post("/account/profile", data=PROFILE)
    assert response.status_code == 302
    assert response.headers["Location"] == f"/members/{person.id}"
    person = refreshed(person)
    assert (person.display_name, person.headline, person.organisation, person.show_email) == (
        "Mina M.",
        "Portfolio office lead",
        "Midlands Rail",
        True,
    )


def test_anonymous_visitors_cannot_post_a_profile(client, roles):
    response = client.post("/account/profile", data=PROFILE)
    assert response.status_code == 302
    assert refreshed(roles["member"]).display_name == "Mina Member"


def test_edit_profile_form_is_filled_in_and_labelled(client, login, create_member):
    login(create_member("Ada", headline="Head of PMO", bio="Hello"))
    page = client.get("/account/profile").text
    assert 'value="Head of PMO"' in page
    for label in (
        "Display name",
        "Headline",
        "Organisation",
        "About you",
        "Show my email address to other signed-in members",
    ):
        assert f">{label}</label>" in page
    assert "checked" not in page


def test_unticking_show_email_hides_it_again(client, login, create_member):
    person = login(create_member("Ada", show_email=True))
    client.post("/account/profile", data={"display_name": "Ada"})
    assert refreshed(person).show_email is False


@pytest.mark.parametrize(
    ("change", "field_id", "message"),
    [
        ({"display_name": ""}, "display_name", "Tell us what to call you."),
        ({"headline": "x" * 121}, "headline", "Field cannot be longer than 120 characters."),
        ({"organisation": "x" * 121}, "organisation", "Field cannot be longer than 120 characters."),
        ({"bio": "x" * 5001}, "bio", "Field cannot be longer than 5000 characters."),
    ],
)
def test_editing_a_profile_with_bad_input_shows_the_problem_and_saves_nothing(
    client, login, roles, change, field_id, message
):
    login(roles["member"])
    response = client.post("/account/profile", data=PROFILE | change)
    assert response.status_code == 422
    assert field_error(response.text, field_id) == message
    member = refreshed(roles["member"])
    assert (member.display_name, member.headline, member.show_email) == ("Mina Member", "", False)


def test_editing_a_profile_needs_a_csrf_token(client, login, roles, csrf_enabled):
    login(roles["member"])
    assert client.post("/account/profile", data=PROFILE).status_code == 400
    assert refreshed(roles["member"]).display_name == "Mina Member"
    token = csrf_token_from(client.get("/account/profile").text)
    assert client.post("/account/profile", data=PROFILE | {"csrf_token": token}).status_code == 302
    assert refreshed(roles["member"]).display_name == "Mina M."


# The public profile


@pytest.mark.parametrize("role", ROLE_NAMES)
def test_profiles_are_public_with_chapters_and_organiser_badges(client, login, roles, role):
    if roles[role]:
        login(roles[role])
    organiser = roles["organiser"]
    response = client.get(f"/members/{organiser.id}")
    assert response.status_code == 200
    page = response.text
    assert "<title>Olu Organiser · PMO Flashmob</title>" in page
    assert "<h1>Olu Organiser</h1>" in page
    assert "Birmingham" in page
    assert "Organiser</span>" in page


def test_profile_renders_the_bio_as_safe_markdown(client, create_member):
    member = create_member(
        "Ada", bio="Ask me about **RAID logs**.\n\n<script>alert(1)</script>", headline="<b>PMO</b> lead"
    )
    page = client.get(f"/members/{member.id}").text
    assert "<strong>RAID logs</strong>" in page
    assert "<script>alert(1)</script>" not in page
    assert "&lt;b&gt;PMO&lt;/b&gt; lead" in page


@pytest.mark.parametrize(
    ("show_email", "role", "visible"),
    [(True, role, role != "anonymous") for role in ROLE_NAMES]
    + [(False, role, False) for role in ROLE_NAMES],
)
def test_email_is_shown_only_when_chosen_and_only_to_signed_in_viewers(
    client, login, roles, create_member, show_email, role, visible
):
    member = create_member("Ada", "ada.private@example.org", show_email=show_email)
    if roles[role]:
        login(roles[role])
    page = client.get(f"/members/{member.id}").text
    assert ("ada.private@example.org" in page) == visible


def test_owner_with_a_hidden_email_does_not_see_it_on_their_public_profile(client, login, create_member):
    member = login(create_member("Ada", "ada.private@example.org"))
    page = client.get(f"/members/{member.id}").text
    assert "ada.private@example.org" not in page
    assert 'href="/account/profile"' in page


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


def test_permission_predicates(roles, create_member):
    member, admin = roles["member"], roles["admin"]
    shy, open_ = create_member("Shy"), create_member("Open", show_email=True)
    assert not can_view_account(None)
    assert can_view_account(member)
    assert can_edit_profile(member, member)
    assert not can_edit_profile(admin, member)
    assert not can_edit_profile(None, member)
    assert can_see_email(member, open_)
    assert not can_see_email(None, open_)
    assert not can_see_email(admin, shy)


@pytest.mark.parametrize("path", ["/register", "/login", "/password/forgot", "/confirm", "/account/profile"])
def test_form_fields_carry_no_stray_none_attributes(client, login, roles, path):
    if path.startswith("/account"):
        login(roles["member"])
    page = client.get(path).text
    assert '="None"' not in page
    assert "aria-invalid" not in page
