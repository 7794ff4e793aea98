"""Accounts and profiles: register, confirm, sign in and out, reset and change passwords, edit a profile."""

from __future__ import annotations

import time

from flask import (
    Blueprint,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_required, login_user, logout_user
from markupsafe import Markup

from flashmob.auth import ensure, safe_next
from flashmob.events.rsvps.queries import member_events
from flashmob.extensions import db, limiter
from flashmob.forms import ConfirmForm
from flashmob.members import services, sessions
from flashmob.members.forms import (
    ChangePasswordForm,
    DeleteAccountForm,
    EmailOnlyForm,
    LoginForm,
    RegisterForm,
    ResetPasswordForm,
)
from flashmob.members.models import User, UserSession
from flashmob.members.permissions import (
    can_delete_account,
    can_edit_profile,
    can_sign_out_session,
    can_view_account,
)
from flashmob.web import actor, confirmed_post, form_status

bp = Blueprint("members", __name__)

# Where "Check your inbox" says the email went, and why; kept for one page view.
INBOX_KEY = "members.check_inbox"


def auth_rate_limit() -> str:
    return current_app.config["AUTH_RATE_LIMIT"]


# Attempts to guess passwords or flood someone's inbox are limited per client address.
limit_auth_posts = limiter.limit(auth_rate_limit, methods=["POST"])


def _sign_in_paused(request_limit):
    """The sign-in page again when the limit is reached: the address kept, when to try again, and the
    way out (resetting the password), instead of a bare "Slow down" page."""
    typed = LoginForm(meta={"csrf": False}).email.data or ""
    form = LoginForm(formdata=None, email=typed[:254])
    wait = max(1, round((request_limit.reset_at - time.time()) / 60))
    page = render_template("members/login.html", form=form, resend_form=None, paused_minutes=wait)
    return make_response(page, 429)


limit_sign_in = limiter.limit(auth_rate_limit, methods=["POST"], on_breach=_sign_in_paused)


def _home():
    return redirect(url_for("events.home"))


def _start_session(user: User, *, remember: bool = False) -> None:
    """A sign-in row for this browser, committed with the request; login_user() follows the commit."""
    sessions.sign_in(user, user_agent=request.headers.get("User-Agent"), remember=remember)


def _sessions_section():
    return redirect(url_for("members.account", _anchor="sessions"))


def _check_inbox(reason: str, email: str):
    session[INBOX_KEY] = {"reason": reason, "email": email}
    return redirect(url_for("members.check_inbox"))


@bp.route("/register", methods=["GET", "POST"])
@limit_auth_posts
def register():
    """Open an account; the same answer whether or not the address already has one."""
    if current_user.is_authenticated:
        return _home()
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            services.register(
                email=form.email.data, display_name=form.display_name.data, password=form.password.data
            )
        except services.InvalidEmail as exc:
            form.email.errors.append(str(exc))
        except services.WeakPassword as exc:
            form.password.errors.append(str(exc))
        else:
            db.session.commit()
            return _check_inbox("register", form.email.data)
    status = form_status(form)
    return render_template("members/register.html", form=form), status


@bp.route("/register/check-inbox")
def check_inbox():
    """Where registering, resending a link and asking for a reset all end, whoever asked."""
    details = session.get(INBOX_KEY) or {}
    return render_template(
        "members/check_inbox.html",
        reason=details.get("reason", "register"),
        email=details.get("email"),
        resend_form=EmailOnlyForm(email=details.get("email")),
    )


@bp.route("/confirm", methods=["GET", "POST"])
@limit_auth_posts
def resend_confirmation():
    """Send the confirmation link again, without saying whether the address has an account."""
    if current_user.is_authenticated:
        return _home()
    form = EmailOnlyForm()
    if form.validate_on_submit():
        services.resend_confirmation(form.email.data)
        db.session.commit()
        return _check_inbox("resend", form.email.data)
    status = form_status(form)
    return render_template("members/resend_confirmation.html", form=form), status


@bp.route("/confirm/<token>", methods=["GET", "POST"])
def confirm_email(token):
    """Confirm an address from the emailed link: a button, so that link scanners confirm nothing."""
    form = ConfirmForm()
    try:
        user = services.user_to_confirm(token)
        if form.validate_on_submit():
            user = services.confirm_email(token)
            _start_session(user)
            db.session.commit()
            login_user(user)
            flash(
                Markup(
                    "Welcome to PMO Flashmob, {name}! Your address is confirmed. "
                    '<a href="{url}">Find a chapter near you</a> to hear about its next evening.'
                ).format(name=user.display_name, url=url_for("events.chapters")),
                "success",
            )
            return redirect(url_for("members.account"))
    except services.InvalidLink as exc:
        return render_template("members/link_problem.html", message=str(exc), kind="confirm"), 400
    return render_template("members/confirm_email.html", form=form, user=user)


@bp.route("/login", methods=["GET", "POST"])
@limit_sign_in
def login():
    """Sign in with an email address and password; wrong ones get one message for both."""
    if current_user.is_authenticated:
        return redirect(safe_next(url_for("events.home")))
    form = LoginForm()
    resend_form = None
    status = 200
    if form.validate_on_submit():
        try:
            user = services.authenticate(form.email.data, form.password.data)
        except services.EmailNotConfirmed as exc:
            db.session.rollback()
            form.form_errors.append(str(exc))
            resend_form = EmailOnlyForm(formdata=None, email=exc.user.email)
            status = 403
        except services.InvalidCredentials as exc:
            form.form_errors.append(str(exc))
            status = 422
        else:
            _start_session(user, remember=form.remember.data)
            db.session.commit()
            login_user(user, remember=form.remember.data)
            flash(f"Welcome back, {user.display_name}.", "success")
            return redirect(safe_next(url_for("events.home")))
    elif form.errors:
        status = 422
    return render_template("members/login.html", form=form, resend_form=resend_form), status


@bp.route("/logout", methods=["POST"])
def logout():
    """Sign out of this browser: the sign-in ends on the server, so copies of its cookies stop working."""
    form = ConfirmForm()
    if form.validate_on_submit() and current_user.is_authenticated:
        sessions.sign_out(current_user.current_session)
        db.session.commit()
        logout_user()
        flash("You are signed out. See you at the next Flashmob.", "success")
    return _home()


@bp.route("/password/forgot", methods=["GET", "POST"])
@limit_auth_posts
def forgot_password():
    """Ask for a reset link; the same answer whether or not the address has an account."""
    form = EmailOnlyForm()
    if form.validate_on_submit():
        services.request_password_reset(form.email.data)
        db.session.commit()
        return _check_inbox("reset", form.email.data)
    status = form_status(form)
    return render_template("members/forgot_password.html", form=form), status


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
def reset_password(token):
    """Set a new password from an emailed link; signs in here and out everywhere else."""
    try:
        user = services.user_to_reset(token)
    except services.InvalidLink as exc:
        return render_template("members/link_problem.html", message=str(exc), kind="reset"), 400
    form = ResetPasswordForm(user=user)
    if form.validate_on_submit():
        try:
            user = services.reset_password(token, form.password.data)
        except services.WeakPassword as exc:
            form.password.errors.append(str(exc))
        except services.InvalidLink as exc:
            return render_template("members/link_problem.html", message=str(exc), kind="reset"), 400
        else:
            _start_session(user)
            db.session.commit()
            login_user(user)
            flash("Your new password is set and you are signed in. Other devices are signed out.", "success")
            return redirect(url_for("members.account"))
    status = form_status(form)
    return render_template("members/reset_password.html", form=form), status


@bp.route("/account")
@login_required
def account():
    """Your own account: who you are here, your chapters, and links to change things."""
    ensure(can_view_account(current_user))
    return render_template(
        "members/account.html",
        user=current_user,
        memberships=services.chapter_memberships(current_user),
        evenings=member_events(current_user, for_owner=True),
        sign_ins=sessions.sign_ins(current_user, this=current_user.current_session),
    )


@bp.route("/account/sessions/sign-out-others", methods=["POST"])
@login_required
def sign_out_others():
    """Sign out every other browser and device where you are signed in; this one stays."""
    user = actor()
    ensure(can_edit_profile(current_user, user))
    confirmed_post()
    ended = sessions.sign_out_others(user, keep=user.current_session)
    db.session.commit()
    if ended:
        devices = "1 other device" if ended == 1 else f"{ended} other devices"
        flash(f"You are signed out on {devices}. This one stays signed in.", "success")
    else:
        flash("You were not signed in anywhere else.", "info")
    return _sessions_section()


@bp.route("/account/sessions/<int:session_id>/sign-out", methods=["POST"])
@login_required
def sign_out_session(session_id):
    """Sign out one of the other browsers or devices where you are signed in."""
    user_session = db.get_or_404(UserSession, session_id)
    ensure(can_sign_out_session(current_user, user_session))
    confirmed_post()
    device = user_session.device
    sessions.sign_out(user_session)
    db.session.commit()
    flash(f"Signed out of {device}.", "success")
    return _sessions_section()


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    """Change your password, knowing the current one; other devices are signed out."""
    user = actor()
    ensure(can_edit_profile(current_user, user))
    form = ChangePasswordForm(user=user)
    if form.validate_on_submit():
        try:
            services.change_password(
                user, form.current_password.data, form.password.data, actor=user, keep=user.current_session
            )
        except services.WrongPassword as exc:
            form.current_password.errors.append(str(exc))
        except services.WeakPassword as exc:
            form.password.errors.append(str(exc))
        else:
            db.session.commit()
            # This sign-in has a new token: store it in this browser's cookies.
            login_user(user, remember=user.current_session.is_remembered)
            flash("Your password is changed. Any other devices have been signed out.", "success")
            return redirect(url_for("members.account"))
    status = form_status(form)
    return render_template("members/change_password.html", form=form), status


@bp.route("/account/delete", methods=["GET", "POST"])
@login_required
@limit_auth_posts
def delete_account():
    """Delete your own account, after a page that says what goes and what stays, and your password."""
    user = actor()
    ensure(can_delete_account(current_user, user))
    form = DeleteAccountForm()
    status = 200
    try:
        if form.validate_on_submit():
            services.check_password(user, form.password.data)
            services.delete_account(user, actor=user)
            db.session.commit()
            logout_user()
            flash("Your account is deleted, and you are signed out everywhere. Thank you for coming along.",
                  "success")
            return _home()
        status = form_status(form)
        # Said before the password is typed: nobody should type it only to hear the account must wait.
        services.check_deletable(user, actor=user)
    except services.WrongPassword:
        form.password.errors.append("That is not your password.")
        status = 422
    except services.AccountError as exc:
        db.session.rollback()
        form.form_errors.append(str(exc))
        status = 409
    return render_template("members/delete_account.html", form=form), status


# Email settings, one-click unsubscribe, changing your address, downloading your data, profiles and the
# directory register themselves on `bp` when imported.
from flashmob.members import account_views, email_views  # noqa: E402, F401
from flashmob.members.profiles import views as profile_views  # noqa: E402, F401
