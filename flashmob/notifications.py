"""Members' choices of which email they get, and the signed one-click unsubscribe links.

Every email is queued with an EmailKind (the outbox column); the kinds a member may stop each belong to an
EmailSetting (flashmob/email_kinds.py says which, and why the others cannot be stopped). The outbox asks
this module, when it queues or expands an email, whether the person stopped its setting (then nothing is
queued) and which one-click link to put in the email.
"""

from __future__ import annotations

from collections.abc import Iterable

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from flashmob.email_kinds import SETTING_LABELS, EmailSetting, setting_for
from flashmob.extensions import db
from flashmob.members.models import EmailOptOut
from flashmob.urls import public_url

_TOKEN_SALT = "flashmob.unsubscribe"  # noqa: S105 - a salt that separates token uses, not a secret
_SETTING_VALUES = frozenset(EmailSetting)


class BadUnsubscribeLink(Exception):
    """The link was not one we made (changed, cut short, or for a kind we no longer have)."""


def preference_for(message_kind: str) -> EmailSetting | None:
    """The setting that stops a kind of email (rsvp_promoted -> rsvp); None if it cannot be stopped."""
    return setting_for(message_kind)


# What members chose


def has_opted_out(user_id: int, setting: EmailSetting) -> bool:
    """Whether the member stopped the kinds of email this setting covers."""
    statement = select(EmailOptOut.id).where(EmailOptOut.user_id == user_id, EmailOptOut.kind == setting)
    return db.session.scalar(statement) is not None


def stopped_kinds(user_id: int) -> set[EmailSetting]:
    """The settings this member turned off."""
    statement = select(EmailOptOut.kind).where(EmailOptOut.user_id == user_id)
    return {EmailSetting(value) for value in db.session.scalars(statement) if value in _SETTING_VALUES}


def opted_out_ids(user_ids: Iterable[int], setting: EmailSetting) -> set[int]:
    """Which of these members turned this setting off, in one query."""
    ids = list(user_ids)
    if not ids:
        return set()
    statement = select(EmailOptOut.user_id).where(EmailOptOut.kind == setting, EmailOptOut.user_id.in_(ids))
    return set(db.session.scalars(statement))


def opted_out_of(user_ids: Iterable[int], message_kind: str) -> frozenset[int]:
    """Which of these members stopped a kind of email, in one query (none if it cannot be stopped)."""
    setting = preference_for(message_kind)
    if setting is None:
        return frozenset()
    return frozenset(opted_out_ids(user_ids, setting))


def opted_out_clause(user_id_column, setting: EmailSetting):
    """A WHERE clause for recipient queries: the member has not turned this setting off."""
    return (
        ~select(EmailOptOut.id)
        .where(EmailOptOut.user_id == user_id_column, EmailOptOut.kind == setting)
        .exists()
    )


def stop_kind(user_id: int, setting: EmailSetting) -> None:
    """Turn a setting off for a member; turning it off again changes nothing."""
    setting = EmailSetting(setting)  # ValueError for anything else: never store a setting we do not have
    if has_opted_out(user_id, setting):
        return
    try:
        # A savepoint: a double click racing past the check above undoes only this insert.
        with db.session.begin_nested():
            db.session.add(EmailOptOut(user_id=user_id, kind=setting))
    except IntegrityError:
        pass


def set_wanted_kinds(user_id: int, wanted: Iterable[EmailSetting]) -> None:
    """Save a member's choices: they get the settings in `wanted` and none of the others."""
    wanted = {EmailSetting(setting) for setting in wanted}
    db.session.execute(
        delete(EmailOptOut).where(EmailOptOut.user_id == user_id, EmailOptOut.kind.in_(wanted)),
        execution_options={"synchronize_session": False},
    )
    for setting in EmailSetting:
        if setting not in wanted:
            stop_kind(user_id, setting)
    db.session.flush()


# One-click unsubscribe links


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=_TOKEN_SALT)


def unsubscribe_token(user_id: int, setting: EmailSetting) -> str:
    """A signed token naming a member and a setting. It does not expire: links in old emails keep working."""
    return _serializer().dumps([user_id, EmailSetting(setting).value])


def read_unsubscribe_token(token: str) -> tuple[int, EmailSetting]:
    """(user id, setting) from a token we made, or BadUnsubscribeLink."""
    try:
        user_id, setting = _serializer().loads(token)
    except (BadSignature, ValueError, TypeError):
        raise BadUnsubscribeLink("This unsubscribe link is not one we sent, or it was cut short.") from None
    if not isinstance(user_id, int) or not isinstance(setting, str) or setting not in _SETTING_VALUES:
        raise BadUnsubscribeLink("This unsubscribe link is for a kind of email we no longer send.")
    return user_id, EmailSetting(setting)


def footer_context(user_id: int, setting: EmailSetting) -> dict[str, str]:
    """What every stoppable email's footer shows: the one-click link, what it stops, and the settings page."""
    return {
        "unsubscribe_url": public_url("members.unsubscribe", token=unsubscribe_token(user_id, setting)),
        "email_kind_label": SETTING_LABELS[setting],
        "email_settings_url": public_url("members.email_settings"),
    }
