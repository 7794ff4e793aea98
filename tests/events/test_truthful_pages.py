"""Pages that say what is true for the state the evening and the reader are in: past, full, waiting, offered,
pending, cancelled; no internal words for readers; discussion times in the evening's own zone."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime, timedelta

import pytest

from flashmob.discussions.threads import services as threads
from flashmob.discussions.threads.models import ThreadKind
from flashmob.events.models import EventStatus, RsvpStatus
from flashmob.events.rsvps import services as rsvps
from flashmob.extensions import db
from flashmob.types import utcnow
from tests.discussions.archive_factories import publish_writeup
from tests.events.test_rsvp_views import rsvp_of


def text(response) -> str:
    """The page's words as a reader sees them: tags, scripts and the head left out, entities decoded."""
    page = response.get_data(as_text=True)
    main = re.search(r"<main.*?</main>", page, re.S)
    body = re.sub(r"<[^>]+>", " ", main.group(0) if main else page)
    return re.sub(r"\s+", " ", html.unescape(body))


def going(event, *users):
    for user in users:
        rsvps.rsvp_going(event, user)
    db.session.commit()


@pytest.fixture
def last_week(roles, create_event):
    """A past evening in the role matrix's chapter."""
    return create_event(roles["chapter"], title="Lessons from a portfolio reset",
                        starts_at=utcnow() - timedelta(days=7))


@pytest.fixture
def upcoming(roles, create_event):
    """One seat, a fortnight away."""
    return create_event(roles["chapter"], title="RAID logs that people read", capacity=1)


def set_past(event):
    event.starts_at = utcnow() - timedelta(days=7)
    event.ends_at = event.starts_at + timedelta(hours=2)
    db.session.commit()


# A past evening is laid out as one


@pytest.mark.parametrize("role", ["anonymous", "member", "organiser"])
def test_a_past_evening_offers_no_calendar_no_seats_and_says_it_took_place_once(
    client, as_role, role, last_week
):
    as_role(role)
    page = text(client.get(f"/events/{last_week.id}"))
    assert page.count("This event has taken place") == 1
    assert "Add to calendar" not in page and "Download .ics" not in page
    assert "seats left" not in page and "seat left" not in page
    assert "Are you going?" not in page
    assert "Sign in to RSVP" not in page


@pytest.mark.parametrize("role", ["anonymous", "member"])
def test_nobody_is_told_0_people_went_before_check_in_was_used(client, as_role, role, last_week):
    as_role(role)
    page = text(client.get(f"/events/{last_week.id}"))
    assert "0 people went" not in page
    assert "Who went" not in page


def test_before_check_in_a_past_evening_lists_who_said_they_were_going_not_who_went(
    client, login, roles, upcoming, create_user
):
    last_week = upcoming
    upcoming.capacity = None
    ada = create_user("Ada Lovelace")
    going(last_week, ada, roles["member"])
    set_past(last_week)
    page = text(client.get(f"/events/{last_week.id}"))
    assert "2 people said they were going." in page
    assert "went" not in page
    login(roles["member"])
    page = text(client.get(f"/events/{last_week.id}"))
    assert "Who said they were going" in page and "Ada Lovelace" in page
    assert "You said you were going." in page


def test_once_people_were_checked_in_the_page_says_who_went(client, login, roles, create_event, create_user):
    event = create_event(roles["chapter"])
    ada, ben = create_user("Ada Lovelace"), create_user("Ben Okri")
    going(event, ada, ben)
    set_past(event)
    rsvp_of(event, ada).checked_in_at = event.starts_at
    db.session.commit()
    page = text(client.get(f"/events/{event.id}"))
    assert "1 person went." in page
    login(ada)
    page = text(client.get(f"/events/{event.id}"))
    assert "Who went" in page and "Ben Okri" not in page
    assert "You came." in page


def test_a_past_evening_with_a_write_up_shows_what_was_learnt_before_the_plan(client, last_week):
    publish_writeup(last_week, [{"statement": "Name one owner per risk"}])
    db.session.commit()
    page = text(client.get(f"/events/{last_week.id}"))
    assert "What we learnt" in page and "Name one owner per risk" in page
    assert page.index("What we learnt") < page.index("About this event")


# The RSVP button says what it does; each answer has its own colour


def test_a_full_events_button_says_join_the_waitlist(client, login, roles, upcoming, create_user):
    going(upcoming, create_user("Ada Lovelace"))
    login(roles["member"])
    page = client.get(f"/events/{upcoming.id}").get_data(as_text=True)
    assert "Join the waitlist</button>" in page
    assert ">Going</button>" not in page


def test_an_event_with_seats_says_going(client, login, roles, upcoming):
    login(roles["member"])
    page = client.get(f"/events/{upcoming.id}").get_data(as_text=True)
    assert ">Going</button>" in page and "Join the waitlist" not in page


def test_on_the_waitlist_the_button_says_leave_the_waitlist_in_the_waiting_colour(
    client, login, roles, upcoming, create_user
):
    going(upcoming, create_user("Ada Lovelace"), roles["member"])
    login(roles["member"])
    page = client.get(f"/events/{upcoming.id}").get_data(as_text=True)
    assert "Leave the waitlist</button>" in page
    assert "Not going</button>" not in page
    assert 'class="rsvp-state rsvp-state--waiting"' in page


def test_going_offered_and_pending_each_have_their_own_colour(client, login, roles, upcoming, create_user):
    login(roles["member"])
    going(upcoming, roles["member"])
    assert 'rsvp-state--going"' in client.get(f"/events/{upcoming.id}").get_data(as_text=True)

    rsvp = rsvp_of(upcoming, roles["member"])
    rsvp.status = RsvpStatus.OFFERED
    rsvp.offer_expires_at = utcnow() + timedelta(hours=4)
    db.session.commit()
    page = client.get(f"/events/{upcoming.id}").get_data(as_text=True)
    assert 'rsvp-state--offered"' in page and "Claim my seat" in page

    rsvp.status = RsvpStatus.PENDING
    db.session.commit()
    page = client.get(f"/events/{upcoming.id}").get_data(as_text=True)
    assert 'rsvp-state--waiting"' in page and "Withdraw my request</button>" in page


def test_the_account_page_colours_each_answer(client, login, roles, create_event, create_user):
    full = create_event(roles["chapter"], title="Full evening", capacity=1)
    going(full, create_user("Ada Lovelace"), roles["member"])
    open_one = create_event(roles["chapter"], title="Open evening")
    going(open_one, roles["member"])
    login(roles["member"])
    page = client.get("/account").get_data(as_text=True)
    assert '<span class="badge badge--waiting">On the waitlist</span>' in page
    assert '<span class="badge badge--going">Going</span>' in page


# A cancelled event says so everywhere


def cancel(event):
    event.status = EventStatus.CANCELLED
    event.cancelled_at = utcnow()
    db.session.commit()


def test_a_cancelled_event_says_so_and_nobody_is_told_they_are_going(client, login, roles, upcoming):
    going(upcoming, roles["member"])
    cancel(upcoming)
    login(roles["member"])
    page = text(client.get(f"/events/{upcoming.id}"))
    assert "This event is cancelled" in page
    assert "You're going" not in page
    assert "seats left" not in page and "seat left" not in page and "people are going" not in page
    assert "Who's coming" not in page


def test_the_account_page_shows_a_cancelled_evening_as_cancelled_not_going(
    client, login, roles, upcoming
):
    going(upcoming, roles["member"])
    cancel(upcoming)
    login(roles["member"])
    page = client.get("/account").get_data(as_text=True)
    card = page[page.index(upcoming.title) - 600: page.index(upcoming.title) + 600]
    assert "Cancelled" in card
    assert "Going" not in card


@pytest.mark.parametrize("path", ["/events", "/chapters/birmingham"])
def test_lists_mark_a_cancelled_event(client, upcoming, path):
    cancel(upcoming)
    page = client.get(path).get_data(as_text=True)
    card = page[page.index(upcoming.title) - 600: page.index(upcoming.title) + 600]
    assert '<span class="badge badge--cancelled">Cancelled</span>' in card


# Internal words stay internal


@pytest.mark.parametrize("role", ["anonymous", "member", "organiser"])
def test_a_published_event_has_no_published_badge_and_one_link_back_to_its_chapter(
    client, as_role, role, upcoming
):
    as_role(role)
    page = client.get(f"/events/{upcoming.id}").get_data(as_text=True)
    assert "Published" not in text(client.get(f"/events/{upcoming.id}"))
    assert page.count('href="/chapters/birmingham"') == 1


def test_a_chapter_named_for_its_city_does_not_say_the_city_twice(client, roles, create_chapter):
    create_chapter("West Yorkshire", city="Leeds")
    for path in ("/chapters/birmingham", "/chapters"):
        page = client.get(path).get_data(as_text=True)
        assert "<span>Birmingham</span>" not in page
    # A city the name does not say is still shown.
    assert "<span>Leeds</span>" in client.get("/chapters").get_data(as_text=True)


# Discussion times are the evening's


def test_comment_times_are_shown_in_the_evenings_time_zone(client, roles, create_event):
    event = create_event(roles["chapter"], timezone="America/New_York")
    thread = threads.thread_for_subject(ThreadKind.EVENT, event.id, event.chapter_id)
    posted = datetime(2026, 1, 15, 18, 5, tzinfo=UTC)
    threads.add_post(thread, "See you there", actor=roles["member"], now=posted)
    db.session.commit()
    page = text(client.get(f"/events/{event.id}"))
    assert "15 Jan 2026, 13:05 EST" in page
    assert "18:05" not in page
