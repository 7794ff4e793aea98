"""Who may do what with chapters and events: one predicate per rule, used by views and templates.

A predicate whose answer also depends on the thing's state (a cancelled event cannot be cancelled) says no
with errors.Refused and the rule's reason (events.rules): falsy for a template, a 409 with that reason
through auth.ensure().
"""

from __future__ import annotations

from flashmob.errors import Refused
from flashmob.events.models import Chapter, Event, Rsvp
from flashmob.events.rules import cancellation_problem, join_problem, publish_problem
from flashmob.types import utcnow


def _is_signed_in(user) -> bool:
    return bool(user is not None and user.is_authenticated)


def is_admin(user) -> bool:
    return _is_signed_in(user) and user.is_admin


def can_create_chapter(user) -> bool:
    return is_admin(user)


def can_edit_chapter(user, chapter: Chapter) -> bool:
    return is_admin(user)


def can_appoint_organisers(user, chapter: Chapter) -> bool:
    return is_admin(user)


def can_archive_chapter(user, chapter: Chapter) -> bool:
    """Site admins archive a chapter that no longer meets, and restore it."""
    return is_admin(user)


def can_manage_chapter(user, chapter: Chapter) -> bool:
    """Organisers of this chapter and site admins run its events."""
    return is_admin(user) or (_is_signed_in(user) and user.is_organiser_of(chapter.id))


def _unless(problem: str | None) -> bool | Refused:
    return Refused(problem) if problem else True


def can_join_chapter(user, chapter: Chapter) -> bool | Refused:
    """Anyone signed in who is not a member yet."""
    return _is_signed_in(user) and _unless(join_problem(user, chapter))


def can_leave_chapter(user, chapter: Chapter) -> bool:
    return _is_signed_in(user) and user.is_member_of(chapter.id)


def can_create_event(user, chapter: Chapter) -> bool:
    """The chapter's organisers and admins plan its events; an archived chapter has no new ones."""
    return not chapter.is_archived and can_manage_chapter(user, chapter)


def can_edit_event(user, event: Event) -> bool:
    return can_manage_chapter(user, event.chapter)


def can_publish_event(user, event: Event) -> bool | Refused:
    """The chapter's organisers and admins publish a draft (rules.publish_problem)."""
    return can_edit_event(user, event) and _unless(publish_problem(event))


def can_cancel_event(user, event: Event) -> bool | Refused:
    """The chapter's organisers and admins call off an event that is published and has not ended
    (rules.cancellation_problem)."""
    return can_edit_event(user, event) and _unless(cancellation_problem(event, utcnow()))


def can_view_event(user, event: Event) -> bool:
    """Drafts are seen only by the chapter's organisers and admins; everything else by anyone."""
    return not event.is_draft or can_manage_chapter(user, event.chapter)


def can_change_chapter_cover(user, chapter: Chapter) -> bool:
    """The chapter's organisers and site admins upload, replace and remove its cover picture."""
    return can_manage_chapter(user, chapter)


def can_change_event_cover(user, event: Event) -> bool:
    """Whoever may edit an event may change its cover picture."""
    return can_edit_event(user, event)


def can_view_drafts(user, chapter: Chapter) -> bool:
    """Drafts of a chapter's events are listed for those who may publish them."""
    return can_manage_chapter(user, chapter)


def can_remove_organiser(user, chapter: Chapter) -> bool:
    return can_appoint_organisers(user, chapter)


# RSVPs


def can_rsvp(user, event: Event) -> bool:
    """Anyone signed in may answer an event they can see; whether it is open is the RSVP rules' call."""
    return _is_signed_in(user) and can_view_event(user, event)


def can_see_attendees(user, event: Event) -> bool:
    """Signed-in people see who is going, by name: meeting the people who know is the point."""
    return _is_signed_in(user) and can_view_event(user, event)


def can_manage_rsvps(user, event: Event) -> bool:
    """The chapter's organisers and admins approve, remove and promote attendees."""
    return can_manage_chapter(user, event.chapter)


# Check-in, tickets and attendance


def can_check_in(user, event: Event) -> bool:
    """The chapter's organisers and admins check people in at the door and add walk-ins."""
    return can_manage_chapter(user, event.chapter)


def can_view_ticket(user, rsvp: Rsvp) -> bool:
    """A ticket is seen by its owner, and by the organisers and admins who check it."""
    return _is_signed_in(user) and (user.id == rsvp.user_id or can_check_in(user, rsvp.event))


def can_export_attendees(user, event: Event) -> bool:
    """Organisers download the attendee list, emails included: people share them by asking to come."""
    return can_manage_chapter(user, event.chapter)


# Save the date


def can_ask_to_be_told(user, event: Event) -> bool:
    """Members of the chapter may ask to hear when an announced event gets its date.

    Whether there is still a date to wait for (not set yet, not cancelled) is the service's call.
    """
    return _is_signed_in(user) and not event.is_draft and user.is_member_of(event.chapter_id)


def can_add_to_calendar(user, event: Event) -> bool:
    """An event goes into calendars (.ics) once it has a date: a save-the-date's placeholder must not."""
    return can_view_event(user, event) and not event.date_tbc


def can_stop_being_told(user, event: Event) -> bool:
    """Whoever asked may change their mind, even after leaving the chapter."""
    return _is_signed_in(user)


def can_email_attendees(user, event: Event) -> bool:
    """The chapter's organisers and admins write to the people coming; a draft has nobody to write to."""
    return not event.is_draft and can_manage_chapter(user, event.chapter)


# The organiser's dashboard


def can_view_dashboard(user) -> bool:
    """Organisers of at least one chapter, and site admins, have a dashboard of their chapters."""
    return is_admin(user) or (_is_signed_in(user) and bool(user.organised_chapter_ids))
