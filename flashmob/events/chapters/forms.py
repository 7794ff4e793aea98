"""Forms for chapters: an admin starting or editing one, and appointing its organisers."""

from __future__ import annotations

from wtforms import EmailField, StringField, SubmitField, TextAreaField
from wtforms.validators import Email, InputRequired, Length, Optional

from flashmob.events.models import Chapter
from flashmob.forms import Form, TimeZoneField, strip_text
from flashmob.members.models import User
from flashmob.types import column_length


class ChapterForm(Form):
    """An admin editing a chapter."""

    name = StringField(
        "Name",
        validators=[
            InputRequired("Please give the chapter a name."),
            Length(max=column_length(Chapter.name)),
        ],
        filters=[strip_text],
    )
    city = StringField(
        "City",
        validators=[
            InputRequired("Please say which city the chapter meets in."),
            Length(max=column_length(Chapter.city)),
        ],
        filters=[strip_text],
    )
    timezone = TimeZoneField("Time zone", default="Europe/London")
    description = TextAreaField("Description", validators=[Length(max=10_000)])
    submit = SubmitField("Save chapter")


class NewChapterForm(ChapterForm):
    """An admin starting a chapter: the address can be chosen once, at the start."""

    slug = StringField(
        "Web address",
        validators=[Optional(), Length(max=column_length(Chapter.slug))],
        filters=[strip_text],
    )
    submit = SubmitField("Create chapter")


class AppointOrganiserForm(Form):
    email = EmailField(
        "Email address of the member",
        validators=[
            InputRequired("Please give the email address of a member."),
            Email("That does not look like an email address."),
            Length(max=column_length(User.email)),
        ],
        filters=[strip_text],
    )
    submit = SubmitField("Appoint organiser")
