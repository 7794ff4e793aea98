"""Deleting an account: the person's data goes, the evenings they went to stay, shown as a former member."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from flashmob import create_app
from flashmob.events.checkin import services as checkins
from flashmob.events.messaging import emails as event_emails
from flashmob.events.models import (
    ChapterMembership,
    Event,
    EventInterest,
    MembershipRole,
    Rsvp,
    RsvpStatus,
    WalkIn,
)
from flashmob.events.rsvps import services as rsvps
from flashmob.extensions import db, limiter
from flashmob.members import services
from flashmob.members.models import (
    EmailOptOut,
    MemberProfile,
    MemberTag,
    MemberTagKind,
    ProfilePicture,
    User,
    UserSession,
)
from flashmob.members.passwords import verify_password
from flashmob.members.profiles.services import set_member_tags
from flashmob.notifications import set_wanted_kinds
from flashmob.outbox import OutboxMessage, queue_email
from flashmob.types import utcnow
from tests.conftest import ROLE_NAMES
from tests.events.conftest import signs_in
from tests.members.conftest import PASSWORD, csrf_token_from, field_error, refreshed

ADA_EMAIL = "ada@example.org"


def count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def rsvp_of(event: Event, user: User) -> Rsvp:
    db.session.expire_all()
    return db.session.scalar(select(Rsvp).where(Rsvp.event_id == event.id, Rsvp.user_id == user.id))


def emails_to(address: str) -> list[OutboxMessage]:
    return list(
        db.session.scalars(
            select(OutboxMessage).where(OutboxMessage.to_address == address).order_by(OutboxMessage.id)
        )
    )


@pytest.fixture
def ada(create_member, roles, add_member):
    """A member of Birmingham with a full profile, a calendar address and her email settings."""
    ada = create_member(
        "Ada Lovelace",
        ADA_EMAIL,
        headline="Head of PMO",
        organisation="Analytical Engines",
        bio="Ask me about portfolios.",
        share_email_with_connections=True,
        linkedin_url="https://www.linkedin.com/in/ada",
        phone="+44 7700 900123",
        picture_version=1,
        last_login_at=utcnow(),
    )
    ada.reset_calendar_token()
    picture = ProfilePicture(user_id=ada.id, content_type="image/webp", image=b"RIFF", width=1, height=1)
    db.session.add(picture)
    set_member_tags(ada, MemberTagKind.EXPERTISE, ["Portfolios"])
    set_member_tags(ada, MemberTagKind.INTEREST, ["Risk"])
    add_member(roles["chapter"], ada)
    set_wanted_kinds(ada.id, [])  # she stopped every kind of email that can be stopped
    db.session.commit()
    return ada


@pytest.fixture
def full_evening(roles, create_event, create_member):
    """A Birmingham evening a fortnight away with its one seat taken by Ada, and Ben first in line."""

    def _make(ada):
        event = create_event(roles["chapter"], title="Portfolio stories", capacity=1)
        ben = create_member("Ben Fletcher", "ben@example.org")
        rsvps.rsvp_going(event, ada)
        rsvps.rsvp_going(event, ben)
        db.session.commit()
        return event, ben

    return _make


@pytest.fixture
def last_month(roles, create_event):
    """A Birmingham evening that happened: Ada went and was checked in, and so did Grace."""

    def _make(ada, *others):
        event = create_event(
            roles["chapter"], title="Lessons from last month", starts_at=utcnow() - timedelta(days=30)
        )
        for person in (ada, *others):
            db.session.add(
                Rsvp(event=event, user=person, status=RsvpStatus.GOING, checked_in_at=event.starts_at)
            )
        db.session.commit()
        return event

    return _make


def delete(user: User, *, actor: User | None = None) -> None:
    services.delete_account(user, actor=actor or user)
    db.session.commit()


# What goes


def test_deleting_removes_every_personal_field(ada):
    ada_id = ada.id
    delete(ada)
    gone = refreshed(ada)
    assert gone.id == ada_id  # the row stays, for the evenings it went to
    assert gone.email == f"deleted-{ada_id}@invalid"
    assert gone.display_name == "Former member"
    # The profile, its picture and tags go: nothing the member said about themselves stays.
    assert gone.profile is None
    assert db.session.get(MemberProfile, ada_id) is None
    assert db.session.get(ProfilePicture, ada_id) is None
    assert db.session.scalars(select(MemberTag).where(MemberTag.user_id == ada_id)).all() == []
    assert not verify_password(gone.password_hash, PASSWORD)
    assert "argon2" not in gone.password_hash
    assert gone.calendar_token is None
    assert gone.is_admin is False
    assert gone.email_confirmed_at is None
    assert gone.last_login_at is None
    assert gone.deleted_at is not None
    assert gone.is_deleted


def test_deleting_removes_memberships_sign_ins_email_settings_and_interests(
    ada, roles, create_event, sign_in_elsewhere
):
    sign_in_elsewhere(ada)
    sign_in_elsewhere(ada)
    save_the_date = create_event(roles["chapter"], date_tbc=True)
    db.session.add(EventInterest(event=save_the_date, user=ada))
    db.session.commit()
    assert count(EmailOptOut, EmailOptOut.user_id == ada.id) > 0

    delete(ada)

    for model in (ChapterMembership, UserSession, EmailOptOut, EventInterest):
        assert count(model, model.user_id == ada.id) == 0, model.__name__
    assert refreshed(ada).memberships == []


def test_the_personal_calendar_address_stops_working(client, ada):
    feed = f"/calendar/{ada.calendar_token}.ics"
    assert client.get(feed).status_code == 200
    delete(ada)
    assert client.get(feed).status_code == 404


def test_a_deleted_person_is_signed_out_everywhere(client, login, ada, sign_in_elsewhere):
    elsewhere = sign_in_elsewhere(ada)
    login(ada)
    assert client.get("/account").status_code == 200
    delete(ada)
    for browser in (client, elsewhere):
        assert signs_in(browser.get("/account"))


def test_a_deleted_person_cannot_sign_in_again(client, ada):
    delete(ada)
    for email in (ADA_EMAIL, f"deleted-{ada.id}@invalid"):
        response = client.post("/login", data={"email": email, "password": PASSWORD})
        assert response.status_code == 422
        assert "Email or password is incorrect." in response.text


def test_the_old_address_is_free_to_register_again_as_a_new_member(client, ada):
    delete(ada)
    client.post(
        "/register",
        data={
            "email": ADA_EMAIL,
            "display_name": "Ada",
            "password": "tea and lessons learnt",
            "confirm": "tea and lessons learnt",
        },
    )
    assert count(User, User.email == ADA_EMAIL) == 1
    assert db.session.scalar(select(User.id).where(User.email == ADA_EMAIL)) != ada.id


def test_one_goodbye_email_goes_to_the_old_address_whatever_the_email_settings(ada, full_evening):
    full_evening(ada)
    queue_email(to=ADA_EMAIL, subject="Old news", template="test_message", kind="account", user_id=ada.id)
    db.session.commit()
    delete(ada)

    (goodbye,) = db.session.scalars(select(OutboxMessage).where(OutboxMessage.user_id == ada.id))
    assert goodbye.to_address == ADA_EMAIL
    assert goodbye.kind == "account"
    assert goodbye.subject == "Your account is deleted"
    assert goodbye.unsubscribe_url is None
    assert "Hello Ada Lovelace," in goodbye.text_body
    assert "This is the last email we send to this address." in goodbye.text_body
    assert emails_to(ADA_EMAIL) == [goodbye]


def test_an_admin_deleting_an_account_is_named_in_the_goodbye(ada, roles):
    delete(ada, actor=roles["admin"])
    (goodbye,) = emails_to(ADA_EMAIL)
    assert "a site admin deleted it" in goodbye.text_body
    assert refreshed(ada).is_deleted


# Seats to come, and the people in line


def test_a_seat_to_come_passes_to_the_first_in_line_who_is_told(ada, full_evening):
    event, ben = full_evening(ada)
    assert rsvp_of(event, ben).status == RsvpStatus.WAITLISTED
    delete(ada)

    assert rsvp_of(event, ada).status == RsvpStatus.NOT_GOING
    assert rsvp_of(event, ben).status == RsvpStatus.GOING
    assert [mail.kind for mail in emails_to("ben@example.org")][-1] == "rsvp_promoted"
    # The one email she gets is the goodbye, not "You're no longer going".
    assert [mail.kind for mail in emails_to(ADA_EMAIL)] == ["account"]


def test_places_in_line_and_requests_are_given_up_too(ada, roles, create_event, create_member):
    full = create_event(roles["chapter"], capacity=1)
    rsvps.rsvp_going(full, create_member("Ben"))
    rsvps.rsvp_going(full, ada)
    by_approval = create_event(roles["chapter"], requires_approval=True)
    rsvps.rsvp_going(by_approval, ada)
    db.session.commit()
    statuses = [rsvp_of(full, ada).status, rsvp_of(by_approval, ada).status]
    assert statuses == [RsvpStatus.WAITLISTED, RsvpStatus.PENDING]

    delete(ada)
    statuses = [rsvp_of(full, ada).status, rsvp_of(by_approval, ada).status]
    assert statuses == [RsvpStatus.NOT_GOING, RsvpStatus.NOT_GOING]


# What stays


def test_past_rsvps_and_check_ins_stay_so_attendance_is_unchanged(ada, roles, last_month, create_member):
    grace = create_member("Grace Hopper", "grace@example.org")
    event = last_month(ada, grace)
    before = checkins.attendance(event)
    delete(ada)
    assert checkins.attendance(event) == before
    assert before.checked_in == 2
    past = rsvp_of(event, ada)
    assert past.status == RsvpStatus.GOING and past.checked_in_at is not None


def test_walk_ins_stay_counted_without_the_name_and_email_typed(ada, roles, create_event):
    event = create_event(roles["chapter"], starts_at=utcnow() - timedelta(hours=1))
    checkins.add_walk_in(event, "Ada L.", ADA_EMAIL, actor=roles["organiser"])
    # Typed with her address before she had an account, so not linked: still hers.
    db.session.add(WalkIn(event=create_event(roles["chapter"]), name="Ada", email=ADA_EMAIL))
    db.session.commit()
    before = checkins.attendance(event)

    delete(ada)
    walk_ins = db.session.scalars(select(WalkIn).order_by(WalkIn.id)).all()
    assert [(w.name, w.email) for w in walk_ins] == [("Former member", ""), ("Former member", "")]
    assert walk_ins[0].user_id == ada.id
    assert checkins.attendance(event) == before


def test_a_past_evening_shows_a_former_member_as_who_went_without_a_profile_link(
    client, login, logout, ada, roles, last_month, create_member
):
    grace = create_member("Grace Hopper", "grace@example.org")
    event = last_month(ada, grace)
    ada_id = ada.id
    delete(ada)
    login(grace)
    page = client.get(f"/events/{event.id}").text
    assert "Who went" in page
    assert "Former member" in page
    assert "Ada Lovelace" not in page and "Head of PMO" not in page
    assert f'href="/members/{ada_id}"' not in page
    assert f'href="/members/{grace.id}">Grace Hopper</a>' in page
    logout()
    assert "2 people went." in client.get(f"/events/{event.id}").text


def test_a_former_members_profile_is_not_found(client, ada):
    assert client.get(f"/members/{ada.id}").status_code == 200
    delete(ada)
    assert client.get(f"/members/{ada.id}").status_code == 404


def test_organisers_see_a_former_member_without_an_address_to_contact(client, login, ada, roles, last_month):
    event = last_month(ada)
    delete(ada)
    login(roles["organiser"])
    attendees = client.get(f"/events/{event.id}/attendees").text
    assert "Former member" in attendees and f'href="/members/{ada.id}"' not in attendees
    rows = list(
        csv.DictReader(io.StringIO(client.get(f"/events/{event.id}/attendees.csv").text.lstrip("\ufeff")))
    )
    assert [(row["Name"], row["Email"]) for row in rows] == [("Former member", "")]


def test_organiser_messages_do_not_go_to_former_members(ada, roles, last_month, create_member):
    grace = create_member("Grace Hopper", "grace@example.org")
    event = last_month(ada, grace)
    delete(ada)
    assert event_emails.message_audience(event).going == 1
    sent = event_emails.send_organiser_message(
        event, subject="Thanks", body="Slides attached.", actor=roles["organiser"]
    )
    assert sent == 1
    assert emails_to(f"deleted-{ada.id}@invalid") == []


def test_an_unsubscribe_link_of_a_deleted_account_is_not_found(client, ada):
    from flashmob.notifications import unsubscribe_token

    token = unsubscribe_token(ada.id, "rsvp")
    delete(ada)
    response = client.post(f"/unsubscribe/{token}")
    assert response.status_code == 404
    assert count(EmailOptOut, EmailOptOut.user_id == ada.id) == 0


# What stops it


def test_the_only_organiser_of_a_chapter_is_asked_to_hand_over_first(roles):
    organiser = roles["organiser"]
    with pytest.raises(services.SoleOrganiser) as refusal:
        services.delete_account(organiser, actor=organiser)
    assert str(refusal.value) == (
        "You are the only organiser of Birmingham. Ask a site admin to appoint another organiser "
        "(or to archive the chapter), then delete the account."
    )
    assert not refreshed(organiser).is_deleted


def test_an_admin_is_told_whose_chapters_need_another_organiser(roles, create_chapter, add_member):
    organiser = roles["organiser"]
    add_member(create_chapter("Coventry"), organiser, MembershipRole.ORGANISER)
    with pytest.raises(
        services.SoleOrganiser, match="Olu Organiser is the only organiser of Birmingham and Coventry"
    ):
        services.delete_account(organiser, actor=roles["admin"])


def test_an_organiser_with_a_co_organiser_or_an_archived_chapter_can_go(roles, add_member, create_member):
    add_member(roles["chapter"], create_member("Cora Organiser"), MembershipRole.ORGANISER)
    other = roles["other_organiser"]
    roles["other_chapter"].archived_at = utcnow()
    db.session.commit()
    delete(roles["organiser"])
    delete(other)
    assert refreshed(roles["organiser"]).is_deleted and refreshed(other).is_deleted


def test_an_account_is_deleted_once(ada):
    delete(ada)
    with pytest.raises(services.AccountError, match="already deleted"):
        services.delete_account(refreshed(ada), actor=refreshed(ada))


# The pages


def test_the_account_page_ends_with_a_delete_section(client, login, ada):
    login(ada)
    page = client.get("/account").text
    # Last, after every everyday section, the sign-ins included.
    last = page.index('<h2 id="delete-heading">Delete my account</h2>')
    assert last > page.index('<h2 id="sessions-heading">')
    assert "</h2>" not in page[last + 50 :]
    assert 'href="/account/delete"' in page[last:]


def test_the_delete_page_says_what_goes_and_what_stays(client, login, ada):
    login(ada)
    page = client.get("/account/delete").text
    assert "<h2>What is removed</h2>" in page and "<h2>What is kept</h2>" in page
    assert "The evenings you went to" in page
    assert '<label for="password">Your password</label>' in page
    assert '<label for="understood">I understand that my account is deleted for good</label>' in page


def test_deleting_from_the_page_signs_out_and_lands_on_the_home_page(client, login, ada):
    login(ada)
    response = client.post("/account/delete", data={"password": PASSWORD, "understood": "y"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    page = client.get("/").text
    assert "Your account is deleted, and you are signed out everywhere." in page
    assert signs_in(client.get("/account"))
    assert refreshed(ada).is_deleted


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"password": "not my password", "understood": "y"}, "password", "That is not your password."),
        ({"password": "", "understood": "y"}, "password", "Enter your password."),
        (
            {"password": PASSWORD},
            "understood",
            "Tick this box to confirm that you want your account deleted.",
        ),
    ],
)
def test_a_wrong_password_or_no_tick_is_refused_at_the_field(client, login, ada, data, field, message):
    login(ada)
    response = client.post("/account/delete", data=data)
    assert response.status_code == 422
    assert field_error(response.text, field) == message
    assert not refreshed(ada).is_deleted
    assert client.get("/account").status_code == 200


def test_the_only_organiser_hears_why_before_typing_the_password(client, login, roles):
    login(roles["organiser"])
    for response in (
        client.get("/account/delete"),
        client.post("/account/delete", data={"password": PASSWORD, "understood": "y"}),
    ):
        assert response.status_code == 409
        assert "You are the only organiser of Birmingham." in response.text
    assert not refreshed(roles["organiser"]).is_deleted


def test_deleting_needs_a_csrf_token(client, login, ada, csrf_enabled):
    login(ada)
    response = client.post("/account/delete", data={"password": PASSWORD, "understood": "y"})
    assert 400 <= response.status_code < 500
    assert not refreshed(ada).is_deleted
    token = csrf_token_from(client.get("/account/delete").text)
    response = client.post(
        "/account/delete", data={"password": PASSWORD, "understood": "y", "csrf_token": token}
    )
    assert response.status_code == 302
    assert refreshed(ada).is_deleted


@pytest.mark.parametrize("role", ROLE_NAMES)
def test_everyone_signed_in_may_delete_only_their_own_account(
    client, login, roles, add_member, create_member, role
):
    # A second organiser, so that Birmingham's organiser is not its only one.
    add_member(roles["chapter"], create_member("Cora Organiser"), MembershipRole.ORGANISER)
    roles["other_chapter"].archived_at = utcnow()
    db.session.commit()
    user = roles[role]
    if user is not None:
        login(user)
    page = client.get("/account/delete")
    response = client.post("/account/delete", data={"password": PASSWORD, "understood": "y"})
    if role == "anonymous":
        assert signs_in(page) and signs_in(response)
        assert count(User, User.deleted_at.is_not(None)) == 0
    else:
        assert page.status_code == 200
        assert response.status_code == 302
        deleted = db.session.scalars(select(User.id).where(User.deleted_at.is_not(None))).all()
        assert deleted == [user.id]


def test_the_password_check_is_rate_limited_like_signing_in(app, database_url, ada):
    from flashmob.members import sessions

    limited = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": database_url,
            "RATELIMIT_ENABLED": True,
            "AUTH_RATE_LIMIT": "3 per minute",
        }
    )
    try:
        browser = limited.test_client()
        token = sessions.sign_in(ada, user_agent="pytest", remember=False).token
        db.session.commit()
        with browser.session_transaction() as session:
            session["_user_id"] = token
        for _ in range(3):
            assert (
                browser.post("/account/delete", data={"password": "a guess", "understood": "y"}).status_code
                == 422
            )
        response = browser.post("/account/delete", data={"password": PASSWORD, "understood": "y"})
        assert response.status_code == 429
        assert not refreshed(ada).is_deleted
    finally:
        limiter.init_app(app)
    assert not limiter.enabled
