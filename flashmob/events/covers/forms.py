"""The cover upload form: one file field, checked by flashmob.images (the view reads at most 5 MB + 1)."""

from __future__ import annotations

from flask_wtf.file import FileField

from flashmob.forms import Form


class CoverForm(Form):
    cover = FileField("Cover picture")
