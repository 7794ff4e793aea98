"""Archiving a chapter that no longer meets: its past evenings stay, nothing new starts in it; restoring."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import icalendar
import pytest
from sqlalchemy import func, select

from flashmob.events.chapters import services as chapters
from flashmob.events.evenings import services as evenings
from flashmob.events.evenings.services import EventDetails
from flashmob.events.models import Chapter, ChapterMembership, Event, EventStatus
from flashmob.extensions import db
from tests.conftest import ROLE_NAMES
from tests.events.conftest import signs_in
from tests.members.conftest import csrf_token_from

ARCHIVED_NOTICE = "This chapter is archived: its past evenings stay here for the record"


def days(n: int) -> datetime:
    return datetime.now(UTC) + timedelta(days=n)


def archived(chapter: Chapter) -> bool:
    db.session.expire_all()
    return db.session.get(Chapter, chapter.id).is_archived


def members_of(chapter: Chapter) -> int:
    return db.session.scalar(
        select(func.count()).select_from(ChapterMembership).where(ChapterMembership.chapter_id == chapter.id)
    )


@pytest.fixture
def history(roles, create_event):
    """Birmingham's past: an evening that happened and one that was called off before it came."""
    chapter = roles["chapter"]
    return {
        "past": create_event(chapter, title="Lessons from the last decade", starts_at=days(-30)),
        "called_off": create_event(
            chapter,
            title="The one that never was",
            starts_at=days(-10),
            status=EventStatus.CANCELLED,
            cancelled_at=days(-12),
        ),
    }


@pytest.fixture
def archive(roles, history):
    """Archive Birmingham, as an admin does; returns the chapter."""
    chapters.archive_chapter(roles["chapter"], actor=roles["admin"])
    db.session.commit()
    return roles["chapter"]


# The rules


def test_archiving_a_chapter_with_only_past_and_cancelled_events_keeps_them(roles, history):
    chapters.archive_chapter(roles["chapter"], actor=roles["admin"])
    db.session.commit()
    assert archived(roles["chapter"])
    assert db.session.scalar(select(func.count(Event.id)).where(Event.chapter_id == roles["chapter"].id)) == 2
    assert members_of(roles["chapter"]) == 2  # its member and organiser stay


@pytest.mark.parametrize(
    ("upcoming", "message"),
    [
        (1, "Birmingham has 1 upcoming event. Cancel it first"),
        (2, "Birmingham has 2 upcoming events. Cancel them first"),
    ],
)
def test_archiving_is_refused_while_events_are_still_to_come(roles, create_event, upcoming, message):
    for n in range(upcoming):
        create_event(roles["chapter"], starts_at=days(7 + n))
    with pytest.raises(chapters.ChapterError, match=message):
        chapters.archive_chapter(roles["chapter"], actor=roles["admin"])
    assert not archived(roles["chapter"])


def test_a_save_the_date_and_an_evening_under_way_count_as_still_to_come(roles, create_event):
    create_event(roles["chapter"], date_tbc=True, starts_at=days(-3))  # its placeholder time has gone by
    create_event(roles["chapter"], starts_at=datetime.now(UTC) - timedelta(hours=1))  # happening now
    with pytest.raises(chapters.ChapterError, match="2 upcoming events"):
        chapters.archive_chapter(roles["chapter"], actor=roles["admin"])


def test_drafts_do_not_stop_archiving_but_cannot_be_published_after(roles, create_event):
    draft = create_event(roles["chapter"], status=EventStatus.DRAFT)
    chapters.archive_chapter(roles["chapter"], actor=roles["admin"])
    with pytest.raises(evenings.EventError, match="Birmingham is archived"):
        evenings.publish_event(draft, actor=roles["organiser"])
    assert draft.is_draft


def test_an_archived_chapter_gets_no_new_events(archive, roles):
    details = EventDetails(
        title="Back again?",
        starts_at=days(20).replace(tzinfo=None),
        ends_at=days(20).replace(tzinfo=None) + timedelta(hours=2),
        timezone="Europe/London",
    )
    with pytest.raises(evenings.EventError, match="Birmingham is archived"):
        evenings.create_event(archive, details, actor=roles["organiser"])


def test_an_archived_chapter_takes_no_new_members(archive, roles, create_user):
    with pytest.raises(chapters.ChapterError, match="Birmingham is archived: it takes no new members"):
        chapters.join_chapter(archive, create_user("Newcomer"), actor=roles["admin"])


def test_archiving_twice_and_restoring_a_chapter_that_is_not_archived_say_so(archive, roles):
    with pytest.raises(chapters.ChapterError, match="already archived"):
        chapters.archive_chapter(archive, actor=roles["admin"])
    chapters.restore_chapter(archive, actor=roles["admin"])
    with pytest.raises(chapters.ChapterError, match="not archived"):
        chapters.restore_chapter(archive, actor=roles["admin"])


def test_a_restored_chapter_takes_members_and_events_again(archive, roles, create_user):
    chapters.restore_chapter(archive, actor=roles["admin"])
    db.session.commit()
    assert not archived(archive)
    chapters.join_chapter(archive, create_user("Newcomer"), actor=roles["admin"])
    assert members_of(archive) == 3


# What people see


def test_an_archived_chapter_leaves_the_home_and_chapters_lists_for_its_own_section(client, roles, history):
    assert "Archived chapters" not in client.get("/chapters").text
    chapters.archive_chapter(roles["chapter"], actor=roles["admin"])
    db.session.commit()
    home = client.get("/").text
    assert 'href="/chapters/birmingham"' not in home
    assert 'href="/chapters/london"' in home
    page = client.get("/chapters").text
    active, _, archived_section = page.partition('<h2 id="archived-heading">Archived chapters</h2>')
    assert 'href="/chapters/birmingham"' not in active
    assert 'href="/chapters/london"' in active
    assert 'href="/chapters/birmingham"' in archived_section
    assert "Archived " in archived_section


@pytest.mark.parametrize("role", ROLE_NAMES)
def test_an_archived_chapters_page_says_so_and_keeps_its_past_evenings(client, as_role, archive, role):
    as_role(role)
    response = client.get("/chapters/birmingham")
    assert response.status_code == 200
    page = response.text
    assert ARCHIVED_NOTICE in page
    assert "Lessons from the last decade" in page
    assert "Join Birmingham" not in page
    assert 'href="/chapters/birmingham/events/new"' not in page


def test_a_member_can_still_leave_an_archived_chapter(client, login, roles, archive):
    login(roles["member"])
    assert "Leave Birmingham" in client.get("/chapters/birmingham").text
    assert client.post("/chapters/birmingham/leave").status_code == 302
    assert members_of(archive) == 1


def test_joining_an_archived_chapter_is_refused_with_a_message(client, login, roles, archive):
    login(roles["other_organiser"])
    response = client.post("/chapters/birmingham/join")
    assert response.status_code == 409
    assert "Birmingham is archived: it takes no new members." in response.text
    assert members_of(archive) == 2


def test_organisers_cannot_open_the_new_event_page_of_an_archived_chapter(client, login, roles, archive):
    login(roles["organiser"])
    assert client.get("/chapters/birmingham/events/new").status_code == 403
    assert client.post("/chapters/birmingham/events/new", data={"title": "Back again?"}).status_code == 403


def test_an_archived_chapters_feed_still_serves_its_past_and_cancelled_events(client, archive):
    response = client.get("/chapters/birmingham/calendar.ics")
    assert response.status_code == 200
    calendar = icalendar.Calendar.from_ical(response.get_data())
    summaries = {str(vevent["SUMMARY"]): str(vevent["STATUS"]) for vevent in calendar.walk("VEVENT")}
    assert summaries == {
        "Lessons from the last decade": "CONFIRMED",
        "Cancelled: The one that never was": "CANCELLED",
    }


# Archiving and restoring from the edit page


def test_the_edit_page_offers_archiving_apart_from_the_everyday_controls(client, login, roles):
    login(roles["admin"])
    page = client.get("/chapters/birmingham/edit").text
    form, _, after = page.partition('<form method="post" class="form" novalidate>')[2].partition("</form>")
    assert "Save chapter" in form and "Archive this chapter" not in form
    link = '<a class="button button--danger" href="/chapters/birmingham/archive">Archive this chapter</a>'
    assert link in after


def test_the_confirmation_page_says_what_archiving_does_and_archives_on_post(client, login, roles, history):
    login(roles["admin"])
    page = client.get("/chapters/birmingham/archive").text
    assert "<h1>Archive Birmingham?</h1>" in page
    assert "past evenings, and who went to them, stay there for the record" in page
    assert "Nobody can join it" in page
    assert "Archive Birmingham</button>" in page
    assert not archived(roles["chapter"])

    response = client.post("/chapters/birmingham/archive", follow_redirects=True)
    assert response.request.path == "/chapters/birmingham"
    assert "Birmingham is archived. Its past evenings stay on its page." in response.text
    assert ARCHIVED_NOTICE in response.text
    assert archived(roles["chapter"])


def test_the_confirmation_page_says_how_many_events_must_be_cancelled_first(
    client, login, roles, create_event
):
    create_event(roles["chapter"], starts_at=days(7))
    create_event(roles["chapter"], starts_at=days(14))
    login(roles["admin"])
    for response in (client.get("/chapters/birmingham/archive"), client.post("/chapters/birmingham/archive")):
        assert response.status_code == 409
        assert "Birmingham has 2 upcoming events. Cancel them first" in response.text
        assert "Archive Birmingham</button>" not in response.text
    assert not archived(roles["chapter"])


def test_the_edit_page_of_an_archived_chapter_offers_restoring_it(client, login, roles, archive):
    login(roles["admin"])
    page = client.get("/chapters/birmingham/edit").text
    assert "Archive this chapter" not in page
    assert 'action="/chapters/birmingham/restore"' in page
    response = client.post("/chapters/birmingham/restore", follow_redirects=True)
    assert "Birmingham is restored" in response.text
    assert ARCHIVED_NOTICE not in response.text
    assert not archived(archive)


def test_restoring_a_chapter_that_is_not_archived_is_refused(client, login, roles):
    login(roles["admin"])
    response = client.post("/chapters/birmingham/restore")
    assert response.status_code == 409
    assert "Birmingham is not archived." in response.text


def test_archiving_and_restoring_need_a_csrf_token(client, login, roles, history, csrf_enabled):
    login(roles["admin"])
    assert client.post("/chapters/birmingham/archive").status_code == 400
    assert not archived(roles["chapter"])
    token = csrf_token_from(client.get("/chapters/birmingham/archive").text)
    assert client.post("/chapters/birmingham/archive", data={"csrf_token": token}).status_code == 302
    assert archived(roles["chapter"])
    assert client.post("/chapters/birmingham/restore").status_code == 400
    assert archived(roles["chapter"])


# Who may


def refused(response, role) -> bool:
    return signs_in(response) if role == "anonymous" else response.status_code == 403


@pytest.mark.parametrize("role", ROLE_NAMES)
def test_only_site_admins_archive_a_chapter(client, as_role, roles, history, role):
    as_role(role)
    page = client.get("/chapters/birmingham/archive")
    response = client.post("/chapters/birmingham/archive")
    if role == "admin":
        assert page.status_code == 200
        assert response.status_code == 302
        assert archived(roles["chapter"])
    else:
        assert refused(page, role) and refused(response, role)
        assert not archived(roles["chapter"])


@pytest.mark.parametrize("role", ROLE_NAMES)
def test_only_site_admins_restore_a_chapter(client, as_role, archive, role):
    as_role(role)
    response = client.post("/chapters/birmingham/restore")
    if role == "admin":
        assert response.status_code == 302
        assert not archived(archive)
    else:
        assert refused(response, role)
        assert archived(archive)
