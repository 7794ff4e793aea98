"""Password hashing with argon2id, and the strength rules for new passwords."""

from __future__ import annotations

import functools
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from flask import current_app, has_app_context

MIN_LENGTH = 10
MAX_LENGTH = 128

# Passwords people reach for first; refused whatever their length.
COMMON_PASSWORDS = frozenset(
    {
        "password", "password1", "password12", "password123", "passw0rd", "qwerty", "qwertyuiop",
        "1234567890", "12345678910", "123456789", "iloveyou", "letmein123", "welcome123",
        "administrator", "changeme123", "flashmob", "pmoflashmob", "projectmanager",
    }
)


def _settings() -> tuple[tuple[str, int], ...]:
    """The app's argon2 costs, as a hashable key; empty (argon2's defaults) outside an app."""
    if has_app_context():
        return (
            ("time_cost", current_app.config["PASSWORD_HASH_TIME_COST"]),
            ("memory_cost", current_app.config["PASSWORD_HASH_MEMORY_COST"]),
        )
    return ()


def _hasher() -> PasswordHasher:
    return PasswordHasher(**dict(_settings()))


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher().verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


@functools.cache
def _decoy_hash(settings: tuple[tuple[str, int], ...]) -> str:
    # A hash of a password nobody knows, made once per process for each set of costs (the key), so
    # that checking against it costs what checking a real account's password costs.
    return _hasher().hash(secrets.token_urlsafe(32))


def verify_decoy(password: str) -> None:
    """Check a password against the decoy, for an address with no account: the work of a real check."""
    verify_password(_decoy_hash(_settings()), password)


def needs_rehash(password_hash: str) -> bool:
    """Whether a stored hash was made with weaker settings than today's."""
    try:
        return _hasher().check_needs_rehash(password_hash)
    except InvalidHashError:
        return True


def password_problems(password: str, *, email: str = "", display_name: str = "") -> list[str]:
    """What is wrong with a new password, in words a person can act on; empty when it is fine."""
    problems = []
    if len(password) < MIN_LENGTH:
        problems.append(f"Use at least {MIN_LENGTH} characters.")
    if len(password) > MAX_LENGTH:
        problems.append(f"Use at most {MAX_LENGTH} characters.")
    lowered = password.lower()
    if lowered in COMMON_PASSWORDS or lowered.strip("0123456789!") in COMMON_PASSWORDS:
        problems.append("That password is too common; choose one that others would not guess.")
    if len(set(password)) < 4:
        problems.append("Use a greater variety of characters.")
    local_part = email.split("@")[0].lower()
    if local_part and len(local_part) >= 4 and local_part in lowered:
        problems.append("Do not use your email address in your password.")
    name = display_name.lower().replace(" ", "")
    if len(name) >= 4 and name in lowered.replace(" ", ""):
        problems.append("Do not use your name in your password.")
    return problems
