"""Forms for the attendee list: an organiser giving someone waiting a seat."""

from __future__ import annotations

from wtforms import BooleanField

from flashmob.forms import Form


class PromoteForm(Form):
    """An organiser giving someone waiting a seat ahead of the line; raise_capacity adds a seat if full."""

    raise_capacity = BooleanField("Add a seat for them")
