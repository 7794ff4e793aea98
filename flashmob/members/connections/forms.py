"""Forms for connecting: asking (a note and where you met), and a private note about a connection."""

from __future__ import annotations

from wtforms import SelectField, TextAreaField
from wtforms.validators import Length, Optional, ValidationError

from flashmob.forms import Form, strip_text
from flashmob.members.connections.services import MESSAGE_MAX, NOTE_MAX

NO_EVENING = ""


class AskForm(Form):
    """Ask a member to connect: an optional note, and the evening where you met (one you both went to)."""

    message = TextAreaField(
        "A note to go with your request (optional)",
        filters=[strip_text],
        validators=[Optional(), Length(max=MESSAGE_MAX)],
    )
    event_id = SelectField("Where you met", validate_choice=False)

    @classmethod
    def for_evenings(cls, evenings, **kwargs) -> AskForm:
        """The form, offering the evenings both people went to (most recent first)."""
        form = cls(**kwargs)
        form.event_id.choices = [(NO_EVENING, "Not at a Flashmob evening")] + [
            (str(event.id), f"{event.title} ({event.chapter.name})") for event in evenings
        ]
        if not form.is_submitted():
            form.event_id.data = str(evenings[0].id) if evenings else NO_EVENING
        return form

    def validate_event_id(self, field):
        if field.data not in {value for value, _ in field.choices}:
            raise ValidationError("Choose one of the evenings you both went to, or none.")

    @property
    def chosen_event_id(self) -> int | None:
        return int(self.event_id.data) if self.event_id.data else None


class NoteForm(Form):
    """Your private note about a connection: only you ever see it."""

    body = TextAreaField(
        "Your private note",
        filters=[strip_text],
        validators=[Optional(), Length(max=NOTE_MAX)],
        render_kw={"maxlength": NOTE_MAX, "rows": 2},
    )
