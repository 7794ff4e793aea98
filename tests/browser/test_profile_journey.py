"""A member fills in their profile, adds a picture and keeps it to people they have met; a stranger
signed out sees their name only, and cannot fetch the picture."""

from __future__ import annotations

import io

from PIL import Image
from playwright.sync_api import expect

from flashmob.demo import abstract_avatar
from tests.browser.site import build_site


def _picture_file(tmp_path):
    path = tmp_path / "me.png"
    Image.open(io.BytesIO(abstract_avatar(7))).save(path)
    return path


def test_a_member_fills_their_profile_and_hides_it_from_strangers(page, server, sign_in, tmp_path):
    site = build_site()
    sign_in(page, site.member)

    page.goto("/")
    prompt = page.get_by_role("region", name="Tell people who you are")
    expect(prompt).to_contain_text("people will know who to look for on the night")
    prompt.get_by_role("link", name="Fill in my profile").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Edit your profile")

    main = page.get_by_role("main")
    main.get_by_label("Your picture").set_input_files(_picture_file(tmp_path))
    main.get_by_role("button", name="Upload picture").click()
    expect(page.get_by_role("status").filter(has_text="Your picture is saved")).to_be_visible()

    main = page.get_by_role("main")
    main.get_by_label("Headline").fill("Project support, housing")
    main.get_by_label("Organisation").fill("Brindley Homes")
    main.get_by_label("Kind of PMO").select_option(label="Project office")
    main.get_by_label("Years in PMO work").fill("3")
    expertise = main.get_by_label("What you know about")
    expertise.press_sequentially("RAID logs, Ri")
    # The last tag is completed from the tags others use (the organiser knows about risk registers).
    expect(page.locator('#tag-suggestions option[value="RAID logs, Risk registers"]')).to_have_count(1)
    expertise.fill("RAID logs, Risk registers")
    main.get_by_label("LinkedIn address").fill("linkedin.com/in/not-a-real-profile")
    main.get_by_label("Only people I have been to an evening with, and my connections").check()
    main.get_by_role("button", name="Save my profile").click()

    expect(page.get_by_role("status").filter(has_text="Your profile is saved")).to_be_visible()
    main = page.get_by_role("main")
    expect(main.get_by_role("heading", level=1)).to_have_text(site.member.display_name)
    expect(main).to_contain_text("Project support, housing")
    expect(main.get_by_role("link", name="RAID logs")).to_be_visible()
    picture = main.locator(".avatar img")
    expect(picture).to_be_visible()
    picture_url = picture.get_attribute("src")
    profile_url = page.url

    page.get_by_role("button", name="Sign out").click()
    page.goto(profile_url)
    main = page.get_by_role("main")
    expect(main.get_by_role("heading", level=1)).to_have_text(site.member.display_name)
    expect(main).to_contain_text("shows their profile only to people they have been to an evening with")
    expect(main).not_to_contain_text("Project support, housing")
    expect(main).not_to_contain_text("Brindley Homes")
    expect(main.locator(".avatar img")).to_have_count(0)
    assert page.request.get(picture_url).status == 404
