"""One bad event cannot break a calendar for everybody: far dates cost no more than near ones, an entry
that cannot be written is left out and logged, and a calendar that fails is not rebuilt on every
request. The bad dates are written straight into the rows, as they were before dates were checked."""

from __future__ import annotations

import io
import logging
import os
import uuid
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
import redis
from dateutil import tz as dateutil_tz

from flashmob import cache, create_app
from flashmob.events.calendars import ical
from flashmob.extensions import db
from tests.events.conftest import store_dates

THIS_YEAR = datetime.now(UTC).year
# The years a feed of the coming weeks needs described: each event's, the one before and the one after.
NEAR_YEARS = set(range(THIS_YEAR - 1, THIS_YEAR + 3))


@pytest.fixture
def years_worked_out(monkeypatch):
    """Each (zone, year) whose changes of offset a calendar worked out (none remembered from before)."""
    worked = []
    real = ical._changes.__wrapped__

    def counting(zone, year):
        worked.append((zone.key, year))
        return real(zone, year)

    monkeypatch.setattr(ical, "_changes", counting)
    return worked


def calendar_of(response) -> icalendar.Calendar:
    assert response.status_code == 200, response.status_code
    calendar = icalendar.Calendar.from_ical(response.get_data())
    for component in calendar.walk():
        assert component.errors == [], (component.name, component.errors)
    return calendar


def uids(calendar: icalendar.Calendar) -> set[str]:
    return {str(vevent["UID"]) for vevent in calendar.walk("VEVENT")}


def left_out(caplog, event) -> bool:
    """Whether the log says this event was left out of a calendar, with what went wrong."""
    return any(
        record.levelno == logging.ERROR and record.exc_info and str(event.id) in record.getMessage()
        for record in caplog.records
        if "left out" in record.getMessage()
    )


def assert_same_offsets_as_the_zone_database(component: icalendar.Timezone, tzid: str, years):
    """Every day of those years, at three hours of it, dateutil reading the VTIMEZONE agrees with zoneinfo."""
    zone = ZoneInfo(tzid)
    described = dateutil_tz.tzical(io.StringIO(component.to_ical().decode())).get()
    for year in years:
        day = datetime(year, 1, 1)
        while day.year == year:
            for hour in (0, 12, 23):
                moment = day.replace(hour=hour)
                expected = moment.replace(tzinfo=zone).utcoffset()
                assert moment.replace(tzinfo=described).utcoffset() == expected, (tzid, moment)
            day += timedelta(days=1)


# Far dates cost what their events need, not the years between


def test_a_feed_with_a_year_9999_event_leaves_it_out_and_works_out_only_the_near_years(
    client, roles, create_event, years_worked_out, caplog
):
    near = create_event(roles["chapter"], title="Next fortnight")
    other = create_event(roles["other_chapter"], title="London next fortnight")
    far = create_event(roles["chapter"], title="Typo for 2026")
    store_dates(far, datetime(9999, 6, 3, 17, 30, tzinfo=UTC), datetime(9999, 6, 3, 20, 0, tzinfo=UTC))

    for url in ("/calendar.ics", f"/chapters/{roles['chapter'].slug}/calendar.ics"):
        calendar = calendar_of(client.get(url))
        assert near.ical_uid in uids(calendar) and far.ical_uid not in uids(calendar)
    assert other.ical_uid in uids(calendar_of(client.get("/calendar.ics")))
    assert left_out(caplog, far)
    assert {year for _, year in years_worked_out} <= NEAR_YEARS


def test_a_year_9000_event_is_in_the_feed_at_the_cost_of_its_own_years(
    client, roles, create_event, years_worked_out
):
    near = create_event(roles["chapter"], title="Next fortnight")
    far = create_event(roles["chapter"], title="A very long plan")
    store_dates(far, datetime(9000, 7, 6, 17, 30, tzinfo=UTC), datetime(9000, 7, 6, 20, 0, tzinfo=UTC))

    calendar = calendar_of(client.get("/calendar.ics"))
    assert uids(calendar) == {near.ical_uid, far.ical_uid}
    assert {year for _, year in years_worked_out} <= NEAR_YEARS | {8999, 9000, 9001}
    (far_vevent,) = [vevent for vevent in calendar.walk("VEVENT") if str(vevent["UID"]) == far.ical_uid]
    assert far_vevent.decoded("DTSTART") == datetime(9000, 7, 6, 18, 30, tzinfo=ZoneInfo("Europe/London"))
    (zone,) = calendar.walk("VTIMEZONE")
    assert_same_offsets_as_the_zone_database(zone, "Europe/London", [9000, THIS_YEAR])


def test_an_event_with_no_local_time_is_left_out_of_its_feed(
    client, roles, create_chapter, create_event, caplog
):
    tokyo = create_chapter("Tokyo", timezone="Asia/Tokyo")
    near = create_event(tokyo, title="Next fortnight")
    # 20:00 UTC on the last day of 9999 would be 05:00 on 1 January 10000 in Tokyo.
    broken = create_event(tokyo, title="The very end")
    store_dates(broken, datetime(9999, 12, 31, 20, 0, tzinfo=UTC), datetime(9999, 12, 31, 21, 0, tzinfo=UTC))

    calendar = calendar_of(client.get(f"/chapters/{tokyo.slug}/calendar.ics"))
    assert uids(calendar) == {near.ical_uid}
    assert left_out(caplog, broken)


def test_a_zone_asked_for_every_year_there_is_refuses_without_working_any_out(years_worked_out):
    with pytest.raises(ValueError, match="Europe/London"):
        ical.vtimezone("Europe/London", 1, 9999)
    assert years_worked_out == []


def test_far_apart_years_keep_the_yearly_rules_outlook_reads():
    component = ical.vtimezone_for_years("Europe/London", [2031, 2040])
    text = component.to_ical().decode()
    assert "RDATE" not in text
    assert "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3" in text
    assert_same_offsets_as_the_zone_database(component, "Europe/London", [2031, 2040])


@pytest.mark.parametrize(
    ("tzid", "years"),
    [
        ("America/New_York", [2005, 2010]),  # new rules from 2007, in the years left out
        ("Europe/Moscow", [2010, 2012, 2016]),  # summer time ended in 2011; +04 became +03 in 2014
        ("Africa/Casablanca", [2030, 2040]),  # changes follow Ramadan, no weekday rule
    ],
)
def test_far_apart_years_are_each_described_right_when_the_rules_changed_between(tzid, years):
    assert_same_offsets_as_the_zone_database(ical.vtimezone_for_years(tzid, years), tzid, years)


# One entry that cannot be written is left out, and the rest is served


def test_an_event_whose_entry_fails_is_left_out_and_logged_and_the_rest_served(
    client, roles, create_event, monkeypatch, caplog
):
    good = create_event(roles["chapter"], title="Fine evening")
    bad = create_event(roles["chapter"], title="Troublesome evening")
    later = create_event(roles["chapter"], title="Later evening", starts_at=bad.starts_at + timedelta(days=7))
    real = ical.event_to_vevent

    def failing_for_bad(event, **options):
        if event.id == bad.id:
            raise RuntimeError("something in this event cannot be written")
        return real(event, **options)

    monkeypatch.setattr(ical, "event_to_vevent", failing_for_bad)

    for url in ("/calendar.ics", f"/chapters/{roles['chapter'].slug}/calendar.ics"):
        calendar = calendar_of(client.get(url))
        assert uids(calendar) == {good.ical_uid, later.ical_uid}
    assert left_out(caplog, bad)


def test_events_whose_time_zone_cannot_be_written_are_left_out_and_the_rest_served(
    client, roles, create_chapter, create_event, monkeypatch, caplog
):
    london = create_event(roles["other_chapter"], title="London evening")
    new_york = create_event(create_chapter("New York", timezone="America/New_York"), title="New York evening")
    real = ical.vtimezone_for_years

    def failing_for_new_york(tzid, years):
        if tzid == "America/New_York":
            raise RuntimeError("this zone cannot be written")
        return real(tzid, years)

    monkeypatch.setattr(ical, "vtimezone_for_years", failing_for_new_york)

    calendar = calendar_of(client.get("/calendar.ics"))
    assert uids(calendar) == {london.ical_uid}
    assert [str(zone["TZID"]) for zone in calendar.walk("VTIMEZONE")] == ["Europe/London"]
    assert left_out(caplog, new_york)


# A calendar that fails as a whole is not built again on every request


@pytest.fixture
def failing_builds(monkeypatch):
    """Every feed and .ics file fails to build; counts the tries."""
    tries = []

    def failing(*args, **kwargs):
        tries.append(1)
        raise RuntimeError("this calendar cannot be built")

    monkeypatch.setattr(ical, "build_feed", failing)
    monkeypatch.setattr(ical, "build_event_file", failing)
    return tries


def assert_try_again_later(response):
    assert response.status_code == 503
    assert 1 <= int(response.headers["Retry-After"]) <= 300
    assert response.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert "Traceback" not in response.get_data(as_text=True)


@pytest.mark.parametrize("kind", ["chapter", "all", "event"])
def test_a_failing_calendar_is_built_once_across_two_requests(
    client, roles, create_event, failing_builds, caplog, kind
):
    event = create_event(roles["chapter"])
    url = {
        "chapter": f"/chapters/{roles['chapter'].slug}/calendar.ics",
        "all": "/calendar.ics",
        "event": f"/events/{event.id}.ics",
    }[kind]

    first = client.get(url)
    second = client.get(url)

    assert_try_again_later(first)
    assert_try_again_later(second)
    assert len(failing_builds) == 1
    failures = [record for record in caplog.records if record.levelno == logging.ERROR]
    assert len(failures) == 1 and failures[0].exc_info


def test_a_failed_calendar_is_tried_again_once_its_time_is_up(
    client, roles, create_event, failing_builds, monkeypatch
):
    event = create_event(roles["chapter"])
    url = f"/chapters/{roles['chapter'].slug}/calendar.ics"
    assert_try_again_later(client.get(url))
    now = cache.time.time()
    monkeypatch.setattr(cache.time, "time", lambda: now + 301)
    assert_try_again_later(client.get(url))
    assert len(failing_builds) == 2

    # A change to the events is a new calendar: it is tried at once.
    event.title = "Fixed evening"
    event.sequence += 1
    db.session.commit()
    assert_try_again_later(client.get(url))
    assert len(failing_builds) == 3


@pytest.mark.parametrize(
    ("zone", "starts_at"),
    [
        ("Asia/Tokyo", datetime(9999, 12, 31, 20, 0, tzinfo=UTC)),  # 1 January 10000 in Tokyo
        ("America/Los_Angeles", datetime(1, 1, 1, 3, 0, tzinfo=UTC)),  # 31 December of year 0 there
        ("Europe/London", datetime(9999, 6, 3, 17, 30, tzinfo=UTC)),  # past the years a calendar describes
    ],
)
def test_an_events_ics_file_with_an_impossible_date_answers_try_again_later_not_a_crash(
    client, create_chapter, create_event, years_worked_out, caplog, zone, starts_at
):
    chapter = create_chapter(f"Chapter in {zone}", timezone=zone)
    event = create_event(chapter)
    store_dates(event, starts_at, starts_at + timedelta(minutes=30))

    assert_try_again_later(client.get(f"/events/{event.id}.ics"))
    assert_try_again_later(client.get(f"/events/{event.id}.ics"))
    assert years_worked_out == []
    assert len([record for record in caplog.records if record.levelno == logging.ERROR]) == 1


def test_with_redis_every_worker_remembers_a_failure(app, database_url):
    url = os.environ.get("FLASHMOB_TEST_REDIS_URL")
    if not url:
        pytest.skip("set FLASHMOB_TEST_REDIS_URL (redis://127.0.0.1:6379/15) to test the cache in Redis")
    workers = [
        create_app({"SQLALCHEMY_DATABASE_URI": database_url, "CACHE_REDIS_URL": url}) for _ in range(2)
    ]
    key = f"test:failing:{uuid.uuid4().hex}"
    tries = []

    def failing() -> bytes:
        tries.append(1)
        raise RuntimeError("this calendar cannot be built")

    try:
        for worker in workers:
            with worker.app_context(), pytest.raises(cache.BuildFailed) as caught:
                cache.unless_failed_lately(key, failing, remember=60)
            assert 1 <= caught.value.retry_after <= 60
        assert len(tries) == 1
    finally:
        redis.Redis.from_url(url).delete(f"{cache.RedisCache.prefix}failed:{key}")
        for worker in workers:
            with worker.app_context():
                db.engine.dispose()
