"""Who sees what of a profile: every kind of viewer against every choice a member can make, for the
profile page, the picture and the email address (members.privacy, applied per page)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from flashmob.events.models import MembershipRole, Rsvp, RsvpStatus
from flashmob.extensions import db
from flashmob.members.models import Connection, ConnectionStatus, MemberBlock, ProfilePicture
from tests.members.conftest import refreshed

VIEWERS = ["anonymous", "member", "met", "connection", "blocked", "self", "organiser", "admin"]
# Who may see a profile, per choice ("default": the member never saved one). A block hides it from both.
SEES_PROFILE = {
    "everyone": {"anonymous", "member", "met", "connection", "self", "organiser", "admin"},
    "members": {"member", "met", "connection", "self", "organiser", "admin"},
    "default": {"member", "met", "connection", "self", "organiser", "admin"},
    "met": {"met", "connection", "self"},
}
OWNER_EMAIL = "owner.private@example.org"
HEADLINE = "Head of the portfolio office"


@pytest.fixture
def cast(create_user, create_chapter, create_event, add_member):
    """An owner, and one viewer of each kind: `setup(visibility, shares_email)` makes the owner's profile."""

    def setup(visibility: str, shares_email: bool = True):
        chapter = create_chapter("Leeds", slug="leeds")
        fields = {}
        if visibility != "default":
            fields = dict(
                headline=HEADLINE, visibility=visibility, share_email_with_connections=shares_email,
                phone="+44 7700 900123", share_phone_with_connections=shares_email, picture_version=1,
            )
        owner = create_user("Owen Owner", OWNER_EMAIL, **fields)
        add_member(chapter, owner)
        people = {
            "anonymous": None,
            "self": owner,
            **{name: create_user(f"{name.title()} Viewer") for name in ("member", "met", "connection")},
            "blocked": create_user("Blocked Viewer"),
            "organiser": create_user("Olu Organiser"),
            "admin": create_user("Ada Admin", is_admin=True),
        }
        add_member(chapter, people["organiser"], MembershipRole.ORGANISER)
        past = create_event(chapter, starts_at=datetime.now(UTC) - timedelta(days=10))
        for person in (owner, people["met"]):
            db.session.add(Rsvp(event=past, user_id=person.id, status=RsvpStatus.GOING))
        db.session.add(
            Connection(
                pair_key=Connection.key_for(owner.id, people["connection"].id),
                requester_id=people["connection"].id,
                addressee_id=owner.id,
                status=ConnectionStatus.ACCEPTED,
            )
        )
        db.session.add(MemberBlock(blocker_id=owner.id, blocked_id=people["blocked"].id))
        db.session.add(ProfilePicture(user_id=owner.id, content_type="image/webp", image=b"RIFFpic", width=1,
                                      height=1))
        db.session.commit()
        return owner, people

    return setup


def _as(login, logout, person):
    logout()
    if person is not None:
        login(refreshed(person))


CASES = [(visibility, viewer) for visibility in SEES_PROFILE for viewer in VIEWERS]


@pytest.mark.parametrize(("visibility", "viewer"), CASES)
def test_the_profile_page_shows_the_profile_only_to_whom_its_owner_chose(
    client, login, logout, cast, visibility, viewer
):
    owner, people = cast(visibility)
    _as(login, logout, people[viewer])
    response = client.get(f"/members/{owner.id}")
    if viewer == "blocked":
        assert response.status_code == 404  # as if there were no such member
        return
    assert response.status_code == 200
    page = response.text
    assert "Owen Owner" in page  # the name is all a stranger learns
    sees = viewer in SEES_PROFILE[visibility]
    if visibility != "default":
        assert (HEADLINE in page) == sees
        assert ("/picture/1.webp" in page) == sees
    assert ("This profile is private" in page) == (not sees)
    assert ("Leeds" in page) == sees  # chapters are part of the profile
    if viewer == "anonymous" and not sees:
        assert "/login?next=" in page


@pytest.mark.parametrize(("visibility", "viewer"), [c for c in CASES if c[0] != "default"])
def test_the_picture_is_served_only_to_whom_may_see_the_profile(
    client, login, logout, cast, visibility, viewer
):
    owner, people = cast(visibility)
    _as(login, logout, people[viewer])
    response = client.get(f"/members/{owner.id}/picture/1.webp")
    if viewer in SEES_PROFILE[visibility]:
        assert response.status_code == 200
        assert response.data == b"RIFFpic"
        assert response.headers["Content-Type"] == "image/webp"
        assert "max-age=31536000" in response.headers["Cache-Control"]
        # Only a picture everyone may see may sit in a shared cache.
        scope = "public" if visibility == "everyone" else "private"
        assert response.headers["Cache-Control"].startswith(scope)
    else:
        assert response.status_code == 404


def test_an_old_picture_address_is_a_404(client, cast):
    owner, _ = cast("everyone")
    assert client.get(f"/members/{owner.id}/picture/2.webp").status_code == 404
    assert client.get(f"/members/{owner.id}/picture/0.webp").status_code == 404


@pytest.mark.parametrize("shares", [True, False])
@pytest.mark.parametrize("visibility", ["everyone", "members", "met"])
@pytest.mark.parametrize("viewer", VIEWERS)
def test_email_and_phone_go_only_to_connections_and_only_when_shared(
    client, login, logout, cast, viewer, visibility, shares
):
    owner, people = cast(visibility, shares_email=shares)
    _as(login, logout, people[viewer])
    page = client.get(f"/members/{owner.id}").text
    expected = viewer == "self" or (viewer == "connection" and shares)
    assert (OWNER_EMAIL in page) == expected
    assert ("+44 7700 900123" in page) == expected


def test_a_member_who_blocked_someone_still_sees_their_own_profile(client, login, cast):
    owner, _ = cast("met")
    login(refreshed(owner))
    assert HEADLINE in client.get(f"/members/{owner.id}").text


def test_the_blocked_side_cannot_see_the_blocker_either(client, login, cast):
    """A block works both ways: the blocker does not see the profile of the person they blocked, only
    their name and the way to unblock them."""
    owner, people = cast("everyone")
    blocked = people["blocked"]
    login(refreshed(owner))
    response = client.get(f"/members/{blocked.id}")
    assert response.status_code == 200
    assert f"You blocked {blocked.display_name}" in response.text
    assert f"Unblock {blocked.display_name}" in response.text
