"""Forms for events: an organiser describing one, with or without its date, and cancelling it."""

from __future__ import annotations

from markupsafe import Markup
from wtforms import (
    BooleanField,
    IntegerField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields import DateTimeLocalField
from wtforms.validators import (
    InputRequired,
    Length,
    NumberRange,
    Optional,
    StopValidation,
)

from flashmob.events.evenings.services import (
    DEFAULT_OFFER_HOLD_HOURS,
    DEFAULT_OFFER_WINDOW_HOURS,
    MAX_CAPACITY,
    MAX_OFFER_HOLD_HOURS,
    MAX_OFFER_WINDOW_HOURS,
    EventDetails,
)
from flashmob.events.models import Event
from flashmob.forms import Form, TimeZoneField, strip_text
from flashmob.markdown import render_markdown
from flashmob.types import column_length

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


class EventForm(Form):
    """An organiser describing an event; times are wall-clock times in the chosen zone."""

    title = StringField(
        "Title",
        validators=[InputRequired("Please give the event a title."), Length(max=column_length(Event.title))],
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
    date_hint = StringField(
        "When, roughly", validators=[Length(max=column_length(Event.date_hint))], filters=[strip_text]
    )
    venue_name = StringField(
        "Venue", validators=[Length(max=column_length(Event.venue_name))], filters=[strip_text]
    )
    venue_address = StringField(
        "Venue address", validators=[Length(max=column_length(Event.venue_address))], filters=[strip_text]
    )
    description = TextAreaField("Description", validators=[Length(max=20_000)])
    capacity = IntegerField(
        "How many people can come",
        validators=[
            Optional(),
            NumberRange(
                min=1,
                max=MAX_CAPACITY,
                message=f"Capacity must be a whole number from 1 to {MAX_CAPACITY:,}, or empty for no limit.",
            ),
        ],
    )
    requires_approval = BooleanField("Approve each request before it becomes a seat")
    offer_window_hours = IntegerField(
        "Give freed seats straight away until this many hours before the start",
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
        "Hours someone has to take up an offered seat",
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
    preview = SubmitField("Preview description")
    save = SubmitField("Save draft")
    publish = SubmitField("Publish")

    def __init__(self, *args, home_zone: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.timezone.lead_with(home_zone)

    def copy_from(self, event: Event) -> None:
        """Start from a previous evening: its words, place and RSVP settings, but not its date."""
        self.title.data = event.title
        self.venue_name.data = event.venue_name
        self.venue_address.data = event.venue_address
        self.description.data = event.description
        self.capacity.data = event.capacity
        self.requires_approval.data = event.requires_approval
        self.offer_window_hours.data = event.offer_window_hours
        self.offer_hold_hours.data = event.offer_hold_hours

    def description_preview(self) -> Markup | None:
        """The description as the event's page will show it, when "Preview description" was pressed.

        Nothing is saved; only the description is checked, so that a half-filled form can be previewed.
        """
        if not (self.is_submitted() and self.preview.data):
            return None
        # (CSRFProtect has already checked the form's token, as for every POST.)
        if "description" in getattr(self.meta, "refused_input", {}) or not self.description.validate(self):
            return None  # the full check follows, and shows what is wrong
        return render_markdown(self.description.data)

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
