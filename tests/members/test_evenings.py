"""Where a member will be and where they have been: on their account page, and on their profile so
that others know where to meet them."""

from __future__ import annotations

import html
from datetime import timedelta

import pytest

from flashmob.events.models import EventStatus, Rsvp, RsvpStatus
from flashmob.events.rsvps import services as rsvps
from flashmob.extensions import db
from flashmob.types import utcnow


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


@pytest.fixture
def evenings(roles, create_event, create_user):
    """Ada goes to one evening, waits for a full one, went to one, skipped one she said yes to."""
    chapter = roles["chapter"]
    ada = create_user("Ada Lovelace", headline="PMO lead", visibility="everyone")
    soon = create_event(chapter, title="RAID logs that people read", starts_at=utcnow() + timedelta(days=7))
    full = create_event(chapter, title="Gateway reviews", capacity=1, starts_at=utcnow() + timedelta(days=9))
    draft = create_event(chapter, title="Secret planning", status=EventStatus.DRAFT)
    rsvps.rsvp_going(soon, ada)
    rsvps.rsvp_going(full, roles["member"])
    rsvps.rsvp_going(full, ada)
    db.session.commit()

    went = create_event(chapter, title="Reporting that matters", starts_at=utcnow() - timedelta(days=30))
    skipped = create_event(chapter, title="Benefits, honestly", starts_at=utcnow() - timedelta(days=60))
    for event in (went, skipped):
        db.session.add(Rsvp(event=event, user=ada, status=RsvpStatus.GOING))
        db.session.add(Rsvp(event=event, user=roles["member"], status=RsvpStatus.GOING))
    db.session.flush()
    # At the evening she skipped, the organisers checked people in, and she was not among them.
    skipped_rsvp = db.session.query(Rsvp).filter_by(event_id=skipped.id, user_id=roles["member"].id).one()
    skipped_rsvp.checked_in_at = skipped.starts_at
    db.session.commit()
    return {"ada": ada, "soon": soon, "full": full, "draft": draft, "went": went, "skipped": skipped}


def test_your_account_lists_your_next_evenings_with_your_place_at_each(client, login, evenings):
    login(evenings["ada"])
    page = text(client.get("/account"))
    assert "Your next evenings" in page
    assert "RAID logs that people read" in page
    assert "Gateway reviews" in page
    assert "On the waitlist" in page
    assert "Evenings you've been to" in page
    assert "Reporting that matters" in page
    assert "Benefits, honestly" not in page
    assert "Secret planning" not in page


def test_an_account_with_no_evenings_points_to_what_is_coming_up(client, login, create_user):
    login(create_user("Nell Newcomer"))
    page = text(client.get("/account"))
    assert "You have no evenings coming up." in page
    assert 'href="/events"' in page


def test_a_profile_shows_signed_in_people_where_to_meet_the_member(client, login, roles, evenings):
    login(roles["member"])
    page = text(client.get(f"/members/{evenings['ada'].id}"))
    assert "Where to meet Ada Lovelace" in page
    assert "RAID logs that people read" in page
    # Others see where she has a seat, not where she waits.
    assert "Gateway reviews" not in page
    assert "On the waitlist" not in page
    assert "Evenings Ada Lovelace has been to" in page
    assert "Reporting that matters" in page
    assert "Benefits, honestly" not in page


def test_anonymous_readers_are_asked_to_sign_in_to_see_where_a_member_will_be(client, evenings):
    page = text(client.get(f"/members/{evenings['ada'].id}"))
    assert "to see where to meet Ada Lovelace" in page
    assert "RAID logs that people read" not in page


def test_profile_queries_do_not_grow_with_the_evenings(
    client, login, roles, evenings, create_event, count_queries
):
    login(roles["member"])
    with count_queries() as few:
        assert client.get(f"/members/{evenings['ada'].id}").status_code == 200
    for n in range(6):
        starts_at = utcnow() + timedelta(days=20 + n)
        event = create_event(roles["chapter"], title=f"Evening {n}", starts_at=starts_at)
        rsvps.rsvp_going(event, evenings["ada"])
    db.session.commit()
    with count_queries() as many:
        page = text(client.get(f"/members/{evenings['ada'].id}"))
    assert "Evening 5" in page
    assert many.count == few.count
