"""Write-up pages: reading a write-up and a lesson, the editor, answering about being named, and the
question for the night."""

from __future__ import annotations

from dataclasses import replace

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from flashmob.auth import ensure
from flashmob.discussions.archive.queries import related_lessons
from flashmob.discussions.models import LessonVoice, QuestionAnswer, VoiceStatus
from flashmob.discussions.routes import bp
from flashmob.discussions.threads.queries import thread_for
from flashmob.discussions.writeups import panels, permissions, queries, services
from flashmob.discussions.writeups.forms import (
    AnswerForm,
    IntroductionForm,
    InviteEditorForm,
    LessonForm,
    QuestionForm,
    VoiceAnswerForm,
)
from flashmob.events.loading import load_event
from flashmob.extensions import db
from flashmob.markdown import render_markdown
from flashmob.members.models import User
from flashmob.sharing import lesson_preview, writeup_preview
from flashmob.web import actor, confirmed_post, form_status, on_refusal, show_rule_error


@bp.app_context_processor
def inject_writeup_permissions():
    return {name: getattr(permissions, name) for name in dir(permissions) if name.startswith("can_")}


@bp.app_template_global()
def evening_takeaways(event, user):
    """The event page's write-up and question panels for this viewer."""
    panel = panels.evening_panel(event, user)
    if not panel.can_answer:
        return panel
    form = AnswerForm(formdata=None, data={"answer": panel.answer.text if panel.answer else ""})
    return replace(panel, answer_form=form)


@bp.app_template_global()
def lessons_named_in(user):
    """The lessons a member was asked about or agreed to, for their account page."""
    return queries.lessons_named_in(user.id)


# Loading


def _viewable_writeup(writeup_id: int):
    """The write-up, or 404 for a draft the viewer may not see (its existence is not revealed)."""
    writeup = queries.load_writeup(writeup_id)
    if writeup is None or not permissions.can_view_writeup(current_user, writeup):
        abort(404)
    return writeup


def _editable_writeup(writeup_id: int):
    writeup = _viewable_writeup(writeup_id)
    ensure(permissions.can_edit_writeup(current_user, writeup))
    return writeup


def _editable_lesson(lesson_id: int):
    lesson = queries.load_lesson(lesson_id)
    if lesson is None or not permissions.can_view_writeup(current_user, lesson.writeup):
        abort(404)
    ensure(permissions.can_edit_writeup(current_user, lesson.writeup))
    return lesson


def _own_voice(voice_id: int) -> LessonVoice:
    """The voice, for the person named only: to anyone else it does not exist."""
    voice = db.session.get(LessonVoice, voice_id)
    if voice is None or not permissions.can_answer_voice(current_user, voice):
        abort(404)
    return voice


# Reading


@bp.route("/writeups/<int:writeup_id>")
def writeup(writeup_id):
    """A write-up: the evening, its introduction, and its lessons with their themes and voices."""
    writeup = _viewable_writeup(writeup_id)
    lessons = list(writeup.lessons)
    viewer = current_user.id if current_user.is_authenticated else None
    return render_template(
        "discussions/writeup.html",
        writeup=writeup,
        event=writeup.event,
        lessons=lessons,
        voices=queries.agreed_voices([lesson.id for lesson in lessons], viewer),
        discussion=thread_for("writeup", writeup.id, loaded=writeup),
        sharing=writeup_preview(writeup) if writeup.is_published else None,
    )


@bp.route("/events/<int:event_id>/writeup")
def event_writeup(event_id):
    """An evening's write-up, by the evening's address."""
    event = load_event(event_id)
    found = queries.writeup_for_event(event.id)
    if found is None or not permissions.can_view_writeup(current_user, found):
        abort(404)
    return redirect(url_for("discussions.writeup", writeup_id=found.id))


@bp.route("/lessons/<int:lesson_id>")
def lesson(lesson_id):
    """One lesson: its statement, paragraph, themes and voices, and the write-up and evening it came from."""
    lesson = queries.load_lesson(lesson_id)
    if lesson is None or not permissions.can_view_writeup(current_user, lesson.writeup):
        abort(404)
    viewer = current_user.id if current_user.is_authenticated else None
    own_voice = (
        db.session.scalar(
            db.select(LessonVoice).where(LessonVoice.lesson_id == lesson.id, LessonVoice.user_id == viewer)
        )
        if viewer is not None
        else None
    )
    return render_template(
        "discussions/lesson.html",
        lesson=lesson,
        writeup=lesson.writeup,
        event=lesson.writeup.event,
        voices=queries.agreed_voices([lesson.id], viewer)[lesson.id],
        own_voice=own_voice,
        related=related_lessons(lesson, 5) if lesson.writeup.is_published else [],
        discussion=thread_for("lesson", lesson.id, loaded=lesson),
        sharing=lesson_preview(lesson) if lesson.writeup.is_published else None,
    )


# Writing


@bp.route("/events/<int:event_id>/writeup/start", methods=["POST"])
@login_required
def start_writeup(event_id):
    """Open a draft write-up of an evening that took place."""
    event = load_event(event_id)
    ensure(permissions.can_start_writeup(current_user, event))
    confirmed_post()
    writeup = services.start_writeup(event, actor=actor())
    db.session.commit()
    flash("The write-up is started as a draft: only organisers and its editors can see it.", "success")
    return redirect(url_for("discussions.edit_writeup", writeup_id=writeup.id))


def _render_editor(writeup, intro_form, *, preview=None, invite_form=None, status=200):
    lessons = list(writeup.lessons)
    event = writeup.event
    named = queries.named_voices([lesson.id for lesson in lessons])
    editors = queries.editors_of(writeup)
    if invite_form is None:
        invite_form = InviteEditorForm(formdata=None)
    editor_ids = {editor.id for editor in editors}
    invite_form.user_id.choices = [
        (person.id, person.display_name) for person in queries.attendees(event) if person.id not in editor_ids
    ]
    question = queries.question_for(event.id) if permissions.can_see_answers(current_user, event) else None
    return render_template(
        "discussions/edit_writeup.html",
        writeup=writeup,
        event=event,
        lessons=lessons,
        named={
            lesson_id: [v for v in voices if v.status in (VoiceStatus.ASKED, VoiceStatus.AGREED)]
            for lesson_id, voices in named.items()
        },
        editors=editors,
        form=intro_form,
        invite_form=invite_form,
        preview=preview,
        question=question,
        answers=queries.answers_to(question) if question is not None else [],
    ), status


@bp.route("/writeups/<int:writeup_id>/edit", methods=["GET", "POST"])
@login_required
def edit_writeup(writeup_id):
    """The editor: the introduction (with a preview), the lessons, the editors, the answers."""
    writeup = _editable_writeup(writeup_id)
    form = IntroductionForm(data={"introduction": writeup.introduction})
    preview = None
    if form.validate_on_submit():
        if form.preview.data:
            preview = render_markdown(form.introduction.data)
        else:
            try:
                services.update_introduction(writeup, form.introduction.data or "", actor=actor())
            except services.WriteupError as exc:
                db.session.rollback()
                show_rule_error(form, exc)
            else:
                db.session.commit()
                flash("The introduction is saved.", "success")
                return redirect(url_for("discussions.edit_writeup", writeup_id=writeup.id))
    elif request.method == "POST" and not form.errors:
        abort(400)
    return _render_editor(writeup, form, preview=preview, status=form_status(form))


@bp.route("/writeups/<int:writeup_id>/publish", methods=["POST"])
@login_required
def publish_writeup(writeup_id):
    """Show the write-up to everyone."""
    writeup = _editable_writeup(writeup_id)
    on_refusal(
        lambda: _render_editor(
            writeup, IntroductionForm(formdata=None, data={"introduction": writeup.introduction})
        )[0]
    )
    ensure(permissions.can_publish_writeup(current_user, writeup))
    confirmed_post()
    services.publish(writeup, actor=actor())
    db.session.commit()
    flash("The write-up is published: everyone can read it now.", "success")
    return redirect(url_for("discussions.writeup", writeup_id=writeup.id))


@bp.route("/writeups/<int:writeup_id>/unpublish", methods=["POST"])
@login_required
def unpublish_writeup(writeup_id):
    """Take a published write-up back to a draft."""
    writeup = _editable_writeup(writeup_id)
    ensure(permissions.can_unpublish_writeup(current_user, writeup))
    confirmed_post()
    services.unpublish(writeup, actor=actor())
    db.session.commit()
    flash("The write-up is a draft again: only organisers and its editors can see it.", "success")
    return redirect(url_for("discussions.edit_writeup", writeup_id=writeup.id))


@bp.route("/writeups/<int:writeup_id>/editors", methods=["POST"])
@login_required
def invite_editor(writeup_id):
    """Let an attendee of the evening help write it up."""
    writeup = _editable_writeup(writeup_id)
    ensure(permissions.can_invite_editors(current_user, writeup))
    form = InviteEditorForm()
    editors = {editor.id for editor in queries.editors_of(writeup)}
    form.user_id.choices = [
        (person.id, person.display_name)
        for person in queries.attendees(writeup.event)
        if person.id not in editors
    ]
    if form.validate_on_submit():
        person = db.session.get(User, form.user_id.data)
        try:
            services.invite_editor(writeup, person, actor=actor())
        except services.WriteupError as exc:
            db.session.rollback()
            show_rule_error(form, exc)
        else:
            db.session.commit()
            flash(f"{person.display_name} can now help write this up.", "success")
            return redirect(url_for("discussions.edit_writeup", writeup_id=writeup.id))
    if not form.errors:
        abort(400)
    intro = IntroductionForm(formdata=None, data={"introduction": writeup.introduction})
    return _render_editor(writeup, intro, invite_form=form, status=422)


@bp.route("/writeups/<int:writeup_id>/editors/<int:user_id>/remove", methods=["POST"])
@login_required
def remove_editor(writeup_id, user_id):
    """Take an editor off the write-up."""
    writeup = _editable_writeup(writeup_id)
    ensure(permissions.can_invite_editors(current_user, writeup))
    confirmed_post()
    person = db.get_or_404(User, user_id)
    services.remove_editor(writeup, person, actor=actor())
    db.session.commit()
    flash(f"{person.display_name} is no longer an editor.", "success")
    return redirect(url_for("discussions.edit_writeup", writeup_id=writeup.id))


def _lesson_form(writeup, lesson=None) -> LessonForm:
    data = None
    if lesson is not None:
        data = {
            "statement": lesson.statement,
            "body": lesson.body,
            "themes": ", ".join(tag.name for tag in lesson.themes),
            "voices": [
                v.user_id for v in lesson.voices if v.status in (VoiceStatus.ASKED, VoiceStatus.AGREED)
            ],
        }
    form = LessonForm(data=data)
    # Anyone who said no, or took their name off, is not offered again.
    said_no = (
        {v.user_id for v in lesson.voices if v.status in (VoiceStatus.DECLINED, VoiceStatus.WITHDRAWN)}
        if lesson is not None
        else set()
    )
    form.voices.choices = [
        (person.id, person.display_name)
        for person in queries.attendees(writeup.event)
        if person.id not in said_no
    ]
    return form


def _save_lesson(writeup, lesson=None):
    form = _lesson_form(writeup, lesson)
    preview = None
    if form.validate_on_submit():
        if form.preview.data:
            preview = render_markdown(form.body.data)
        else:
            try:
                if lesson is None:
                    saved = services.add_lesson(writeup, form.lesson_input(), actor=actor())
                else:
                    saved = services.update_lesson(lesson, form.lesson_input(), actor=actor())
            except services.WriteupError as exc:
                db.session.rollback()
                show_rule_error(form, exc)
            else:
                db.session.commit()
                asked = ", ".join(person.display_name for person in saved.asked)
                flash(
                    "The lesson is saved."
                    + (f" We have asked {asked} whether they agree to be named." if asked else ""),
                    "success",
                )
                return redirect(url_for("discussions.edit_writeup", writeup_id=writeup.id))
    elif request.method == "POST" and not form.errors:
        abort(400)
    return render_template(
        "discussions/lesson_form.html",
        form=form,
        writeup=writeup,
        event=writeup.event,
        lesson=lesson,
        preview=preview,
    ), form_status(form)


@bp.route("/writeups/<int:writeup_id>/lessons/new", methods=["GET", "POST"])
@login_required
def new_lesson(writeup_id):
    """Add a lesson: a one-line statement, a paragraph, themes and the people who said it."""
    return _save_lesson(_editable_writeup(writeup_id))


@bp.route("/lessons/<int:lesson_id>/edit", methods=["GET", "POST"])
@login_required
def edit_lesson(lesson_id):
    """Change a lesson."""
    lesson = _editable_lesson(lesson_id)
    return _save_lesson(lesson.writeup, lesson)


@bp.route("/lessons/<int:lesson_id>/remove", methods=["GET", "POST"])
@login_required
def remove_lesson(lesson_id):
    """Take a lesson out of its write-up, once the editor has confirmed."""
    lesson = _editable_lesson(lesson_id)
    if request.method == "GET":
        named = queries.named_voices([lesson.id])[lesson.id]
        agreed = [voice for voice in named if voice.status == VoiceStatus.AGREED]
        return render_template(
            "discussions/remove_lesson.html",
            lesson=lesson,
            writeup=lesson.writeup,
            event=lesson.writeup.event,
            agreed=agreed,
        )
    confirmed_post()
    writeup_id = lesson.writeup_id
    services.remove_lesson(lesson, actor=actor())
    db.session.commit()
    flash("The lesson is removed.", "success")
    return redirect(url_for("discussions.edit_writeup", writeup_id=writeup_id))


def _move(lesson_id: int, direction: str):
    lesson = _editable_lesson(lesson_id)
    confirmed_post()
    services.move_lesson(lesson, direction, actor=actor())
    db.session.commit()
    return redirect(
        url_for("discussions.edit_writeup", writeup_id=lesson.writeup_id, _anchor=f"lesson-{lesson.id}")
    )


@bp.route("/lessons/<int:lesson_id>/move-up", methods=["POST"])
@login_required
def move_lesson_up(lesson_id):
    """Move a lesson one place up."""
    return _move(lesson_id, "up")


@bp.route("/lessons/<int:lesson_id>/move-down", methods=["POST"])
@login_required
def move_lesson_down(lesson_id):
    """Move a lesson one place down."""
    return _move(lesson_id, "down")


# Being named


@bp.route("/voices/<int:voice_id>")
@login_required
def voice(voice_id):
    """The page a named member agrees or declines on."""
    voice = _own_voice(voice_id)
    return render_template(
        "discussions/voice.html",
        voice=voice,
        lesson=voice.lesson,
        event=voice.lesson.writeup.event,
        form=VoiceAnswerForm(formdata=None),
    )


@bp.route("/voices/<int:voice_id>/answer", methods=["POST"])
@login_required
def answer_voice(voice_id):
    """Agree to be named on a lesson, or decline."""
    voice = _own_voice(voice_id)
    form = confirmed_post(VoiceAnswerForm)
    if not (form.agree.data or form.decline.data):
        abort(400)
    services.answer_voice(voice, agree=bool(form.agree.data), actor=actor())
    db.session.commit()
    if voice.status == VoiceStatus.AGREED:
        flash("Thank you: your name is shown with the lesson. You can take it off at any time.", "success")
    else:
        flash("Your name is left off this lesson, and it will not ask you again.", "success")
    # A draft's lesson is not for the member to see yet: their account lists it meanwhile.
    if permissions.can_view_writeup(current_user, voice.lesson.writeup):
        return redirect(url_for("discussions.lesson", lesson_id=voice.lesson_id))
    return redirect(url_for("members.account", _anchor="named-in"))


@bp.route("/voices/<int:voice_id>/withdraw", methods=["POST"])
@login_required
def withdraw_voice(voice_id):
    """Take one's name off a lesson."""
    voice = _own_voice(voice_id)
    confirmed_post()
    services.withdraw_voice(voice, actor=actor())
    db.session.commit()
    flash("Your name is no longer shown with that lesson.", "success")
    if request.form.get("back") == "account-page" or not permissions.can_view_writeup(
        current_user, voice.lesson.writeup
    ):
        return redirect(url_for("members.account", _anchor="named-in"))
    return redirect(url_for("discussions.lesson", lesson_id=voice.lesson_id))


# The question for the night


@bp.route("/events/<int:event_id>/question", methods=["GET", "POST"])
@login_required
def set_question(event_id):
    """Set or change the evening's question for the night."""
    event = load_event(event_id)
    ensure(permissions.can_set_question(current_user, event))
    question = queries.question_for(event.id)
    form = QuestionForm(data={"text": question.text if question else ""})
    if form.validate_on_submit():
        try:
            services.set_question(event, form.text.data, actor=actor())
        except services.WriteupError as exc:
            db.session.rollback()
            show_rule_error(form, exc)
        else:
            db.session.commit()
            flash(
                "The question for the night is saved: attendees can answer it on the event page.", "success"
            )
            return redirect(url_for("events.detail", event_id=event.id, _anchor="question"))
    return render_template(
        "discussions/question_form.html", form=form, event=event, question=question
    ), form_status(form)


@bp.route("/events/<int:event_id>/question/answer", methods=["GET", "POST"])
@login_required
def answer_question(event_id):
    """Answer the question for the night, or change one's answer."""
    event = load_event(event_id)
    question = queries.question_for(event.id)
    if question is None:
        abort(404)
    ensure(permissions.can_answer_question(current_user, event))
    answer = queries.answer_of(question, current_user.id)
    form = AnswerForm(data={"answer": answer.text if answer else ""})
    if form.validate_on_submit():
        try:
            services.answer_question(question, form.answer.data, actor=actor())
        except services.WriteupError as exc:
            db.session.rollback()
            show_rule_error(form, exc)
        else:
            db.session.commit()
            flash("Your answer is saved. The organisers may ask to make it a lesson.", "success")
            return redirect(url_for("events.detail", event_id=event.id, _anchor="question"))
    return render_template(
        "discussions/answer_form.html", form=form, event=event, question=question, answer=answer
    ), form_status(form)


@bp.route("/answers/<int:answer_id>/lesson", methods=["POST"])
@login_required
def lesson_from_answer(answer_id):
    """Make a lesson of an answer; its author is asked whether they agree to be named."""
    answer = db.get_or_404(QuestionAnswer, answer_id)
    event = answer.question.event
    ensure(permissions.can_see_answers(current_user, event))
    found = queries.writeup_for_event(event.id)
    ensure(permissions.can_make_lesson_of(current_user, answer, found))
    confirmed_post()
    saved = services.lesson_from_answer(answer, found, actor=actor())
    db.session.commit()
    flash(
        f"The answer is a lesson now; we have asked {answer.user.display_name} whether they agree to be"
        " named. Edit its wording if you like.",
        "success",
    )
    return redirect(url_for("discussions.edit_lesson", lesson_id=saved.lesson.id))
