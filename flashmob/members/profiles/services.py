"""Profiles as plain functions: the profile made on first use, saved with its rules, tags, pictures, the
newcomer prompt, and what one viewer may see of a member (through members.privacy)."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from urllib.parse import urlsplit

from sqlalchemy import delete, select

from flashmob.errors import RuleError
from flashmob.extensions import db
from flashmob.members import privacy
from flashmob.members.models import (
    MemberProfile,
    MemberTag,
    MemberTagKind,
    PmoKind,
    ProfilePicture,
    ProfileVisibility,
    User,
)
from flashmob.members.profiles.pictures import ProcessedPicture
from flashmob.tags import Tag, TagError, parse_tag_list, tags_named
from flashmob.types import column_length, utcnow

MAX_YEARS = 60
PMO_KIND_LABELS = {
    PmoKind.PROJECT: "Project office",
    PmoKind.PROGRAMME: "Programme office",
    PmoKind.PORTFOLIO: "Portfolio office",
    PmoKind.ENTERPRISE: "Enterprise PMO",
    PmoKind.CENTRE_OF_EXCELLENCE: "Centre of excellence",
    PmoKind.OTHER: "Another kind of PMO",
}
VISIBILITY_LABELS = {
    ProfileVisibility.EVERYONE: "Everyone, even people who are not signed in",
    ProfileVisibility.MEMBERS: "Signed-in members",
    ProfileVisibility.MET: "Only people I have been to an evening with, and my connections",
}
# Who sees a profile, as the owner's page tells them ("... to people who may see it: signed-in members").
AUDIENCE_WORDS = {
    ProfileVisibility.EVERYONE: "everyone",
    ProfileVisibility.MEMBERS: "signed-in members",
    ProfileVisibility.MET: "people you have been to an evening with, and your connections",
}
# Whom a hidden profile is kept to, as a viewer who may not see it is told ("... shows their profile ...").
KEPT_TO_WORDS = {
    ProfileVisibility.EVERYONE: "to everyone",
    ProfileVisibility.MEMBERS: "to signed-in members only",
    ProfileVisibility.MET: "only to people they have been to an evening with, and to their connections",
}
_LINKEDIN_PATH = re.compile(r"^/(in|company)/([A-Za-z0-9\-_%.]{2,100})/?$")
_PHONE = re.compile(r"^\+?[0-9 ()\-.]{6,30}$")


class ProfileError(RuleError):
    """A profile that cannot be saved that way; the message belongs at a field."""

    status = 422


@dataclass
class ProfileDetails:
    """What a member typed in the profile editor, as plain values."""

    display_name: str
    headline: str = ""
    organisation: str = ""
    pmo_kind: PmoKind | None = None
    years_in_pmo: int | None = None
    bio: str = ""
    linkedin_url: str = ""
    website_url: str = ""
    phone: str = ""
    expertise: str = ""  # comma-separated, as typed
    interests: str = ""
    visibility: ProfileVisibility = privacy.DEFAULT_VISIBILITY
    listed_on_attendee_lists: bool = True
    share_email_with_connections: bool = False
    share_phone_with_connections: bool = False


def profile_of(user: User) -> MemberProfile | None:
    """The member's profile if they have saved one (no row is made)."""
    return user.profile


def profile_for(user: User) -> MemberProfile:
    """The member's profile, made (with the defaults) the first time it is needed."""
    if user.profile is None:
        user.profile = MemberProfile(user_id=user.id)
        db.session.flush()
    return user.profile


def normalise_linkedin(raw: str) -> str:
    """A LinkedIn profile or company page address, as https://www.linkedin.com/in/... ; '' for ''.

    Raises ProfileError (field linkedin_url) for anything else: a profile links only where it says."""
    raw = (raw or "").strip()
    if not raw:
        return ""
    if "://" not in raw:
        raw = "https://" + raw
    parts = urlsplit(raw)
    host = (parts.hostname or "").lower()
    match = _LINKEDIN_PATH.match(parts.path)
    is_linkedin = host == "linkedin.com" or host.endswith(".linkedin.com")
    if parts.scheme.lower() not in ("http", "https") or not is_linkedin or not match or parts.username:
        raise ProfileError(
            "Please give your LinkedIn address, like https://www.linkedin.com/in/your-name "
            "or https://www.linkedin.com/company/your-company.",
            field="linkedin_url",
        )
    return f"https://www.linkedin.com/{match.group(1)}/{match.group(2)}"


def normalise_website(raw: str) -> str:
    """A web address starting http:// or https:// with a real host name; '' for ''."""
    raw = (raw or "").strip()
    if not raw:
        return ""
    if "://" not in raw:
        raw = "https://" + raw
    parts = urlsplit(raw)
    host = parts.hostname or ""
    if (
        parts.scheme.lower() not in ("http", "https")
        or "." not in host
        or host.startswith(".")
        or host.endswith(".")
        or parts.username
        or parts.password
        or any(c.isspace() for c in raw)
    ):
        raise ProfileError("Please give a web address, like https://example.org.", field="website_url")
    if len(raw) > column_length(MemberProfile.website_url):
        raise ProfileError("Please give a shorter web address.", field="website_url")
    return raw


def normalise_phone(raw: str) -> str:
    raw = (raw or "").strip()
    if raw and not _PHONE.match(raw):
        raise ProfileError(
            "Please give a phone number with digits, spaces and + ( ) - only, like +44 7700 900123.",
            field="phone",
        )
    return raw


def _tag_names(text: str, field_name: str) -> list[str]:
    try:
        return parse_tag_list(text)
    except TagError as exc:
        raise ProfileError(str(exc), field=field_name) from None


def update_profile(user: User, details: ProfileDetails, *, actor: User) -> MemberProfile:
    """Save what a member says about themselves and who may see it; every field checked here, so the
    rules hold whoever calls (the editor, a test, the demo). Raises ProfileError at the field."""
    linkedin = normalise_linkedin(details.linkedin_url)
    website = normalise_website(details.website_url)
    phone = normalise_phone(details.phone)
    if details.years_in_pmo is not None and not 0 <= details.years_in_pmo <= MAX_YEARS:
        raise ProfileError(f"Please give a number of years from 0 to {MAX_YEARS}.", field="years_in_pmo")
    expertise = _tag_names(details.expertise, "expertise")
    interests = _tag_names(details.interests, "interests")
    display_name = (details.display_name or "").strip()
    if not display_name:
        raise ProfileError("Tell us what to call you.", field="display_name")
    user.display_name = display_name
    profile = profile_for(user)
    profile.headline = (details.headline or "").strip()
    profile.organisation = (details.organisation or "").strip()
    profile.pmo_kind = details.pmo_kind
    profile.years_in_pmo = details.years_in_pmo
    profile.bio = (details.bio or "").strip()
    profile.linkedin_url = linkedin
    profile.website_url = website
    profile.phone = phone
    profile.visibility = details.visibility
    profile.listed_on_attendee_lists = bool(details.listed_on_attendee_lists)
    profile.share_email_with_connections = bool(details.share_email_with_connections)
    profile.share_phone_with_connections = bool(details.share_phone_with_connections)
    if profile.prompted_at is None:
        profile.prompted_at = utcnow()  # they have found the editor: no need to ask them again
    set_member_tags(user, MemberTagKind.EXPERTISE, expertise)
    set_member_tags(user, MemberTagKind.INTEREST, interests)
    db.session.flush()
    return profile


def set_member_tags(user: User, kind: MemberTagKind, names: list[str]) -> list[Tag]:
    """Replace the member's tags of one kind with these, in this order (tags made where new)."""
    tags = tags_named(names)
    db.session.execute(delete(MemberTag).where(MemberTag.user_id == user.id, MemberTag.kind == kind))
    for position, tag in enumerate(tags):
        db.session.add(MemberTag(user_id=user.id, tag_id=tag.id, kind=kind, position=position))
    db.session.flush()
    return tags


def tags_of(user_ids: Collection[int]) -> dict[int, dict[MemberTagKind, list[Tag]]]:
    """Each member's tags by kind, in their order: one query for any number of members."""
    found: dict[int, dict[MemberTagKind, list[Tag]]] = defaultdict(lambda: defaultdict(list))
    if not user_ids:
        return found
    rows = db.session.execute(
        select(MemberTag.user_id, MemberTag.kind, Tag)
        .join(Tag, Tag.id == MemberTag.tag_id)
        .where(MemberTag.user_id.in_(list(user_ids)))
        .order_by(MemberTag.user_id, MemberTag.kind, MemberTag.position)
    )
    for user_id, kind, tag in rows:
        found[user_id][MemberTagKind(kind)].append(tag)
    return found


def tag_text(tags: list[Tag]) -> str:
    """Tags as the editor shows them: "Risk, Benefits realisation"."""
    return ", ".join(tag.name for tag in tags)


def set_picture(user: User, picture: ProcessedPicture, *, actor: User) -> MemberProfile:
    """Keep a checked, resized picture as the member's, with a new address so browsers fetch it."""
    profile = profile_for(user)
    stored = db.session.get(ProfilePicture, user.id)
    if stored is None:
        stored = ProfilePicture(user_id=user.id)
        db.session.add(stored)
    stored.content_type = picture.content_type
    stored.image = picture.data
    stored.width = picture.width
    stored.height = picture.height
    stored.updated_at = utcnow()
    profile.picture_version = (profile.picture_version or 0) + 1
    db.session.flush()
    return profile


def remove_picture(user: User, *, actor: User) -> bool:
    """Remove the member's picture (initials show instead); False when there was none."""
    profile = profile_of(user)
    had = profile is not None and profile.picture_version is not None
    db.session.execute(delete(ProfilePicture).where(ProfilePicture.user_id == user.id))
    if profile is not None:
        profile.picture_version = None
    db.session.flush()
    return had


def picture_to_show(owner: User, version: int) -> ProfilePicture | None:
    """The stored picture at this version, or None when the address is stale or there is none."""
    profile = owner.profile
    if profile is None or profile.picture_version != version:
        return None
    return db.session.get(ProfilePicture, owner.id)


def forget_profile(user: User) -> None:
    """Remove everything a member said about themselves: profile, picture and tags (account deletion)."""
    db.session.execute(delete(MemberTag).where(MemberTag.user_id == user.id))
    db.session.execute(delete(ProfilePicture).where(ProfilePicture.user_id == user.id))
    if user.profile is not None:
        db.session.delete(user.profile)
        user.profile = None
    db.session.flush()


# --- The newcomer prompt ---------------------------------------------------------------------------


def should_prompt(user: User) -> bool:
    """Whether to ask the member to say who they are: no headline yet, and not asked before."""
    profile = user.profile
    return profile is None or (not profile.headline and profile.prompted_at is None)


def dismiss_prompt(user: User) -> None:
    """The member has seen the prompt (or said not now): it is not shown again."""
    profile = profile_for(user)
    if profile.prompted_at is None:
        profile.prompted_at = utcnow()
    db.session.flush()
