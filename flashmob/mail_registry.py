"""Which function writes each kind of email when the worker sends it, and who each fan-out job is for.

The functions live beside the code that knows their part of the domain; this module only wires them to
the EmailKinds, for the mail worker (flashmob/mail_worker.py), which imports it. Nothing else should:
the domain modules queue through flashmob.outbox and never import this, so there is no import cycle.

A renderer takes (message, facts) and returns an outbox.Draft: `facts` are the ids and frozen facts the
email was queued with (its job's payload, then its own). An audience takes (facts, after=, limit=) and
returns up to `limit` outbox.Recipients with user ids above `after`, in user id order; the worker leaves
out who stopped the kind.
"""

from __future__ import annotations

from collections.abc import Callable

from flashmob.discussions.threads import emails as discussion_emails
from flashmob.discussions.writeups import emails as writeup_emails
from flashmob.email_kinds import EmailKind
from flashmob.events.evenings import interests
from flashmob.events.messaging import emails as event_emails
from flashmob.events.rsvps import emails as rsvp_emails
from flashmob.outbox import Draft, OutboxMessage, Recipient

Renderer = Callable[[OutboxMessage, dict], Draft]
Audience = Callable[..., list[Recipient]]

RENDERERS: dict[EmailKind, Renderer] = {
    **dict.fromkeys(rsvp_emails.KINDS, rsvp_emails.render),
    EmailKind.EVENT_CHANGED: event_emails.render_event_changed,
    EmailKind.EVENT_CANCELLED: event_emails.render_event_cancelled,
    EmailKind.REMINDER: event_emails.render_reminder,
    EmailKind.ORGANISER_MESSAGE: event_emails.render_organiser_message,
    EmailKind.DATE_ANNOUNCED: interests.render_date_announced,
    EmailKind.DATE_CANCELLED: interests.render_date_cancelled,
    EmailKind.EVENT_ANNOUNCED: event_emails.render_event_announced,
    EmailKind.LESSON_VOICE_ASKED: writeup_emails.render_voice_asked,
    EmailKind.DISCUSSION_REPLY: discussion_emails.render_reply,
}

AUDIENCES: dict[EmailKind, Audience] = {
    EmailKind.EVENT_CHANGED: event_emails.told_of_changes,
    EmailKind.EVENT_CANCELLED: event_emails.told_of_changes,
    EmailKind.REMINDER: event_emails.going,
    EmailKind.ORGANISER_MESSAGE: event_emails.organiser_message_audience,
    EmailKind.DATE_ANNOUNCED: interests.members_told,
    EmailKind.DATE_CANCELLED: interests.members_told,
    EmailKind.EVENT_ANNOUNCED: event_emails.chapter_members_told,
    EmailKind.DISCUSSION_REPLY: discussion_emails.participants,
}

# Kinds written when they are queued (outbox.queue_email), never by the worker: account mail, whose links
# carry tokens made at that moment, the single check-in email, connection requests and acceptances (one
# person each, nothing to wait for), and the outbox tests' message.
RENDERED_WHEN_QUEUED = frozenset(
    {
        EmailKind.ACCOUNT,
        EmailKind.EMAIL_CHANGE,
        EmailKind.EMAIL_CHANGED,
        EmailKind.CHECKED_IN_AT_DOOR,
        EmailKind.CONNECTION_REQUEST,
        EmailKind.CONNECTION_ACCEPTED,
        EmailKind.TEST_MESSAGE,
    }
)
