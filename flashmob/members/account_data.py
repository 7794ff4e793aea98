"""Everything Flashmob keeps about one member, gathered for them to download (README, "Your data").

One query per kind of record, whatever the number of rows: the export of a member with five hundred RSVPs
costs what the export of a newcomer costs. What it leaves out on purpose: the password hash and every
secret (sign-in tokens, calendar and card addresses), other people's email addresses, the bodies of the
emails we sent (their subjects and kinds are listed), and the answers other people gave that the member
was never shown (a connection request of theirs that was declined).
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import aliased

from flashmob.discussions.models import Lesson, LessonVoice, Writeup, WriteupEditor
from flashmob.email_kinds import KINDS, SETTING_LABELS, EmailKind
from flashmob.events.models import Chapter, ChapterMembership, Event, EventInterest, Rsvp, WalkIn
from flashmob.extensions import db
from flashmob.members.models import (
    Connection,
    ConnectionNote,
    ConnectionStatus,
    EmailOptOut,
    MemberBlock,
    MemberProfile,
    MemberTag,
    MemberTagKind,
    User,
    UserSession,
)
from flashmob.outbox import OutboxMessage
from flashmob.tags import Tag
from flashmob.types import utcnow

# Bumped when what the file holds changes shape, so that whoever reads old downloads can tell.
FORMAT_VERSION = 1


def export_filename(today: date) -> str:
    return f"flashmob-data-{today.isoformat()}.json"


def to_json(data: dict) -> str:
    """The export as the downloaded file holds it: indented, UTF-8 text, times in ISO 8601 (UTC)."""
    return json.dumps(data, indent=2, ensure_ascii=False, default=_json_default)


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not part of an export")


def _event(event: Event) -> dict:
    return {
        "title": event.title,
        "chapter_id": event.chapter_id,
        "starts_at": None if event.date_tbc else event.starts_at,
        "date_to_be_announced": event.date_tbc,
        "status": str(event.status),
    }


def export_data(user: User, *, now: datetime | None = None) -> dict:
    """Everything kept about `user`, as JSON-ready data: fifteen queries, however much there is."""
    now = now or utcnow()
    return {
        "format": "flashmob-member-data",
        "format_version": FORMAT_VERSION,
        "exported_at": now,
        "your_account": _account(user),
        "profile": _profile(user),
        "chapters": _chapters(user),
        "rsvps": _rsvps(user),
        "walk_ins": _walk_ins(user),
        "save_the_dates_asked_about": _interests(user),
        "email_settings": _email_settings(user),
        "sign_ins": _sign_ins(user),
        "connections": _connections(user),
        "private_notes": _notes(user),
        "blocked_members": _blocks(user),
        "lesson_voices": _voices(user),
        "writeups": _writeups(user),
        "emails_sent_to_you": _emails(user),
    }


def _account(user: User) -> dict:
    return {
        "email": user.email,
        "display_name": user.display_name,
        "created_at": user.created_at,
        "email_confirmed_at": user.email_confirmed_at,
        "last_login_at": user.last_login_at,
        "is_site_admin": bool(user.is_admin),
        "has_personal_calendar_address": user.calendar_token is not None,
    }


def _profile(user: User) -> dict | None:
    profile = db.session.get(MemberProfile, user.id)
    tags = db.session.execute(
        select(MemberTag.kind, Tag.name)
        .join(Tag, Tag.id == MemberTag.tag_id)
        .where(MemberTag.user_id == user.id)
        .order_by(MemberTag.kind, MemberTag.position, Tag.name)
    ).all()
    if profile is None and not tags:
        return None
    result: dict[str, Any] = {"expertise": [], "interests": []}
    for kind, name in tags:
        result["expertise" if kind == MemberTagKind.EXPERTISE else "interests"].append(name)
    if profile is not None:
        result |= {
            "headline": profile.headline,
            "organisation": profile.organisation,
            "kind_of_pmo": str(profile.pmo_kind) if profile.pmo_kind else None,
            "years_in_pmo": profile.years_in_pmo,
            "bio": profile.bio,
            "linkedin_url": profile.linkedin_url,
            "website_url": profile.website_url,
            "phone": profile.phone,
            "who_sees_profile": str(profile.visibility),
            "listed_on_attendee_lists": profile.listed_on_attendee_lists,
            "share_email_with_connections": profile.share_email_with_connections,
            "share_phone_with_connections": profile.share_phone_with_connections,
            # The picture itself is on the profile page; the file holds text only.
            "has_picture": profile.picture_version is not None,
            "updated_at": profile.updated_at,
        }
    return result


def _chapters(user: User) -> list[dict]:
    rows = db.session.execute(
        select(ChapterMembership.role, ChapterMembership.joined_at, Chapter.name, Chapter.slug)
        .join(Chapter, Chapter.id == ChapterMembership.chapter_id)
        .where(ChapterMembership.user_id == user.id)
        .order_by(Chapter.name)
    ).all()
    return [
        {"chapter": name, "slug": slug, "role": str(role), "joined_at": joined_at}
        for role, joined_at, name, slug in rows
    ]


def _rsvps(user: User) -> list[dict]:
    rows = db.session.execute(
        select(Rsvp, Event).join(Event, Event.id == Rsvp.event_id).where(Rsvp.user_id == user.id).order_by(
            Event.starts_at, Rsvp.id
        )
    ).all()
    return [
        {
            "event": _event(event),
            "status": str(rsvp.status),
            "answered_at": rsvp.created_at,
            "last_changed_at": rsvp.updated_at,
            "checked_in_at": rsvp.checked_in_at,
        }
        for rsvp, event in rows
    ]


def _walk_ins(user: User) -> list[dict]:
    rows = db.session.execute(
        select(WalkIn.checked_in_at, Event)
        .join(Event, Event.id == WalkIn.event_id)
        .where(WalkIn.user_id == user.id)
        .order_by(WalkIn.checked_in_at)
    ).all()
    return [{"event": _event(event), "checked_in_at": checked_in_at} for checked_in_at, event in rows]


def _interests(user: User) -> list[dict]:
    rows = db.session.execute(
        select(EventInterest.created_at, EventInterest.notified_at, Event)
        .join(Event, Event.id == EventInterest.event_id)
        .where(EventInterest.user_id == user.id)
        .order_by(EventInterest.created_at)
    ).all()
    return [
        {"event": _event(event), "asked_at": asked_at, "told_of_date_at": notified_at}
        for asked_at, notified_at, event in rows
    ]


def _email_settings(user: User) -> dict:
    stopped = {
        kind: created_at
        for kind, created_at in db.session.execute(
            select(EmailOptOut.kind, EmailOptOut.created_at).where(EmailOptOut.user_id == user.id)
        )
    }
    return {
        "stopped": [
            {"setting": setting.value, "label": label, "stopped_at": stopped[setting.value]}
            for setting, label in SETTING_LABELS.items()
            if setting.value in stopped
        ],
        "on": [label for setting, label in SETTING_LABELS.items() if setting.value not in stopped],
    }


def _sign_ins(user: User) -> list[dict]:
    rows = db.session.execute(
        select(
            UserSession.device, UserSession.is_remembered, UserSession.created_at, UserSession.last_seen_at
        )
        .where(UserSession.user_id == user.id)
        .order_by(UserSession.created_at)
    ).all()
    return [
        {"device": device, "kept_signed_in": remembered, "signed_in_at": created, "last_seen_at": seen}
        for device, remembered, created, seen in rows
    ]


def _connections(user: User) -> list[dict]:
    other = aliased(User)
    met_at = aliased(Event)
    the_other = or_(
        and_(Connection.requester_id == user.id, other.id == Connection.addressee_id),
        and_(Connection.addressee_id == user.id, other.id == Connection.requester_id),
    )
    rows = db.session.execute(
        select(Connection, other.display_name, met_at.title)
        .join(other, the_other)
        .outerjoin(met_at, met_at.id == Connection.event_id)
        .where(
            or_(
                Connection.addressee_id == user.id,
                # A request of theirs that was declined: whoever asked is not told it was declined.
                and_(Connection.requester_id == user.id, Connection.status != ConnectionStatus.DECLINED),
            )
        )
        .order_by(Connection.created_at, Connection.id)
    ).all()
    return [
        {
            "with": name,
            "asked_by": "you" if connection.requester_id == user.id else "them",
            "status": str(connection.status),
            "message": connection.message,
            "met_at": title,
            "asked_at": connection.created_at,
            "answered_at": connection.responded_at,
        }
        for connection, name, title in rows
    ]


def _notes(user: User) -> list[dict]:
    rows = db.session.execute(
        select(ConnectionNote.body, ConnectionNote.updated_at, User.display_name)
        .join(User, User.id == ConnectionNote.about_id)
        .where(ConnectionNote.owner_id == user.id)
        .order_by(ConnectionNote.updated_at)
    ).all()
    return [{"about": name, "note": body, "updated_at": updated} for body, updated, name in rows]


def _blocks(user: User) -> list[dict]:
    rows = db.session.execute(
        select(User.display_name, MemberBlock.created_at)
        .join(User, User.id == MemberBlock.blocked_id)
        .where(MemberBlock.blocker_id == user.id)
        .order_by(MemberBlock.created_at)
    ).all()
    return [{"member": name, "blocked_at": created} for name, created in rows]


def _voices(user: User) -> list[dict]:
    rows = db.session.execute(
        select(
            LessonVoice.status, LessonVoice.asked_at, LessonVoice.answered_at, Lesson.statement, Event.title
        )
        .join(Lesson, Lesson.id == LessonVoice.lesson_id)
        .join(Writeup, Writeup.id == Lesson.writeup_id)
        .join(Event, Event.id == Writeup.event_id)
        .where(LessonVoice.user_id == user.id)
        .order_by(LessonVoice.asked_at)
    ).all()
    return [
        {
            "lesson": statement,
            "evening": title,
            "status": str(status),
            "asked_at": asked,
            "answered_at": answered,
        }
        for status, asked, answered, statement, title in rows
    ]


def _writeups(user: User) -> list[dict]:
    """The write-ups they started, and those they were invited to help write: one query for both."""
    editor = aliased(WriteupEditor)
    rows = db.session.execute(
        select(Writeup.status, Writeup.created_by_id, Writeup.created_at, editor.created_at, Event.title)
        .join(Event, Event.id == Writeup.event_id)
        .outerjoin(editor, and_(editor.writeup_id == Writeup.id, editor.user_id == user.id))
        .where(or_(Writeup.created_by_id == user.id, editor.id.is_not(None)))
        .order_by(Writeup.created_at, Writeup.id)
    ).all()
    return [
        {
            "evening": title,
            "status": str(status),
            "started_by_you": created_by_id == user.id,
            "started_at": created_at,
            "invited_to_edit_at": invited_at,
        }
        for status, created_by_id, created_at, invited_at, title in rows
    ]


def _emails(user: User) -> list[dict]:
    rows = db.session.execute(
        select(OutboxMessage.kind, OutboxMessage.subject, OutboxMessage.created_at, OutboxMessage.sent_at)
        .where(OutboxMessage.user_id == user.id)
        .order_by(OutboxMessage.created_at, OutboxMessage.id)
    ).all()
    return [
        {
            "kind": kind,
            "about": _kind_label(kind),
            # An email the worker writes when it sends it has no subject until then.
            "subject": subject,
            "queued_at": queued,
            "sent_at": sent,
        }
        for kind, subject, queued, sent in rows
    ]


def _kind_label(kind: str) -> str:
    try:
        return KINDS[EmailKind(kind)].label
    except ValueError:
        return kind

