"""Forms for check-in on the night: finding an attendee by name, and adding a walk-in."""

from __future__ import annotations

from wtforms import EmailField, StringField, SubmitField
from wtforms.validators import Email, InputRequired, Length, Optional

from flashmob.events.models import WalkIn
from flashmob.forms import Form, strip_text
from flashmob.members.models import User
from flashmob.types import column_length


class CheckInSearchForm(Form):
    """The check-in page's search box: a GET form, so it carries no CSRF token."""

    class Meta:
        csrf = False

    q = StringField(
        "Find an attendee by name",
        validators=[Optional(), Length(max=column_length(User.display_name))],
        filters=[strip_text],
        render_kw={"type": "search", "autocomplete": "off", "spellcheck": "false"},
    )


class WalkInForm(Form):
    """An organiser adding someone who came without a seat booked."""

    name = StringField(
        "Name",
        validators=[InputRequired("Please give the person's name."), Length(max=column_length(WalkIn.name))],
        filters=[strip_text],
        render_kw={"autocomplete": "off"},
    )
    email = EmailField(
        "Email (optional)",
        validators=[
            Optional(),
            Email("Please give an email address like name@example.org."),
            Length(max=column_length(WalkIn.email)),
        ],
        filters=[strip_text],
        render_kw={"autocomplete": "off"},
    )
    submit = SubmitField("Add walk-in")
