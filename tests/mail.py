"""Helpers for tests that queue email, read what the mail worker wrote, and read what arrived by SMTP."""

from __future__ import annotations

from sqlalchemy import select

from flashmob.extensions import db
from flashmob.mail_worker import deliver_pending, expand_jobs, render_message
from flashmob.outbox import OutboxMessage, queue_email


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


def render_queued() -> None:
    """Do what the mail worker does before it sends anything: write out every bulk job (one message per
    recipient) and render every message queued unrendered, so that the outbox's rows read as the emails
    will. Sends nothing; commits the session (as the worker does)."""
    db.session.commit()
    expand_jobs()
    unrendered = select(OutboxMessage).where(
        OutboxMessage.sent_at.is_(None), OutboxMessage.text_body.is_(None)
    )
    for message in db.session.scalars(unrendered).all():
        render_message(message)
    db.session.commit()


def deliver(smtp) -> dict[str, list]:
    """Deliver everything queued; the emails that arrived, by recipient address."""
    deliver_pending()
    arrived: dict[str, list] = {}
    for email in smtp.messages:
        arrived.setdefault(str(email["To"]), []).append(email)
    smtp.messages.clear()
    return arrived
