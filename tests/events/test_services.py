"""The chapter and event rules, called directly as the views and the CLI call them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from flashmob.events.chapters import services as chapter_services
from flashmob.events.evenings import services as event_services
from flashmob.events.evenings.services import EventDetails
from flashmob.events.models import ChapterMembership, Event, EventStatus
from flashmob.extensions import db
from flashmob.text import slugify

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def details(**overrides) -> EventDetails:
    values = {
        "title": "Spring flashmob",
        "starts_at": datetime(2026, 7, 9, 18, 30),
        "ends_at": datetime(2026, 7, 9, 21, 0),
        "timezone": "Europe/London",
        "venue_name": "The Old Joint Stock",
        "venue_address": "4 Temple Row West, Birmingham B2 5NY",
        "description": "Bring a lesson.",
        "capacity": 30,
    }
    values.update(overrides)
    return EventDetails(**values)


# Creating events


def test_create_event_stores_london_summer_evening_in_utc(roles):
    event = event_services.create_event(roles["chapter"], details(), actor=roles["organiser"], now=NOW)
    db.session.commit()
    stored = db.session.get(Event, event.id)
    assert stored.starts_at == datetime(2026, 7, 9, 17, 30, tzinfo=UTC)
    assert stored.ends_at == datetime(2026, 7, 9, 20, 0, tzinfo=UTC)
    assert stored.local_starts_at.strftime("%H:%M %Z") == "18:30 BST"


def test_create_event_in_winter_keeps_gmt_wall_clock(roles):
    event = event_services.create_event(
        roles["chapter"],
        details(starts_at=datetime(2026, 12, 3, 18, 30), ends_at=datetime(2026, 12, 3, 21, 0)),
        actor=roles["organiser"],
        now=NOW,
    )
    assert event.starts_at == datetime(2026, 12, 3, 18, 30, tzinfo=UTC)


def test_create_event_is_a_draft_with_a_calendar_uid_from_the_configured_domain(app, roles):
    event = event_services.create_event(roles["chapter"], details(), actor=roles["organiser"], now=NOW)
    assert event.is_draft
    assert event.published_at is None
    assert event.created_by == roles["organiser"]
    assert event.ical_uid.endswith("@" + app.config["ICAL_DOMAIN"])
    assert event.sequence == 0


def test_create_event_can_publish_at_once(roles):
    event = event_services.create_event(
        roles["chapter"], details(), actor=roles["organiser"], publish=True, now=NOW
    )
    assert event.is_published
    assert event.published_at == NOW


def test_each_new_event_gets_its_own_uid(roles):
    first = event_services.create_event(roles["chapter"], details(), actor=roles["organiser"], now=NOW)
    second = event_services.create_event(roles["chapter"], details(), actor=roles["organiser"], now=NOW)
    assert first.ical_uid != second.ical_uid


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"title": "   "}, "title"),
        ({"ends_at": datetime(2026, 7, 9, 18, 30)}, "ends_at"),
        ({"ends_at": datetime(2026, 7, 9, 17, 0)}, "ends_at"),
        ({"starts_at": datetime(2026, 2, 1, 18, 30), "ends_at": datetime(2026, 2, 1, 21, 0)}, "starts_at"),
        ({"capacity": 0}, "capacity"),
        ({"capacity": -5}, "capacity"),
        ({"timezone": "Mars/Olympus_Mons"}, "timezone"),
        ({"title": "x" * 141}, "title"),
    ],
)
def test_create_event_refuses_broken_details_and_names_the_field(roles, overrides, field):
    with pytest.raises(event_services.EventError) as caught:
        event_services.create_event(roles["chapter"], details(**overrides), actor=roles["organiser"], now=NOW)
    assert caught.value.field == field
    db.session.rollback()
    assert db.session.scalar(select(Event)) is None


def test_create_event_without_capacity_has_no_limit(roles):
    event = event_services.create_event(
        roles["chapter"], details(capacity=None), actor=roles["organiser"], now=NOW
    )
    assert event.capacity is None


def test_a_time_skipped_when_clocks_go_forward_is_refused(roles):
    # 29 March 2026: London clocks jump from 01:00 to 02:00.
    with pytest.raises(event_services.EventError) as caught:
        event_services.create_event(
            roles["chapter"],
            details(starts_at=datetime(2026, 3, 29, 1, 30), ends_at=datetime(2026, 3, 29, 3, 0)),
            actor=roles["organiser"],
            now=NOW,
        )
    assert caught.value.field == "starts_at"
    assert "does not exist" in str(caught.value)


def test_a_time_that_happens_twice_when_clocks_go_back_means_the_first(roles):
    # 25 October 2026: London clocks go back from 02:00 BST to 01:00 GMT; 01:30 happens twice.
    event = event_services.create_event(
        roles["chapter"],
        details(starts_at=datetime(2026, 10, 25, 1, 30), ends_at=datetime(2026, 10, 25, 3, 0)),
        actor=roles["organiser"],
        now=NOW,
    )
    assert event.starts_at == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)
    assert event.ends_at == datetime(2026, 10, 25, 3, 0, tzinfo=UTC)


def test_local_to_utc_round_trips_in_other_zones():
    zone = ZoneInfo("America/New_York")
    moment = event_services.local_to_utc(datetime(2026, 7, 9, 18, 30), zone)
    assert moment == datetime(2026, 7, 9, 22, 30, tzinfo=UTC)
    assert event_services.utc_to_local(moment, "America/New_York") == datetime(2026, 7, 9, 18, 30)


# Changing events


def test_update_event_raises_sequence_when_the_time_changes(roles):
    event = event_services.create_event(roles["chapter"], details(), actor=roles["organiser"], now=NOW)
    event_services.update_event(
        event, details(starts_at=datetime(2026, 7, 9, 19, 0)), actor=roles["organiser"], now=NOW
    )
    assert event.sequence == 1
    assert event.starts_at == datetime(2026, 7, 9, 18, 0, tzinfo=UTC)


def test_update_event_raises_sequence_when_the_venue_changes(roles):
    event = event_services.create_event(roles["chapter"], details(), actor=roles["organiser"], now=NOW)
    event_services.update_event(
        event, details(venue_address="1 New Street"), actor=roles["organiser"], now=NOW
    )
    assert event.sequence == 1


def test_update_event_keeps_sequence_when_only_the_words_change(roles):
    event = event_services.create_event(roles["chapter"], details(), actor=roles["organiser"], now=NOW)
    event_services.update_event(
        event,
        details(title="New title", description="More words", capacity=40),
        actor=roles["organiser"],
        now=NOW,
    )
    assert event.sequence == 0
    assert event.title == "New title"
    assert event.capacity == 40


def test_update_event_keeps_its_uid(roles):
    event = event_services.create_event(roles["chapter"], details(), actor=roles["organiser"], now=NOW)
    uid = event.ical_uid
    event_services.update_event(
        event, details(starts_at=datetime(2026, 7, 9, 19, 0)), actor=roles["organiser"], now=NOW
    )
    assert event.ical_uid == uid


def test_update_event_refuses_an_end_before_the_start_and_changes_nothing(roles):
    event = event_services.create_event(roles["chapter"], details(), actor=roles["organiser"], now=NOW)
    before = (event.starts_at, event.ends_at, event.title)
    with pytest.raises(event_services.EventError) as caught:
        event_services.update_event(
            event,
            details(title="Changed", ends_at=datetime(2026, 7, 9, 17, 0)),
            actor=roles["organiser"],
            now=NOW,
        )
    assert caught.value.field == "ends_at"
    assert (event.starts_at, event.ends_at, event.title) == before


# Publishing and cancelling


def test_publish_event_shows_a_draft(roles):
    event = event_services.create_event(roles["chapter"], details(), actor=roles["organiser"], now=NOW)
    event_services.publish_event(event, actor=roles["organiser"], now=NOW)
    assert event.is_published
    assert event.published_at == NOW


def test_publish_event_refuses_an_already_published_event(roles, create_event):
    event = create_event(roles["chapter"])
    with pytest.raises(event_services.EventError, match="already published"):
        event_services.publish_event(event, actor=roles["organiser"])


def test_publish_event_refuses_a_draft_whose_start_has_passed(roles):
    event = event_services.create_event(roles["chapter"], details(), actor=roles["organiser"], now=NOW)
    with pytest.raises(event_services.EventError, match="start time has passed"):
        event_services.publish_event(event, actor=roles["organiser"], now=datetime(2026, 8, 1, tzinfo=UTC))
    assert event.is_draft


def test_cancel_event_marks_it_cancelled_with_reason_and_raises_sequence(roles, create_event):
    event = create_event(roles["chapter"])
    event_services.cancel_event(event, actor=roles["organiser"], reason="  The venue flooded.  ", now=NOW)
    db.session.commit()
    stored = db.session.get(Event, event.id)
    assert stored.is_cancelled
    assert stored.cancelled_at == NOW
    assert stored.cancellation_reason == "The venue flooded."
    assert stored.sequence == 1


def test_cancel_event_refuses_a_cancelled_event(roles, create_event):
    event = create_event(roles["chapter"], status=EventStatus.CANCELLED)
    with pytest.raises(event_services.EventError, match="already cancelled"):
        event_services.cancel_event(event, actor=roles["organiser"])


def test_cancel_event_refuses_a_draft(roles, create_event):
    event = create_event(roles["chapter"], status=EventStatus.DRAFT)
    with pytest.raises(event_services.EventError, match="draft"):
        event_services.cancel_event(event, actor=roles["organiser"])


def test_cancel_event_refuses_an_event_that_has_ended(roles, create_event):
    event = create_event(roles["chapter"], starts_at=datetime.now(UTC) - timedelta(days=3))
    with pytest.raises(event_services.EventError, match="already taken place"):
        event_services.cancel_event(event, actor=roles["organiser"])


# Chapters


def test_slugify_makes_addresses_from_names():
    assert slugify("Newcastle upon Tyne") == "newcastle-upon-tyne"
    assert slugify("  Zürich & Région!  ") == "zurich-region"
    assert slugify("東京") == ""


def test_create_chapter_makes_its_address_from_the_name(roles):
    chapter = chapter_services.create_chapter(
        name="Newcastle upon Tyne", city="Newcastle", timezone="Europe/London", actor=roles["admin"]
    )
    assert chapter.slug == "newcastle-upon-tyne"


def test_create_chapter_takes_a_given_address(roles):
    chapter = chapter_services.create_chapter(
        name="Greater Manchester",
        slug="manchester",
        city="Manchester",
        timezone="Europe/London",
        actor=roles["admin"],
    )
    assert chapter.slug == "manchester"


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"name": "birmingham"}, "name"),
        ({"name": "Brum", "slug": "birmingham"}, "slug"),
        ({"name": "New"}, "name"),
        ({"name": "Tokyo", "slug": "東京"}, "slug"),
        ({"name": "Leeds", "city": "  "}, "city"),
        ({"name": "Leeds", "timezone": "Nowhere/Town"}, "timezone"),
        ({"name": " "}, "name"),
    ],
)
def test_create_chapter_refuses_clashes_and_blanks(roles, fields, field):
    values = {"name": "Leeds", "city": "Leeds", "timezone": "Europe/London"} | fields
    with pytest.raises(chapter_services.ChapterError) as caught:
        chapter_services.create_chapter(**values, actor=roles["admin"])
    assert caught.value.field == field


def test_update_chapter_changes_details_but_not_the_address(roles):
    chapter = roles["chapter"]
    chapter_services.update_chapter(
        chapter,
        name="Birmingham & Black Country",
        city="Birmingham",
        timezone="Europe/Dublin",
        description="Hello",
        actor=roles["admin"],
    )
    assert chapter.slug == "birmingham"
    assert chapter.name == "Birmingham & Black Country"
    assert chapter.timezone == "Europe/Dublin"


def test_update_chapter_refuses_another_chapters_name(roles):
    with pytest.raises(chapter_services.ChapterError) as caught:
        chapter_services.update_chapter(
            roles["chapter"], name="London", city="Birmingham", timezone="Europe/London", actor=roles["admin"]
        )
    assert caught.value.field == "name"


def test_join_chapter_makes_a_member(roles, create_user):
    user = create_user()
    chapter_services.join_chapter(roles["chapter"], user, actor=user)
    db.session.commit()
    assert user.is_member_of(roles["chapter"].id)
    assert not user.is_organiser_of(roles["chapter"].id)


def test_join_chapter_twice_is_refused(roles):
    with pytest.raises(chapter_services.ChapterError, match="already a member"):
        chapter_services.join_chapter(roles["chapter"], roles["member"], actor=roles["member"])


def test_leave_chapter_removes_the_membership(roles):
    member = roles["member"]
    chapter_services.leave_chapter(roles["chapter"], member, actor=member)
    db.session.commit()
    assert db.session.scalar(select(ChapterMembership).where(ChapterMembership.user_id == member.id)) is None


def test_leave_chapter_refuses_someone_who_is_not_a_member(roles):
    with pytest.raises(chapter_services.ChapterError, match="not a member"):
        chapter_services.leave_chapter(roles["chapter"], roles["admin"], actor=roles["admin"])


def test_the_only_organiser_cannot_leave(roles):
    with pytest.raises(chapter_services.ChapterError, match="only organiser"):
        chapter_services.leave_chapter(roles["chapter"], roles["organiser"], actor=roles["organiser"])


def test_an_organiser_can_leave_when_another_remains(roles):
    chapter_services.appoint_organiser(roles["chapter"], roles["member"].email, actor=roles["admin"])
    chapter_services.leave_chapter(roles["chapter"], roles["organiser"], actor=roles["organiser"])
    assert not roles["organiser"].is_member_of(roles["chapter"].id)


def test_appoint_organiser_promotes_a_member(roles):
    user = chapter_services.appoint_organiser(
        roles["chapter"], "  " + roles["member"].email.upper(), actor=roles["admin"]
    )
    assert user == roles["member"]
    assert roles["member"].is_organiser_of(roles["chapter"].id)


def test_appoint_organiser_makes_a_non_member_a_member_too(roles, create_user):
    outsider = create_user()
    chapter_services.appoint_organiser(roles["chapter"], outsider.email, actor=roles["admin"])
    db.session.commit()
    db.session.refresh(outsider)
    assert outsider.is_organiser_of(roles["chapter"].id)


def test_appoint_organiser_with_an_unknown_email_says_so(roles):
    with pytest.raises(
        chapter_services.ChapterError, match=r"No member has the email address nobody@example\.org"
    ) as caught:
        chapter_services.appoint_organiser(roles["chapter"], "nobody@example.org", actor=roles["admin"])
    assert caught.value.field == "email"


def test_appoint_organiser_twice_is_refused(roles):
    with pytest.raises(chapter_services.ChapterError, match="already an organiser"):
        chapter_services.appoint_organiser(roles["chapter"], roles["organiser"].email, actor=roles["admin"])


def test_remove_organiser_keeps_them_a_member(roles):
    chapter_services.remove_organiser(roles["chapter"], roles["organiser"], actor=roles["admin"])
    assert roles["organiser"].is_member_of(roles["chapter"].id)
    assert not roles["organiser"].is_organiser_of(roles["chapter"].id)


def test_remove_organiser_refuses_someone_who_is_not_one(roles):
    with pytest.raises(chapter_services.ChapterError, match="not an organiser"):
        chapter_services.remove_organiser(roles["chapter"], roles["member"], actor=roles["admin"])
