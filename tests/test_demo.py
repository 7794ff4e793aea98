"""The demo data: `flask --app wsgi seed-demo` gives a newcomer chapters, people and evenings to look at."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest
from flask import current_app
from sqlalchemy import delete, func, or_, select

from flashmob import demo
from flashmob.events.models import (
    Chapter,
    ChapterMembership,
    Event,
    EventInterest,
    EventStatus,
    MembershipRole,
    Rsvp,
)
from flashmob.extensions import db
from flashmob.members.models import MemberTagKind, ProfileVisibility, User
from flashmob.members.passwords import verify_password
from flashmob.members.profiles import services
from flashmob.types import utcnow


def _chapter(slug: str) -> Chapter:
    return db.session.scalars(select(Chapter).where(Chapter.slug == slug)).one()


def _user(email: str) -> User:
    return db.session.scalars(select(User).where(User.email == email)).one()


def _event(key: str) -> Event:
    return db.session.scalars(select(Event).where(Event.ical_uid == demo.demo_ical_uid(key))).one()


def _counts() -> dict[str, int]:
    return {
        model.__name__: db.session.scalar(select(func.count()).select_from(model))
        for model in (User, Chapter, ChapterMembership, Event)
    }


@pytest.fixture
def seeded(app):
    summary = demo.seed_demo()
    db.session.expire_all()
    return summary


def test_seeding_creates_london_birmingham_and_more_chapters(seeded):
    slugs = set(db.session.scalars(select(Chapter.slug)))
    assert {"london", "birmingham", "manchester", "bristol", "leeds"} <= slugs
    assert _chapter("birmingham").name == "Birmingham"
    assert all(chapter.description for chapter in db.session.scalars(select(Chapter)))


def test_summary_says_what_was_added(seeded):
    assert seeded.startswith("Added demo data:")
    assert "5 chapters" in seeded
    assert "\n" not in seeded


@pytest.mark.parametrize(
    "email", ["admin@example.org", "organiser@example.org", "member@example.org"]
)
def test_demo_accounts_sign_in_with_the_demo_password(seeded, email):
    user = _user(email)
    assert verify_password(user.password_hash, "flashmob-demo")
    assert not verify_password(user.password_hash, "wrong-password")
    assert user.email_confirmed_at is not None


def test_demo_accounts_have_the_roles_the_readme_promises(seeded):
    london, birmingham = _chapter("london"), _chapter("birmingham")
    admin = _user("admin@example.org")
    organiser = _user("organiser@example.org")
    member = _user("member@example.org")
    assert admin.is_admin
    assert not organiser.is_admin and not member.is_admin
    assert organiser.is_organiser_of(london.id) and organiser.is_organiser_of(birmingham.id)
    assert member.is_member_of(birmingham.id) and not member.is_organiser_of(birmingham.id)


def test_about_thirty_members_with_profiles_and_london_the_biggest_chapter(seeded):
    users = list(db.session.scalars(select(User)))
    assert 25 <= len(users) <= 35
    assert all(user.email.endswith("@example.org") for user in users)
    assert all(user.profile.headline and user.profile.bio for user in users)
    shares = [user.profile.share_email_with_connections for user in users]
    assert any(shares) and not all(shares)


def test_demo_people_have_kinds_tags_some_pictures_and_varied_privacy(seeded):
    users = list(db.session.scalars(select(User)))
    assert all(user.profile.pmo_kind for user in users)
    assert {user.profile.visibility for user in users} == set(ProfileVisibility)
    with_pictures = [user for user in users if user.profile.picture_version]
    assert 3 <= len(with_pictures) < len(users)
    tags = services.tags_of([user.id for user in users])
    assert all(tags[user.id][MemberTagKind.INTEREST] for user in users)
    # Tags are shared, so that the directory's tag links find other people.
    used = [tag.key for user in users for tag in tags[user.id][MemberTagKind.EXPERTISE]]
    assert any(used.count(key) > 1 for key in used)
    sizes = dict(
        db.session.execute(
            select(Chapter.slug, func.count(ChapterMembership.id))
            .join(ChapterMembership)
            .group_by(Chapter.slug)
        ).all()
    )
    assert sizes["london"] == max(sizes.values())
    assert sizes["london"] >= 15


def test_other_chapters_have_organisers_of_their_own(seeded):
    organisers = db.session.scalars(
        select(User.email)
        .join(ChapterMembership)
        .where(ChapterMembership.role == MembershipRole.ORGANISER)
        .distinct()
    ).all()
    assert "organiser@example.org" in organisers
    assert len(organisers) >= 3


def test_birmingham_has_its_first_flashmob_on_7_may_2015_and_a_july_follow_up(seeded):
    birmingham = _chapter("birmingham")
    first = _event("birmingham-2015-first")
    assert first.chapter_id == birmingham.id
    assert first.local_starts_at.date() == date(2015, 5, 7)
    assert first.local_starts_at.time() == time(18, 0)
    assert first.is_published and first.is_past
    assert "Birmingham" in first.venue_address
    summer = _event("birmingham-2015-summer")
    assert summer.chapter_id == birmingham.id
    assert (summer.local_starts_at.year, summer.local_starts_at.month) == (2015, 7)
    assert summer.is_published


def test_there_are_upcoming_published_events_in_london_and_birmingham(seeded):
    upcoming = db.session.scalars(
        select(Chapter.slug)
        .join(Event)
        .where(Event.status == EventStatus.PUBLISHED, Event.starts_at > utcnow())
    ).all()
    assert "london" in upcoming and "birmingham" in upcoming


def test_there_are_past_london_events_over_the_years(seeded):
    london_past = db.session.scalars(
        select(Event).join(Chapter).where(Chapter.slug == "london", Event.ends_at < utcnow())
    ).all()
    assert len({event.starts_at.year for event in london_past}) >= 3


def test_a_chapter_has_no_events_yet_and_one_only_upcoming_ones(seeded):
    assert not _chapter("leeds").events
    manchester = _chapter("manchester").events
    assert manchester and all(not event.is_past for event in manchester)


def test_the_birmingham_draft_is_a_draft_and_one_event_is_cancelled(seeded):
    draft = _event("birmingham-draft-autumn")
    assert draft.is_draft and draft.published_at is None
    assert draft.chapter.slug == "birmingham"
    cancelled = _event("london-upcoming-cancelled")
    assert cancelled.is_cancelled and cancelled.cancelled_at is not None
    assert cancelled.sequence == 1
    assert "venue" in cancelled.cancellation_reason


def test_events_are_evenings_in_london_time_with_sensible_capacities(seeded):
    events = db.session.scalars(select(Event)).all()
    assert len(events) >= 10
    for event in events:
        assert event.timezone == "Europe/London"
        assert time(17, 30) <= event.local_starts_at.time() <= time(19, 0)
        assert event.local_ends_at.time() <= time(22, 0)
        assert event.ends_at > event.starts_at
        assert 15 <= event.capacity <= 40
        # A save-the-date may not have found its venue yet.
        assert event.date_tbc or (event.venue_name and event.venue_address)
        assert event.description
        assert event.created_by is not None
        assert event.ical_uid.startswith("demo-") and event.ical_uid.endswith("@flashmob.example.org")


def test_birmingham_has_a_summer_save_the_date_with_members_waiting_to_hear(seeded):
    event = _event("birmingham-summer-save-the-date")
    assert event.is_published and event.date_tbc and event.date_hint.startswith("July ")
    assert event.local_starts_at.month == 7 and not event.is_past
    waiting = db.session.scalar(
        select(func.count()).select_from(EventInterest).where(EventInterest.event_id == event.id)
    )
    assert waiting >= 3


def test_a_published_event_was_announced_no_later_than_now(seeded):
    for event in db.session.scalars(select(Event).where(Event.status != EventStatus.DRAFT)):
        assert event.published_at is not None
        assert event.published_at <= utcnow()


def test_second_run_adds_nothing_and_changes_nothing(seeded):
    before = _counts()
    snapshot = {e.ical_uid: (e.starts_at, e.status) for e in db.session.scalars(select(Event))}
    summary = demo.seed_demo()
    db.session.expire_all()
    assert _counts() == before
    assert {e.ical_uid: (e.starts_at, e.status) for e in db.session.scalars(select(Event))} == snapshot
    assert _event("birmingham-draft-autumn").is_draft
    assert summary == "Nothing to add: the demo data is already there."


def test_upcoming_dates_stay_fixed_when_seeded_again_on_a_later_day(seeded, monkeypatch):
    starts_at = _event("london-upcoming-reporting").starts_at
    later = demo.today() + timedelta(days=9)
    monkeypatch.setattr(demo, "today", lambda: later)
    demo.seed_demo()
    db.session.expire_all()
    assert _event("london-upcoming-reporting").starts_at == starts_at


@pytest.mark.parametrize(
    ("today", "days", "expected"),
    [
        (date(2026, 11, 25), 21, date(2026, 12, 17)),  # a Wednesday: on to Thursday
        (date(2026, 11, 26), 0, date(2026, 11, 26)),  # already a Thursday
        (date(2026, 11, 25), 30, date(2027, 1, 7)),  # not on New Year's Eve
    ],
)
def test_upcoming_demo_evenings_fall_on_thursdays_outside_the_holidays(monkeypatch, today, days, expected):
    monkeypatch.setattr(demo, "today", lambda: today)
    assert demo.thursday_from_today(days) == expected


def test_seeding_fills_in_only_what_is_missing(seeded):
    event, zoe = _event("bristol-first"), _user("zoe.clarke@example.org")
    # The database refuses to erase history with them: their RSVPs go first, as only a test would do.
    db.session.execute(delete(Rsvp).where(or_(Rsvp.event_id == event.id, Rsvp.user_id == zoe.id)))
    db.session.delete(event)
    db.session.delete(zoe)
    db.session.commit()
    summary = demo.seed_demo()
    assert "1 people" in summary and "1 events" in summary and "0 chapters" in summary
    db.session.expire_all()
    assert _user("zoe.clarke@example.org").is_member_of(_chapter("manchester").id)


def test_if_empty_does_nothing_when_a_chapter_exists(app, create_chapter):
    create_chapter("Glasgow")
    summary = demo.seed_demo(only_if_empty=True)
    assert summary.startswith("Skipped")
    assert _counts() == {"User": 0, "Chapter": 1, "ChapterMembership": 0, "Event": 0}


def test_if_empty_seeds_an_empty_database(app):
    demo.seed_demo(only_if_empty=True)
    assert _chapter("london")


def test_the_seed_demo_command_runs_and_reports(app):
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    assert "Added demo data" in result.output
    assert _user("organiser@example.org")
    again = app.test_cli_runner().invoke(args=["seed-demo", "--if-empty"])
    assert again.exit_code == 0, again.output
    assert "Skipped" in again.output


def test_the_demo_member_has_connections_a_request_waiting_and_one_sent(seeded):
    from flashmob.members.connections.queries import overview

    mark = _user("member@example.org")
    with current_app.test_request_context():  # pictures' addresses are built for a page
        page = overview(mark)
    assert {person.display_name for person in page.connections} >= {"Eileen Parry"}
    assert len(page.connections) == 2 and len(page.received) == 1 and len(page.sent) == 1
    eileen = next(person for person in page.connections if person.display_name == "Eileen Parry")
    assert "benefits map" in eileen.note


def test_seeding_connections_twice_adds_none(seeded):
    assert demo.seed_connections() == 0
def test_past_evenings_have_published_write_ups_with_lessons_and_agreed_voices(seeded):
    from flashmob.discussions.models import Lesson, LessonVoice, VoiceStatus, Writeup, WriteupStatus

    writeups = db.session.scalars(select(Writeup)).all()
    lessons = db.session.scalar(select(func.count()).select_from(Lesson))
    assert len(writeups) >= 12 and all(w.status == WriteupStatus.PUBLISHED for w in writeups)
    assert all(w.event.ends_at < utcnow() for w in writeups)
    assert 55 <= lessons <= 70
    assert all(3 <= len(w.lessons) <= 6 for w in writeups)
    agreed = db.session.scalar(
        select(func.count()).select_from(LessonVoice).where(LessonVoice.status == VoiceStatus.AGREED)
    )
    assert agreed >= lessons
    # The demo member has been asked about one lesson and not answered yet.
    member = _user("member@example.org")
    asked = db.session.scalars(select(LessonVoice).where(LessonVoice.user_id == member.id)).all()
    assert [voice.status for voice in asked] == [VoiceStatus.ASKED]


def test_every_demo_voice_came_to_the_evening(seeded):
    from flashmob.discussions.models import LessonVoice
    from flashmob.discussions.writeups import queries

    for voice in db.session.scalars(select(LessonVoice)):
        assert queries.attended(voice.user_id, voice.lesson.writeup.event_id)


def test_demo_lessons_span_both_chapters_over_the_years_on_the_networks_themes(seeded):
    from flashmob.discussions.models import Lesson, LessonVoice, Writeup

    writeups = db.session.scalars(select(Writeup)).all()
    years = {
        slug: {w.event.local_starts_at.year for w in writeups if w.event.chapter.slug == slug}
        for slug in ("london", "birmingham")
    }
    assert len(years["london"]) >= 5 and len(years["birmingham"]) >= 3
    lessons = db.session.scalars(select(Lesson)).all()
    themes = {tag.name for lesson in lessons for tag in lesson.themes}
    assert {
        "The PMO as the lessons learnt",
        "What practitioners like",
        "What practitioners struggle with",
        "Limits of the PMO's authority",
        "Reporting",
        "What bad decisions cost",
    } <= themes
    assert all(1 <= len(lesson.themes) <= 3 and len(lesson.statement) <= 200 for lesson in lessons)
    # Lesson themes and profile tags are one vocabulary: a theme page finds the people who know it.
    tags = services.tags_of([user.id for user in db.session.scalars(select(User))])
    profile_tags = {tag.name for kinds in tags.values() for listed in kinds.values() for tag in listed}
    assert {"Risk registers", "RAID logs", "Benefits realisation", "Career growth"} <= themes & profile_tags
    speakers = set(db.session.scalars(select(LessonVoice.user_id)))
    assert len(speakers) >= 20


def test_seeding_write_ups_twice_adds_nothing(seeded):
    from flashmob.discussions import demo_lessons
    from flashmob.discussions.models import EveningQuestion, Lesson, LessonVoice, QuestionAnswer, Writeup

    models = (Writeup, Lesson, LessonVoice, EveningQuestion, QuestionAnswer, Rsvp)
    before = {m: db.session.scalar(select(func.count()).select_from(m)) for m in models}
    assert demo_lessons.seed_writeups() == 0
    assert demo.seed_demo() == "Nothing to add: the demo data is already there."
    assert {m: db.session.scalar(select(func.count()).select_from(m)) for m in models} == before


def test_london_birmingham_and_one_evening_have_drawn_covers_and_seeding_twice_adds_none(seeded, client):
    assert _chapter("london").cover_version == 1
    assert _chapter("birmingham").cover_version == 1
    assert _chapter("leeds").cover_version is None  # the drawn default
    with_own = db.session.scalars(select(Event).where(Event.cover_version.is_not(None))).all()
    assert [event.ical_uid for event in with_own] == [demo.demo_ical_uid("london-upcoming-reporting")]
    assert client.get("/chapters/london/cover/1/wide.webp").status_code == 200
    assert client.get(f"/events/{with_own[0].id}/cover/1/card.webp").status_code == 200
    assert demo.seed_covers() == 0
