"""What arrives at a real SMTP server: text and HTML parts, headers, invitations and unsubscribe links."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import parsedate_to_datetime
from pathlib import Path

import icalendar
import pytest

from flashmob import mailer
from flashmob.extensions import db
from flashmob.mail_worker import deliver_pending
from flashmob.outbox import queue_email
from tests.mail import queue

ROOT = Path(__file__).resolve().parent.parent
UID = "event-4f1c@test.flashmob.example.org"


def invitation(method: str = "REQUEST", sequence: int = 0) -> str:
    """An iCalendar invitation as the events feature writes one: organiser, one attendee, a fixed UID."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//PMO Flashmob//Tests//EN")
    calendar.add("version", "2.0")
    calendar.add("method", method)
    event = icalendar.Event()
    event.add("uid", UID)
    event.add("sequence", sequence)
    event.add("dtstamp", datetime(2026, 11, 1, 12, 0, tzinfo=UTC))
    event.add("dtstart", datetime(2026, 12, 3, 17, 30, tzinfo=UTC))
    event.add("dtend", datetime(2026, 12, 3, 20, 0, tzinfo=UTC))
    event.add("summary", "Lessons learnt: the RAID log nobody reads")
    organizer = icalendar.vCalAddress("mailto:olu@example.org")
    organizer.params["cn"] = "Olu Organiser"
    event.add("organizer", organizer)
    attendee = icalendar.vCalAddress("mailto:mina@example.org")
    attendee.params["cn"] = "Mina Member"
    attendee.params["partstat"] = "ACCEPTED"
    event.add("attendee", attendee)
    if method == "CANCEL":
        event.add("status", "CANCELLED")
    calendar.add_component(event)
    return calendar.to_ical().decode()


def deliver_one(smtp):
    report = deliver_pending()
    assert report.sent == 1, report
    assert len(smtp.messages) == 1
    return smtp.messages[0]


def content_types(email) -> list[str]:
    return [part.get_content_type() for part in email.walk()]


def test_plain_email_arrives_with_text_sender_date_and_message_id(app, smtp):
    queued = queue()

    email = deliver_one(smtp)

    assert email.get_content_type() == "multipart/alternative"
    assert email["From"] == app.config["MAIL_FROM"]
    assert email["To"] == "mina@example.org"
    assert email["Subject"] == "You're going: Lessons learnt evening"
    assert parsedate_to_datetime(email["Date"]) == queued.created_at.replace(microsecond=0)
    assert email["Message-ID"].endswith(f"@{app.config['ICAL_DOMAIN']}>")
    text = email.get_body(preferencelist=("plain",)).get_content()
    assert "Hello Mina," in text
    assert "http://localhost/events/7" in text
    html = email.get_body(preferencelist=("html",)).get_content()
    assert '<a href="http://localhost/events/7">The event</a>' in html
    assert smtp.envelopes[0].rcpt_tos == ["mina@example.org"]


def test_email_without_html_is_a_single_text_part(app, smtp):
    message = queue()
    message.html_body = None
    db.session.commit()

    email = deliver_one(smtp)

    assert content_types(email) == ["text/plain"]
    assert "See you on Thursday." in email.get_content()


def test_invitation_arrives_as_calendar_request_part_and_ics_attachment(app, smtp):
    queue(calendar=invitation("REQUEST"), calendar_method="REQUEST")

    email = deliver_one(smtp)

    assert content_types(email) == [
        "multipart/mixed",
        "multipart/alternative", "text/plain", "text/html", "text/calendar",
        "application/ics",
    ]
    calendar_part = next(part for part in email.walk() if part.get_content_type() == "text/calendar")
    assert calendar_part.get_param("method") == "REQUEST"
    assert calendar_part.get_content_charset() == "utf-8"
    calendar = icalendar.Calendar.from_ical(calendar_part.get_content())
    assert calendar["METHOD"] == "REQUEST"
    [event] = calendar.walk("VEVENT")
    assert str(event["UID"]) == UID
    assert str(event["ORGANIZER"]) == "mailto:olu@example.org"
    assert str(event["ATTENDEE"]) == "mailto:mina@example.org"
    assert not calendar.errors and not event.errors
    attachment = next(email.iter_attachments())
    assert attachment.get_content_type() == "application/ics"
    assert attachment.get_filename() == "invite.ics"
    assert icalendar.Calendar.from_ical(attachment.get_content())["METHOD"] == "REQUEST"
    assert "Hello Mina," in email.get_body(preferencelist=("plain",)).get_content()


def test_cancellation_arrives_with_method_cancel_same_uid_and_higher_sequence(app, smtp):
    queue(calendar=invitation("CANCEL", sequence=3), calendar_method="cancel", subject="Cancelled: evening")

    email = deliver_one(smtp)

    calendar_part = next(part for part in email.walk() if part.get_content_type() == "text/calendar")
    assert calendar_part.get_param("method") == "CANCEL"
    calendar = icalendar.Calendar.from_ical(calendar_part.get_content())
    assert calendar["METHOD"] == "CANCEL"
    [event] = calendar.walk("VEVENT")
    assert str(event["UID"]) == UID
    assert event["SEQUENCE"] == 3
    assert event["STATUS"] == "CANCELLED"


def test_unsubscribe_link_becomes_one_click_headers_and_reaches_the_text(app, smtp):
    queue(unsubscribe_url="http://localhost/unsubscribe/abc123")

    email = deliver_one(smtp)

    assert email["List-Unsubscribe"] == "<http://localhost/unsubscribe/abc123>"
    assert email["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    text = email.get_body(preferencelist=("plain",)).get_content()
    assert "Stop these emails: http://localhost/unsubscribe/abc123" in text


def test_account_email_without_unsubscribe_link_has_no_list_headers(app, smtp):
    queue(kind="account")

    email = deliver_one(smtp)

    assert email["List-Unsubscribe"] is None
    assert email["List-Unsubscribe-Post"] is None


def test_non_ascii_names_and_text_arrive_intact(app, smtp):
    subject = "Zoë\u2019s evening — £5 for snacks"
    body = "Café Nero, 18:30 \u2013 bring a lesson 🎉"
    queue(subject=subject, name="Zoë", body=body)

    email = deliver_one(smtp)

    assert email["Subject"] == subject
    text = email.get_body(preferencelist=("plain",)).get_content()
    assert "Hello Zoë," in text
    assert body in text
    assert "Café Nero" in email.get_body(preferencelist=("html",)).get_content()


def test_line_breaks_in_a_subject_cannot_add_headers(app, smtp):
    queue(subject="Evening\r\nBcc: everyone@example.org")

    email = deliver_one(smtp)

    assert email["Subject"] == "Evening Bcc: everyone@example.org"
    assert email["Bcc"] is None
    assert smtp.envelopes[0].rcpt_tos == ["mina@example.org"]


def test_message_id_stays_the_same_when_a_message_is_built_again(app):
    message = queue()

    first = mailer.build_message(message, sender="a@example.org", domain="example.org")
    second = mailer.build_message(message, sender="a@example.org", domain="example.org")

    assert first["Message-ID"] == second["Message-ID"]
    assert first["Message-ID"] != mailer.build_message(
        queue(), sender="a@example.org", domain="example.org"
    )["Message-ID"]


def test_a_calendar_without_a_method_is_refused_when_queued(app):
    with pytest.raises(ValueError, match="calendar_method"):
        queue_email(
            to="mina@example.org", subject="x", template="test_message", kind="rsvp_confirmed",
            calendar=invitation(), calendar_method=None,
        )


def test_smtp_backend_without_a_host_is_a_clear_error():
    with pytest.raises(ValueError, match="FLASHMOB_SMTP_HOST"):
        mailer.backend_from_config({"MAIL_BACKEND": "smtp", "SMTP_HOST": None})
    with pytest.raises(ValueError, match="'smtp' or 'console'"):
        mailer.backend_from_config({"MAIL_BACKEND": "carrier-pigeon"})


@pytest.mark.parametrize(
    ("environment", "expected"),
    [
        ({}, "console"),
        ({"FLASHMOB_SMTP_HOST": "mail.example.org"}, "smtp"),
        ({"FLASHMOB_SMTP_HOST": "mail.example.org", "FLASHMOB_MAIL_BACKEND": "console"}, "console"),
    ],
)
def test_mail_backend_is_smtp_when_a_server_is_configured_and_console_otherwise(environment, expected):
    env = {k: v for k, v in os.environ.items() if not k.startswith("FLASHMOB_")} | environment
    result = subprocess.run(
        [sys.executable, "-c", "import config; print(config.DevelopmentConfig.MAIL_BACKEND)"],
        cwd=ROOT, env=env, capture_output=True, text=True, check=True, timeout=60,
    )
    assert result.stdout.strip() == expected


def test_date_header_is_when_the_message_was_queued_not_when_retried(app, smtp):
    message = queue()
    message.created_at = datetime(2026, 11, 20, 9, 15, tzinfo=UTC)
    message.send_after = datetime.now(UTC) - timedelta(minutes=1)
    db.session.commit()

    email = deliver_one(smtp)

    assert parsedate_to_datetime(email["Date"]) == datetime(2026, 11, 20, 9, 15, tzinfo=UTC)


@pytest.fixture
def trickling_server():
    """A server that never finishes its greeting: a continuation line every 0.1 s, for 15 s at most.

    Every read gets an answer well within the timeout, so smtplib's timeout alone never fires.
    """
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(15)
    done = threading.Event()

    def serve():
        try:
            connection, _ = listener.accept()
        except OSError:
            return
        with connection:
            until = time.monotonic() + 15
            while not done.is_set() and time.monotonic() < until:
                try:
                    connection.sendall(b"220-still thinking\r\n")
                except OSError:  # the client hung up
                    return
                done.wait(0.1)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield listener.getsockname()[1]
    done.set()
    listener.close()
    thread.join(timeout=5)


def test_a_server_that_keeps_a_worker_talking_is_cut_off_after_four_timeouts(trickling_server):
    backend = mailer.SMTPBackend("127.0.0.1", trickling_server, timeout=0.5)
    email = EmailMessage()
    email["From"], email["To"], email["Subject"] = "a@example.org", "b@example.org", "Hello"
    email.set_content("Hello")

    started = time.monotonic()
    with pytest.raises(mailer.ServerUnavailable, match="no answer within 2 s"):
        backend.send(email)
    elapsed = time.monotonic() - started
    backend.close()

    # The outbox's claim on a message lasts 4 timeouts and a minute: a live worker never outstays it.
    assert mailer.SEND_TIMEOUTS == 4
    assert elapsed < 4
