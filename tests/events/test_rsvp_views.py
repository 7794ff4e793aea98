"""RSVPs in the web app: members answer and claim seats; organisers run the attendee list; the tick job."""

from __future__ import annotations

import html
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from flashmob.events.models import Event, EventStatus, Rsvp, RsvpStatus
from flashmob.events.rsvps import services as rsvps
from flashmob.extensions import db
from flashmob.members.models import MemberProfile
from flashmob.outbox import OutboxMessage
from flashmob.types import utcnow
from tests.conftest import ROLE_NAMES
from tests.events.conftest import signs_in
from tests.mail import render_queued

MANAGERS = ("organiser", "admin")


def text(response) -> str:
    """The page as a person reads it: entities such as &#39; turned back into characters."""
    return html.unescape(response.get_data(as_text=True))


def rsvp_of(event: Event, user) -> Rsvp | None:
    db.session.expire_all()
    return db.session.scalar(select(Rsvp).where(Rsvp.event_id == event.id, Rsvp.user_id == user.id))


def rsvp_total() -> int:
    return db.session.scalar(select(func.count(Rsvp.id)))


def emails(kind: str, user) -> list[OutboxMessage]:
    render_queued()
    return list(
        db.session.scalars(
            select(OutboxMessage).where(OutboxMessage.kind == kind, OutboxMessage.to_address == user.email)
        )
    )


def answer(event, *users):
    """People say going through the rules, as earlier requests would have."""
    for user in users:
        rsvps.rsvp_going(event, user)
    db.session.commit()


def refused(response, role) -> bool:
    return signs_in(response) if role == "anonymous" else response.status_code == 403


@pytest.fixture
def event(roles, create_event):
    """Two seats, a fortnight away, in the role matrix's chapter."""
    return create_event(roles["chapter"], title="RAID logs that people read", capacity=2)


@pytest.fixture
def people(create_user):
    return [
        create_user(name, headline=f"{name}'s headline")
        for name in ("Ada Lovelace", "Ben Okri", "Cleo Hart", "Dev Shah")
    ]


# Going and not going: anyone signed in; the anonymous are asked to sign in and come back


@pytest.mark.parametrize("role", ROLE_NAMES)
def test_saying_going_is_for_anyone_signed_in(client, as_role, role, event):
    user = as_role(role)
    response = client.post(f"/events/{event.id}/rsvp/going")
    if role == "anonymous":
        assert signs_in(response)
        assert f"next=/events/{event.id}" in html.unescape(response.headers["Location"]).replace("%2F", "/")
        assert rsvp_total() == 0
    else:
        assert response.status_code == 302
        assert response.headers["Location"].endswith(f"/events/{event.id}#rsvp")
        assert rsvp_of(event, user).status == RsvpStatus.GOING


@pytest.mark.parametrize("role", ROLE_NAMES)
def test_saying_not_going_is_for_anyone_signed_in(client, as_role, role, event):
    user = as_role(role)
    response = client.post(f"/events/{event.id}/rsvp/not-going")
    if role == "anonymous":
        assert signs_in(response)
        assert rsvp_total() == 0
    else:
        assert response.status_code == 302
        assert rsvp_of(event, user).status == RsvpStatus.NOT_GOING


@pytest.mark.parametrize("role", ROLE_NAMES)
@pytest.mark.parametrize("action", ["claim", "decline"])
def test_claiming_or_declining_without_an_offer_says_there_is_none(client, as_role, role, action, event):
    as_role(role)
    response = client.post(f"/events/{event.id}/rsvp/{action}")
    if role == "anonymous":
        assert signs_in(response)
    else:
        assert response.status_code == 409
        assert "You have no seat offered for this event." in text(response)
    assert rsvp_total() == 0


def test_going_with_a_seat_free_confirms_and_emails(client, login, roles, event):
    login(roles["member"])
    page = text(client.post(f"/events/{event.id}/rsvp/going", follow_redirects=True))
    assert "You're going. We've emailed you the details." in page
    assert "You're going." in page
    assert "1 of 2 seats left." in page
    assert len(emails("rsvp_confirmed", roles["member"])) == 1


def test_going_to_a_full_event_puts_you_on_the_waitlist_with_your_position(
    client, login, roles, event, people
):
    answer(event, people[0], people[1], people[2])
    login(roles["member"])
    page = text(client.post(f"/events/{event.id}/rsvp/going", follow_redirects=True))
    assert (
        "The event is full, so you're number 2 on the waitlist. We'll email you if a seat frees up." in page
    )
    assert "You're on the waitlist: number 2 in line." in page
    assert "Full: 2 on the waitlist." in page
    assert rsvp_of(event, roles["member"]).status == RsvpStatus.WAITLISTED


def test_a_double_submit_changes_nothing_and_sends_one_email(client, login, roles, event):
    login(roles["member"])
    client.post(f"/events/{event.id}/rsvp/going")
    page = text(client.post(f"/events/{event.id}/rsvp/going", follow_redirects=True))
    assert "You're already going." in page
    assert rsvp_total() == 1
    assert len(emails("rsvp_confirmed", roles["member"])) == 1


def test_a_double_submit_on_the_waitlist_keeps_your_place(client, login, roles, event, people):
    answer(event, people[0], people[1], people[2])
    login(roles["member"])
    client.post(f"/events/{event.id}/rsvp/going")
    page = text(client.post(f"/events/{event.id}/rsvp/going", follow_redirects=True))
    assert "You're already on the waitlist: number 2 in line." in page
    assert len(emails("rsvp_waitlisted", roles["member"])) == 1


def test_giving_up_a_seat_promotes_the_first_in_line_and_tells_them(client, login, event, people):
    ada, ben, cleo, _ = people
    answer(event, ada, ben, cleo)
    login(ada)
    page = text(client.post(f"/events/{event.id}/rsvp/not-going", follow_redirects=True))
    assert "you're not going, and your seat is free for someone else." in page
    assert rsvp_of(event, ada).status == RsvpStatus.NOT_GOING
    assert rsvp_of(event, cleo).status == RsvpStatus.GOING
    assert len(emails("rsvp_promoted", cleo)) == 1


def test_saying_not_going_twice_changes_nothing(client, login, roles, event):
    login(roles["member"])
    client.post(f"/events/{event.id}/rsvp/not-going")
    response = client.post(f"/events/{event.id}/rsvp/not-going", follow_redirects=True)
    assert response.status_code == 200
    assert "You said you're not going." in text(response)
    assert rsvp_total() == 1


def test_an_event_that_needs_approval_says_the_request_is_waiting(client, login, roles, event):
    event.requires_approval = True
    db.session.commit()
    login(roles["member"])
    page = text(client.post(f"/events/{event.id}/rsvp/going", follow_redirects=True))
    assert "Your request is with the organisers. We'll email you when they have decided." in page
    assert "Waiting for an organiser to approve your request." in page
    assert rsvp_of(event, roles["member"]).status == RsvpStatus.PENDING


# Offers close to the event


@pytest.fixture
def offered(roles, create_event, people):
    """A one-seat event tomorrow: Ada gave up her seat, so the member was offered it for four hours."""
    tomorrow = utcnow().replace(microsecond=0) + timedelta(days=1)
    soon = create_event(roles["chapter"], capacity=1, starts_at=tomorrow)
    answer(soon, people[0], roles["member"])
    rsvps.rsvp_not_going(soon, people[0])
    db.session.commit()
    assert rsvp_of(soon, roles["member"]).status == RsvpStatus.OFFERED
    return soon


def test_an_offer_shows_its_deadline_with_claim_and_decline(client, login, roles, offered):
    login(roles["member"])
    page = text(client.get(f"/events/{offered.id}"))
    expires = rsvp_of(offered, roles["member"]).offer_expires_at.astimezone(offered.tz)
    assert f"A seat is yours if you claim it by {expires:%a %-d %b, %H:%M}." in page
    assert "Claim my seat" in page and "Decline the seat" in page


def test_claiming_an_offer_gives_the_seat(client, login, roles, offered):
    login(roles["member"])
    page = text(client.post(f"/events/{offered.id}/rsvp/claim", follow_redirects=True))
    assert "The seat is yours: you're going." in page
    assert rsvp_of(offered, roles["member"]).status == RsvpStatus.GOING


def test_declining_an_offer_passes_the_seat_on(client, login, roles, offered):
    login(roles["member"])
    page = text(client.post(f"/events/{offered.id}/rsvp/decline", follow_redirects=True))
    assert "You turned the seat down" in page
    assert rsvp_of(offered, roles["member"]).status == RsvpStatus.NOT_GOING


def test_claiming_an_expired_offer_is_refused_with_the_reason(client, login, roles, offered):
    rsvp = rsvp_of(offered, roles["member"])
    rsvp.offer_expires_at = utcnow() - timedelta(minutes=5)
    db.session.commit()
    login(roles["member"])
    response = client.post(f"/events/{offered.id}/rsvp/claim")
    assert response.status_code == 409
    assert "Sorry, this offer ran out at" in text(response)
    assert rsvp_of(offered, roles["member"]).status == RsvpStatus.OFFERED  # the tick job passes it on


# Closed, cancelled, draft and missing events


def test_rsvp_to_a_started_event_is_refused_and_nothing_is_written(client, login, roles, create_event):
    started = create_event(roles["chapter"], starts_at=utcnow() - timedelta(minutes=30))
    login(roles["member"])
    response = client.post(f"/events/{started.id}/rsvp/going")
    assert response.status_code == 409
    assert "RSVPs closed when the event started." in text(response)
    assert rsvp_total() == 0
    assert "Going</button>" not in text(client.get(f"/events/{started.id}"))


def test_rsvp_to_a_cancelled_event_is_refused(client, login, roles, create_event):
    cancelled = create_event(roles["chapter"], status=EventStatus.CANCELLED)
    login(roles["member"])
    response = client.post(f"/events/{cancelled.id}/rsvp/going")
    assert response.status_code == 409
    assert "This event has been cancelled." in text(response)
    assert rsvp_total() == 0


def test_a_draft_cannot_be_answered_and_is_not_revealed(client, login, roles, create_event):
    draft = create_event(roles["chapter"], status=EventStatus.DRAFT)
    login(roles["member"])
    assert client.post(f"/events/{draft.id}/rsvp/going").status_code == 404
    assert client.post("/events/999999/rsvp/going").status_code == 404
    assert rsvp_total() == 0


def test_rsvp_without_a_csrf_token_is_refused(client, login, roles, event, csrf_enabled):
    login(roles["member"])
    assert client.post(f"/events/{event.id}/rsvp/going").status_code == 400
    assert rsvp_total() == 0


# The event page: the panel and who's coming


def test_anonymous_readers_are_asked_to_sign_in_and_see_only_the_count(client, event, people):
    answer(event, people[0], people[1])
    page = text(client.get(f"/events/{event.id}"))
    assert "Sign in to RSVP" in page
    assert f"/login?next=/events/{event.id}" in page.replace("%2F", "/")
    assert "2 people are going." in page
    assert people[0].display_name not in page
    assert "Going</button>" not in page


def test_signed_in_people_see_who_is_going_by_name_and_the_people_going_see_their_headlines(
    client, login, roles, event, people
):
    for person in people:
        profile = db.session.get(MemberProfile, person.id) or MemberProfile(user_id=person.id)
        profile.headline = f"{person.display_name}'s headline"
        db.session.add(profile)
    event.capacity = 3
    db.session.commit()
    answer(event, people[0], people[1], people[2], people[3])
    login(roles["member"])
    page = text(client.get(f"/events/{event.id}"))
    for person in people[:3]:
        assert f'href="/members/{person.id}">{person.display_name}</a>' in page
        # Details are for the people going and the organisers.
        assert f"{person.display_name}'s headline" not in page
    # Dev is on the waitlist, not going; the event is full, so the button says where it puts you.
    assert people[3].display_name not in page
    assert "Join the waitlist</button>" in page and "Not going</button>" in page

    login(people[0])
    page = text(client.get(f"/events/{event.id}"))
    for person in people[:3]:
        assert f'href="/members/{person.id}">{person.display_name}</a>' in page
        assert f"{person.display_name}'s headline" in page


def test_event_page_queries_do_not_grow_with_attendees(
    client, login, roles, event, create_user, count_queries
):
    event.capacity = None
    db.session.commit()
    answer(event, create_user(), create_user(), roles["member"])
    login(roles["member"])
    with count_queries() as few:
        assert client.get(f"/events/{event.id}").status_code == 200
    answer(event, *[create_user() for _ in range(12)])
    with count_queries() as many:
        assert client.get(f"/events/{event.id}").status_code == 200
    assert many.count == few.count


def test_waitlisted_viewer_page_queries_do_not_grow_with_the_line(
    client, login, roles, event, create_user, count_queries
):
    answer(event, create_user(), create_user(), create_user(), roles["member"])
    login(roles["member"])
    with count_queries() as few:
        assert client.get(f"/events/{event.id}").status_code == 200
    answer(event, *[create_user() for _ in range(10)])
    with count_queries() as many:
        page = text(client.get(f"/events/{event.id}"))
    assert "number 2 in line" in page
    assert many.count == few.count


# The organisers' attendee page


@pytest.mark.parametrize("role", ROLE_NAMES)
def test_attendee_page_is_for_the_chapters_organisers_and_admins(client, as_role, role, event, people):
    answer(event, *people)
    as_role(role)
    response = client.get(f"/events/{event.id}/attendees")
    if role in MANAGERS:
        assert response.status_code == 200
        page = text(response)
        assert "Attendees of RAID logs that people read" in page
        assert "Going (2)" in page and "Waitlist (2)" in page
        assert f'href="/events/{event.id}"' in page
    else:
        assert refused(response, role)


def test_attendee_page_lists_each_section_with_positions(client, login, roles, event, people, create_user):
    ada, ben, cleo, dev = people
    answer(event, ada, ben, cleo, dev)
    rsvps.rsvp_not_going(event, create_user("Nora Nope"))
    asker = create_user("Pat Pending")
    db.session.add(Rsvp(event_id=event.id, user_id=asker.id, status=RsvpStatus.PENDING))
    db.session.commit()
    login(roles["organiser"])
    page = text(client.get(f"/events/{event.id}/attendees"))
    assert "2 going of 2 seats (full)" in page
    assert "<td>1</td>" in page and "<td>2</td>" in page
    assert page.index(cleo.display_name) < page.index(dev.display_name)
    assert "Approve Pat Pending" in page and "Decline Pat Pending" in page
    assert "Not going (1)" in page and "Nora Nope" in page
    assert f"Add a seat for {cleo.display_name}" in page  # full: a hand promotion adds a seat
    assert f"Remove {ada.display_name}" in page


def test_attendee_page_queries_do_not_grow_with_attendees(
    client, login, roles, event, create_user, count_queries
):
    answer(event, *[create_user() for _ in range(3)])
    login(roles["organiser"])
    with count_queries() as few:
        assert client.get(f"/events/{event.id}/attendees").status_code == 200
    answer(event, *[create_user() for _ in range(15)])
    with count_queries() as many:
        assert client.get(f"/events/{event.id}/attendees").status_code == 200
    assert many.count == few.count


def pending_rsvp(event, user) -> Rsvp:
    event.requires_approval = True
    db.session.commit()
    answer(event, user)
    return rsvp_of(event, user)


ORGANISER_ACTIONS = {
    # action: (prepare the people -> the RSVP acted on, the status it should end in)
    "approve": (lambda event, people: pending_rsvp(event, people[0]), RsvpStatus.GOING),
    "decline": (lambda event, people: pending_rsvp(event, people[0]), RsvpStatus.DECLINED),
    "remove": (
        lambda event, people: (answer(event, people[0]), rsvp_of(event, people[0]))[1], RsvpStatus.REMOVED
    ),
    "promote": (
        lambda event, people: (answer(event, *people[:3]), rsvp_of(event, people[2]))[1],
        RsvpStatus.GOING,
    ),
}


@pytest.mark.parametrize("role", ROLE_NAMES)
@pytest.mark.parametrize("action", list(ORGANISER_ACTIONS))
def test_organiser_actions_follow_the_role(client, as_role, role, action, event, people):
    prepare, after = ORGANISER_ACTIONS[action]
    rsvp = prepare(event, people)
    before = rsvp.status
    as_role(role)
    data = {"raise_capacity": "y"} if action == "promote" else {}
    response = client.post(f"/events/{event.id}/attendees/{rsvp.id}/{action}", data=data)
    db.session.expire_all()
    if role in MANAGERS:
        assert response.status_code == 302
        assert response.headers["Location"].endswith(f"/events/{event.id}/attendees")
        assert db.session.get(Rsvp, rsvp.id).status == after
    else:
        assert refused(response, role)
        assert db.session.get(Rsvp, rsvp.id).status == before


def test_approving_says_who_is_going(client, login, roles, event, people):
    rsvp = pending_rsvp(event, people[0])
    login(roles["organiser"])
    page = text(client.post(f"/events/{event.id}/attendees/{rsvp.id}/approve", follow_redirects=True))
    assert f"Approved: {people[0].display_name} is going. We've emailed them." in page
    assert len(emails("rsvp_approved", people[0])) == 1


def test_removing_an_attendee_gives_their_seat_to_the_line(client, login, roles, event, people):
    ada, ben, cleo, _ = people
    answer(event, ada, ben, cleo)
    login(roles["organiser"])
    page = text(
        client.post(f"/events/{event.id}/attendees/{rsvp_of(event, ada).id}/remove", follow_redirects=True)
    )
    assert f"{ada.display_name} is off the list" in page
    assert rsvp_of(event, ada).status == RsvpStatus.REMOVED
    assert rsvp_of(event, cleo).status == RsvpStatus.GOING
    # Taken off means kept off.
    login(ada)
    response = client.post(f"/events/{event.id}/rsvp/going")
    assert response.status_code == 409
    assert "An organiser has taken you off this event." in text(response)


def test_promoting_by_hand_into_a_full_event_needs_an_extra_seat(client, login, roles, event, people):
    answer(event, *people[:3])
    cleo = rsvp_of(event, people[2])
    login(roles["organiser"])
    response = client.post(f"/events/{event.id}/attendees/{cleo.id}/promote")
    assert response.status_code == 409
    assert "Every seat is taken" in text(response)
    assert rsvp_of(event, people[2]).status == RsvpStatus.WAITLISTED

    page = text(
        client.post(
            f"/events/{event.id}/attendees/{cleo.id}/promote",
            data={"raise_capacity": "y"},
            follow_redirects=True,
        )
    )
    assert "you added one, so the event now has 3" in page
    assert rsvp_of(event, people[2]).status == RsvpStatus.GOING
    assert db.session.get(Event, event.id).capacity == 3


def test_approving_a_request_that_is_not_waiting_is_refused(client, login, roles, event, people):
    rsvps.rsvp_not_going(event, people[0])
    db.session.commit()
    login(roles["organiser"])
    response = client.post(f"/events/{event.id}/attendees/{rsvp_of(event, people[0]).id}/approve")
    assert response.status_code == 409
    assert "has no request waiting" in text(response)


def test_an_rsvp_of_another_event_is_not_found(client, login, roles, event, people, create_event):
    other = create_event(roles["chapter"])
    answer(other, people[0])
    login(roles["organiser"])
    response = client.post(f"/events/{event.id}/attendees/{rsvp_of(other, people[0]).id}/remove")
    assert response.status_code == 404
    assert rsvp_of(other, people[0]).status == RsvpStatus.GOING


def test_organiser_actions_need_a_csrf_token(client, login, roles, event, people, csrf_enabled):
    answer(event, people[0])
    login(roles["organiser"])
    response = client.post(f"/events/{event.id}/attendees/{rsvp_of(event, people[0]).id}/remove")
    assert response.status_code == 400
    assert rsvp_of(event, people[0]).status == RsvpStatus.GOING


# Event settings: approval, offers and capacity


def edit_form(event: Event, **overrides) -> dict:
    local = event.starts_at.astimezone(event.tz)
    data = {
        "title": event.title,
        "starts_at": f"{local:%Y-%m-%dT%H:%M}",
        "ends_at": f"{event.ends_at.astimezone(event.tz):%Y-%m-%dT%H:%M}",
        "timezone": event.timezone,
        "venue_name": event.venue_name,
        "venue_address": event.venue_address,
        "description": event.description,
        "capacity": str(event.capacity or ""),
        "offer_window_hours": str(event.offer_window_hours),
        "offer_hold_hours": str(event.offer_hold_hours),
        "save": "Save changes",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def test_edit_form_saves_approval_and_offer_settings(client, login, roles, event):
    login(roles["organiser"])
    page = text(client.get(f"/events/{event.id}/edit"))
    assert "Approve each request before it becomes a seat" in page
    assert "Hours someone has to take up an offered seat" in page
    response = client.post(
        f"/events/{event.id}/edit",
        data=edit_form(event, requires_approval="y", offer_window_hours="24", offer_hold_hours="2"),
    )
    assert response.status_code == 302
    db.session.expire_all()
    saved = db.session.get(Event, event.id)
    assert (saved.requires_approval, saved.offer_window_hours, saved.offer_hold_hours) == (True, 24, 2)


def test_raising_capacity_on_edit_promotes_the_waitlist(client, login, roles, event, people):
    answer(event, *people)
    login(roles["organiser"])
    response = client.post(f"/events/{event.id}/edit", data=edit_form(event, capacity="3"))
    assert response.status_code == 302
    assert rsvp_of(event, people[2]).status == RsvpStatus.GOING
    assert rsvp_of(event, people[3]).status == RsvpStatus.WAITLISTED
    assert len(emails("rsvp_promoted", people[2])) == 1


def test_capacity_below_the_seats_taken_is_refused_at_the_field(client, login, roles, event, people):
    answer(event, *people[:2])
    login(roles["organiser"])
    response = client.post(f"/events/{event.id}/edit", data=edit_form(event, capacity="1", title="Renamed"))
    assert response.status_code == 422
    page = text(response)
    error = page[page.index('id="capacity-error"') :]
    assert "2 seats are already taken or offered" in error[: error.index("</p>")]
    db.session.expire_all()
    assert db.session.get(Event, event.id).capacity == 2
    assert db.session.get(Event, event.id).title == "RAID logs that people read"


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("offer_window_hours", "-1", "from 0 to 720"),
        ("offer_window_hours", "lots", "Not a valid integer value."),
        ("offer_hold_hours", "0", "from 1 to 168"),
        ("offer_hold_hours", "1000", "from 1 to 168"),
    ],
)
def test_bad_offer_settings_are_refused_at_the_field(client, login, roles, event, field, value, message):
    login(roles["organiser"])
    response = client.post(f"/events/{event.id}/edit", data=edit_form(event, **{field: value}))
    assert response.status_code == 422
    page = text(response)
    error = page[page.index(f'id="{field}-error"') :]
    assert message in error[: error.index("</p>")]
    db.session.expire_all()
    assert db.session.get(Event, event.id).offer_window_hours == 48
    assert db.session.get(Event, event.id).offer_hold_hours == 4


# The periodic job


def test_events_tick_passes_on_lapsed_offers_and_commits(app, roles, offered, people):
    rsvp = rsvp_of(offered, roles["member"])
    rsvp.offer_expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["events", "tick"])
    assert result.exit_code == 0, result.output
    assert "1 offer passed on" in result.output
    db.session.rollback()
    assert rsvp_of(offered, roles["member"]).status == RsvpStatus.EXPIRED
    assert len(emails("rsvp_offer_expired", roles["member"])) == 1


def test_events_tick_with_nothing_due_says_so(app):
    result = app.test_cli_runner().invoke(args=["events", "tick"])
    assert result.exit_code == 0, result.output
    assert "0 offers passed on" in result.output


def test_after_check_in_the_past_event_lists_the_people_who_came(client, login, roles, event, people):
    answer(event, people[0], people[1])
    came = rsvp_of(event, people[0])
    event.starts_at = utcnow() - timedelta(days=2)
    event.ends_at = event.starts_at + timedelta(hours=3)
    came.checked_in_at = event.starts_at + timedelta(minutes=10)
    db.session.commit()
    login(roles["member"])
    page = text(client.get(f"/events/{event.id}"))
    assert "Who went" in page
    assert people[0].display_name in page
    # Ben said he was going but never arrived.
    assert people[1].display_name not in page


def test_a_past_event_without_check_ins_lists_the_people_who_said_going(client, login, roles, event, people):
    answer(event, people[0], people[1])
    event.starts_at = utcnow() - timedelta(days=2)
    event.ends_at = event.starts_at + timedelta(hours=3)
    db.session.commit()
    login(roles["member"])
    page = text(client.get(f"/events/{event.id}"))
    assert people[0].display_name in page and people[1].display_name in page


def test_the_attendee_page_leads_to_check_in_messages_and_the_csv(client, login, roles, event):
    login(roles["organiser"])
    page = text(client.get(f"/events/{event.id}/attendees"))
    assert f'href="/events/{event.id}/check-in"' in page
    assert f'href="/events/{event.id}/message"' in page
    assert f'href="/events/{event.id}/attendees.csv"' in page


def test_the_waitlist_promises_email_only_to_people_who_get_rsvp_emails(client, login, roles, event, people):
    from flashmob import notifications

    answer(event, people[0], people[1], roles["member"])
    login(roles["member"])
    page = text(client.get(f"/events/{event.id}"))
    assert "You're on the waitlist: number 1 in line." in page
    assert "We'll email you if a seat frees up." in page
    assert "You've stopped RSVP emails" not in page

    notifications.stop_kind(roles["member"].id, "rsvp")
    db.session.commit()
    page = text(client.get(f"/events/{event.id}"))
    assert "We'll email you if a seat frees up." not in page
    assert "You've stopped RSVP emails, so we won't tell you when this changes" in page
    assert 'href="/account/emails"' in page


# Removing someone asks first


@pytest.mark.parametrize("role", ROLE_NAMES)
def test_removing_an_attendee_asks_the_organiser_first(client, roles, event, people, as_role, role):
    answer(event, people[0])
    rsvp = rsvp_of(event, people[0])
    as_role(role)
    confirm = client.get(f"/events/{event.id}/attendees/{rsvp.id}/remove")
    if role in ("organiser", "admin"):
        assert confirm.status_code == 200
        assert f"Remove {people[0].display_name} from {event.title}?" in confirm.text
        assert "Their seat goes to the next person in line." in confirm.text
    elif role == "anonymous":
        assert signs_in(confirm)
    else:
        assert confirm.status_code == 403
    assert rsvp_of(event, people[0]).status == RsvpStatus.GOING
