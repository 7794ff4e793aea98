"""What the connections page shows, loaded in a fixed number of queries whatever the number of people."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload

from flashmob.events.models import Event
from flashmob.extensions import db
from flashmob.members import privacy
from flashmob.members.circle import circle_for
from flashmob.members.models import Connection, ConnectionNote, ConnectionStatus, MemberProfile, User
from flashmob.members.profiles.display import picture_path


@dataclass(frozen=True)
class Person:
    """One other member on the connections page, with only what the viewer may see of them."""

    user: User
    connection: Connection
    headline: str
    organisation: str
    # The evening where they met, if either said.
    event: Event | None
    # The viewer's own private note about them ("" for none).
    note: str
    # Contact details the person shares with connections (None when not shared, or not connected yet).
    email: str | None
    phone: str | None
    linkedin_url: str
    # Their picture's address, when they have one and the viewer may see their profile.
    picture_url: str | None = None

    @property
    def id(self) -> int:
        return self.user.id

    @property
    def display_name(self) -> str:
        return self.user.display_name


def _picture_url(circle, user_id: int, profile) -> str | None:
    if profile is None or profile.picture_version is None:
        return None
    if not privacy.may_see_profile(circle, user_id, profile):
        return None
    return picture_path(user_id, profile.picture_version)


@dataclass(frozen=True)
class ConnectionsOverview:
    connections: list[Person]
    received: list[Person]
    sent: list[Person]

    @property
    def is_empty(self) -> bool:
        return not (self.connections or self.received or self.sent)


def overview(viewer: User) -> ConnectionsOverview:
    """The viewer's connections, the requests waiting on them, and those they sent: seven queries."""
    rows = list(
        db.session.scalars(
            select(Connection)
            .options(joinedload(Connection.requester), joinedload(Connection.addressee))
            .where(
                or_(Connection.requester_id == viewer.id, Connection.addressee_id == viewer.id),
                Connection.status.in_([ConnectionStatus.PENDING, ConnectionStatus.ACCEPTED]),
            )
        )
    )
    other_ids = [row.other_than(viewer.id) for row in rows]
    profiles = _by_key(MemberProfile.user_id, other_ids, select(MemberProfile))
    events = _by_key(
        Event.id,
        {row.event_id for row in rows if row.event_id is not None},
        select(Event).options(joinedload(Event.chapter)),
    )
    notes = {
        note.about_id: note.body
        for note in db.session.scalars(
            select(ConnectionNote).where(
                ConnectionNote.owner_id == viewer.id, ConnectionNote.about_id.in_(other_ids)
            )
        )
    } if other_ids else {}
    circle = circle_for(viewer.id, among=other_ids)

    connections, received, sent = [], [], []
    for row in rows:
        other = row.requester if row.addressee_id == viewer.id else row.addressee
        profile = profiles.get(other.id)
        person = Person(
            user=other,
            connection=row,
            headline=profile.headline if profile else "",
            organisation=profile.organisation if profile else "",
            event=events.get(row.event_id),
            note=notes.get(other.id, ""),
            email=privacy.shared_email(circle, other.email, other.id, profile),
            phone=privacy.shared_phone(circle, other.id, profile),
            linkedin_url=privacy.shared_linkedin(circle, other.id, profile),
            picture_url=_picture_url(circle, other.id, profile),
        )
        if row.status == ConnectionStatus.ACCEPTED:
            connections.append(person)
        elif row.requester_id == viewer.id:
            sent.append(person)
        else:
            received.append(person)
    connections.sort(key=lambda person: person.display_name.casefold())
    received.sort(key=lambda person: person.connection.created_at, reverse=True)
    sent.sort(key=lambda person: person.connection.created_at, reverse=True)
    return ConnectionsOverview(connections, received, sent)


def _by_key(column, keys, statement) -> dict:
    keys = list(keys)
    if not keys:
        return {}
    return {getattr(row, column.key): row for row in db.session.scalars(statement.where(column.in_(keys)))}
