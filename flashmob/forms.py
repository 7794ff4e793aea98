"""The base of every form: Flask-WTF's CSRF protection, and submitted text cleaned of control characters."""

from __future__ import annotations

import re

from flask import abort
from flask_wtf import FlaskForm
from werkzeug.datastructures import FileStorage, MultiDict
from wtforms.fields import FileField

# NUL and the other C0 controls (bar tab, line feed and carriage return) are never typed on purpose,
# PostgreSQL refuses NUL in text columns, and they break calendar feeds and email headers.
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

FILE_REFUSED = "This field takes typed text, not a file."
NOT_TEXT_REFUSED = "This field takes typed text."


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
