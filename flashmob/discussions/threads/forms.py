"""The forms of discussions: a comment or reply, a new topic, an edit, a report, an organiser's reason."""

from __future__ import annotations

from wtforms import StringField, TextAreaField
from wtforms.validators import InputRequired, Length

from flashmob.discussions.threads.models import BODY_MAX, REASON_MAX, TITLE_MAX
from flashmob.forms import Form, strip_text

BODY_HINT = "Markdown works: *italics*, **bold**, lists and links."


def _body(label: str) -> TextAreaField:
    return TextAreaField(
        label,
        validators=[
            InputRequired("Write something first."),
            Length(max=BODY_MAX),
        ],
        filters=[strip_text],
    )


class CommentForm(Form):
    """A comment, a reply, or a post in a topic."""

    body = _body("Your comment")


class ReplyForm(Form):
    body = _body("Your reply")


class EditPostForm(Form):
    body = _body("Your post")


class TopicForm(Form):
    title = StringField(
        "Title",
        validators=[
            InputRequired("Give the topic a title."),
            Length(max=TITLE_MAX),
        ],
        filters=[strip_text],
    )
    body = _body("What do you want to talk about?")


class ReportForm(Form):
    reason = TextAreaField(
        "What is wrong with it? (optional)",
        validators=[Length(max=REASON_MAX)],
        filters=[strip_text],
    )


class ModerationForm(Form):
    """An organiser's action on a post or a thread, with an optional reason for the log."""

    reason = StringField(
        "Reason (optional, for the log)",
        validators=[Length(max=REASON_MAX)],
        filters=[strip_text],
    )
