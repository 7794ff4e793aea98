"""On the night, at phone width: one attendee scans another's card for the night, taps Connect, the other
accepts on their connections page, and the new connection's contact card downloads."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import vobject
from playwright.sync_api import expect
from sqlalchemy import select

from flashmob.events.models import Rsvp, RsvpStatus
from flashmob.extensions import db
from flashmob.members.models import Connection, ConnectionStatus, MemberProfile
from tests.browser.checks import axe_violations, describe_violations
from tests.browser.conftest import PHONE
from tests.browser.site import build_site
from tests.factories import DEFAULT_PASSWORD, create_event


def _no_serious_violations(page, axe_js, where: str) -> None:
    violations = axe_violations(page, axe_js)
    assert not violations, describe_violations(where, violations)


def test_two_attendees_connect_through_the_card_on_their_phones_and_the_vcard_downloads(
    new_page, server, sign_in, axe_js, screenshot
):
    site = build_site()
    ada, bea = site.member, site.other_organiser
    start = datetime.now(UTC).replace(second=0, microsecond=0) - timedelta(minutes=30)
    tonight = create_event(site.birmingham, title="Stakeholder maps that survive a reorg", starts_at=start)
    for person in (ada, bea):
        db.session.add(Rsvp(event_id=tonight.id, user_id=person.id, status=RsvpStatus.GOING))
    db.session.add(
        MemberProfile(
            user_id=ada.id,
            headline="PMO lead",
            organisation="Brindley Homes",
            share_email_with_connections=True,
        )
    )
    db.session.commit()

    # Ada shows her card for the night, on her ticket.
    ada_phone = new_page(PHONE)
    sign_in(ada_phone, ada)
    ada_phone.goto(server.path("events.my_ticket", event_id=tonight.id))
    card = ada_phone.get_by_role("region", name="Connect with the people you meet")
    expect(card.get_by_role("img", name=re.compile("QR code of Mina Member's card"))).to_be_visible()
    card_address = card.get_by_role("link", name="The card's address").get_attribute("href")
    _no_serious_violations(ada_phone, axe_js, "ticket with the card for the night")

    # Bea scans it with her phone's camera: signed out, she is asked to sign in, and comes back.
    bea_phone = new_page(PHONE)
    bea_phone.goto(urlsplit(card_address).path)
    expect(bea_phone.get_by_role("heading", level=1)).to_have_text("Sign in to connect")
    bea_phone.get_by_role("main").get_by_role("link", name="Sign in").click()
    main = bea_phone.get_by_role("main")
    main.get_by_label("Email").fill(bea.email)
    main.get_by_label("Password").fill(DEFAULT_PASSWORD)
    main.get_by_role("button", name="Sign in").click()

    main = bea_phone.get_by_role("main")
    expect(main.get_by_role("heading", level=1)).to_have_text("Mina Member")
    expect(main).to_contain_text("PMO lead, Brindley Homes")
    expect(main).to_contain_text("We will say you met at Stakeholder maps that survive a reorg")
    connect = main.get_by_role("button", name="Connect", exact=True)
    box = connect.bounding_box()
    assert box is not None and box["width"] <= PHONE["width"], "the button fits on the phone's screen"
    _no_serious_violations(bea_phone, axe_js, "scanned card at phone width")
    screenshot(bea_phone, "card-landing-phone")
    connect.click()
    expect(bea_phone.get_by_text("Request sent to Mina Member.")).to_be_visible()

    # Ada accepts on her connections page.
    ada_phone.goto(server.path("connections.index"))
    received = ada_phone.get_by_role("region", name="Requests for you")
    expect(received).to_contain_text("Otto Otherorganiser")
    expect(received).to_contain_text("Met at Stakeholder maps that survive a reorg")
    _no_serious_violations(ada_phone, axe_js, "connections with a request at phone width")
    received.get_by_role("button", name="Accept Otto Otherorganiser's request").click()
    expect(ada_phone.get_by_text("You are now connected with Otto Otherorganiser.")).to_be_visible()
    connected = ada_phone.get_by_role("region", name="Connected (1)")
    expect(connected).to_contain_text("Otto Otherorganiser")
    screenshot(ada_phone, "connections-phone")

    db.session.rollback()
    connection = db.session.scalar(select(Connection))
    assert (connection.requester_id, connection.status, connection.event_id) == (
        bea.id,
        ConnectionStatus.ACCEPTED,
        tonight.id,
    )

    # Bea now sees what Ada shares, and downloads her contact card.
    bea_phone.goto(server.path("connections.index"))
    connected = bea_phone.get_by_role("region", name="Connected (1)")
    expect(connected).to_contain_text(ada.email)
    with bea_phone.expect_download() as downloading:
        connected.get_by_role("link", name="Download Mina Member's contact card (vCard)").click()
    download = downloading.value
    assert download.suggested_filename == "mina-member.vcf"
    vcard = vobject.readOne(Path(download.path()).read_text(encoding="utf-8"))
    assert vcard.fn.value == "Mina Member"
    assert vcard.email.value == ada.email
    assert vcard.org.value == ["Brindley Homes"] and vcard.title.value == "PMO lead"
    assert vcard.note.value == "Met at Stakeholder maps that survive a reorg"
