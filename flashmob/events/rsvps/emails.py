"""RSVP email: the facts services.notify() queues with it, and how the mail worker writes it when it sends it.

notify() runs under the event's lock, so it only stores ids and what was true at that moment (the RSVP's
status, an offer's deadline, a place in line); render() builds the words and the calendar invitation
later, in the worker. Which RSVP emails carry an invitation, and why: calendars/invitations.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import current_app

from flashmob.email_kinds import EmailKind, templates_of
from flashmob.events.calendars.invitations import event_url, rsvp_invitation
from flashmob.events.models import Rsvp, RsvpStatus
from flashmob.extensions import db
from flashmob.outbox import Draft, OutboxMessage

# Every RSVP email: each is written with the template of its own name (templates/email/rsvp_*.txt).
KINDS = frozenset(kind for kind in EmailKind if kind.value.startswith("rsvp_"))


@dataclass(frozen=True)
class RsvpFacts:
    """The RSVP as it was when its email was queued: templates read this, not the RSVP as it is by the time
    the email goes (the person may have answered again meanwhile)."""

    status: str
    offer_expires_at: datetime | None = None

    @property
    def is_going(self) -> bool:
        return self.status == RsvpStatus.GOING


def payload(rsvp: Rsvp, subject: str, context: dict) -> dict:
    """What an RSVP email is queued with: the RSVP's id, its state now, the subject's opening words and
    the template's extra values (numbers and strings, such as a place in line)."""
    expires = rsvp.offer_expires_at
    return {
        "rsvp_id": rsvp.id,
        "status": rsvp.status,
        "offer_expires_at": expires.isoformat() if expires else None,
        "subject": subject,
        "context": context,
    }


def render(message: OutboxMessage, facts: dict) -> Draft:
    """The email for an RSVP, from what payload() kept, with the invitation its kind carries."""
    rsvp = db.session.get(Rsvp, facts["rsvp_id"])
    if rsvp is None:
        raise LookupError(f"RSVP {facts['rsvp_id']} no longer exists")
    event, user = rsvp.event, rsvp.user
    expires = facts.get("offer_expires_at")
    then = RsvpFacts(facts["status"], datetime.fromisoformat(expires) if expires else None)
    title = " ".join(event.title.split())  # no line breaks in a mail header
    kind = EmailKind(message.kind)
    return Draft(
        subject=f"{facts['subject']}: {title}",
        template=templates_of(kind)[0],
        context={
            **facts.get("context", {}),
            "event": event,
            "rsvp": then,
            "user": user,
            "event_url": event_url(event),
            "site_name": current_app.config["SITE_NAME"],
        },
        **rsvp_invitation(event, user, kind, then.status),
    )
