"""Which kinds of email members can stop, their choices, and the signed one-click unsubscribe links.

Every email is queued with a `kind` (the outbox column): "account", "rsvp_confirmed", "event_changed",
"reminder", ... Each kind a member may stop belongs to one of KINDS below; account and security mail
cannot be stopped. outbox.queue_email() asks this module, at queue time, whether the person stopped
that kind (then nothing is queued) and which one-click link to put in the email.
"""

from __future__ import annotations

from collections.abc import Iterable

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from flashmob.extensions import db
from flashmob.members.models import EmailOptOut
from flashmob.urls import public_url

# The kinds of email a member can stop, in the order the settings page lists them.
KINDS: dict[str, str] = {
    "rsvp": "Your RSVPs and waitlist",
    "event_changes": "Changes and cancellations of events you're going to",
    "reminders": "Reminders the day before",
    "date_announced": "Save-the-date announcements",
    "organiser_messages": "Messages from organisers",
}

# Message kinds (the outbox column) that belong to a stoppable kind, besides the "rsvp_*" family
# and the stoppable kinds' own names.
_MESSAGE_KINDS = {
    "event_changed": "event_changes",
    "event_cancelled": "event_changes",
    "reminder": "reminders",
    "organiser_message": "organiser_messages",
    "date_cancelled": "date_announced",  # a save-the-date called off: see interests.CANCELLED_KIND
}

_TOKEN_SALT = "flashmob.unsubscribe"  # noqa: S105 - a salt that separates token uses, not a secret


class BadUnsubscribeLink(Exception):
    """The link was not one we made (changed, cut short, or for a kind we no longer have)."""


def preference_for(message_kind: str) -> str | None:
    """The stoppable kind of a message kind ("rsvp_promoted" -> "rsvp"); None if it cannot be stopped."""
    if message_kind in KINDS:
        return message_kind
    if message_kind.startswith("rsvp_"):
        return "rsvp"
    return _MESSAGE_KINDS.get(message_kind)


# What members chose


def has_opted_out(user_id: int, kind: str) -> bool:
    """Whether the member stopped this kind of email."""
    statement = select(EmailOptOut.id).where(EmailOptOut.user_id == user_id, EmailOptOut.kind == kind)
    return db.session.scalar(statement) is not None


def stopped_kinds(user_id: int) -> set[str]:
    """The kinds this member stopped."""
    statement = select(EmailOptOut.kind).where(EmailOptOut.user_id == user_id)
    return set(db.session.scalars(statement))


def opted_out_ids(user_ids: Iterable[int], kind: str) -> set[int]:
    """Which of these members stopped this kind, in one query."""
    ids = list(user_ids)
    if not ids:
        return set()
    statement = select(EmailOptOut.user_id).where(EmailOptOut.kind == kind, EmailOptOut.user_id.in_(ids))
    return set(db.session.scalars(statement))


def opted_out_of(user_ids: Iterable[int], message_kind: str) -> frozenset[int]:
    """Which of these members stopped the kind a message kind belongs to, in one query (none if it cannot be
    stopped): for bulk sends, to hand to queue_email(opted_out=...) instead of one query per recipient."""
    preference = preference_for(message_kind)
    if preference is None:
        return frozenset()
    return frozenset(opted_out_ids(user_ids, preference))


def opted_out_clause(user_id_column, kind: str):
    """A WHERE clause for recipient queries: the member has not stopped this kind."""
    return (
        ~select(EmailOptOut.id)
        .where(EmailOptOut.user_id == user_id_column, EmailOptOut.kind == kind)
        .exists()
    )


def stop_kind(user_id: int, kind: str) -> None:
    """Stop a kind of email for a member; stopping it again changes nothing."""
    if kind not in KINDS:
        raise ValueError(f"unknown email kind {kind!r}")
    if has_opted_out(user_id, kind):
        return
    try:
        # A savepoint: a double click racing past the check above undoes only this insert.
        with db.session.begin_nested():
            db.session.add(EmailOptOut(user_id=user_id, kind=kind))
    except IntegrityError:
        pass


def set_wanted_kinds(user_id: int, wanted: Iterable[str]) -> None:
    """Save a member's choices: they get the kinds in `wanted` and none of the others."""
    wanted = set(wanted)
    unknown = wanted - KINDS.keys()
    if unknown:
        raise ValueError(f"unknown email kinds {sorted(unknown)}")
    db.session.execute(
        delete(EmailOptOut).where(EmailOptOut.user_id == user_id, EmailOptOut.kind.in_(wanted)),
        execution_options={"synchronize_session": False},
    )
    for kind in KINDS.keys() - wanted:
        stop_kind(user_id, kind)
    db.session.flush()


# One-click unsubscribe links


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=_TOKEN_SALT)


def unsubscribe_token(user_id: int, kind: str) -> str:
    """A signed token naming a member and a kind. It does not expire: links in old emails keep working."""
    return _serializer().dumps([user_id, kind])


def read_unsubscribe_token(token: str) -> tuple[int, str]:
    """(user id, kind) from a token we made, or BadUnsubscribeLink."""
    try:
        user_id, kind = _serializer().loads(token)
    except (BadSignature, ValueError, TypeError):
        raise BadUnsubscribeLink("This unsubscribe link is not one we sent, or it was cut short.") from None
    if not isinstance(user_id, int) or kind not in KINDS:
        raise BadUnsubscribeLink("This unsubscribe link is for a kind of email we no longer send.")
    return user_id, kind


def footer_context(user_id: int, kind: str) -> dict[str, str]:
    """What every stoppable email's footer shows: the one-click link, what it stops, and the settings page."""
    return {
        "unsubscribe_url": public_url("members.unsubscribe", token=unsubscribe_token(user_id, kind)),
        "email_kind_label": KINDS[kind],
        "email_settings_url": public_url("members.email_settings"),
    }
