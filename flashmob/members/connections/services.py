"""The rules of connecting: ask, accept, decline, withdraw, remove, block, unblock, and private notes.

Plain functions taking the people by argument; they change rows and flush, the caller commits once. A "no"
is a ConnectionError with a message written for the person. One row per pair (Connection.pair_key is
unique): two requests crossing in the post end as one connection, whichever insert loses the race.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from flask import current_app
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from flashmob.email_kinds import EmailKind
from flashmob.errors import RuleError
from flashmob.events.models import Event, EventStatus
from flashmob.extensions import db
from flashmob.members.circle import Circle, attendance
from flashmob.members.models import (
    Connection,
    ConnectionNote,
    ConnectionStatus,
    MemberBlock,
    MemberProfile,
    User,
)
from flashmob.members.privacy import may_ask_to_connect
from flashmob.outbox import queue_email
from flashmob.results import Outcome
from flashmob.types import utcnow
from flashmob.urls import public_url

NOTE_MAX = 1000
MESSAGE_MAX = 500
# An evening counts as one "we are both at" from a few hours before it starts: people arrive early, and
# the card for the night is scanned at the door as often as at the bar.
EVENING_AHEAD = timedelta(hours=12)


class ConnectionError(RuleError):
    """A connection rule said no."""


class Link(StrEnum):
    """Where a viewer stands with another member: what the profile panel offers them."""

    ANONYMOUS = "anonymous"
    SELF = "self"
    CONNECTED = "connected"
    ASKED = "asked"  # the viewer asked; waiting for the other
    ASKED_BY = "asked_by"  # the other asked; waiting for the viewer
    DECLINED = "declined"  # the other declined the viewer's request: no asking again
    BLOCKED_BY_ME = "blocked_by_me"
    BLOCKED_BY_THEM = "blocked_by_them"
    NONE = "none"  # nothing yet: the viewer may ask


def link_between(circle: Circle, other_id: int) -> Link:
    """What the viewer's circle says about one other member (no query)."""
    if not circle.is_signed_in:
        return Link.ANONYMOUS
    if circle.is_self(other_id):
        return Link.SELF
    if other_id in circle.blocked_by_me:
        return Link.BLOCKED_BY_ME
    if other_id in circle.blocked:
        return Link.BLOCKED_BY_THEM
    if other_id in circle.connected:
        return Link.CONNECTED
    if other_id in circle.asked:
        return Link.ASKED
    if other_id in circle.asked_by:
        return Link.ASKED_BY
    if not may_ask_to_connect(circle, other_id):
        return Link.DECLINED  # what is left: they declined the viewer's request
    return Link.NONE


# --- Results --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AskResult(Outcome):
    """What asking did: a new request (emailed unless stopped), or, if the other had asked first, accepted."""

    connection: Connection
    status: ConnectionStatus
    # True when the other person had already asked: asking accepted their request.
    accepted_theirs: bool
    email_queued: bool


@dataclass(frozen=True)
class AnswerResult(Outcome):
    """What accepting, declining, withdrawing or removing did to the pair's row."""

    other_id: int
    # The row's status now; None when the row is gone (withdrawn or removed).
    status: ConnectionStatus | None
    email_queued: bool = False


@dataclass(frozen=True)
class BlockResult(Outcome):
    blocked_id: int
    # Whether blocking ended a connection or a request in flight between them.
    ended_connection: bool
    # False when they were already blocked (or, for unblock, were not).
    changed: bool


@dataclass(frozen=True)
class NoteResult(Outcome):
    about_id: int
    body: str
    # An empty note is no note: the row goes.
    cleared: bool


# --- Loading --------------------------------------------------------------------------------------


def connection_between(first_id: int, second_id: int, *, lock: bool = False) -> Connection | None:
    """The pair's row, fresh from the database; locked for the rest of the transaction if asked."""
    statement = (
        select(Connection)
        .where(Connection.pair_key == Connection.key_for(first_id, second_id))
        .execution_options(populate_existing=True)
    )
    if lock:
        statement = statement.with_for_update()  # PostgreSQL; SQLite's write lock serialises writers
    return db.session.scalar(statement)


def _blocked_either_way(first_id: int, second_id: int) -> MemberBlock | None:
    return db.session.scalar(
        select(MemberBlock).where(
            ((MemberBlock.blocker_id == first_id) & (MemberBlock.blocked_id == second_id))
            | ((MemberBlock.blocker_id == second_id) & (MemberBlock.blocked_id == first_id))
        )
    )


def evenings_in_common(first_id: int, second_id: int, *, now: datetime | None = None) -> list[Event]:
    """The published evenings both went to (a seat or the door), tonight's first, then the most recent.

    An evening starting within EVENING_AHEAD counts: that is the one two people scanning cards are at.
    """
    now = now or utcnow()
    mine = attendance("mine")
    theirs = attendance("theirs")
    return list(
        db.session.scalars(
            select(Event)
            .options(joinedload(Event.chapter))
            .join(mine, mine.c.event_id == Event.id)
            .join(theirs, theirs.c.event_id == Event.id)
            .where(
                mine.c.user_id == first_id,
                theirs.c.user_id == second_id,
                Event.status == EventStatus.PUBLISHED,
                Event.starts_at <= now + EVENING_AHEAD,
            )
            .order_by(Event.starts_at.desc())
        )
    )


# --- Email ----------------------------------------------------------------------------------------


def _tell(kind: EmailKind, to: User, subject: str, **context) -> bool:
    """Queue a connection email to a member, unless their account is gone or they stopped this kind."""
    if to.is_deleted:
        return False
    message = queue_email(
        to=to.email,
        subject=subject,
        kind=kind,
        user_id=to.id,
        user=to,
        site_name=current_app.config["SITE_NAME"],
        **context,
    )
    return message is not None


def _tell_requested(connection: Connection, requester: User, addressee: User, event: Event | None) -> bool:
    return _tell(
        EmailKind.CONNECTION_REQUEST,
        addressee,
        f"{requester.display_name} would like to connect",
        requester=requester,
        message=connection.message,
        event=event,
        connections_url=public_url("connections.index"),
    )


def _tell_accepted(requester: User, accepter: User) -> bool:
    return _tell(
        EmailKind.CONNECTION_ACCEPTED,
        requester,
        f"{accepter.display_name} accepted your request to connect",
        accepter=accepter,
        profile_url=public_url("members.profile", user_id=accepter.id),
        connections_url=public_url("connections.index"),
    )


# --- Asking and answering -------------------------------------------------------------------------


def _check_may_ask(requester: User, addressee: User) -> None:
    if requester.id == addressee.id:
        raise ConnectionError("You cannot connect with yourself.")
    if addressee.is_deleted:
        raise ConnectionError("That account is deleted.")
    block = _blocked_either_way(requester.id, addressee.id)
    if block is not None:
        if block.blocker_id == requester.id:
            raise ConnectionError(f"You blocked {addressee.display_name}: unblock them first to connect.")
        raise ConnectionError(f"You cannot ask {addressee.display_name} to connect.")


def _check_evening(requester: User, addressee: User, event_id: int | None) -> Event | None:
    if event_id is None:
        return None
    event = next((e for e in evenings_in_common(requester.id, addressee.id) if e.id == event_id), None)
    if event is None:
        raise ConnectionError("Choose an evening you both went to, or none.", field="event_id")
    return event


def ask(
    requester: User, addressee: User, message: str = "", event_id: int | None = None
) -> AskResult:
    """Ask another member to connect, with a note and the evening where you met; if they already asked
    you, this accepts their request instead."""
    _check_may_ask(requester, addressee)
    message = (message or "").strip()
    if len(message) > MESSAGE_MAX:
        raise ConnectionError(f"Keep the note to {MESSAGE_MAX} characters.", field="message")
    event = _check_evening(requester, addressee, event_id)
    existing = connection_between(requester.id, addressee.id, lock=True)
    if existing is None:
        connection = Connection(
            pair_key=Connection.key_for(requester.id, addressee.id),
            requester_id=requester.id,
            addressee_id=addressee.id,
            status=ConnectionStatus.PENDING,
            message=message,
            event_id=event.id if event else None,
        )
        try:
            # A savepoint: a request crossing ours undoes only this insert, not the caller's transaction.
            with db.session.begin_nested():
                db.session.add(connection)
        except IntegrityError:
            existing = connection_between(requester.id, addressee.id, lock=True)
            if existing is None:
                raise
        else:
            queued = _tell_requested(connection, requester, addressee, event)
            return AskResult(connection, connection.status, accepted_theirs=False, email_queued=queued)
    return _ask_again(existing, requester, addressee, message, event)


def _ask_again(
    connection: Connection, requester: User, addressee: User, message: str, event: Event | None
) -> AskResult:
    """Asking when the pair already has a row: refused, or their request accepted, or asking anew."""
    name = addressee.display_name
    if connection.status == ConnectionStatus.ACCEPTED:
        raise ConnectionError(f"You are already connected with {name}.")
    theirs = connection.requester_id == addressee.id
    if connection.status == ConnectionStatus.PENDING:
        if not theirs:
            raise ConnectionError(f"You already asked {name} to connect: the request is waiting for them.")
        _accept_row(connection, event)
        queued = _tell_accepted(addressee, requester)
        return AskResult(connection, connection.status, accepted_theirs=True, email_queued=queued)
    if not theirs:
        raise ConnectionError(f"{name} did not accept your request to connect, so you cannot ask again.")
    # The requester once declined the other's request and has changed their mind: ask anew, as them.
    connection.requester_id, connection.addressee_id = requester.id, addressee.id
    connection.status = ConnectionStatus.PENDING
    connection.message = message
    connection.event_id = event.id if event else None
    connection.created_at = utcnow()
    connection.responded_at = None
    db.session.flush()
    queued = _tell_requested(connection, requester, addressee, event)
    return AskResult(connection, connection.status, accepted_theirs=False, email_queued=queued)


def _accept_row(connection: Connection, event: Event | None = None) -> None:
    connection.status = ConnectionStatus.ACCEPTED
    connection.responded_at = utcnow()
    if event is not None and connection.event_id is None:
        connection.event_id = event.id
    db.session.flush()


def _pending_from(requester_id: int, addressee: User) -> Connection:
    connection = connection_between(requester_id, addressee.id, lock=True)
    if (
        connection is None
        or connection.status != ConnectionStatus.PENDING
        or connection.requester_id != requester_id
    ):
        raise ConnectionError("There is no request from this member waiting for you.")
    return connection


def accept(member: User, requester: User) -> AnswerResult:
    """Accept the request another member sent you; they are told by email."""
    connection = _pending_from(requester.id, member)
    _accept_row(connection)
    queued = _tell_accepted(requester, member)
    return AnswerResult(requester.id, connection.status, email_queued=queued)


def decline(member: User, requester: User) -> AnswerResult:
    """Decline a request: the row stays so they cannot ask again; nobody is told."""
    connection = _pending_from(requester.id, member)
    connection.status = ConnectionStatus.DECLINED
    connection.responded_at = utcnow()
    db.session.flush()
    return AnswerResult(requester.id, connection.status)


def withdraw(member: User, addressee: User) -> AnswerResult:
    """Take back a request you sent that is still waiting."""
    connection = connection_between(member.id, addressee.id, lock=True)
    if (
        connection is None
        or connection.status != ConnectionStatus.PENDING
        or connection.requester_id != member.id
    ):
        raise ConnectionError(f"You have no request waiting for {addressee.display_name}.")
    db.session.delete(connection)
    db.session.flush()
    return AnswerResult(addressee.id, None)


def remove(member: User, other: User) -> AnswerResult:
    """End a connection, from either side: the row goes, and either may ask again later."""
    connection = connection_between(member.id, other.id, lock=True)
    if connection is None or connection.status != ConnectionStatus.ACCEPTED:
        raise ConnectionError(f"You are not connected with {other.display_name}.")
    db.session.delete(connection)
    db.session.flush()
    return AnswerResult(other.id, None)


# --- Blocking -------------------------------------------------------------------------------------


def block(blocker: User, blocked: User) -> BlockResult:
    """Block a member: any connection or request between you ends, and they can no longer ask to connect,
    message you or see your profile."""
    if blocker.id == blocked.id:
        raise ConnectionError("You cannot block yourself.")
    ended = db.session.execute(
        delete(Connection).where(Connection.pair_key == Connection.key_for(blocker.id, blocked.id)),
        execution_options={"synchronize_session": "fetch"},
    ).rowcount
    changed = True
    try:
        with db.session.begin_nested():
            db.session.add(MemberBlock(blocker_id=blocker.id, blocked_id=blocked.id))
    except IntegrityError:
        changed = False  # already blocked (a double click): the same outcome
    return BlockResult(blocked.id, ended_connection=bool(ended), changed=changed)


def unblock(blocker: User, blocked: User) -> BlockResult:
    """Lift a block; nothing that ended with it comes back."""
    gone = db.session.execute(
        delete(MemberBlock).where(MemberBlock.blocker_id == blocker.id, MemberBlock.blocked_id == blocked.id),
        execution_options={"synchronize_session": "fetch"},
    ).rowcount
    return BlockResult(blocked.id, ended_connection=False, changed=bool(gone))


def is_blocked_by(blocker_id: int, blocked_id: int) -> bool:
    return db.session.get(MemberBlock, (blocker_id, blocked_id)) is not None


# --- Private notes --------------------------------------------------------------------------------


def set_note(owner: User, about: User, body: str) -> NoteResult:
    """Keep a private note about a connection ("met at Birmingham #3, talked about risk registers"); only
    its owner ever sees it. An empty note removes it."""
    body = (body or "").strip()
    if len(body) > NOTE_MAX:
        raise ConnectionError(f"Keep the note to {NOTE_MAX} characters.", field="body")
    connection = connection_between(owner.id, about.id)
    if connection is None or connection.status != ConnectionStatus.ACCEPTED:
        raise ConnectionError(
            f"You can keep a note about your connections only, and {about.display_name} is not one."
        )
    note = db.session.get(ConnectionNote, (owner.id, about.id))
    if not body:
        if note is not None:
            db.session.delete(note)
            db.session.flush()
        return NoteResult(about.id, "", cleared=True)
    if note is None:
        note = ConnectionNote(owner_id=owner.id, about_id=about.id, body=body)
        db.session.add(note)
    else:
        note.body = body
    db.session.flush()
    return NoteResult(about.id, body, cleared=False)


# --- Deleting an account --------------------------------------------------------------------------


def forget_member(user: User) -> None:
    """What deleting an account does to connections: the person's connections and requests, the notes they
    kept, and the blocks they made or received go. Notes others keep about them stay: those are the
    others' own private data, about someone now shown as a former member."""
    db.session.execute(
        delete(Connection).where((Connection.requester_id == user.id) | (Connection.addressee_id == user.id)),
        execution_options={"synchronize_session": False},
    )
    db.session.execute(
        delete(ConnectionNote).where(ConnectionNote.owner_id == user.id),
        execution_options={"synchronize_session": False},
    )
    db.session.execute(
        delete(MemberBlock).where((MemberBlock.blocker_id == user.id) | (MemberBlock.blocked_id == user.id)),
        execution_options={"synchronize_session": False},
    )
    profile = db.session.get(MemberProfile, user.id)
    if profile is not None:
        # Their card's QR code stops finding them at once.
        profile.card_token = profile.card_token_expires_at = None
