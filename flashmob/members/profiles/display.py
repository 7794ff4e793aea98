"""What one viewer may see of a member, ready for a template: the privacy rules (members.privacy) applied
once, so pages show what they are given and decide nothing."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import url_for

from flashmob.members import privacy
from flashmob.members.circle import Circle
from flashmob.members.models import MemberTagKind, ProfileVisibility, User
from flashmob.members.profiles.services import PMO_KIND_LABELS
from flashmob.tags import Tag


@dataclass
class VisibleProfile:
    """One member as one viewer may see them: everything the rules hide is left empty here, so a
    template shows what it is given and decides nothing. `is_visible` False: the name only."""

    id: int
    display_name: str
    is_visible: bool
    is_deleted: bool = False
    visibility: ProfileVisibility = privacy.DEFAULT_VISIBILITY
    picture_url: str | None = None
    headline: str = ""
    organisation: str = ""
    pmo_kind: str = ""
    years_in_pmo: int | None = None
    bio: str = ""
    linkedin_url: str = ""
    website_url: str = ""
    email: str | None = None
    phone: str | None = None
    expertise: list[Tag] = field(default_factory=list)
    interests: list[Tag] = field(default_factory=list)


def picture_path(user_id: int, version: int) -> str:
    """The address of a picture; the version in it changes with the picture, so it may be cached long."""
    return url_for("members.picture", user_id=user_id, version=version)


def visible_profile(
    circle: Circle,
    user: User,
    *,
    tags: dict[MemberTagKind, list[Tag]] | None = None,
) -> VisibleProfile:
    """What the viewer (their Circle) may see of a member; the profile must be loaded (User.profile)."""
    profile = user.profile
    visibility = privacy.visibility_of(profile)
    if user.is_deleted or not privacy.may_see_profile(circle, user.id, profile):
        return VisibleProfile(
            id=user.id, display_name=user.display_name, is_visible=False,
            is_deleted=user.is_deleted, visibility=visibility,
        )
    seen = VisibleProfile(
        id=user.id,
        display_name=user.display_name,
        is_visible=True,
        visibility=visibility,
        email=privacy.shared_email(circle, user.email, user.id, profile),
        phone=privacy.shared_phone(circle, user.id, profile),
    )
    if profile is not None:
        seen.headline = profile.headline
        seen.organisation = profile.organisation
        seen.pmo_kind = PMO_KIND_LABELS.get(profile.pmo_kind, "") if profile.pmo_kind else ""
        seen.years_in_pmo = profile.years_in_pmo
        seen.bio = profile.bio
        seen.linkedin_url = profile.linkedin_url
        seen.website_url = profile.website_url
        if profile.picture_version is not None:
            seen.picture_url = picture_path(user.id, profile.picture_version)
    tags = tags or {}
    seen.expertise = list(tags.get(MemberTagKind.EXPERTISE, []))
    seen.interests = list(tags.get(MemberTagKind.INTEREST, []))
    return seen
