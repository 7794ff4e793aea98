"""Write-ups and lessons have discussions too: only once published, moderated by the evening's chapter."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from flashmob.discussions.models import Lesson, Writeup, WriteupStatus
from flashmob.discussions.threads.models import Thread
from flashmob.extensions import db
from flashmob.types import utcnow


@pytest.fixture
def writeup(people):
    writeup = Writeup(event_id=people["event"].id, status=WriteupStatus.PUBLISHED, published_at=utcnow())
    db.session.add(writeup)
    db.session.flush()
    db.session.add(Lesson(writeup_id=writeup.id, statement="A report nobody reads is a cost, not a control."))
    db.session.commit()
    return writeup


@pytest.mark.parametrize("kind", ["writeup", "lesson"])
def test_a_published_write_up_and_its_lessons_take_comments_in_the_evenings_chapter(
    client, login, people, writeup, kind
):
    subject_id = writeup.id if kind == "writeup" else db.session.scalar(select(Lesson.id))
    login(people["member"])

    response = client.post(f"/discussions/{kind}/{subject_id}/comments", data={"body": "So true."})

    assert response.status_code == 302
    thread = db.session.scalar(select(Thread))
    assert (thread.kind, thread.subject_id, thread.chapter_id) == (kind, subject_id, people["chapter"].id)


@pytest.mark.parametrize("kind", ["writeup", "lesson"])
def test_a_draft_write_up_and_its_lessons_take_no_comments(client, login, people, writeup, kind):
    writeup.status = WriteupStatus.DRAFT
    db.session.commit()
    subject_id = writeup.id if kind == "writeup" else db.session.scalar(select(Lesson.id))
    login(people["organiser"])
    assert client.post(f"/discussions/{kind}/{subject_id}/comments", data={"body": "Hi"}).status_code == 404
