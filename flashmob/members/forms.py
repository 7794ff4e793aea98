"""Forms for accounts and profiles: what people type, checked field by field."""

from __future__ import annotations

from wtforms import BooleanField, EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, InputRequired, Length, ValidationError

from flashmob.email_kinds import SETTING_LABELS, EmailSetting
from flashmob.forms import Form, strip_text
from flashmob.members import services
from flashmob.members.models import User
from flashmob.members.passwords import MAX_LENGTH, password_problems
from flashmob.types import column_length

EMAIL_MAX = column_length(User.email)


class ValidEmail:
    """An address of the right shape (deliverability is not checked), stored lower-cased."""

    def __call__(self, form, field):
        if not field.data:
            return
        try:
            field.data = services.normalise_email(field.data)
        except services.InvalidEmail as exc:
            raise ValidationError(str(exc)) from None


def email_field(label: str = "Email address", missing: str = "Enter your email address.") -> EmailField:
    return EmailField(
        label,
        filters=[strip_text],
        validators=[DataRequired(missing), Length(max=EMAIL_MAX), ValidEmail()],
        render_kw={"autocomplete": "email", "spellcheck": "false"},
    )


def new_password_field(label: str = "Password") -> PasswordField:
    return PasswordField(
        label,
        validators=[InputRequired("Choose a password."), Length(max=MAX_LENGTH)],
        render_kw={"autocomplete": "new-password"},
    )


def confirm_password_field(other: str, label: str = "Confirm password") -> PasswordField:
    return PasswordField(
        label,
        validators=[InputRequired("Type the password again."), EqualTo(other, "The passwords do not match.")],
        render_kw={"autocomplete": "new-password"},
    )


def _display_name_field() -> StringField:
    return StringField(
        "Display name",
        filters=[strip_text],
        validators=[DataRequired("Tell us what to call you."), Length(max=column_length(User.display_name))],
        render_kw={"autocomplete": "name"},
    )


def _check_strength(field, *, email: str, display_name: str) -> None:
    problems = password_problems(field.data or "", email=email, display_name=display_name)
    if problems:
        raise ValidationError(" ".join(problems))


class RegisterForm(Form):
    email = email_field()
    display_name = _display_name_field()
    password = new_password_field()
    confirm = confirm_password_field("password")

    def validate_password(self, field):
        _check_strength(field, email=self.email.data or "", display_name=self.display_name.data or "")


class LoginForm(Form):
    # Not checked for shape: any wrong address gets the same answer as a wrong password.
    email = EmailField(
        "Email address",
        filters=[strip_text],
        validators=[DataRequired("Enter your email address."), Length(max=EMAIL_MAX)],
        render_kw={"autocomplete": "username", "spellcheck": "false"},
    )
    password = PasswordField(
        "Password",
        validators=[InputRequired("Enter your password."), Length(max=MAX_LENGTH)],
        render_kw={"autocomplete": "current-password"},
    )
    remember = BooleanField("Keep me signed in on this device")


class EmailOnlyForm(Form):
    """Resend a confirmation link, or ask for a password reset."""

    email = email_field()


class ResetPasswordForm(Form):
    password = new_password_field("New password")
    confirm = confirm_password_field("password", "Confirm new password")

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def validate_password(self, field):
        _check_strength(
            field,
            email=self.user.email if self.user else "",
            display_name=self.user.display_name if self.user else "",
        )


class ChangePasswordForm(ResetPasswordForm):
    current_password = PasswordField(
        "Current password",
        validators=[InputRequired("Enter your current password.")],
        render_kw={"autocomplete": "current-password"},
    )
    password = new_password_field("New password")
    confirm = confirm_password_field("password", "Confirm new password")


class EmailSettingsForm(Form):
    """Which kinds of email a member gets: one checkbox per EmailSetting, named by its stored value."""

    @classmethod
    def for_user(cls, stopped: set[EmailSetting], **kwargs) -> EmailSettingsForm:
        """The form, ticked for every setting the member has not turned off."""
        return cls(data={setting.value: setting not in stopped for setting in SETTING_LABELS}, **kwargs)

    def wanted(self) -> set[EmailSetting]:
        return {setting for setting in SETTING_LABELS if self[setting.value].data}


for _setting, _label in SETTING_LABELS.items():
    setattr(EmailSettingsForm, _setting.value, BooleanField(_label))


class DeleteAccountForm(Form):
    """Deleting your own account: the password again, and a tick to say you mean it."""

    password = PasswordField(
        "Your password",
        validators=[InputRequired("Enter your password."), Length(max=MAX_LENGTH)],
        render_kw={"autocomplete": "current-password"},
    )
    understood = BooleanField(
        "I understand that my account is deleted for good",
        validators=[DataRequired("Tick this box to confirm that you want your account deleted.")],
    )


class ChangeEmailForm(Form):
    """A new address for the account, and the password, so that a borrowed browser cannot move it."""

    email = email_field("New email address", missing="Enter your new email address.")
    current_password = PasswordField(
        "Current password",
        validators=[InputRequired("Enter your current password."), Length(max=MAX_LENGTH)],
        render_kw={"autocomplete": "current-password"},
    )
