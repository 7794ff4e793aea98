"""Every kind of email we send (EmailKind), the choices members make about them (EmailSetting), and one
registry (KINDS) that says, for each kind, what it is called and either the setting that stops it or why
nothing can.

The outbox stores an EmailKind in its `kind` column, and email_opt_outs an EmailSetting in its own:
both are strings in the database, so the values below never change once stored. Asking about a value
that is not here raises ValueError: a misspelt kind fails at once instead of promising an email that
never comes. This module imports nothing of ours, so models, services and the worker may all use it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class EmailSetting(StrEnum):
    """A choice a member makes on the email settings page: each stops one family of kinds."""

    RSVP = "rsvp"
    EVENT_CHANGES = "event_changes"
    REMINDERS = "reminders"
    DATE_ANNOUNCED = "date_announced"
    ORGANISER_MESSAGES = "organiser_messages"
    NEW_EVENTS = "new_events"
    CONNECTIONS = "connections"
    LESSONS = "lessons"
    DISCUSSIONS = "discussions"


# What the settings page, the unsubscribe pages and every email's footer call each setting, in the
# order the settings page lists them.
SETTING_LABELS: dict[EmailSetting, str] = {
    EmailSetting.RSVP: "Your RSVPs and waitlist",
    EmailSetting.EVENT_CHANGES: "Changes and cancellations of events you're going to",
    EmailSetting.REMINDERS: "Reminders the day before",
    EmailSetting.DATE_ANNOUNCED: "Save-the-date announcements",
    EmailSetting.ORGANISER_MESSAGES: "Messages from organisers",
    EmailSetting.NEW_EVENTS: "New evenings in your chapters",
    EmailSetting.CONNECTIONS: "Requests to connect, and requests accepted",
    EmailSetting.LESSONS: "Being named in a lesson",
    EmailSetting.DISCUSSIONS: "Replies in discussions you took part in",
}


class EmailKind(StrEnum):
    """What one email is about: the outbox's `kind` column."""

    ACCOUNT = "account"
    EMAIL_CHANGE = "email_change"
    EMAIL_CHANGED = "email_changed"
    CHECKED_IN_AT_DOOR = "checked_in_at_door"
    RSVP_CONFIRMED = "rsvp_confirmed"
    RSVP_PENDING = "rsvp_pending"
    RSVP_WAITLISTED = "rsvp_waitlisted"
    RSVP_APPROVED = "rsvp_approved"
    RSVP_DECLINED = "rsvp_declined"
    RSVP_PROMOTED = "rsvp_promoted"
    RSVP_OFFERED = "rsvp_offered"
    RSVP_OFFER_EXPIRED = "rsvp_offer_expired"
    RSVP_NOT_GOING = "rsvp_not_going"
    RSVP_REMOVED = "rsvp_removed"
    EVENT_CHANGED = "event_changed"
    EVENT_CANCELLED = "event_cancelled"
    REMINDER = "reminder"
    ORGANISER_MESSAGE = "organiser_message"
    DATE_ANNOUNCED = "date_announced"
    DATE_CANCELLED = "date_cancelled"
    EVENT_ANNOUNCED = "event_announced"
    CONNECTION_REQUEST = "connection_request"
    CONNECTION_ACCEPTED = "connection_accepted"
    DISCUSSION_REPLY = "discussion_reply"
    TEST_MESSAGE = "test_message"
    LESSON_VOICE_ASKED = "lesson_voice_asked"


@dataclass(frozen=True)
class KindRule:
    """What we say about one kind of email: its label, and the setting that stops it or why none can."""

    label: str
    setting: EmailSetting | None = None
    # Why members cannot stop this kind: said on the settings page and in the README.
    always_because: str | None = None
    # The template pairs under templates/email/ it is written with; by default the one named as the kind.
    templates: tuple[str, ...] = ()
    # Sent to members (so the settings page mentions it), or only by tests.
    to_members: bool = True


_RSVP = EmailSetting.RSVP

KINDS: dict[EmailKind, KindRule] = {
    EmailKind.ACCOUNT: KindRule(
        "Your account (confirming your address, password resets and changes, someone registering with it, "
        "its deletion)",
        always_because=(
            "it is how you get into your account, and how you learn that someone used your address"
        ),
        templates=(
            "account_confirm",
            "account_exists",
            "account_password_reset",
            "account_password_changed",
            "account_deleted",
        ),
    ),
    EmailKind.EMAIL_CHANGE: KindRule(
        "Confirming a new email address for your account",
        always_because="it is the only way to prove the new address is yours before the account moves to it",
        # The link to the new address; or, when another account already has it, a word to that account.
        templates=("account_email_change", "account_email_taken"),
    ),
    EmailKind.EMAIL_CHANGED: KindRule(
        "Your email address was changed (sent to the old address)",
        always_because="it is how you learn that someone moved your account to another address",
        templates=("account_email_changed",),
    ),
    EmailKind.CHECKED_IN_AT_DOOR: KindRule(
        "An organiser checked you in at the door",
        always_because="it is how you learn that an organiser gave your address at the door",
    ),
    EmailKind.RSVP_CONFIRMED: KindRule("You have a seat", _RSVP),
    EmailKind.RSVP_PENDING: KindRule("Your request is with the organisers", _RSVP),
    EmailKind.RSVP_WAITLISTED: KindRule("You are on the waitlist, and your place", _RSVP),
    EmailKind.RSVP_APPROVED: KindRule("Your request was accepted", _RSVP),
    EmailKind.RSVP_DECLINED: KindRule("Your request was not accepted", _RSVP),
    EmailKind.RSVP_PROMOTED: KindRule("A seat came free and is yours", _RSVP),
    EmailKind.RSVP_OFFERED: KindRule("A seat is offered to you for a few hours", _RSVP),
    EmailKind.RSVP_OFFER_EXPIRED: KindRule("The seat offered to you passed on", _RSVP),
    EmailKind.RSVP_NOT_GOING: KindRule("You gave up your seat", _RSVP),
    EmailKind.RSVP_REMOVED: KindRule("An organiser took you off the list", _RSVP),
    EmailKind.EVENT_CHANGED: KindRule("An event's time or place changed", EmailSetting.EVENT_CHANGES),
    EmailKind.EVENT_CANCELLED: KindRule("An event was cancelled", EmailSetting.EVENT_CHANGES),
    EmailKind.REMINDER: KindRule("The reminder the day before", EmailSetting.REMINDERS),
    EmailKind.ORGANISER_MESSAGE: KindRule("A message from an organiser", EmailSetting.ORGANISER_MESSAGES),
    EmailKind.DATE_ANNOUNCED: KindRule(
        "The date is set for an event you asked about", EmailSetting.DATE_ANNOUNCED
    ),
    # A save-the-date called off is news about the save-the-date the member asked to hear about, not
    # about an event they are going to (they cannot be: RSVPs wait for the date). So it belongs with the
    # announcement: whoever stopped save-the-date email hears nothing of it, and whoever asked to be told
    # still is, even if they stopped news of events they are going to.
    EmailKind.DATE_CANCELLED: KindRule(
        "An event you asked about was called off before it had a date", EmailSetting.DATE_ANNOUNCED
    ),
    EmailKind.EVENT_ANNOUNCED: KindRule("A new evening in one of your chapters", EmailSetting.NEW_EVENTS),
    EmailKind.CONNECTION_REQUEST: KindRule("A member asks to connect with you", EmailSetting.CONNECTIONS),
    EmailKind.CONNECTION_ACCEPTED: KindRule(
        "A member accepted your request to connect", EmailSetting.CONNECTIONS
    ),
    EmailKind.LESSON_VOICE_ASKED: KindRule(
        "A write-up names you as a voice of a lesson, and asks if you agree", EmailSetting.LESSONS
    ),
    EmailKind.DISCUSSION_REPLY: KindRule(
        "Someone replied to a comment, or in a discussion, you wrote in", EmailSetting.DISCUSSIONS
    ),
    EmailKind.TEST_MESSAGE: KindRule(
        "A test message", always_because="only the outbox's own tests send it", to_members=False
    ),
}


def rule_for(kind: str) -> KindRule:
    """The registry's entry for a kind; ValueError for a value that is no EmailKind."""
    return KINDS[EmailKind(kind)]


def setting_for(kind: str) -> EmailSetting | None:
    """The setting that stops this kind of email; None when it cannot be stopped."""
    return rule_for(kind).setting


def templates_of(kind: str) -> tuple[str, ...]:
    """The template pairs a kind is written with (templates/email/<name>.txt and .html)."""
    return rule_for(kind).templates or (EmailKind(kind).value,)


def kinds_stopped_by(setting: EmailSetting) -> list[EmailKind]:
    """The kinds of email one setting stops."""
    return [kind for kind, rule in KINDS.items() if rule.setting is setting]


def always_sent() -> list[KindRule]:
    """The kinds members get whatever their settings, with the reason each cannot be stopped."""
    return [rule for rule in KINDS.values() if rule.setting is None and rule.to_members]
