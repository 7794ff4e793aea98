"""RSVP email is queued under the event's lock as ids and facts only; the mail worker writes it later, as it
was true when it was queued."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from flashmob import outbox
from flashmob.events.calendars import invitations
from flashmob.events.rsvps import services as rsvps
from flashmob.extensions import db
from flashmob.outbox import OutboxMessage
from tests.mail import render_queued


def emails_to(user) -> dict[str, OutboxMessage]:
    render_queued()
    rows = db.session.scalars(select(OutboxMessage).where(OutboxMessage.user_id == user.id))
    return {message.kind: message for message in rows}


@pytest.fixture
def nothing_rendered(monkeypatch):
    """Make rendering a template or building an invitation fail, as if they were forbidden; undo() allows."""

    def forbidden(*args, **kwargs):
        raise AssertionError("rendered while the event was locked")

    monkeypatch.setattr(outbox, "render_template", forbidden)
    monkeypatch.setattr(invitations, "build_invitation", forbidden)
    return monkeypatch


def test_saying_going_renders_no_email_and_builds_no_invitation_while_the_event_is_locked(
    app, create_event, create_user, nothing_rendered
):
    event = create_event(title="Lessons learnt")
    ada = create_user("Ada", email="ada@example.org")

    outcome = rsvps.rsvp_going(event, ada)
    db.session.commit()

    assert outcome.emailed
    [queued] = db.session.scalars(select(OutboxMessage)).all()
    assert (queued.kind, queued.to_address, queued.subject, queued.text_body) == (
        "rsvp_confirmed", "ada@example.org", None, None
    )
    nothing_rendered.undo()
    written = emails_to(ada)["rsvp_confirmed"]
    assert written.subject == "You have a seat: Lessons learnt"
    assert written.calendar_method == "REQUEST" and "ATTENDEE" in written.calendar


def test_an_rsvp_email_written_later_says_what_was_true_when_it_was_queued(
    app, roles, create_event, create_user
):
    organiser = roles["organiser"]
    event = create_event(roles["chapter"], capacity=1, requires_approval=True)
    ada, ben = create_user("Ada", email="ada@example.org"), create_user("Ben", email="ben@example.org")
    rsvps.rsvp_going(event, ada)
    rsvps.approve_request(rsvps.rsvp_for(event, ada), actor=organiser)
    rsvps.rsvp_going(event, ben)
    rsvps.approve_request(rsvps.rsvp_for(event, ben), actor=organiser)  # no seat: first in line
    rsvps.rsvp_not_going(event, ada)  # Ben gets her seat, before the worker wrote his first email
    db.session.commit()

    ben_got = emails_to(ben)

    # Accepted while the evening was full: the line, and no invitation, though he has a seat by now.
    accepted = ben_got["rsvp_approved"]
    assert "you are on the waitlist: you are number 1 in line" in accepted.text_body
    assert "You have a seat" not in accepted.text_body and accepted.calendar is None
    # The seat came with its own email and invitation.
    assert ben_got["rsvp_promoted"].calendar_method == "REQUEST"
