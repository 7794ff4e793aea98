"""One home per rule: the predicate a template hides a button with is the rule the view refuses with."""

from __future__ import annotations

import html
from datetime import timedelta

import pytest

from flashmob.events.models import EventStatus, RsvpStatus
from flashmob.events.permissions import can_cancel_event, can_join_chapter, can_publish_event
from flashmob.events.rsvps import queries
from flashmob.events.rsvps import services as rsvps
from flashmob.extensions import db
from flashmob.types import utcnow


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


@pytest.mark.parametrize("which", ["cancelled", "past"])
def test_an_event_that_cannot_be_cancelled_shows_no_button_and_refuses_with_the_same_reason(
    client, login, roles, create_event, which
):
    event = (
        create_event(roles["chapter"], status=EventStatus.CANCELLED)
        if which == "cancelled"
        else create_event(roles["chapter"], starts_at=utcnow() - timedelta(days=2))
    )
    organiser = login(roles["organiser"])
    refused = can_cancel_event(organiser, event)
    assert not refused

    assert "Cancel event" not in text(client.get(f"/events/{event.id}"))
    for response in (client.get(f"/events/{event.id}/cancel"), client.post(f"/events/{event.id}/cancel")):
        assert response.status_code == 409
        assert refused.message in text(response)
    db.session.expire_all()
    assert db.session.get(type(event), event.id).cancellation_reason == ""


def test_a_published_event_shows_no_publish_button_and_refuses_with_the_same_reason(
    client, login, roles, create_event
):
    event = create_event(roles["chapter"])
    organiser = login(roles["organiser"])
    refused = can_publish_event(organiser, event)
    assert refused.message == "This event is already published."

    assert f'action="/events/{event.id}/publish"' not in text(client.get(f"/events/{event.id}"))
    assert "Save and publish" not in text(client.get(f"/events/{event.id}/edit"))
    response = client.post(f"/events/{event.id}/publish")
    assert response.status_code == 409
    assert refused.message in text(response)


def test_a_member_sees_no_join_button_and_joining_again_says_why(client, login, roles):
    member = login(roles["member"])
    refused = can_join_chapter(member, roles["chapter"])
    assert refused.message == "You are already a member of Birmingham."

    assert 'action="/chapters/birmingham/join"' not in text(client.get("/chapters/birmingham"))
    response = client.post("/chapters/birmingham/join")
    assert response.status_code == 409
    assert refused.message in text(response)


@pytest.mark.parametrize(
    "which, reason",
    [
        ("ended", "This event has taken place."),
        ("started", "RSVPs closed when the event started."),
        ("cancelled", "This event has been cancelled. RSVPs are closed."),
        ("draft", "This event is not open for RSVPs yet: they open when it is published."),
    ],
)
def test_the_event_page_says_why_rsvps_are_closed_and_answering_is_refused_with_the_same_words(
    client, login, roles, create_event, which, reason
):
    starts_at = {"ended": utcnow() - timedelta(days=1), "started": utcnow() - timedelta(minutes=30)}
    statuses = {"cancelled": EventStatus.CANCELLED, "draft": EventStatus.DRAFT}
    status = statuses.get(which, EventStatus.PUBLISHED)
    event = create_event(roles["chapter"], status=status, starts_at=starts_at.get(which))
    # An organiser, who may see a draft too.
    login(roles["organiser"])
    assert rsvps.rsvps_closed_reason(event, utcnow()) == reason

    page = text(client.get(f"/events/{event.id}"))
    assert f"<p>{reason}</p>" in page
    assert "Going</button>" not in page
    response = client.post(f"/events/{event.id}/rsvp/going")
    assert response.status_code == 409
    assert reason in text(response)


def test_seats_left_is_one_rule_for_the_service_the_panel_and_the_attendee_sheet(
    roles, create_event, create_user
):
    event = create_event(roles["chapter"], capacity=3, starts_at=utcnow() + timedelta(hours=20))
    ada, ben, cleo = (create_user(name) for name in ("Ada", "Ben", "Cleo"))
    for person in (ada, ben, cleo):
        rsvps.rsvp_going(event, person)
    rsvps.rsvp_going(event, create_user("Dev"))  # in line
    rsvps.rsvp_not_going(event, ada)  # her seat is offered to Dev: still held
    db.session.commit()
    assert rsvps.rsvp_for(event, ben).status == RsvpStatus.GOING

    panel = queries.rsvp_panel(event, None, show_people=False)
    sheet = queries.attendee_sheet(event)
    assert event.seats_left(3) == 0
    assert rsvps.free_seats(event) == panel.seats_left == sheet.seats_left == 0
    rsvps.rsvp_not_going(event, ben)  # nobody left in line: the seat stays free
    db.session.commit()
    assert rsvps.free_seats(event) == queries.rsvp_panel(event, None, show_people=False).seats_left == 1
    assert queries.attendee_sheet(event).seats_left == event.seats_left(2) == 1
