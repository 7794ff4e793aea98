"""The public pages: home, chapters, a chapter, the event lists and an event's page."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from flashmob.events.models import EventStatus, MembershipRole
from tests.conftest import ROLE_NAMES


def soon(days: int) -> datetime:
    return (datetime.now(UTC) + timedelta(days=days)).replace(hour=17, minute=30, second=0, microsecond=0)


def ago(days: int) -> datetime:
    return (datetime.now(UTC) - timedelta(days=days)).replace(hour=17, minute=30, second=0, microsecond=0)


# Home


def test_home_page_welcomes_and_shows_chapters_and_next_events(client, roles, create_event):
    create_event(roles["chapter"], title="Lessons from a difficult gateway", starts_at=soon(5))
    create_event(roles["chapter"], title="Secret draft", starts_at=soon(6), status=EventStatus.DRAFT)
    page = client.get("/").get_data(as_text=True)
    assert "walking, talking lessons learnt" in page
    assert "Birmingham" in page and "London" in page
    assert "Lessons from a difficult gateway" in page
    assert "Secret draft" not in page
    assert "2 members" in page  # Birmingham: a member and an organiser


def test_home_page_empty_states(client):
    page = client.get("/").get_data(as_text=True)
    assert "There are no chapters yet" in page
    assert "Nothing is planned just yet" in page


def test_home_page_shows_a_chapters_next_event_not_a_later_one(client, roles, create_event):
    create_event(roles["chapter"], title="Later evening", starts_at=soon(20))
    create_event(
        roles["chapter"], title="Cancelled evening", starts_at=soon(2), status=EventStatus.CANCELLED
    )
    create_event(roles["chapter"], title="Next evening", starts_at=soon(4))
    page = client.get("/chapters").get_data(as_text=True)
    birmingham = page[page.index(">Birmingham<") :]
    assert birmingham.index("Next evening") < birmingham.index("Next:") + 200
    assert "Next: <a" in page


# Chapters list


def test_chapters_list_shows_city_members_organisers_and_next_event(client, roles, create_event):
    create_event(roles["chapter"], title="Midlands meetup", starts_at=soon(3))
    response = client.get("/chapters")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<h1>Chapters</h1>" in page
    assert "Olu Organiser" in page and "Otto Otherorganiser" in page
    assert "Midlands meetup" in page
    assert f"/members/{roles['organiser'].id}" in page
    assert "No event planned yet." in page  # London


def test_chapters_list_offers_new_chapter_only_to_admins(client, roles, login):
    assert "New chapter" not in client.get("/chapters").get_data(as_text=True)
    login(roles["organiser"])
    assert "New chapter" not in client.get("/chapters").get_data(as_text=True)
    login(roles["admin"])
    assert "New chapter" in client.get("/chapters").get_data(as_text=True)


def test_chapters_list_runs_the_same_queries_for_two_or_twenty_chapters(
    client, create_chapter, create_user, add_member, create_event, count_queries
):
    def add_chapters(n):
        for _ in range(n):
            chapter = create_chapter()
            add_member(chapter, create_user(), MembershipRole.ORGANISER)
            add_member(chapter, create_user())
            create_event(chapter, starts_at=soon(3))
            create_event(chapter, starts_at=soon(9))

    add_chapters(2)
    with count_queries() as few:
        assert client.get("/chapters").status_code == 200
    add_chapters(18)
    with count_queries() as many:
        assert client.get("/chapters").status_code == 200
    assert many.count == few.count
    assert few.count <= 5
    with count_queries() as home:
        assert client.get("/").status_code == 200
    assert home.count <= 6


# A chapter's page


def test_chapter_page_shows_description_organisers_and_events(client, roles, create_event):
    chapter = roles["chapter"]
    chapter.description = "We meet **monthly**. <script>alert(1)</script>"
    create_event(chapter, title="Coming soon", starts_at=soon(3))
    create_event(chapter, title="Been and gone", starts_at=ago(10))
    page = client.get("/chapters/birmingham").get_data(as_text=True)
    assert "<h1>Birmingham</h1>" in page
    assert "<strong>monthly</strong>" in page
    assert "<script>alert(1)</script>" not in page
    assert f'href="/members/{roles["organiser"].id}"' in page
    assert "2 members" in page
    upcoming, past = page.index("Upcoming events"), page.index("Past events</h2>")
    assert upcoming < page.index("Coming soon") < past < page.index("Been and gone")


def test_unknown_chapter_is_not_found(client):
    assert client.get("/chapters/atlantis").status_code == 404


@pytest.mark.parametrize("role", ROLE_NAMES)
def test_chapter_page_buttons_follow_the_role(client, roles, as_role, create_event, role):
    create_event(roles["chapter"], title="Unannounced idea", status=EventStatus.DRAFT)
    as_role(role)
    page = client.get("/chapters/birmingham").get_data(as_text=True)
    manages = role in ("organiser", "admin")
    assert ("New event" in page) is manages
    assert ("Unannounced idea" in page) is manages
    assert ("Drafts" in page) is manages
    assert ("Edit chapter" in page) is (role == "admin")
    # Joining is offered to everyone who is not a member: signed out, as a link to signing in (no form,
    # so the page starts no session); signed in, as a button.
    assert ('action="/chapters/birmingham/join"' in page) is (role in ("other_organiser", "admin"))
    assert ('href="/login?next=/chapters/birmingham">Join Birmingham' in page) is (role == "anonymous")
    # Leaving is a link to a page that asks first, not a button among the everyday ones.
    assert ('href="/chapters/birmingham/leave"' in page) is (role in ("member", "organiser"))
    assert 'action="/chapters/birmingham/leave"' not in page


def test_chapter_page_pages_upcoming_events_by_key(app, client, roles, create_event):
    per_page = app.config["PER_PAGE"]
    for n in range(per_page + 2):
        create_event(roles["chapter"], title=f"Evening number {n:02d}", starts_at=soon(2 + n))
    first = client.get("/chapters/birmingham").get_data(as_text=True)
    assert "Evening number 00" in first
    assert f"Evening number {per_page:02d}" not in first
    later = re.search(r'href="([^"]+)" rel="next">Later evenings', first).group(1).replace("&amp;", "&")
    assert "after=" in later and "page=" not in later
    second = client.get(later).get_data(as_text=True)
    assert f"Evening number {per_page:02d}" in second
    assert "Evening number 00" not in second
    assert 'href="/chapters/birmingham">Soonest evenings' in second
    # An old numbered link still answers, with the first page.
    old = client.get("/chapters/birmingham?page=2")
    assert old.status_code == 200
    assert "Evening number 00" in old.get_data(as_text=True)


def test_chapter_page_links_to_all_past_events_when_there_are_many(client, roles, create_event):
    for n in range(7):
        create_event(roles["chapter"], title=f"Old evening {n}", starts_at=ago(10 + n))
    page = client.get("/chapters/birmingham").get_data(as_text=True)
    assert "All 7 past events of Birmingham" in page
    assert "Old evening 6" not in page
    archive = client.get("/chapters/birmingham/past").get_data(as_text=True)
    assert "Old evening 6" in archive
    assert archive.index("Old evening 0") < archive.index("Old evening 6")  # most recent first


def test_chapter_page_query_count_does_not_grow_with_events(
    client, roles, login, create_event, count_queries
):
    login(roles["organiser"])
    for n in range(2):
        create_event(roles["chapter"], starts_at=soon(2 + n))
        create_event(roles["chapter"], starts_at=ago(2 + n))
        create_event(roles["chapter"], starts_at=soon(2 + n), status=EventStatus.DRAFT)
    with count_queries() as few:
        client.get("/chapters/birmingham")
    for n in range(12):
        create_event(roles["chapter"], starts_at=soon(5 + n))
        create_event(roles["chapter"], starts_at=ago(5 + n))
        create_event(roles["chapter"], starts_at=soon(5 + n), status=EventStatus.DRAFT)
    login(roles["organiser"])  # a fresh request, as the first one was
    with count_queries() as many:
        client.get("/chapters/birmingham")
    assert many.count == few.count


# Site-wide lists


def test_upcoming_lists_published_and_cancelled_soonest_first_never_drafts(client, roles, create_event):
    create_event(roles["other_chapter"], title="Second up", starts_at=soon(6))
    create_event(roles["chapter"], title="First up", starts_at=soon(2))
    create_event(roles["chapter"], title="Called off", starts_at=soon(4), status=EventStatus.CANCELLED)
    create_event(roles["chapter"], title="Still a draft", starts_at=soon(3), status=EventStatus.DRAFT)
    create_event(roles["chapter"], title="Long gone", starts_at=ago(3))
    page = client.get("/events").get_data(as_text=True)
    assert page.index("First up") < page.index("Called off") < page.index("Second up")
    assert "Still a draft" not in page
    assert "Long gone" not in page
    assert "badge--cancelled" in page


def test_past_lists_most_recent_first(client, roles, create_event):
    create_event(roles["chapter"], title="Last month", starts_at=ago(30))
    create_event(roles["chapter"], title="Last week", starts_at=ago(7))
    create_event(roles["chapter"], title="Past draft", starts_at=ago(8), status=EventStatus.DRAFT)
    create_event(roles["chapter"], title="Next week", starts_at=soon(7))
    page = client.get("/events/past").get_data(as_text=True)
    assert page.index("Last week") < page.index("Last month")
    assert "Past draft" not in page
    assert "Next week" not in page


def test_event_lists_have_empty_states(client):
    assert "Nothing is planned just yet" in client.get("/events").get_data(as_text=True)
    assert "No events have taken place yet" in client.get("/events/past").get_data(as_text=True)


def test_upcoming_pages_by_key_across_equal_starts(app, client, roles, create_event):
    per_page = app.config["PER_PAGE"]
    same = soon(3)
    titles = set()
    for n in range(per_page * 2 + 1):
        # Most at the very same moment, so that page boundaries fall between equal starts.
        title = f"Evening {n:02d}"
        starts_at = same if n < per_page + 4 else soon(4 + n)
        create_event(roles["chapter" if n % 2 else "other_chapter"], title=title, starts_at=starts_at)
        titles.add(title)
    seen, url, pages = [], "/events", 0
    while url:
        page = client.get(url).get_data(as_text=True)
        seen += re.findall(r">(Evening \d\d)</a>", page)
        found = re.search(r'href="([^"]+)" rel="next">Later evenings', page)
        url = found.group(1).replace("&amp;", "&") if found else None
        pages += 1
        assert pages < 10
    assert len(seen) == len(set(seen)) == len(titles)
    assert set(seen) == titles
    assert pages == 3
    # The later ones come after the ones at the shared moment.
    assert seen.index(f"Evening {per_page * 2:02d}") == len(seen) - 1


def test_upcoming_pages_mix_save_the_dates_and_dated_evenings_in_date_order(app, client, roles, create_event):
    """Save-the-dates are found apart from dated evenings (two halves of one query); paging across both
    keeps one order, skips nothing and repeats nothing, whatever a placeholder's time."""
    per_page = app.config["PER_PAGE"]
    expected = []
    for n in range(per_page + 3):
        # Every third a save-the-date, the first two with their placeholder time already passed.
        days = n - 4 if n % 3 == 0 else n
        starts_at = soon(days) if days > 0 else datetime.now(UTC) - timedelta(days=-days, hours=1)
        tbc = n % 3 == 0
        title = f"Evening {n:02d}"
        hint = "Soon" if tbc else ""
        create_event(roles["chapter"], title=title, starts_at=starts_at, date_tbc=tbc, date_hint=hint)
        expected.append((starts_at, title))
    in_progress = datetime.now(UTC) - timedelta(hours=1)
    ends_at = in_progress + timedelta(hours=3)
    create_event(roles["chapter"], title="Evening on now", starts_at=in_progress, ends_at=ends_at)
    expected.append((in_progress, "Evening on now"))
    create_event(roles["chapter"], title="Evening over", starts_at=datetime.now(UTC) - timedelta(days=2))
    seen, url = [], "/events"
    while url:
        page = client.get(url).get_data(as_text=True)
        seen += re.findall(r">(Evening [\w ]+)</a>", page)
        found = re.search(r'href="([^"]+)" rel="next">Later evenings', page)
        url = found.group(1).replace("&amp;", "&") if found else None
    assert seen == [title for _, title in sorted(expected)]


def test_old_numbered_links_to_upcoming_show_the_first_page(client, roles, create_event):
    create_event(roles["chapter"], title="First up", starts_at=soon(2))
    for old in ("/events?page=3", "/events?page=9"):
        response = client.get(old)
        assert response.status_code == 200
        assert "First up" in response.get_data(as_text=True)
    assert client.get("/events?page=0").status_code == 404
    assert client.get("/events?after=nonsense").status_code == 400


def test_past_the_last_upcoming_page_says_so(client, roles, create_event):
    create_event(roles["chapter"], title="First up", starts_at=soon(2))
    page = client.get("/events?after=29991231000000000000,1").get_data(as_text=True)
    assert "No later evenings" in page
    assert "First up" not in page


@pytest.mark.parametrize("url", ["/events", "/events/past"])
def test_event_lists_query_count_does_not_grow_with_rows(client, roles, create_event, count_queries, url):
    create_event(roles["chapter"], starts_at=soon(3))
    create_event(roles["chapter"], starts_at=ago(3))
    with count_queries() as few:
        client.get(url)
    for n in range(15):
        create_event(roles["chapter" if n % 2 else "other_chapter"], starts_at=soon(4 + n))
        create_event(roles["chapter" if n % 2 else "other_chapter"], starts_at=ago(4 + n))
    with count_queries() as many:
        client.get(url)
    assert many.count == few.count


# An event's page


def test_event_page_shows_local_time_with_zone_venue_map_and_chapter(client, roles, create_event):
    event = create_event(
        roles["chapter"],
        title="Summer social",
        starts_at=datetime(2030, 7, 11, 17, 30, tzinfo=UTC),
        ends_at=datetime(2030, 7, 11, 20, 0, tzinfo=UTC),
        description="Bring _one_ lesson.",
    )
    page = client.get(f"/events/{event.id}").get_data(as_text=True)
    assert "<h1>Summer social</h1>" in page
    assert "Thu 11 Jul 2030, 18:30\u201321:00 BST" in page
    assert "https://www.openstreetmap.org/search?query=" in page
    assert "<em>one</em>" in page
    assert 'href="/chapters/birmingham"' in page
    assert "Are you going?" in page and "Add to calendar" in page


def test_unknown_event_is_not_found(client):
    assert client.get("/events/999999").status_code == 404


def test_cancelled_event_shows_a_banner_and_reason(client, roles, create_event):
    event = create_event(
        roles["chapter"],
        status=EventStatus.CANCELLED,
        cancelled_at=datetime.now(UTC),
        cancellation_reason="The venue flooded.",
    )
    page = client.get(f"/events/{event.id}").get_data(as_text=True)
    assert "This event is cancelled" in page
    assert "The venue flooded." in page


@pytest.mark.parametrize("role", ROLE_NAMES)
def test_drafts_are_not_found_except_by_their_chapters_organisers_and_admins(
    client, roles, as_role, create_event, role
):
    draft = create_event(roles["chapter"], title="Hush hush", status=EventStatus.DRAFT)
    as_role(role)
    response = client.get(f"/events/{draft.id}")
    if role in ("organiser", "admin"):
        assert response.status_code == 200
        assert "Only the organisers of Birmingham" in response.get_data(as_text=True)
    else:
        assert response.status_code == 404
        assert "Hush hush" not in response.get_data(as_text=True)


@pytest.mark.parametrize("role", ROLE_NAMES)
def test_event_page_organiser_actions_follow_the_role(client, roles, as_role, create_event, role):
    event = create_event(roles["chapter"])
    as_role(role)
    page = client.get(f"/events/{event.id}").get_data(as_text=True)
    manages = role in ("organiser", "admin")
    assert ("Edit event" in page) is manages
    assert ("Cancel event" in page) is manages
    assert "Publish event" not in page


def test_event_page_runs_a_fixed_number_of_queries(client, roles, login, create_event, count_queries):
    event = create_event(roles["chapter"])
    login(roles["member"])
    with count_queries() as q:
        assert client.get(f"/events/{event.id}").status_code == 200
    # The event, the viewer, organisers; RSVP counts, and the viewer's answer with who is going; its
    # write-up and question for the night; whether its discussion has begun (tests/discussions counts a
    # discussion's page with 3 and 30 comments).
    assert q.count <= 9
