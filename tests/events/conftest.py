"""Helpers for the chapters and events tests."""

from __future__ import annotations

import pytest
from sqlalchemy import update

from flashmob.events.models import Event
from flashmob.extensions import db


@pytest.fixture
def as_role(roles, login):
    """Sign in as one of the role matrix's people by name ('anonymous' stays signed out)."""

    def _as(name: str):
        user = roles[name]
        if user is not None:
            login(user)
        return user

    return _as


def signs_in(response) -> bool:
    """Whether the answer sends the visitor to the sign-in page."""
    return response.status_code == 302 and "/login" in response.headers["Location"]


def store_dates(event, starts_at, ends_at):
    """Write an event's dates straight into its row, as data from before dates were checked."""
    db.session.execute(update(Event).where(Event.id == event.id).values(starts_at=starts_at, ends_at=ends_at))
    db.session.commit()
    db.session.expire_all()
