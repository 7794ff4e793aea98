"""Rule errors: one base class, answered in one place, as a page or as JSON."""

from __future__ import annotations

from datetime import timedelta

import pytest

from flashmob import create_app
from flashmob.errors import Refused, RuleError
from flashmob.events.chapters.services import ChapterError
from flashmob.events.checkin.services import CheckInError
from flashmob.events.evenings.interests import InterestError
from flashmob.events.evenings.services import EventError
from flashmob.events.messaging.emails import MessageError
from flashmob.events.models import EventStatus, Rsvp
from flashmob.events.rsvps.services import RsvpError
from flashmob.extensions import db
from flashmob.members.services import AccountError, InvalidLink
from flashmob.types import utcnow

JSON = {"Accept": "application/json"}


@pytest.mark.parametrize(
    "error", [EventError, ChapterError, RsvpError, CheckInError, MessageError, InterestError, AccountError]
)
def test_every_domain_error_is_a_rule_error(error):
    assert issubclass(error, RuleError)


def test_a_rule_about_the_state_is_409_and_one_about_a_field_is_422():
    assert CheckInError("Check-in closed.").status == 409
    refused = MessageError("Please write a subject.", field="subject")
    assert (refused.status, refused.field) == (422, "subject")
    assert refused.to_dict() == {"error": "Please write a subject.", "field": "subject"}
    # Account errors keep the statuses their pages always had.
    assert InvalidLink().status == 400


def test_a_refusal_that_wants_json_gets_the_message_and_field_with_the_status(
    client, login, roles, create_event
):
    cancelled = create_event(roles["chapter"], status=EventStatus.CANCELLED)
    login(roles["member"])
    response = client.post(f"/events/{cancelled.id}/rsvp/going", headers=JSON)
    assert response.status_code == 409
    assert response.is_json
    assert response.get_json() == {"error": "This event has been cancelled. RSVPs are closed.", "field": None}
    assert db.session.query(Rsvp).count() == 0


def test_a_refusal_in_a_browser_shows_the_page_again_with_the_message(client, login, roles, create_event):
    cancelled = create_event(roles["chapter"], status=EventStatus.CANCELLED)
    login(roles["member"])
    response = client.post(f"/events/{cancelled.id}/rsvp/going")
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert '<p class="flash flash--error">This event has been cancelled. RSVPs are closed.</p>' in page
    assert f"<h1>{cancelled.title}</h1>" in page


def test_a_state_refusal_from_a_permission_says_why_as_json(client, login, roles, create_event):
    past = create_event(roles["chapter"], starts_at=utcnow() - timedelta(days=2))
    login(roles["organiser"])
    response = client.post(f"/events/{past.id}/cancel", data={"reason": ""}, headers=JSON)
    assert response.status_code == 409
    assert response.get_json() == {
        "error": "This event has already taken place, so it cannot be cancelled.",
        "field": None,
    }


def test_a_refusal_no_view_planned_for_gets_the_error_page_with_a_way_back(database_url):
    refusing = create_app({"SQLALCHEMY_DATABASE_URI": database_url})

    @refusing.route("/refuse")
    def refuse():
        raise RuleError("That seat has gone.")

    client = refusing.test_client()
    response = client.get("/refuse", headers={"Referer": "http://localhost/events/7?page=2"})
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "That seat has gone." in page
    assert 'href="/events/7?page=2">Go back' in page
    # A referrer elsewhere is not linked to.
    elsewhere = client.get("/refuse", headers={"Referer": "https://evil.example/"}).get_data(as_text=True)
    assert "evil.example" not in elsewhere
    with refusing.app_context():
        db.engine.dispose()


def test_a_refused_permission_is_falsy_and_carries_the_reason():
    refused = Refused("This event is already cancelled.")
    assert not refused
    assert refused.message == "This event is already cancelled."
