"""Typed vocabularies and limits declared once: statuses and roles are enums, text limits are the columns'."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import StatementError

from flashmob.events.evenings import services as event_services
from flashmob.events.evenings.forms import EventForm
from flashmob.events.models import (
    ChapterMembership,
    Event,
    EventStatus,
    MembershipRole,
    Rsvp,
    RsvpStatus,
)
from flashmob.events.rsvps import services as rsvps
from flashmob.extensions import db
from flashmob.types import column_length

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
FLASHMOB = Path(__file__).resolve().parents[2] / "flashmob"
VOCABULARY = sorted({member.value for enum in (EventStatus, RsvpStatus, MembershipRole) for member in enum})
_WORDS = "|".join(VOCABULARY)
_LITERAL = rf"""(?:'(?:{_WORDS})'|"(?:{_WORDS})")"""
# A status or role written out where a template compares or looks it up: == 'going', in ('draft', ...),
# {'not_going': ...}. (A word like 'member' in "1 member" is wording, not a comparison.)
_COMPARED = re.compile(rf"(?:==|!=|\bin\b)\s*[(\[]?\s*{_LITERAL}|{_LITERAL}\s*(?:==|!=|:|,|\))")
_JINJA = re.compile(r"{{.*?}}|{%.*?%}", re.S)


def test_templates_compare_with_the_enums_never_a_status_written_out():
    found = []
    for path in sorted(TEMPLATES.rglob("*.*")):
        for tag in _JINJA.findall(path.read_text()):
            if _COMPARED.search(tag):
                found.append(f"{path.relative_to(TEMPLATES)}: {tag}")
    assert not found, "compare with EventStatus, RsvpStatus or MembershipRole:\n" + "\n".join(found)


def test_the_scan_would_find_a_literal_status():
    assert _COMPARED.search("{% if rsvp.status == 'going' %}")
    assert _COMPARED.search("{{ {'not_going': 'Said not going'}[rsvp.status] }}")
    assert not _COMPARED.search("{{ 'member' if count == 1 else 'members' }}")


def test_statuses_and_roles_come_back_from_the_database_as_enum_members(
    create_event, create_user, add_member
):
    event = create_event(capacity=5)
    ada = create_user("Ada")
    add_member(event.chapter, ada, MembershipRole.ORGANISER)
    rsvps.rsvp_going(event, ada)
    db.session.commit()
    db.session.expire_all()

    rsvp = db.session.scalar(select(Rsvp).where(Rsvp.user_id == ada.id))
    membership = db.session.scalar(select(ChapterMembership).where(ChapterMembership.user_id == ada.id))
    stored = db.session.get(Event, event.id)
    assert type(rsvp.status) is RsvpStatus and rsvp.status is RsvpStatus.GOING
    assert type(stored.status) is EventStatus and stored.status is EventStatus.PUBLISHED
    assert type(membership.role) is MembershipRole and membership.role is MembershipRole.ORGANISER
    # Stored as the plain strings they always were: the schema did not change.
    raw = db.session.execute(text("SELECT status FROM rsvps WHERE id = :id"), {"id": rsvp.id}).scalar_one()
    assert raw == "going"


def test_a_status_the_vocabulary_does_not_know_is_refused_before_the_database(create_event):
    event = create_event()
    event.status = "postponed"
    with pytest.raises(StatementError) as refused:
        db.session.flush()
    # The enum said no (ValueError), not the database's CHECK constraint (IntegrityError).
    assert isinstance(refused.value.orig, ValueError)
    db.session.rollback()


def test_text_limits_are_read_from_the_columns():
    assert column_length(Event.title) == 140
    assert column_length(Event.venue_address) == 255


def test_no_form_or_service_writes_out_a_columns_length():
    lengths = {
        column.type.length
        for table in db.metadata.tables.values()
        for column in table.columns
        if getattr(column.type, "length", None)
    }
    written_out = re.compile(r"Length\(max=(\d+)\)|check_length\([^)]*?,\s*(\d+)\s*,")
    found = []
    for path in sorted(FLASHMOB.rglob("*.py")):
        for match in written_out.finditer(path.read_text()):
            if int(match.group(1) or match.group(2)) in lengths:
                found.append(f"{path.relative_to(FLASHMOB)}: {match.group(0)}")
    assert not found, "read the limit with column_length(Model.attribute):\n" + "\n".join(found)


def test_a_title_longer_than_its_column_gets_the_forms_message(client, login, roles):
    login(roles["organiser"])
    too_long = "x" * (column_length(Event.title) + 1)
    response = client.post(
        "/chapters/birmingham/events/new",
        data={"title": too_long, "starts_at": "2031-05-07T18:30", "ends_at": "2031-05-07T21:00",
              "timezone": "Europe/London"},
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'id="title-error"' in page
    assert "Field cannot be longer than 140 characters." in page
    assert db.session.scalar(select(Event.id)) is None


def test_the_form_and_the_service_keep_the_same_limit(app, create_chapter, create_user):
    form_limit = next(v.max for v in EventForm.title.kwargs["validators"] if hasattr(v, "max"))
    assert form_limit == column_length(Event.title)
    details = event_services.EventDetails(
        title="x" * (form_limit + 1), starts_at=None, ends_at=None, timezone="Europe/London"
    )
    with pytest.raises(event_services.EventError, match=f"{form_limit} characters") as refused:
        event_services.create_event(create_chapter(), details, actor=create_user())
    assert refused.value.field == "title"
