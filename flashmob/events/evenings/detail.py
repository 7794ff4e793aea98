"""The event page (events.detail) drawn for the viewer; the views that answer on it share it."""

from __future__ import annotations

from flask import render_template
from flask_login import current_user

from flashmob.discussions.threads import queries as discussion_queries
from flashmob.events.chapters import queries as chapter_queries
from flashmob.events.checkin import services as checkins
from flashmob.events.evenings import attendees, interests
from flashmob.events.messaging.emails import announcement_audience_size
from flashmob.events.models import Event
from flashmob.events.permissions import can_check_in, can_publish_event, can_see_attendees
from flashmob.events.rsvps import queries as rsvp_queries
from flashmob.forms import buttons_for
from flashmob.sharing import event_preview


def _attendance_and_coming(event: Event, *, limit: int | None):
    """The RSVP panel, who came (once it is over) and who's coming, as the viewer may see them."""
    rsvp = rsvp_queries.rsvp_panel(event, current_user, show_people=can_see_attendees(current_user, event))
    # Who came, once it is over: the organisers' figures, and for everyone "Who came" once they took it.
    attendance = checkins.attendance(event) if event.is_past and not event.is_cancelled else None
    attendance_taken = attendance is not None and attendance.came > 0
    coming = attendees.whos_coming(
        event,
        current_user,
        rsvp.going,
        count=attendance.came if attendance_taken else rsvp.going_count,
        attendance_taken=attendance_taken,
        limit=limit,
    )
    return rsvp, attendance, coming


def render_detail(event: Event):
    """The event's page, with the panels the viewer may see; also the page a refused action shows again."""
    organisers = chapter_queries.organisers_by_chapter([event.chapter_id]).get(event.chapter_id, [])
    rsvp, attendance, coming = _attendance_and_coming(event, limit=attendees.ON_THE_EVENT_PAGE)
    interest = interests.interest_panel(event, current_user) if event.date_tbc else None
    check_in = checkins.check_in_window(event) if can_check_in(current_user, event) else None
    # Said beside the Publish button: how many members publishing emails.
    announce_reach = None
    if can_publish_event(current_user, event):
        announce_reach = announcement_audience_size(event.chapter_id, current_user)
    return render_template(
        "events/detail.html",
        event=event,
        organisers=organisers,
        rsvp=rsvp,
        coming=coming,
        interest=interest,
        attendance=attendance,
        check_in=check_in,
        sharing=event_preview(event),
        announce_reach=announce_reach,
        # Only the buttons' CSRF token: a refused POST draws this page again, and must not parse its body.
        form=buttons_for(current_user),
        discussion=discussion_queries.thread_for("event", event.id, loaded=event),
    )


def render_whos_coming(event: Event):
    """Everyone the event page's "Who's coming" starts: the same list, whole."""
    _, _, coming = _attendance_and_coming(event, limit=None)
    return render_template("events/whos_coming.html", event=event, coming=coming)
