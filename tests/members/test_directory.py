"""A chapter's directory: its members the viewer may see, searched by name, organisation, kind of PMO
and tag, a page at a time, in the same number of queries whatever the page size."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from flashmob.events.models import Rsvp, RsvpStatus
from flashmob.extensions import db
from flashmob.members.models import MemberBlock, MemberTagKind
from flashmob.members.profiles import services


def names_on(page: str) -> list[str]:
    return re.findall(r'<h2 class="member-card__name"><a href="/members/\d+">([^<]+)</a></h2>', page)


@pytest.fixture
def leeds(create_chapter, create_user, add_member):
    """Leeds with five members who chose differently, and a member of York who is not in it."""
    chapter = create_chapter("Leeds", slug="leeds")
    people = {
        "open": create_user("Ann Open", headline="PMO lead", organisation="Acme Rail", pmo_kind="portfolio",
                            visibility="everyone"),
        "members": create_user("Bea Members", organisation="Bright Water", pmo_kind="programme",
                               visibility="members"),
        "quiet": create_user("Cal Quiet", visibility="met", organisation="Acme Rail"),
        "default": create_user("Dee Default"),
        "gone": create_user("Former member", deleted_at=datetime.now(UTC)),
    }
    for person in people.values():
        add_member(chapter, person)
    services.set_member_tags(people["open"], MemberTagKind.EXPERTISE, ["Risk registers"])
    services.set_member_tags(people["members"], MemberTagKind.INTEREST, ["Risk registers", "Benefits"])
    add_member(create_chapter("York", slug="york"), create_user("Yan York", visibility="everyone"))
    db.session.commit()
    return chapter, people


def test_strangers_see_only_the_members_who_show_their_profile_to_everyone(client, leeds):
    page = client.get("/chapters/leeds/members").text
    assert names_on(page) == ["Ann Open"]
    assert "PMO lead" in page and "Acme Rail" in page
    assert "/login?next=" in page


def test_members_see_everyone_but_those_who_keep_to_people_they_met(client, login, create_user, leeds):
    login(create_user("Vic Viewer"))
    page = client.get("/chapters/leeds/members").text
    assert names_on(page) == ["Ann Open", "Bea Members", "Dee Default"]
    assert "Yan York" not in page and "Former member" not in page


def test_people_who_met_them_see_the_quiet_ones_too(client, login, create_user, create_event, leeds):
    chapter, people = leeds
    viewer = create_user("Vic Viewer")
    past = create_event(chapter, starts_at=datetime.now(UTC) - timedelta(days=7))
    for person in (viewer, people["quiet"]):
        db.session.add(Rsvp(event=past, user_id=person.id, status=RsvpStatus.GOING))
    db.session.commit()
    login(viewer)
    assert "Cal Quiet" in names_on(client.get("/chapters/leeds/members").text)


def test_blocks_hide_people_both_ways_and_members_see_themselves(client, login, leeds):
    _, people = leeds
    db.session.add(MemberBlock(blocker_id=people["open"].id, blocked_id=people["quiet"].id))
    db.session.commit()
    login(people["quiet"])
    assert names_on(client.get("/chapters/leeds/members").text) == ["Bea Members", "Cal Quiet", "Dee Default"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"name": "bea"}, ["Bea Members"]),
        ({"name": "%"}, []),
        ({"organisation": "acme"}, ["Ann Open"]),  # Cal Quiet works there too, but keeps to people they met
        ({"kind": "programme"}, ["Bea Members"]),
        ({"kind": "not-a-kind"}, ["Ann Open", "Bea Members", "Dee Default"]),
        ({"tag": "risk-registers"}, ["Ann Open", "Bea Members"]),
        ({"tag": "risk-registers", "name": "ann"}, ["Ann Open"]),
        ({"tag": "Risk Registers"}, ["Ann Open", "Bea Members"]),  # typed as a name
        ({"tag": "no-such-tag"}, []),
    ],
)
def test_searching_by_name_organisation_kind_and_tag(client, login, create_user, leeds, query, expected):
    login(create_user("Vic Viewer"))
    response = client.get("/chapters/leeds/members", query_string=query)
    assert response.status_code == 200
    assert names_on(response.text) == expected


def test_an_unknown_tag_says_so(client, leeds):
    page = client.get("/chapters/leeds/members?tag=no-such-tag").text
    assert "Nobody uses the tag “no-such-tag” yet." in page


def test_the_search_form_has_a_label_for_every_control(client, leeds):
    page = client.get("/chapters/leeds/members").text
    for control in ("name", "organisation", "kind", "tag"):
        assert f'<label for="{control}">' in page
        assert f'id="{control}"' in page


def test_an_unknown_chapter_is_a_404(client):
    assert client.get("/chapters/nowhere/members").status_code == 404


def test_the_chapter_page_links_to_its_directory(client, leeds):
    assert 'href="/chapters/leeds/members"' in client.get("/chapters/leeds").text


def test_pages_follow_one_another_by_name_with_nobody_twice(app, client, create_user, add_member, leeds):
    chapter, _ = leeds
    for n in range(7):
        add_member(chapter, create_user(f"Eve {n:02d}", visibility="everyone"))
    app.config["PER_PAGE"] = 3
    try:
        seen, path = [], "/chapters/leeds/members"
        for _ in range(10):
            page = client.get(path).text
            seen += names_on(page)
            match = re.search(r'href="(/chapters/leeds/members\?after=[^"]+)"', page)
            if not match:
                break
            path = match.group(1).replace("&amp;", "&")
    finally:
        app.config["PER_PAGE"] = 10
    assert seen == ["Ann Open"] + [f"Eve {n:02d}" for n in range(7)]


def test_a_made_up_page_key_shows_the_first_page(client, leeds):
    for key in ("garbage", "W10", "WyJhIiwgdHJ1ZV0", "%00"):
        response = client.get("/chapters/leeds/members", query_string={"after": key})
        assert response.status_code in (200, 400)


def test_the_directory_costs_the_same_queries_whatever_the_page_size(
    app, client, login, create_user, add_member, count_queries, leeds
):
    chapter, _ = leeds
    viewer = login(create_user("Vic Viewer"))
    add_member(chapter, viewer)
    for n in range(12):
        person = create_user(f"Eve {n:02d}", headline="Analyst", visibility="everyone", picture_version=1)
        add_member(chapter, person)
        services.set_member_tags(person, MemberTagKind.EXPERTISE, [f"Topic {n}", "Risk registers"])
    db.session.commit()
    counts = {}
    try:
        for size in (2, 15):
            app.config["PER_PAGE"] = size
            with count_queries() as queries:
                page = client.get("/chapters/leeds/members?tag=risk-registers").text
            counts[size] = (queries.count, len(names_on(page)))
    finally:
        app.config["PER_PAGE"] = 10
    assert counts[2][1] == 2 and counts[15][1] == 14
    assert counts[2][0] == counts[15][0]
