"""Sign-ins kept on the server: signing out ends them for good, the account page lists and ends them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select, text, update

from flashmob import create_app
from flashmob.extensions import db
from flashmob.members import sessions
from flashmob.members.models import UserSession
from flashmob.types import utcnow
from tests.members.conftest import FIREFOX_ON_WINDOWS, PASSWORD, csrf_token_from

CHROME_ON_ANDROID = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0.0.0 Mobile Safari/537.36"
)
SAFARI_ON_IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.5 Mobile/15E148 Safari/604.1"
)


def _signed_in(browser) -> bool:
    return browser.get("/account").status_code == 200


def _sign_in_count(user) -> int:
    return db.session.scalar(select(func.count(UserSession.id)).where(UserSession.user_id == user.id))


def _copy_cookie(source, name: str, app):
    """A new browser holding a copy of one cookie of another, as a thief would."""
    cookie = source.get_cookie(name)
    assert cookie is not None, f"no {name} cookie to copy"
    thief = app.test_client()
    thief.set_cookie(name, cookie.value)
    return thief


# Signing out


def test_signing_out_ends_the_session_so_a_copied_session_cookie_stops_working(app, ada, sign_in_elsewhere):
    browser = sign_in_elsewhere(ada)
    thief = _copy_cookie(browser, "session", app)
    phone = sign_in_elsewhere(ada, user_agent=CHROME_ON_ANDROID)
    assert _signed_in(thief)
    browser.post("/logout")
    assert not _signed_in(browser)
    assert not _signed_in(thief)
    # Only that browser: the phone is another sign-in.
    assert _signed_in(phone)
    assert _sign_in_count(ada) == 1


def test_signing_out_ends_the_remember_me_cookie_too(app, ada, sign_in_elsewhere):
    browser = sign_in_elsewhere(ada, remember=True)
    thief = _copy_cookie(browser, "remember_token", app)
    assert _signed_in(thief)
    browser.post("/logout")
    assert browser.get_cookie("remember_token") is None
    assert not _signed_in(thief)


# Signing out everywhere else, and one other device


def test_sign_out_everywhere_else_ends_the_others_but_not_this_one(
    client, app, ada, create_member, sign_in_elsewhere
):
    here = sign_in_elsewhere(ada)
    others = [sign_in_elsewhere(ada, user_agent=CHROME_ON_ANDROID), sign_in_elsewhere(ada, remember=True)]
    remembered = _copy_cookie(others[1], "remember_token", app)
    grace = create_member("Grace Hopper", "grace@example.org")
    graces_browser = sign_in_elsewhere(grace)
    response = here.post("/account/sessions/sign-out-others")
    assert response.status_code == 302
    assert response.headers["Location"] == "/account#sessions"
    page = here.get("/account").text
    assert "You are signed out on 2 other devices. This one stays signed in." in page
    assert not any(_signed_in(other) for other in others)
    assert not _signed_in(remembered)
    assert _signed_in(graces_browser)
    assert _sign_in_count(ada) == 1


def test_sign_out_everywhere_else_with_nobody_else_says_so(ada, sign_in_elsewhere):
    here = sign_in_elsewhere(ada)
    here.post("/account/sessions/sign-out-others")
    assert "You were not signed in anywhere else." in here.get("/account").text
    assert _signed_in(here)


def test_anonymous_visitors_cannot_sign_anyone_out(client, ada, sign_in_elsewhere):
    browser = sign_in_elsewhere(ada)
    [sign_in] = db.session.scalars(select(UserSession))
    for path in ("/account/sessions/sign-out-others", f"/account/sessions/{sign_in.id}/sign-out"):
        response = client.post(path)
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/login?next=")
    assert _signed_in(browser)


def test_sign_out_everywhere_else_only_by_post_with_a_csrf_token(
    ada, login, client, sign_in_elsewhere, csrf_enabled
):
    login(ada)
    other = sign_in_elsewhere(ada)
    assert client.get("/account/sessions/sign-out-others").status_code == 405
    assert client.post("/account/sessions/sign-out-others").status_code == 400
    assert _signed_in(other)
    token = csrf_token_from(client.get("/account").text)
    assert client.post("/account/sessions/sign-out-others", data={"csrf_token": token}).status_code == 302
    assert not _signed_in(other)


def test_signing_out_one_other_device_from_the_account_page(ada, login, client, sign_in_elsewhere):
    login(ada)
    phone = sign_in_elsewhere(ada, user_agent=CHROME_ON_ANDROID)
    laptop = sign_in_elsewhere(ada)
    phone_sign_in = db.session.scalar(select(UserSession).where(UserSession.device == "Chrome on Android"))
    response = client.post(f"/account/sessions/{phone_sign_in.id}/sign-out")
    assert response.headers["Location"] == "/account#sessions"
    assert "Signed out of Chrome on Android." in client.get("/account").text
    assert not _signed_in(phone)
    assert _signed_in(laptop)
    assert _signed_in(client)


def test_nobody_signs_out_another_persons_device(ada, create_member, login, client, sign_in_elsewhere):
    grace = create_member("Grace Hopper", "grace@example.org")
    graces_browser = sign_in_elsewhere(grace)
    [graces_sign_in] = db.session.scalars(select(UserSession).where(UserSession.user_id == grace.id))
    login(ada)
    assert client.post(f"/account/sessions/{graces_sign_in.id}/sign-out").status_code == 403
    assert client.post("/account/sessions/99999/sign-out").status_code == 404
    assert _signed_in(graces_browser)


# Passwords end the other sign-ins


def test_changing_the_password_ends_the_other_sign_ins_and_copies_of_this_one(app, ada, sign_in_elsewhere):
    here = sign_in_elsewhere(ada, remember=True)
    copied_session = _copy_cookie(here, "session", app)
    copied_remember = _copy_cookie(here, "remember_token", app)
    phone = sign_in_elsewhere(ada, user_agent=CHROME_ON_ANDROID, remember=True)
    new = "tea and lessons learnt"
    response = here.post(
        "/account/password", data={"current_password": PASSWORD, "password": new, "confirm": new}
    )
    assert response.status_code == 302
    assert _signed_in(here)
    assert not _signed_in(phone)
    assert not _signed_in(copied_session)
    assert not _signed_in(copied_remember)
    # The browser that changed it stays remembered, with its new token.
    assert _signed_in(_copy_cookie(here, "remember_token", app))
    assert _sign_in_count(ada) == 1


# The account page


def test_account_page_lists_where_you_are_signed_in_and_nobody_elses(
    app, ada, create_member, sign_in_elsewhere
):
    here = sign_in_elsewhere(ada, user_agent=CHROME_ON_ANDROID)
    sign_in_elsewhere(ada, remember=True)
    grace = create_member("Grace Hopper", "grace@example.org")
    sign_in_elsewhere(grace, user_agent=SAFARI_ON_IPHONE)
    page = here.get("/account").text
    section = page[page.index('id="sessions"'):]
    assert "Where you're signed in" in section
    # This device first, then the others, most recently used first.
    assert section.index("Chrome on Android") < section.index("This device")
    assert section.index("This device") < section.index("Firefox on Windows")
    assert section.count("This device") == 1
    assert "Kept signed in" in section
    assert "Safari on iPhone" not in page
    assert section.count('action="/account/sessions/') == 2  # sign out Firefox; sign out everywhere else
    assert ">Sign out everywhere else</button>" in section


def test_account_page_with_one_sign_in_offers_no_sign_out_everywhere_else(ada, sign_in_elsewhere):
    page = sign_in_elsewhere(ada).get("/account").text
    assert "You are not signed in anywhere else." in page
    assert "Sign out everywhere else" not in page


def test_account_page_runs_the_same_queries_for_many_sign_ins(ada, sign_in_elsewhere, count_queries):
    here = sign_in_elsewhere(ada)
    with count_queries() as one:
        here.get("/account")
    for _ in range(4):
        sign_in_elsewhere(ada, user_agent=CHROME_ON_ANDROID)
    with count_queries() as five:
        page = here.get("/account").text
    assert page.count("Chrome on Android") == 4 * 2  # each card's name and its button's hidden label
    assert five.count == one.count


def test_the_signed_in_person_is_loaded_through_their_sign_in_in_one_query(
    ada, sign_in_elsewhere, count_queries
):
    here = sign_in_elsewhere(ada)
    with count_queries() as queries:
        here.get("/account")
    loads = [sql for sql in queries.statements if "user_sessions" in sql and sql.startswith("SELECT")]
    # The person with their sign-in, and the list on the account page.
    assert len(loads) == 2
    assert "JOIN user_sessions" in loads[0]


# Last seen, and sign-ins left unused


def _user_session_updates(statements) -> int:
    return sum(1 for sql in statements if sql.lstrip().upper().startswith("UPDATE USER_SESSIONS"))


def test_last_seen_is_written_every_few_minutes_not_on_every_request(ada, sign_in_elsewhere, count_queries):
    here = sign_in_elsewhere(ada)
    with count_queries() as fresh:
        for _ in range(3):
            assert _signed_in(here)
    assert _user_session_updates(fresh.statements) == 0
    earlier = utcnow() - timedelta(minutes=10)
    db.session.execute(update(UserSession).values(last_seen_at=earlier))
    db.session.commit()
    with count_queries() as stale:
        for _ in range(3):
            assert _signed_in(here)
    assert _user_session_updates(stale.statements) == 1
    db.session.expire_all()
    [sign_in] = db.session.scalars(select(UserSession))
    assert sign_in.last_seen_at > earlier + timedelta(minutes=9)


def test_a_sign_in_unused_for_longer_than_remember_me_lasts_is_ended(app, ada, sign_in_elsewhere):
    browser = sign_in_elsewhere(ada, remember=True)
    remembered = _copy_cookie(browser, "remember_token", app)
    db.session.execute(update(UserSession).values(last_seen_at=utcnow() - timedelta(days=31)))
    db.session.commit()
    assert not _signed_in(browser)
    assert not _signed_in(remembered)


def test_signing_in_prunes_everyones_sign_ins_left_unused(ada, create_member, sign_in_elsewhere):
    grace = create_member("Grace Hopper", "grace@example.org")
    sign_in_elsewhere(grace)
    sign_in_elsewhere(ada)
    db.session.execute(update(UserSession).values(last_seen_at=utcnow() - timedelta(days=31)))
    db.session.commit()
    sign_in_elsewhere(ada)
    assert _sign_in_count(grace) == 0
    assert _sign_in_count(ada) == 1


def test_only_a_hash_of_the_token_is_stored(ada, sign_in_elsewhere):
    browser = sign_in_elsewhere(ada)
    with browser.session_transaction() as session:
        token = session["_user_id"]
    [sign_in] = db.session.scalars(select(UserSession))
    assert sign_in.token_hash == sessions.hash_token(token) != token
    assert len(sign_in.token_hash) == 64


def test_deleting_an_account_deletes_its_sign_ins(ada, sign_in_elsewhere):
    sign_in_elsewhere(ada)
    db.session.delete(ada)
    db.session.commit()
    assert db.session.scalar(select(func.count(UserSession.id))) == 0


# Telling devices apart


@pytest.mark.parametrize(
    ("user_agent", "device"),
    [
        (FIREFOX_ON_WINDOWS, "Firefox on Windows"),
        (CHROME_ON_ANDROID, "Chrome on Android"),
        (SAFARI_ON_IPHONE, "Safari on iPhone"),
        (
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
            "Version/17.5 Safari/605.1.15",
            "Safari on macOS",
        ),
        (
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/126.0.0.0 Safari/537.36 Edg/126.0.0.0",
            "Edge on Windows",
        ),
        ("Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0", "Firefox on Linux"),
        ("curl/8.5.0", "curl/8.5.0"),
        ("", "Unknown device"),
        (None, "Unknown device"),
        ("\x00\x01", "Unknown device"),
    ],
)
def test_devices_are_described_in_a_few_words(user_agent, device):
    assert sessions.describe_device(user_agent) == device


# The migration


def test_upgrading_an_existing_sqlite_database_keeps_everyones_data(tmp_path):
    """The users table is rebuilt on SQLite; nothing that points at it may be lost on the way."""
    from flask_migrate import upgrade

    flask_app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'old.db'}"})
    with flask_app.app_context():
        upgrade(revision="6efce36320d9")
        with db.engine.begin() as conn:
            conn.execute(text(
                "INSERT INTO users (id, email, display_name, password_hash, session_token, created_at) "
                "VALUES (1, 'ada@example.org', 'Ada', 'x', 'old-token', '2025-01-01 00:00:00')"
            ))
            conn.execute(text(
                "INSERT INTO chapters (id, slug, name, city, timezone, created_at) "
                "VALUES (1, 'leeds', 'Leeds', 'Leeds', 'Europe/London', '2025-01-01 00:00:00')"
            ))
            conn.execute(text(
                "INSERT INTO chapter_memberships (chapter_id, user_id, role, joined_at) "
                "VALUES (1, 1, 'member', '2025-01-01 00:00:00')"
            ))
        upgrade()
        with db.engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM chapter_memberships")).scalar() == 1
            assert conn.execute(text("SELECT email FROM users")).scalar() == "ada@example.org"
            assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        db.engine.dispose()
