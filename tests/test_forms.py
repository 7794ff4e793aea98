"""What every form does with what people type: control characters never reach the database."""

from __future__ import annotations

from flashmob.extensions import db
from flashmob.forms import strip_control_characters
from flashmob.members.models import User
from flashmob.types import utcnow


def test_control_characters_are_stripped_but_line_breaks_and_tabs_kept():
    assert strip_control_characters("Gate\x00way\x01 review\r\n\tnotes\x7f") == "Gateway review\r\n\tnotes"


def test_a_nul_typed_into_a_profile_is_dropped_instead_of_failing_the_save(client, create_user, login):
    member = login(create_user("Nia", email_confirmed_at=utcnow()))
    response = client.post(
        "/account/profile",
        data={"display_name": "Nia\x00 Patel", "headline": "PMO\x01 lead", "bio": "Ask me\x00 about it"},
    )
    assert response.status_code == 302
    saved = db.session.get(User, member.id)
    db.session.refresh(saved)
    assert saved.display_name == "Nia Patel"
    assert saved.profile.headline == "PMO lead"
    assert saved.profile.bio == "Ask me about it"


def test_a_nul_typed_into_an_event_title_is_dropped(client, roles, login, create_event):
    event = create_event(roles["chapter"], title="Summer social")
    login(roles["organiser"])
    page = client.get(f"/events/{event.id}/edit")
    assert page.status_code == 200
    response = client.post(
        f"/events/{event.id}/edit",
        data={
            "title": "Summer\x00 social",
            "timezone": event.timezone,
            "starts_at": event.local_starts_at.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": event.local_ends_at.strftime("%Y-%m-%dT%H:%M"),
            "venue_name": event.venue_name,
            "venue_address": event.venue_address,
            "description": "Bring\x00 a story",
            "capacity": str(event.capacity),
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    db.session.refresh(event)
    assert event.title == "Summer social"
    assert event.description == "Bring a story"
