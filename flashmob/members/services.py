"""Accounts: registration, confirmation, signing in, password resets and profiles, as plain functions.

Nothing here reads the request or the session: views pass in what people typed and commit afterwards,
so tests and the CLI call these directly. Account emails are queued in the caller's transaction.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import delete, exists, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased, contains_eager

from flashmob.email_kinds import EmailKind
from flashmob.errors import RuleError
from flashmob.events.models import (
    ASKED_TO_COME,
    Chapter,
    ChapterMembership,
    Event,
    EventInterest,
    EventStatus,
    MembershipRole,
    Rsvp,
    WalkIn,
)
from flashmob.events.rsvps import services as rsvps
from flashmob.extensions import db
from flashmob.members import sessions
from flashmob.members.connections.services import forget_member as forget_connections
from flashmob.members.models import EmailOptOut, User, UserSession
from flashmob.members.passwords import (
    hash_password,
    needs_rehash,
    password_problems,
    verify_decoy,
    verify_password,
)
from flashmob.members.profiles.services import forget_profile
from flashmob.outbox import OutboxMessage, queue_email
from flashmob.types import utcnow
from flashmob.urls import public_url

# One salt per purpose, so that a link made for one job can never be used for another.
CONFIRM_SALT = "flashmob.members.confirm-email"
RESET_SALT = "flashmob.members.reset-password"
EMAIL_CHANGE_SALT = "flashmob.members.change-email"

EMAIL_KIND = EmailKind.ACCOUNT

# What pages call someone whose account is deleted (their display name becomes this).
FORMER_MEMBER = "Former member"
# A password hash no password matches (argon2 refuses it as malformed): the account cannot be signed in to.
UNUSABLE_PASSWORD_HASH = "!deleted"  # noqa: S105 - a marker that is no hash, not a secret


class AccountError(RuleError):
    """Something a person asked of their account that cannot be done; the message says why.

    What people type that will not do is bad input (422); the views put each at its field.
    """

    status = 422


class InvalidEmail(AccountError):
    field = "email"


class InvalidCredentials(AccountError):
    def __init__(self):
        # One message whether the address or the password was wrong: nobody learns who has an account.
        super().__init__("Email or password is incorrect.")


class EmailNotConfirmed(AccountError):
    status = 403

    def __init__(self, user: User):
        self.user = user
        super().__init__(
            "Your email address is not confirmed yet. Follow the link in the email we sent you, "
            "or ask for a new one below."
        )


class InvalidLink(AccountError):
    status = 400

    def __init__(self, message: str = "That link is not valid. Please ask for a new one."):
        super().__init__(message)


class ExpiredLink(InvalidLink):
    def __init__(self):
        super().__init__("That link has expired. Please ask for a new one.")


class WrongPassword(AccountError):
    field = "current_password"

    def __init__(self):
        super().__init__("That is not your current password.")


class SoleOrganiser(AccountError):
    """The account runs a chapter alone: deleting it would leave the chapter with nobody to run it."""

    def __init__(self, user: User, chapters: list[Chapter], *, by_self: bool):
        self.chapters = chapters
        names = _names(chapter.name for chapter in chapters)
        who = "You are" if by_self else f"{user.display_name} is"
        super().__init__(
            f"{who} the only organiser of {names}. Ask a site admin to appoint another organiser "
            "(or to archive the chapter), then delete the account."
        )


def _names(names) -> str:
    names = list(names)
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


class WeakPassword(AccountError):
    field = "password"

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__(" ".join(problems))


# Addresses and links


def normalise_email(raw: str) -> str:
    """The address as we store it: checked for shape (not deliverability), lower-cased."""
    try:
        result = validate_email((raw or "").strip(), check_deliverability=False)
    except EmailNotValidError as exc:
        raise InvalidEmail(f"Enter a valid email address ({exc}).") from None
    return result.normalized.lower()


def find_by_email(email: str) -> User | None:
    """The account with this address, whatever its case; None for an address that is not an email."""
    try:
        email = normalise_email(email)
    except InvalidEmail:
        return None
    return db.session.scalar(select(User).where(User.email == email))


def _serializer(salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=salt)


def _load_token(token: str, salt: str, max_age_key: str) -> dict:
    try:
        data = _serializer(salt).loads(token, max_age=current_app.config[max_age_key])
    except SignatureExpired:
        raise ExpiredLink() from None
    except BadSignature:
        raise InvalidLink() from None
    if not isinstance(data, dict):
        raise InvalidLink()
    return data


def _password_fingerprint(user: User) -> str:
    # Links carry this, not the hash: their contents are signed but readable by anyone who has one.
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:20]


def confirmation_token(user: User) -> str:
    return _serializer(CONFIRM_SALT).dumps({"id": user.id, "email": user.email})


def reset_token(user: User) -> str:
    """A password-reset link token; setting any new password uses it up."""
    return _serializer(RESET_SALT).dumps({"id": user.id, "pw": _password_fingerprint(user)})


def _send(user: User, template: str, subject: str, **context) -> None:
    queue_email(
        to=user.email,
        subject=subject,
        template=template,
        kind=EMAIL_KIND,
        user_id=user.id,
        user=user,
        site_name=current_app.config["SITE_NAME"],
        home_url=public_url("events.home"),
        **context,
    )


# Registration and confirmation


def check_new_password(password: str, *, email: str = "", display_name: str = "") -> None:
    """Refuse a password that is too weak, with the reasons."""
    problems = password_problems(password, email=email, display_name=display_name)
    if problems:
        raise WeakPassword(problems)


def register(*, email: str, display_name: str, password: str) -> User | None:
    """Open an account and email a confirmation link; for a known address, tell its owner instead.

    Returns the new account, or None when the address already had one. Callers must not show the
    difference: whoever registers ends on the same page either way.
    """
    email = normalise_email(email)
    display_name = display_name.strip()
    check_new_password(password, email=email, display_name=display_name)
    # Hashed before anything is known about the address: a known one must not answer sooner.
    password_hash = hash_password(password)
    existing = db.session.scalar(select(User).where(User.email == email))
    if existing is not None:
        _send(
            existing,
            "account_exists",
            "Someone tried to register with your address",
            login_url=public_url("members.login"),
            forgot_url=public_url("members.forgot_password"),
        )
        return None
    user = User(email=email, display_name=display_name, password_hash=password_hash)
    try:
        # Two registrations for one address at the same moment: the second meets the unique index
        # and ends like any registration for a known address, on the same page and with no error.
        with db.session.begin_nested():
            db.session.add(user)
    except IntegrityError:
        return None
    send_confirmation(user)
    return user


def send_confirmation(user: User) -> None:
    """Email a link that confirms the address."""
    _send(
        user,
        "account_confirm",
        "Confirm your email address",
        confirm_url=public_url("members.confirm_email", token=confirmation_token(user)),
        max_age_days=current_app.config["EMAIL_CONFIRM_MAX_AGE"] // 86400,
    )


def resend_confirmation(email: str) -> None:
    """Send the confirmation link again, if the address has an account still waiting for one."""
    user = find_by_email(email)
    if user is not None and not user.is_confirmed:
        send_confirmation(user)


def user_to_confirm(token: str) -> User:
    """The account whose address a confirmation link still confirms; raises InvalidLink or ExpiredLink.

    A link works once: for an address already confirmed it is no good (it signs nobody in).
    """
    data = _load_token(token, CONFIRM_SALT, "EMAIL_CONFIRM_MAX_AGE")
    user = db.session.get(User, data.get("id"))
    # A link for an address the account no longer has is no good.
    if user is None or user.email != data.get("email"):
        raise InvalidLink()
    if user.is_confirmed:
        raise InvalidLink("That address is already confirmed. Please sign in.")
    return user


def confirm_email(token: str) -> User:
    """Confirm the address a link was sent to (user_to_confirm says whether it still can)."""
    user = user_to_confirm(token)
    user.email_confirmed_at = utcnow()
    db.session.flush()
    return user


# Signing in


def authenticate(email: str, password: str) -> User:
    """The account these credentials open, its sign-in recorded; raises InvalidCredentials or
    EmailNotConfirmed (only for the right password)."""
    user = find_by_email(email)
    if user is None:
        # Do the one check a real account costs, so that timing does not tell who has an account.
        verify_decoy(password)
        raise InvalidCredentials()
    if not verify_password(user.password_hash, password):
        raise InvalidCredentials()
    if not user.is_confirmed:
        raise EmailNotConfirmed(user)
    user.last_login_at = utcnow()
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    db.session.flush()
    return user


# Passwords


def _set_password(user: User, password: str, *, keep: UserSession | None) -> None:
    check_new_password(password, email=user.email, display_name=user.display_name)
    user.password_hash = hash_password(password)
    # Every other sign-in ends; the one kept gets a new token, so copies of its cookies stop working too.
    sessions.sign_out_others(user, keep=keep)
    if keep is not None:
        sessions.renew_token(keep)
    _send(
        user,
        "account_password_changed",
        "Your password was changed",
        forgot_url=public_url("members.forgot_password"),
    )


def request_password_reset(email: str) -> None:
    """Email a reset link if the address has an account; do nothing, visibly the same, if not."""
    user = find_by_email(email)
    if user is None:
        return
    _send(
        user,
        "account_password_reset",
        "Reset your password",
        reset_url=public_url("members.reset_password", token=reset_token(user)),
        max_age_minutes=current_app.config["PASSWORD_RESET_MAX_AGE"] // 60,
    )


def user_to_reset(token: str) -> User:
    """The account a reset link belongs to, if the link is unused and unexpired."""
    data = _load_token(token, RESET_SALT, "PASSWORD_RESET_MAX_AGE")
    user = db.session.get(User, data.get("id"))
    if user is None or data.get("pw") != _password_fingerprint(user):
        raise InvalidLink("That link has already been used or is no longer valid. Please ask for a new one.")
    return user


def reset_password(token: str, new_password: str) -> User:
    """Set a new password from a reset link, which is then used up, and end every sign-in of the account.
    The link proves the address too."""
    user = user_to_reset(token)
    _set_password(user, new_password, keep=None)
    if not user.is_confirmed:
        user.email_confirmed_at = utcnow()
    user.last_login_at = utcnow()
    db.session.flush()
    return user


def check_password(user: User, password: str) -> None:
    """Raise WrongPassword unless this is the account's password: for actions that ask for it again."""
    if not verify_password(user.password_hash, password):
        raise WrongPassword()


def change_password(
    user: User, current_password: str, new_password: str, *, actor: User, keep: UserSession | None = None
) -> None:
    """Change a password, knowing the current one; ends every sign-in of the account but `keep`."""
    if not verify_password(user.password_hash, current_password):
        raise WrongPassword()
    _set_password(user, new_password, keep=keep)
    db.session.flush()


# Changing the email address: a link to the new address, which the account's owner follows signed in;
# then a notice to the old one


class SameEmail(InvalidEmail):
    def __init__(self):
        super().__init__("That is already your email address.")


class EmailTaken(AccountError):
    """The new address found another account between asking and following the link."""

    status = 409


class EmailChangeForAnotherAccount(AccountError):
    status = 403

    def __init__(self):
        super().__init__(
            "This link is for another account. Sign out, then sign in to the account that asked for "
            "the change and follow the link again."
        )


@dataclass(frozen=True)
class EmailChangeAsked:
    """What asking to change an address did, as the person may be told: a link went to `new_email`.

    Whether the address already had an account is deliberately not said (nor kept here)."""

    new_email: str


@dataclass(frozen=True)
class EmailChanged:
    old_email: str
    new_email: str


def masked_email(email: str) -> str:
    """An address with most of its local part hidden ("n***@example.org"): enough to recognise it."""
    local, _, domain = email.partition("@")
    return f"{local[:1]}***@{domain}"


def _email_change_fingerprint(user: User) -> str:
    # Changes when the address changes or is confirmed anew (every change confirms it anew), and when
    # the password changes: so a link works once, even after a change and a change back, and a password
    # reset ends every change still waiting. Both backends keep the microseconds, so a time read back from
    # the database reads as it was written.
    confirmed = user.email_confirmed_at.isoformat() if user.email_confirmed_at else ""
    basis = f"{user.id}|{user.email}|{confirmed}|{user.password_hash}"
    return hashlib.sha256(basis.encode()).hexdigest()[:24]


def email_change_token(user: User, new_email: str) -> str:
    """A link token that moves the account to `new_email`; it carries no old address, only a fingerprint."""
    return _serializer(EMAIL_CHANGE_SALT).dumps(
        {"id": user.id, "to": new_email, "fp": _email_change_fingerprint(user)}
    )


def _queue_account_email(
    user: User, to: str, kind: EmailKind, template: str, subject: str, **context
) -> None:
    """An account email about `user`, to an address that may not (yet, or any longer) be theirs."""
    queue_email(
        to=to,
        subject=subject,
        template=template,
        kind=kind,
        user_id=user.id,
        user=user,
        site_name=current_app.config["SITE_NAME"],
        home_url=public_url("events.home"),
        **context,
    )


def email_change_hours() -> int:
    """How long a link to change the address works."""
    return current_app.config["EMAIL_CHANGE_MAX_AGE"] // 3600


def request_email_change(user: User, *, new_email: str, password: str, actor: User) -> EmailChangeAsked:
    """Email a link to a new address that moves the account there once followed; nothing changes yet.

    Asks for the password, so a borrowed signed-in browser cannot move the account. An address another
    account has gets the same answer as a free one (nobody learns who has an account); its owner hears
    what registering with it would tell them, and no link is sent.
    """
    check_password(user, password)
    new_email = normalise_email(new_email)
    if new_email == user.email:
        raise SameEmail()
    existing = db.session.scalar(select(User).where(User.email == new_email))
    if existing is not None:
        _queue_account_email(
            existing,
            existing.email,
            EmailKind.EMAIL_CHANGE,
            "account_email_taken",
            "Someone tried to use your address for another account",
            login_url=public_url("members.login"),
            forgot_url=public_url("members.forgot_password"),
        )
    else:
        _queue_account_email(
            user,
            new_email,
            EmailKind.EMAIL_CHANGE,
            "account_email_change",
            "Confirm your new email address",
            new_email=new_email,
            confirm_url=public_url("members.confirm_email_change", token=email_change_token(user, new_email)),
            max_age_hours=email_change_hours(),
        )
    return EmailChangeAsked(new_email=new_email)


def email_change_to_confirm(token: str) -> tuple[User, str]:
    """The account a change link moves and the address it moves it to, if the link is unused and unexpired;
    raises InvalidLink or ExpiredLink."""
    data = _load_token(token, EMAIL_CHANGE_SALT, "EMAIL_CHANGE_MAX_AGE")
    user = db.session.get(User, data.get("id"))
    new_email = data.get("to")
    if user is None or user.is_deleted or not isinstance(new_email, str) or (
        data.get("fp") != _email_change_fingerprint(user)
    ):
        raise InvalidLink(
            "That link has already been used or is no longer valid. Ask for a new one from your account."
        )
    return user, new_email


def confirm_email_change(token: str, *, actor: User, now: datetime | None = None) -> EmailChanged:
    """Move the account to the address a change link was sent to, and tell the old address.

    Only the account's own signed-in owner may: whoever else reads the new inbox (a mistyped address
    reaches a stranger) cannot take the account by following the link.
    """
    user, new_email = email_change_to_confirm(token)
    if actor.id != user.id:
        raise EmailChangeForAnotherAccount()
    taken = EmailTaken(
        f"Another account now uses {new_email}, so your address was not changed. "
        "Your account keeps its current address."
    )
    if db.session.scalar(select(exists().where(User.email == new_email))):
        raise taken
    old_email = user.email
    try:
        # Two accounts taking one address at the same moment: the second meets the unique index.
        with db.session.begin_nested():
            user.email = new_email
            user.email_confirmed_at = now or utcnow()
    except IntegrityError:
        raise taken from None
    # Emails still waiting to go out to the old address go to the new one, as everything from now on does.
    db.session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.user_id == user.id,
            OutboxMessage.to_address == old_email,
            OutboxMessage.sent_at.is_(None),
        )
        .values(to_address=new_email),
        execution_options={"synchronize_session": False},
    )
    _queue_account_email(
        user,
        old_email,
        EmailKind.EMAIL_CHANGED,
        "account_email_changed",
        "Your email address was changed",
        masked_new_email=masked_email(new_email),
    )
    db.session.flush()
    return EmailChanged(old_email=old_email, new_email=new_email)



def chapter_memberships(user: User) -> list[ChapterMembership]:
    """A person's chapters, by name, with the chapter loaded: one query."""
    return list(
        db.session.scalars(
            select(ChapterMembership)
            .join(ChapterMembership.chapter)
            .where(ChapterMembership.user_id == user.id)
            .options(contains_eager(ChapterMembership.chapter))
            .order_by(Chapter.name)
        )
    )


# Deleting an account: the person goes, the evenings they went to stay


def chapters_run_alone(user: User) -> list[Chapter]:
    """The chapters (not archived) of which this person is the only organiser, by name: one query."""
    others = aliased(ChapterMembership)
    another_organiser = exists().where(
        others.chapter_id == ChapterMembership.chapter_id,
        others.role == MembershipRole.ORGANISER,
        others.user_id != user.id,
    )
    return list(
        db.session.scalars(
            select(Chapter)
            .join(ChapterMembership, ChapterMembership.chapter_id == Chapter.id)
            .where(
                ChapterMembership.user_id == user.id,
                ChapterMembership.role == MembershipRole.ORGANISER,
                Chapter.archived_at.is_(None),
                ~another_organiser,
            )
            .order_by(Chapter.name)
        )
    )


def check_deletable(user: User, *, actor: User) -> None:
    """Raise AccountError unless the account can be deleted now: not yet deleted, running no chapter alone."""
    if user.is_deleted:
        raise AccountError("This account is already deleted.")
    alone = chapters_run_alone(user)
    if alone:
        raise SoleOrganiser(user, alone, by_self=actor.id == user.id)


def _give_up_places(user: User, now: datetime) -> None:
    """Give up every seat, offer, place in line and request for an evening still to come, through the RSVP
    rules: each freed seat passes to the next in line, who is told as usual. Events in id order, the
    order every job that locks several events takes, so that none of them deadlock."""
    events = db.session.scalars(
        select(Event)
        .join(Rsvp, Rsvp.event_id == Event.id)
        .where(
            Rsvp.user_id == user.id,
            Rsvp.status.in_(ASKED_TO_COME),
            Event.status == EventStatus.PUBLISHED,
            Event.date_tbc.is_(False),
            Event.starts_at > now,
        )
        .order_by(Event.id)
    ).all()
    for event in events:
        # Only what it does matters here, not what it returns.
        rsvps.rsvp_not_going(event, user, now=now)


def delete_account(user: User, *, actor: User, now: datetime | None = None) -> None:
    """Delete an account (the person's own, or any for a site admin): remove what said who they were, keep
    what happened.

    Upcoming seats, places in line and requests are given up (freed seats move on); the past RSVPs,
    check-ins and walk-ins stay, so every evening's attendance stays true, shown as from a "Former member".
    Removed: the email address (a placeholder that can receive nothing takes its place), name, the profile
    (headline, organisation, bio, links, phone, picture, tags, privacy choices), password, calendar
    address, sign-ins, email settings, chapter memberships, save-the-date interests, connections,
    requests, blocks, the private notes they kept and their card for the night, the emails queued or
    sent to them, and the names and emails organisers typed
    for them at the door. One last email, queued before the address goes, says the account is deleted.
    """
    check_deletable(user, actor=actor)
    now = now or utcnow()
    _give_up_places(user, now)
    address = user.email
    # Mail about those seats, and anything else waiting for them, must not go out; what was sent is theirs.
    theirs = or_(OutboxMessage.user_id == user.id, OutboxMessage.to_address == address)
    db.session.execute(delete(OutboxMessage).where(theirs), execution_options={"synchronize_session": False})
    _send(
        user,
        "account_deleted",
        "Your account is deleted",
        by_admin=actor.id != user.id,
        register_url=public_url("members.register"),
    )
    db.session.execute(
        update(WalkIn)
        .where(or_(WalkIn.user_id == user.id, WalkIn.email == address))
        .values(name=FORMER_MEMBER, email=""),
        execution_options={"synchronize_session": False},
    )
    db.session.execute(delete(EventInterest).where(EventInterest.user_id == user.id))
    db.session.execute(delete(EmailOptOut).where(EmailOptOut.user_id == user.id))
    forget_connections(user)
    user.memberships.clear()  # delete-orphan: the rows go, and this request sees them gone
    sessions.sign_out_others(user, keep=None)
    user.email = f"deleted-{user.id}@invalid"  # unique, and no address: .invalid never resolves (RFC 2606)
    user.display_name = FORMER_MEMBER
    forget_profile(user)  # headline, organisation, bio, links, picture, tags and privacy choices
    user.password_hash = UNUSABLE_PASSWORD_HASH
    user.calendar_token = None
    user.is_admin = False
    user.email_confirmed_at = user.last_login_at = None
    user.deleted_at = now
    db.session.flush()
