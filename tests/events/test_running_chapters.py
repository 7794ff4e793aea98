"""Joining and leaving chapters; admins create and edit chapters and appoint organisers."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from flashmob.events.models import Chapter, ChapterMembership, MembershipRole
from flashmob.extensions import db
from tests.conftest import ROLE_NAMES
from tests.events.conftest import signs_in


def refused(response, role) -> bool:
    return signs_in(response) if role == "anonymous" else response.status_code == 403


def chapter_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Chapter))


def membership(user, chapter) -> ChapterMembership | None:
    return db.session.scalar(
        select(ChapterMembership).where(
            ChapterMembership.user_id == user.id, ChapterMembership.chapter_id == chapter.id
        )
    )


# Joining and leaving


@pytest.mark.parametrize("role", ROLE_NAMES)
def test_joining_a_chapter_follows_the_role(client, roles, as_role, role):
    user = as_role(role)
    response = client.post("/chapters/birmingham/join", follow_redirects=True)
    page = response.get_data(as_text=True)
    if role == "anonymous":
        assert response.request.path == "/login"
        assert "Please sign in or create an account to join Birmingham." in page
    elif role in ("member", "organiser"):
        assert response.status_code == 409
        assert "already a member of Birmingham" in page
    else:
        assert response.status_code == 200
        assert "You joined Birmingham. You&#39;ll see its events here" in page
        assert membership(user, roles["chapter"]).role == MembershipRole.MEMBER


def test_joining_when_signed_out_returns_to_the_chapter_after_signing_in(client, roles):
    response = client.post("/chapters/birmingham/join")
    assert response.status_code == 302
    assert response.headers["Location"] == "/login?next=/chapters/birmingham"


def test_join_button_shows_for_people_not_signed_in_and_leads_to_signing_in(client, roles):
    page = client.get("/chapters/birmingham").get_data(as_text=True)
    assert '<a class="button" href="/login?next=/chapters/birmingham">Join Birmingham</a>' in page
    assert 'action="/chapters/birmingham/join"' not in page  # no form, so no token and no session


def test_joining_adds_one_to_the_member_count(client, roles, login, create_user):
    login(create_user())
    page = client.post("/chapters/birmingham/join", follow_redirects=True).get_data(as_text=True)
    assert "3 members" in page
    assert "Leave Birmingham" in page


@pytest.mark.parametrize("role", ROLE_NAMES)
def test_leaving_a_chapter_follows_the_role(client, roles, as_role, role):
    user = as_role(role)
    response = client.post("/chapters/birmingham/leave", follow_redirects=False)
    if role == "member":
        assert response.status_code == 302
        assert membership(user, roles["chapter"]) is None
        page = client.get(response.headers["Location"]).get_data(as_text=True)
        assert "You left Birmingham." in page
    elif role == "organiser":
        # The only organiser hands over first.
        assert response.status_code == 409
        assert "only organiser of Birmingham" in response.get_data(as_text=True)
        assert membership(user, roles["chapter"]) is not None
    else:
        assert refused(response, role)


def test_joining_needs_a_csrf_token(client, roles, login, create_user, csrf_enabled):
    user = login(create_user())
    assert client.post("/chapters/birmingham/join").status_code == 400
    assert membership(user, roles["chapter"]) is None


def test_leaving_needs_a_csrf_token(client, roles, as_role, csrf_enabled):
    user = as_role("member")
    assert client.post("/chapters/birmingham/leave").status_code == 400
    assert membership(user, roles["chapter"]) is not None


def test_join_is_post_only_and_leaving_asks_first(client, roles, as_role):
    as_role("member")
    assert client.get("/chapters/birmingham/join").status_code == 405
    chapter_page = client.get("/chapters/birmingham").text
    assert 'href="/chapters/birmingham/leave">Leave Birmingham</a>' in chapter_page
    confirm = client.get("/chapters/birmingham/leave")
    assert confirm.status_code == 200 and "Leave Birmingham?" in confirm.text
    assert membership(roles["member"], roles["chapter"]) is not None


def test_only_members_are_asked_whether_to_leave(client, roles, as_role):
    as_role("other_organiser")
    assert client.get("/chapters/birmingham/leave").status_code == 403


# Creating and editing chapters


def chapter_form(**overrides) -> dict:
    data = {
        "name": "Manchester",
        "slug": "",
        "city": "Manchester",
        "timezone": "Europe/London",
        "description": "Evenings in the **north**.",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize("role", ROLE_NAMES)
def test_creating_a_chapter_is_for_admins_only(client, as_role, role):
    as_role(role)
    get = client.get("/chapters/new")
    response = client.post("/chapters/new", data=chapter_form())
    if role == "admin":
        assert get.status_code == 200
        assert '<option selected value="Europe/London">' in get.get_data(as_text=True)
        assert response.status_code == 302
        assert response.headers["Location"] == "/chapters/manchester/organisers"
        chapter = db.session.scalar(select(Chapter).where(Chapter.slug == "manchester"))
        assert chapter.city == "Manchester"
        assert chapter.description == "Evenings in the **north**."
    else:
        assert refused(get, role)
        assert refused(response, role)
        assert chapter_count() == 2


def test_a_new_chapter_takes_a_given_address(client, as_role):
    as_role("admin")
    client.post("/chapters/new", data=chapter_form(name="Greater Manchester", slug="gm"))
    assert client.get("/chapters/gm").status_code == 200


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"name": ""}, "name", "Please give the chapter a name."),
        ({"name": "x" * 81}, "name", "80 characters"),
        ({"name": "BIRMINGHAM"}, "name", "There is already a chapter called BIRMINGHAM."),
        ({"slug": "london"}, "slug", "Another chapter already has the address"),
        ({"slug": "???"}, "slug", "letters, digits and hyphens"),
        ({"name": "New"}, "name", "used by the site itself"),
        ({"city": ""}, "city", "Please say which city the chapter meets in."),
        ({"timezone": "Europe/Atlantis"}, "timezone", "Please choose a time zone from the list."),
        ({"timezone": "localtime"}, "timezone", "Please choose a time zone from the list."),
        ({"timezone": "Factory"}, "timezone", "Please choose a time zone from the list."),
        ({"timezone": "US/Eastern"}, "timezone", "Please choose a time zone from the list."),
    ],
)
def test_bad_chapter_input_is_refused_at_the_field_and_nothing_is_saved(
    client, as_role, overrides, field, message
):
    as_role("admin")
    response = client.post("/chapters/new", data=chapter_form(**overrides))
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    error = page[page.index(f'id="{field}-error"') :]
    assert message in error[: error.index("</p>")]
    assert chapter_count() == 2


@pytest.mark.parametrize("role", ROLE_NAMES)
def test_editing_a_chapter_is_for_admins_only(client, roles, as_role, role):
    as_role(role)
    get = client.get("/chapters/birmingham/edit")
    response = client.post(
        "/chapters/birmingham/edit",
        data=chapter_form(name="Birmingham & Black Country", city="Birmingham", timezone="Europe/London"),
    )
    db.session.expire_all()
    chapter = db.session.get(Chapter, roles["chapter"].id)
    if role == "admin":
        assert get.status_code == 200
        assert 'value="Birmingham"' in get.get_data(as_text=True)
        assert response.status_code == 302
        assert response.headers["Location"] == "/chapters/birmingham"
        assert chapter.name == "Birmingham & Black Country"
        assert chapter.description == "Evenings in the **north**."
    else:
        assert refused(get, role)
        assert refused(response, role)
        assert chapter.name == "Birmingham"


def test_bad_chapter_edit_is_refused_at_the_field_and_changes_nothing(client, roles, as_role):
    as_role("admin")
    response = client.post("/chapters/birmingham/edit", data=chapter_form(name="London", city="Birmingham"))
    assert response.status_code == 422
    assert "There is already a chapter called London." in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Chapter, roles["chapter"].id).name == "Birmingham"


def test_creating_a_chapter_needs_a_csrf_token(client, as_role, csrf_enabled):
    as_role("admin")
    assert client.post("/chapters/new", data=chapter_form()).status_code == 400
    assert chapter_count() == 2


# Organisers


@pytest.mark.parametrize("role", ROLE_NAMES)
def test_appointing_an_organiser_is_for_admins_only(client, roles, as_role, role):
    as_role(role)
    get = client.get("/chapters/birmingham/organisers")
    response = client.post("/chapters/birmingham/organisers", data={"email": roles["member"].email})
    found = membership(roles["member"], roles["chapter"])
    if role == "admin":
        assert get.status_code == 200
        assert "Olu Organiser" in get.get_data(as_text=True)
        assert response.status_code == 302
        assert found.role == MembershipRole.ORGANISER
        page = client.get(response.headers["Location"]).get_data(as_text=True)
        assert "Mina Member is now an organiser of Birmingham." in page
    else:
        assert refused(get, role)
        assert refused(response, role)
        assert found.role == MembershipRole.MEMBER


def test_appointing_someone_outside_the_chapter_makes_them_a_member_and_organiser(client, roles, as_role):
    as_role("admin")
    client.post("/chapters/birmingham/organisers", data={"email": roles["other_organiser"].email.upper()})
    assert membership(roles["other_organiser"], roles["chapter"]).role == MembershipRole.ORGANISER
    page = client.get("/chapters/birmingham").get_data(as_text=True)
    assert "Otto Otherorganiser" in page
    assert "3 members" in page


@pytest.mark.parametrize(
    ("email", "message"),
    [
        ("nobody@example.org", "No member has the email address nobody@example.org."),
        ("", "Please give the email address of a member."),
        ("not-an-address", "That does not look like an email address."),
    ],
)
def test_bad_organiser_email_is_refused_at_the_field(client, roles, as_role, email, message):
    as_role("admin")
    response = client.post("/chapters/birmingham/organisers", data={"email": email})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    error = page[page.index('id="email-error"') :]
    assert message in error[: error.index("</p>")]
    count = db.session.scalar(
        select(func.count())
        .select_from(ChapterMembership)
        .where(ChapterMembership.chapter_id == roles["chapter"].id)
    )
    assert count == 2


def test_appointing_an_existing_organiser_says_so(client, roles, as_role):
    as_role("admin")
    response = client.post("/chapters/birmingham/organisers", data={"email": roles["organiser"].email})
    assert response.status_code == 422
    assert "Olu Organiser is already an organiser of Birmingham." in response.get_data(as_text=True)


@pytest.mark.parametrize("role", ROLE_NAMES)
def test_removing_an_organiser_is_for_admins_only(client, roles, as_role, role):
    organiser = roles["organiser"]
    as_role(role)
    response = client.post(f"/chapters/birmingham/organisers/{organiser.id}/remove")
    found = membership(organiser, roles["chapter"])
    if role == "admin":
        assert response.status_code == 302
        assert found.role == MembershipRole.MEMBER
    else:
        assert refused(response, role)
        assert found.role == MembershipRole.ORGANISER


def test_removing_someone_who_is_not_an_organiser_says_so(client, roles, as_role):
    as_role("admin")
    response = client.post(f"/chapters/birmingham/organisers/{roles['member'].id}/remove")
    assert response.status_code == 409
    assert "Mina Member is not an organiser of Birmingham." in response.get_data(as_text=True)


def test_removing_an_organiser_needs_a_csrf_token(client, roles, as_role, csrf_enabled):
    as_role("admin")
    response = client.post(f"/chapters/birmingham/organisers/{roles['organiser'].id}/remove")
    assert response.status_code == 400
    assert membership(roles["organiser"], roles["chapter"]).role == MembershipRole.ORGANISER


def test_the_organisers_page_runs_a_fixed_number_of_queries(
    client, roles, as_role, create_user, add_member, count_queries
):
    as_role("admin")
    with count_queries() as few:
        client.get("/chapters/birmingham/organisers")
    for _ in range(8):
        add_member(roles["chapter"], create_user(), MembershipRole.ORGANISER)
    as_role("admin")  # a fresh request, as the first one was
    with count_queries() as many:
        client.get("/chapters/birmingham/organisers")
    assert many.count == few.count
