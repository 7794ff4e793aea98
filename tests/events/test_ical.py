"""Calendar output: feeds, .ics files and invitations, read back by icalendar and by vobject."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
import vobject
from dateutil import tz as dateutil_tz

from flashmob.events.calendars import ical
from flashmob.events.evenings import services
from flashmob.events.models import Event, EventStatus, Rsvp, RsvpStatus
from flashmob.extensions import db

BASE_URL = "https://flashmob.example.org"
MAIL_FROM = "PMO Flashmob <hello@flashmob.example.org>"
SUMMER = datetime(2031, 7, 3, 17, 30, tzinfo=UTC)  # 18:30 in London (BST)
WINTER = datetime(2031, 12, 4, 18, 30, tzinfo=UTC)  # 18:30 in London (GMT)
CONTROL_CHARACTERS = "\x00\x01\x07\x08\x0b\x0c\x1b\x7f"


def path_for(event: Event) -> str:
    return f"/events/{event.id}"


def feed(events, **options) -> bytes:
    options = {
        "name": "PMO Flashmob Birmingham",
        "description": "Evening meetups of the Birmingham chapter.",
        "base_url": BASE_URL,
        "url_for_event": path_for,
        "organiser_email": MAIL_FROM,
        **options,
    }
    return ical.build_feed(events, **options)


def invitation(event: Event, method: str = "REQUEST", **options) -> bytes:
    options = {
        "base_url": BASE_URL,
        "path": path_for(event),
        "attendee_email": "ada@example.org",
        "attendee_name": "Ada Lovelace",
        "organiser_email": MAIL_FROM,
        "method": method,
        **options,
    }
    return ical.build_invitation(event, **options)


def parse(data: bytes) -> icalendar.Calendar:
    """Read a calendar with both parsers; fail on anything either of them finds wrong."""
    assert isinstance(data, bytes)
    calendar = icalendar.Calendar.from_ical(data)
    for component in calendar.walk():
        assert component.errors == [], (component.name, component.errors)
    other = vobject.readOne(data.decode("utf-8"))
    other.validate()
    assert other.name == "VCALENDAR"
    # The two parsers agree on the events and what they say.
    theirs = {str(vevent.uid.value): vevent for vevent in getattr(other, "vevent_list", [])}
    ours = {str(vevent["UID"]): vevent for vevent in calendar.walk("VEVENT")}
    assert theirs.keys() == ours.keys()
    for uid, vevent in ours.items():
        assert theirs[uid].summary.value == str(vevent["SUMMARY"])
        assert theirs[uid].dtstart.value == vevent.decoded("DTSTART")
        assert int(theirs[uid].sequence.value) == vevent.decoded("SEQUENCE")
    return calendar


def only_event(calendar: icalendar.Calendar) -> icalendar.Event:
    (vevent,) = calendar.walk("VEVENT")
    return vevent


def vevent_for(calendar: icalendar.Calendar, event: Event) -> icalendar.Event:
    (vevent,) = [v for v in calendar.walk("VEVENT") if str(v["UID"]) == event.ical_uid]
    return vevent


def zone_from_vtimezone(calendar: icalendar.Calendar, tzid: str):
    """The zone as the calendar's own VTIMEZONE describes it, read by dateutil (not icalendar)."""
    (component,) = [tz for tz in calendar.walk("VTIMEZONE") if str(tz["TZID"]) == tzid]
    return dateutil_tz.tzical(io.StringIO(component.to_ical().decode())).get()


# A feed


def test_feed_carries_its_name_refresh_hints_and_no_method(create_event):
    event = create_event(starts_at=SUMMER)
    data = feed([event])
    calendar = parse(data)
    text = data.decode()

    assert str(calendar["PRODID"]) == "-//PMO Flashmob//Flashmob//EN"
    assert str(calendar["VERSION"]) == "2.0"
    assert str(calendar["CALSCALE"]) == "GREGORIAN"
    assert "METHOD" not in calendar
    assert "\r\nNAME:PMO Flashmob Birmingham\r\n" in text
    assert "\r\nX-WR-CALNAME:PMO Flashmob Birmingham\r\n" in text
    assert "\r\nX-WR-CALDESC:Evening meetups of the Birmingham chapter.\r\n" in text
    assert "\r\nREFRESH-INTERVAL;VALUE=DURATION:PT1H\r\n" in text
    assert "\r\nX-PUBLISHED-TTL:PT1H\r\n" in text
    assert vobject.readOne(text).x_wr_calname.value == "PMO Flashmob Birmingham"


def test_feed_refresh_hint_follows_the_interval_asked_for(create_event):
    data = feed([create_event()], refresh=timedelta(hours=6))
    parse(data)
    assert b"\r\nREFRESH-INTERVAL;VALUE=DURATION:PT6H\r\n" in data
    assert b"\r\nX-PUBLISHED-TTL:PT6H\r\n" in data


def test_each_event_says_what_where_when_and_who_organises_it(create_chapter, create_event):
    chapter = create_chapter("Birmingham")
    event = create_event(
        chapter,
        title="Summer Flashmob",
        starts_at=SUMMER,
        venue_name="The Old Joint Stock",
        venue_address="4 Temple Row West, Birmingham B2 5NY",
        description="## Agenda\n\nTalk about **lessons learnt** with [the PMO](https://example.org/pmo).",
    )
    vevent = only_event(parse(feed([event])))

    assert str(vevent["UID"]) == event.ical_uid
    assert vevent.decoded("SEQUENCE") == 0
    assert str(vevent["SUMMARY"]) == "Summer Flashmob"
    assert str(vevent["LOCATION"]) == "The Old Joint Stock, 4 Temple Row West, Birmingham B2 5NY"
    assert str(vevent["URL"]) == f"{BASE_URL}/events/{event.id}"
    assert str(vevent["STATUS"]) == "CONFIRMED"
    start, end = vevent.decoded("DTSTART"), vevent.decoded("DTEND")
    assert vevent["DTSTART"].params["TZID"] == "Europe/London"
    assert (start.hour, start.minute) == (18, 30)
    assert start == event.starts_at and end == event.ends_at
    organiser = vevent["ORGANIZER"]
    assert str(organiser) == "mailto:hello@flashmob.example.org"
    assert organiser.params["CN"] == "PMO Flashmob Birmingham"
    description = str(vevent["DESCRIPTION"])
    assert "Agenda" in description and "Talk about lessons learnt with the PMO." in description
    assert "**" not in description and "<" not in description and "##" not in description
    assert description.endswith(f"{BASE_URL}/events/{event.id}")


def test_feed_stamps_events_with_their_last_change(create_event):
    event = create_event(starts_at=SUMMER)
    vevent = only_event(parse(feed([event])))
    changed = event.updated_at.replace(microsecond=0)
    # A feed has no METHOD, so DTSTAMP is the last change, like LAST-MODIFIED (RFC 5545 3.8.7.2).
    assert vevent.decoded("DTSTAMP") == changed
    assert vevent.decoded("LAST-MODIFIED") == changed
    assert vevent.decoded("CREATED") == event.created_at.replace(microsecond=0)
    assert vevent["DTSTAMP"].to_ical().endswith(b"Z")


def test_same_events_give_the_same_feed_bytes(create_event):
    events = [create_event(starts_at=SUMMER), create_event(starts_at=WINTER)]
    assert feed(events) == feed(events)


def test_feed_lists_events_in_the_order_given(create_event):
    later, sooner = create_event(starts_at=WINTER), create_event(starts_at=SUMMER)
    calendar = parse(feed([sooner, later]))
    assert [str(v["UID"]) for v in calendar.walk("VEVENT")] == [sooner.ical_uid, later.ical_uid]


def test_empty_feed_is_still_a_valid_calendar(app):
    data = feed([], timezone="Europe/London")
    calendar = parse(data)
    assert calendar.walk("VEVENT") == []
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["Europe/London"]
    assert b"X-WR-CALNAME:PMO Flashmob Birmingham" in data


# Time zones


def test_every_tzid_used_has_exactly_one_vtimezone(create_chapter, create_event):
    london = create_chapter("London", timezone="Europe/London")
    new_york = create_chapter("New York", timezone="America/New_York")
    events = [
        create_event(london, starts_at=SUMMER),
        create_event(london, starts_at=WINTER),
        create_event(new_york, starts_at=SUMMER + timedelta(days=1)),
    ]
    calendar = parse(feed(events))

    tzids = [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")]
    assert sorted(tzids) == ["America/New_York", "Europe/London"]
    assert calendar.get_used_tzids() == set(tzids)
    assert calendar.get_missing_tzids() == set()
    # The zones come before the events that refer to them.
    names = [component.name for component in calendar.subcomponents]
    assert names == ["VTIMEZONE", "VTIMEZONE", "VEVENT", "VEVENT", "VEVENT"]


def test_summer_evening_in_london_is_an_hour_ahead_of_utc(create_event):
    event = create_event(starts_at=SUMMER)
    data = feed([event])
    calendar = parse(data)

    (timezone,) = calendar.walk("VTIMEZONE")
    daylight = [o for o in timezone.walk("DAYLIGHT")]
    assert [o.decoded("TZOFFSETTO") for o in daylight] == [timedelta(hours=1)]
    assert b"TZOFFSETTO:+0100" in data
    zone = zone_from_vtimezone(calendar, "Europe/London")
    assert datetime(2031, 7, 3, 18, 30, tzinfo=zone).utcoffset() == timedelta(hours=1)
    # vobject reads the zone from the VTIMEZONE too, and puts the evening at 17:30 UTC.
    vevent = vobject.readOne(data.decode()).vevent
    assert vevent.dtstart.value.utcoffset() == timedelta(hours=1)
    assert vevent.dtstart.value.astimezone(UTC) == SUMMER


def test_winter_evening_in_london_is_on_utc(create_event):
    event = create_event(starts_at=WINTER)
    data = feed([event])
    calendar = parse(data)

    (timezone,) = calendar.walk("VTIMEZONE")
    assert [o.decoded("TZOFFSETTO") for o in timezone.walk("STANDARD")] == [timedelta(0)]
    zone = zone_from_vtimezone(calendar, "Europe/London")
    assert datetime(2031, 12, 4, 18, 30, tzinfo=zone).utcoffset() == timedelta(0)
    vevent = vobject.readOne(data.decode()).vevent
    assert vevent.dtstart.value.utcoffset() == timedelta(0)
    assert vevent.dtstart.value.astimezone(UTC) == WINTER


def test_london_zone_is_written_as_yearly_rules_that_outlook_reads():
    # Outlook shifts summer events by an hour when a VTIMEZONE lists changes as RDATEs.
    text = ical.vtimezone("Europe/London", 2031, 2031).to_ical().decode()
    assert "RDATE" not in text
    assert "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3" in text
    assert "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10" in text


@pytest.mark.parametrize(
    "tzid",
    [
        "Europe/London",
        "Europe/Dublin",  # winter time is its "daylight saving"
        "America/New_York",  # second Sunday of March, first of November
        "Australia/Sydney",  # summer across the new year
        "Pacific/Chatham",  # +12:45 / +13:45
        "Asia/Kolkata",  # no changes at all
        "Africa/Casablanca",  # changes follow Ramadan, no weekday rule
    ],
)
def test_vtimezone_gives_the_same_offsets_as_the_zone_database_every_day(tzid):
    zone = ZoneInfo(tzid)
    component = ical.vtimezone(tzid, 2030, 2032)
    described = dateutil_tz.tzical(io.StringIO(component.to_ical().decode())).get()
    day = datetime(2030, 1, 1, 12)
    while day.year <= 2032:
        for hour in (0, 12, 23):
            moment = day.replace(hour=hour)
            assert moment.replace(tzinfo=described).utcoffset() == moment.replace(tzinfo=zone).utcoffset(), (
                tzid,
                moment,
            )
        day += timedelta(days=1)


# Updates, cancellations and invitations


def test_moving_an_event_keeps_its_uid_and_raises_its_sequence(create_user, create_event):
    organiser = create_user("Olu Organiser")
    event = create_event(starts_at=SUMMER)
    before_feed = only_event(parse(feed([event])))
    before_invitation = only_event(parse(invitation(event)))

    details = services.EventDetails(
        title=event.title,
        starts_at=datetime(2031, 7, 10, 18, 0),  # a week later, half an hour earlier, London time
        ends_at=datetime(2031, 7, 10, 20, 30),
        timezone=event.timezone,
        venue_name=event.venue_name,
        venue_address=event.venue_address,
        description=event.description,
        capacity=event.capacity,
    )
    services.update_event(event, details, actor=organiser)
    db.session.commit()

    for before, data in ((before_feed, feed([event])), (before_invitation, invitation(event))):
        after = only_event(parse(data))
        assert str(after["UID"]) == str(before["UID"]) == event.ical_uid
        assert after.decoded("SEQUENCE") == before.decoded("SEQUENCE") + 1 == 1
        assert after.decoded("DTSTART") == datetime(2031, 7, 10, 17, 0, tzinfo=UTC)
        assert after.decoded("LAST-MODIFIED") == event.updated_at.replace(microsecond=0)
        assert after.decoded("LAST-MODIFIED") >= before.decoded("LAST-MODIFIED")


def test_invitation_is_a_request_from_the_organiser_to_one_attendee(create_event):
    event = create_event(starts_at=SUMMER)
    sent_at = datetime(2031, 6, 1, 9, 15, 7, tzinfo=UTC)
    calendar = parse(invitation(event, now=sent_at))

    assert str(calendar["METHOD"]) == "REQUEST"
    vevent = only_event(calendar)
    assert str(vevent["UID"]) == event.ical_uid
    assert str(vevent["STATUS"]) == "CONFIRMED"
    assert vevent.decoded("DTSTAMP") == sent_at  # iTIP: when the message was made
    assert str(vevent["ORGANIZER"]) == "mailto:hello@flashmob.example.org"
    attendee = vevent["ATTENDEE"]
    assert not isinstance(attendee, list), "one ATTENDEE per invitation"
    assert str(attendee) == "mailto:ada@example.org"
    assert attendee.params["CN"] == "Ada Lovelace"
    assert attendee.params["PARTSTAT"] == "ACCEPTED"
    assert attendee.params["RSVP"] == "FALSE"
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["Europe/London"]


def test_invitation_to_someone_on_the_waiting_list_is_tentative(create_event):
    event = create_event(starts_at=SUMMER)
    vevent = only_event(parse(invitation(event, tentative=True)))
    assert vevent["ATTENDEE"].params["PARTSTAT"] == "TENTATIVE"
    assert str(vevent["STATUS"]) == "TENTATIVE"


def test_cancellation_round_trip_takes_the_event_out_of_calendars(create_user, create_event):
    organiser = create_user("Olu Organiser")
    event = create_event(starts_at=SUMMER, title="Summer Flashmob")
    request = only_event(parse(invitation(event)))
    in_feed = only_event(parse(feed([event])))

    services.cancel_event(event, actor=organiser, reason="The venue flooded.")
    db.session.commit()

    cancel_calendar = parse(invitation(event, method="CANCEL"))
    assert str(cancel_calendar["METHOD"]) == "CANCEL"
    cancel = only_event(cancel_calendar)
    assert str(cancel["UID"]) == str(request["UID"]) == event.ical_uid
    assert cancel.decoded("SEQUENCE") > request.decoded("SEQUENCE")
    assert str(cancel["STATUS"]) == "CANCELLED"
    assert str(cancel["ATTENDEE"]) == "mailto:ada@example.org"
    assert str(cancel["ORGANIZER"]) == "mailto:hello@flashmob.example.org"

    # The feed keeps it, marked, so subscribed calendars update their copy rather than lose it.
    cancelled_in_feed = only_event(parse(feed([event])))
    assert str(cancelled_in_feed["UID"]) == str(in_feed["UID"])
    assert cancelled_in_feed.decoded("SEQUENCE") > in_feed.decoded("SEQUENCE")
    assert str(cancelled_in_feed["STATUS"]) == "CANCELLED"
    assert str(cancelled_in_feed["SUMMARY"]) == "Cancelled: Summer Flashmob"
    assert str(cancelled_in_feed["TRANSP"]) == "TRANSPARENT"
    description = str(cancelled_in_feed["DESCRIPTION"])
    assert description.startswith("This event has been cancelled.\nThe venue flooded.")


def test_cancelled_event_stays_cancelled_even_for_someone_on_the_waiting_list(create_event):
    event = create_event(starts_at=SUMMER, status=EventStatus.CANCELLED)
    vevent = only_event(parse(feed([event], tentative_ids={event.id})))
    assert str(vevent["STATUS"]) == "CANCELLED"


def test_invitation_refuses_an_unknown_method(create_event):
    event = create_event()
    with pytest.raises(ValueError, match="method"):
        invitation(event, method="PUBLISH")


def test_event_file_is_one_event_without_calendar_name_or_method(create_event):
    event = create_event(starts_at=WINTER)
    data = ical.build_event_file(event, base_url=BASE_URL, path=path_for(event), organiser_email=MAIL_FROM)
    calendar = parse(data)
    assert str(only_event(calendar)["UID"]) == event.ical_uid
    for name in ("METHOD", "NAME", "X-WR-CALNAME", "REFRESH-INTERVAL"):
        assert name not in calendar
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["Europe/London"]


def test_personal_feed_marks_waitlisted_events_tentative(create_event):
    going, waitlisted = create_event(starts_at=SUMMER), create_event(starts_at=WINTER)
    calendar = parse(feed([going, waitlisted], tentative_ids={waitlisted.id}))
    assert str(vevent_for(calendar, going)["STATUS"]) == "CONFIRMED"
    assert str(vevent_for(calendar, waitlisted)["STATUS"]) == "TENTATIVE"
    assert str(vevent_for(calendar, waitlisted)["X-MICROSOFT-CDO-BUSYSTATUS"]) == "TENTATIVE"


# What people write


def test_control_characters_are_stripped_from_everything_people_write(create_chapter, create_event, backend):
    # PostgreSQL refuses NUL in text, so there it can only come from outside the database.
    dirty = CONTROL_CHARACTERS if backend == "sqlite" else CONTROL_CHARACTERS.replace("\x00", "")
    chapter = create_chapter(f"Bir{dirty}mingham")
    event = create_event(
        chapter,
        title=f"Lessons{dirty} learnt\r\nlive",
        venue_name=f"The{dirty} Pub",
        venue_address=f"1 High{dirty} Street",
        description=f"Bring{dirty} questions.\r\nAnd answers.",
        starts_at=SUMMER,
    )
    outputs = [
        feed([event], name=f"Feed{CONTROL_CHARACTERS}", description=f"About{CONTROL_CHARACTERS}"),
        invitation(event, attendee_name=f"Ada{CONTROL_CHARACTERS} Lovelace"),
        ical.build_event_file(event, base_url=BASE_URL, path=path_for(event), organiser_email=MAIL_FROM),
    ]
    for data in outputs:
        for character in CONTROL_CHARACTERS:
            assert character.encode() not in data
        assert b"\r" not in data.replace(b"\r\n", b"")
        vevent = only_event(parse(data))
        assert str(vevent["SUMMARY"]) == "Lessons learnt live"
        assert str(vevent["LOCATION"]) == "The Pub, 1 High Street"
        assert str(vevent["DESCRIPTION"]).startswith("Bring questions.\nAnd answers.")
        assert vevent["ORGANIZER"].params["CN"] == "PMO Flashmob Birmingham"
    assert only_event(parse(outputs[1]))["ATTENDEE"].params["CN"] == "Ada Lovelace"


def test_commas_semicolons_backslashes_and_quotes_survive_the_round_trip(create_chapter, create_event):
    title = 'RAID logs; risks, issues \\ "dependencies"'
    chapter = create_chapter('The "Best" Chapter; of all')
    event = create_event(chapter, title=title, venue_name="Pub, upstairs; room \\ 2")
    data = feed([event])
    vevent = only_event(parse(data))
    assert str(vevent["SUMMARY"]) == title
    assert str(vevent["LOCATION"]).startswith("Pub, upstairs; room \\ 2, ")
    assert vevent["ORGANIZER"].params["CN"] == 'PMO Flashmob The "Best" Chapter; of all'
    assert vobject.readOne(data.decode()).vevent.summary.value == title


def test_lines_end_with_crlf_and_fold_at_75_octets_without_splitting_characters(create_event):
    long_text = "Lessons learnt, café talk and 😀 emoji — 学んだ教訓 " * 12
    event = create_event(title=long_text[:140], description=long_text, starts_at=SUMMER)
    for data in (feed([event]), invitation(event)):
        assert data.endswith(b"\r\n")
        lines = data.split(b"\r\n")[:-1]
        for line in lines:
            assert b"\n" not in line and b"\r" not in line
            assert len(line) <= 75, line
            line.decode("utf-8")  # a fold never cuts a character in two
        assert any(line.startswith(b" ") for line in lines), "long values are folded"
        vevent = only_event(parse(data))
        assert str(vevent["SUMMARY"]) == long_text[:140].strip()
        assert str(vevent["DESCRIPTION"]).startswith(long_text.strip())


# Which events, and whether anything changed


def test_feed_query_keeps_published_cancelled_and_recent_past_events_but_never_drafts(
    create_chapter, create_event, count_queries
):
    now = datetime(2031, 6, 1, 12, tzinfo=UTC)
    chapter, other = create_chapter("Birmingham"), create_chapter("London")
    upcoming = create_event(chapter, starts_at=now + timedelta(days=3))
    recent = create_event(chapter, starts_at=now - timedelta(days=80))
    cancelled = create_event(chapter, starts_at=now + timedelta(days=10), status=EventStatus.CANCELLED)
    recently_cancelled = create_event(
        chapter, starts_at=now - timedelta(days=5), status=EventStatus.CANCELLED
    )
    create_event(chapter, starts_at=now - timedelta(days=100))  # long gone
    create_event(chapter, starts_at=now + timedelta(days=5), status=EventStatus.DRAFT)
    elsewhere = create_event(other, starts_at=now + timedelta(days=4))
    query = ical.feed_events_query(chapter, now=now)
    db.session.expire_all()

    with count_queries() as queries:
        events = db.session.scalars(query).unique().all()
        names = {event.chapter.name for event in events}
    assert events == [recent, recently_cancelled, upcoming, cancelled]
    assert names == {"Birmingham"}
    assert queries.count == 1

    everywhere = db.session.scalars(ical.feed_events_query(now=now)).unique().all()
    assert everywhere == [recent, recently_cancelled, upcoming, elsewhere, cancelled]


def test_personal_feed_query_has_the_events_a_member_is_going_to_or_waiting_for(
    create_user, create_event, count_queries
):
    now = datetime(2031, 6, 1, 12, tzinfo=UTC)
    member, someone_else = create_user("Mina Member"), create_user("Sam Else")
    going = create_event(starts_at=now + timedelta(days=1))
    waitlisted = create_event(starts_at=now + timedelta(days=2))
    pending = create_event(starts_at=now + timedelta(days=3))
    not_going = create_event(starts_at=now + timedelta(days=4))
    theirs = create_event(starts_at=now + timedelta(days=5))
    cancelled = create_event(starts_at=now + timedelta(days=6), status=EventStatus.CANCELLED)
    draft = create_event(starts_at=now + timedelta(days=7), status=EventStatus.DRAFT)
    answers = [
        (going, member, RsvpStatus.GOING),
        (waitlisted, member, RsvpStatus.WAITLISTED),
        (pending, member, RsvpStatus.PENDING),
        (not_going, member, RsvpStatus.NOT_GOING),
        (theirs, someone_else, RsvpStatus.GOING),
        (cancelled, member, RsvpStatus.GOING),
        (draft, member, RsvpStatus.GOING),
    ]
    for event, user, status in answers:
        db.session.add(Rsvp(event=event, user=user, status=status, waitlisted_at=now))
    db.session.commit()
    query = ical.personal_feed_query(member, now=now)
    db.session.expire_all()

    with count_queries() as queries:
        rows = db.session.execute(query).unique().all()
        [event.chapter.name for event, _ in rows]
    assert queries.count == 1
    assert [(event.id, status) for event, status in rows] == [
        (going.id, RsvpStatus.GOING),
        (waitlisted.id, RsvpStatus.WAITLISTED),
        (pending.id, RsvpStatus.PENDING),
        (cancelled.id, RsvpStatus.GOING),
    ]
    tentative = {event.id for event, status in rows if status in ical.TENTATIVE_RSVP_STATUSES}
    calendar = parse(feed([event for event, _ in rows], tentative_ids=tentative))
    statuses = {str(v["UID"]): str(v["STATUS"]) for v in calendar.walk("VEVENT")}
    assert statuses == {
        going.ical_uid: "CONFIRMED",
        waitlisted.ical_uid: "TENTATIVE",
        pending.ical_uid: "TENTATIVE",
        cancelled.ical_uid: "CANCELLED",
    }


def test_feed_etag_changes_only_when_what_the_feed_says_changes(create_event):
    first, second = create_event(starts_at=SUMMER), create_event(starts_at=WINTER)
    etag = ical.feed_etag([first, second], name="Birmingham")

    assert ical.feed_etag([first, second], name="Birmingham") == etag
    assert ical.feed_etag([first], name="Birmingham") != etag
    assert ical.feed_etag([first, second], name="London") != etag
    assert ical.feed_etag([first, second], name="Birmingham", tentative_ids={second.id}) != etag
    first.sequence += 1
    assert ical.feed_etag([first, second], name="Birmingham") != etag
    first.sequence -= 1
    first.updated_at += timedelta(seconds=1)
    assert ical.feed_etag([first, second], name="Birmingham") != etag
    first.updated_at -= timedelta(seconds=1)
    second.status = EventStatus.CANCELLED
    assert ical.feed_etag([first, second], name="Birmingham") != etag


def test_feed_last_modified_is_the_latest_change_to_the_second(create_event):
    first, second = create_event(), create_event()
    first.updated_at = datetime(2031, 5, 1, 10, 0, 0, 500, tzinfo=UTC)
    second.updated_at = datetime(2031, 5, 2, 11, 30, 15, 999_999, tzinfo=UTC)

    assert ical.feed_last_modified([first, second]) == datetime(2031, 5, 2, 11, 30, 15, tzinfo=UTC)
    later = datetime(2031, 5, 3, tzinfo=UTC)
    assert ical.feed_last_modified([first, second], also=[later, None]) == later
    assert ical.feed_last_modified([]) is None
