"""Accounts of the people who use Flashmob."""

from __future__ import annotations

import secrets
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from flask_login import UserMixin
from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from flashmob.extensions import db
from flashmob.types import StrEnumType, UTCDateTime, utcnow

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
    # What the member says about themselves (headline, organisation, picture...), in its own table; None
    # until they first save it. Pages showing many people load it with selectinload(User.profile).
    profile: Mapped[MemberProfile | None] = relationship(
        back_populates="user", uselist=False, cascade="all, delete-orphan", passive_deletes=True
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


# --- Profiles -------------------------------------------------------------------------------------


class ProfileVisibility(StrEnum):
    """Who may see a member's profile (their own choice)."""

    EVERYONE = "everyone"
    MEMBERS = "members"  # anyone signed in
    MET = "met"  # people they have been to an evening with, and their connections


class PmoKind(StrEnum):
    """The kind of PMO a member works in."""

    PROJECT = "project"
    PROGRAMME = "programme"
    PORTFOLIO = "portfolio"
    ENTERPRISE = "enterprise"
    CENTRE_OF_EXCELLENCE = "centre_of_excellence"
    OTHER = "other"


class MemberTagKind(StrEnum):
    EXPERTISE = "expertise"
    INTEREST = "interest"


class MemberProfile(db.Model):
    """What a member chooses to say about themselves, and who may see it.

    Its own table, so the `users` row loaded on every request stays small; a member without a row
    has said nothing yet (and is shown with their initials).
    """

    __tablename__ = "member_profiles"
    __table_args__ = (
        CheckConstraint("years_in_pmo IS NULL OR (years_in_pmo >= 0 AND years_in_pmo <= 60)", name="years"),
        CheckConstraint("visibility IN ('everyone', 'members', 'met')", name="visibility"),
        CheckConstraint(
            "pmo_kind IS NULL OR pmo_kind IN ('project', 'programme', 'portfolio', 'enterprise',"
            " 'centre_of_excellence', 'other')",
            name="pmo_kind",
        ),
    )

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    headline: Mapped[str] = mapped_column(String(120), default="", server_default="")
    organisation: Mapped[str] = mapped_column(String(120), default="", server_default="")
    pmo_kind: Mapped[PmoKind | None] = mapped_column(StrEnumType(PmoKind, 30))
    years_in_pmo: Mapped[int | None] = mapped_column(Integer)
    bio: Mapped[str] = mapped_column(Text, default="", server_default="")
    linkedin_url: Mapped[str] = mapped_column(String(200), default="", server_default="")
    website_url: Mapped[str] = mapped_column(String(200), default="", server_default="")
    # Shown only to connections, and only when share_phone is on.
    phone: Mapped[str] = mapped_column(String(40), default="", server_default="")
    visibility: Mapped[ProfileVisibility] = mapped_column(
        StrEnumType(ProfileVisibility, 20), default=ProfileVisibility.MEMBERS, server_default="members"
    )
    # Whether the member appears in an evening's "Who's coming" (organisers always see their attendees).
    listed_on_attendee_lists: Mapped[bool] = mapped_column(Boolean, default=True, server_default=text("true"))
    share_email_with_connections: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=text("false")
    )
    share_phone_with_connections: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=text("false")
    )
    # Bumped when the picture changes, so its address changes and browsers fetch the new one;
    # None when there is no picture (initials on a colour are shown instead).
    picture_version: Mapped[int | None] = mapped_column(Integer)
    # When the newcomer prompt ("tell people who you are") was shown or dismissed: it is asked once.
    prompted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The secret in the address of the member's card for the night (a QR code on their phone that
    # another attendee scans to connect); resetting it replaces it, and it expires.
    card_token: Mapped[str | None] = mapped_column(String(64), unique=True)
    card_token_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    user: Mapped[User] = relationship(back_populates="profile")

    def __repr__(self) -> str:
        return f"<MemberProfile of user {self.user_id}>"


class ProfilePicture(db.Model):
    """A member's picture, checked and resized, kept in the database so every app server can serve it."""

    __tablename__ = "profile_pictures"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    content_type: Mapped[str] = mapped_column(String(40))
    image: Mapped[bytes] = mapped_column(LargeBinary)
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class MemberTag(db.Model):
    """A tag on a member's profile: something they know about (expertise) or want to talk about."""

    __tablename__ = "member_tags"
    __table_args__ = (
        CheckConstraint("kind IN ('expertise', 'interest')", name="kind"),
        # The directory's tag filter and "people who know about X" look members up by tag.
        Index("ix_member_tags_tag_id_kind", "tag_id", "kind"),
    )

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    tag_id: Mapped[int] = mapped_column(ForeignKey("tags.id", ondelete="RESTRICT"), primary_key=True)
    kind: Mapped[MemberTagKind] = mapped_column(StrEnumType(MemberTagKind, 20), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


# --- Connections ----------------------------------------------------------------------------------


class ConnectionStatus(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"


class Connection(db.Model):
    """Two members who asked to connect, or are connected.

    One row per pair whichever of them asked (pair_key is "smaller id:larger id", unique), so two
    requests crossing in the post become one. Withdrawing a request or removing a connection deletes
    the row; a declined request stays, so the same person cannot ask again and again.
    """

    __tablename__ = "connections"
    __table_args__ = (
        CheckConstraint("status IN ('pending', 'accepted', 'declined')", name="status"),
        CheckConstraint("requester_id <> addressee_id", name="not_self"),
        Index("ix_connections_addressee_id_status", "addressee_id", "status"),
        Index("ix_connections_requester_id_status", "requester_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    pair_key: Mapped[str] = mapped_column(String(24), unique=True)
    requester_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    addressee_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    status: Mapped[ConnectionStatus] = mapped_column(
        StrEnumType(ConnectionStatus, 20), default=ConnectionStatus.PENDING
    )
    # What the requester wrote when asking ("we talked about RAID logs at the bar").
    message: Mapped[str] = mapped_column(String(500), default="", server_default="")
    # The evening where they met, if they say: it shows on the request and on the connection.
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    requester: Mapped[User] = relationship(foreign_keys=[requester_id])
    addressee: Mapped[User] = relationship(foreign_keys=[addressee_id])

    @staticmethod
    def key_for(first_user_id: int, second_user_id: int) -> str:
        low, high = sorted((first_user_id, second_user_id))
        return f"{low}:{high}"

    def other_than(self, user_id: int) -> int:
        return self.addressee_id if self.requester_id == user_id else self.requester_id

    def __repr__(self) -> str:
        return f"<Connection {self.requester_id}->{self.addressee_id} {self.status}>"


class ConnectionNote(db.Model):
    """A member's private note about another member ("met at Birmingham #3, talked about risk registers")."""

    __tablename__ = "connection_notes"

    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    # Indexed for the database: deleting a member cascades to the notes written about them.
    about_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    body: Mapped[str] = mapped_column(String(1000), default="", server_default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class MemberBlock(db.Model):
    """A member who may no longer ask to connect with, message or see the profile of the blocker."""

    __tablename__ = "member_blocks"

    blocker_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    # Looked up the other way round too: "has this person blocked me?"
    blocked_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
