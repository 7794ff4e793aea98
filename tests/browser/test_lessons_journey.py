"""A reader who is not signed in finds a lesson by searching a word in another form than the lesson
uses, sees who learnt it, and is asked to sign in to talk to them; signing in returns to the lesson."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from flashmob import search
from flashmob.extensions import db
from tests.browser.site import build_site
from tests.discussions.archive_factories import publish_writeup
from tests.factories import DEFAULT_PASSWORD


def test_signed_out_reader_finds_a_lesson_in_their_own_words_and_is_asked_to_sign_in_to_talk(page, server):
    site = build_site()
    search.seed_synonyms()
    writeup = publish_writeup(
        site.past,
        [
            {
                "statement": "Estimates belong in ranges, never single numbers",
                "body": "A single number is heard as a promise.",
                "themes": ["Planning"],
                "voices": [site.organiser],
            },
            {"statement": "Cut projects, not the PMO", "themes": ["Portfolio management"]},
        ],
    )
    lesson_id = writeup.lessons[0].id
    db.session.rollback()

    page.goto(server.path("events.home"))
    page.goto(server.path("discussions.archive"))
    main = page.get_by_role("main")
    main.get_by_label("Search the lessons").fill("estimating")
    main.get_by_role("button", name="Search").click()

    expect(main.get_by_role("status")).to_contain_text("1 lesson found for “estimating”")
    card = main.get_by_role("article")
    expect(card).to_have_count(1)
    expect(card.get_by_role("heading", level=2)).to_have_text(
        "Estimates belong in ranges, never single numbers"
    )
    expect(card.locator("mark").first).to_have_text("Estimates")
    expect(card).to_contain_text(site.organiser.display_name)
    expect(card.get_by_role("link", name=re.compile("^Talk to them"))).to_have_count(0)

    card.get_by_role("link", name="Sign in to talk to them").click()
    expect(page).to_have_url(re.compile(r"/login\?next="))
    page.get_by_role("main").get_by_label("Email").fill(site.member.email)
    page.get_by_role("main").get_by_label("Password", exact=True).fill(DEFAULT_PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Sign in").click()
    # Back to the lesson, where its people are one step away.
    expect(page).to_have_url(re.compile(rf"/lessons/{lesson_id}$"))
    # Signed in, the archive offers to talk to each person: a request to connect that names the lesson.
    page.goto(server.path("discussions.archive", q="estimate"))
    talk = page.get_by_role("main").get_by_role("link", name=f"Talk to them ({site.organiser.display_name})")
    talk.click()
    expect(page).to_have_url(re.compile(rf"/connections/{site.organiser.id}/ask\?"))
    note = page.get_by_role("main").get_by_label("A note to go with your request (optional)")
    expect(note).to_have_value(re.compile(r"^About your lesson “Estimates belong in ranges"))
