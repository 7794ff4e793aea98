"""The profile editor (every field checked at its field) and a member's profile page."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from flashmob.extensions import db
from flashmob.members.models import MemberProfile, MemberTag, MemberTagKind, PmoKind, ProfileVisibility
from flashmob.members.profiles import services
from flashmob.tags import Tag
from tests.conftest import ROLE_NAMES
from tests.members.conftest import csrf_token_from, field_error, refreshed

SIGNED_IN = [r for r in ROLE_NAMES if r != "anonymous"]
LINKEDIN = "Please give your LinkedIn address"

PROFILE = {
    "display_name": "Mina M.",
    "headline": "Portfolio office lead",
    "organisation": "Midlands Rail",
    "pmo_kind": "portfolio",
    "years_in_pmo": "12",
    "bio": "Ask me about **benefits tracking**.\n\n<script>alert(1)</script>",
    "expertise": "Benefits realisation, risk registers",
    "interests": "PPM tools",
    "linkedin_url": "linkedin.com/in/mina-m/",
    "website_url": "https://mina.example.org/about",
    "phone": "+44 7700 900123",
    "visibility": "met",
    "listed_on_attendee_lists": "y",
    "share_email_with_connections": "y",
}


def profile_of(user) -> MemberProfile | None:
    db.session.expire_all()
    return db.session.get(MemberProfile, user.id)


def tag_names(user, kind) -> list[str]:
    return list(
        db.session.scalars(
            select(Tag.name)
            .join(MemberTag, MemberTag.tag_id == Tag.id)
            .where(MemberTag.user_id == user.id, MemberTag.kind == kind)
            .order_by(MemberTag.position)
        )
    )


@pytest.mark.parametrize("role", SIGNED_IN)
def test_everyone_signed_in_can_fill_in_their_own_profile(client, login, roles, role):
    person = login(roles[role])
    assert client.get("/account/profile").status_code == 200
    response = client.post("/account/profile", data=PROFILE)
    assert response.status_code == 302
    assert response.headers["Location"] == f"/members/{person.id}"
    profile = profile_of(person)
    assert refreshed(person).display_name == "Mina M."
    assert (profile.headline, profile.organisation, profile.pmo_kind, profile.years_in_pmo) == (
        "Portfolio office lead", "Midlands Rail", PmoKind.PORTFOLIO, 12,
    )
    # Addresses are stored in one spelling, whatever was typed.
    assert profile.linkedin_url == "https://www.linkedin.com/in/mina-m"
    assert profile.visibility == ProfileVisibility.MET
    assert profile.share_email_with_connections and not profile.share_phone_with_connections
    assert tag_names(person, MemberTagKind.EXPERTISE) == ["Benefits realisation", "risk registers"]
    assert tag_names(person, MemberTagKind.INTEREST) == ["PPM tools"]


def test_a_profile_row_is_made_only_when_first_saved(client, login, create_member):
    person = login(create_member("Ada"))
    assert client.get("/account/profile").status_code == 200
    assert profile_of(person) is None
    client.post("/account/profile", data=PROFILE)
    assert profile_of(person) is not None


def test_anonymous_visitors_cannot_post_a_profile(client, roles):
    response = client.post("/account/profile", data=PROFILE)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")
    assert profile_of(roles["member"]) is None


def test_the_editor_is_filled_in_and_every_field_labelled(client, login, create_member):
    person = login(create_member("Ada", headline="Head of PMO", years_in_pmo=7, visibility="everyone"))
    services.set_member_tags(person, MemberTagKind.EXPERTISE, ["Risk", "Governance"])
    db.session.commit()
    page = client.get("/account/profile").text
    assert 'value="Head of PMO"' in page
    assert 'value="7"' in page
    assert 'value="Risk, Governance"' in page
    checked = re.findall(r'<input [^>]*\bchecked\b[^>]*name="visibility"[^>]*value="(\w+)"', page)
    assert checked == ["everyone"]
    for label in (
        "Display name", "Headline", "Organisation", "Kind of PMO", "Years in PMO work", "About you",
        "What you know about", "What you want to talk about", "LinkedIn address", "Website", "Phone number",
        "Share my email address with my connections", "Your picture",
    ):
        assert f">{label}</label>" in page, label
    assert "<legend>Who can see your profile</legend>" in page
    assert '<datalist id="tag-suggestions" data-suggest-url="/tags/suggest">' in page
    assert '<option value="Governance">' in page


def test_choices_left_unticked_are_saved_as_no(client, login, create_member):
    person = login(create_member("Ada", share_email_with_connections=True, listed_on_attendee_lists=True))
    client.post("/account/profile", data={"display_name": "Ada", "visibility": "members"})
    profile = profile_of(person)
    assert not profile.share_email_with_connections
    assert not profile.listed_on_attendee_lists


@pytest.mark.parametrize(
    ("change", "field_id", "message"),
    [
        ({"display_name": ""}, "display_name", "Tell us what to call you."),
        ({"headline": "x" * 121}, "headline", "Field cannot be longer than 120 characters."),
        ({"organisation": "x" * 121}, "organisation", "Field cannot be longer than 120 characters."),
        ({"bio": "x" * 5001}, "bio", "Field cannot be longer than 5000 characters."),
        ({"years_in_pmo": "61"}, "years_in_pmo", "Please give a number of years from 0 to 60."),
        ({"years_in_pmo": "-1"}, "years_in_pmo", "Please give a number of years from 0 to 60."),
        ({"years_in_pmo": "ten"}, "years_in_pmo", "Not a valid integer value."),
        ({"linkedin_url": "https://example.org/in/mina"}, "linkedin_url", LINKEDIN),
        ({"linkedin_url": "https://www.linkedin.com/feed/"}, "linkedin_url", LINKEDIN),
        ({"linkedin_url": "javascript:alert(1)//linkedin.com/in/x"}, "linkedin_url", "Please give your"),
        ({"website_url": "javascript:alert(1)"}, "website_url", "Please give a web address"),
        ({"website_url": "ftp://files.example.org"}, "website_url", "Please give a web address"),
        ({"website_url": "https://localhost"}, "website_url", "Please give a web address"),
        ({"phone": "call me maybe"}, "phone", "Please give a phone number"),
        ({"pmo_kind": "galactic"}, "pmo_kind", "Not a valid choice"),
        ({"expertise": "x" * 41}, "expertise", "Please keep each tag to 40 characters or fewer"),
        ({"interests": ", ".join(f"tag {n}" for n in range(13))}, "interests", "Please choose at most 12"),
        ({"interests": "!!!"}, "interests", "Please use letters"),
    ],
)
def test_bad_input_is_shown_at_its_field_and_nothing_is_saved(
    client, login, roles, change, field_id, message
):
    login(roles["member"])
    response = client.post("/account/profile", data=PROFILE | change)
    assert response.status_code == 422
    assert field_error(response.text, field_id).startswith(message)
    assert refreshed(roles["member"]).display_name == "Mina Member"
    assert profile_of(roles["member"]) is None


def test_a_made_up_visibility_is_refused(client, login, roles):
    login(roles["member"])
    response = client.post("/account/profile", data=PROFILE | {"visibility": "the-world"})
    assert response.status_code == 422
    assert "Not a valid choice" in response.text
    assert profile_of(roles["member"]) is None


def test_editing_a_profile_needs_a_csrf_token(client, login, roles, csrf_enabled):
    login(roles["member"])
    assert client.post("/account/profile", data=PROFILE).status_code == 400
    assert refreshed(roles["member"]).display_name == "Mina Member"
    token = csrf_token_from(client.get("/account/profile").text)
    assert client.post("/account/profile", data=PROFILE | {"csrf_token": token}).status_code == 302
    assert refreshed(roles["member"]).display_name == "Mina M."


def test_service_rules_hold_without_the_form(create_member):
    ada = create_member("Ada")
    details = services.ProfileDetails(display_name="Ada", linkedin_url="https://evil.example/in/ada")
    with pytest.raises(services.ProfileError) as caught:
        services.update_profile(ada, details, actor=ada)
    assert caught.value.field == "linkedin_url"
    with pytest.raises(services.ProfileError) as caught:
        services.update_profile(ada, services.ProfileDetails(display_name="Ada", years_in_pmo=99), actor=ada)
    assert caught.value.field == "years_in_pmo"


def test_saving_tags_again_replaces_them_and_reuses_existing_tags(create_member):
    ada, bob = create_member("Ada"), create_member("Bob")
    for person, tags in ((ada, "Risk, Governance"), (bob, "risk"), (ada, "Governance")):
        details = services.ProfileDetails(display_name=person.display_name, expertise=tags)
        services.update_profile(person, details, actor=person)
    db.session.commit()
    assert tag_names(ada, MemberTagKind.EXPERTISE) == ["Governance"]
    assert tag_names(bob, MemberTagKind.EXPERTISE) == ["Risk"]  # one tag, as first typed
    assert db.session.scalar(select(db.func.count()).select_from(Tag)) == 2


def test_tag_suggestions_offer_tags_others_use(client, login, create_member):
    ada = create_member("Ada")
    services.set_member_tags(ada, MemberTagKind.EXPERTISE, ["Risk registers", "Resourcing", "Governance"])
    db.session.commit()
    login(create_member("Bob"))
    response = client.get("/tags/suggest?q=r")
    assert response.status_code == 200
    assert response.json == {"tags": ["Resourcing", "Risk registers"]}


def test_tag_suggestions_are_for_signed_in_members(client):
    assert client.get("/tags/suggest?q=r").status_code == 302


# The profile page


def test_the_profile_page_shows_what_the_member_said(
    client, login, logout, create_member, create_chapter, add_member
):
    ada = login(create_member("Ada"))
    assert client.post("/account/profile", data=PROFILE | {"visibility": "everyone"}).status_code == 302
    logout()
    add_member(create_chapter("Leeds", slug="leeds"), ada)
    db.session.commit()
    page = client.get(f"/members/{ada.id}").text
    for shown in ("<h1>Mina M.</h1>", "Portfolio office lead", "Midlands Rail", "Portfolio office",
                  "<dd>12</dd>", 'href="https://www.linkedin.com/in/mina-m"', 'href="https://mina.example.org/about"',
                  "<strong>benefits tracking</strong>", "Leeds"):
        assert shown in page, shown
    assert "<script>alert(1)</script>" not in page
    # Each tag leads to the chapter's directory, filtered by it.
    assert 'href="/chapters/leeds/members?tag=benefits-realisation"' in page
    assert "+44 7700 900123" not in page  # a phone goes to connections only, and only if shared
    assert 'connections/_profile_panel' not in page


def test_headline_and_names_are_escaped(client, create_member):
    member = create_member("<i>Ada</i>", headline="<b>PMO</b> lead", visibility="everyone")
    page = client.get(f"/members/{member.id}").text
    assert "&lt;b&gt;PMO&lt;/b&gt; lead" in page
    assert "&lt;i&gt;Ada&lt;/i&gt;" in page


def test_owners_see_how_their_page_looks_and_a_link_to_edit_it(client, login, create_member):
    member = login(create_member("Ada", "ada.private@example.org", visibility="met"))
    page = client.get(f"/members/{member.id}").text
    assert 'href="/account/profile"' in page
    assert "people you have been to an evening with, and your connections" in page


def test_a_deleted_member_has_no_profile(client, create_member):
    member = create_member("Ada", deleted_at=db.func.now())
    assert client.get(f"/members/{member.id}").status_code == 404


def test_a_hidden_profile_says_whom_it_is_kept_to_and_nothing_more(client, login, create_member):
    members_only = create_member("Ada", headline="Secret headline", organisation="Secret org")
    met_only = create_member("Bea", headline="Other secret", visibility="met")
    page = client.get(f"/members/{members_only.id}").text
    assert "Ada shows their profile to signed-in members only." in page
    assert "Secret headline" not in page and "Secret org" not in page
    assert f'href="/login?next=/members/{members_only.id}"' in page
    login(create_member("Cy"))
    page = client.get(f"/members/{met_only.id}").text
    assert "Bea shows their profile only to people they have been to an evening with" in page
    assert "Other secret" not in page
    assert "/login?next=" not in page
