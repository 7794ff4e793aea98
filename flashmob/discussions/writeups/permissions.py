"""Who may do what with write-ups, lessons, voices and the question for the night: one predicate per rule,
used by the views and offered to templates.

A predicate that needs to know who attended or who was invited asks the database once (queries.py);
a page asks each predicate a fixed number of times, never once per row.
"""

from __future__ import annotations

from flashmob.discussions.models import LessonVoice, QuestionAnswer, VoiceStatus, Writeup
from flashmob.discussions.writeups import queries
from flashmob.errors import Refused
from flashmob.events.models import Event
from flashmob.events.permissions import can_manage_chapter


def _is_signed_in(user) -> bool:
    return bool(user is not None and user.is_authenticated)


def organises(user, event: Event) -> bool:
    """The evening's chapter organisers and site admins."""
    return can_manage_chapter(user, event.chapter)


def can_start_writeup(user, event: Event) -> bool | Refused:
    """Organisers write up an evening that took place (published, not cancelled, ended)."""
    if not organises(user, event):
        return False
    if not event.is_published or not event.is_past:
        return Refused("An evening can be written up once it has taken place.")
    return True


def can_edit_writeup(user, writeup: Writeup) -> bool:
    """Organisers of the evening, admins, and the attendees they invited as editors."""
    if not _is_signed_in(user):
        return False
    return organises(user, writeup.event) or queries.is_editor(user.id, writeup.id)


def can_invite_editors(user, writeup: Writeup) -> bool:
    """Organisers choose who helps write; editors do not invite others."""
    return organises(user, writeup.event)


def can_publish_writeup(user, writeup: Writeup) -> bool | Refused:
    """Organisers publish a draft; it needs at least one lesson."""
    if not organises(user, writeup.event):
        return False
    if writeup.is_published:
        return Refused("This write-up is already published.")
    return True


def can_unpublish_writeup(user, writeup: Writeup) -> bool:
    """Organisers may take a published write-up back to a draft."""
    return writeup.is_published and organises(user, writeup.event)


def can_view_writeup(user, writeup: Writeup) -> bool:
    """A published write-up is for everyone; a draft only for those who may edit it."""
    return writeup.is_published or can_edit_writeup(user, writeup)


def can_answer_voice(user, voice: LessonVoice) -> bool:
    """Only the person named answers, and withdraws: consent is theirs alone."""
    return _is_signed_in(user) and user.id == voice.user_id


def can_withdraw_voice(user, voice: LessonVoice) -> bool:
    return can_answer_voice(user, voice) and voice.status == VoiceStatus.AGREED


# The question for the night


def can_set_question(user, event: Event) -> bool:
    """Organisers set and change the question, before or after the evening."""
    return not event.is_cancelled and organises(user, event)


def can_answer_question(user, event: Event) -> bool:
    """People going to the evening (or who were let in at the door) answer it, before or after."""
    return _is_signed_in(user) and not event.is_cancelled and queries.attended(user.id, event.id)


def can_see_answers(user, event: Event) -> bool:
    """Organisers read the answers, on the write-up's editor."""
    return organises(user, event)


def can_make_lesson_of(user, answer: QuestionAnswer, writeup: Writeup | None) -> bool | Refused:
    """Organisers turn an answer into a lesson of the evening's write-up, once there is one."""
    if not organises(user, answer.question.event):
        return False
    if writeup is None:
        return Refused("Start the write-up first: the lesson goes into it.")
    if answer.lesson_id is not None:
        return Refused("This answer is already a lesson.")
    return True
