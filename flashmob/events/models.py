"""Chapters, their members and organisers, and their events."""

from __future__ import annotations

import secrets
import uuid
from datetime import datetime, timedelta, tzinfo
from enum import StrEnum
from urllib.parse import quote_plus
from zoneinfo import ZoneInfo

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
from flashmob.members.models import User
from flashmob.types import StrEnumType, UTCDateTime, utcnow

# The vocabularies, stored as their strings (the CHECK constraints below and in the migration list them).


class MembershipRole(StrEnum):
    """A person's place in a chapter."""

    MEMBER = "member"
    ORGANISER = "organiser"


class EventStatus(StrEnum):
    """Where an event is in its life: planned, announced, or called off."""

    DRAFT = "draft"
    PUBLISHED = "published"
    CANCELLED = "cancelled"


# Events the public sees, in lists and feeds: drafts never, cancelled ones marked as such.
PUBLIC_EVENT_STATUSES = (EventStatus.PUBLISHED, EventStatus.CANCELLED)


class RsvpStatus(StrEnum):
    """Where someone's answer to an event left them."""

    GOING = "going"
    WAITLISTED = "waitlisted"
    OFFERED = "offered"  # a seat held for them until offer_expires_at
    PENDING = "pending"  # waiting for an organiser's approval
    NOT_GOING = "not_going"
    EXPIRED = "expired"  # an offer ran out unclaimed and passed on
    DECLINED = "declined"  # an organiser turned the request down
    REMOVED = "removed"  # an organiser took them off the event


# Statuses that hold a seat: capacity counts these.
SEAT_HOLDING_STATUSES = (RsvpStatus.GOING, RsvpStatus.OFFERED)
# Someone still waiting: in line, offered a seat, or for an organiser's approval.
WAITING_STATUSES = (RsvpStatus.WAITLISTED, RsvpStatus.OFFERED, RsvpStatus.PENDING)
# Someone who said going and still stands: a seat, an offer, a place in line or a request. They are on the
# attendee list, and hear of changes; not-going, expired, declined and removed answers are not.
ASKED_TO_COME = (RsvpStatus.GOING, RsvpStatus.OFFERED, RsvpStatus.WAITLISTED, RsvpStatus.PENDING)
# How a member's own answer reads in a list of their evenings.
OWN_ANSWER_LABELS = {
    RsvpStatus.GOING: "Going",
    RsvpStatus.WAITLISTED: "On the waitlist",
    RsvpStatus.OFFERED: "Seat offered: claim it",
    RsvpStatus.PENDING: "Waiting for approval",
}
# Which colour the member's own answer is shown in (a badge--<tone>, rsvp-state--<tone> class): a seat, a
# wait of either kind, and a seat held for them to claim each look different.
OWN_ANSWER_TONES = {
    RsvpStatus.GOING: "going",
    RsvpStatus.WAITLISTED: "waiting",
    RsvpStatus.PENDING: "waiting",
    RsvpStatus.OFFERED: "offered",
}
# Why someone is in the "Not going" part of the attendee sheet, for the organisers.
NOT_GOING_REASONS = {
    RsvpStatus.NOT_GOING: "Said not going",
    RsvpStatus.EXPIRED: "Let an offered seat run out",
    RsvpStatus.DECLINED: "Request declined",
    RsvpStatus.REMOVED: "Removed by an organiser",
}


class Chapter(db.Model):
    """A city's group of the network: London, Birmingham, ..."""

    __tablename__ = "chapters"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    city: Mapped[str] = mapped_column(String(80))
    description: Mapped[str] = mapped_column(Text, default="", server_default="")
    timezone: Mapped[str] = mapped_column(String(64), default="Europe/London")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Moves on any change (a rename shows in every calendar feed of its events: their validators read it).
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    # When a site admin archived the chapter: it takes no new members or events, and its page keeps its
    # past evenings for the record. A chapter is archived rather than deleted (the database refuses to
    # delete one that has events).
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Raised with each new cover picture (None: none), so lists know of a cover and its address without
    # loading its bytes, and the address changes with it (covers.CoverPicture holds the picture).
    cover_version: Mapped[int | None] = mapped_column(Integer)

    memberships: Mapped[list[ChapterMembership]] = relationship(
        back_populates="chapter", cascade="all, delete-orphan"
    )
    # passive_deletes="all": deleting a chapter leaves its events to the database, which refuses.
    events: Mapped[list[Event]] = relationship(back_populates="chapter", passive_deletes="all")

    @property
    def tz(self) -> tzinfo:
        return ZoneInfo(self.timezone)

    @property
    def city_beside_name(self) -> str:
        """The city, to show beside the chapter's name; empty when the name already says it ("Birmingham")."""
        return "" if self.city.casefold() in self.name.casefold() else self.city

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    def __repr__(self) -> str:
        return f"<Chapter {self.slug}>"


class ChapterMembership(db.Model):
    """A person's place in a chapter: a member, or one of its organisers."""

    __tablename__ = "chapter_memberships"
    __table_args__ = (
        UniqueConstraint("chapter_id", "user_id"),
        # Chapter pages and lists look up each chapter's organisers.
        Index("ix_chapter_memberships_chapter_id_role", "chapter_id", "role"),
        CheckConstraint("role IN ('member', 'organiser')", name="role"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    chapter_id: Mapped[int] = mapped_column(ForeignKey("chapters.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[MembershipRole] = mapped_column(
        StrEnumType(MembershipRole, 20), default=MembershipRole.MEMBER
    )
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    chapter: Mapped[Chapter] = relationship(back_populates="memberships")
    user: Mapped[User] = relationship(back_populates="memberships")

    @property
    def is_organiser(self) -> bool:
        return self.role == MembershipRole.ORGANISER


def new_ical_uid(domain: str) -> str:
    """A calendar UID that stays the same for the life of the event, whatever else changes."""
    return f"event-{uuid.uuid4()}@{domain}"


class Event(db.Model):
    """An evening meetup of a chapter."""

    __tablename__ = "events"
    __table_args__ = (
        CheckConstraint("status IN ('draft', 'published', 'cancelled')", name="status"),
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        CheckConstraint("capacity IS NULL OR capacity > 0", name="capacity_positive"),
        CheckConstraint("offer_window_hours >= 0", name="offer_window_not_negative"),
        CheckConstraint("offer_hold_hours > 0", name="offer_hold_positive"),
        Index("ix_events_chapter_id_starts_at", "chapter_id", "starts_at"),
        Index("ix_events_status_starts_at", "status", "starts_at"),
        # Lists ordered by an event's date across chapters and statuses, joined from another table (the
        # lessons archive, newest evening first): read backwards from the top instead of sorting every row.
        Index("ix_events_starts_at", "starts_at"),
        # Save-the-dates still waiting for a date: few, and listed as still to come whatever their placeholder
        # time says, so the upcoming lists find them here rather than among every past evening.
        Index(
            "ix_events_awaiting_date",
            "starts_at",
            "id",
            sqlite_where=text("date_tbc"),
            postgresql_where=text("date_tbc"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # RESTRICT: a chapter with events is archived, never deleted (its evenings are the network's history).
    chapter_id: Mapped[int] = mapped_column(ForeignKey("chapters.id", ondelete="RESTRICT"))
    title: Mapped[str] = mapped_column(String(140))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # The zone the event happens in: times are shown in it, whoever is looking.
    timezone: Mapped[str] = mapped_column(String(64), default="Europe/London")
    venue_name: Mapped[str] = mapped_column(String(140), default="", server_default="")
    venue_address: Mapped[str] = mapped_column(String(255), default="", server_default="")
    description: Mapped[str] = mapped_column(Text, default="", server_default="")
    # None means no limit.
    capacity: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[EventStatus] = mapped_column(StrEnumType(EventStatus, 20), default=EventStatus.DRAFT)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Why the organisers called it off, shown to everyone on the event page; may be empty.
    cancellation_reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    # A save-the-date: announced before its day is fixed. starts_at/ends_at then hold a provisional
    # moment that only places it in lists; pages say date_hint ("July 2026") instead, RSVPs wait for
    # the date, and calendars never see it.
    date_tbc: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("false"))
    date_hint: Mapped[str] = mapped_column(String(60), default="", server_default="")
    # When the day-before reminder went to the people going; set once, so it is never sent twice.
    reminder_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Raised whenever the time or place changes, so that calendars replace their copy.
    sequence: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    ical_uid: Mapped[str] = mapped_column(String(255), unique=True)
    # RSVPs wait for an organiser to accept them.
    requires_approval: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("false"))
    # Within this many hours of the start a freed seat is offered to the first in line, not given:
    # they have offer_hold_hours to claim it, so nobody is handed a seat they can no longer use.
    offer_window_hours: Mapped[int] = mapped_column(Integer, default=48, server_default="48")
    offer_hold_hours: Mapped[int] = mapped_column(Integer, default=4, server_default="4")
    # As Chapter.cover_version: the event's own cover; without one, its chapter's shows.
    cover_version: Mapped[int | None] = mapped_column(Integer)

    chapter: Mapped[Chapter] = relationship(back_populates="events")
    created_by: Mapped[User | None] = relationship()
    # passive_deletes="all": deleting an event leaves its RSVPs to the database, which refuses.
    rsvps: Mapped[list[Rsvp]] = relationship(back_populates="event", passive_deletes="all")

    @property
    def tz(self) -> tzinfo:
        return ZoneInfo(self.timezone)

    @property
    def local_starts_at(self) -> datetime:
        return self.starts_at.astimezone(self.tz)

    @property
    def local_ends_at(self) -> datetime:
        return self.ends_at.astimezone(self.tz)

    @property
    def is_draft(self) -> bool:
        return self.status == EventStatus.DRAFT

    @property
    def is_published(self) -> bool:
        return self.status == EventStatus.PUBLISHED

    @property
    def is_cancelled(self) -> bool:
        return self.status == EventStatus.CANCELLED

    def has_ended_by(self, now: datetime) -> bool:
        """Whether the event is over at `now`: the one rule of "is this event past"."""
        return not self.awaits_date and self.ends_at <= now

    def has_started_by(self, now: datetime) -> bool:
        """Whether the event has begun at `now`; a save-the-date going ahead has not, placeholder or not."""
        return not self.awaits_date and self.starts_at <= now

    @property
    def is_past(self) -> bool:
        return self.has_ended_by(utcnow())

    @property
    def has_started(self) -> bool:
        return self.has_started_by(utcnow())

    @property
    def awaits_date(self) -> bool:
        """A save-the-date going ahead: still to come, even once its placeholder time has gone by."""
        return self.date_tbc and not self.is_cancelled

    def seats_left(self, held: int) -> int | None:
        """Seats nobody holds when `held` are taken or offered; None when the event has no limit.

        The one rule of "how many seats are left": the RSVP rules, the event page and the attendee sheet
        each count the seats held their own way (one query, or rows already loaded) and ask this.
        """
        if self.capacity is None:
            return None
        return max(self.capacity - held, 0)

    def offers_seats_at(self, now: datetime) -> bool:
        """Whether a seat freed at `now` is offered to the first in line rather than given outright."""
        return self.starts_at - now <= timedelta(hours=self.offer_window_hours)

    @property
    def map_url(self) -> str | None:
        """An OpenStreetMap search for the venue, for people finding their way."""
        query = ", ".join(part for part in (self.venue_name, self.venue_address) if part)
        if not self.venue_address:
            return None
        return f"https://www.openstreetmap.org/search?query={quote_plus(query)}"

    def __repr__(self) -> str:
        return f"<Event {self.id} {self.title!r}>"


def new_ticket_code() -> str:
    """A random, URL-safe ticket code (128 bits): it cannot be guessed from someone else's."""
    return secrets.token_urlsafe(16)


class Rsvp(db.Model):
    """One person's answer to one event, and where it left them: a seat, a place in line, an offer."""

    __tablename__ = "rsvps"
    __table_args__ = (
        UniqueConstraint("event_id", "user_id"),
        CheckConstraint(
            "status IN ('going', 'waitlisted', 'offered', 'pending', 'not_going', 'expired', "
            "'declined', 'removed')",
            name="status",
        ),
        CheckConstraint("status != 'offered' OR offer_expires_at IS NOT NULL", name="offer_has_expiry"),
        # Seats taken, and the line in order.
        Index("ix_rsvps_event_id_status_waitlisted_at", "event_id", "status", "waitlisted_at"),
        # The periodic job that passes on offers nobody claimed.
        Index("ix_rsvps_status_offer_expires_at", "status", "offer_expires_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # RESTRICT both ways: who went where is what attendance figures and lessons are made of. A deleted
    # account keeps its past RSVPs (members.services.delete_account); a raw DELETE is refused.
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="RESTRICT"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"), index=True)
    status: Mapped[RsvpStatus] = mapped_column(StrEnumType(RsvpStatus, 20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # When the person last answered going or not going.
    responded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    # Their place in line: earlier first.
    waitlisted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    offered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    offer_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When they were last moved from the line (or a request) to a seat.
    promoted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The organiser who last approved, declined, removed or promoted them, and when.
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    checked_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The organiser who ticked them in at the door.
    checked_in_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    # The secret in the ticket's QR code: whoever holds it can be checked in by an organiser, so it is
    # random and unguessable rather than derived from ids.
    ticket_code: Mapped[str] = mapped_column(String(43), unique=True, default=new_ticket_code)

    event: Mapped[Event] = relationship(back_populates="rsvps")
    user: Mapped[User] = relationship(foreign_keys=[user_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
    checked_in_by: Mapped[User | None] = relationship(foreign_keys=[checked_in_by_id])

    @property
    def is_going(self) -> bool:
        return self.status == RsvpStatus.GOING

    @property
    def is_waitlisted(self) -> bool:
        return self.status == RsvpStatus.WAITLISTED

    @property
    def is_offered(self) -> bool:
        return self.status == RsvpStatus.OFFERED

    @property
    def is_pending(self) -> bool:
        return self.status == RsvpStatus.PENDING

    @property
    def holds_seat(self) -> bool:
        return self.status in SEAT_HOLDING_STATUSES

    @property
    def status_label(self) -> str:
        """How the member's own answer reads in a list of their evenings (OWN_ANSWER_LABELS); nothing once
        the evening is cancelled, which its card says instead ("Going" beside "Cancelled" is not true)."""
        if self.event.is_cancelled:
            return ""
        return OWN_ANSWER_LABELS.get(self.status, "")

    @property
    def status_tone(self) -> str:
        """The colour of the member's own answer (OWN_ANSWER_TONES): going, waiting or offered."""
        return OWN_ANSWER_TONES.get(self.status, "")

    @property
    def not_going_reason(self) -> str:
        """Why they are not coming, for the organisers' attendee sheet (NOT_GOING_REASONS)."""
        return NOT_GOING_REASONS.get(self.status, "")

    def __repr__(self) -> str:
        return f"<Rsvp {self.id} event={self.event_id} user={self.user_id} {self.status}>"


class WalkIn(db.Model):
    """Someone who came on the night without a seat booked, added at the door by an organiser.

    name and email are what the organiser typed. When the email belongs to a member, user_id links them
    (once per event) and they are told; their RSVP is left as they made it (see checkins.add_walk_in).
    """

    __tablename__ = "walk_ins"
    # A member walks in to an evening once; walk-ins without an account (user_id NULL) are not limited.
    __table_args__ = (UniqueConstraint("event_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="RESTRICT"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    email: Mapped[str] = mapped_column(String(254), default="", server_default="")
    # RESTRICT, not SET NULL: unlinking would keep the name and email typed for the member while
    # claiming the account gone. delete_account blanks them and keeps the link (attendance stays true).
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"), index=True)
    checked_in_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)

    event: Mapped[Event] = relationship()
    user: Mapped[User | None] = relationship(foreign_keys=[user_id])
    added_by: Mapped[User | None] = relationship(foreign_keys=[added_by_id])

    def __repr__(self) -> str:
        return f"<WalkIn {self.id} event={self.event_id} {self.name!r}>"


class EventInterest(db.Model):
    """A member asking to be told when a save-the-date's date is set; kept afterwards, for the record."""

    __tablename__ = "event_interests"
    # The unique pair also serves "who is waiting to hear about this event" (event_id first).
    __table_args__ = (UniqueConstraint("event_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="RESTRICT"))
    # A member's wish to hear is theirs, not the event's history: it goes with their account.
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # When the "date announced" email was queued for them: each interest is told once.
    notified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    event: Mapped[Event] = relationship()
    user: Mapped[User] = relationship()

    def __repr__(self) -> str:
        return f"<EventInterest event={self.event_id} user={self.user_id}>"


class CoverPicture(db.Model):
    """A chapter's or an event's cover, checked and resized (events.covers), in two sizes: the wide one for
    its page's header and a small one for cards. Kept in the database so every app server can serve it;
    lists read only the owner's cover_version, never these bytes."""

    __tablename__ = "cover_pictures"
    __table_args__ = (
        CheckConstraint("(chapter_id IS NULL) <> (event_id IS NULL)", name="one_owner"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    chapter_id: Mapped[int | None] = mapped_column(
        ForeignKey("chapters.id", ondelete="CASCADE"), unique=True
    )
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), unique=True)
    content_type: Mapped[str] = mapped_column(String(40))
    wide: Mapped[bytes] = mapped_column(LargeBinary)
    card: Mapped[bytes] = mapped_column(LargeBinary)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
