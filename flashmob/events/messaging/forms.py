"""Forms for messaging: an organiser writing to the people coming to an event."""

from __future__ import annotations

from wtforms import BooleanField, EmailField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from flashmob.events.messaging.emails import BODY_MAX, SUBJECT_MAX
from flashmob.forms import Form, strip_text
from flashmob.members.forms import ValidEmail
from flashmob.outbox import OutboxMessage
from flashmob.types import column_length


class MessageForm(Form):
    """An organiser writing to the people coming to an event."""

    subject = StringField(
        "Subject",
        validators=[InputRequired("Please write a subject."), Length(max=SUBJECT_MAX)],
        filters=[strip_text],
    )
    body = TextAreaField(
        "Message",
        validators=[InputRequired("Please write a message."), Length(max=BODY_MAX)],
        filters=[strip_text],
    )
    include_waitlisted = BooleanField("Also send it to the people on the waitlist")
    reply_to = EmailField(
        "Replies go to",
        validators=[Optional(), Length(max=column_length(OutboxMessage.reply_to)), ValidEmail()],
        filters=[strip_text],
        render_kw={"autocomplete": "email", "spellcheck": "false"},
    )
