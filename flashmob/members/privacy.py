"""What one member may see of another: the one home of the privacy rules.

Each rule takes the viewer's Circle (members.circle, worked out once per page) and the other person's
profile, so a page applies them to fifty people without a query per person. A member's choices are their
own: organisers and admins see no more of a profile than its owner allows (organisers see their
attendees' names on the sheet they need to run the night, which is not a profile).
"""

from __future__ import annotations

from flashmob.members.circle import Circle
from flashmob.members.models import MemberProfile, ProfileVisibility

# A member who has not chosen yet is visible to signed-in members: the network's default.
DEFAULT_VISIBILITY = ProfileVisibility.MEMBERS


def visibility_of(profile: MemberProfile | None) -> ProfileVisibility:
    return profile.visibility if profile is not None else DEFAULT_VISIBILITY


def may_see_profile(circle: Circle, owner_id: int, profile: MemberProfile | None) -> bool:
    """Whether the viewer may see the member's profile (headline, organisation, bio, tags, picture)."""
    if circle.is_self(owner_id):
        return True
    if owner_id in circle.blocked:
        return False
    visibility = visibility_of(profile)
    if visibility == ProfileVisibility.EVERYONE:
        return True
    if visibility == ProfileVisibility.MEMBERS:
        return circle.is_signed_in
    return circle.has_met(owner_id)


def may_see_contact_details(circle: Circle, owner_id: int) -> bool:
    """Whether the viewer may see what the member shares with connections (email, phone), if shared."""
    return circle.is_self(owner_id) or (circle.is_connected(owner_id) and owner_id not in circle.blocked)


def shared_email(
    circle: Circle, owner_email: str, owner_id: int, profile: MemberProfile | None
) -> str | None:
    """The member's email address if they share it with this viewer, else None: never shown otherwise."""
    if circle.is_self(owner_id):
        return owner_email
    if (
        profile is not None
        and profile.share_email_with_connections
        and may_see_contact_details(circle, owner_id)
    ):
        return owner_email
    return None


def shared_phone(circle: Circle, owner_id: int, profile: MemberProfile | None) -> str | None:
    if profile is None or not profile.phone:
        return None
    if circle.is_self(owner_id):
        return profile.phone
    if profile.share_phone_with_connections and may_see_contact_details(circle, owner_id):
        return profile.phone
    return None


def listed_on_attendee_lists(profile: MemberProfile | None) -> bool:
    """Whether the member appears in an evening's "Who's coming" for other attendees."""
    return profile is None or profile.listed_on_attendee_lists


def shown_on_attendee_list(
    circle: Circle, owner_id: int, profile: MemberProfile | None, *, sees_everyone: bool
) -> bool:
    """Whether the viewer sees this person among an evening's attendees: always themselves; nobody
    blocked either way; everyone else who is listed, and the unlisted too for those who run the evening
    (`sees_everyone`: its chapter's organisers and site admins)."""
    if circle.is_self(owner_id):
        return True
    if owner_id in circle.blocked:
        return False
    return sees_everyone or listed_on_attendee_lists(profile)


def may_ask_to_connect(circle: Circle, other_id: int) -> bool:
    """Whether the viewer may send this member a connection request now."""
    return (
        circle.is_signed_in
        and not circle.is_self(other_id)
        and other_id not in circle.blocked
        and other_id not in circle.connected
        and other_id not in circle.asked
        and other_id not in circle.declined
    )


def shared_linkedin(circle: Circle, owner_id: int, profile: MemberProfile | None) -> str:
    """The member's LinkedIn address, for whoever may see their profile (a connection always may); ''."""
    if profile is None or not profile.linkedin_url or not may_see_profile(circle, owner_id, profile):
        return ""
    return profile.linkedin_url


def may_download_contact_card(circle: Circle, owner_id: int) -> bool:
    """Whether the viewer may download the member's vCard: their connections only, not even themselves."""
    return not circle.is_self(owner_id) and may_see_contact_details(circle, owner_id)
