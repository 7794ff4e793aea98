"""Posting in discussions is limited per member: the eleventh post in a minute gets a polite 429."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from flashmob import create_app
from flashmob.discussions.threads.models import Post
from flashmob.extensions import db, limiter
from flashmob.members import sessions


@pytest.fixture
def limited_app(app, database_url):
    yield create_app(
        {
            "SQLALCHEMY_DATABASE_URI": database_url,
            "RATELIMIT_ENABLED": True,
            "DISCUSSION_RATE_LIMIT": "3 per minute",
        }
    )
    # The limiter is one object per process and init_app() switched it on for every app: switch it back.
    limiter.reset()
    limiter.init_app(app)
    assert not limiter.enabled


def _signed_in_client(flask_app, user):
    client = flask_app.test_client()
    sign_in = sessions.sign_in(user, user_agent="pytest", remember=False)
    db.session.commit()
    with client.session_transaction() as session:
        session["_user_id"] = sign_in.token
        session["_fresh"] = True
    return client


def test_the_fourth_post_in_a_minute_is_refused_with_a_429(limited_app, people):
    client = _signed_in_client(limited_app, people["member"])
    path = f"/discussions/event/{people['event'].id}/comments"
    for number in range(3):
        assert client.post(path, data={"body": f"Comment {number}"}).status_code == 302
    response = client.post(path, data={"body": "One too many"})

    assert response.status_code == 429
    assert "<h1>Slow down</h1>" in response.text
    assert "Retry-After" in response.headers
    assert db.session.scalar(select(func.count(Post.id))) == 3
    # Someone else is not held back by the first member's posts.
    other = _signed_in_client(limited_app, people["author"])
    assert other.post(path, data={"body": "My turn"}).status_code == 302
