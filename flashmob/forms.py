"""The base of every form: Flask-WTF's CSRF protection, and submitted text cleaned of control characters."""

from __future__ import annotations

import re

from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict

# NUL and the other C0 controls (bar tab, line feed and carriage return) are never typed on purpose,
# PostgreSQL refuses NUL in text columns, and they break calendar feeds and email headers.
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def strip_control_characters(value: str) -> str:
    return _CONTROL_CHARACTERS.sub("", value)


class Form(FlaskForm):
    """A Flask-WTF form whose text input is cleaned before any field sees it."""

    class Meta(FlaskForm.Meta):
        def wrap_formdata(self, form, formdata):
            formdata = super().wrap_formdata(form, formdata)
            if formdata is None:
                return None
            cleaned = MultiDict()
            for key, value in formdata.items(multi=True):
                cleaned.add(key, strip_control_characters(value) if isinstance(value, str) else value)
            return cleaned
