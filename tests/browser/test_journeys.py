"""Whole journeys in a real browser, found by label and role as people find things."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from playwright.sync_api import expect
from sqlalchemy import select

from flashmob.events.models import ChapterMembership, Event, EventStatus, Rsvp, RsvpStatus
from flashmob.extensions import db
from flashmob.members.models import User
from flashmob.outbox import OutboxMessage
from tests.browser.site import build_site
from tests.factories import DEFAULT_PASSWORD

NEW_PASSWORD = "lanterns over the canal basin"


def _fresh():
    """Forget what this thread's session has loaded: the browser changed the database behind it."""
    db.session.rollback()


def _confirmation_path(email: str) -> str:
    _fresh()
    message = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.to_address == email).order_by(OutboxMessage.id.desc())
    ).first()
    assert message is not None, f"no email was queued for {email}"
    links = re.findall(r"https?://\S+/confirm/\S+", message.text_body)
    assert links, f"no confirmation link in the email:\n{message.text_body}"
    # The link names the public site (BASE_URL); the journey follows it on the live server.
    parts = urlsplit(links[0].rstrip(".,)>"))
    return parts.path + (f"?{parts.query}" if parts.query else "")


def test_newcomer_registers_confirms_joins_birmingham_and_sees_the_upcoming_event(page, server):
    site = build_site()
    page.goto("/")
    page.get_by_role("navigation", name="Account").get_by_role("link", name="Join").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()

    main = page.get_by_role("main")
    main.get_by_label("Email address").fill("Nia.Newcomer@example.org")
    main.get_by_label("Display name").fill("Nia Newcomer")
    main.get_by_label("Password", exact=True).fill(NEW_PASSWORD)
    main.get_by_label("Confirm password").fill(NEW_PASSWORD)
    main.get_by_role("button", name="Create my account").click()
    expect(page.get_by_role("main")).to_contain_text("nia.newcomer@example.org")

    page.goto(_confirmation_path("nia.newcomer@example.org"))
    page.get_by_role("main").get_by_role("button", name="Confirm my address").click()
    expect(page.get_by_role("status").filter(has_text="Your address is confirmed")).to_be_visible()

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Chapters").click()
    page.get_by_role("main").get_by_role("link", name="Birmingham").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Birmingham")
    page.get_by_role("main").get_by_role("button", name="Join Birmingham").click()
    expect(page.get_by_role("status").filter(has_text="Birmingham")).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text(site.upcoming.title)

    _fresh()
    newcomer = db.session.scalars(select(User).where(User.email == "nia.newcomer@example.org")).one()
    assert newcomer.is_confirmed
    assert newcomer.is_member_of(site.birmingham.id)


def test_organiser_creates_and_publishes_an_event_and_sees_it_on_the_chapter_page(page, server, sign_in):
    site = build_site()
    sign_in(page, site.organiser)
    page.goto(server.path("events.chapter", slug=site.birmingham.slug))
    main = page.get_by_role("main")
    main.get_by_role("link", name="New event").click()

    main = page.get_by_role("main")
    main.get_by_label("Title").fill("Estimating with reference classes")
    main.get_by_label("Starts").fill("2031-03-12T18:00")
    main.get_by_label("Ends").fill("2031-03-12T20:30")
    main.get_by_label("Venue", exact=True).fill("The Old Joint Stock")
    main.get_by_label("Description").fill("Bring **one estimate** that went wrong and what it taught you.")
    main.get_by_role("button", name="Save draft").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Estimating with reference classes")
    expect(page.get_by_role("status").filter(has_text="saved as a draft")).to_be_visible()

    page.get_by_role("main").get_by_role("button", name="Publish event").click()
    expect(page.get_by_role("status").filter(has_text="is published")).to_be_visible()

    page.get_by_role("main").get_by_role("link", name="Birmingham").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Birmingham")
    new_event_link = page.get_by_role("main").get_by_role("link", name="Estimating with reference classes")
    expect(new_event_link).to_be_visible()

    _fresh()
    event = db.session.scalars(select(Event).where(Event.title == "Estimating with reference classes")).one()
    assert event.status == EventStatus.PUBLISHED
    assert event.chapter_id == site.birmingham.id


def test_member_signed_in_on_two_devices_signs_the_other_out_from_the_account_page(new_page, server, sign_in):
    site = build_site()
    phone, laptop = new_page(), new_page()
    sign_in(phone, site.member)
    sign_in(laptop, site.member)
    laptop.goto(server.path("members.account"))
    signed_in = laptop.get_by_role("region", name="Where you're signed in")
    expect(signed_in.get_by_role("listitem")).to_have_count(2)
    expect(signed_in.get_by_role("listitem").first).to_contain_text("This device")
    signed_in.get_by_role("button", name="Sign out everywhere else").click()
    expect(laptop.get_by_role("status").filter(has_text="signed out on 1 other device")).to_be_visible()
    assert laptop.url.endswith("/account#sessions")
    signed_in = laptop.get_by_role("region", name="Where you're signed in")
    expect(signed_in.get_by_role("listitem")).to_have_count(1)

    phone.goto(server.path("members.account"))
    account_nav = phone.get_by_role("navigation", name="Account")
    expect(account_nav.get_by_role("link", name="Sign in")).to_be_visible()
    laptop.reload()
    expect(laptop.get_by_role("heading", level=1)).to_have_text("Your account")


def test_anonymous_reader_browses_chapters_upcoming_and_past_events(page, server):
    site = build_site()
    page.goto("/")
    nav = page.get_by_role("navigation", name="Main")

    nav.get_by_role("link", name="Chapters").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    main = page.get_by_role("main")
    expect(main.get_by_role("link", name="London").first).to_be_visible()
    main.get_by_role("link", name="Birmingham").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Birmingham")
    expect(page.get_by_role("main").get_by_role("link", name=site.upcoming.title)).to_be_visible()
    expect(page.get_by_role("main")).not_to_contain_text(site.draft.title)

    nav.get_by_role("link", name="Upcoming").click()
    main = page.get_by_role("main")
    expect(main.get_by_role("link", name=site.upcoming.title)).to_be_visible()
    expect(main.get_by_role("link", name="London PMO night")).to_be_visible()
    expect(main).not_to_contain_text(site.past.title)
    expect(main).not_to_contain_text(site.draft.title)

    nav.get_by_role("link", name="Past events").click()
    main = page.get_by_role("main")
    expect(main).not_to_contain_text(site.upcoming.title)
    main.get_by_role("link", name=site.past.title).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(site.past.title)
    expect(page.get_by_role("main")).to_contain_text("What we learnt when the portfolio was cut by a third.")


def test_wrong_password_says_so_and_keeps_the_reader_signed_out(page, server):
    site = build_site()
    page.goto("/")
    page.get_by_role("navigation", name="Account").get_by_role("link", name="Sign in").click()
    main = page.get_by_role("main")
    main.get_by_label("Email address").fill(site.member.email)
    main.get_by_label("Password", exact=True).fill("not my password")
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        main.get_by_role("button", name="Sign in", exact=True).click()
    assert answer.value.status == 422
    expect(page.get_by_role("alert")).to_contain_text("Email or password is incorrect")
    expect(page.get_by_role("navigation", name="Account").get_by_role("link", name="Sign in")).to_be_visible()


def test_invalid_registration_shows_each_message_at_its_field_and_creates_no_account(page, server):
    page.goto(server.path("members.register"))
    main = page.get_by_role("main")
    # Mistakes the browser's own checks let through, so that the server's answer is what shows.
    main.get_by_label("Email address").fill("nia@example")
    main.get_by_label("Display name").fill("   ")
    main.get_by_label("Password", exact=True).fill(NEW_PASSWORD)
    main.get_by_label("Confirm password").fill("something else entirely")
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        main.get_by_role("button", name="Create my account").click()
    assert answer.value.status == 422

    main = page.get_by_role("main")
    expect(main.get_by_label("Display name")).to_have_accessible_description(
        re.compile("Tell us what to call you")
    )
    expect(main.get_by_label("Confirm password")).to_have_accessible_description(
        re.compile("The passwords do not match")
    )
    expect(main.get_by_label("Email address")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_role("alert")).to_be_visible()
    _fresh()
    assert db.session.scalars(select(User)).all() == []
    assert db.session.scalars(select(ChapterMembership)).all() == []


def test_member_deletes_their_account_and_a_past_evening_shows_a_former_member(page, server, sign_in):
    site = build_site()
    db.session.add(Rsvp(event_id=site.past.id, user_id=site.member.id, status=RsvpStatus.GOING))
    db.session.commit()
    name = site.member.display_name
    sign_in(page, site.member)
    page.goto(server.path("members.account"))
    section = page.get_by_role("region", name="Delete my account")
    section.get_by_role("link", name="Delete my account").click()

    main = page.get_by_role("main")
    expect(page.get_by_role("heading", level=1)).to_have_text("Delete your account")
    expect(main.get_by_role("heading", name="What is kept")).to_be_visible()
    main.get_by_label("Your password").fill(DEFAULT_PASSWORD)
    main.get_by_label("I understand that my account is deleted for good").check()
    main.get_by_role("button", name="Delete my account").click()

    expect(page.get_by_role("status").filter(has_text="Your account is deleted")).to_be_visible()
    assert urlsplit(page.url).path == "/"
    expect(page.get_by_role("navigation", name="Account").get_by_role("link", name="Sign in")).to_be_visible()

    sign_in(page, site.organiser)
    page.goto(server.path("events.detail", event_id=site.past.id))
    who_went = page.get_by_role("main")
    expect(who_went).to_contain_text("Former member")
    expect(who_went).not_to_contain_text(name)
    expect(who_went.get_by_role("link", name="Former member")).to_have_count(0)
