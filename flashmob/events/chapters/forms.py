"""Forms for chapters: an admin starting or editing one, and appointing its organisers."""

from __future__ import annotations

from wtforms import EmailField, StringField, SubmitField, TextAreaField
from wtforms.validators import Email, InputRequired, Length, Optional

from flashmob.forms import Form, TimeZoneField, strip_text


class ChapterForm(Form):
    """An admin editing a chapter."""

    name = StringField(
        "Name",
        validators=[InputRequired("Please give the chapter a name."), Length(max=80)],
        filters=[strip_text],
    )
    city = StringField(
        "City",
        validators=[InputRequired("Please say which city the chapter meets in."), Length(max=80)],
        filters=[strip_text],
    )
    timezone = TimeZoneField("Time zone", default="Europe/London")
    description = TextAreaField("Description", validators=[Length(max=10_000)])
    submit = SubmitField("Save chapter")


class NewChapterForm(ChapterForm):
    """An admin starting a chapter: the address can be chosen once, at the start."""

    slug = StringField(
        "Web address",
        validators=[Optional(), Length(max=60)],
        filters=[strip_text],
    )
    submit = SubmitField("Create chapter")


class AppointOrganiserForm(Form):
    email = EmailField(
        "Email address of the member",
        validators=[
            InputRequired("Please give the email address of a member."),
            Email("That does not look like an email address."),
            Length(max=254),
        ],
        filters=[strip_text],
    )
    submit = SubmitField("Appoint organiser")
