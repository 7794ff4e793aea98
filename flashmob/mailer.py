"""Turning an outbox row into a MIME email, and the backends that deliver it (SMTP, or the console)."""

from __future__ import annotations

import contextlib
import smtplib
import socket
import ssl
import sys
import threading
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime
from typing import TYPE_CHECKING, NoReturn, Protocol

if TYPE_CHECKING:
    from flashmob.outbox import OutboxMessage

CALENDAR_METHODS = ("REQUEST", "CANCEL")
# The most SMTP timeouts (FLASHMOB_SMTP_TIMEOUT) that sending one email may take, all told: connecting
# (with the greeting and EHLO), STARTTLS, logging in and sending get one each. SMTPBackend hangs up
# when they run out, and the outbox sizes a worker's claim on a message from them (outbox.claim_window).
SEND_TIMEOUTS = 4


class MailError(Exception):
    """A message could not be delivered this time; it will be tried again later."""


class ServerUnavailable(MailError):
    """The mail server could not be reached or would not let us in: the message was not tried, and no
    other message can be in this pass."""


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
    if message.reply_to:
        email["Reply-To"] = message.reply_to
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
    """Deliver over SMTP, keeping one connection open for a whole pass of the worker.

    send() tells an outage from a failure of the email. ServerUnavailable: the server could not be
    reached or would not let us in (refused, DNS, a timeout, the greeting, STARTTLS, the login), so the
    email was not tried. Any other MailError: the server took the connection and then failed on this
    email, hanging up included, so the try counts (and an email that always makes the server hang up
    is given up in the end). Connecting and sending one email take at most SEND_TIMEOUTS timeouts.
    """

    def __init__(self, host: str, port: int = 25, username: str | None = None, password: str | None = None,
                 starttls: bool = False, timeout: float = 30.0):
        self.host, self.port = host, port
        self.username, self.password = username, password
        self.starttls, self.timeout = starttls, timeout
        self._connection: smtplib.SMTP | None = None

    def send(self, email: EmailMessage) -> None:
        with _Watchdog(self.timeout * SEND_TIMEOUTS) as watchdog:
            if self._connection is not None:
                watchdog.connection = self._connection
                try:
                    self._connection.send_message(email)
                    return
                except (smtplib.SMTPException, OSError) as exc:
                    if self._connection.sock is not None or watchdog.expired:
                        self._fail(exc, watchdog)
                # The server closed the connection kept from the last email (it was idle, or had
                # carried as many as the server allows): that says nothing about this one, so try a new one.
                self.close()
            self._connection = self._connect(watchdog)
            try:
                self._connection.send_message(email)
            except (smtplib.SMTPException, OSError) as exc:
                self._fail(exc, watchdog)

    def _connect(self, watchdog: _Watchdog) -> smtplib.SMTP:
        connection = smtplib.SMTP(timeout=self.timeout)  # no host: connect() below, under the watchdog
        watchdog.connection = connection
        try:
            code, reply = connection.connect(self.host, self.port)
            if watchdog.expired:  # it ran out during the TCP connect, before there was a socket to close
                raise TimeoutError
            if code != 220:
                raise smtplib.SMTPConnectError(code, reply)
            connection.ehlo_or_helo_if_needed()
            if self.starttls:
                connection.starttls(context=ssl.create_default_context())
                connection.ehlo_or_helo_if_needed()
            if self.username:
                connection.login(self.username, self.password or "")
        except (smtplib.SMTPException, OSError) as exc:
            connection.close()
            reason = watchdog.reason() or _explain(exc)
            raise ServerUnavailable(f"mail server {self.host}:{self.port} unavailable: {reason}") from exc
        except BaseException:
            connection.close()
            raise
        return connection

    def _fail(self, exc: BaseException, watchdog: _Watchdog) -> NoReturn:
        """Raise the MailError for a failure once the server had taken the connection: this email's try."""
        if isinstance(exc, smtplib.SMTPRecipientsRefused):
            codes = [code for code, _ in exc.recipients.values()]
            if codes and all(code >= 500 for code in codes):
                raise PermanentFailure(f"recipient refused: {_explain(exc)}") from exc
            raise MailError(f"recipient refused for now: {_explain(exc)}") from exc
        if self._connection is None or self._connection.sock is None:  # the server hung up, or we did
            self.close()
            reason = watchdog.reason() or _explain(exc)
            raise MailError(f"mail server {self.host}:{self.port} hung up on this email: {reason}") from exc
        # The server is still there (it answered); reset it so that the next message starts clean.
        self._reset()
        if isinstance(exc, smtplib.SMTPNotSupportedError):  # an address that needs SMTPUTF8, say
            raise PermanentFailure(f"the mail server cannot take this email: {_explain(exc)}") from exc
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


class _Watchdog:
    """Hangs up the connection it watches when its time runs out, whatever smtplib is waiting for.

    smtplib's timeout bounds each read and write, not a whole exchange: a server that trickles a reply
    a line at a time would hold a worker past its claim on the message, and another worker would send
    it too. Only the DNS look-up and the TCP connect run outside the watchdog's reach (bounded by the
    resolver and by the timeout for each address).
    """

    def __init__(self, seconds: float):
        self.seconds = seconds
        self.expired = False
        self.connection: smtplib.SMTP | None = None
        self._timer = threading.Timer(seconds, self._hang_up)
        self._timer.daemon = True

    def __enter__(self) -> _Watchdog:
        self._timer.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._timer.cancel()

    def reason(self) -> str | None:
        return f"no answer within {self.seconds:g} s" if self.expired else None

    def _hang_up(self) -> None:
        self.expired = True
        sock = getattr(self.connection, "sock", None)
        if sock is not None:
            with contextlib.suppress(OSError):
                # The plain socket's shutdown, even under TLS: it wakes the blocked read or write in the
                # sending thread without touching the TLS state that thread is using.
                socket.socket.shutdown(sock, socket.SHUT_RDWR)


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
