"""The event form helps: zones by place, the chapter's first; a preview; a start from a past evening."""

from __future__ import annotations

import html
import io
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser

import pytest
from sqlalchemy import func, select

from flashmob.events.models import Event, EventStatus
from flashmob.extensions import db
from flashmob.outbox import OutboxJob, OutboxMessage
from flashmob.timezones import COMMON_ZONES, place_zones
from tests.events.test_managing_events import event_form
from tests.factories import create_event

NEW = "/chapters/birmingham/events/new"


class _Options(HTMLParser):
    """The options of one <select>, in order, with the <optgroup> each sits in."""

    def __init__(self, name: str):
        super().__init__()
        self.name = name
        self.inside = False
        self.group: str | None = None
        self.options: list[dict] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "select":
            self.inside = attrs.get("name") == self.name
        elif self.inside and tag == "optgroup":
            self.group = attrs["label"]
        elif self.inside and tag == "option":
            self.options.append(
                {"value": attrs["value"], "group": self.group, "selected": "selected" in attrs, "label": ""}
            )

    def handle_data(self, data):
        if self.inside and self.options and not self.options[-1]["label"]:
            self.options[-1]["label"] = data.strip()

    def handle_endtag(self, tag):
        if tag == "select":
            self.inside = False
        elif tag == "optgroup":
            self.group = None


def options(response, name: str) -> list[dict]:
    parser = _Options(name)
    parser.feed(response.get_data(as_text=True))
    return parser.options


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def counts() -> tuple[int, int, int]:
    return (
        db.session.scalar(select(func.count(Event.id))),
        db.session.scalar(select(func.count(OutboxJob.id))),
        db.session.scalar(select(func.count(OutboxMessage.id))),
    )


# The time-zone picker


def test_the_picker_opens_with_the_chapters_zone_then_the_common_ones(client, as_role, roles):
    roles["chapter"].timezone = "Asia/Dubai"
    db.session.commit()
    as_role("organiser")
    zones = options(client.get(NEW), "timezone")
    common = [option for option in zones if option["group"] == "Common"]
    assert zones[: len(common)] == common
    assert [option["value"] for option in common] == ["Asia/Dubai", *COMMON_ZONES]
    assert zones[0]["selected"]
    # Chosen once, though Dubai is listed again under Asia; every real place is there once by region.
    assert [option["value"] for option in zones if option["selected"]] == ["Asia/Dubai"]
    by_region = [option for option in zones if option["group"] != "Common"]
    assert sorted(option["value"] for option in by_region) == sorted(place_zones())
    assert {"value": "Asia/Dubai", "group": "Asia", "selected": False, "label": "Dubai"} in by_region


def test_zones_read_as_places_with_their_clocks(client, as_role):
    as_role("organiser")
    labels = {option["value"]: option["label"] for option in options(client.get(NEW), "timezone")}
    assert labels["Europe/London"] == "London (GMT/BST)"
    assert labels["America/New_York"] == "New York (EST/EDT)"
    assert labels["America/Argentina/Buenos_Aires"] == "Buenos Aires, Argentina"
    assert labels["UTC"] == "UTC"


def test_an_events_own_zone_stays_chosen_on_its_edit_form(client, as_role, roles):
    event = create_event(roles["chapter"], timezone="America/Denver")
    as_role("organiser")
    zones = options(client.get(f"/events/{event.id}/edit"), "timezone")
    assert zones[0]["value"] == "Europe/London"  # the chapter's zone leads the list
    assert [option["value"] for option in zones if option["selected"]] == ["America/Denver"]


@pytest.mark.parametrize("zone", ["Mars/Olympus_Mons", "localtime", "US/Eastern", "Etc/GMT+5", ""])
def test_a_made_up_zone_is_refused_at_the_field(client, as_role, zone):
    as_role("organiser")
    response = client.post(NEW, data=event_form(timezone=zone))
    assert response.status_code == 422
    assert "Please choose a time zone from the list." in text(response)
    assert counts() == (0, 0, 0)


# Previewing the description


def test_preview_shows_the_sanitised_description_and_saves_nothing(client, as_role):
    as_role("organiser")
    before = counts()
    response = client.post(
        NEW,
        data=event_form(
            description="Bring **one estimate** <script>alert(1)</script> [docs](javascript:alert(2))",
            preview="Preview description",
        ),
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Preview of the description" in page
    assert "<strong>one estimate</strong>" in page
    assert "<script>alert(1)" not in page and 'href="javascript:' not in page
    # The form keeps what was typed, ready to save.
    assert 'value="Summer flashmob"' in page
    assert counts() == before == (0, 0, 0)


def test_a_half_filled_form_can_be_previewed(client, as_role):
    as_role("organiser")
    response = client.post(NEW, data={"description": "_Soon_", "preview": "Preview description"})
    assert response.status_code == 200
    assert "<em>Soon</em>" in response.get_data(as_text=True)
    assert "Please check the form" not in text(response)
    assert counts() == (0, 0, 0)


def test_a_preview_without_the_forms_token_shows_nothing(client, as_role, csrf_enabled):
    as_role("organiser")
    response = client.post(NEW, data=event_form(description="**Forged**", preview="Preview description"))
    assert response.status_code in (400, 422)
    assert "<strong>Forged</strong>" not in response.get_data(as_text=True)
    assert counts() == (0, 0, 0)


def test_a_description_too_long_to_save_is_not_previewed(client, as_role):
    as_role("organiser")
    response = client.post(NEW, data=event_form(description="**x** " * 4_000, preview="Preview description"))
    assert response.status_code == 422
    assert "Preview of the description" not in text(response)
    assert "Field cannot be longer than 20000 characters." in text(response)
    assert counts() == (0, 0, 0)


def test_a_file_sent_as_the_description_is_not_previewed(client, as_role):
    as_role("organiser")
    data = event_form(preview="Preview description")
    data["description"] = (io.BytesIO(b"**file**"), "notes.md")
    response = client.post(NEW, data=data, content_type="multipart/form-data")
    assert response.status_code == 422
    assert "Preview of the description" not in text(response)
    assert "This field takes typed text, not a file." in text(response)


def test_previewing_an_edit_changes_nothing_and_tells_nobody(client, as_role, roles):
    event = create_event(roles["chapter"], title="Spring flashmob", description="Old words")
    as_role("organiser")
    before = counts()
    response = client.post(
        f"/events/{event.id}/edit",
        data=event_form(title="Renamed", description="New **words**", preview="Preview description"),
    )
    assert response.status_code == 200
    assert "New <strong>words</strong>" in response.get_data(as_text=True)
    db.session.expire_all()
    assert (event.title, event.description) == ("Spring flashmob", "Old words")
    assert counts() == before


def test_previewing_is_for_those_who_may_edit(client, as_role, roles):
    event = create_event(roles["chapter"])
    as_role("other_organiser")
    preview = {"description": "x", "preview": "Preview description"}
    response = client.post(f"/events/{event.id}/edit", data=preview)
    assert response.status_code == 403


# Starting from a previous evening


def _evening(chapter, **fields) -> Event:
    fields.setdefault("title", "Estimates night")
    return create_event(
        chapter,
        venue_name="The Old Joint Stock",
        venue_address="4 Temple Row West",
        description="Bring **one estimate**.",
        capacity=24,
        requires_approval=True,
        offer_window_hours=12,
        offer_hold_hours=2,
        **fields,
    )


def test_copy_fills_in_a_previous_evening_but_not_its_date(client, as_role, roles):
    source = _evening(roles["chapter"], status=EventStatus.DRAFT)
    as_role("organiser")
    response = client.get(f"{NEW}?copy={source.id}")
    page = text(response)
    assert response.status_code == 200
    assert "Started from Estimates night" in page
    assert 'value="Estimates night"' in page
    assert 'value="The Old Joint Stock"' in page and 'value="4 Temple Row West"' in page
    assert "Bring **one estimate**.</textarea>" in page
    assert 'name="capacity" type="number" value="24"' in page
    assert 'checked id="requires_approval"' in page
    assert 'name="offer_window_hours" type="number" value="12"' in page
    assert 'name="offer_hold_hours" type="number" value="2"' in page
    assert 'name="starts_at" type="datetime-local" value=""' in page
    assert counts()[0] == 1


def test_the_chapters_recent_evenings_drafts_too_are_offered_in_a_fixed_number_of_queries(
    client, as_role, roles, count_queries
):
    start = datetime.now(UTC) - timedelta(days=300)
    _evening(roles["chapter"], title="A draft", status=EventStatus.DRAFT)
    as_role("organiser")
    with count_queries() as few:
        client.get(NEW)
    for week in range(12):
        create_event(roles["chapter"], title=f"Week {week}", starts_at=start + timedelta(weeks=week))
    create_event(roles["other_chapter"], title="London's evening")
    with count_queries() as many:
        response = client.get(NEW)
    offered = options(response, "copy")
    assert len(offered) == 10
    labels = " ".join(option["label"] for option in offered)
    assert "A draft" in labels and "(draft)" in labels
    assert "Week 11" in labels and "Week 0" not in labels
    assert "London's evening" not in labels
    assert many.count == few.count


def test_another_chapters_evening_is_not_copied(client, as_role, roles):
    theirs = _evening(roles["other_chapter"], title="London's secret draft", status=EventStatus.DRAFT)
    as_role("organiser")
    response = client.get(f"{NEW}?copy={theirs.id}")
    page = text(response)
    assert response.status_code == 200
    assert "That is not one of Birmingham's evenings, so nothing was copied." in page
    assert "London's secret draft" not in page


def test_an_organiser_of_another_chapter_cannot_copy_from_this_one(client, as_role, roles):
    ours = _evening(roles["chapter"], title="Birmingham's draft", status=EventStatus.DRAFT)
    as_role("other_organiser")
    response = client.get(f"/chapters/{roles['other_chapter'].slug}/events/new?copy={ours.id}")
    assert response.status_code == 200
    assert "Birmingham's draft" not in text(response)
    assert "nothing was copied" in text(response)
    # And this chapter's form stays closed to them.
    assert client.get(f"{NEW}?copy={ours.id}").status_code == 403


@pytest.mark.parametrize("copy", ["abc", "-1", "99999999999999999999", "1.5", "999999"])
def test_a_nonsense_copy_is_ignored_with_a_message(client, as_role, copy):
    as_role("organiser")
    response = client.get(f"{NEW}?copy={copy}")
    assert response.status_code == 200
    assert "nothing was copied" in text(response)


def test_saving_a_copied_form_makes_a_new_evening(client, as_role, roles):
    source = _evening(roles["chapter"])
    as_role("organiser")
    response = client.post(f"{NEW}?copy={source.id}", data=event_form(title="Estimates night, again"))
    assert response.status_code == 302
    assert db.session.scalar(select(func.count(Event.id))) == 2
