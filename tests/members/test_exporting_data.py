"""Downloading your data: one JSON file with everything kept about you, none of anyone's secrets, and a
cost that does not grow with how much there is."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from flashmob.discussions.models import Lesson, LessonVoice, VoiceStatus, Writeup, WriteupEditor
from flashmob.email_kinds import EmailKind, EmailSetting
from flashmob.events.models import Chapter, EventInterest, MembershipRole, Rsvp, RsvpStatus, WalkIn
from flashmob.extensions import db
from flashmob.members import account_data, sessions
from flashmob.members.models import (
    Connection,
    ConnectionNote,
    ConnectionStatus,
    MemberBlock,
    MemberProfile,
    MemberTag,
    MemberTagKind,
    ProfileVisibility,
    UserSession,
)
from flashmob.notifications import stop_kind
from flashmob.outbox import queue_email
from flashmob.tags import tags_named
from tests.conftest import ROLE_NAMES
from tests.members.conftest import csrf_token_from

PAST = datetime(2026, 3, 12, 18, 0, tzinfo=UTC)


def connect(first, second, status=ConnectionStatus.ACCEPTED, **fields):
    connection = Connection(
        pair_key=Connection.key_for(first.id, second.id),
        requester_id=first.id,
        addressee_id=second.id,
        status=status,
        **fields,
    )
    db.session.add(connection)
    db.session.commit()
    return connection


@pytest.fixture
def full_life(ada, create_member, create_chapter, create_event, add_member):
    """Ada, with something in every part of the export, and the people and secrets around her."""
    brum = create_chapter("Birmingham")
    add_member(brum, ada, MembershipRole.ORGANISER)
    past = create_event(brum, title="Risk registers that work", starts_at=PAST)
    walked = create_event(brum, title="Benefits at the bar", starts_at=PAST + timedelta(days=30))
    upcoming = create_event(brum, title="Portfolio pub quiz")
    save_the_date = create_event(brum, title="Summer social", date_tbc=True)
    db.session.add_all([
        Rsvp(event_id=past.id, user_id=ada.id, status=RsvpStatus.GOING, checked_in_at=PAST),
        Rsvp(event_id=upcoming.id, user_id=ada.id, status=RsvpStatus.WAITLISTED, waitlisted_at=PAST),
        WalkIn(event_id=walked.id, user_id=ada.id, name="Ada L", email="ada@example.org", checked_in_at=PAST),
        EventInterest(event_id=save_the_date.id, user_id=ada.id),
    ])
    db.session.add(MemberProfile(
        user_id=ada.id, headline="Head of PMO", organisation="Analytical Engines Ltd", bio="Numbers",
        visibility=ProfileVisibility.MET, phone="+44 121 496 0000", card_token="card-secret-token",
    ))
    risk, benefits = tags_named(["Risk registers", "Benefits realisation"])
    db.session.add_all([
        MemberTag(user_id=ada.id, tag_id=risk.id, kind=MemberTagKind.EXPERTISE),
        MemberTag(user_id=ada.id, tag_id=benefits.id, kind=MemberTagKind.INTEREST),
    ])
    db.session.commit()

    bob = create_member("Bob Babbage", "bob.secret@example.org")
    cy = create_member("Cy Declines", "cy.secret@example.org")
    dee = create_member("Dee Asks", "dee.secret@example.org")
    eve = create_member("Eve Blocked", "eve.secret@example.org")
    connect(ada, bob, message="We talked about RAID logs", event_id=past.id)
    connect(ada, cy, status=ConnectionStatus.DECLINED, message="Declined, and Ada is never told")
    connect(dee, ada, status=ConnectionStatus.PENDING, message="Met you at the quiz")
    db.session.add_all([
        ConnectionNote(owner_id=ada.id, about_id=bob.id, body="Knows everything about gateways"),
        ConnectionNote(owner_id=bob.id, about_id=ada.id, body="Bob's own note about Ada"),
        MemberBlock(blocker_id=ada.id, blocked_id=eve.id),
        MemberBlock(blocker_id=eve.id, blocked_id=ada.id),
    ])
    writeup = Writeup(event_id=past.id, created_by_id=bob.id)
    db.session.add(writeup)
    db.session.flush()
    lesson = Lesson(writeup_id=writeup.id, statement="Keep the risk register short")
    db.session.add(lesson)
    db.session.flush()
    db.session.add_all([
        LessonVoice(lesson_id=lesson.id, user_id=ada.id, status=VoiceStatus.AGREED, asked_by_id=bob.id),
        WriteupEditor(writeup_id=writeup.id, user_id=ada.id, invited_by_id=bob.id),
    ])
    stop_kind(ada.id, EmailSetting.REMINDERS)
    sessions.sign_in(ada, user_agent="Mozilla/5.0 (Windows NT 10.0; rv:128.0) Gecko/20100101 Firefox/128.0",
                     remember=True)
    ada.reset_calendar_token()
    queue_email(
        to=ada.email, subject="Your evening", kind=EmailKind.TEST_MESSAGE, user_id=ada.id,
        template="test_message", name="Ada", body="The words of the email itself", event_url="",
    )
    db.session.commit()
    return {"ada": ada, "bob": bob, "cy": cy, "dee": dee, "eve": eve, "upcoming": upcoming}


def download(client):
    return client.post("/account/export")


def test_the_page_says_what_is_in_the_file_and_offers_a_button(client, login, ada):
    login(ada)
    page = client.get("/account/export")
    assert page.status_code == 200
    assert "<h1>Download your data</h1>" in page.text
    assert "It never holds your password" in page.text
    assert '<button type="submit" class="button">Download my data</button>' in page.text


def test_the_download_is_a_dated_json_file_that_caches_do_not_keep(client, login, ada):
    login(ada)
    response = download(client)
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    today = datetime.now(UTC).date().isoformat()
    assert response.headers["Content-Disposition"] == f'attachment; filename="flashmob-data-{today}.json"'
    assert response.headers["Cache-Control"] == "no-store"
    data = json.loads(response.text)
    assert data["your_account"]["email"] == "ada@example.org"
    assert data["your_account"]["display_name"] == "Ada Lovelace"
    assert data["profile"] is None
    assert data["rsvps"] == [] and data["connections"] == []


def test_the_file_holds_everything_kept_about_the_member(client, login, full_life):
    login(full_life["ada"])
    data = json.loads(download(client).text)

    account = data["your_account"]
    assert account["email_confirmed_at"] is not None and account["created_at"] is not None
    profile = data["profile"]
    assert profile["headline"] == "Head of PMO"
    assert profile["organisation"] == "Analytical Engines Ltd"
    assert profile["who_sees_profile"] == "met"
    assert profile["expertise"] == ["Risk registers"] and profile["interests"] == ["Benefits realisation"]
    assert data["chapters"] == [
        {"chapter": "Birmingham", "slug": "birmingham", "role": "organiser",
         "joined_at": data["chapters"][0]["joined_at"]}
    ]
    rsvps = {r["event"]["title"]: r for r in data["rsvps"]}
    assert rsvps["Risk registers that work"]["status"] == "going"
    assert rsvps["Risk registers that work"]["checked_in_at"] == PAST.isoformat()
    assert rsvps["Risk registers that work"]["event"]["starts_at"] == PAST.isoformat()
    assert rsvps["Portfolio pub quiz"]["status"] == "waitlisted"
    assert rsvps["Portfolio pub quiz"]["checked_in_at"] is None
    assert [w["event"]["title"] for w in data["walk_ins"]] == ["Benefits at the bar"]
    assert data["save_the_dates_asked_about"][0]["event"]["date_to_be_announced"] is True
    assert [s["label"] for s in data["email_settings"]["stopped"]] == ["Reminders the day before"]
    devices = {s["device"]: s["kept_signed_in"] for s in data["sign_ins"]}
    assert devices["Firefox on Windows"] is True

    connections = {c["with"]: c for c in data["connections"]}
    assert set(connections) == {"Bob Babbage", "Dee Asks"}  # Cy's "no" is Cy's, not Ada's to read
    assert connections["Bob Babbage"]["met_at"] == "Risk registers that work"
    assert connections["Bob Babbage"]["asked_by"] == "you"
    assert connections["Dee Asks"] | {"asked_at": None} == {
        "with": "Dee Asks", "asked_by": "them", "status": "pending", "message": "Met you at the quiz",
        "met_at": None, "asked_at": None, "answered_at": None,
    }
    assert [(n["about"], n["note"]) for n in data["private_notes"]] == [
        ("Bob Babbage", "Knows everything about gateways")
    ]
    assert [b["member"] for b in data["blocked_members"]] == ["Eve Blocked"]
    (voice,) = data["lesson_voices"]
    assert voice["lesson"] == "Keep the risk register short" and voice["status"] == "agreed"
    assert voice["evening"] == "Risk registers that work"
    (writeup,) = data["writeups"]
    assert writeup["started_by_you"] is False and writeup["invited_to_edit_at"] is not None
    (email,) = data["emails_sent_to_you"]
    assert email["subject"] == "Your evening" and email["kind"] == "test_message"


def test_the_file_holds_no_secret_and_nobody_elses_address(client, login, full_life):
    ada = full_life["ada"]
    login(ada)
    text = download(client).text

    secrets = [
        ada.password_hash,
        ada.calendar_token,
        db.session.get(MemberProfile, ada.id).card_token,
        *db.session.scalars(select(UserSession.token_hash).where(UserSession.user_id == ada.id)),
        *(full_life[name].email for name in ("bob", "cy", "dee", "eve")),
        "Bob's own note about Ada",
        "Declined, and Ada is never told",
        "Cy Declines",
        "The words of the email itself",  # only its subject is listed
    ]
    for secret in secrets:
        assert secret and secret not in text, secret
    assert "password" not in text and "token" not in text


def test_the_cost_does_not_grow_with_the_number_of_rsvps(
    client, login, full_life, create_event, count_queries
):
    ada = full_life["ada"]
    login(ada)
    with count_queries() as few:
        assert download(client).status_code == 200
    chapter = db.session.get(Chapter, full_life["upcoming"].chapter_id)
    for n in range(6):
        event = create_event(chapter, title=f"Evening {n}", starts_at=PAST - timedelta(days=30 * (n + 1)))
        db.session.add(Rsvp(event_id=event.id, user_id=ada.id, status=RsvpStatus.GOING, checked_in_at=PAST))
        db.session.add(WalkIn(event_id=event.id, user_id=ada.id, name="Ada", checked_in_at=PAST))
    db.session.commit()
    with count_queries() as many:
        response = download(client)
    assert len(json.loads(response.text)["rsvps"]) == 8
    assert many.count == few.count


def test_downloading_needs_a_csrf_token(client, login, ada, csrf_enabled):
    login(ada)
    assert download(client).status_code == 400
    token = csrf_token_from(client.get("/account/export").text)
    assert client.post("/account/export", data={"csrf_token": token}).status_code == 200


@pytest.mark.parametrize("role", ROLE_NAMES)
def test_each_person_downloads_only_their_own_data(client, login, roles, role):
    person = roles[role]
    if person is None:
        response = download(client)
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/login?next=")
        return
    login(person)
    data = json.loads(download(client).text)
    assert data["your_account"]["email"] == person.email
    others = [roles[r].email for r in ROLE_NAMES if roles[r] is not None and r != role]
    text = json.dumps(data)
    assert not any(email in text for email in others)


def test_the_export_is_a_service_too(app, full_life):
    data = account_data.export_data(full_life["ada"])
    assert json.loads(account_data.to_json(data))["your_account"]["email"] == "ada@example.org"
