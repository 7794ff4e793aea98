"""The profile editor and the picture upload, checked field by field (the rules live in profiles.services)."""

from __future__ import annotations

from flask_wtf.file import FileField
from wtforms import BooleanField, IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from flashmob.forms import Form, strip_text
from flashmob.members.models import MemberProfile, PmoKind, ProfileVisibility, User
from flashmob.members.profiles import services
from flashmob.types import column_length


class _Checked:
    """Run one of the service's checks on the field, keeping the cleaned value it returns."""

    def __init__(self, check):
        self.check = check

    def __call__(self, form, field):
        try:
            field.data = self.check(field.data or "")
        except services.ProfileError as exc:
            raise ValidationError(str(exc)) from None


YEARS_MESSAGE = f"Please give a number of years from 0 to {services.MAX_YEARS}."


def _choice_of(vocabulary):
    """Coerce to the enum, leaving anything else as it came, so the field says "Not a valid choice"."""

    def coerce(value):
        if value in (None, ""):
            return None
        try:
            return vocabulary(value)
        except ValueError:
            return value

    return coerce


class ProfileForm(Form):
    display_name = StringField(
        "Display name",
        filters=[strip_text],
        validators=[DataRequired("Tell us what to call you."), Length(max=column_length(User.display_name))],
        render_kw={"autocomplete": "name"},
    )
    headline = StringField(
        "Headline", filters=[strip_text], validators=[Length(max=column_length(MemberProfile.headline))]
    )
    organisation = StringField(
        "Organisation",
        filters=[strip_text],
        validators=[Length(max=column_length(MemberProfile.organisation))],
        render_kw={"autocomplete": "organization"},
    )
    pmo_kind = SelectField(
        "Kind of PMO",
        choices=[
            SelectChoice("", "Not saying"),
            *(SelectChoice(kind.value, name) for kind, name in services.PMO_KIND_LABELS.items()),
        ],
        coerce=_choice_of(PmoKind),
        validate_choice=True,
    )
    years_in_pmo = IntegerField(
        "Years in PMO work",
        validators=[
            Optional(),
            NumberRange(0, services.MAX_YEARS, YEARS_MESSAGE),
        ],
        render_kw={"inputmode": "numeric", "min": 0, "max": services.MAX_YEARS},
    )
    bio = TextAreaField("About you", filters=[strip_text], validators=[Length(max=5000)])
    expertise = StringField(
        "What you know about",
        filters=[strip_text],
        validators=[Length(max=600)],
        render_kw={"list": "tag-suggestions", "autocomplete": "off"},
    )
    interests = StringField(
        "What you want to talk about",
        filters=[strip_text],
        validators=[Length(max=600)],
        render_kw={"list": "tag-suggestions", "autocomplete": "off"},
    )
    linkedin_url = StringField(
        "LinkedIn address",
        filters=[strip_text],
        validators=[
            Length(max=column_length(MemberProfile.linkedin_url)),
            _Checked(services.normalise_linkedin),
        ],
        render_kw={"inputmode": "url", "spellcheck": "false"},
    )
    website_url = StringField(
        "Website",
        filters=[strip_text],
        validators=[
            Length(max=column_length(MemberProfile.website_url)),
            _Checked(services.normalise_website),
        ],
        render_kw={"inputmode": "url", "spellcheck": "false", "autocomplete": "url"},
    )
    phone = StringField(
        "Phone number",
        filters=[strip_text],
        validators=[Length(max=column_length(MemberProfile.phone)), _Checked(services.normalise_phone)],
        render_kw={"autocomplete": "tel", "inputmode": "tel"},
    )
    visibility = RadioField(
        "Who can see your profile",
        choices=[SelectChoice(choice.value, label) for choice, label in services.VISIBILITY_LABELS.items()],
        coerce=_choice_of(ProfileVisibility),
        default=ProfileVisibility.MEMBERS.value,
    )
    listed_on_attendee_lists = BooleanField("Show me in “Who's coming” on the evenings I go to", default=True)
    share_email_with_connections = BooleanField("Share my email address with my connections")
    share_phone_with_connections = BooleanField("Share my phone number with my connections")

    def details(self) -> services.ProfileDetails:
        return services.ProfileDetails(
            display_name=self.display_name.data,
            headline=self.headline.data or "",
            organisation=self.organisation.data or "",
            pmo_kind=self.pmo_kind.data,
            years_in_pmo=self.years_in_pmo.data,
            bio=self.bio.data or "",
            linkedin_url=self.linkedin_url.data or "",
            website_url=self.website_url.data or "",
            phone=self.phone.data or "",
            expertise=self.expertise.data or "",
            interests=self.interests.data or "",
            visibility=self.visibility.data,
            listed_on_attendee_lists=self.listed_on_attendee_lists.data,
            share_email_with_connections=self.share_email_with_connections.data,
            share_phone_with_connections=self.share_phone_with_connections.data,
        )


class PictureForm(Form):
    picture = FileField("Your picture")
