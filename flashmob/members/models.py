"""Accounts of the people who use Flashmob."""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import TYPE_CHECKING

from flask_login import UserMixin
from sqlalchemy import Boolean, ForeignKey, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from flashmob.extensions import db
from flashmob.types import UTCDateTime, utcnow

if TYPE_CHECKING:
    from flashmob.events.models import ChapterMembership


def new_token() -> str:
    """A random, URL-safe secret."""
    return secrets.token_urlsafe(32)


class User(UserMixin, db.Model):
    """A person with an account: a member, an organiser of chapters, or a site admin."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Stored lower-cased, so that "Ada@Example.org" and "ada@example.org" are one account.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    display_name: Mapped[str] = mapped_column(String(80))
    password_hash: Mapped[str] = mapped_column(String(255))
    # The secret in the address of the member's personal calendar feed: made the first time they ask
    # for it; resetting it replaces it, and the old address stops working.
    calendar_token: Mapped[str | None] = mapped_column(String(64), unique=True)
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("false"))
    headline: Mapped[str] = mapped_column(String(120), default="", server_default="")
    organisation: Mapped[str] = mapped_column(String(120), default="", server_default="")
    bio: Mapped[str] = mapped_column(Text, default="", server_default="")
    # An email address is shown to other members only when its owner says so.
    show_email: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("false"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # None until the person follows the link in their confirmation email; they cannot sign in before.
    email_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When the person deleted their account: the row stays, so that the evenings they went to still
    # count, but everything that said who they were is gone (members.services.delete_account).
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    memberships: Mapped[list[ChapterMembership]] = relationship(
        back_populates="user", cascade="all, delete-orphan"
    )

    # The sign-in (UserSession) this object was loaded through or just made, with its token: set by the
    # user loader and at sign-in, for this request only. Not a column.
    current_session = None

    @property
    def is_confirmed(self) -> bool:
        return self.email_confirmed_at is not None

    @property
    def is_deleted(self) -> bool:
        """A former member: their account is deleted, and pages show them without a name or profile."""
        return self.deleted_at is not None

    def get_id(self) -> str:
        # Flask-Login keeps this in the session and remember-me cookies: the token of this sign-in,
        # not the account id, so that ending the sign-in on the server ends the cookies too.
        if self.current_session is None or self.current_session.token is None:
            raise RuntimeError("get_id() needs a sign-in: start one with members.sessions.sign_in()")
        return self.current_session.token

    def __eq__(self, other):
        # One account, whichever sign-in it was loaded through (UserMixin would compare get_id()).
        if isinstance(other, User):
            return self is other or (self.id is not None and self.id == other.id)
        return NotImplemented

    __hash__ = UserMixin.__hash__

    def reset_calendar_token(self) -> None:
        """Give the personal calendar feed a new secret address; the old one stops working."""
        self.calendar_token = new_token()

    def membership_in(self, chapter_id: int) -> ChapterMembership | None:
        """This person's membership of a chapter, if any."""
        return next((m for m in self.memberships if m.chapter_id == chapter_id), None)

    def is_member_of(self, chapter_id: int) -> bool:
        return self.membership_in(chapter_id) is not None

    def is_organiser_of(self, chapter_id: int) -> bool:
        membership = self.membership_in(chapter_id)
        return membership is not None and membership.is_organiser

    @property
    def organised_chapter_ids(self) -> set[int]:
        return {m.chapter_id for m in self.memberships if m.is_organiser}

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email}>"


class UserSession(db.Model):
    """One place a person is signed in (a browser on a device), from signing in until signing out.

    Flask-Login's session and remember-me cookies carry a random token; only its SHA-256 hash is kept
    here, so a copy of the database signs nobody in. Deleting the row ends the sign-in at once.
    """

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # What the browser said it was, in a few words: "Firefox on Windows".
    device: Mapped[str] = mapped_column(String(80), default="", server_default="")
    # Whether the person ticked "Keep me signed in" (a 30-day remember-me cookie).
    is_remembered: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("false"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Moved on at most every few minutes, not on every request; indexed for pruning unused sign-ins.
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    # The token itself, known only in the request that made it or presented it. Not a column.
    token = None

    def __repr__(self) -> str:
        return f"<UserSession {self.id} of user {self.user_id}>"


class EmailOptOut(db.Model):
    """A kind of email a member asked us to stop sending them (the kinds are in flashmob.notifications)."""

    __tablename__ = "email_opt_outs"
    __table_args__ = (UniqueConstraint("user_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
