"""The write-up pages over HTTP: who may see and do what, CSRF, sanitised Markdown, consent, bad input,
and a fixed number of queries whatever the number of lessons and voices."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from flashmob.discussions.models import Lesson, LessonVoice, VoiceStatus, Writeup, WriteupStatus
from flashmob.discussions.writeups import services
from flashmob.discussions.writeups.services import LessonInput
from flashmob.extensions import db
from flashmob.members.models import MemberProfile, ProfileVisibility
from tests import factories
from tests.discussions.conftest import going

ROLES = ["anonymous", "member", "attendee", "editor", "other_organiser", "organiser", "admin"]
MAY_EDIT = {"editor", "organiser", "admin"}
ORGANISERS = {"organiser", "admin"}


def as_role(login, world, role):
    if world[role] is not None:
        login(world[role])


def expected(role, allowed, *, hidden=False):
    """What a role gets from a protected route: the allowed status, a sign-in redirect, a 403 (or 404)."""
    if role in allowed:
        return None
    if role == "anonymous":
        return 302
    return 404 if hidden else 403


def published(writeup, world):
    services.publish(writeup, actor=world["organiser"])
    db.session.commit()
    return writeup


# Reading


@pytest.mark.parametrize("role", ROLES)
def test_a_draft_is_seen_only_by_its_organisers_and_editors(client, login, world, writeup, role):
    as_role(login, world, role)

    for url in (f"/writeups/{writeup.id}", f"/lessons/{writeup.lessons[0].id}"):
        response = client.get(url)
        assert response.status_code == (200 if role in MAY_EDIT else 404), url


@pytest.mark.parametrize("role", ROLES)
def test_a_published_write_up_is_for_everyone(client, login, world, writeup, role):
    published(writeup, world)
    as_role(login, world, role)

    page = client.get(f"/writeups/{writeup.id}")

    assert page.status_code == 200
    assert "What we learnt at Reporting that gets read" in page.text
    assert "Nobody reads a 40-page status report" in page.text
    assert "Last edited" in page.text and "Olu Organiser" in page.text
    assert ("Edit the write-up" in page.text) == (role in MAY_EDIT)
    assert (
        client.get(f"/events/{world['evening'].id}/writeup")
        .headers["Location"]
        .endswith(f"/writeups/{writeup.id}")
    )


def test_markdown_in_the_introduction_and_lessons_is_sanitised(client, world, writeup):
    services.update_introduction(writeup, "**Bold** <script>alert(1)</script>", actor=world["organiser"])
    lesson = writeup.lessons[0]
    services.update_lesson(
        lesson,
        LessonInput("Safe", body="[x](javascript:alert(2)) <img src=x onerror=alert(3)>"),
        actor=world["organiser"],
    )
    published(writeup, world)

    page = client.get(f"/writeups/{writeup.id}").text
    lesson_page = client.get(f"/lessons/{lesson.id}").text

    assert "<strong>Bold</strong>" in page
    for html in (page, lesson_page):
        assert "<script>alert" not in html
        assert 'href="javascript' not in html
        assert "<img" not in html


def test_unknown_or_huge_ids_are_404(client, login, world):
    login(world["organiser"])
    for url in (
        "/writeups/999999",
        "/lessons/999999",
        "/writeups/99999999999999999999",
        "/lessons/9" * 3,
        "/voices/99999999999999999999",
    ):
        assert client.get(url).status_code == 404, url


# Starting and editing


@pytest.mark.parametrize("role", ROLES)
def test_only_the_chapters_organisers_and_admins_start_a_write_up(client, login, world, role):
    as_role(login, world, role)

    response = client.post(f"/events/{world['evening'].id}/writeup/start")

    made = db.session.scalar(select(Writeup))
    if role in ORGANISERS:
        assert response.status_code == 302 and made is not None
        assert response.headers["Location"].endswith(f"/writeups/{made.id}/edit")
    else:
        assert response.status_code == expected(role, ORGANISERS) and made is None


def test_the_past_evenings_page_offers_organisers_to_write_it_up(client, login, world):
    event_url = f"/events/{world['evening'].id}"
    login(world["member"])
    assert "Write up this evening" not in client.get(event_url).text
    login(world["organiser"])
    assert "Write up this evening" in client.get(event_url).text

    coming = factories.create_event(world["chapter"])
    assert "Write up this evening" not in client.get(f"/events/{coming.id}").text
    assert client.post(f"/events/{coming.id}/writeup/start").status_code == 409


def test_the_past_evenings_page_shows_what_we_learnt_once_published(client, login, world, writeup):
    event_url = f"/events/{world['evening'].id}"
    assert "What we learnt" not in client.get(event_url).text

    published(writeup, world)
    page = client.get(event_url).text

    assert "What we learnt" in page
    assert f'href="/lessons/{writeup.lessons[0].id}"' in page
    assert f'href="/writeups/{writeup.id}"' in page


@pytest.mark.parametrize("role", ROLES)
def test_the_editor_is_for_organisers_and_invited_editors(client, login, world, writeup, role):
    as_role(login, world, role)

    page = client.get(f"/writeups/{writeup.id}/edit")

    if role in MAY_EDIT:
        assert page.status_code == 200
        assert ("Invite as editor" in page.text) == (role in ORGANISERS)
    else:
        # A draft's existence is not revealed to people who may not see it.
        assert page.status_code == (302 if role == "anonymous" else 404)


def test_an_editor_cannot_edit_a_published_write_up_of_which_they_are_not_editor(
    client, login, world, writeup
):
    published(writeup, world)
    login(world["attendee"])

    assert client.get(f"/writeups/{writeup.id}/edit").status_code == 403
    assert client.post(f"/lessons/{writeup.lessons[0].id}/remove").status_code == 403


def test_the_introduction_is_previewed_without_saving_then_saved(client, login, world, writeup):
    login(world["editor"])
    url = f"/writeups/{writeup.id}/edit"

    preview = client.post(url, data={"introduction": "A *lively* night", "preview": "Preview"})
    assert preview.status_code == 200
    assert "<em>lively</em>" in preview.text
    db.session.expire_all()
    assert db.session.get(Writeup, writeup.id).introduction == ""

    saved = client.post(url, data={"introduction": "A *lively* night", "save": "Save"})
    assert saved.status_code == 302
    db.session.expire_all()
    again = db.session.get(Writeup, writeup.id)
    assert again.introduction == "A *lively* night" and again.edited_by_id == world["editor"].id
    assert "Ed Editor" in client.get(url).text


def test_an_over_long_introduction_is_refused_at_its_field(client, login, world, writeup):
    login(world["organiser"])

    page = client.post(f"/writeups/{writeup.id}/edit", data={"introduction": "x" * 20_001, "save": "Save"})

    assert page.status_code == 422
    assert 'id="introduction-error"' in page.text


def test_adding_a_lesson_with_themes_and_a_voice(client, login, world, writeup):
    login(world["editor"])

    page = client.get(f"/writeups/{writeup.id}/lessons/new")
    assert page.status_code == 200 and "Vera Voice" in page.text and "Mina Member" not in page.text

    response = client.post(
        f"/writeups/{writeup.id}/lessons/new",
        data={
            "statement": "Ask what decision the report is for",
            "body": "",
            "themes": "reporting, decisions",
            "voices": [str(world["voice"].id)],
            "save": "Save",
        },
    )

    assert response.status_code == 302
    lesson = db.session.scalar(
        select(Lesson).where(Lesson.statement == "Ask what decision the report is for")
    )
    assert [tag.name for tag in lesson.themes] == ["decisions", "reporting"]
    assert [(v.user_id, v.status) for v in lesson.voices] == [(world["voice"].id, VoiceStatus.ASKED)]


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"statement": ""}, "statement"),
        ({"statement": "x" * 201}, "statement"),
        ({"statement": "ok", "themes": "t" * 41}, "themes"),
        ({"statement": "ok", "voices": ["99999999999999999999"]}, "voices"),
        ({"statement": "ok", "voices": ["abc"]}, "voices"),
    ],
)
def test_bad_lesson_input_is_refused_at_its_field_and_nothing_is_written(
    client, login, world, writeup, data, field
):
    login(world["organiser"])

    page = client.post(f"/writeups/{writeup.id}/lessons/new", data={"save": "Save", **data})

    assert page.status_code == 422
    assert f'id="{field}-error"' in page.text
    assert db.session.scalar(select(Lesson).where(Lesson.statement == "ok")) is None


def test_a_stranger_cannot_be_named_through_the_form(client, login, world, writeup):
    login(world["organiser"])

    page = client.post(
        f"/writeups/{writeup.id}/lessons/new",
        data={"statement": "ok", "voices": [str(world["member"].id)], "save": "Save"},
    )

    assert page.status_code == 422
    assert db.session.scalars(select(LessonVoice)).all() == []


def test_nul_bytes_are_dropped_from_what_is_typed(client, login, world, writeup):
    login(world["organiser"])

    response = client.post(
        f"/writeups/{writeup.id}/lessons/new", data={"statement": "Null\x00 safe", "save": "Save"}
    )

    assert response.status_code == 302
    assert db.session.scalar(select(Lesson).where(Lesson.statement == "Null safe")) is not None


def test_lessons_move_and_are_removed(client, login, world, writeup):
    services.add_lesson(writeup, LessonInput("Second"), actor=world["organiser"])
    db.session.commit()
    login(world["editor"])
    first, second = writeup.lessons

    assert client.post(f"/lessons/{second.id}/move-up").status_code == 302
    db.session.expire_all()
    assert [lesson.statement for lesson in db.session.get(Writeup, writeup.id).lessons] == [
        "Second",
        "Nobody reads a 40-page status report",
    ]
    assert client.post(f"/lessons/{second.id}/move-up").status_code == 409
    assert client.post(f"/lessons/{second.id}/move-sideways").status_code == 404

    confirm = client.get(f"/lessons/{first.id}/remove")
    assert confirm.status_code == 200 and "Remove this lesson?" in confirm.text
    assert db.session.get(Lesson, first.id) is not None
    assert client.post(f"/lessons/{first.id}/remove").status_code == 302
    assert db.session.get(Lesson, first.id) is None


@pytest.mark.parametrize("role", ROLES)
def test_only_organisers_publish(client, login, world, writeup, role):
    as_role(login, world, role)

    response = client.post(f"/writeups/{writeup.id}/publish")

    db.session.expire_all()
    status = db.session.get(Writeup, writeup.id).status
    if role in ORGANISERS:
        assert response.status_code == 302 and status == WriteupStatus.PUBLISHED
    else:
        assert response.status_code in (302, 403, 404) and status == WriteupStatus.DRAFT
        if role == "editor":
            assert response.status_code == 403


def test_publishing_an_empty_write_up_says_why(client, login, world):
    login(world["organiser"])
    client.post(f"/events/{world['evening'].id}/writeup/start")
    writeup = db.session.scalar(select(Writeup))

    page = client.post(f"/writeups/{writeup.id}/publish")

    assert page.status_code == 409
    assert "at least one lesson" in page.text


@pytest.mark.parametrize("role", ROLES)
def test_only_organisers_invite_editors_and_only_attendees(client, login, world, writeup, role):
    as_role(login, world, role)

    response = client.post(f"/writeups/{writeup.id}/editors", data={"user_id": str(world["attendee"].id)})

    if role in ORGANISERS:
        assert response.status_code == 302
    else:
        assert response.status_code in (302, 403, 404)


def test_inviting_someone_who_did_not_come_is_refused_at_the_field(client, login, world, writeup):
    login(world["organiser"])

    page = client.post(f"/writeups/{writeup.id}/editors", data={"user_id": str(world["member"].id)})

    assert page.status_code == 422
    assert 'id="user_id-error"' in page.text


def test_posts_without_a_csrf_token_are_refused(client, login, world, writeup, csrf_enabled):
    login(world["organiser"])

    assert client.post(f"/writeups/{writeup.id}/publish").status_code == 400
    assert client.post(f"/lessons/{writeup.lessons[0].id}/remove").status_code == 400
    assert (
        client.post(f"/writeups/{writeup.id}/edit", data={"introduction": "x", "save": "Save"}).status_code
        == 400
    )
    assert client.post(f"/events/{world['evening'].id}/writeup/start").status_code == 400
    db.session.expire_all()
    assert db.session.get(Writeup, writeup.id).status == WriteupStatus.DRAFT


# Consent


def test_a_named_member_agrees_and_is_then_shown_and_can_withdraw(client, login, logout, world, writeup):
    lesson = writeup.lessons[0]
    voice = services.name_voice(lesson, world["voice"], actor=world["organiser"])
    published(writeup, world)

    assert "Vera Voice" not in client.get(f"/lessons/{lesson.id}").text

    login(world["voice"])
    assert "Lessons you were named in" in client.get("/account").text
    consent = client.get(f"/voices/{voice.id}")
    assert consent.status_code == 200 and lesson.statement in consent.text
    assert client.post(f"/voices/{voice.id}/answer", data={"agree": "Yes"}).status_code == 302

    logout()
    page = client.get(f"/lessons/{lesson.id}").text
    assert "Vera Voice" in page
    assert "Sign in to talk to them" in page and f"next=/lessons/{lesson.id}" in page
    assert "Vera Voice" in client.get(f"/writeups/{writeup.id}").text

    login(world["member"])
    assert f'href="/members/{world["voice"].id}"' in client.get(f"/lessons/{lesson.id}").text

    login(world["voice"])
    assert client.post(f"/voices/{voice.id}/withdraw").status_code == 302
    logout()
    assert "Vera Voice" not in client.get(f"/lessons/{lesson.id}").text


def test_a_declined_voice_is_never_shown_and_not_offered_again(client, login, world, writeup):
    lesson = writeup.lessons[0]
    voice = services.name_voice(lesson, world["voice"], actor=world["organiser"])
    published(writeup, world)
    login(world["voice"])

    client.post(f"/voices/{voice.id}/answer", data={"decline": "No"})

    login(world["organiser"])
    assert "Vera Voice" not in client.get(f"/lessons/{lesson.id}").text
    form = client.get(f"/lessons/{lesson.id}/edit").text
    assert "Vera Voice" not in form
    # Listed only as someone who could be invited to edit, not as named on the lesson.
    assert "Vera Voice (" not in client.get(f"/writeups/{writeup.id}/edit").text


@pytest.mark.parametrize("role", ["member", "attendee", "organiser", "admin"])
def test_nobody_else_answers_for_a_named_member(client, login, world, writeup, role):
    voice = services.name_voice(writeup.lessons[0], world["voice"], actor=world["organiser"])
    db.session.commit()
    login(world[role])

    assert client.get(f"/voices/{voice.id}").status_code == 404
    assert client.post(f"/voices/{voice.id}/answer", data={"agree": "Yes"}).status_code == 404
    db.session.expire_all()
    assert db.session.get(LessonVoice, voice.id).status == VoiceStatus.ASKED


def test_a_voice_shows_their_headline_only_if_their_profile_is_visible(client, login, logout, world, writeup):
    lesson = writeup.lessons[0]
    voice = services.name_voice(lesson, world["voice"], actor=world["organiser"])
    services.answer_voice(voice, agree=True, actor=world["voice"])
    db.session.add(
        MemberProfile(
            user_id=world["voice"].id, headline="Head of PMO, Acme", visibility=ProfileVisibility.MEMBERS
        )
    )
    published(writeup, world)

    assert "Head of PMO, Acme" not in client.get(f"/lessons/{lesson.id}").text
    login(world["member"])
    assert "Head of PMO, Acme" in client.get(f"/lessons/{lesson.id}").text


# Query counts


def _grow(writeup, world, lessons: int, voices_each: int):
    people = []
    for n in range(voices_each):
        person = factories.create_user(f"Voice {n}")
        going(world["evening"], person)
        db.session.add(MemberProfile(user_id=person.id, headline=f"Headline {n}"))
        people.append(person)
    for n in range(lessons):
        saved = services.add_lesson(
            writeup,
            LessonInput(f"Lesson {n}", themes=f"theme {n}, shared", voice_ids=[p.id for p in people]),
            actor=world["organiser"],
        )
        for voice in saved.lesson.voices:
            voice.status = VoiceStatus.AGREED
    db.session.commit()


@pytest.mark.parametrize("viewer", ["anonymous", "member", "organiser"])
def test_the_write_up_and_lesson_pages_take_the_same_queries_at_any_size(
    client, login, world, writeup, count_queries, viewer
):
    published(writeup, world)
    as_role(login, world, viewer)
    lesson_id = writeup.lessons[0].id

    def measure():
        with count_queries() as page:
            assert client.get(f"/writeups/{writeup.id}").status_code == 200
        with count_queries() as single:
            assert client.get(f"/lessons/{lesson_id}").status_code == 200
        return page.count, single.count

    _grow(writeup, world, lessons=1, voices_each=1)
    small = measure()
    _grow(writeup, world, lessons=6, voices_each=4)
    assert measure() == small


def test_the_editor_and_the_event_page_take_the_same_queries_at_any_size(
    client, login, world, writeup, count_queries
):
    services.set_question(world["evening"], "What would you cut?", actor=world["organiser"])
    db.session.commit()
    published(writeup, world)
    login(world["organiser"])

    def measure():
        with count_queries() as editor:
            assert client.get(f"/writeups/{writeup.id}/edit").status_code == 200
        with count_queries() as event_page:
            assert client.get(f"/events/{world['evening'].id}").status_code == 200
        return editor.count, event_page.count

    _grow(writeup, world, lessons=1, voices_each=1)
    small = measure()
    _grow(writeup, world, lessons=5, voices_each=3)
    assert measure() == small
