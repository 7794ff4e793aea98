"""The home page: a signed-in member's next evening, their chapters' evenings, then the rest; event cards
with the people going and the viewer's place; past events a page at a time by key."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime, timedelta

import pytest

from flashmob.events.evenings.cards import FACES_PER_CARD
from flashmob.events.models import EventStatus, Rsvp, RsvpStatus
from flashmob.extensions import db
from flashmob.members.models import MemberBlock, MemberProfile


def soon(days: int) -> datetime:
    return (datetime.now(UTC) + timedelta(days=days)).replace(hour=17, minute=30, second=0, microsecond=0)


def ago(days: int) -> datetime:
    return (datetime.now(UTC) - timedelta(days=days)).replace(hour=17, minute=30, second=0, microsecond=0)


def answer(event, user, status=RsvpStatus.GOING, **fields):
    if status == RsvpStatus.WAITLISTED:
        fields.setdefault("waitlisted_at", datetime.now(UTC))
    if status == RsvpStatus.OFFERED:
        fields.setdefault("offer_expires_at", datetime.now(UTC) + timedelta(hours=4))
    rsvp = Rsvp(event=event, user=user, status=status, **fields)
    db.session.add(rsvp)
    db.session.commit()
    return rsvp


def section(page: str, heading: str) -> str:
    """The HTML of the page's section under an <h2> with this text, up to the next section."""
    start = page.index(f">{heading}</h2>")
    end = page.find("<section", start)
    return page[start : end if end != -1 else len(page)]


# Who sees what


def test_a_stranger_sees_the_welcome(client, roles, create_event):
    create_event(roles["chapter"], title="Lessons from a difficult gateway", starts_at=soon(5))
    page = client.get("/").get_data(as_text=True)
    assert "Welcome to PMO Flashmob" in page
    assert "Your next evening" not in page
    assert "Lessons from a difficult gateway" in page


def test_signed_in_home_leads_with_your_next_evening_then_your_chapters_then_the_rest(
    client, roles, login, create_event
):
    member = roles["member"]  # a member of Birmingham
    create_event(roles["other_chapter"], title="London soon", starts_at=soon(1))
    create_event(roles["chapter"], title="Birmingham later", starts_at=soon(9))
    booked = create_event(
        roles["chapter"], title="My booked evening", starts_at=soon(4), venue_name="The Canal House"
    )
    answer(booked, member)
    create_event(roles["chapter"], title="Birmingham draft", starts_at=soon(3), status=EventStatus.DRAFT)
    login(member)
    page = client.get("/").get_data(as_text=True)
    assert "Welcome to PMO Flashmob" not in page
    assert (
        page.index("Your next evening")
        < page.index("Coming up in your chapters")
        < page.index("More evenings")
    )
    nxt = section(page, "Your next evening")
    assert "My booked evening" in nxt and "The Canal House" in nxt
    assert "You're going" in nxt
    assert f'href="/events/{booked.id}/ticket"' in nxt
    mine = section(page, "Coming up in your chapters")
    assert "Birmingham later" in mine
    assert "My booked evening" not in mine  # shown once, above
    assert "London soon" not in mine
    assert "London soon" in section(page, "More evenings")
    assert "Birmingham draft" not in page


@pytest.mark.parametrize(
    ("status", "words", "no_ticket"),
    [
        (RsvpStatus.WAITLISTED, "number 2 in line", True),
        (RsvpStatus.OFFERED, "A seat is held for you until", True),
        (RsvpStatus.PENDING, "Waiting for approval", True),
    ],
)
def test_next_evening_says_where_you_stand_when_you_have_no_seat_yet(
    client, roles, login, create_event, create_user, status, words, no_ticket
):
    event = create_event(roles["chapter"], title="A popular evening", starts_at=soon(3), capacity=1)
    answer(event, create_user("Sat Down"))
    if status == RsvpStatus.WAITLISTED:
        answer(
            event,
            create_user("First In Line"),
            RsvpStatus.WAITLISTED,
            waitlisted_at=datetime.now(UTC) - timedelta(hours=1),
        )
    answer(event, roles["member"], status)
    login(roles["member"])
    nxt = section(client.get("/").get_data(as_text=True), "Your next evening")
    assert "A popular evening" in nxt
    assert words in nxt
    assert ("/ticket" in nxt) is not no_ticket


def test_a_member_with_no_chapters_is_asked_to_join_one(client, roles, login, create_user, create_event):
    create_event(roles["chapter"], title="Open to all", starts_at=soon(2))
    login(create_user("New Person"))
    page = client.get("/").get_data(as_text=True)
    assert "You haven't joined a chapter yet" in section(page, "Coming up in your chapters")
    assert "You have no evening booked" in section(page, "Your next evening")
    assert "Open to all" in section(page, "More evenings")


def test_a_past_or_cancelled_evening_is_not_your_next_one(client, roles, login, create_event):
    gone = create_event(roles["chapter"], title="Been and gone", starts_at=ago(2))
    off = create_event(roles["chapter"], title="Called off", starts_at=soon(2), status=EventStatus.CANCELLED)
    answer(gone, roles["member"])
    answer(off, roles["member"])
    login(roles["member"])
    nxt = section(client.get("/").get_data(as_text=True), "Your next evening")
    assert "Been and gone" not in nxt and "Called off" not in nxt
    assert "You have no evening booked" in nxt


# Event cards


def test_cards_show_the_viewer_status_and_cancelled(client, roles, login, create_event, create_user):
    waiting = create_event(roles["chapter"], title="Waiting here", starts_at=soon(2))
    going = create_event(roles["chapter"], title="Going here", starts_at=soon(3))
    off = create_event(roles["chapter"], title="Called off", starts_at=soon(4), status=EventStatus.CANCELLED)
    answer(off, roles["member"])
    answer(waiting, roles["member"], RsvpStatus.WAITLISTED)
    answer(going, roles["member"])
    login(roles["member"])
    page = html.unescape(client.get("/events").get_data(as_text=True))
    cards = {
        m.group(1): m.group(0)
        for m in re.finditer(r'<li class="event-card[^"]*">.*?>([^<]+)</a></h2>.*?</li>', page, re.S)
    }
    assert "On the waitlist" in cards["Waiting here"]
    assert "You're going" in cards["Going here"]
    assert "Cancelled" in cards["Called off"] and "You're going" not in cards["Called off"]
    assert "date-block" in cards["Going here"]


def test_cards_show_a_few_faces_and_how_many_are_going(client, roles, login, create_event, create_user):
    event = create_event(roles["chapter"], title="Busy evening", starts_at=soon(2))
    people = [create_user(f"Person {n} Going") for n in range(FACES_PER_CARD + 3)]
    for person in people:
        answer(event, person)
    hidden = people[0]
    db.session.add(MemberProfile(user_id=hidden.id, listed_on_attendee_lists=False))
    db.session.commit()
    login(roles["member"])
    page = client.get("/events").get_data(as_text=True)
    assert f"{len(people)} going" in page
    faces = re.findall(r'<span class="avatar avatar--xs[^"]*" aria-hidden="true">([^<]*)</span>', page)
    assert len(faces) == FACES_PER_CARD
    assert "P0G" not in faces and "PG" in faces  # initials; the unlisted person is not among them


def test_a_stranger_sees_how_many_are_going_but_no_faces(client, roles, create_event, create_user):
    event = create_event(roles["chapter"], title="Busy evening", starts_at=soon(2))
    for n in range(3):
        answer(event, create_user(f"Someone {n}"))
    page = client.get("/events").get_data(as_text=True)
    assert "3 going" in page
    assert "avatar--xs" not in page


def test_a_blocked_person_is_not_among_the_faces(client, roles, login, create_event, create_user):
    event = create_event(roles["chapter"], title="Evening", starts_at=soon(2))
    blocker = create_user("Zed Blocker")
    answer(event, blocker)
    db.session.add(MemberBlock(blocker_id=blocker.id, blocked_id=roles["member"].id))
    db.session.commit()
    login(roles["member"])
    page = client.get("/events").get_data(as_text=True)
    assert "1 going" in page
    assert ">ZB</span>" not in page


# A fixed number of queries


@pytest.mark.parametrize("signed_in", [True, False])
def test_home_runs_the_same_queries_for_three_or_thirty_events(
    client, roles, login, create_event, create_user, count_queries, signed_in
):
    def add(n, offset):
        for i in range(n):
            chapter = roles["chapter"] if i % 2 else roles["other_chapter"]
            event = create_event(chapter, starts_at=soon(offset + i))
            answer(event, create_user())
            answer(event, create_user())

    booked = create_event(roles["chapter"], starts_at=soon(1))
    answer(booked, roles["member"])
    add(3, 2)
    if signed_in:
        login(roles["member"])
    with count_queries() as few:
        assert client.get("/").status_code == 200
    add(27, 10)
    if signed_in:
        login(roles["member"])
    with count_queries() as many:
        assert client.get("/").status_code == 200
    assert many.count == few.count


# Past events, a page at a time by key


def test_past_pages_walk_every_event_once_even_across_equal_starts(app, client, roles, create_event):
    per_page = app.config["PER_PAGE"]
    same = ago(5)
    titles = set()
    for n in range(per_page * 2 + 3):
        # Many evenings at the very same moment, so that page boundaries fall between equal starts.
        title = f"Past evening {n:02d}"
        create_event(
            roles["chapter" if n % 2 else "other_chapter"],
            title=title,
            starts_at=same if n < per_page + 4 else ago(10 + n),
        )
        titles.add(title)
    seen = []
    url = "/events/past"
    pages = 0
    while url:
        response = client.get(url)
        assert response.status_code == 200
        page = response.get_data(as_text=True)
        seen += re.findall(r">(Past evening \d\d)</a>", page)
        found = re.search(r'href="([^"]+)" rel="next">Older evenings', page)
        url = found.group(1).replace("&amp;", "&") if found else None
        pages += 1
        assert pages < 10
    assert len(seen) == len(set(seen)) == len(titles)
    assert set(seen) == titles
    assert pages == 3


def test_chapter_past_events_are_paginated_by_key_too(app, client, roles, create_event):
    per_page = app.config["PER_PAGE"]
    for n in range(per_page + 1):
        create_event(roles["chapter"], title=f"Old evening {n:02d}", starts_at=ago(3 + n))
    first = client.get("/chapters/birmingham/past").get_data(as_text=True)
    assert "Old evening 00" in first and f"Old evening {per_page:02d}" not in first
    older = re.search(r'href="([^"]+)" rel="next">Older evenings', first).group(1).replace("&amp;", "&")
    second = client.get(older).get_data(as_text=True)
    assert f"Old evening {per_page:02d}" in second and "Old evening 00" not in second
    assert "Newest evenings" in second


@pytest.mark.parametrize(
    "after",
    [
        "nonsense",
        "2026,1",
        "20260101000000000000,",
        "20261399000000000000,1",
        "20260101000000000000,99999999999",
        "%00",
    ],
)
def test_a_cursor_that_is_not_ours_is_a_bad_request(client, roles, after):
    assert client.get(f"/events/past?after={after}").status_code == 400
    assert client.get(f"/chapters/birmingham/past?after={after}").status_code == 400


# A network of many chapters


def test_the_welcome_shows_the_chapters_meeting_soonest_and_links_to_all_of_them(
    client, roles, create_event, count_queries
):
    from tests.factories import create_chapter

    quiet = [create_chapter(f"Quiet town {n}") for n in range(6)]  # no evenings planned
    create_event(roles["other_chapter"], title="London in three days", starts_at=soon(3))
    create_event(roles["chapter"], title="Birmingham tomorrow", starts_at=soon(1))
    create_event(quiet[5], title="Gone", starts_at=ago(2))  # over: does not count as meeting soon
    page = client.get("/").get_data(as_text=True)
    chapters = section(page, "Chapters")
    shown = re.findall(r'href="/chapters/([\w-]+)"', chapters)
    # The two chapters with an evening coming, soonest first, then the quiet ones by name, six in all.
    assert shown[:2] == [roles["chapter"].slug, roles["other_chapter"].slug]
    assert shown[2:] == [chapter.slug for chapter in quiet[:4]]
    assert "All 8 chapters" in chapters

    with count_queries() as few:
        client.get("/")
    for n in range(6, 30):
        create_event(create_chapter(f"Busy town {n}"), title=f"Evening {n}", starts_at=soon(2))
    with count_queries() as many:
        page = client.get("/").get_data(as_text=True)
    assert many.count == few.count
    assert "All 32 chapters" in page


def test_the_welcome_lists_a_small_network_whole(client, roles):
    chapters = section(client.get("/").get_data(as_text=True), "Chapters")
    assert roles["chapter"].name in chapters and roles["other_chapter"].name in chapters
    assert "All 2 chapters" not in chapters and "chapters</a>" not in chapters
