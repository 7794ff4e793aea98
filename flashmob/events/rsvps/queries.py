"""What RSVPs show: the event page's panel, the attendee sheet and a member's evenings, in few queries."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, or_, select
from sqlalchemy.orm import aliased, contains_eager, joinedload

from flashmob.email_kinds import EmailSetting
from flashmob.events.models import (
    ASKED_TO_COME,
    PUBLIC_EVENT_STATUSES,
    SEAT_HOLDING_STATUSES,
    WAITING_STATUSES,
    Event,
    EventStatus,
    Rsvp,
    RsvpStatus,
)
from flashmob.events.rsvps.services import rsvps_closed_reason, waitlist_position
from flashmob.extensions import db
from flashmob.members.models import User
from flashmob.notifications import has_opted_out
from flashmob.types import utcnow


@dataclass
class RsvpPanel:
    """What the event page's "Are you going?" panel shows: seats, the viewer's answer, who is coming."""

    event: Event
    counts: dict[RsvpStatus, int]
    # Why the event takes no answers now (rsvps_closed_reason), shown instead of the buttons; None if open.
    closed_reason: str | None = None
    mine: Rsvp | None = None
    # The viewer's place in line (1 is next), when they are on the waitlist.
    position: int | None = None
    # The people going, for signed-in viewers; None when the viewer may only see the count.
    going: list[User] | None = None
    # Whether a viewer who is waiting (in line, offered a seat, or for approval) stopped RSVP emails,
    # so the page does not promise an email that will not come.
    emails_stopped: bool = False

    @property
    def going_count(self) -> int:
        return self.counts.get(RsvpStatus.GOING, 0)

    @property
    def waitlist_count(self) -> int:
        return self.counts.get(RsvpStatus.WAITLISTED, 0)

    @property
    def seats_left(self) -> int | None:
        """Seats nobody holds; None when there is no limit."""
        return self.event.seats_left(sum(self.counts.get(status, 0) for status in SEAT_HOLDING_STATUSES))

    @property
    def is_full(self) -> bool:
        return self.seats_left == 0

    @property
    def is_open(self) -> bool:
        """Whether people can still answer."""
        return self.closed_reason is None

    @property
    def offers_going(self) -> bool:
        """Whether to offer the viewer "Going": they have not answered, or said no, or let an offer lapse."""
        return self.mine is None or self.mine.status in (RsvpStatus.NOT_GOING, RsvpStatus.EXPIRED)

    @property
    def offers_not_going(self) -> bool:
        """Whether to offer "Not going": no answer yet, or they hold a seat, a place in line or a request."""
        return self.mine is None or self.mine.status in (
            RsvpStatus.GOING, RsvpStatus.WAITLISTED, RsvpStatus.PENDING
        )

    @property
    def has_offer(self) -> bool:
        return self.mine is not None and self.mine.is_offered

    @property
    def going_label(self) -> str:
        """The main button's words, saying what pressing it does: on a full event, a place in line."""
        return "Join the waitlist" if self.is_full else "Going"

    @property
    def not_going_label(self) -> str:
        """The button that takes the viewer's answer back, in words for where they stand."""
        if self.mine is not None and self.mine.is_waitlisted:
            return "Leave the waitlist"
        if self.mine is not None and self.mine.is_pending:
            return "Withdraw my request"
        return "Not going"

    @property
    def past_note(self) -> str:
        """What a past evening's page tells the viewer of their evening; empty when they were not going."""
        if self.mine is None or not self.mine.is_going:
            return ""
        if self.mine.checked_in_at is not None:
            return "You came. Thank you for coming."
        return "You said you were going."


def counts_by_event(event_ids: Iterable[int]) -> dict[int, dict[RsvpStatus, int]]:
    """How many RSVPs each event has in each status, in one query: {event id: {status: count}}."""
    ids = list(event_ids)
    if not ids:
        return {}
    rows = db.session.execute(
        select(Rsvp.event_id, Rsvp.status, func.count(Rsvp.id))
        .where(Rsvp.event_id.in_(ids))
        .group_by(Rsvp.event_id, Rsvp.status)
    )
    found: dict[int, dict[RsvpStatus, int]] = defaultdict(dict)
    for event_id, status, count in rows:
        found[event_id][status] = count
    return dict(found)


def rsvp_panel(event: Event, viewer: User | None, *, show_people: bool) -> RsvpPanel:
    """The panel for one viewer: the counts, then the viewer's answer and the people going in one query.

    Three queries at most (a fourth for someone on the waitlist: their place), however many answered.
    """
    panel = RsvpPanel(
        event=event,
        counts=counts_by_event([event.id]).get(event.id, {}),
        closed_reason=rsvps_closed_reason(event, utcnow()),
    )
    signed_in = viewer is not None and viewer.is_authenticated
    wanted = []
    if signed_in:
        wanted.append(Rsvp.user_id == viewer.id)
    if show_people:
        wanted.append(Rsvp.status == RsvpStatus.GOING)
    if not wanted:
        return panel
    rows = db.session.scalars(
        select(Rsvp)
        .where(Rsvp.event_id == event.id, or_(*wanted))
        .options(joinedload(Rsvp.user).joinedload(User.profile))
        .order_by(Rsvp.responded_at, Rsvp.id)  # the people going, in the order they said so
    )
    rows_going = []
    for rsvp in rows:
        if signed_in and rsvp.user_id == viewer.id:
            panel.mine = rsvp
        if rsvp.is_going:
            rows_going.append(rsvp)
    going = [rsvp.user for rsvp in rows_going]
    if show_people:
        # Once organisers have checked people in, "Who went" means the people who came.
        came = [rsvp.user for rsvp in rows_going if rsvp.checked_in_at is not None] if event.is_past else []
        panel.going = came or going
    if panel.mine is not None and panel.mine.is_waitlisted:
        panel.position = waitlist_position(panel.mine)
    if panel.mine is not None and panel.mine.status in WAITING_STATUSES:
        panel.emails_stopped = has_opted_out(viewer.id, EmailSetting.RSVP)
    return panel


@dataclass
class AttendeeSheet:
    """Everyone who answered an event, sorted into what the organisers act on."""

    event: Event
    going: list[Rsvp] = field(default_factory=list)
    offered: list[Rsvp] = field(default_factory=list)
    # In line, first first: position is index + 1.
    waitlist: list[Rsvp] = field(default_factory=list)
    pending: list[Rsvp] = field(default_factory=list)
    # Said not going, let an offer lapse, were declined or taken off.
    not_going: list[Rsvp] = field(default_factory=list)

    @property
    def seats_left(self) -> int | None:
        return self.event.seats_left(len(self.going) + len(self.offered))

    @property
    def is_full(self) -> bool:
        return self.seats_left == 0


def attendee_sheet(event: Event) -> AttendeeSheet:
    """Every RSVP of an event with its person, sorted into sections, in one query."""
    rows = db.session.scalars(
        select(Rsvp)
        .where(Rsvp.event_id == event.id)
        .options(joinedload(Rsvp.user).joinedload(User.profile))
        .order_by(Rsvp.waitlisted_at, Rsvp.id)  # the line's order
    )
    sheet = AttendeeSheet(event=event)
    sections = {
        RsvpStatus.GOING: sheet.going,
        RsvpStatus.OFFERED: sheet.offered,
        RsvpStatus.WAITLISTED: sheet.waitlist,
        RsvpStatus.PENDING: sheet.pending,
    }
    for rsvp in rows:
        sections.get(rsvp.status, sheet.not_going).append(rsvp)
    return sheet


# A member's evenings


@dataclass
class MemberEvents:
    """The evenings a member is going to (or, on their own page, waiting for) and the ones they went to."""

    upcoming: list[Rsvp]
    past: list[Rsvp]


PAST_EVENINGS_SHOWN = 10


def member_events(member: User, *, for_owner: bool, now: datetime | None = None) -> MemberEvents:
    """A member's evenings, each RSVP with its event and chapter: two queries, however many.

    Others see only where the member has a seat; the member also sees where they wait, and their
    cancelled evenings. Drafts never show.
    """
    now = now or utcnow()
    statuses = ASKED_TO_COME if for_owner else (RsvpStatus.GOING,)
    shown = PUBLIC_EVENT_STATUSES if for_owner else (EventStatus.PUBLISHED,)
    mine = (
        select(Rsvp)
        .join(Rsvp.event)
        .where(Rsvp.user_id == member.id)
        .options(contains_eager(Rsvp.event).joinedload(Event.chapter))
    )
    upcoming = db.session.scalars(
        mine.where(Rsvp.status.in_(statuses), Event.status.in_(shown), Event.ends_at > now).order_by(
            Event.starts_at, Event.id
        )
    )
    # Once organisers have checked people in at an evening, only those who came went to it.
    others = aliased(Rsvp)
    attendance_taken = (
        select(others.id).where(others.event_id == Rsvp.event_id, others.checked_in_at.is_not(None)).exists()
    )
    past = db.session.scalars(
        mine.where(
            Rsvp.status == RsvpStatus.GOING,
            Event.status == EventStatus.PUBLISHED,
            Event.ends_at <= now,
            or_(Rsvp.checked_in_at.is_not(None), ~attendance_taken),
        )
        .order_by(Event.starts_at.desc(), Event.id.desc())
        .limit(PAST_EVENINGS_SHOWN)
    )
    return MemberEvents(upcoming=list(upcoming), past=list(past))
