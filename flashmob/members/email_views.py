"""Email settings: which kinds of email a member gets, and the one-click unsubscribe link in every email."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from flashmob import email_kinds, notifications
from flashmob.auth import ensure
from flashmob.extensions import csrf, db
from flashmob.members.forms import EmailSettingsForm
from flashmob.members.models import User
from flashmob.members.permissions import can_view_account
from flashmob.members.views import bp
from flashmob.web import actor, form_status


@bp.route("/account/emails", methods=["GET", "POST"])
@login_required
def email_settings():
    """Choose which kinds of email you get; account and security emails always come."""
    ensure(can_view_account(current_user))
    user = actor()
    form = EmailSettingsForm.for_user(notifications.stopped_kinds(user.id))
    if form.validate_on_submit():
        notifications.set_wanted_kinds(user.id, form.wanted())
        db.session.commit()
        flash("Your email settings are saved.", "success")
        return redirect(url_for("members.email_settings"))
    status = form_status(form)
    return render_template(
        "members/email_settings.html",
        form=form,
        settings=email_kinds.SETTING_LABELS,
        always_sent=email_kinds.always_sent(),
    ), status


# One-click unsubscribe (RFC 8058). Mail providers (Gmail, Yahoo, Apple Mail) POST to the address in
# the List-Unsubscribe header themselves, with no cookie and no CSRF token, so this view alone is
# exempt from CSRF. That is safe here: the signed token in the address is the proof that it came from
# an email we sent to this person, and the only thing it can do is stop that one kind of email, which
# the settings page undoes. The GET shows a button and changes nothing, so link scanners that open
# every URL in an email cannot unsubscribe anyone.
@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt
def unsubscribe(token):
    """Stop one kind of email with the link from an email: a button on the page, or a mail client's POST."""
    try:
        user_id, setting = notifications.read_unsubscribe_token(token)
    except notifications.BadUnsubscribeLink as exc:
        return render_template("members/unsubscribe_problem.html", message=str(exc)), 400
    user = db.session.get(User, user_id)
    if user is None or user.is_deleted:
        message = "The account this link was for no longer exists, so it gets no email from us."
        return render_template("members/unsubscribe_problem.html", message=message), 404
    label = email_kinds.SETTING_LABELS[setting]
    if request.method == "POST":
        notifications.stop_kind(user.id, setting)
        db.session.commit()
        return render_template("members/unsubscribed.html", label=label, user=user)
    return render_template(
        "members/unsubscribe.html",
        label=label,
        user=user,
        already=notifications.has_opted_out(user.id, setting),
    )
