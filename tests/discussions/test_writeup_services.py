"""The rules of write-ups, called without HTTP: every change, and every refusal."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from flashmob.discussions.models import Lesson, LessonVoice, VoiceStatus, WriteupStatus
from flashmob.discussions.writeups import queries, services
from flashmob.discussions.writeups.services import LessonInput, WriteupError
from flashmob.email_kinds import EmailKind
from flashmob.events.models import EventStatus
from flashmob.extensions import db
from flashmob.outbox import OutboxMessage
from tests import factories


def asked_emails():
    return list(
        db.session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.kind == EmailKind.LESSON_VOICE_ASKED)
            .order_by(OutboxMessage.id)
        )
    )


def test_an_organiser_starts_a_draft_of_an_evening_that_took_place(world):
    writeup = services.start_writeup(world["evening"], actor=world["organiser"])

    assert writeup.status == WriteupStatus.DRAFT
    assert writeup.created_by_id == world["organiser"].id
    assert writeup.edited_by_id == world["organiser"].id


def test_an_evening_still_to_come_cannot_be_written_up(world):
    coming = factories.create_event(world["chapter"])

    with pytest.raises(WriteupError, match="once it has taken place"):
        services.start_writeup(coming, actor=world["organiser"])


def test_a_cancelled_evening_cannot_be_written_up(world):
    world["evening"].status = EventStatus.CANCELLED

    with pytest.raises(WriteupError):
        services.start_writeup(world["evening"], actor=world["organiser"])


def test_an_evening_has_one_write_up(writeup, world):
    with pytest.raises(WriteupError, match="already has a write-up"):
        services.start_writeup(world["evening"], actor=world["admin"])


def test_only_attendees_can_be_invited_as_editors(writeup, world):
    with pytest.raises(WriteupError, match="came to the evening") as refused:
        services.invite_editor(writeup, world["stranger"], actor=world["organiser"])
    assert refused.value.field == "user_id"

    with pytest.raises(WriteupError, match="already an editor"):
        services.invite_editor(writeup, world["editor"], actor=world["organiser"])

    assert queries.is_editor(world["editor"].id, writeup.id)
    services.remove_editor(writeup, world["editor"], actor=world["organiser"])
    assert not queries.is_editor(world["editor"].id, writeup.id)


def test_editing_the_introduction_records_who_and_when(writeup, world):
    before = writeup.edited_at

    services.update_introduction(writeup, "  A **lively** evening.  ", actor=world["editor"])

    assert writeup.introduction == "A **lively** evening."
    assert writeup.edited_by_id == world["editor"].id
    assert writeup.edited_at >= before


def test_an_introduction_too_long_is_refused_at_its_field(writeup, world):
    with pytest.raises(WriteupError) as refused:
        services.update_introduction(writeup, "x" * (services.MAX_INTRODUCTION + 1), actor=world["organiser"])

    assert refused.value.field == "introduction"
    assert refused.value.status == 422


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (LessonInput(""), "statement"),
        (LessonInput("   "), "statement"),
        (LessonInput("x" * 201), "statement"),
        (LessonInput("Fine", body="y" * (services.MAX_LESSON_BODY + 1)), "body"),
        (LessonInput("Fine", themes="t" * 41), "themes"),
        (LessonInput("Fine", themes=", ".join(f"theme {n}" for n in range(13))), "themes"),
    ],
)
def test_a_lesson_with_bad_input_is_refused_at_its_field_and_nothing_is_written(writeup, world, data, field):
    with pytest.raises(WriteupError) as refused:
        services.add_lesson(writeup, data, actor=world["organiser"])

    assert refused.value.field == field
    db.session.rollback()
    assert db.session.scalar(select(Lesson).where(Lesson.statement == "Fine")) is None


def test_a_lesson_gets_its_statement_on_one_line_its_themes_shared_and_its_place_at_the_end(writeup, world):
    saved = services.add_lesson(
        writeup,
        LessonInput(
            "The PMO's  authority\nends where the sponsor's begins", themes="Authority, governance, authority"
        ),
        actor=world["organiser"],
    )

    lesson = saved.lesson
    assert lesson.statement == "The PMO's authority ends where the sponsor's begins"
    assert [tag.name for tag in lesson.themes] == ["Authority", "governance"]
    assert lesson.position == 2


def test_lessons_move_up_and_down_and_not_past_the_ends(writeup, world):
    second = services.add_lesson(writeup, LessonInput("Second"), actor=world["organiser"]).lesson
    first = writeup.lessons[0]

    services.move_lesson(second, "up", actor=world["organiser"])
    db.session.commit()
    db.session.refresh(writeup)
    assert [lesson.statement for lesson in writeup.lessons] == ["Second", first.statement]

    with pytest.raises(WriteupError, match="already at the top"):
        services.move_lesson(second, "up", actor=world["organiser"])
    with pytest.raises(WriteupError):
        services.move_lesson(second, "sideways", actor=world["organiser"])


def test_removing_a_lesson_takes_its_voices_and_themes(writeup, world):
    saved = services.add_lesson(
        writeup,
        LessonInput("Gone soon", themes="risk", voice_ids=[world["voice"].id]),
        actor=world["organiser"],
    )
    db.session.commit()

    services.remove_lesson(saved.lesson, actor=world["organiser"])
    db.session.commit()

    assert db.session.scalar(select(Lesson).where(Lesson.statement == "Gone soon")) is None
    assert db.session.scalars(select(LessonVoice)).all() == []


def test_publishing_needs_a_lesson_and_happens_once(world):
    writeup = services.start_writeup(world["evening"], actor=world["organiser"])
    with pytest.raises(WriteupError, match="at least one lesson"):
        services.publish(writeup, actor=world["organiser"])

    services.add_lesson(writeup, LessonInput("One"), actor=world["organiser"])
    services.publish(writeup, actor=world["organiser"])
    assert writeup.is_published and writeup.published_at is not None
    with pytest.raises(WriteupError, match="already published"):
        services.publish(writeup, actor=world["organiser"])

    services.unpublish(writeup, actor=world["organiser"])
    assert writeup.status == WriteupStatus.DRAFT
    with pytest.raises(WriteupError):
        services.unpublish(writeup, actor=world["organiser"])


# Voices


def test_naming_an_attendee_asks_them_and_emails_them(writeup, world):
    saved = services.add_lesson(
        writeup,
        LessonInput("Reports get read when they ask for a decision", voice_ids=[world["voice"].id]),
        actor=world["organiser"],
    )

    assert [user.id for user in saved.asked] == [world["voice"].id]
    (voice,) = saved.lesson.voices
    assert voice.status == VoiceStatus.ASKED
    (email,) = asked_emails()
    assert email.to_address == world["voice"].email
    assert email.payload["voice_id"] == voice.id


def test_only_attendees_can_be_named(writeup, world):
    with pytest.raises(WriteupError, match="came to the evening") as refused:
        services.add_lesson(
            writeup, LessonInput("X", voice_ids=[world["stranger"].id]), actor=world["organiser"]
        )
    assert refused.value.field == "voices"
    assert asked_emails() == []


def test_a_member_who_stopped_lesson_emails_is_still_asked_but_not_emailed(writeup, world):
    from flashmob import notifications
    from flashmob.email_kinds import EmailSetting

    notifications.stop_kind(world["voice"].id, EmailSetting.LESSONS)

    saved = services.add_lesson(
        writeup, LessonInput("X", voice_ids=[world["voice"].id]), actor=world["organiser"]
    )

    assert saved.lesson.voices[0].status == VoiceStatus.ASKED
    assert asked_emails() == []


def test_asked_voices_are_not_shown_agreed_are_and_withdrawn_are_not_again(writeup, world):
    lesson = services.add_lesson(
        writeup, LessonInput("X", voice_ids=[world["voice"].id]), actor=world["organiser"]
    ).lesson
    voice = lesson.voices[0]
    assert queries.agreed_voices([lesson.id], None)[lesson.id] == []

    services.answer_voice(voice, agree=True, actor=world["voice"])
    assert [v.user.id for v in queries.agreed_voices([lesson.id], None)[lesson.id]] == [world["voice"].id]

    services.withdraw_voice(voice, actor=world["voice"])
    assert voice.status == VoiceStatus.WITHDRAWN
    assert queries.agreed_voices([lesson.id], None)[lesson.id] == []


def test_only_the_person_named_answers_and_only_once(writeup, world):
    lesson = services.add_lesson(
        writeup, LessonInput("X", voice_ids=[world["voice"].id]), actor=world["organiser"]
    ).lesson
    voice = lesson.voices[0]

    with pytest.raises(WriteupError, match="Only the person named"):
        services.answer_voice(voice, agree=True, actor=world["organiser"])
    with pytest.raises(WriteupError, match="not shown"):
        services.withdraw_voice(voice, actor=world["voice"])

    services.answer_voice(voice, agree=False, actor=world["voice"])
    with pytest.raises(WriteupError, match="already answered"):
        services.answer_voice(voice, agree=True, actor=world["voice"])


def test_a_declined_voice_is_never_shown_nor_asked_again_by_the_same_lesson(writeup, world):
    lesson = services.add_lesson(
        writeup, LessonInput("X", voice_ids=[world["voice"].id]), actor=world["organiser"]
    ).lesson
    services.answer_voice(lesson.voices[0], agree=False, actor=world["voice"])

    with pytest.raises(WriteupError, match="not asked again") as refused:
        services.update_lesson(
            lesson, LessonInput("X", voice_ids=[world["voice"].id]), actor=world["organiser"]
        )
    assert refused.value.field == "voices"
    with pytest.raises(WriteupError):
        services.name_voice(lesson, world["voice"], actor=world["organiser"])
    assert len(asked_emails()) == 1
    assert queries.agreed_voices([lesson.id], world["organiser"].id)[lesson.id] == []


def test_leaving_a_person_out_of_a_lesson_unnames_them(writeup, world):
    lesson = services.add_lesson(
        writeup,
        LessonInput("X", voice_ids=[world["voice"].id, world["attendee"].id]),
        actor=world["organiser"],
    ).lesson

    saved = services.update_lesson(
        lesson, LessonInput("X", voice_ids=[world["attendee"].id]), actor=world["editor"]
    )

    assert saved.unnamed == 1 and saved.asked == []
    assert [voice.user_id for voice in lesson.voices] == [world["attendee"].id]
    assert writeup.edited_by_id == world["editor"].id


def test_a_member_sees_the_lessons_they_were_named_in(writeup, world):
    lesson = services.add_lesson(
        writeup, LessonInput("Named here", voice_ids=[world["voice"].id]), actor=world["organiser"]
    ).lesson

    (named,) = queries.lessons_named_in(world["voice"].id)
    assert named.lesson.id == lesson.id and named.voice.status == VoiceStatus.ASKED

    services.answer_voice(lesson.voices[0], agree=False, actor=world["voice"])
    assert queries.lessons_named_in(world["voice"].id) == []


# The question for the night


def test_the_question_is_set_changed_and_answered_by_attendees_only(world):
    organiser = world["organiser"]
    question = services.set_question(
        world["evening"], "What report does the business  really need?", actor=organiser
    )
    assert question.text == "What report does the business really need?"
    assert services.set_question(world["evening"], "Changed?", actor=organiser).id == question.id

    with pytest.raises(WriteupError, match="Please write the question") as refused:
        services.set_question(world["evening"], "  ", actor=organiser)
    assert refused.value.field == "text"
    with pytest.raises(WriteupError, match="300"):
        services.set_question(world["evening"], "q" * 301, actor=organiser)

    answer = services.answer_question(question, "One page, one decision.", actor=world["attendee"])
    again = services.answer_question(question, "One page.", actor=world["attendee"])
    assert again.id == answer.id and again.text == "One page."

    with pytest.raises(WriteupError, match="Only people going"):
        services.answer_question(question, "I was not there", actor=world["stranger"])
    with pytest.raises(WriteupError) as refused:
        services.answer_question(question, "a" * 1001, actor=world["attendee"])
    assert refused.value.field == "answer"


def test_an_answer_becomes_a_lesson_and_asks_its_author(writeup, world):
    question = services.set_question(
        world["evening"], "What do you wish sponsors knew?", actor=world["organiser"]
    )
    answer = services.answer_question(
        question, "That a late decision costs more than a wrong one.", actor=world["attendee"]
    )

    saved = services.lesson_from_answer(answer, writeup, actor=world["organiser"])

    assert saved.lesson.statement == "That a late decision costs more than a wrong one."
    assert answer.lesson_id == saved.lesson.id
    assert [(v.user_id, v.status) for v in saved.lesson.voices] == [(world["attendee"].id, VoiceStatus.ASKED)]
    assert [email.to_address for email in asked_emails()] == [world["attendee"].email]
    with pytest.raises(WriteupError, match="already a lesson"):
        services.lesson_from_answer(answer, writeup, actor=world["organiser"])


def test_a_long_answer_becomes_a_short_statement_with_the_whole_as_its_paragraph(writeup, world):
    question = services.set_question(world["evening"], "Q?", actor=world["organiser"])
    text = "word " * 100
    answer = services.answer_question(question, text, actor=world["attendee"])

    lesson = services.lesson_from_answer(answer, writeup, actor=world["organiser"]).lesson

    assert len(lesson.statement) <= 200 and lesson.statement.endswith("…")
    assert lesson.body == text.strip()


def test_an_evening_that_has_not_ended_cannot_be_written_up_yet(world):
    world["evening"].ends_at = world["evening"].ends_at + timedelta(days=30)
    with pytest.raises(WriteupError):
        services.start_writeup(world["evening"], actor=world["organiser"])
