"""The main flows work by keyboard alone (Tab, Enter, Space), and the focus can always be seen."""

from __future__ import annotations

import re

from playwright.sync_api import expect
from sqlalchemy import select

from flashmob.events.models import ChapterMembership, RsvpStatus
from flashmob.extensions import db
from tests.browser.checks import focus_is_visible, focused, tab_to
from tests.browser.site import build_site
from tests.factories import DEFAULT_PASSWORD


def _is(tag: str, text: str | None = None, label: str | None = None):
    def matches(state: dict) -> bool:
        return (
            state["tag"] == tag
            and (text is None or bool(re.fullmatch(text, state["text"], re.I)))
            and (label is None or bool(state["label"] and re.match(label, state["label"], re.I)))
        )

    return matches


def test_member_signs_in_and_joins_a_chapter_by_keyboard_alone_with_the_focus_always_visible(page, server):
    site = build_site()
    page.goto("/")

    page.keyboard.press("Tab")
    skip = focused(page)
    assert skip and skip["text"] == "Skip to content", f"the first Tab should reach the skip link, not {skip}"
    assert focus_is_visible(skip), f"the skip link has no visible focus: {skip}"
    expect(page.get_by_role("link", name="Skip to content")).to_be_in_viewport()

    tab_to(page, _is("a", "Sign in"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")

    tab_to(page, _is("input", label="Email address"))
    page.keyboard.type(site.member.email)
    tab_to(page, _is("input", label="Password"))
    page.keyboard.type(DEFAULT_PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("status").filter(has_text="Welcome back")).to_be_visible()

    tab_to(page, _is("a", "Chapters"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    tab_to(page, _is("a", "London.*"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("London")

    tab_to(page, _is("button", "Join.*"))
    page.keyboard.press("Space")
    expect(page.get_by_role("status").filter(has_text="London")).to_be_visible()

    db.session.rollback()
    membership = db.session.scalars(
        select(ChapterMembership).where(
            ChapterMembership.user_id == site.member.id, ChapterMembership.chapter_id == site.london.id
        )
    ).one_or_none()
    assert membership is not None, "pressing Space on Join did not make the member part of the chapter"


def test_form_errors_can_be_reached_and_fixed_by_keyboard(page, server):
    site = build_site()
    page.goto(server.path("members.login"))
    tab_to(page, _is("input", label="Email address"))
    page.keyboard.type(site.member.email)
    tab_to(page, _is("input", label="Password"))
    page.keyboard.type("not the password")
    page.keyboard.press("Enter")
    expect(page.get_by_role("alert")).to_be_visible()

    tab_to(page, _is("input", label="Password"))
    page.keyboard.type(DEFAULT_PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("status").filter(has_text="Welcome back")).to_be_visible()


def test_member_says_going_to_an_event_by_keyboard_alone(page, server, sign_in):
    from flashmob.events.models import Rsvp

    site = build_site()
    sign_in(page, site.member)
    page.goto(server.path("events.detail", event_id=site.upcoming.id))

    tab_to(page, _is("button", "Going"))
    assert focus_is_visible(focused(page)), "the Going button has no visible focus"
    page.keyboard.press("Enter")
    expect(page.get_by_role("status").filter(has_text="You're going")).to_be_visible()

    db.session.rollback()
    rsvp = db.session.scalars(
        select(Rsvp).where(Rsvp.event_id == site.upcoming.id, Rsvp.user_id == site.member.id)
    ).one_or_none()
    assert rsvp is not None and rsvp.status == RsvpStatus.GOING
