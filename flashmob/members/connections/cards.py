"""The card for the night: a member's QR code, holding a secret address that expires and can be reset.

Another signed-in attendee scans it with a phone camera, lands on /card/<token>, and asks to connect in one
tap, tagged with the evening they are both at. The token lives on the member's profile row; an expired or
replaced token finds nobody.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from flashmob.events.checkin.services import qr_code_uri
from flashmob.extensions import db
from flashmob.members.models import MemberProfile, User, new_token
from flashmob.results import Outcome
from flashmob.types import utcnow
from flashmob.urls import public_url

CARD_LIFETIME = timedelta(days=30)


@dataclass(frozen=True)
class Card(Outcome):
    """A member's card: the address its QR code holds, until when it works, and the QR code itself."""

    token: str
    expires_at: datetime
    url: str

    @property
    def qr_code(self) -> str:
        return qr_code_uri(self.url)


def _profile_of(user: User) -> MemberProfile:
    profile = db.session.get(MemberProfile, user.id)
    if profile is None:
        profile = MemberProfile(user_id=user.id)
        db.session.add(profile)
    return profile


def _card(profile: MemberProfile) -> Card:
    return Card(
        token=profile.card_token,
        expires_at=profile.card_token_expires_at,
        url=public_url("connections.card_landing", token=profile.card_token),
    )


def card_of(user: User, *, now: datetime | None = None) -> Card:
    """The member's current card, made the first time and made anew once the old one expired."""
    now = now or utcnow()
    profile = _profile_of(user)
    expires_at = profile.card_token_expires_at
    if profile.card_token is None or expires_at is None or expires_at <= now:
        return reset_card(user, now=now)
    return _card(profile)


def reset_card(user: User, *, now: datetime | None = None) -> Card:
    """Give the member a new card: the old QR code and address stop working at once."""
    now = now or utcnow()
    profile = _profile_of(user)
    profile.card_token = new_token()
    profile.card_token_expires_at = now + CARD_LIFETIME
    db.session.flush()
    return _card(profile)


def member_by_card(token: str, *, now: datetime | None = None) -> User | None:
    """The member whose card this is, if the token is theirs and has not expired; else None."""
    now = now or utcnow()
    profile = db.session.scalar(
        select(MemberProfile).options(joinedload(MemberProfile.user)).where(MemberProfile.card_token == token)
    )
    if profile is None or profile.card_token_expires_at is None or profile.card_token_expires_at <= now:
        return None
    if profile.user.is_deleted:
        return None
    return profile.user
