"""A shared event link shows the evening: OpenGraph, a Twitter card, and schema.org Event data."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime

from flashmob.events.models import EventStatus


def _structured_data(html: str) -> list[dict]:
    return [
        json.loads(block)
        for block in re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    ]


def _meta(html: str, key: str) -> str | None:
    match = re.search(rf'<meta (?:property|name)="{re.escape(key)}" content="([^"]*)">', html)
    return match.group(1) if match else None


def test_an_event_page_carries_opengraph_twitter_and_schema_org_event(client, create_event):
    event = create_event(
        title="Reporting that gets read",
        starts_at=datetime(2027, 7, 1, 17, 30, tzinfo=UTC),
        description="We swap **one-page** status reports.",
        venue_name="The Old Joint Stock",
    )

    html = client.get(f"/events/{event.id}").text

    assert _meta(html, "og:title") == "Reporting that gets read"
    assert _meta(html, "og:url") == f"http://localhost/events/{event.id}"
    assert _meta(html, "twitter:card") == "summary"
    description = _meta(html, "og:description")
    assert "Thu 1 Jul 2027, 18:30" in description and "We swap one-page status reports." in description
    [data] = _structured_data(html)
    assert data["@context"] == "https://schema.org" and data["@type"] == "Event"
    assert data["name"] == "Reporting that gets read"
    # In the evening's own zone, with its offset, as schema.org asks.
    assert data["startDate"] == "2027-07-01T18:30:00+01:00"
    assert data["endDate"] == "2027-07-01T21:00:00+01:00"
    assert data["eventStatus"] == "https://schema.org/EventScheduled"
    assert data["eventAttendanceMode"] == "https://schema.org/OfflineEventAttendanceMode"
    assert data["location"] == {
        "@type": "Place",
        "name": "The Old Joint Stock",
        "address": "4 Temple Row West, Birmingham B2 5NY",
    }
    assert data["organizer"]["url"].endswith(f"/chapters/{event.chapter.slug}")


def test_a_cancelled_evening_says_so_to_search_engines_and_in_previews(client, create_event):
    event = create_event(title="Called off", status=EventStatus.CANCELLED)
    html = client.get(f"/events/{event.id}").text
    assert _meta(html, "og:title") == "Called off (cancelled)"
    assert _structured_data(html)[0]["eventStatus"] == "https://schema.org/EventCancelled"


def test_a_save_the_date_has_a_preview_but_no_event_data_without_a_date(client, create_event):
    event = create_event(title="Summer social", date_tbc=True, date_hint="July")
    html = client.get(f"/events/{event.id}").text
    assert "Date to be confirmed: July" in _meta(html, "og:description")
    assert _structured_data(html) == []


def test_a_hostile_title_cannot_close_the_data_block_or_the_attribute(client, create_event):
    event = create_event(title='</script><script>alert(1)</script> "quoted"')
    html = client.get(f"/events/{event.id}").text
    assert "<script>alert(1)</script>" not in html
    [data] = _structured_data(html)
    assert data["name"] == '</script><script>alert(1)</script> "quoted"'
    assert _meta(html, "og:title") == "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt; &#34;quoted&#34;"
