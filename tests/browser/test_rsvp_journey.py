"""A member RSVPs to a full event, waits in line, and gets the seat when someone else drops out."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from playwright.sync_api import expect
from sqlalchemy import select

from flashmob.events.models import Rsvp, RsvpStatus
from flashmob.events.rsvps import services as rsvps
from flashmob.extensions import db
from flashmob.outbox import OutboxMessage
from tests import factories
from tests.browser.site import build_site, confirm


def test_member_waits_in_line_for_a_full_event_and_is_promoted_when_someone_cancels(
    new_page, server, sign_in
):
    site = build_site()
    starts_at = (datetime.now(UTC) + timedelta(days=9)).replace(hour=17, minute=30, second=0, microsecond=0)
    event = factories.create_event(
        site.birmingham, title="Estimates people trust", capacity=1, starts_at=starts_at
    )
    bea = factories.create_user("Bea Early", email="bea@example.org")
    confirm(bea)
    rsvps.rsvp_going(event, bea)
    db.session.commit()
    event_path = server.path("events.detail", event_id=event.id)

    # The member finds the one seat taken and joins the line.
    member = new_page()
    sign_in(member, site.member)
    member.goto(event_path)
    panel = member.locator("#rsvp")
    expect(panel).to_contain_text("Full.")
    panel.get_by_role("button", name="Join the waitlist", exact=True).click()
    expect(member.locator(".flashes")).to_contain_text(
        "The event is full, so you're number 1 on the waitlist. We'll email you if a seat frees up."
    )
    expect(member.locator("#rsvp")).to_contain_text("You're on the waitlist: number 1 in line.")
    # Signed in, they see who has the seat, and can go and find her.
    expect(member.get_by_role("main").get_by_role("link", name="Bea Early")).to_be_visible()

    # Bea can't make it after all.
    other = new_page()
    sign_in(other, bea)
    other.goto(event_path)
    expect(other.locator("#rsvp")).to_contain_text("You're going.")
    other.locator("#rsvp").get_by_role("button", name="Not going").click()
    expect(other.locator(".flashes")).to_contain_text("your seat is free for someone else")

    # The member looks again: the seat is theirs.
    member.reload()
    expect(member.locator("#rsvp")).to_contain_text("You're going.")
    expect(member.locator("#rsvp").get_by_role("button", name="Not going")).to_be_visible()

    db.session.rollback()
    promoted = db.session.scalars(
        select(OutboxMessage).where(
            OutboxMessage.kind == "rsvp_promoted", OutboxMessage.to_address == site.member.email
        )
    ).all()
    assert len(promoted) == 1
    rows = db.session.execute(select(Rsvp.user_id, Rsvp.status).where(Rsvp.event_id == event.id))
    statuses = {user_id: status for user_id, status in rows}
    assert statuses == {site.member.id: RsvpStatus.GOING, bea.id: RsvpStatus.NOT_GOING}
