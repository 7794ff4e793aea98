"""The keys lists page by (flashmob.paging): what an address may carry, and what it may not."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from flashmob.paging import Key


def test_a_key_goes_into_an_address_and_back_to_the_microsecond():
    key = Key(datetime(2026, 3, 4, 18, 30, 5, 123456, tzinfo=UTC), 42)
    assert str(key) == "20260304183005123456,42"
    assert Key.parse(str(key)) == key


def test_the_lessons_archives_older_keys_still_work():
    # The archive wrote "-" before its lists shared one helper; links saved then still open their page.
    assert Key.parse("20260304183005123456-42") == Key(
        datetime(2026, 3, 4, 18, 30, 5, 123456, tzinfo=UTC), 42
    )


@pytest.mark.parametrize("raw", [None, ""])
def test_no_key_is_the_first_page(raw):
    assert Key.parse(raw) is None


@pytest.mark.parametrize(
    "raw",
    [
        "nonsense",
        "2026,1",
        "20260101000000000000,",
        "20261399000000000000,1",
        "20260101000000000000,99999999999",
        "20260101000000000000,2147483648",
        "20260101000000000000;1",
        "\x00",
    ],
)
def test_anything_else_is_not_a_key(raw):
    with pytest.raises(ValueError):
        Key.parse(raw)
