"""A new evening is announced to its chapter's members, once, through the outbox, with a setting to stop it;
the organiser is told how many people publishing and changing an evening will email before doing it."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from flashmob import notifications
from flashmob.email_kinds import EmailSetting
from flashmob.events.evenings import services
from flashmob.events.models import EventStatus
from flashmob.extensions import db
from flashmob.members.services import delete_account
from flashmob.outbox import OutboxJob, OutboxMessage
from tests.events.test_event_emails import answer, html_of, text_of
from tests.mail import deliver


@pytest.fixture
def chapter_members(roles, create_user, add_member):
    """Three more members of the role matrix's chapter (Birmingham), and one of the other chapter."""
    members = [create_user(name, email=f"{name.lower()}@example.org") for name in ("Ada", "Ben", "Cleo")]
    for member in members:
        add_member(roles["chapter"], member)
    add_member(roles["other_chapter"], create_user("Lon", email="lon@example.org"))
    return members


def test_publishing_announces_the_evening_to_the_chapter_once_not_to_the_publisher_or_other_chapters(
    app, smtp, roles, chapter_members, create_event
):
    draft = create_event(roles["chapter"], title="Reports that <get> read", status=EventStatus.DRAFT)
    notifications.stop_kind(chapter_members[2].id, EmailSetting.NEW_EVENTS)
    db.session.commit()

    publication = services.publish_event(draft, actor=roles["organiser"])
    db.session.commit()

    # Ada, Ben and Mina Member; not Cleo (stopped them), Olu (published it) or London's members.
    assert publication.announced == 3
    # One job, expanded by the worker, not a row per member written in the request.
    assert db.session.scalar(select(func.count(OutboxJob.id))) == 1
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 0
    arrived = deliver(smtp)
    assert set(arrived) == {"ada@example.org", "ben@example.org", roles["member"].email}
    [email] = arrived["ada@example.org"]
    assert email["Subject"] == "New in Birmingham: Reports that <get> read"
    assert f"http://localhost/events/{draft.id}" in text_of(email)
    assert "Say whether you're going" in text_of(email)
    assert "Reports that &lt;get&gt; read" in html_of(email)
    assert "New evenings in your chapters" in text_of(email)
    assert deliver(smtp) == {}


def test_creating_an_evening_published_announces_it_and_a_draft_does_not(app, smtp, roles, chapter_members):
    from tests.events.test_event_emails import details_of

    template = services.create_event(roles["chapter"], _details(), actor=roles["organiser"], publish=False)
    db.session.commit()
    assert deliver(smtp) == {}

    services.create_event(
        roles["chapter"],
        details_of(template, title="Published at once"),
        actor=roles["organiser"],
        publish=True,
    )
    db.session.commit()
    assert len(deliver(smtp)) == 4


def test_an_evening_cancelled_before_the_worker_runs_is_not_announced(
    app, smtp, roles, chapter_members, create_event
):
    draft = create_event(roles["chapter"], status=EventStatus.DRAFT)
    services.publish_event(draft, actor=roles["organiser"])
    services.cancel_event(draft, actor=roles["organiser"])
    db.session.commit()
    assert not any("New in" in str(email["Subject"]) for emails in deliver(smtp).values() for email in emails)


def test_former_members_are_not_announced_to(app, smtp, roles, chapter_members, create_event):
    delete_account(chapter_members[0], actor=chapter_members[0])
    draft = create_event(roles["chapter"], status=EventStatus.DRAFT)
    assert services.publish_event(draft, actor=roles["organiser"]).announced == 3
    db.session.commit()
    subjects = {
        address: [str(email["Subject"]) for email in emails] for address, emails in deliver(smtp).items()
    }
    assert not any(subject.startswith("New in") for subject in subjects.get("ada@example.org", []))
    assert any(subject.startswith("New in") for subject in subjects["ben@example.org"])


def test_the_organiser_is_told_how_many_publishing_emails_before_and_after(
    client, as_role, roles, chapter_members, create_event
):
    draft = create_event(roles["chapter"], status=EventStatus.DRAFT)
    as_role("organiser")

    assert (
        "Publishing emails the 4 members of Birmingham who get announcements."
        in client.get(f"/events/{draft.id}").text
    )
    assert (
        "Publishing emails the 4 members of Birmingham"
        in client.get(f"/chapters/{roles['chapter'].slug}/events/new").text
    )
    assert "Publishing emails the 4 members" in client.get(f"/events/{draft.id}/edit").text

    response = client.post(f"/events/{draft.id}/publish", follow_redirects=True)
    assert "and 4 members of Birmingham are being told by email." in response.text
    assert "Publishing emails" not in response.text


def test_the_edit_form_of_a_published_evening_says_how_many_a_change_of_time_or_place_emails(
    client, as_role, roles, chapter_members, create_event
):
    event = create_event(roles["chapter"], capacity=1)
    answer(event, *chapter_members)  # one going, two waiting
    as_role("organiser")
    page = client.get(f"/events/{event.id}/edit").text
    assert "the 3 people going or waiting get an email saying what changed" in page
    assert "Publishing emails" not in page


def test_members_can_stop_announcements_on_the_settings_page(client, login, roles):
    login(roles["member"])
    page = client.get("/account/emails").text
    assert "New evenings in your chapters" in page


def _details():
    from datetime import timedelta

    from flashmob.events.evenings.services import EventDetails
    from flashmob.types import utcnow

    start = (utcnow() + timedelta(days=20)).replace(tzinfo=None, hour=18, minute=0, second=0, microsecond=0)
    return EventDetails(
        title="A draft first",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        timezone="Europe/London",
        venue_name="The Old Joint Stock",
        venue_address="Birmingham",
        description="",
        capacity=20,
    )
