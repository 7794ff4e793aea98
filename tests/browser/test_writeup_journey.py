"""An organiser writes up a past evening in a real browser, names a member, who agrees and is then shown."""

from __future__ import annotations

from playwright.sync_api import expect
from sqlalchemy import select

from flashmob.discussions.models import LessonVoice, VoiceStatus, Writeup
from flashmob.events.models import Rsvp, RsvpStatus
from flashmob.extensions import db
from tests.browser.site import build_site


def test_organiser_writes_up_an_evening_with_two_lessons_and_a_consenting_member_is_shown(
    new_page, server, sign_in
):
    site = build_site()
    db.session.add(Rsvp(event_id=site.past.id, user_id=site.member.id, status=RsvpStatus.GOING))
    db.session.commit()

    page = new_page()
    sign_in(page, site.organiser)
    page.goto(server.path("events.detail", event_id=site.past.id))
    page.get_by_role("main").get_by_role("button", name="Write up this evening").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Write up")

    main = page.get_by_role("main")
    main.get_by_role("textbox", name="Introduction").fill("A frank evening about **cutting a portfolio**.")
    main.get_by_role("button", name="Preview").click()
    expect(page.get_by_role("main").get_by_role("region", name="Preview (not saved yet)")).to_contain_text(
        "cutting a portfolio"
    )
    page.get_by_role("main").get_by_role("button", name="Save introduction").click()
    expect(page.get_by_role("status")).to_contain_text("introduction is saved")

    page.get_by_role("main").get_by_role("link", name="Add a lesson").click()
    main = page.get_by_role("main")
    main.get_by_label("The lesson, in one line").fill("Stop projects in month one, not month nine")
    main.get_by_label("A paragraph (optional)").fill("The sunk cost grows *every month*.")
    main.get_by_label("Themes (comma-separated)").fill("what bad decisions cost, portfolio")
    main.get_by_label(site.member.display_name).check()
    main.get_by_role("button", name="Save lesson").click()
    expect(page.get_by_role("status")).to_contain_text(f"asked {site.member.display_name}")

    page.get_by_role("main").get_by_role("link", name="Add a lesson").click()
    main = page.get_by_role("main")
    main.get_by_label("The lesson, in one line").fill("The PMO advises; the sponsor decides")
    main.get_by_role("button", name="Save lesson").click()

    page.get_by_role("main").get_by_role("button", name="Publish the write-up").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("What we learnt")
    lessons = page.get_by_role("main").get_by_role("region", name="Lessons")
    expect(lessons.get_by_role("heading", level=3)).to_have_count(2)
    # Asked, not agreed yet: not shown.
    expect(lessons).not_to_contain_text(site.member.display_name)

    db.session.rollback()
    voice = db.session.scalar(select(LessonVoice).where(LessonVoice.user_id == site.member.id))
    assert voice.status == VoiceStatus.ASKED

    other = new_page()
    sign_in(other, site.member)
    other.goto(server.path("members.account"))
    named_in = other.get_by_role("region", name="Lessons you were named in")
    expect(named_in).to_contain_text("Stop projects in month one, not month nine")
    named_in.get_by_role("link", name="Agree or decline").click()
    other.get_by_role("main").get_by_role("button", name="Yes, show my name").click()
    expect(other.get_by_role("heading", level=1)).to_have_text("Stop projects in month one, not month nine")
    expect(other.get_by_role("region", name="The people behind it")).to_contain_text(site.member.display_name)

    page.reload()
    expect(page.get_by_role("main").get_by_role("region", name="Lessons")).to_contain_text(
        site.member.display_name
    )
    page.goto(server.path("events.detail", event_id=site.past.id))
    learnt = page.get_by_role("region", name="What we learnt")
    expect(learnt.get_by_role("link", name="The PMO advises; the sponsor decides")).to_be_visible()

    db.session.rollback()
    assert db.session.scalar(select(Writeup)).is_published
