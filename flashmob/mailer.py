"""Turning an outbox row into a MIME email, and the backends that deliver it (SMTP, or the console)."""

from __future__ import annotations

import smtplib
import ssl
import sys
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from flashmob.outbox import OutboxMessage

CALENDAR_METHODS = ("REQUEST", "CANCEL")


class MailError(Exception):
    """A message could not be delivered this time; it will be tried again later."""


class ServerUnavailable(MailError):
    """The mail server could not be reached or refused us: no point trying more messages in this pass."""


class PermanentFailure(MailError):
    """The server refused this message for good (an unknown recipient, say): retrying will not help."""


def message_id(message: OutboxMessage, domain: str) -> str:
    """A Message-ID that stays the same on every retry, so receivers can recognise a duplicate."""
    stamp = int(message.created_at.timestamp() * 1_000_000)
    return f"<outbox.{message.id}.{stamp}@{domain}>"


def build_message(message: OutboxMessage, *, sender: str, domain: str) -> EmailMessage:
    """The email for one outbox row: plain text always; HTML, an invitation and unsubscribe headers if any.

    With a calendar the shape is what Outlook and Google Calendar act on:
    multipart/mixed [ multipart/alternative [ text/plain, text/html?, text/calendar; method=... ],
    application/ics (invite.ics) ].
    """
    email = EmailMessage(policy=SMTP)
    email["From"] = sender
    email["To"] = message.to_address
    email["Subject"] = message.subject
    email["Date"] = format_datetime(message.created_at)
    email["Message-ID"] = message_id(message, domain)
    if message.unsubscribe_url:
        # RFC 8058: mail clients offer a one-click "unsubscribe" that POSTs to this address.
        email["List-Unsubscribe"] = f"<{message.unsubscribe_url}>"
        email["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    email.set_content(message.text_body, cte=_text_cte(message.text_body))
    if message.html_body:
        email.add_alternative(message.html_body, subtype="html", cte=_text_cte(message.html_body))
    if message.calendar:
        method = (message.calendar_method or "").upper()
        if method not in CALENDAR_METHODS:
            raise ValueError(f"calendar_method must be one of {CALENDAR_METHODS}, not {method!r}")
        email.add_alternative(
            message.calendar, subtype="calendar", params={"method": method}, cte=_text_cte(message.calendar)
        )
        email.add_attachment(
            message.calendar.encode("utf-8"),
            maintype="application",
            subtype="ics",
            filename="invite.ics",
            params={"name": "invite.ics"},
        )
    return email


def _text_cte(text: str) -> str | None:
    # Non-ASCII text goes quoted-printable rather than 8bit, so that any relay passes it on unchanged.
    return None if text.isascii() else "quoted-printable"


class Backend(Protocol):
    def send(self, email: EmailMessage) -> None: ...

    def close(self) -> None: ...


class ConsoleBackend:
    """Development: print each email to the terminal, readable, with its links, instead of sending it."""

    def __init__(self, stream=None):
        self._stream = stream

    def send(self, email: EmailMessage) -> None:
        stream = self._stream or sys.stdout  # looked up late, so that pytest's capsys sees it
        lines = [f"{'-' * 20} email {'-' * 20}"]
        for name in ("From", "To", "Subject", "Date", "Message-ID", "List-Unsubscribe"):
            if email[name]:
                lines.append(f"{name}: {email[name]}")
        parts = [_describe(part) for part in email.walk() if not part.is_multipart()]
        lines.append("Parts: " + ", ".join(parts))
        lines.append("")
        lines.append(email.get_body(preferencelist=("plain",)).get_content().rstrip())
        lines.append("-" * 47)
        print("\n".join(lines), file=stream, flush=True)

    def close(self) -> None:
        pass


def _describe(part: EmailMessage) -> str:
    described = part.get_content_type()
    if part.get_param("method"):
        described += f" (method={part.get_param('method')})"
    if part.get_filename():
        described += f" ({part.get_filename()})"
    return described


class SMTPBackend:
    """Deliver over SMTP, keeping one connection open for a whole pass of the worker."""

    def __init__(self, host: str, port: int = 25, username: str | None = None, password: str | None = None,
                 starttls: bool = False, timeout: float = 30.0):
        self.host, self.port = host, port
        self.username, self.password = username, password
        self.starttls, self.timeout = starttls, timeout
        self._connection: smtplib.SMTP | None = None

    def _connect(self) -> smtplib.SMTP:
        connection = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        try:
            if self.starttls:
                connection.starttls(context=ssl.create_default_context())
            if self.username:
                connection.login(self.username, self.password or "")
        except BaseException:
            connection.close()
            raise
        return connection

    def send(self, email: EmailMessage) -> None:
        try:
            if self._connection is None:
                self._connection = self._connect()
            self._connection.send_message(email)
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _ in exc.recipients.values()]
            if codes and all(code >= 500 for code in codes):
                raise PermanentFailure(f"recipient refused: {_explain(exc)}") from exc
            raise MailError(f"recipient refused for now: {_explain(exc)}") from exc
        except (smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError, smtplib.SMTPHeloError,
                smtplib.SMTPAuthenticationError, smtplib.SMTPNotSupportedError, OSError) as exc:
            self.close()
            where = f"{self.host}:{self.port}"
            raise ServerUnavailable(f"mail server {where} unavailable: {_explain(exc)}") from exc
        except smtplib.SMTPException as exc:
            # The server is still there (it answered); reset it so that the next message starts clean.
            self._reset()
            raise MailError(_explain(exc)) from exc

    def _reset(self) -> None:
        if self._connection is None:
            return
        try:
            self._connection.rset()
        except (smtplib.SMTPException, OSError):
            self.close()

    def close(self) -> None:
        if self._connection is None:
            return
        connection, self._connection = self._connection, None
        try:
            connection.quit()
        except (smtplib.SMTPException, OSError):
            connection.close()


def _explain(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    return f"{type(exc).__name__}: {text}"[:1000]


def backend_from_config(config) -> Backend:
    """The backend that the settings name: MAIL_BACKEND "smtp" or "console"."""
    name = config.get("MAIL_BACKEND", "console")
    if name == "console":
        return ConsoleBackend()
    if name == "smtp":
        if not config.get("SMTP_HOST"):
            raise ValueError("MAIL_BACKEND is 'smtp' but FLASHMOB_SMTP_HOST is not set")
        return SMTPBackend(
            config["SMTP_HOST"],
            config.get("SMTP_PORT", 25),
            username=config.get("SMTP_USERNAME"),
            password=config.get("SMTP_PASSWORD"),
            starttls=config.get("SMTP_STARTTLS", False),
            timeout=config.get("SMTP_TIMEOUT", 30.0),
        )
    raise ValueError(f"MAIL_BACKEND must be 'smtp' or 'console', not {name!r}")
