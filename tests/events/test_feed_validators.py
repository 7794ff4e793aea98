"""A feed's validators (ETag, Last-Modified) come from one aggregate query: a 304 never loads the events,
costs the same for one event or many, and the validators still move when what the feed says moves."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import update

from flashmob.events.models import Chapter, Event
from flashmob.events.rsvps import services as rsvps
from flashmob.extensions import db
from tests.events.test_feed_views import give_calendar_token

# An event's own columns in a SELECT: a statement naming them reads the events themselves.
EVENT_COLUMNS = ("events.title", "events.description", "events.venue_name")


@pytest.fixture
def feed_url(roles):
    def _url(kind: str) -> str:
        if kind == "personal":
            return give_calendar_token(roles["member"])
        return {"chapter": "/chapters/birmingham/calendar.ics", "all": "/calendar.ics"}[kind]

    return _url


def _add_events(roles, create_event, count: int) -> None:
    for n in range(count):
        chapter = roles["chapter"] if n % 2 else roles["other_chapter"]
        event = create_event(chapter, title=f"Evening {n}")
        rsvps.rsvp_going(event, roles["member"])
    db.session.commit()


# The statements of a 304: the chapter or the member behind the address (not for the all-chapters feed),
# then the summary.
NOT_MODIFIED_BUDGET = {"chapter": 2, "all": 1, "personal": 2}


@pytest.mark.parametrize("kind", ["chapter", "all", "personal"])
def test_a_304_runs_one_aggregate_query_and_reads_no_event(
    client, roles, create_event, count_queries, feed_url, kind
):
    url = feed_url(kind)

    def not_modified():
        etag = client.get(url).headers["ETag"]
        db.session.expire_all()
        with count_queries() as counted:
            response = client.get(url, headers={"If-None-Match": etag})
        assert response.status_code == 304
        assert response.get_data() == b""
        return counted

    _add_events(roles, create_event, 2)
    few = not_modified()
    _add_events(roles, create_event, 24)
    many = not_modified()
    assert few.count == many.count == NOT_MODIFIED_BUDGET[kind], many.statements
    for statement in many.statements:
        assert not any(column in statement.lower() for column in EVENT_COLUMNS), statement


def test_if_modified_since_is_answered_from_the_summary_too(client, roles, create_event, count_queries):
    _add_events(roles, create_event, 3)
    last_modified = client.get("/calendar.ics").headers["Last-Modified"]
    with count_queries() as counted:
        response = client.get("/calendar.ics", headers={"If-Modified-Since": last_modified})
    assert response.status_code == 304
    assert counted.count == 1


def _validators(client, url: str) -> tuple[str, str]:
    """The ETag and Last-Modified (empty when the feed has no events yet)."""
    response = client.get(url)
    assert response.status_code == 200
    return response.headers["ETag"], response.headers.get("Last-Modified", "")


def _age_everything(days: int) -> None:
    """Put every event's and chapter's last change some days back, so a change now shows in Last-Modified."""
    moment = datetime.now(UTC) - timedelta(days=days)
    db.session.execute(update(Event).values(updated_at=moment))
    db.session.execute(update(Chapter).values(updated_at=moment))
    db.session.commit()


@pytest.mark.parametrize("url", ["/calendar.ics", "/chapters/birmingham/calendar.ics"])
def test_renaming_a_chapter_moves_its_feeds_validators(client, roles, create_event, url):
    # Every event carries its chapter's name, so a rename changes the calendar's bytes.
    create_event(roles["chapter"], title="Lessons in the lounge")
    _age_everything(3)
    etag, last_modified = _validators(client, url)
    roles["chapter"].city = "Brum"
    db.session.commit()
    db.session.expire_all()
    new_etag, new_last_modified = _validators(client, url)
    assert new_etag != etag
    assert new_last_modified != last_modified


def test_an_event_leaving_the_feed_by_age_moves_the_etag(client, roles, create_event):
    # Nothing about the event changed (its updated_at stays), but the feed no longer carries it.
    keep = create_event(roles["chapter"], title="Still here")
    leave = create_event(roles["chapter"], title="Long ago", starts_at=datetime.now(UTC) - timedelta(days=80))
    db.session.commit()
    etag, _ = _validators(client, "/calendar.ics")
    db.session.execute(
        update(Event)
        .where(Event.id == leave.id)
        .values(starts_at=datetime.now(UTC) - timedelta(days=200), updated_at=leave.updated_at)
    )
    db.session.commit()
    new_etag, _ = _validators(client, "/calendar.ics")
    assert new_etag != etag
    body = client.get("/calendar.ics").get_data(as_text=True)
    assert keep.title in body and "Long ago" not in body


def test_a_members_new_answer_moves_their_feeds_etag(client, roles, create_event):
    event = create_event(roles["chapter"], title="Lessons in the lounge")
    url = give_calendar_token(roles["member"])
    etag, _ = _validators(client, url)
    rsvps.rsvp_going(event, roles["member"])
    db.session.commit()
    assert _validators(client, url)[0] != etag
    assert "Lessons in the lounge" in client.get(url).get_data(as_text=True)


# The Atom feeds of write-ups: the same, from a summary of the newest write-ups.

WRITEUP_COLUMNS = ("writeups.introduction", "lessons.statement")


@pytest.mark.parametrize("url", ["/writeups.atom", "/chapters/birmingham/writeups.atom"])
def test_an_atom_feeds_304_reads_no_write_up_and_costs_the_same_for_many(roles, client, count_queries, url):
    from tests.discussions.archive_factories import past_event, publish_writeup

    def add(count: int) -> None:
        for n in range(count):
            event = past_event(roles["chapter"], year=2025, month=1 + n % 12, day=1 + n)
            publish_writeup(event, [{"statement": f"Lesson {n}"}, {"statement": f"Lesson {n}b"}])

    def not_modified():
        first = client.get(url)
        assert first.status_code == 200
        db.session.expire_all()
        with count_queries() as counted:
            response = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
        assert response.status_code == 304
        assert response.get_data() == b""
        since = client.get(url, headers={"If-Modified-Since": first.headers["Last-Modified"]})
        assert since.status_code == 304
        return counted

    add(2)
    few = not_modified()
    add(20)
    many = not_modified()
    # The summary, and for a chapter's feed the chapter first.
    assert few.count == many.count == (1 if url == "/writeups.atom" else 2), many.statements
    for statement in many.statements:
        assert not any(column in statement.lower() for column in WRITEUP_COLUMNS), statement


def test_an_atom_feeds_validators_move_with_an_edit_a_rename_and_an_unpublished_write_up(client, roles):
    from flashmob.discussions.models import Writeup, WriteupStatus
    from flashmob.discussions.writeups import services as writeups
    from tests.discussions.archive_factories import past_event, publish_writeup

    kept = publish_writeup(past_event(roles["chapter"], month=3), [{"statement": "Keep it short"}])
    gone = publish_writeup(past_event(roles["chapter"], month=4), [{"statement": "Name an owner"}])
    _age_everything(3)
    seen = [_validators(client, "/writeups.atom")]

    lesson = kept.lessons[0]
    writeups.update_lesson(
        lesson, writeups.LessonInput("Keep it to one page", lesson.body), actor=roles["organiser"]
    )
    db.session.commit()
    seen.append(_validators(client, "/writeups.atom"))
    assert "Keep it to one page" in client.get("/writeups.atom").get_data(as_text=True)

    # Back in time again, so that a rename in the same second as the edit still shows in Last-Modified.
    _age_everything(3)
    db.session.execute(update(Writeup).values(edited_at=datetime.now(UTC) - timedelta(days=3)))
    db.session.commit()
    before_rename = _validators(client, "/writeups.atom")
    roles["chapter"].name = "Birmingham and the Black Country"
    db.session.commit()
    seen.append(_validators(client, "/writeups.atom"))
    assert seen[-1][1] != before_rename[1]

    gone.status = WriteupStatus.DRAFT
    db.session.commit()
    seen.append(_validators(client, "/writeups.atom"))
    assert "Name an owner" not in client.get("/writeups.atom").get_data(as_text=True)

    etags = [etag for etag, _ in seen]
    assert len(set(etags)) == len(etags)
    # An edit moves Last-Modified too (a write-up leaving the feed moves only the ETag).
    assert seen[0][1] != seen[1][1]
