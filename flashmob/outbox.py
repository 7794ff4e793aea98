"""Email that is never lost: queue_email() writes a row in the caller's transaction; a worker delivers it.

If the request that queued a message fails, its transaction rolls back and nothing is sent; if the mail
server is down, the row waits and the worker tries again later.
"""

from __future__ import annotations

from datetime import datetime

from flask import render_template
from jinja2 import TemplateNotFound
from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from flashmob.extensions import db
from flashmob.types import UTCDateTime, utcnow


class OutboxMessage(db.Model):
    """One email waiting to be sent, or sent."""

    __tablename__ = "outbox_messages"
    __table_args__ = (Index("ix_outbox_messages_pending", "sent_at", "send_after"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # What kind of email this is ("account", "rsvp_confirmed", ...): members can stop kinds they do not want.
    kind: Mapped[str] = mapped_column(String(40))
    to_address: Mapped[str] = mapped_column(String(254))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    subject: Mapped[str] = mapped_column(String(200))
    text_body: Mapped[str] = mapped_column(Text)
    html_body: Mapped[str | None] = mapped_column(Text)
    # An iCalendar invitation sent with the message, and its METHOD (REQUEST or CANCEL).
    calendar: Mapped[str | None] = mapped_column(Text)
    calendar_method: Mapped[str | None] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    send_after: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    last_error: Mapped[str | None] = mapped_column(Text)
    # Where a one-click "stop this kind of email" goes (sent as List-Unsubscribe); none for account mail.
    unsubscribe_url: Mapped[str | None] = mapped_column(String(2000))

    def __repr__(self) -> str:
        return f"<OutboxMessage {self.id} {self.kind} to {self.to_address}>"


def queue_email(
    *,
    to: str,
    subject: str,
    template: str,
    kind: str,
    user_id: int | None = None,
    calendar: str | None = None,
    calendar_method: str | None = None,
    **context,
) -> OutboxMessage:
    """Queue an email in the current transaction; the caller commits.

    `template` names a pair under templates/email/: `<template>.txt` (required) and `<template>.html`
    (optional); both get `context`.
    """
    text_body = render_template(f"email/{template}.txt", **context)
    try:
        html_body = render_template(f"email/{template}.html", **context)
    except TemplateNotFound:  # an HTML version is optional
        html_body = None
    message = OutboxMessage(
        kind=kind,
        to_address=to,
        user_id=user_id,
        subject=subject,
        text_body=text_body,
        html_body=html_body,
        calendar=calendar,
        calendar_method=calendar_method,
    )
    db.session.add(message)
    db.session.flush()
    return message
