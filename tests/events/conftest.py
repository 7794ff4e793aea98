"""Helpers for the chapters and events tests."""

from __future__ import annotations

import pytest


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
