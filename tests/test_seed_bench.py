"""`flask --app wsgi seed-bench` (bench/seed.py) at a tiny size, and the pieces of `make bench` that need no
server: the pages it measures render on the data it makes, and the load client counts what it gets."""

from __future__ import annotations

from sqlalchemy import func, select

from bench import http_bench, loadgen
from bench.seed import FEATURED_ATTENDEES, PROFILE_EMAIL, STORM_CAPACITY, Size, fixtures
from flashmob import search
from flashmob.discussions.models import Lesson
from flashmob.discussions.threads.models import Post
from flashmob.events.models import Chapter, Event, Rsvp, RsvpStatus
from flashmob.extensions import db
from flashmob.members.models import User

TINY = ["--chapters", "2", "--members", "80", "--events", "20", "--rsvps", "300", "--lessons", "12",
        "--comments", "30"]
TINY_SIZE = Size(chapters=2, members=80, events=20, rsvps=300, lessons=12, comments=30)


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _seed(app, *extra):
    return app.test_cli_runner().invoke(args=["seed-bench", *TINY, *extra])


def test_seed_bench_makes_the_rows_asked_for_and_the_pages_render(app, client):
    result = _seed(app)
    assert result.exit_code == 0, result.output
    assert "80 users" in result.output

    assert (_count(Chapter), _count(User), _count(Event), _count(Rsvp), _count(Lesson), _count(Post)) == (
        2, 80, 20, 300, 12, 30)
    fx = fixtures(TINY_SIZE)
    going = db.session.scalar(select(func.count()).where(
        Rsvp.event_id == fx.featured_event_id, Rsvp.status == RsvpStatus.GOING))
    assert 0 < going <= FEATURED_ATTENDEES
    assert db.session.get(Event, fx.storm_event_id).capacity == STORM_CAPACITY
    assert _count(Rsvp.__table__.select().where(Rsvp.event_id == fx.storm_event_id).subquery()) == 0
    # The search index is built as publishing builds it: a search finds the seeded lessons.
    assert search.search_lessons("risk register").total > 0

    profile = db.session.scalar(select(User).where(User.email == PROFILE_EMAIL))
    pages = [
        "/", f"/chapters/{fx.chapter_slug}", f"/events/{fx.featured_event_id}", "/lessons",
        "/lessons?q=risk+register", f"/members/{fx.profile_member_id}",
        f"/chapters/{fx.chapter_slug}/calendar.ics", "/calendar.ics", f"/calendar/{fx.calendar_token}.ics",
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
    assert profile.display_name in client.get(f"/members/{fx.profile_member_id}").get_data(as_text=True)


def test_seed_bench_refuses_a_database_with_data_and_is_the_same_each_time(app):
    assert _seed(app).exit_code == 0
    first = db.session.execute(select(Rsvp.event_id, Rsvp.user_id, Rsvp.status, Rsvp.ticket_code)
                               .order_by(Rsvp.id)).all()

    refused = _seed(app)
    assert refused.exit_code != 0
    assert "already has members or chapters" in refused.output

    db.session.remove()
    assert _seed(app, "--force").exit_code == 0
    again = db.session.execute(select(Rsvp.event_id, Rsvp.user_id, Rsvp.status, Rsvp.ticket_code)
                               .order_by(Rsvp.id)).all()
    assert again == first
    assert _count(User) == 80


def test_seed_bench_says_which_option_is_too_small(app):
    result = app.test_cli_runner().invoke(args=["seed-bench", "--chapters", "5", "--members", "20"])
    assert result.exit_code == 2
    assert "--members must be at least" in result.output
    assert _count(User) == 0


def test_the_load_client_counts_answers_and_the_results_section_replaces_the_last_run(tmp_path, monkeypatch):
    result = loadgen.measure_ceiling(2, 0.3)
    assert result.requests > 0
    assert not result.errors
    assert result.statuses == {200: result.requests}

    results = tmp_path / "RESULTS.md"
    results.write_text("# Benchmark results\n\n## Notes\n\nBy hand.\n")
    monkeypatch.setattr(http_bench, "RESULTS_MD", results)
    http_bench.write_section(f"{http_bench.HEADING}\n\nfirst run\n")
    http_bench.write_section(f"{http_bench.HEADING}\n\nsecond run\n")
    text = results.read_text()
    assert text.startswith("# Benchmark results\n\n## Notes\n\nBy hand.\n")
    assert text.count(http_bench.HEADING) == 1
    assert text.endswith("second run\n")
