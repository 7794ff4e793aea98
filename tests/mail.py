"""Helpers for tests that queue email and read what arrived at the test SMTP server."""

from __future__ import annotations

from flashmob.extensions import db
from flashmob.outbox import OutboxMessage, deliver_pending, queue_email


def queue(**overrides) -> OutboxMessage:
    """Queue and commit one test message (templates/email/test_message.*), with overrides."""
    fields = {
        "to": "mina@example.org",
        "subject": "You're going: Lessons learnt evening",
        "template": "test_message",
        "kind": "rsvp_confirmed",
        "name": "Mina",
        "body": "See you on Thursday.",
        "event_url": "http://localhost/events/7",
    }
    fields.update(overrides)
    message = queue_email(**fields)
    db.session.commit()
    return message


def deliver(smtp) -> dict[str, list]:
    """Deliver everything queued; the emails that arrived, by recipient address."""
    deliver_pending()
    arrived: dict[str, list] = {}
    for email in smtp.messages:
        arrived.setdefault(str(email["To"]), []).append(email)
    smtp.messages.clear()
    return arrived
