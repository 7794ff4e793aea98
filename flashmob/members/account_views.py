"""Your data: change the address of your account, and download everything we keep about you."""

from __future__ import annotations

from flask import flash, make_response, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from flashmob.auth import ensure
from flashmob.extensions import db
from flashmob.forms import ConfirmForm
from flashmob.members import account_data, services
from flashmob.members.forms import ChangeEmailForm
from flashmob.members.permissions import can_edit_profile, can_view_account
from flashmob.members.views import bp, limit_auth_posts
from flashmob.types import utcnow
from flashmob.web import actor, confirmed_post, form_status, show_rule_error


@bp.route("/account/email", methods=["GET", "POST"])
@login_required
@limit_auth_posts
def change_email():
    """Ask to move your account to a new address: a link goes there; nothing changes until it is followed."""
    user = actor()
    ensure(can_edit_profile(current_user, user))
    form = ChangeEmailForm()
    if form.validate_on_submit():
        try:
            asked = services.request_email_change(
                user, new_email=form.email.data, password=form.current_password.data, actor=user
            )
        except services.AccountError as exc:
            show_rule_error(form, exc)
        else:
            db.session.commit()
            # The same words whether or not the address has an account: nobody learns who has one.
            flash(
                f"We sent a link to {asked.new_email}. Follow it within "
                f"{services.email_change_hours()} hours, signed in, to finish the change; until then your "
                "account keeps its current address.",
                "success",
            )
            return redirect(url_for("members.account"))
    status = form_status(form)
    return render_template(
        "members/change_email.html", form=form, user=user, hours=services.email_change_hours()
    ), status


# Signed in, because the link goes to an address nobody has proved yet: a mistyped one reaches a stranger,
# who must not be able to take the account by pressing the button. The GET only shows the button, so
# link scanners in mail services change nothing.
@bp.route("/account/email/confirm/<token>", methods=["GET", "POST"])
@login_required
def confirm_email_change(token):
    """Move your account to the new address from the emailed link, with a button; the old one is told."""
    try:
        user, new_email = services.email_change_to_confirm(token)
    except services.InvalidLink as exc:
        return _link_problem(str(exc), 400)
    if not can_edit_profile(current_user, user):
        return _link_problem(str(services.EmailChangeForAnotherAccount()), 403)
    form = ConfirmForm()
    if request.method == "POST":
        confirmed_post()
        try:
            changed = services.confirm_email_change(token, actor=actor())
        except services.EmailTaken as exc:
            db.session.rollback()
            return _link_problem(str(exc), exc.status)
        except services.InvalidLink as exc:
            db.session.rollback()
            return _link_problem(str(exc), 400)
        db.session.commit()
        flash(f"Your email address is now {changed.new_email}. Sign in with it from now on.", "success")
        return redirect(url_for("members.account"))
    return render_template("members/confirm_email_change.html", form=form, user=user, new_email=new_email)


def _link_problem(message: str, status: int):
    return render_template("members/link_problem.html", message=message, kind="change_email"), status


# A POST, not a link: the file holds someone's whole history with us, so it is made only when they press
# the button on this page (with its CSRF token), never by a prefetching browser or a link opened on a shared
# machine, and the answer is marked not to be stored by caches. Reading it changes nothing.
@bp.route("/account/export", methods=["GET", "POST"])
@login_required
def export_data():
    """Download everything we keep about you as a JSON file, after a page that says what is in it."""
    ensure(can_view_account(current_user))
    if request.method == "POST":
        confirmed_post()
        now = utcnow()
        response = make_response(account_data.to_json(account_data.export_data(actor(), now=now)))
        response.mimetype = "application/json"
        filename = account_data.export_filename(now.date())
        response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
        response.headers["Cache-Control"] = "no-store"
        return response
    return render_template("members/export_data.html", form=ConfirmForm())
