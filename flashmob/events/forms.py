"""Forms for chapters and events; every POST, even a one-button action, carries a CSRF token."""

from __future__ import annotations

from wtforms import (
    BooleanField,
    EmailField,
    IntegerField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields import DateTimeLocalField
from wtforms.validators import (
    Email,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    StopValidation,
)

from flashmob.events.services import (
    DEFAULT_OFFER_HOLD_HOURS,
    DEFAULT_OFFER_WINDOW_HOURS,
    MAX_CAPACITY,
    MAX_OFFER_HOLD_HOURS,
    MAX_OFFER_WINDOW_HOURS,
    EventDetails,
)
from flashmob.forms import Form, TimeZoneField, strip_text

DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]
DATETIME_MESSAGE = "Please give a date and time, for example 2026-05-07 18:30."


def _or_default(value, default):
    return default if value is None else value


class RequiredUnlessDateTbc:
    """Required, unless the form's "Date not fixed yet" box is ticked: then it may be left empty."""

    def __init__(self, message: str):
        self.message = message

    def __call__(self, form, field):
        if field.raw_data and field.raw_data[0].strip():
            return
        # Like InputRequired: an empty box says this, not the parser's "not a valid date".
        field.errors[:] = []
        if form.date_tbc.data:
            raise StopValidation()
        raise StopValidation(self.message)


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


class EventForm(Form):
    """An organiser describing an event; times are wall-clock times in the chosen zone."""

    title = StringField(
        "Title",
        validators=[InputRequired("Please give the event a title."), Length(max=140)],
        filters=[strip_text],
    )
    starts_at = DateTimeLocalField(
        "Starts",
        format=DATETIME_FORMATS,
        invalid_value_message=DATETIME_MESSAGE,
        validators=[RequiredUnlessDateTbc("Please say when the event starts.")],
    )
    ends_at = DateTimeLocalField(
        "Ends",
        format=DATETIME_FORMATS,
        invalid_value_message=DATETIME_MESSAGE,
        validators=[RequiredUnlessDateTbc("Please say when the event ends.")],
    )
    timezone = TimeZoneField("Time zone")
    # A save-the-date: announced before the day is fixed; the service requires the hint then.
    date_tbc = BooleanField("Date not fixed yet (save the date)")
    date_hint = StringField("When, roughly", validators=[Length(max=60)], filters=[strip_text])
    venue_name = StringField("Venue", validators=[Length(max=140)], filters=[strip_text])
    venue_address = StringField("Venue address", validators=[Length(max=255)], filters=[strip_text])
    description = TextAreaField("Description", validators=[Length(max=20_000)])
    capacity = IntegerField(
        "Capacity",
        validators=[
            Optional(),
            NumberRange(
                min=1,
                max=MAX_CAPACITY,
                message=f"Capacity must be a whole number from 1 to {MAX_CAPACITY:,}, or empty for no limit.",
            ),
        ],
    )
    requires_approval = BooleanField("Organisers approve each RSVP")
    offer_window_hours = IntegerField(
        "Offer freed seats in the last (hours)",
        default=DEFAULT_OFFER_WINDOW_HOURS,
        validators=[
            Optional(),
            NumberRange(
                min=0,
                max=MAX_OFFER_WINDOW_HOURS,
                message=f"Please give a whole number of hours from 0 to {MAX_OFFER_WINDOW_HOURS}.",
            ),
        ],
    )
    offer_hold_hours = IntegerField(
        "Hours to claim an offered seat",
        default=DEFAULT_OFFER_HOLD_HOURS,
        validators=[
            Optional(),
            NumberRange(
                min=1,
                max=MAX_OFFER_HOLD_HOURS,
                message=f"Please give a whole number of hours from 1 to {MAX_OFFER_HOLD_HOURS}.",
            ),
        ],
    )
    save = SubmitField("Save draft")
    publish = SubmitField("Publish")

    def details(self) -> EventDetails:
        return EventDetails(
            title=self.title.data or "",
            starts_at=self.starts_at.data,
            ends_at=self.ends_at.data,
            timezone=self.timezone.data,
            venue_name=self.venue_name.data or "",
            venue_address=self.venue_address.data or "",
            description=self.description.data or "",
            capacity=self.capacity.data,
            date_tbc=bool(self.date_tbc.data),
            date_hint=self.date_hint.data or "",
            requires_approval=bool(self.requires_approval.data),
            # Left empty: the usual 48 hours' window and 4 hours to claim.
            offer_window_hours=_or_default(self.offer_window_hours.data, DEFAULT_OFFER_WINDOW_HOURS),
            offer_hold_hours=_or_default(self.offer_hold_hours.data, DEFAULT_OFFER_HOLD_HOURS),
        )


class CancelEventForm(Form):
    reason = TextAreaField("Reason (optional)", validators=[Length(max=2_000)])
    submit = SubmitField("Cancel this event")


class PromoteForm(Form):
    """An organiser giving someone waiting a seat ahead of the line; raise_capacity adds a seat if full."""

    raise_capacity = BooleanField("Add a seat for them")


class CheckInSearchForm(Form):
    """The check-in page's search box: a GET form, so it carries no CSRF token."""

    class Meta:
        csrf = False

    q = StringField(
        "Find an attendee by name",
        validators=[Optional(), Length(max=80)],
        filters=[strip_text],
        render_kw={"type": "search", "autocomplete": "off", "spellcheck": "false"},
    )


class WalkInForm(Form):
    """An organiser adding someone who came without a seat booked."""

    name = StringField(
        "Name",
        validators=[InputRequired("Please give the person's name."), Length(max=80)],
        filters=[strip_text],
        render_kw={"autocomplete": "off"},
    )
    email = EmailField(
        "Email (optional)",
        validators=[
            Optional(),
            Email("Please give an email address like name@example.org."),
            Length(max=254),
        ],
        filters=[strip_text],
        render_kw={"autocomplete": "off"},
    )
    submit = SubmitField("Add walk-in")


class MessageForm(Form):
    """An organiser writing to the people coming to an event."""

    subject = StringField(
        "Subject",
        validators=[InputRequired("Please write a subject."), Length(max=150)],
        filters=[strip_text],
    )
    body = TextAreaField(
        "Message",
        validators=[InputRequired("Please write a message."), Length(max=10_000)],
        filters=[strip_text],
    )
    include_waitlisted = BooleanField("Also send it to the people on the waitlist")
