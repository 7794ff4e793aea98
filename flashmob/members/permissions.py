"""Who may see and change what of a member's account: one predicate per rule, used by views and templates."""

from __future__ import annotations

from flashmob.members.models import User, UserSession


def _is_signed_in(user) -> bool:
    return bool(user is not None and user.is_authenticated)


def can_view_account(user) -> bool:
    """Only a signed-in person has an account page: their own."""
    return _is_signed_in(user)


def can_edit_profile(user, member: User) -> bool:
    """People change their own profile, password and sign-ins, nobody else's."""
    return _is_signed_in(user) and user.id == member.id


def can_delete_account(user, member: User) -> bool:
    """People delete their own account; a site admin may delete anyone's."""
    return _is_signed_in(user) and (user.id == member.id or bool(user.is_admin))


def can_sign_out_session(user, user_session: UserSession) -> bool:
    """People end their own sign-ins from their account page, nobody else's."""
    return _is_signed_in(user) and user_session.user_id == user.id


def can_see_members_evenings(user, member: User) -> bool:
    """Signed-in people see where a member will be and where they have been, as they see who is
    coming on an event page: so they know where to meet them."""
    return _is_signed_in(user)


def can_reset_calendar_address(user, member: User) -> bool:
    """The secret address of a personal calendar feed is made and reset by its owner only."""
    return _is_signed_in(user) and user.id == member.id
