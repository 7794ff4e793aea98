"""Who a member knows: their connections, requests in flight, the people they have been to an evening
with, and blocks either way.

Worked out once per page for the people on it (`among`), in a fixed number of queries, so a page showing
fifty people costs what one showing two does. The privacy rules (members.privacy), the attendee list and
"people to meet" all read a Circle; none of them queries connections or blocks person by person.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field

from sqlalchemy import and_, or_, select, union

from flashmob.events.models import Event, EventStatus, Rsvp, RsvpStatus, WalkIn
from flashmob.extensions import db
from flashmob.members.models import Connection, ConnectionStatus, MemberBlock
from flashmob.types import utcnow


@dataclass(frozen=True)
class Circle:
    """The people one member (or nobody, signed out) knows, among those a page shows."""

    user_id: int | None
    connected: frozenset[int] = field(default_factory=frozenset)
    # Requests the member sent and is waiting on, and requests waiting on the member.
    asked: frozenset[int] = field(default_factory=frozenset)
    asked_by: frozenset[int] = field(default_factory=frozenset)
    # Requests the other person declined: the member may not ask again.
    declined: frozenset[int] = field(default_factory=frozenset)
    # People who went to a past evening with the member (a seat taken, or let in at the door).
    met: frozenset[int] = field(default_factory=frozenset)
    # Either way round: the member blocked them, or they blocked the member.
    blocked: frozenset[int] = field(default_factory=frozenset)
    blocked_by_me: frozenset[int] = field(default_factory=frozenset)

    @property
    def is_signed_in(self) -> bool:
        return self.user_id is not None

    def is_self(self, other_id: int) -> bool:
        return self.user_id == other_id

    def is_connected(self, other_id: int) -> bool:
        return other_id in self.connected

    def has_met(self, other_id: int) -> bool:
        """Been to an evening together, or connected (a connection counts as having met)."""
        return other_id in self.met or other_id in self.connected


NOBODY = Circle(user_id=None)


def _limit(column, among: Collection[int] | None):
    return True if among is None else column.in_(list(among))


def attendance(name: str = "attendance"):
    """(event_id, user_id) of everyone who went to an evening: a seat they said going to, or a walk-in."""
    seats = select(Rsvp.event_id, Rsvp.user_id).where(Rsvp.status == RsvpStatus.GOING)
    doors = select(WalkIn.event_id, WalkIn.user_id).where(WalkIn.user_id.is_not(None))
    return union(seats, doors).subquery(name)


def met_ids(user_id: int, among: Collection[int] | None = None) -> set[int]:
    """The people who went to a past, not cancelled evening that this member went to."""
    mine = attendance("mine")
    theirs = attendance("theirs")
    rows = db.session.scalars(
        select(theirs.c.user_id)
        .distinct()
        .join(mine, mine.c.event_id == theirs.c.event_id)
        .join(Event, Event.id == mine.c.event_id)
        .where(
            mine.c.user_id == user_id,
            theirs.c.user_id != user_id,
            Event.status == EventStatus.PUBLISHED,
            Event.ends_at <= utcnow(),
            _limit(theirs.c.user_id, among),
        )
    )
    return set(rows)


def circle_for(user_id: int | None, among: Collection[int] | None = None) -> Circle:
    """The Circle of a member, limited to the people in `among` (None: everybody). Three queries."""
    if user_id is None:
        return NOBODY
    if among is not None and not among:
        return Circle(user_id=user_id)
    connected, asked, asked_by, declined = set(), set(), set(), set()
    for connection in db.session.scalars(
        select(Connection).where(
            or_(
                and_(Connection.requester_id == user_id, _limit(Connection.addressee_id, among)),
                and_(Connection.addressee_id == user_id, _limit(Connection.requester_id, among)),
            )
        )
    ):
        other = connection.other_than(user_id)
        if connection.status == ConnectionStatus.ACCEPTED:
            connected.add(other)
        elif connection.status == ConnectionStatus.PENDING:
            (asked if connection.requester_id == user_id else asked_by).add(other)
        elif connection.requester_id == user_id:
            declined.add(other)
    blocked, blocked_by_me = set(), set()
    for block in db.session.scalars(
        select(MemberBlock).where(
            or_(
                and_(MemberBlock.blocker_id == user_id, _limit(MemberBlock.blocked_id, among)),
                and_(MemberBlock.blocked_id == user_id, _limit(MemberBlock.blocker_id, among)),
            )
        )
    ):
        if block.blocker_id == user_id:
            blocked.add(block.blocked_id)
            blocked_by_me.add(block.blocked_id)
        else:
            blocked.add(block.blocker_id)
    return Circle(
        user_id=user_id,
        connected=frozenset(connected),
        asked=frozenset(asked),
        asked_by=frozenset(asked_by),
        declined=frozenset(declined),
        met=frozenset(met_ids(user_id, among)),
        blocked=frozenset(blocked),
        blocked_by_me=frozenset(blocked_by_me),
    )
