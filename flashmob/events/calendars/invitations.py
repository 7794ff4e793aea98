"""The calendar invitations that event emails carry: who gets a REQUEST, who a CANCEL, and why.

Calendars hold an event for the people who hold a seat: confirmations and promotions carry a
METHOD:REQUEST invitation, and changes update it. People on the waitlist, with a request waiting or
with a seat offered get no invitation: most of them never get a seat, and a tentative entry would then
sit in their calendar until the evening (their personal feed already shows the event as tentative).
A cancellation's METHOD:CANCEL goes to everyone we tell, seat or not: it also takes out copies that
people added themselves from the event's .ics file (same UID), and is ignored where there is none.
For the same reasons someone who leaves the event gets a CANCEL for themselves alone: with the email
saying an organiser took them off or declined their request, and, when they give up a seat themselves,
with a short "You're no longer going".
"""

from __future__ import annotations

from email.utils import parseaddr

from flask import current_app

from flashmob.email_kinds import EmailKind
from flashmob.events.calendars.ical import METHOD_CANCEL, METHOD_REQUEST, build_invitation
from flashmob.events.models import Event, RsvpStatus
from flashmob.members.models import User
from flashmob.urls import public_url

# RSVP emails that give someone a seat, and so carry an invitation (when the RSVP is a seat).
SEAT_KINDS = frozenset({EmailKind.RSVP_CONFIRMED, EmailKind.RSVP_PROMOTED, EmailKind.RSVP_APPROVED})
# RSVP emails that tell someone they are off the event, and so carry a METHOD:CANCEL: "no longer going"
# (sent only to someone who gave up a seat, whose calendar holds our invitation), taken off the list
# by an organiser, and a request declined.
LEAVING_KINDS = frozenset({EmailKind.RSVP_NOT_GOING, EmailKind.RSVP_REMOVED, EmailKind.RSVP_DECLINED})


def event_url(event: Event) -> str:
    """The event page's public address, for emails and the invitations they carry."""
    return public_url("events.detail", event_id=event.id)


def invitation(event: Event, user: User, method: str) -> str:
    """The iCalendar invitation for one person: the chapter (our sending address) as ORGANIZER, so
    that calendars accept it as coming from the organiser, and the person as the ATTENDEE."""
    organiser_email = parseaddr(current_app.config["MAIL_FROM"])[1]
    return build_invitation(
        event,
        base_url=current_app.config["BASE_URL"],
        path=event_url(event),
        attendee_email=user.email,
        attendee_name=user.display_name,
        method=method,
        organiser_email=organiser_email,
    ).decode("utf-8")


def rsvp_invitation(event: Event, user: User, kind: EmailKind, status: str) -> dict:
    """The invitation an RSVP email of this kind carries (calendar and calendar_method), for an RSVP that
    was in `status` when the email was queued: a REQUEST for a seat, a CANCEL for someone off the event,
    else none.

    The CANCEL is for this one person at the event's present SEQUENCE (same UID): the event did not
    change for anyone else, so the sequence stays, and calendars accept a cancellation at the sequence
    of the copy they hold.
    """
    if kind in LEAVING_KINDS:
        method = METHOD_CANCEL
    elif kind in SEAT_KINDS and status == RsvpStatus.GOING:
        method = METHOD_REQUEST
    else:
        return {}
    return {"calendar": invitation(event, user, method), "calendar_method": method}
