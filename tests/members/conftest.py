"""Helpers for the account tests: confirmed members, the queued emails, CSRF tokens from pages."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from flashmob.extensions import db
from flashmob.members.models import User
from flashmob.outbox import OutboxMessage
from flashmob.types import utcnow
from tests.factories import DEFAULT_PASSWORD

PASSWORD = DEFAULT_PASSWORD
NEW_PASSWORD = "tea and lessons learnt"


@pytest.fixture
def create_member(create_user):
    """A person who has confirmed their address and so can sign in."""

    def _create(display_name=None, email=None, **fields):
        fields.setdefault("email_confirmed_at", utcnow())
        return create_user(display_name, email, **fields)

    return _create


@pytest.fixture
def ada(create_member):
    return create_member("Ada Lovelace", "ada@example.org")


FIREFOX_ON_WINDOWS = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0"


@pytest.fixture
def sign_in_elsewhere(app):
    """Sign a member in on another browser, through the sign-in form: returns that browser's client."""

    def _sign_in(user: User, *, remember: bool = False, user_agent: str = FIREFOX_ON_WINDOWS):
        browser = app.test_client()
        data = {"email": user.email, "password": PASSWORD} | ({"remember": "y"} if remember else {})
        if app.config["WTF_CSRF_ENABLED"]:
            data["csrf_token"] = csrf_token_from(browser.get("/login").text)
        response = browser.post("/login", data=data, headers={"User-Agent": user_agent})
        assert response.status_code == 302, response.text
        return browser

    return _sign_in


@pytest.fixture
def outbox(app):
    """The emails queued so far, oldest first."""

    def _messages(to: str | None = None) -> list[OutboxMessage]:
        query = select(OutboxMessage).order_by(OutboxMessage.id)
        if to is not None:
            query = query.where(OutboxMessage.to_address == to)
        return list(db.session.scalars(query))

    return _messages


@pytest.fixture
def user_count(app):
    return lambda: db.session.scalar(select(func.count()).select_from(User))


def csrf_token_from(html: str) -> str:
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or re.search(
        r'name="csrf_token" value="([^"]+)"', html
    )
    assert match, "no CSRF token on the page"
    return match.group(1)


def link_in(text: str, path_prefix: str) -> str:
    """The path of the first link in an email that starts with path_prefix (e.g. /confirm/)."""
    match = re.search(r"http://localhost(" + re.escape(path_prefix) + r"[^\s\"<]+)", text)
    assert match, f"no {path_prefix} link in: {text}"
    return match.group(1)


def field_error(html: str, field_id: str) -> str:
    """The error message shown at a field, or '' when there is none."""
    match = re.search(rf'<p class="field-error" id="{field_id}-error">(.*?)</p>', html, re.S)
    return match.group(1).strip() if match else ""


def refreshed(user: User) -> User:
    db.session.expire_all()
    return db.session.get(User, user.id)
