"""The question for the night over HTTP: organisers set it, attendees answer it on the event page,
organisers make an answer a lesson, which asks its author."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from flashmob.discussions.models import EveningQuestion, Lesson, QuestionAnswer, VoiceStatus
from flashmob.discussions.writeups import services
from flashmob.email_kinds import EmailKind
from flashmob.extensions import db
from flashmob.outbox import OutboxMessage
from tests import factories
from tests.discussions.conftest import going
from tests.mail import render_queued

ROLES = ["anonymous", "member", "attendee", "other_organiser", "organiser", "admin"]


@pytest.fixture
def question(world):
    asked = services.set_question(
        world["evening"], "What one thing should the business see?", actor=world["organiser"]
    )
    db.session.commit()
    return asked


@pytest.mark.parametrize("role", ROLES)
def test_only_the_chapters_organisers_set_the_question(client, login, world, role):
    if world[role] is not None:
        login(world[role])
    url = f"/events/{world['evening'].id}/question"

    response = client.post(url, data={"text": "What did you learn?"})

    made = db.session.scalar(select(EveningQuestion))
    if role in ("organiser", "admin"):
        assert response.status_code == 302 and made.text == "What did you learn?"
    else:
        assert response.status_code == (302 if role == "anonymous" else 403) and made is None


def test_an_organiser_sets_a_question_before_the_evening_and_attendees_see_it(client, login, world):
    coming = factories.create_event(world["chapter"])
    going(coming, world["attendee"])
    login(world["organiser"])
    assert "Set a question for the night" in client.get(f"/events/{coming.id}").text

    client.post(f"/events/{coming.id}/question", data={"text": "What report do you wish you had?"})

    login(world["attendee"])
    page = client.get(f"/events/{coming.id}").text
    assert "What report do you wish you had?" in page
    assert "Your answer" in page


def test_an_empty_or_over_long_question_is_refused_at_the_field(client, login, world):
    login(world["organiser"])
    url = f"/events/{world['evening'].id}/question"

    for text in ("", "q" * 301):
        page = client.post(url, data={"text": text})
        assert page.status_code == 422
        assert 'id="text-error"' in page.text


@pytest.mark.parametrize("role", ROLES)
def test_only_attendees_answer(client, login, world, question, role):
    if world[role] is not None:
        login(world[role])

    response = client.post(f"/events/{world['evening'].id}/question/answer", data={"answer": "One page."})

    made = db.session.scalar(select(QuestionAnswer))
    if role == "attendee":
        assert response.status_code == 302 and made.text == "One page."
    else:
        assert response.status_code in (302, 403) and made is None


def test_an_attendee_answers_on_the_event_page_and_changes_their_answer(client, login, world, question):
    login(world["attendee"])
    url = f"/events/{world['evening'].id}/question/answer"

    client.post(url, data={"answer": "One page."})
    client.post(url, data={"answer": "One page, one decision."})

    (answer,) = db.session.scalars(select(QuestionAnswer)).all()
    assert answer.text == "One page, one decision."
    assert "One page, one decision." in client.get(f"/events/{world['evening'].id}").text


def test_an_over_long_answer_is_refused_at_its_field(client, login, world, question):
    login(world["attendee"])

    page = client.post(f"/events/{world['evening'].id}/question/answer", data={"answer": "a" * 1001})

    assert page.status_code == 422
    assert 'id="answer-error"' in page.text
    assert db.session.scalar(select(QuestionAnswer)) is None


def test_no_question_no_answer_page(client, login, world):
    login(world["attendee"])

    assert client.get(f"/events/{world['evening'].id}/question/answer").status_code == 404


def test_the_organiser_sees_answers_on_the_editor_and_makes_one_a_lesson(
    client, login, world, writeup, question
):
    services.answer_question(question, "Decisions, not data.", actor=world["attendee"])
    db.session.commit()
    answer = db.session.scalar(select(QuestionAnswer))

    login(world["editor"])
    assert "Decisions, not data." not in client.get(f"/writeups/{writeup.id}/edit").text
    assert client.post(f"/answers/{answer.id}/lesson").status_code == 403

    login(world["organiser"])
    assert "Decisions, not data." in client.get(f"/writeups/{writeup.id}/edit").text
    response = client.post(f"/answers/{answer.id}/lesson")

    lesson = db.session.scalar(select(Lesson).where(Lesson.statement == "Decisions, not data."))
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/lessons/{lesson.id}/edit")
    assert [(v.user_id, v.status) for v in lesson.voices] == [(world["attendee"].id, VoiceStatus.ASKED)]
    assert client.post(f"/answers/{answer.id}/lesson").status_code == 409


def test_an_answer_cannot_be_made_a_lesson_before_the_write_up_is_started(client, login, world, question):
    services.answer_question(question, "Decisions, not data.", actor=world["attendee"])
    db.session.commit()
    answer = db.session.scalar(select(QuestionAnswer))
    login(world["organiser"])

    page = client.post(f"/answers/{answer.id}/lesson")

    assert page.status_code == 409
    assert "Start the write-up first" in page.text


def test_the_email_asking_a_voice_links_to_the_page_to_answer(world, writeup):
    voice = services.name_voice(writeup.lessons[0], world["voice"], actor=world["organiser"])

    render_queued()

    email = db.session.scalar(select(OutboxMessage).where(OutboxMessage.kind == EmailKind.LESSON_VOICE_ASKED))
    assert email.to_address == world["voice"].email
    assert "Nobody reads a 40-page status report" in email.text_body
    assert f"/voices/{voice.id}" in email.text_body
    assert "Olu Organiser" in email.text_body
    assert "Nobody reads a 40-page status report" in email.html_body
