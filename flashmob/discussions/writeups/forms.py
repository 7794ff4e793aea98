"""The write-up forms: the introduction, a lesson, an editor to invite, an answer about being named, the
question for the night and an answer to it. The rules (lengths, who may be named) are the services'."""

from __future__ import annotations

from wtforms import SelectField, SelectMultipleField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length
from wtforms.widgets import CheckboxInput, ListWidget

from flashmob.discussions.models import EveningQuestion, Lesson
from flashmob.discussions.writeups import services
from flashmob.forms import Form, strip_text
from flashmob.types import column_length


class IntroductionForm(Form):
    introduction = TextAreaField(
        "Introduction", filters=[strip_text], validators=[Length(max=services.MAX_INTRODUCTION)]
    )
    preview = SubmitField("Preview")
    save = SubmitField("Save introduction")


class CheckboxesField(SelectMultipleField):
    """A list of checkboxes, one per choice, each with its label."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class LessonForm(Form):
    statement = StringField(
        "The lesson, in one line",
        filters=[strip_text],
        validators=[
            InputRequired("Please write the lesson in one line."),
            Length(max=column_length(Lesson.statement)),
        ],
    )
    body = TextAreaField(
        "A paragraph (optional)", filters=[strip_text], validators=[Length(max=services.MAX_LESSON_BODY)]
    )
    themes = StringField("Themes (comma-separated)", filters=[strip_text], validators=[Length(max=600)])
    voices = CheckboxesField("Who said it (they are asked before their name is shown)", coerce=int)
    preview = SubmitField("Preview")
    save = SubmitField("Save lesson")

    def lesson_input(self) -> services.LessonInput:
        return services.LessonInput(
            statement=self.statement.data or "",
            body=self.body.data or "",
            themes=self.themes.data or "",
            voice_ids=list(self.voices.data or []),
        )


class InviteEditorForm(Form):
    user_id = SelectField("Someone who came", coerce=int, validate_choice=True)
    invite = SubmitField("Invite as editor")


class VoiceAnswerForm(Form):
    agree = SubmitField("Yes, show my name")
    decline = SubmitField("No, leave my name off")


class QuestionForm(Form):
    text = TextAreaField(
        "The question for the night",
        filters=[strip_text],
        validators=[
            InputRequired("Please write the question."),
            Length(max=column_length(EveningQuestion.text)),
        ],
    )
    save = SubmitField("Save the question")


class AnswerForm(Form):
    answer = TextAreaField(
        "Your answer",
        filters=[strip_text],
        validators=[InputRequired("Please write your answer."), Length(max=services.MAX_ANSWER)],
    )
    save = SubmitField("Save my answer")
