"""Calendar feeds on the web: .ics files, chapter, all-chapter and personal feeds, subscribing, and
conditional requests; every answer read back by icalendar and by vobject."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import icalendar
import pytest
import vobject
from sqlalchemy import select

from flashmob.events.models import EventStatus
from flashmob.events.rsvps import services as rsvps
from flashmob.extensions import db
from flashmob.members.models import User
from tests.conftest import ROLE_NAMES
from tests.events.conftest import signs_in

BASE_URL = "http://localhost"  # TestingConfig.BASE_URL
CALENDAR_TYPE = "text/calendar; charset=utf-8"


def parse(response) -> icalendar.Calendar:
    """A calendar answer, read with both parsers; fails on anything either finds wrong."""
    assert response.status_code == 200, response.status_code
    assert response.headers["Content-Type"] == CALENDAR_TYPE
    data = response.get_data()
    calendar = icalendar.Calendar.from_ical(data)
    for component in calendar.walk():
        assert component.errors == [], (component.name, component.errors)
    other = vobject.readOne(data.decode("utf-8"))
    other.validate()
    theirs = {str(vevent.uid.value): vevent for vevent in getattr(other, "vevent_list", [])}
    ours = {str(vevent["UID"]): vevent for vevent in calendar.walk("VEVENT")}
    assert theirs.keys() == ours.keys()
    for uid, vevent in ours.items():
        assert theirs[uid].summary.value == str(vevent["SUMMARY"])
        assert theirs[uid].dtstart.value == vevent.decoded("DTSTART")
        assert str(theirs[uid].status.value) == str(vevent["STATUS"])
    return calendar


def vevents(calendar: icalendar.Calendar) -> dict[str, icalendar.Event]:
    return {str(vevent["UID"]): vevent for vevent in calendar.walk("VEVENT")}


def titles(calendar: icalendar.Calendar) -> set[str]:
    return {str(vevent["SUMMARY"]) for vevent in calendar.walk("VEVENT")}


@pytest.fixture
def events(roles, create_event):
    """Birmingham: one upcoming, one cancelled, one draft; London: one upcoming."""
    chapter, other = roles["chapter"], roles["other_chapter"]
    return {
        "upcoming": create_event(chapter, title="Lessons in the lounge"),
        "cancelled": create_event(
            chapter, title="Called off", status=EventStatus.CANCELLED, cancelled_at=datetime.now(UTC)
        ),
        "draft": create_event(chapter, title="Secret plans", status=EventStatus.DRAFT),
        "london": create_event(other, title="London calling"),
    }


def personal_url(user: User) -> str:
    db.session.refresh(user)
    return f"/calendar/{user.calendar_token}.ics"


def give_calendar_token(user: User) -> str:
    user.reset_calendar_token()
    db.session.commit()
    return personal_url(user)


# One event's .ics file


@pytest.mark.parametrize("role", ROLE_NAMES)
def test_anyone_can_download_a_published_events_ics_file(client, as_role, events, role):
    as_role(role)
    event = events["upcoming"]
    response = client.get(f"/events/{event.id}.ics")
    calendar = parse(response)
    (vevent,) = calendar.walk("VEVENT")
    assert str(vevent["UID"]) == event.ical_uid
    assert str(vevent["SUMMARY"]) == "Lessons in the lounge"
    assert str(vevent["STATUS"]) == "CONFIRMED"
    assert str(vevent["URL"]) == f"{BASE_URL}/events/{event.id}"
    assert "X-WR-CALNAME" not in calendar  # a file adds to the person's calendar, not a new one
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment; filename=")
    assert re.search(r'filename="lessons-in-the-lounge-\d{4}-\d\d-\d\d\.ics"', disposition)


@pytest.mark.parametrize("role", ROLE_NAMES)
def test_a_drafts_ics_file_is_not_found_except_for_its_organisers(client, as_role, events, role):
    as_role(role)
    response = client.get(f"/events/{events['draft'].id}.ics")
    if role in ("organiser", "admin"):
        (vevent,) = parse(response).walk("VEVENT")
        assert str(vevent["SUMMARY"]) == "Secret plans"
        assert "private" in response.headers["Cache-Control"]
    else:
        assert response.status_code == 404
        assert b"Secret plans" not in response.get_data()


def test_a_cancelled_events_ics_file_says_cancelled(client, events):
    (vevent,) = parse(client.get(f"/events/{events['cancelled'].id}.ics")).walk("VEVENT")
    assert str(vevent["STATUS"]) == "CANCELLED"


def test_an_unknown_events_ics_file_is_not_found(client, events):
    assert client.get("/events/999999.ics").status_code == 404


# Chapter and all-chapter feeds


@pytest.mark.parametrize("role", ROLE_NAMES)
def test_anyone_can_subscribe_to_a_chapters_feed_without_its_drafts(client, as_role, events, role):
    as_role(role)
    response = client.get("/chapters/birmingham/calendar.ics")
    calendar = parse(response)
    assert titles(calendar) == {"Lessons in the lounge", "Cancelled: Called off"}
    assert str(calendar["X-WR-CALNAME"]) == "PMO Flashmob Birmingham"
    assert "REFRESH-INTERVAL" in calendar and "X-PUBLISHED-TTL" in calendar
    assert response.headers["Cache-Control"] == "public, max-age=3600"
    assert response.headers["Content-Disposition"] == 'inline; filename="pmo-flashmob-birmingham.ics"'
    statuses = {str(v["SUMMARY"]): str(v["STATUS"]) for v in calendar.walk("VEVENT")}
    assert statuses["Cancelled: Called off"] == "CANCELLED"


def test_an_unknown_chapters_feed_is_not_found(client, events):
    assert client.get("/chapters/atlantis/calendar.ics").status_code == 404


def test_an_empty_chapter_feed_is_still_a_valid_calendar(client, roles):
    calendar = parse(client.get("/chapters/london/calendar.ics"))
    assert calendar.walk("VEVENT") == []
    assert calendar.walk("VTIMEZONE")  # RFC 5545 wants one component at least


@pytest.mark.parametrize("role", ROLE_NAMES)
def test_anyone_can_subscribe_to_every_chapter_at_once_without_drafts(client, as_role, events, role):
    as_role(role)
    response = client.get("/calendar.ics")
    calendar = parse(response)
    assert titles(calendar) == {"Lessons in the lounge", "Cancelled: Called off", "London calling"}
    assert str(calendar["X-WR-CALNAME"]) == "PMO Flashmob: all chapters"
    assert response.headers["Cache-Control"] == "public, max-age=3600"


def test_feeds_keep_recently_past_events_and_drop_old_ones(client, roles, create_event):
    now = datetime.now(UTC)
    create_event(roles["chapter"], title="Last month", starts_at=now - timedelta(days=30))
    create_event(roles["chapter"], title="Last year", starts_at=now - timedelta(days=365))
    assert titles(parse(client.get("/chapters/birmingham/calendar.ics"))) == {"Last month"}


# The personal feed


@pytest.fixture
def full_event(roles, create_event, create_user, add_member):
    """A one-seat event with someone else in the seat."""
    event = create_event(roles["chapter"], title="One seat only", capacity=1)
    first = create_user("Fay First")
    add_member(roles["chapter"], first)
    rsvps.rsvp_going(event, first)
    db.session.commit()
    return event


def test_the_personal_feed_has_what_the_member_goes_to_and_waits_for(
    client, roles, events, full_event, create_event
):
    member = roles["member"]
    going = events["upcoming"]
    not_going = create_event(roles["chapter"], title="Not for me")
    rsvps.rsvp_going(going, member)
    rsvps.rsvp_going(full_event, member)  # full: the waitlist
    rsvps.rsvp_going(not_going, member)
    rsvps.rsvp_not_going(not_going, member)
    db.session.commit()
    url = give_calendar_token(member)

    response = client.get(url)  # nobody signed in: the address is the key
    calendar = parse(response)
    statuses = {str(v["SUMMARY"]): str(v["STATUS"]) for v in calendar.walk("VEVENT")}
    assert statuses == {"Lessons in the lounge": "CONFIRMED", "One seat only": "TENTATIVE"}
    assert str(calendar["X-WR-CALNAME"]) == "My PMO Flashmob events"
    assert response.headers["Cache-Control"].startswith("private")


def test_a_waitlisted_member_promoted_to_a_seat_sees_it_confirmed(client, roles, full_event, events):
    member = roles["member"]
    rsvps.rsvp_going(full_event, member)
    db.session.commit()
    url = give_calendar_token(member)
    first = client.get(url)
    assert str(parse(first).walk("VEVENT")[0]["STATUS"]) == "TENTATIVE"

    (seated,) = [r for r in full_event.rsvps if r.user_id != member.id]
    rsvps.rsvp_not_going(full_event, seated.user)
    db.session.commit()
    rsvp = rsvps.rsvp_for(full_event, member)
    if rsvp.is_offered:  # close to the start a seat is offered first
        rsvps.claim_offer(rsvp)
        db.session.commit()

    second = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
    assert second.status_code == 200
    assert second.headers["ETag"] != first.headers["ETag"]
    assert str(parse(second).walk("VEVENT")[0]["STATUS"]) == "CONFIRMED"


def test_the_personal_feed_never_shows_drafts_or_other_members_events(client, roles, events, create_user):
    member, someone = roles["member"], create_user("Sam Someone")
    draft = events["draft"]
    db.session.add_all([rsvps.Rsvp(event_id=draft.id, user_id=member.id, status="going")])
    rsvps.rsvp_going(events["london"], someone)
    db.session.commit()
    assert parse(client.get(give_calendar_token(member))).walk("VEVENT") == []


@pytest.mark.parametrize("role", ROLE_NAMES)
def test_the_personal_feed_opens_with_its_token_only_whoever_asks(client, roles, as_role, events, role):
    url = give_calendar_token(roles["member"])
    as_role(role)
    assert client.get(url).status_code == 200
    assert client.get("/calendar/not-the-token.ics").status_code == 404
    assert client.get("/calendar/.ics").status_code == 404


def test_a_member_gets_a_calendar_address_from_their_account_page(client, roles, login):
    member = login(roles["member"])
    page = client.get("/account").get_data(as_text=True)
    assert "Get my calendar address" in page
    assert 'type="text/calendar"' not in page
    assert member.calendar_token is None

    response = client.post("/account/calendar")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/account#calendar")
    url = personal_url(member)
    assert client.get(url).status_code == 200
    page = client.get("/account").get_data(as_text=True)
    assert "Your calendar address is ready" in page
    assert f'href="{BASE_URL}{url}"' in page
    assert f'value="{BASE_URL}{url}"' in page
    assert f'href="webcal://localhost{url}"' in page
    assert "Reset my calendar address" in page


def test_resetting_the_calendar_address_makes_the_old_one_not_found(client, roles, login):
    member = login(roles["member"])
    old = give_calendar_token(member)
    response = client.post("/account/calendar", follow_redirects=True)
    assert "The old one no longer works" in response.get_data(as_text=True)
    new = personal_url(member)
    assert new != old
    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 200


def test_resetting_the_calendar_address_needs_a_signed_in_member(client, roles):
    old = give_calendar_token(roles["member"])
    response = client.post("/account/calendar")
    assert signs_in(response)
    assert personal_url(roles["member"]) == old


@pytest.mark.parametrize("role", ["member", "other_organiser", "organiser", "admin"])
def test_resetting_changes_only_your_own_calendar_address(client, roles, login, role):
    urls = {
        name: give_calendar_token(roles[name]) for name in ("member", "other_organiser", "organiser", "admin")
    }
    login(roles[role])
    assert client.post("/account/calendar").status_code == 302
    for name, url in urls.items():
        assert (personal_url(roles[name]) == url) == (name != role)


def test_resetting_the_calendar_address_needs_a_csrf_token(client, roles, login, csrf_enabled):
    member = login(roles["member"])
    old = give_calendar_token(member)
    assert client.post("/account/calendar").status_code == 400
    assert personal_url(member) == old


def test_the_calendar_address_cannot_be_reset_by_a_get(client, roles, login):
    login(roles["member"])
    assert client.get("/account/calendar").status_code == 405


# Conditional requests


def _feed_urls(events, roles) -> dict[str, str]:
    return {
        "event": f"/events/{events['upcoming'].id}.ics",
        "chapter": "/chapters/birmingham/calendar.ics",
        "all": "/calendar.ics",
        "personal": give_calendar_token(roles["member"]),
    }


@pytest.fixture
def feed_urls(events, roles):
    rsvps.rsvp_going(events["upcoming"], roles["member"])
    db.session.commit()
    return _feed_urls(events, roles)


@pytest.mark.parametrize("kind", ["event", "chapter", "all", "personal"])
def test_a_calendar_asked_again_with_its_etag_gets_304_and_no_body(client, feed_urls, kind):
    first = client.get(feed_urls[kind])
    parse(first)
    etag = first.headers["ETag"]
    assert etag.startswith('W/"')
    again = client.get(feed_urls[kind], headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.get_data() == b""
    assert again.headers["ETag"] == etag
    assert again.headers["Cache-Control"] == first.headers["Cache-Control"]


@pytest.mark.parametrize("kind", ["event", "chapter", "all", "personal"])
def test_a_calendar_asked_again_with_its_date_gets_304(client, feed_urls, kind):
    first = client.get(feed_urls[kind])
    last_modified = first.headers["Last-Modified"]
    again = client.get(feed_urls[kind], headers={"If-Modified-Since": last_modified})
    assert again.status_code == 304
    assert again.get_data() == b""


def test_if_none_match_is_answered_before_if_modified_since(client, feed_urls):
    first = client.get(feed_urls["chapter"])
    both = {"If-None-Match": 'W/"something-older"', "If-Modified-Since": first.headers["Last-Modified"]}
    assert client.get(feed_urls["chapter"], headers=both).status_code == 200


def test_a_moved_event_comes_back_with_a_new_etag_and_a_higher_sequence(
    client, roles, login, events, feed_urls
):
    event = events["upcoming"]
    before = {kind: client.get(url) for kind, url in feed_urls.items()}
    old_sequence = vevents(parse(before["chapter"]))[event.ical_uid].decoded("SEQUENCE")

    login(roles["organiser"])
    local = event.local_starts_at + timedelta(days=7)
    response = client.post(
        f"/events/{event.id}/edit",
        data={
            "title": event.title,
            "starts_at": local.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (local + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
            "timezone": event.timezone,
            "venue_name": "The Wellington",
            "venue_address": "37 Bennetts Hill, Birmingham B2 5SN",
            "description": event.description,
            "capacity": "20",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)

    for kind, url in feed_urls.items():
        again = client.get(url, headers={"If-None-Match": before[kind].headers["ETag"]})
        assert again.status_code == 200, kind
        assert again.headers["ETag"] != before[kind].headers["ETag"]
        vevent = vevents(parse(again))[event.ical_uid]
        assert vevent.decoded("SEQUENCE") > old_sequence
        assert "The Wellington" in str(vevent["LOCATION"])


def test_a_cancelled_event_stays_in_the_feeds_marked_cancelled(client, roles, login, events, feed_urls):
    event = events["upcoming"]
    before = {kind: client.get(url) for kind, url in feed_urls.items()}

    login(roles["organiser"])
    response = client.post(f"/events/{event.id}/cancel", data={"reason": "The venue flooded."})
    assert response.status_code == 302

    for kind, url in feed_urls.items():
        again = client.get(url, headers={"If-None-Match": before[kind].headers["ETag"]})
        assert again.status_code == 200, kind
        assert again.headers["ETag"] != before[kind].headers["ETag"]
        vevent = vevents(parse(again))[event.ical_uid]
        assert str(vevent["STATUS"]) == "CANCELLED"
        assert "The venue flooded." in str(vevent["DESCRIPTION"])


def test_leaving_an_event_changes_the_personal_feeds_etag_and_date(client, roles, events, feed_urls):
    first = client.get(feed_urls["personal"])
    rsvps.rsvp_not_going(events["upcoming"], roles["member"])
    db.session.commit()
    again = client.get(feed_urls["personal"], headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 200
    assert parse(again).walk("VEVENT") == []


# Pages link their feeds


def _alternate(page: str) -> list[str]:
    return re.findall(r'<link rel="alternate" type="text/calendar" title="[^"]+" href="([^"]+)">', page)


def test_the_home_page_links_and_offers_the_all_chapters_feed(client, events):
    page = client.get("/").get_data(as_text=True)
    assert _alternate(page) == [f"{BASE_URL}/calendar.ics"]
    assert 'href="webcal://localhost/calendar.ics"' in page
    assert '<label for="subscribe-address">Calendar address</label>' in page
    assert re.search(
        r'<input type="url" id="subscribe-address" value="http://localhost/calendar.ics" readonly', page
    )
    assert 'download="pmo-flashmob.ics"' in page
    assert "Add calendar, then From URL" in page


def test_the_chapter_page_links_and_offers_its_feed(client, events):
    page = client.get("/chapters/birmingham").get_data(as_text=True)
    assert _alternate(page) == [f"{BASE_URL}/chapters/birmingham/calendar.ics"]
    assert 'href="webcal://localhost/chapters/birmingham/calendar.ics"' in page
    assert "Subscribe to Birmingham events" in page


def test_the_event_page_links_its_ics_file_and_google_calendar(client, events):
    event = events["upcoming"]
    page = client.get(f"/events/{event.id}").get_data(as_text=True)
    assert _alternate(page) == [f"{BASE_URL}/events/{event.id}.ics"]
    assert f'href="/events/{event.id}.ics"' in page
    assert "Download .ics" in page
    assert "https://calendar.google.com/calendar/render?action=TEMPLATE" in page


def test_a_cancelled_events_page_offers_the_file_but_not_google_calendar(client, events):
    page = client.get(f"/events/{events['cancelled'].id}").get_data(as_text=True)
    assert "Download .ics" in page
    assert "calendar.google.com" not in page


# A fixed number of queries, whatever the number of events


@pytest.mark.parametrize("kind", ["chapter", "all", "personal"])
def test_a_feed_takes_the_same_queries_for_one_event_or_many(
    client, roles, create_event, count_queries, kind
):
    member = roles["member"]
    url = {"chapter": "/chapters/birmingham/calendar.ics", "all": "/calendar.ics"}.get(kind) or (
        give_calendar_token(member)
    )

    def add_events(count: int) -> None:
        for n in range(count):
            chapter = roles["chapter"] if n % 2 else roles["other_chapter"]
            event = create_event(chapter, title=f"Evening {n}")
            rsvps.rsvp_going(event, member)
        db.session.commit()

    def queries() -> int:
        db.session.expire_all()
        with count_queries() as counted:
            assert client.get(url).status_code == 200
        return counted.count

    add_events(1)
    few = queries()
    add_events(8)
    assert queries() == few
    assert few <= 3


def test_an_events_ics_file_takes_one_query(client, events, count_queries):
    url = f"/events/{events['upcoming'].id}.ics"
    with count_queries() as counted:
        assert client.get(url).status_code == 200
    assert counted.count == 1, counted.statements


def test_the_personal_feed_survives_a_member_with_nothing_booked(client, roles):
    calendar = parse(client.get(give_calendar_token(roles["member"])))
    assert calendar.walk("VEVENT") == []
    assert db.session.scalar(select(User.calendar_token).where(User.id == roles["member"].id))
