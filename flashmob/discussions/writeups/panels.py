"""What the event page and the account page show of write-ups: built once per page in a fixed number of
queries, and offered to their templates as globals (so the events and members packages need only one
include line each)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from flashmob.discussions.models import EveningQuestion, Lesson, QuestionAnswer, Writeup
from flashmob.discussions.writeups import permissions, queries
from flashmob.events.models import Event
from flashmob.extensions import db


@dataclass(frozen=True)
class EveningPanel:
    """The event page's "What we learnt" and "Question for the night", as this viewer may see them."""

    writeup: Writeup | None
    lessons: list[Lesson]
    can_start: bool
    can_edit: bool
    question: EveningQuestion | None
    answer: QuestionAnswer | None
    can_answer: bool
    can_set_question: bool
    # The form to answer on the event page (the views add it: this module builds no forms).
    answer_form: object = None

    @property
    def shows_anything(self) -> bool:
        return bool(self.writeup or self.can_start or self.question or self.can_set_question)


def evening_panel(event: Event, user) -> EveningPanel:
    """The write-up and question panels of one evening for one viewer: one query for most viewers of an
    evening without either; a few more for its lessons, its editors and the viewer's answer."""
    writeup, question = db.session.execute(
        select(Writeup, EveningQuestion)
        .select_from(Event)
        .outerjoin(Writeup, Writeup.event_id == Event.id)
        .outerjoin(EveningQuestion, EveningQuestion.event_id == Event.id)
        .where(Event.id == event.id)
        .options(selectinload(Writeup.lessons))
    ).one()
    if writeup is not None and not permissions.can_view_writeup(user, writeup):
        writeup = None
    can_answer = question is not None and bool(permissions.can_answer_question(user, event))
    answer = queries.answer_of(question, user.id) if can_answer else None
    return EveningPanel(
        writeup=writeup,
        lessons=list(writeup.lessons) if writeup is not None else [],
        # Whoever may start one may see a draft, so "none shown" means none written.
        can_start=writeup is None and bool(permissions.can_start_writeup(user, event)),
        can_edit=writeup is not None and permissions.can_edit_writeup(user, writeup),
        question=question,
        answer=answer,
        can_answer=can_answer,
        can_set_question=permissions.can_set_question(user, event),
    )
