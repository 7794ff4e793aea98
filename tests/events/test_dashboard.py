"""The organiser's dashboard: who may see it, the figures it gives, its charts and its CSV."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest

from flashmob.discussions.threads import services as threads
from flashmob.events.dashboard import queries
from flashmob.events.models import EventStatus, MembershipRole, Rsvp, RsvpStatus, WalkIn
from flashmob.extensions import db
from tests.conftest import ROLE_NAMES
from tests.events.conftest import signs_in

NOW = datetime.now(UTC).replace(second=0, microsecond=0)


def _rsvp(event, user, status=RsvpStatus.GOING, checked_in=False):
    db.session.add(
        Rsvp(
            event_id=event.id,
            user_id=user.id,
            status=status,
            waitlisted_at=NOW if status == RsvpStatus.WAITLISTED else None,
            checked_in_at=event.starts_at + timedelta(minutes=10) if checked_in else None,
        )
    )


@pytest.fixture
def evenings(roles, create_event, create_user, add_member):
    """Birmingham's evenings with known figures, and a London evening its organisers must not see.

    first (60 days ago, check-in used): Ada came, Ben did not, Cleo came, Dee walked in without an account.
    second (30 days ago, check-in not used): Ada and Eve going.
    third (10 days ago, check-in used): Ben came, Ada on the waitlist, Cleo walked in as a member.
    """
    chapter, london = roles["chapter"], roles["other_chapter"]
    ada, ben, cleo, eve = (create_user(name) for name in ("Ada", "Ben", "Cleo", "Eve"))
    for person in (ada, ben, cleo, eve):
        add_member(chapter, person)
    first = create_event(chapter, title="First evening", starts_at=NOW - timedelta(days=60))
    second = create_event(chapter, title="=Second evening", starts_at=NOW - timedelta(days=30))
    third = create_event(chapter, title="Third evening", starts_at=NOW - timedelta(days=10))
    upcoming = create_event(chapter, title="Next evening", starts_at=NOW + timedelta(days=14), capacity=2)
    draft = create_event(chapter, title="Draft evening", status=EventStatus.DRAFT)
    called_off = create_event(
        chapter, title="Called off", starts_at=NOW - timedelta(days=20), status=EventStatus.CANCELLED
    )
    elsewhere = create_event(london, title="London evening", starts_at=NOW - timedelta(days=5))
    _rsvp(first, ada, checked_in=True)
    _rsvp(first, ben)
    _rsvp(first, cleo, checked_in=True)
    db.session.add(WalkIn(event_id=first.id, name="Dee", checked_in_at=first.starts_at))
    _rsvp(second, ada)
    _rsvp(second, eve)
    _rsvp(third, ben, checked_in=True)
    _rsvp(third, ada, RsvpStatus.WAITLISTED)
    db.session.add(WalkIn(event_id=third.id, name="Cleo", user_id=cleo.id, checked_in_at=third.starts_at))
    _rsvp(upcoming, ada)
    _rsvp(upcoming, ben)
    _rsvp(upcoming, cleo, RsvpStatus.WAITLISTED)
    _rsvp(upcoming, eve, RsvpStatus.PENDING)
    _rsvp(called_off, eve)
    _rsvp(elsewhere, roles["other_organiser"], checked_in=True)
    db.session.commit()
    return {
        "first": first,
        "second": second,
        "third": third,
        "upcoming": upcoming,
        "draft": draft,
        "called_off": called_off,
        "elsewhere": elsewhere,
    }


# Who may see it


@pytest.mark.parametrize("role", ROLE_NAMES)
def test_only_organisers_and_admins_reach_the_dashboard(role, as_role, client, evenings):
    as_role(role)
    page = client.get("/organise")
    export = client.get("/organise/figures.csv")
    if role == "anonymous":
        assert signs_in(page) and signs_in(export)
    elif role == "member":
        assert page.status_code == 403 and export.status_code == 403
    else:
        assert page.status_code == 200 and export.status_code == 200


def test_organisers_see_only_their_chapters_and_admins_see_all(as_role, client, evenings):
    as_role("other_organiser")
    theirs = client.get("/organise").get_data(as_text=True)
    assert "London evening" in theirs and "Birmingham" not in theirs and "Next evening" not in theirs
    as_role("organiser")
    page = client.get("/organise").get_data(as_text=True)
    assert "Next evening" in page and "London evening" not in page
    export = client.get("/organise/figures.csv").get_data(as_text=True)
    assert "Third evening" in export and "London evening" not in export
    as_role("admin")
    page = client.get("/organise").get_data(as_text=True)
    assert "Next evening" in page and "London evening" in page


def test_the_account_menu_links_the_dashboard_for_organisers_only(as_role, client, evenings):
    as_role("member")
    assert "/organise" not in client.get("/").get_data(as_text=True)
    as_role("organiser")
    assert 'href="/organise"' in client.get("/").get_data(as_text=True)


# The figures


def _by_title(figures):
    return {f.event.title: f for f in figures}


def test_the_figures_of_a_small_known_set_of_evenings(roles, evenings):
    figures = _by_title(queries.evening_figures([roles["chapter"]], NOW))
    assert "Called off" not in figures and "London evening" not in figures
    first, second, third = figures["First evening"], figures["=Second evening"], figures["Third evening"]
    assert (first.going, first.checked_in, first.walk_ins, first.came, first.no_shows) == (3, 2, 1, 3, 1)
    assert (first.new_members, first.returning_members) == (3, 0)
    # Nobody was checked in: how many came is not known, not 0.
    assert (second.going, second.checked_in, second.came, second.no_shows) == (2, None, None, None)
    assert not second.check_in_used
    assert (second.new_members, second.returning_members) == (1, 1)
    assert (third.going, third.waitlisted, third.checked_in) == (1, 1, 1)
    assert (third.walk_ins, third.no_shows) == (1, 0)
    assert (third.new_members, third.returning_members) == (0, 2)
    upcoming = figures["Next evening"]
    assert (upcoming.going, upcoming.waitlisted, upcoming.pending) == (2, 1, 1)
    assert upcoming.seats_taken == "2 of 2 seats taken"


def test_chapter_totals_count_turnout_only_where_check_in_was_used(roles, evenings):
    board = queries.dashboard(roles["organiser"], NOW).boards[0]
    assert [f.event.title for f in board.past] == ["Third evening", "=Second evening", "First evening"]
    assert [f.event.title for f in board.upcoming] == ["Next evening"]
    assert [e.title for e in board.drafts] == ["Draft evening"]
    totals = board.totals
    assert (totals.evenings, totals.going, totals.checked_evenings) == (3, 6, 2)
    assert (totals.going_at_checked, totals.came, totals.no_shows) == (4, 5, 1)
    assert (totals.new_members, totals.returning_members) == (4, 3)


def test_what_needs_them_links_requests_and_reports(roles, as_role, client, evenings):
    topic = threads.start_topic(roles["chapter"], "Risk logs", "Who reads them?", actor=roles["member"])
    threads.report_post(topic.post, "Off topic", actor=roles["organiser"])
    db.session.commit()
    as_role("organiser")
    page = client.get("/organise").get_data(as_text=True)
    assert f'href="/events/{evenings["upcoming"].id}/attendees">1 request to approve for Next evening' in page
    assert 'href="/chapters/birmingham/moderation">1 report to look at' in page


def test_recent_sign_ups_are_the_last_30_days(roles, as_role, client, evenings, create_user, add_member):
    old = add_member(roles["chapter"], create_user("Olga Oldtimer"))
    old.joined_at = NOW - timedelta(days=45)
    db.session.commit()
    as_role("organiser")
    page = client.get("/organise").get_data(as_text=True)
    assert "Ada</a> joined Birmingham" in page
    assert "Olga Oldtimer" not in page


def test_the_dashboard_runs_the_same_number_of_queries_for_3_or_30_evenings(
    roles, as_role, client, count_queries, create_event, create_user
):
    as_role("organiser")
    chapter = roles["chapter"]

    def add_evenings(count, start):
        for n in range(count):
            event = create_event(chapter, starts_at=NOW - timedelta(days=start + n))
            person = create_user()
            _rsvp(event, person, checked_in=n % 2 == 0)
            db.session.add(WalkIn(event_id=event.id, name="Walk-in", user_id=None))
        db.session.commit()

    add_evenings(3, 1)
    client.get("/organise")  # the first request warms caches
    with count_queries() as few:
        assert client.get("/organise").status_code == 200
    add_evenings(27, 10)
    with count_queries() as many:
        page = client.get("/organise")
    assert page.status_code == 200
    assert page.get_data(as_text=True).count("<tr>") > 30
    assert many.count == few.count, (few.statements, many.statements)
    # Signing in (2), then the chapters, evenings, RSVP and walk-in counts, visits, reports and sign-ups.
    assert few.count <= 10


# The CSV


def test_the_csv_export_has_every_evening_with_its_figures(as_role, client, evenings):
    as_role("organiser")
    response = client.get("/organise/figures.csv")
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert ".csv" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0] == [
        "Date",
        "Chapter",
        "Evening",
        "RSVPs going",
        "Waitlisted",
        "Checked in",
        "Walk-ins",
        "No-shows",
        "New members",
        "Returning members",
    ]
    by_title = {row[2]: row for row in rows[1:]}
    assert "Draft evening" not in by_title and "Called off" not in by_title
    assert by_title["First evening"][1:] == ["Birmingham", "First evening", "3", "0", "2", "1", "1", "3", "0"]
    # A title that a spreadsheet would run as a formula arrives as text; unknown turnout is blank.
    assert by_title["'=Second evening"][3:] == ["2", "0", "", "", "", "1", "1"]
    assert by_title["Next evening"][3:5] == ["2", "1"]


# The page


def test_charts_are_images_with_a_text_alternative(as_role, client, evenings):
    as_role("organiser")
    page = client.get("/organise").get_data(as_text=True)
    assert page.count('role="img"') == 2
    assert '<title id="turnout-birmingham-title">Birmingham: RSVPs and turnout</title>' in page
    assert 'aria-labelledby="turnout-birmingham-title turnout-birmingham-desc"' in page
    assert "<desc id=" in page and "<figcaption>" in page
    assert "Birmingham's evenings in figures" in page
    assert "not recorded" in page  # the second evening, where check-in was not used
    assert "style=" not in page and "<script" not in page


def test_chart_text_is_escaped(roles, as_role, client, evenings):
    roles["chapter"].name = "<b>Brum</b>"
    db.session.commit()
    as_role("organiser")
    page = client.get("/organise").get_data(as_text=True)
    assert "<b>Brum</b>" not in page
    assert "&lt;b&gt;Brum&lt;/b&gt;: RSVPs and turnout" in page


def test_a_new_chapter_says_to_plan_the_first_evening(as_role, client, roles, create_chapter, add_member):
    quiet = create_chapter("Leeds")
    add_member(quiet, roles["organiser"], MembershipRole.ORGANISER)
    as_role("organiser")
    page = client.get("/organise").get_data(as_text=True)
    assert "No evenings yet — plan your first." in page
    assert 'href="/chapters/leeds/events/new"' in page
    assert 'role="img"' not in page


def test_an_admin_on_a_site_without_chapters_is_asked_to_start_one(client, login, create_user):
    login(create_user("Ada Admin", is_admin=True))
    page = client.get("/organise")
    assert page.status_code == 200
    assert "There are no chapters yet." in page.text and 'href="/chapters/new"' in page.text
