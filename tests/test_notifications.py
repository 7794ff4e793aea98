"""Members choose which emails they get: settings, one-click unsubscribe links and headers, opt-outs kept."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from markupsafe import escape
from sqlalchemy import func, select

from flashmob import notifications
from flashmob.email_kinds import SETTING_LABELS, EmailSetting
from flashmob.events.rsvps import services as rsvps
from flashmob.extensions import db
from flashmob.mail_worker import deliver_pending
from flashmob.members.models import EmailOptOut
from flashmob.outbox import OutboxMessage, queue_email
from tests.mail import render_queued


def opt_outs(user) -> set[str]:
    return set(db.session.scalars(select(EmailOptOut.kind).where(EmailOptOut.user_id == user.id)))


def queued(kind: str | None = None) -> int:
    render_queued()
    statement = select(func.count(OutboxMessage.id))
    if kind:
        statement = statement.where(OutboxMessage.kind == kind)
    return db.session.scalar(statement)


def text_of(email) -> str:
    return email.get_body(preferencelist=("plain",)).get_content()


def one_click_url(email) -> str:
    """The address in the List-Unsubscribe header (RFC 8058)."""
    return re.fullmatch(r"<(.+)>", email["List-Unsubscribe"].strip()).group(1)


def path_of(url: str) -> str:
    return urlsplit(url).path


@pytest.fixture
def ada(create_user):
    return create_user("Ada Lovelace", email="ada@example.org")


def confirm_seat(event, user):
    rsvps.rsvp_going(event, user)
    db.session.commit()


# Which kinds can be stopped


def test_every_rsvp_email_belongs_to_the_rsvp_kind_and_account_mail_to_none():
    assert notifications.preference_for("rsvp_confirmed") == "rsvp"
    assert notifications.preference_for("rsvp_offer_expired") == "rsvp"
    assert notifications.preference_for("event_cancelled") == "event_changes"
    assert notifications.preference_for("reminder") == "reminders"
    assert notifications.preference_for("organiser_message") == "organiser_messages"
    assert notifications.preference_for("date_announced") == "date_announced"
    assert notifications.preference_for("account") is None


def test_account_email_is_sent_even_to_someone_who_stopped_every_kind(ada):
    notifications.set_wanted_kinds(ada.id, [])
    message = queue_email(
        to=ada.email,
        subject="Reset",
        template="test_message",
        kind="account",
        user_id=ada.id,
        name="Ada",
        body="x",
        event_url="http://localhost/",
    )
    db.session.commit()
    assert message is not None and message.unsubscribe_url is None
    assert opt_outs(ada) == set(EmailSetting)


def test_stopping_rsvp_email_stops_exactly_that_kind(ada, create_event):
    event = create_event()
    notifications.stop_kind(ada.id, "rsvp")
    db.session.commit()

    confirm_seat(event, ada)
    assert queued("rsvp_confirmed") == 0
    rsvp = rsvps.rsvp_for(event, ada)
    queue_email(
        to=ada.email,
        subject="Tomorrow",
        template="reminder",
        kind="reminder",
        user_id=ada.id,
        event=event,
        rsvp=rsvp,
        user=ada,
        event_url="http://localhost/events/1",
        site_name="PMO",
    )
    db.session.commit()
    assert queued("reminder") == 1


def test_stopping_a_kind_twice_keeps_one_opt_out(ada):
    notifications.stop_kind(ada.id, "reminders")
    notifications.stop_kind(ada.id, "reminders")
    db.session.commit()
    assert db.session.scalar(select(func.count(EmailOptOut.id))) == 1


# What arrives


def test_rsvp_email_arrives_with_event_link_unsubscribe_link_and_one_click_headers(
    app, smtp, ada, create_event
):
    event = create_event(title="Lessons learnt: the RAID log nobody reads")
    confirm_seat(event, ada)

    assert deliver_pending().sent == 1
    email = smtp.messages[0]
    text = text_of(email)
    assert f"http://localhost/events/{event.id}" in text
    url = one_click_url(email)
    assert path_of(url).startswith("/unsubscribe/")
    assert email["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert f"Stop these emails with one click: {url}" in text
    assert "Your RSVPs and waitlist" in text
    assert "http://localhost/account/emails" in text


def test_mail_clients_one_click_post_stops_the_kind_without_a_csrf_token(
    app, smtp, client, ada, create_event, csrf_enabled
):
    event = create_event()
    confirm_seat(event, ada)
    deliver_pending()
    url = one_click_url(smtp.messages[0])

    response = client.post(path_of(url), data={"List-Unsubscribe": "One-Click"})

    assert response.status_code == 200
    assert opt_outs(ada) == {"rsvp"}
    rsvps.rsvp_not_going(event, ada)
    confirm_seat(event, ada)
    assert queued("rsvp_confirmed") == 1  # the first one only


# The unsubscribe page


def test_opening_an_unsubscribe_link_asks_first_and_changes_nothing(client, ada):
    token = notifications.unsubscribe_token(ada.id, "reminders")

    response = client.get(f"/unsubscribe/{token}")

    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Stop &ldquo;Reminders the day before&rdquo; emails?" in page
    assert "Stop these emails</button>" in page
    assert opt_outs(ada) == set()


def test_the_button_stops_the_kind_and_offers_the_settings_to_undo(client, ada):
    token = notifications.unsubscribe_token(ada.id, "organiser_messages")

    response = client.post(f"/unsubscribe/{token}")

    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Emails stopped" in page
    assert "Messages from organisers" in page
    assert 'href="/account/emails"' in page
    assert opt_outs(ada) == {"organiser_messages"}


def test_an_unsubscribe_link_opened_again_says_it_is_already_stopped(client, ada):
    token = notifications.unsubscribe_token(ada.id, "reminders")
    client.post(f"/unsubscribe/{token}")

    page = client.get(f"/unsubscribe/{token}").get_data(as_text=True)

    assert "already stopped" in page
    assert opt_outs(ada) == {"reminders"}


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_forged_or_cut_short_link_gets_a_friendly_400_and_changes_nothing(client, ada, method):
    token = notifications.unsubscribe_token(ada.id, "rsvp")
    other = notifications.unsubscribe_token(ada.id + 1, "rsvp")
    forged = other.split(".")[0] + "." + token.split(".")[1]

    for bad in (forged, token[:-3], "not-a-token"):
        response = getattr(client, method)(f"/unsubscribe/{bad}")
        assert response.status_code == 400
        assert "That unsubscribe link did not work" in response.get_data(as_text=True)
    assert opt_outs(ada) == set()


def test_a_link_for_a_kind_we_do_not_have_is_refused(client, app, ada):
    from itsdangerous import URLSafeSerializer

    token = URLSafeSerializer(app.config["SECRET_KEY"], salt="flashmob.unsubscribe").dumps(
        [ada.id, "account"]
    )

    assert client.post(f"/unsubscribe/{token}").status_code == 400
    assert opt_outs(ada) == set()


def test_a_link_for_a_deleted_account_is_not_found(client, ada):
    token = notifications.unsubscribe_token(ada.id, "rsvp")
    db.session.delete(ada)
    db.session.commit()

    assert client.post(f"/unsubscribe/{token}").status_code == 404


# The settings page


def test_settings_need_signing_in(client):
    response = client.get("/account/emails")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    response = client.post("/account/emails", data={})
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_settings_show_a_labelled_checkbox_for_every_kind_ticked_until_stopped(client, login, ada):
    notifications.stop_kind(ada.id, "reminders")
    db.session.commit()
    login(ada)

    page = client.get("/account/emails").get_data(as_text=True)

    for setting, label in SETTING_LABELS.items():
        assert f'<label for="{setting.value}">{escape(label)}</label>' in page
    assert re.search(r'<input[^>]*checked[^>]*id="rsvp"', page) or re.search(
        r'<input[^>]*id="rsvp"[^>]*checked', page
    )
    assert not re.search(r'<input[^>]*id="reminders"[^>]*checked', page)
    assert not re.search(r'<input[^>]*checked[^>]*id="reminders"', page)


def test_saving_settings_stops_the_unticked_kinds_and_restarts_the_ticked(client, login, ada):
    notifications.stop_kind(ada.id, "rsvp")
    db.session.commit()
    login(ada)

    response = client.post(
        "/account/emails", data={"rsvp": "y", "event_changes": "y", "reminders": "y"}, follow_redirects=True
    )

    assert response.status_code == 200
    assert "Your email settings are saved." in response.get_data(as_text=True)
    # Every setting left unticked is stopped, whatever settings there are.
    ticked = {"rsvp", "event_changes", "reminders"}
    assert opt_outs(ada) == {setting.value for setting in EmailSetting} - ticked


def test_saving_settings_needs_a_csrf_token(client, login, ada, csrf_enabled):
    login(ada)
    assert client.post("/account/emails", data={}).status_code == 400
    assert opt_outs(ada) == set()


def test_the_account_page_links_to_the_email_settings(client, login, ada):
    login(ada)
    page = client.get("/account").get_data(as_text=True)
    assert 'href="/account/emails"' in page
