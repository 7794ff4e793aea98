"""What an event card shows besides the event: how many are going, a few faces, and the viewer's place.

Loaded for a whole list at once: one query for the counts and the viewer's answers, one for the faces
(the first few people going at each event, picked with a window function), so a list of thirty cards
costs what a list of three does.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import and_, case, func, null, or_, select

from flashmob.events.models import Event, Rsvp, RsvpStatus
from flashmob.extensions import db
from flashmob.members.models import MemberBlock, MemberProfile, User

# How many faces a card shows beside the number going.
FACES_PER_CARD = 5

# What a card says of the viewer's own answer, and the status colour it wears.
VIEWER_BADGES = {
    RsvpStatus.GOING: ("You're going", "going"),
    RsvpStatus.WAITLISTED: ("On the waitlist", "waiting"),
    RsvpStatus.OFFERED: ("Seat offered", "offered"),
    RsvpStatus.PENDING: ("Waiting for approval", "pending"),
}


@dataclass(frozen=True)
class Face:
    """Someone going, as a card shows them: initials on their colour, never a picture."""

    id: int
    display_name: str
    # The avatar macro shows a picture when there is one: a card never carries one.
    picture_url: None = None


@dataclass
class CardFacts:
    going: int = 0
    faces: list[Face] = field(default_factory=list)
    # The viewer's own answer, when it holds a seat, a place in line, an offer or a request.
    mine: RsvpStatus | None = None

    @property
    def badge(self) -> tuple[str, str] | None:
        """(words, colour) of the viewer's place, or None."""
        return VIEWER_BADGES.get(self.mine) if self.mine is not None else None


def card_facts(events: Sequence[Event], viewer) -> dict[int, CardFacts]:
    """{event id: CardFacts} for every event given: two queries signed in, one signed out.

    Faces are for signed-in viewers only (a stranger sees how many, as on the event page), and leave out
    people who keep off attendee lists, former members and anyone blocked either way; the viewer always
    sees themselves.
    """
    ids = sorted({event.id for event in events})
    if not ids:
        return {}
    facts = {event_id: CardFacts() for event_id in ids}
    viewer_id = viewer.id if viewer is not None and viewer.is_authenticated else None
    mine_column = (
        func.max(case((Rsvp.user_id == viewer_id, Rsvp.status), else_=None))
        if viewer_id is not None
        else null()
    )
    rows = db.session.execute(
        select(
            Rsvp.event_id,
            func.sum(case((Rsvp.status == RsvpStatus.GOING, 1), else_=0)),
            mine_column,
        )
        .where(Rsvp.event_id.in_(ids))
        .group_by(Rsvp.event_id)
    )
    for event_id, going, mine in rows:
        facts[event_id].going = int(going or 0)
        if mine is not None and RsvpStatus(mine) in VIEWER_BADGES:
            facts[event_id].mine = RsvpStatus(mine)
    if viewer_id is None:
        return facts

    blocks_either_way = or_(
        select(MemberBlock.blocker_id)
        .where(MemberBlock.blocker_id == viewer_id, MemberBlock.blocked_id == Rsvp.user_id)
        .exists(),
        select(MemberBlock.blocker_id)
        .where(MemberBlock.blocker_id == Rsvp.user_id, MemberBlock.blocked_id == viewer_id)
        .exists(),
    )
    place = (
        func.row_number()
        .over(
            partition_by=Rsvp.event_id,
            # The viewer first on their own cards, then in the order people said they were going.
            order_by=(case((Rsvp.user_id == viewer_id, 0), else_=1), Rsvp.responded_at, Rsvp.id),
        )
        .label("place")
    )
    ranked = (
        select(Rsvp.event_id, User.id.label("user_id"), User.display_name, place)
        .join(User, User.id == Rsvp.user_id)
        .outerjoin(MemberProfile, MemberProfile.user_id == Rsvp.user_id)
        .where(
            Rsvp.event_id.in_(ids),
            Rsvp.status == RsvpStatus.GOING,
            User.deleted_at.is_(None),
            or_(
                Rsvp.user_id == viewer_id,
                and_(func.coalesce(MemberProfile.listed_on_attendee_lists, True), ~blocks_either_way),
            ),
        )
        .subquery()
    )
    for event_id, user_id, name, _ in db.session.execute(
        select(ranked).where(ranked.c.place <= FACES_PER_CARD).order_by(ranked.c.event_id, ranked.c.place)
    ):
        facts[event_id].faces.append(Face(id=user_id, display_name=name))
    return facts
