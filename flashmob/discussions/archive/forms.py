"""The archive's filter and search form (a GET form) and the vocabulary form."""

from __future__ import annotations

from wtforms import IntegerField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from flashmob.discussions.archive.queries import FIRST_YEAR, LAST_YEAR
from flashmob.forms import Form, strip_text
from flashmob.search import MAX_QUERY_LENGTH, SearchSynonym
from flashmob.types import column_length


class ArchiveForm(Form):
    """Search words and filters: read from the address, so it carries no CSRF token."""

    class Meta:
        csrf = False

    q = StringField(
        "Search the lessons",
        validators=[
            Optional(),
            Length(
                max=MAX_QUERY_LENGTH,
                message="A search cannot be longer than %(max)d characters: please use a few words.",
            ),
        ],
        filters=[strip_text],
        render_kw={"type": "search"},
    )
    chapter = SelectField("Chapter", default="", choices=[SelectChoice("", "All chapters")])
    year = IntegerField(
        "Year",
        validators=[
            Optional(),
            NumberRange(
                FIRST_YEAR, LAST_YEAR, message=f"Please give a year from {FIRST_YEAR} to {LAST_YEAR}."
            ),
        ],
        render_kw={"inputmode": "numeric"},
    )
    theme = SelectField("Theme", default="", choices=[SelectChoice("", "All themes")])

    def offer(self, chapters, themes) -> None:
        """The chapters and themes to choose from (those with published lessons)."""
        self.chapter.choices = [SelectChoice("", "All chapters")] + [
            SelectChoice(c.slug, c.name) for c in chapters
        ]
        self.theme.choices = [SelectChoice("", "All themes")] + [
            SelectChoice(t.tag.slug, t.tag.name) for t in themes
        ]


class SynonymForm(Form):
    """Two ways of saying one thing, for the search vocabulary."""

    term = StringField(
        "Word or phrase",
        validators=[
            InputRequired("Please give a word or phrase."),
            Length(max=column_length(SearchSynonym.term)),
        ],
        filters=[strip_text],
    )
    synonym = StringField(
        "Means the same as",
        validators=[
            InputRequired("Please give the other way of saying it."),
            Length(max=column_length(SearchSynonym.synonym)),
        ],
        filters=[strip_text],
    )
