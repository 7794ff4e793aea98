"""Whether an address has an account must not show in how long an answer takes.

Measured as work, not time: each path must make the same argon2 hashes and checks, counted by wrapping
the hasher that flashmob.members.passwords hands out. No test here reads a clock.
"""

from __future__ import annotations

from collections import Counter

import pytest

from flashmob.members import passwords, services
from tests.members.conftest import NEW_PASSWORD


class _CountingHasher:
    """The real argon2 hasher, counting the slow calls."""

    def __init__(self, real, counts: Counter):
        self._real = real
        self._counts = counts

    def hash(self, password, **kwargs):
        self._counts["hash"] += 1
        return self._real.hash(password, **kwargs)

    def verify(self, password_hash, password):
        self._counts["verify"] += 1
        return self._real.verify(password_hash, password)

    def check_needs_rehash(self, password_hash):
        return self._real.check_needs_rehash(password_hash)


@pytest.fixture
def argon2_work(app, monkeypatch):
    """What argon2 did since the last reset: argon2_work() -> {"hash": n, "verify": n}; .reset()."""
    counts = Counter()
    real_hasher = passwords._hasher
    monkeypatch.setattr(passwords, "_hasher", lambda: _CountingHasher(real_hasher(), counts))

    class Work:
        def __call__(self) -> dict[str, int]:
            return {"hash": counts["hash"], "verify": counts["verify"]}

        def reset(self) -> None:
            counts.clear()

    return Work()


def _failed_sign_in(email: str, password: str) -> None:
    with pytest.raises(services.InvalidCredentials):
        services.authenticate(email, password)


def test_signing_in_with_an_unknown_address_does_the_work_of_a_wrong_password(ada, argon2_work):
    _failed_sign_in("nobody@example.org", "a guess at it")  # the decoy is made once per process
    argon2_work.reset()
    _failed_sign_in("ada@example.org", "a guess at it")
    known = argon2_work()
    argon2_work.reset()
    _failed_sign_in("nobody@example.org", "a guess at it")
    unknown = argon2_work()
    assert known == unknown == {"hash": 0, "verify": 1}


def test_the_decoy_hash_is_made_once_with_todays_costs(app, argon2_work, monkeypatch):
    passwords._decoy_hash.cache_clear()
    for _ in range(3):
        _failed_sign_in("nobody@example.org", "a guess at it")
    assert argon2_work() == {"hash": 1, "verify": 3}
    # Stronger settings make a new decoy, so that checking it costs what checking a new hash costs.
    monkeypatch.setitem(app.config, "PASSWORD_HASH_TIME_COST", app.config["PASSWORD_HASH_TIME_COST"] + 1)
    argon2_work.reset()
    _failed_sign_in("nobody@example.org", "a guess at it")
    assert argon2_work() == {"hash": 1, "verify": 1}
    assert not passwords.needs_rehash(passwords._decoy_hash(passwords._settings()))


def test_signing_in_through_the_form_does_the_same_work_for_any_address(client, app, ada, argon2_work):
    app.test_client().post("/login", data={"email": "nobody@example.org", "password": "a guess at it"})
    argon2_work.reset()
    work = {}
    for email in ("ada@example.org", "nobody@example.org"):
        response = app.test_client().post("/login", data={"email": email, "password": "a guess at it"})
        assert response.status_code == 422
        work[email] = argon2_work()
        argon2_work.reset()
    assert work["ada@example.org"] == work["nobody@example.org"] == {"hash": 0, "verify": 1}


def test_registering_a_taken_address_does_the_work_of_registering_a_new_one(
    app, create_member, argon2_work, outbox
):
    create_member("Ada", "taken@example.org")
    argon2_work.reset()
    work = {}
    for email in ("taken@example.org", "fresh@example.org"):
        response = app.test_client().post(
            "/register",
            data={"email": email, "display_name": "Grace", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
        )
        assert response.headers["Location"] == "/register/check-inbox"
        work[email] = argon2_work()
        argon2_work.reset()
    assert work["taken@example.org"] == work["fresh@example.org"] == {"hash": 1, "verify": 0}
    [warning] = outbox("taken@example.org")
    assert warning.subject == "Someone tried to register with your address"
