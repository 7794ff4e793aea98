"""Check-in is open on the day: from CHECK_IN_OPENS_HOURS before the start to CHECK_IN_CLOSES_HOURS after
the end. Every page says truthfully when it opens, and every check-in action respects it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from flashmob.events.checkin import services as checkins
from flashmob.events.checkin.services import CheckInPhase
from flashmob.events.models import Rsvp, RsvpStatus, WalkIn
from flashmob.extensions import db

MOMENT = "%H:%M on %a %-d %b"


def page_of(response) -> str:
    return response.get_data(as_text=True)


def fresh(obj):
    db.session.expire_all()
    return db.session.get(type(obj), obj.id)


def going(event, user, **fields) -> Rsvp:
    rsvp = Rsvp(event_id=event.id, user_id=user.id, status=RsvpStatus.GOING, **fields)
    db.session.add(rsvp)
    db.session.commit()
    return rsvp


def walk_in_count() -> int:
    return db.session.scalar(select(func.count(WalkIn.id)))


def local(event, moment: datetime) -> str:
    return moment.astimezone(event.tz).strftime(MOMENT)


def soon():
    return datetime.now(UTC).replace(second=0, microsecond=0)


@pytest.fixture
def in_three_days(roles, create_event):
    return create_event(roles["chapter"], title="Portfolio triage", starts_at=soon() + timedelta(days=3))


@pytest.fixture
def long_over(roles, create_event):
    """An evening that ended 13 hours ago: check-in closed an hour ago."""
    start = soon() - timedelta(hours=15, minutes=30)
    return create_event(roles["chapter"], title="Last night", starts_at=start)


# The rule


@pytest.fixture
def thursday(roles, create_event):
    """Thu 7 May 2026, 18:30 to 21:00 in Birmingham (BST): 17:30 to 20:00 UTC."""
    return create_event(roles["chapter"], starts_at=datetime(2026, 5, 7, 17, 30, tzinfo=UTC))


OPENS = "Check-in opens at 12:30 on Thu 7 May."
CLOSED = "Check-in closed at 09:00 on Fri 8 May."


@pytest.mark.parametrize(
    ("now", "phase", "reason"),
    [
        (datetime(2026, 5, 1, 18, 0, tzinfo=UTC), CheckInPhase.NOT_YET, OPENS),
        (datetime(2026, 5, 7, 11, 29, tzinfo=UTC), CheckInPhase.NOT_YET, OPENS),
        (datetime(2026, 5, 7, 11, 30, tzinfo=UTC), CheckInPhase.OPEN, None),
        (datetime(2026, 5, 7, 20, 30, tzinfo=UTC), CheckInPhase.OPEN, None),
        (datetime(2026, 5, 8, 7, 59, tzinfo=UTC), CheckInPhase.OPEN, None),
        (datetime(2026, 5, 8, 8, 0, tzinfo=UTC), CheckInPhase.OVER, CLOSED),
    ],
)
def test_check_in_opens_six_hours_before_the_start_and_closes_twelve_after_the_end(
    thursday, now, phase, reason
):
    window = checkins.check_in_window(thursday, now)
    assert window.phase == phase
    assert window.reason == reason
    assert checkins.closed_reason(thursday, now) == reason
    assert (window.opens, window.closes) == ("12:30 on Thu 7 May", "09:00 on Fri 8 May")


def test_the_window_follows_the_settings(app, monkeypatch, thursday):
    monkeypatch.setitem(app.config, "CHECK_IN_OPENS_HOURS", 48)
    monkeypatch.setitem(app.config, "CHECK_IN_CLOSES_HOURS", 1)
    assert checkins.check_in_window(thursday, datetime(2026, 5, 5, 18, 0, tzinfo=UTC)).is_open
    window = checkins.check_in_window(thursday, datetime(2026, 5, 7, 21, 0, tzinfo=UTC))
    assert window.reason == "Check-in closed at 22:00 on Thu 7 May."


def test_a_save_the_date_has_no_check_in_yet(roles, create_event):
    event = create_event(roles["chapter"], date_tbc=True, starts_at=soon() + timedelta(hours=1))
    assert checkins.closed_reason(event) == "This event's date is not set yet: check-in opens on the day."


def test_the_service_refuses_every_check_in_action_outside_the_window(roles, in_three_days, create_user):
    organiser = roles["organiser"]
    rsvp = going(in_three_days, create_user())
    walk_in = WalkIn(event_id=in_three_days.id, name="Wanda", checked_in_at=soon())
    db.session.add(walk_in)
    db.session.commit()
    for action in (
        lambda: checkins.check_in(rsvp, actor=organiser),
        lambda: checkins.undo_check_in(rsvp, actor=organiser),
        lambda: checkins.add_walk_in(in_three_days, "Walter", actor=organiser),
        lambda: checkins.remove_walk_in(walk_in, actor=organiser),
    ):
        with pytest.raises(checkins.CheckInError, match="Check-in opens at"):
            action()
        db.session.rollback()


# The pages before it opens


def test_before_the_day_the_check_in_page_says_when_it_opens_and_offers_no_controls(
    client, as_role, in_three_days, create_user
):
    rsvp = going(in_three_days, create_user("Ada Lovelace"))
    as_role("organiser")
    response = client.get(f"/events/{in_three_days.id}/check-in")
    page = page_of(response)
    assert response.status_code == 200
    opens = local(in_three_days, in_three_days.starts_at - timedelta(hours=6))
    assert f"Check-in opens at {opens}." in page
    assert 'type="search"' not in page
    assert "Add a walk-in" not in page
    assert f"/check-in/rsvps/{rsvp.id}" not in page


def test_before_the_day_nobody_is_checked_in_and_no_walk_in_is_added(
    client, as_role, in_three_days, create_user
):
    rsvp = going(in_three_days, create_user("Ada Lovelace"))
    as_role("organiser")
    opens = local(in_three_days, in_three_days.starts_at - timedelta(hours=6))
    for path, data in [
        (f"/events/{in_three_days.id}/check-in/rsvps/{rsvp.id}", {}),
        (f"/events/{in_three_days.id}/check-in/{rsvp.ticket_code}", {}),
        (f"/events/{in_three_days.id}/check-in/walk-ins", {"name": "Walter", "email": "walter@example.net"}),
    ]:
        response = client.post(path, data=data)
        assert response.status_code == 409, path
        assert f"Check-in opens at {opens}." in page_of(response)
    assert fresh(rsvp).checked_in_at is None
    assert walk_in_count() == 0


def test_a_scanned_ticket_before_the_day_says_when_check_in_opens(
    client, as_role, in_three_days, create_user
):
    rsvp = going(in_three_days, create_user("Ada Lovelace"))
    as_role("organiser")
    page = page_of(client.get(f"/events/{in_three_days.id}/check-in/{rsvp.ticket_code}"))
    opens = local(in_three_days, in_three_days.starts_at - timedelta(hours=6))
    assert f"Check-in opens at {opens}." in page
    assert "Check in Ada Lovelace</button>" not in page


def test_the_event_page_tells_organisers_when_check_in_opens_instead_of_linking_to_it(
    client, as_role, in_three_days
):
    as_role("organiser")
    page = page_of(client.get(f"/events/{in_three_days.id}"))
    opens = local(in_three_days, in_three_days.starts_at - timedelta(hours=6))
    assert f"Check-in opens at {opens}." in page
    assert "Check in attendees" not in page
    as_role("member")
    assert "Check-in opens at" not in page_of(client.get(f"/events/{in_three_days.id}"))


def test_a_ticket_before_the_day_shows_its_code_and_when_check_in_opens(
    client, login, in_three_days, create_user
):
    rsvp = going(in_three_days, create_user("Ada Lovelace"))
    login(rsvp.user)
    page = page_of(client.get(f"/events/{in_three_days.id}/ticket"))
    opens = local(in_three_days, in_three_days.starts_at - timedelta(hours=6))
    assert 'alt="QR code of Ada Lovelace' in page
    assert "Check-in opens at <time datetime=" in page
    assert f">{opens}</time>: an organiser scans it then" in page


# After it closes


def test_after_it_closes_nothing_can_be_changed_at_the_door(client, as_role, roles, long_over, create_user):
    came = going(long_over, create_user("Cleo Came"), checked_in_at=long_over.starts_at)
    missed = going(long_over, create_user("Nia Nocheck"))
    walk_in = WalkIn(event_id=long_over.id, name="Wanda", checked_in_at=long_over.starts_at)
    db.session.add(walk_in)
    db.session.commit()
    as_role("organiser")
    closes = local(long_over, long_over.ends_at + timedelta(hours=12))
    page = page_of(client.get(f"/events/{long_over.id}/check-in"))
    assert f"Check-in closed at {closes}." in page
    assert "Add a walk-in" not in page
    for path in [
        f"/events/{long_over.id}/check-in/rsvps/{missed.id}",
        f"/events/{long_over.id}/check-in/rsvps/{came.id}/undo",
        f"/events/{long_over.id}/check-in/walk-ins/{walk_in.id}/remove",
    ]:
        response = client.post(path)
        assert response.status_code == 409, path
        assert f"Check-in closed at {closes}." in page_of(response)
    assert fresh(missed).checked_in_at is None
    assert fresh(came).checked_in_at is not None
    assert walk_in_count() == 1
    event_page = page_of(client.get(f"/events/{long_over.id}"))
    assert f"Check-in closed at {closes}." in event_page
    assert "Check in attendees" not in event_page


def test_after_it_closes_a_ticket_is_no_longer_needed(client, login, long_over, create_user):
    rsvp = going(long_over, create_user("Ada Lovelace"))
    login(rsvp.user)
    page = page_of(client.get(f"/events/{long_over.id}/ticket"))
    assert "this ticket is no longer needed" in page
    assert "QR code of" not in page


def test_late_arrivals_can_still_be_checked_in_after_the_end(
    client, as_role, roles, create_event, create_user
):
    ended = create_event(roles["chapter"], starts_at=soon() - timedelta(hours=4))
    rsvp = going(ended, create_user("Lou Late"))
    as_role("organiser")
    assert f'href="/events/{ended.id}/check-in">Check in attendees' in page_of(
        client.get(f"/events/{ended.id}")
    )
    assert client.post(f"/events/{ended.id}/check-in/rsvps/{rsvp.id}").status_code == 302
    assert fresh(rsvp).checked_in_at is not None
