"""The base of every form: Flask-WTF's CSRF protection, and submitted text cleaned of control characters.

Also the pieces forms share: the one-button ConfirmForm, the strip_text filter and the TimeZoneField.
"""

from __future__ import annotations

import re

from flask import abort
from flask_wtf import FlaskForm
from werkzeug.datastructures import FileStorage, MultiDict
from wtforms import SelectField
from wtforms.fields import FileField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import ValidationError

from flashmob.timezones import COMMON_ZONES, is_place_zone, place_zones, region, zone_label

# NUL and the other C0 controls (bar tab, line feed and carriage return) are never typed on purpose,
# PostgreSQL refuses NUL in text columns, and they break calendar feeds and email headers.
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

FILE_REFUSED = "This field takes typed text, not a file."
NOT_TEXT_REFUSED = "This field takes typed text."
# Every place's zone, grouped by region (UTC last) and read as "London (GMT/BST)": the place first, so typing
# its name in the list finds it.
def _place_order(name: str) -> tuple:
    return (region(name) == "Other", region(name), zone_label(name))


_PLACE_CHOICES = tuple(
    SelectChoice(name, zone_label(name), optgroup=region(name))
    for name in sorted(place_zones(), key=_place_order)
)
COMMON_GROUP = "Common"


def timezone_choices(home: str | None = None) -> list[SelectChoice]:
    """The home zone (a chapter's) and the common ones first, then every place by region."""
    common = [home] if is_place_zone(home) else []
    common += [name for name in COMMON_ZONES if name not in common]
    return [SelectChoice(name, zone_label(name), optgroup=COMMON_GROUP) for name in common] + list(
        _PLACE_CHOICES
    )


TIMEZONE_MESSAGE = "Please choose a time zone from the list."


def strip_control_characters(value: str) -> str:
    return _CONTROL_CHARACTERS.sub("", value)


def has_control_characters(value: str) -> bool:
    return _CONTROL_CHARACTERS.search(value) is not None


class Form(FlaskForm):
    """A Flask-WTF form whose text input is cleaned before any field sees it.

    Only text reaches a field that is not a FileField: a file (or, in a JSON body, a number, a list or
    null) sent to it is dropped and the field shows why, so no field or service ever meets an object
    where it expects a string.
    """

    class Meta(FlaskForm.Meta):
        def wrap_formdata(self, form, formdata):
            self.refused_input = {}
            try:
                formdata = super().wrap_formdata(form, formdata)
            except (TypeError, ValueError):
                abort(400)  # a JSON body that is not an object of named fields
            if formdata is None:
                return None
            fields = {field.name: field for field in form}
            cleaned = MultiDict()
            for key, value in formdata.items(multi=True):
                field = fields.get(key)
                if isinstance(value, str):
                    cleaned.add(key, strip_control_characters(value))
                elif isinstance(field, FileField):
                    cleaned.add(key, value)
                elif field is not None:
                    self.refused_input[field.short_name] = (
                        FILE_REFUSED if isinstance(value, FileStorage) else NOT_TEXT_REFUSED
                    )
                # Anything else is for no field of ours: nothing would read it, so it is left out.
            return cleaned

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        refused = getattr(self.meta, "refused_input", {})
        for name, message in refused.items():
            # The one message that helps: what the validators say about a field left empty would not.
            self[name].errors = [message]
        return valid and not refused


class ConfirmForm(Form):
    """A one-button action: the form only carries the CSRF token."""


def buttons_for(viewer) -> ConfirmForm | None:
    """The token for a public page's one-button forms, drawn from no request data; None for a visitor who
    is not signed in, who is shown no button: making a token would start a session for them, and keep the
    page from being shared with other visitors (flashmob/page_cache.py)."""
    return ConfirmForm(formdata=None) if viewer.is_authenticated else None


def strip_text(value):
    """A field filter: typed text without the spaces around it; anything else as it came."""
    return value.strip() if isinstance(value, str) else value


class TimeZoneField(SelectField):
    """A time zone from the list of real places (flashmob.timezones): never "localtime" or "Factory".

    The list opens with the common zones (and, given one, a home zone such as the chapter's); they
    appear again under their region, where only the first copy of the chosen zone is marked chosen.
    """

    def __init__(self, label: str, **kwargs):
        super().__init__(label, choices=timezone_choices(), **kwargs)

    def lead_with(self, home: str | None) -> None:
        """Put this zone first in the list."""
        self.choices = timezone_choices(home)

    def iter_groups(self):
        chosen = False
        for group, choices in super().iter_groups():
            shown = []
            for choice in choices:
                if choice.selected and chosen:
                    choice = choice._replace(selected=False)
                chosen = chosen or choice.selected
                shown.append(choice)
            yield group, shown

    def pre_validate(self, form):
        if not is_place_zone(self.data):
            raise ValidationError(TIMEZONE_MESSAGE)
