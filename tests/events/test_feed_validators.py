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
