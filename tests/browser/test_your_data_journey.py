"""Your data in a real browser: a member moves their account to a new address, and downloads their data."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import urlsplit

from playwright.sync_api import expect
from sqlalchemy import select

from flashmob.email_kinds import EmailKind
from flashmob.extensions import db
from flashmob.members.models import User
from flashmob.outbox import OutboxMessage
from tests.browser.site import build_site
from tests.factories import DEFAULT_PASSWORD

NEW = "mina.moved@example.org"


def _link_to(email: str) -> str:
    db.session.rollback()  # the browser changed the database behind this thread's session
    message = db.session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.to_address == email, OutboxMessage.kind == EmailKind.EMAIL_CHANGE)
        .order_by(OutboxMessage.id.desc())
    ).first()
    assert message is not None, f"no email was queued for {email}"
    (link,) = re.findall(r"https?://\S+/account/email/confirm/\S+", message.text_body)
    return urlsplit(link).path


def test_member_changes_their_email_from_the_account_page(page, server, sign_in):
    site = build_site()
    old = site.member.email
    sign_in(page, site.member)
    page.goto(server.path("members.account"))
    page.get_by_role("region", name="Your data").get_by_role("link", name="Change email address").click()

    main = page.get_by_role("main")
    expect(page.get_by_role("heading", level=1)).to_have_text("Change your email address")
    main.get_by_label("New email address").fill("Mina.Moved@Example.org")
    main.get_by_label("Current password").fill(DEFAULT_PASSWORD)
    main.get_by_role("button", name="Send the link").click()
    expect(page.get_by_role("status").filter(has_text=f"We sent a link to {NEW}")).to_be_visible()

    page.goto(_link_to(NEW))
    expect(page.get_by_role("main")).to_contain_text(f"to {NEW}?")
    page.get_by_role("main").get_by_role("button", name="Use my new address").click()
    expect(page.get_by_role("status").filter(has_text=f"Your email address is now {NEW}")).to_be_visible()

    db.session.rollback()
    assert db.session.get(User, site.member.id).email == NEW
    notice = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.kind == EmailKind.EMAIL_CHANGED)
    ).one()
    assert notice.to_address == old
    assert "m***@example.org" in notice.text_body


def test_member_downloads_their_data(page, server, sign_in):
    site = build_site()
    sign_in(page, site.member)
    page.goto(server.path("members.account"))
    page.get_by_role("region", name="Your data").get_by_role("link", name="Download your data").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Download your data")
    with page.expect_download() as answer:
        page.get_by_role("main").get_by_role("button", name="Download my data").click()
    download = answer.value
    assert re.fullmatch(r"flashmob-data-\d{4}-\d{2}-\d{2}\.json", download.suggested_filename)
    data = json.loads(Path(download.path()).read_text(encoding="utf-8"))
    assert data["your_account"]["email"] == site.member.email
    assert data["your_account"]["display_name"] == site.member.display_name
