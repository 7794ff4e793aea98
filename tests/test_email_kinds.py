"""Email kinds are one vocabulary: every kind has a label and a setting that stops it or a reason none can,
every template belongs to a kind, every kind is written by someone, and a misspelt kind fails at once."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from flashmob import email_kinds, notifications
from flashmob.email_kinds import KINDS, SETTING_LABELS, EmailKind, EmailSetting
from flashmob.extensions import db
from flashmob.mail_registry import AUDIENCES, RENDERED_WHEN_QUEUED, RENDERERS
from flashmob.outbox import queue_email

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("kind", list(EmailKind), ids=str)
def test_every_email_kind_has_a_label_and_either_a_setting_or_a_reason_it_cannot_be_stopped(kind):
    rule = KINDS[kind]

    assert rule.label.strip()
    assert (rule.setting is None) != (rule.always_because is None), "exactly one of setting and reason"
    if rule.always_because is not None:
        assert rule.always_because.strip()


def test_every_setting_has_a_label_and_stops_at_least_one_kind():
    assert list(SETTING_LABELS) == list(EmailSetting)
    for setting in EmailSetting:
        assert email_kinds.kinds_stopped_by(setting), f"{setting} stops nothing"


def test_every_email_template_is_written_for_some_kind_and_every_kind_has_its_templates():
    folder = ROOT / "templates" / "email"
    on_disk = {path.stem for path in folder.glob("*.txt") if not path.name.startswith("_")}
    declared = {template for kind in EmailKind for template in email_kinds.templates_of(kind)}

    assert declared == on_disk
    for template in declared:
        assert (folder / f"{template}.txt").exists()


def test_every_kind_is_written_either_by_the_mail_worker_or_when_it_is_queued():
    assert set(RENDERERS) | RENDERED_WHEN_QUEUED == set(EmailKind)
    assert not set(RENDERERS) & RENDERED_WHEN_QUEUED
    # A bulk job's messages are written by the worker, which must know how.
    assert set(AUDIENCES) <= set(RENDERERS)


def test_the_stored_values_are_the_ones_existing_rows_hold():
    # email_opt_outs rows and unsubscribe links made before the enums keep working.
    assert {setting.value for setting in EmailSetting} == {
        "rsvp", "event_changes", "reminders", "date_announced", "organiser_messages", "discussions",
    }
    assert notifications.preference_for("rsvp_offer_expired") is EmailSetting.RSVP
    assert notifications.preference_for("date_cancelled") is EmailSetting.DATE_ANNOUNCED
    assert notifications.preference_for("checked_in_at_door") is None


def test_a_misspelt_kind_is_refused_rather_than_queued_for_nobody(app, create_user):
    ada = create_user("Ada", email="ada@example.org")

    with pytest.raises(ValueError, match="reminders"):
        queue_email(to=ada.email, subject="Tomorrow", kind="reminders", user_id=ada.id)
    with pytest.raises(ValueError, match="reminder"):
        notifications.stop_kind(ada.id, "reminder")  # the message kind, where the setting is meant
    db.session.rollback()


# Where a setting is asked or changed: an argument to these must be an EmailSetting, not its value spelt out.
_SETTING_FUNCTIONS = {
    "has_opted_out", "opted_out_ids", "opted_out_clause", "stop_kind", "unsubscribe_token", "footer_context",
}


def _spelt_out_kinds(path: Path) -> list[str]:
    """Email kinds written as string literals in a module, and settings written as literals where opt-outs
    are asked or changed."""
    tree = ast.parse(path.read_text())
    kinds, settings = {kind.value for kind in EmailKind}, {setting.value for setting in EmailSetting}
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
        if name in _SETTING_FUNCTIONS:
            found += [arg for arg in node.args if isinstance(arg, ast.Constant) and arg.value in settings]
    found += [
        node for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and node.value in kinds
    ]
    return [f"{path.relative_to(ROOT)}:{node.lineno} {node.value!r}" for node in found]


def test_no_code_spells_out_an_email_kind_instead_of_using_the_enum():
    modules = [path for path in (ROOT / "flashmob").rglob("*.py") if path.name != "email_kinds.py"]

    found = [hit for path in modules for hit in _spelt_out_kinds(path)]

    assert found == []


def test_the_settings_page_says_which_emails_always_come_and_why(client, login, create_user):
    login(create_user("Ada", email="ada@example.org"))

    page = client.get("/account/emails").get_data(as_text=True)

    for kind in (EmailKind.ACCOUNT, EmailKind.CHECKED_IN_AT_DOOR):
        assert KINDS[kind].label in page
        assert KINDS[kind].always_because in page
    assert KINDS[EmailKind.TEST_MESSAGE].label not in page


def test_the_readme_names_every_setting_and_every_kind_members_get():
    readme = (ROOT / "README.md").read_text()
    section = readme[readme.index("## Emails"):readme.index("## Configuration")]
    words = " ".join(section.split())  # labels may be wrapped across lines

    for label in SETTING_LABELS.values():
        assert label in words
    for rule in KINDS.values():
        if rule.to_members:
            assert rule.label in words
