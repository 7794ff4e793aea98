"""Tags: one idea is one tag, however it is typed; lists are checked before they are kept."""

from __future__ import annotations

import re

import pytest

from flashmob.extensions import db
from flashmob.tags import (
    MAX_TAGS_PER_LIST,
    TagError,
    parse_tag_list,
    tag_for_slug,
    tag_names_like,
    tags_named,
)


def test_spellings_of_one_tag_are_one_tag(app):
    first = tags_named(["Benefits realisation"])
    again = tags_named(["  benefits   REALISATION "])
    db.session.commit()

    assert first == again
    assert first[0].name == "Benefits realisation"
    assert first[0].slug == "benefits-realisation"
    assert tag_for_slug("benefits-realisation") is first[0]


def test_tags_keep_the_order_given_and_new_ones_are_made(app):
    tags_named(["RAID logs"])
    tags = tags_named(["Reporting", "RAID logs", "Gateways"])

    assert [tag.name for tag in tags] == ["Reporting", "RAID logs", "Gateways"]


def test_two_names_with_one_slug_get_two_addresses(app):
    plain, plus = tags_named(["C sharp", "C# sharp"])

    assert plain != plus
    assert {plain.slug, plus.slug} == {"c-sharp", "c-sharp-2"}


def test_a_typed_list_is_split_cleaned_and_deduplicated():
    assert parse_tag_list("Risk, risk ,\nBenefits; Reporting,,") == ["Risk", "Benefits", "Reporting"]


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("x" * 41, "40 characters"),
        ("!!!", "letters (A to Z) or digits"),
        (", ".join(f"tag {n}" for n in range(MAX_TAGS_PER_LIST + 1)), f"at most {MAX_TAGS_PER_LIST}"),
    ],
)
def test_a_list_that_cannot_be_kept_gets_a_message(typed, message):
    with pytest.raises(TagError, match=re.escape(message)) as raised:
        parse_tag_list(typed)
    assert raised.value.status == 422


def test_suggestions_start_with_what_was_typed(app):
    tags_named(["Portfolio offices", "Portfolio reporting", "Risk"])

    assert tag_names_like("portf") == ["Portfolio offices", "Portfolio reporting"]
    assert tag_names_like("50%_") == []


@pytest.mark.parametrize(
    ("name", "letters"),
    [
        ("Ada Lovelace", "AL"),
        ("Olu", "O"),
        ("mary ann de la cruz", "MC"),
        ("  ", "?"),
        (None, "?"),
        ("(Ben) Okafor", "BO"),
        ("--", "?"),
    ],
)
def test_initials_for_avatars(name, letters):
    from flashmob.templating import initials

    assert initials(name) == letters
