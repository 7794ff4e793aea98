"""What the hostile-input walk (tests/hostile.py) needs of write-ups: one of each row a write-up route
names, and sensible values for their forms' fields, so that every write-up form is reached."""

from __future__ import annotations

from flashmob.discussions.models import (
    EveningQuestion,
    Lesson,
    LessonVoice,
    QuestionAnswer,
    VoiceStatus,
    Writeup,
    WriteupStatus,
)
from flashmob.extensions import db


def writeup_rows(event, member, organiser) -> tuple[dict, dict]:
    """A published write-up of the event with a lesson naming the member (asked), and the event's question
    with the member's answer: (path values, field values)."""
    writeup = Writeup(
        event=event,
        status=WriteupStatus.PUBLISHED,
        introduction="A good night.",
        created_by=organiser,
        edited_by=organiser,
    )
    lesson = Lesson(writeup=writeup, position=1, statement="One page is enough")
    voice = LessonVoice(lesson=lesson, user=member, status=VoiceStatus.ASKED)
    question = EveningQuestion(event=event, text="What would you report?")
    answer = QuestionAnswer(question=question, user=member, text="The decisions we wait for.")
    db.session.add_all([writeup, lesson, voice, question, answer])
    db.session.commit()
    paths = {"writeup_id": writeup.id, "lesson_id": lesson.id, "voice_id": voice.id, "answer_id": answer.id}
    fields = {
        "introduction": "We talked about reports.",
        "statement": "Ask for a decision",
        "themes": "reporting, decisions",
        "text": "What would you report?",
        "answer": "One page.",
    }
    return paths, fields
