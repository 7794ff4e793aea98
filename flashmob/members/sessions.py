"""Where people are signed in: a row per browser, made when they sign in and deleted when they sign out.

Flask-Login's session and remember-me cookies carry a random token; the row keeps only its SHA-256
hash. The user loader finds the person through the row, so deleting it signs that browser out at once,
copied cookies and all. Nothing here reads the request: views pass in the User-Agent and commit.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, select, update
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.attributes import set_committed_value

from flashmob.extensions import db
from flashmob.members.models import User, UserSession, new_token
from flashmob.types import column_length, utcnow

# How stale last_seen_at may get before a request moves it on: a write every few minutes per
# browser, not one per page.
SEEN_EVERY = timedelta(minutes=5)

DEVICE_MAX_LENGTH = column_length(UserSession.device)

# The first name found wins, so the browsers that also say "Chrome" or "Safari" come first.
_BROWSERS = [
    ("Edg", "Edge"),
    ("OPR/", "Opera"),
    ("Opera", "Opera"),
    ("SamsungBrowser", "Samsung Internet"),
    ("Firefox/", "Firefox"),
    ("FxiOS", "Firefox"),
    ("CriOS", "Chrome"),
    ("Chromium", "Chromium"),
    ("Chrome/", "Chrome"),
    ("Safari/", "Safari"),
]
_SYSTEMS = [
    ("iPhone", "iPhone"),
    ("iPad", "iPad"),
    ("Android", "Android"),
    ("CrOS", "ChromeOS"),
    ("Windows", "Windows"),
    ("Macintosh", "macOS"),
    ("Mac OS X", "macOS"),
    ("Linux", "Linux"),
]


def lifetime() -> timedelta:
    """How long a sign-in lasts unused: as long as the remember-me cookie (30 days)."""
    duration = current_app.config["REMEMBER_COOKIE_DURATION"]
    return duration if isinstance(duration, timedelta) else timedelta(seconds=duration)


def hash_token(token: str) -> str:
    """What the database keeps of a sign-in's token."""
    return hashlib.sha256(token.encode()).hexdigest()


def describe_device(user_agent: str | None) -> str:
    """A browser's User-Agent in a few words a person recognises: "Firefox on Windows"."""
    user_agent = user_agent or ""
    browser = next((name for marker, name in _BROWSERS if marker in user_agent), None)
    system = next((name for marker, name in _SYSTEMS if marker in user_agent), None)
    if browser and system:
        described = f"{browser} on {system}"
    elif browser or system:
        described = browser or f"A browser on {system}"
    else:
        # Not a browser we know: show the start of what it said, without control characters.
        described = re.sub(r"[\x00-\x1f\x7f]", "", user_agent).strip()[:40] or "Unknown device"
    return described[:DEVICE_MAX_LENGTH]


def _issue_token(user_session: UserSession) -> None:
    user_session.token = new_token()
    user_session.token_hash = hash_token(user_session.token)


def sign_in(user: User, *, user_agent: str | None, remember: bool) -> UserSession:
    """Start a sign-in for this browser; Flask-Login's cookies will carry its token (user.get_id())."""
    prune_unused()
    user_session = UserSession(user_id=user.id, device=describe_device(user_agent), is_remembered=remember)
    _issue_token(user_session)
    db.session.add(user_session)
    db.session.flush()
    user.current_session = user_session
    return user_session


def signed_in_user(token: str) -> User | None:
    """The person a cookie's token signs in, with their memberships, if that sign-in has not ended."""
    now = utcnow()
    row = db.session.execute(
        select(User, UserSession)
        .join(UserSession, UserSession.user_id == User.id)
        .where(
            UserSession.token_hash == hash_token(token),
            UserSession.last_seen_at > now - lifetime(),
            User.deleted_at.is_(None),  # deleting an account ends its sign-ins; this makes sure of it
        )
        # Memberships come with the user: nearly every page asks what the viewer may do.
        .options(selectinload(User.memberships))
    ).first()
    if row is None:
        return None
    user, user_session = row
    user_session.token = token
    user.current_session = user_session
    if now - user_session.last_seen_at >= SEEN_EVERY:
        _mark_seen(user_session, now)
    return user


def _mark_seen(user_session: UserSession, now: datetime) -> None:
    # A short transaction of its own: committing the request's session here would commit the view's
    # work before it has decided (views commit once, or not at all).
    table = UserSession.__table__
    with db.engine.begin() as conn:
        conn.execute(update(table).where(table.c.id == user_session.id).values(last_seen_at=now))
    set_committed_value(user_session, "last_seen_at", now)


def sign_out(user_session: UserSession) -> None:
    """End one sign-in: its cookies, and any copies of them, stop working."""
    db.session.execute(delete(UserSession).where(UserSession.id == user_session.id))


def sign_out_others(user: User, *, keep: UserSession | None) -> int:
    """End every sign-in of this person but `keep` (none: all of them); returns how many ended."""
    # Those already left unused go first, so that the count is of places the person could see.
    prune_unused()
    query = delete(UserSession).where(UserSession.user_id == user.id)
    if keep is not None:
        query = query.where(UserSession.id != keep.id)
    return db.session.execute(query).rowcount


def renew_token(user_session: UserSession) -> None:
    """Give a sign-in a new token: copies of its old cookies stop working. Sign in again to store it."""
    _issue_token(user_session)
    db.session.flush()


@dataclass(frozen=True)
class SignIns:
    """Where a person is signed in: this browser, and the others, most recently used first."""

    this: UserSession | None
    others: list[UserSession]
    # How many days unused end a sign-in.
    unused_days: int


def sign_ins(user: User, *, this: UserSession | None) -> SignIns:
    """Where this person is signed in, told apart from the browser asking: one query."""
    rows = db.session.scalars(
        select(UserSession)
        .where(UserSession.user_id == user.id, UserSession.last_seen_at > utcnow() - lifetime())
        .order_by(UserSession.last_seen_at.desc(), UserSession.id.desc())
    )
    this_id = this.id if this is not None else None
    return SignIns(
        this=this, others=[row for row in rows if row.id != this_id], unused_days=lifetime().days
    )


def prune_unused() -> int:
    """Delete everyone's sign-ins unused for longer than a remember-me cookie lasts; returns how many."""
    return db.session.execute(
        delete(UserSession).where(UserSession.last_seen_at <= utcnow() - lifetime())
    ).rowcount
