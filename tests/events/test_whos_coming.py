"""Who's coming and people to meet on the event page: what each kind of viewer sees, in fixed queries."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime

import pytest

from flashmob.events.evenings.attendees import ON_THE_EVENT_PAGE, ListMode, whos_coming
from flashmob.events.models import Rsvp, RsvpStatus
from flashmob.events.rsvps import queries as rsvp_queries
from flashmob.events.rsvps import services as rsvps
from flashmob.extensions import db
from flashmob.members.circle import Circle
from flashmob.members.models import (
    Connection,
    ConnectionNote,
    ConnectionStatus,
    MemberBlock,
    MemberProfile,
    MemberTag,
    MemberTagKind,
    PmoKind,
    ProfileVisibility,
)
from flashmob.members.privacy import shown_on_attendee_list
from flashmob.tags import tags_named


def page_of(client, event) -> str:
    response = client.get(f"/events/{event.id}")
    assert response.status_code == 200
    return html.unescape(response.get_data(as_text=True))


def section(page: str, heading_id: str) -> str:
    """The text of the page's <section> labelled by that heading, or '' if there is none."""
    match = re.search(rf'<section aria-labelledby="{heading_id}">(.*?)</section>', page, re.S)
    return match.group(1) if match else ""


def give_profile(user, *, expertise=(), interests=(), **fields):
    db.session.add(MemberProfile(user_id=user.id, **fields))
    for kind, names in ((MemberTagKind.EXPERTISE, expertise), (MemberTagKind.INTEREST, interests)):
        for position, tag in enumerate(tags_named(dict.fromkeys(names))):
            db.session.add(MemberTag(user_id=user.id, tag_id=tag.id, kind=kind, position=position))
    db.session.commit()
    return user


def going(event, *users):
    for user in users:
        rsvps.rsvp_going(event, user)
    db.session.commit()


LAST_YEAR = datetime(2025, 3, 5, 18, tzinfo=UTC)


def went(event, *users):
    """Seats at an evening that has happened (the RSVP rules take no answers for it now)."""
    for user in users:
        db.session.add(Rsvp(event=event, user_id=user.id, status=RsvpStatus.GOING))
    db.session.commit()


def connect(a, b):
    db.session.add(
        Connection(
            pair_key=Connection.key_for(a.id, b.id),
            requester_id=a.id,
            addressee_id=b.id,
            status=ConnectionStatus.ACCEPTED,
        )
    )
    db.session.commit()


@pytest.fixture
def event(roles, create_event):
    return create_event(roles["chapter"], title="Risk registers people read", capacity=None)


@pytest.fixture
def crowd(roles, event, create_user):
    """Ada shares her profile with everyone; Hal keeps off attendee lists; Mo shows his profile only to
    people he has met; Bea is an attendee with nothing filled in."""
    ada = give_profile(
        create_user("Ada Lovelace"),
        headline="Head of PMO",
        organisation="Analytical Engines",
        visibility=ProfileVisibility.EVERYONE,
        expertise=("Risk registers", "Benefits reporting", "RAID logs", "Scheduling"),
    )
    hal = give_profile(
        create_user("Hal Hidden"),
        headline="Portfolio lead",
        organisation="Quiet Ltd",
        listed_on_attendee_lists=False,
    )
    mo = give_profile(
        create_user("Mo Private"),
        headline="Programme manager",
        organisation="Secret Org",
        visibility=ProfileVisibility.MET,
        expertise=("Assurance",),
    )
    bea = create_user("Bea Attendee")
    going(event, ada, hal, mo, bea)
    return {"ada": ada, "hal": hal, "mo": mo, "bea": bea}


# What each kind of viewer sees


def test_signed_out_people_see_only_how_many_are_going(client, event, crowd):
    coming = section(page_of(client, event), "coming-heading")
    assert "4 people are going." in coming
    for person in crowd.values():
        assert person.display_name not in coming
    assert "Head of PMO" not in coming


@pytest.mark.parametrize("role", ["member", "other_organiser"])
def test_members_not_going_see_listed_names_only(client, login, roles, event, crowd, role):
    login(roles[role])
    coming = section(page_of(client, event), "coming-heading")
    for name in ("ada", "mo", "bea"):
        assert f'href="/members/{crowd[name].id}">{crowd[name].display_name}</a>' in coming
    assert "Hal Hidden" not in coming
    assert "1 more person is going, not listed here." in coming
    for detail in ("Head of PMO", "Analytical Engines", "Risk registers", "Programme manager"):
        assert detail not in coming
    assert section(page_of(client, event), "meet-heading") == ""


def test_an_attendee_sees_cards_as_far_as_each_person_allows(client, login, event, crowd):
    login(crowd["bea"])
    coming = section(page_of(client, event), "coming-heading")
    # Ada shares her profile: headline, organisation and three of her tags.
    assert "Head of PMO · Analytical Engines" in coming
    assert "Risk registers" in coming and "Benefits reporting" in coming and "RAID logs" in coming
    assert "Scheduling" not in coming
    # Mo shows his profile only to people he has met: his name and initials, nothing more.
    assert f'href="/members/{crowd["mo"].id}">Mo Private</a>' in coming
    assert "Programme manager" not in coming and "Secret Org" not in coming and "Assurance" not in coming
    # Hal keeps off attendee lists.
    assert "Hal Hidden" not in coming and "Portfolio lead" not in coming
    assert "1 more person is going, not listed here." in coming
    assert 'Bea Attendee</a> <span class="muted">(you)</span>' in coming


def test_someone_off_the_lists_still_sees_themselves(client, login, event, crowd):
    login(crowd["hal"])
    coming = section(page_of(client, event), "coming-heading")
    assert 'Hal Hidden</a> <span class="muted">(you)</span>' in coming
    assert "Portfolio lead · Quiet Ltd" in coming
    assert "not listed here" not in coming


@pytest.mark.parametrize("role", ["organiser", "admin"])
def test_organisers_see_everyone_going_but_no_more_of_a_profile_than_its_owner_allows(
    client, login, roles, event, crowd, role
):
    login(roles[role])
    page = page_of(client, event)
    coming = section(page, "coming-heading")
    assert "Hal Hidden" in coming and "Portfolio lead · Quiet Ltd" in coming
    assert "Head of PMO · Analytical Engines" in coming
    assert "Mo Private" in coming and "Programme manager" not in coming
    assert "not listed here" not in coming
    # Not going themselves: nobody to meet is suggested.
    assert section(page, "meet-heading") == ""


def test_a_block_either_way_hides_each_from_the_other(client, login, event, crowd):
    db.session.add(MemberBlock(blocker_id=crowd["ada"].id, blocked_id=crowd["bea"].id))
    db.session.commit()
    login(crowd["bea"])
    coming = section(page_of(client, event), "coming-heading")
    assert "Ada Lovelace" not in coming and "Head of PMO" not in coming
    login(crowd["ada"])
    assert "Bea Attendee" not in section(page_of(client, event), "coming-heading")


def test_met_means_the_profile_shows_to_someone_who_went_to_an_evening_with_them(
    client, login, roles, create_event, event, crowd
):
    went(create_event(roles["chapter"], starts_at=LAST_YEAR), crowd["mo"], crowd["bea"])
    login(crowd["bea"])
    assert "Programme manager · Secret Org" in section(page_of(client, event), "coming-heading")


def test_the_people_who_came_are_listed_once_it_is_over(client, login, roles, create_event, create_user):
    past = create_event(roles["chapter"], starts_at=LAST_YEAR, capacity=None)
    came, stayed_home = create_user("Cam Came"), create_user("Sid Stayedhome")
    give_profile(came, headline="PMO analyst")
    went(past, came, stayed_home)
    for rsvp in rsvp_queries.attendee_sheet(past).going:
        if rsvp.user_id == came.id:
            rsvp.checked_in_at = LAST_YEAR
    db.session.commit()
    login(came)
    coming = section(page_of(client, past), "coming-heading")
    assert "Who went" in coming and "PMO analyst" in coming and "Sid Stayedhome" not in coming
    # Sid said he was going but did not come: he sees who went, but not their details.
    login(stayed_home)
    coming = section(page_of(client, past), "coming-heading")
    assert "Cam Came" in coming and "PMO analyst" not in coming


# Same-named people


def test_namesakes_are_told_apart_by_headline_and_organisation(client, login, event, crowd, create_user):
    risk = give_profile(create_user("Sam Smith"), headline="Risk manager", organisation="Severn Trent")
    pmo = give_profile(create_user("Sam Smith"), headline="PMO director", organisation="Network Rail")
    going(event, risk, pmo)
    login(crowd["bea"])
    coming = section(page_of(client, event), "coming-heading")
    assert coming.count(">Sam Smith</a>") == 2
    assert "Risk manager · Severn Trent" in coming and "PMO director · Network Rail" in coming
    assert "member since" not in coming


def test_namesakes_with_nothing_else_to_show_are_told_apart_by_when_they_joined(
    client, login, event, crowd, create_user
):
    old = create_user("Sam Smith", created_at=datetime(2019, 4, 1, tzinfo=UTC))
    new = create_user("Sam Smith", created_at=datetime(2025, 6, 1, tzinfo=UTC))
    # A third, whose profile Bea may not see: his headline cannot tell him apart for her.
    hidden = give_profile(
        create_user("sam smith", created_at=datetime(2025, 9, 1, tzinfo=UTC)),
        headline="Secret headline",
        visibility=ProfileVisibility.MET,
    )
    going(event, old, new, hidden)
    login(crowd["bea"])
    coming = section(page_of(client, event), "coming-heading")
    assert "member since 2019" in coming
    # Two joined in 2025: the month tells them apart.
    assert "member since June 2025" in coming and "member since September 2025" in coming
    assert "Secret headline" not in coming
    # Ada, the only one of her name, needs nothing more.
    assert coming.count("member since") == 3


# Private notes


def test_a_private_note_shows_to_its_owner_next_to_the_person(client, login, event, crowd):
    db.session.add(
        ConnectionNote(
            owner_id=crowd["bea"].id, about_id=crowd["ada"].id, body="Met at Birmingham #3: RAID logs"
        )
    )
    db.session.commit()
    login(crowd["bea"])
    coming = section(page_of(client, event), "coming-heading")
    assert re.search(
        r"Ada Lovelace</a>.*?Your note.*?Met at Birmingham #3: RAID logs.*?Mo Private", coming, re.S
    )
    login(crowd["mo"])
    assert "Met at Birmingham #3" not in page_of(client, event)


# People to meet


def test_an_attendee_is_offered_people_to_meet_with_the_reason(client, login, event, crowd, create_user):
    give_profile(crowd["bea"], organisation="Sandwell NHS Trust", interests=("Risk registers",))
    login(crowd["bea"])
    meet = section(page_of(client, event), "meet-heading")
    assert "Ada Lovelace" in meet
    assert "Knows about Risk registers, which you want to talk about" in meet
    # Never someone whose profile she may not see, or who keeps off the lists.
    assert "Mo Private" not in meet and "Hal Hidden" not in meet


def test_connections_are_not_suggested(client, login, event, crowd):
    give_profile(crowd["bea"], interests=("Risk registers",))
    connect(crowd["ada"], crowd["bea"])
    login(crowd["bea"])
    page = page_of(client, event)
    assert "Ada Lovelace" not in section(page, "meet-heading")
    assert "Nobody going yet shares what you know about or want to talk about" in section(
        page, "meet-heading"
    )
    assert "Connected" in section(page, "coming-heading")


# The service itself: the stand-in without a picture, and the queries


def test_a_person_whose_profile_is_hidden_is_shown_through_a_stand_in_with_no_picture(event, crowd):
    mo = crowd["mo"]
    panel = rsvp_queries.rsvp_panel(event, crowd["bea"], show_people=True)
    coming = whos_coming(event, crowd["bea"], panel.going, count=panel.going_count)
    assert coming.mode == ListMode.CARDS
    card = next(card for card in coming.people if card.person.id == mo.id)
    assert card.is_restricted and card.person is not mo
    assert card.display_name == "Mo Private" and not card.headline and not card.tags
    assert card.person not in db.session  # never saved, never loaded with a picture


def test_the_event_page_costs_the_same_for_3_and_30_people_going(
    client, login, event, create_user, count_queries
):
    def add_people(n: int, first: int):
        people = []
        for k in range(first, first + n):
            person = give_profile(
                create_user(f"Person {k}"),
                headline=f"Role {k}",
                organisation=f"Org {k % 4}",
                pmo_kind=list(PmoKind)[k % len(PmoKind)],
                expertise=(f"Topic {k % 5}", f"Topic {k % 7}"),
                interests=(f"Topic {k % 3}",),
            )
            people.append(person)
        going(event, *people)
        return people

    viewer = give_profile(create_user("Vi Viewer"), interests=("Topic 1", "Topic 2"), expertise=("Topic 3",))
    going(event, viewer)
    few = add_people(2, 0)
    connect(viewer, few[0])
    db.session.add(ConnectionNote(owner_id=viewer.id, about_id=few[0].id, body="Talked about Topic 0"))
    db.session.commit()
    login(viewer)
    with count_queries() as three:
        page = page_of(client, event)
    assert "Talked about Topic 0" in page and "Role 1" in page

    many = add_people(27, 2)
    db.session.add(ConnectionNote(owner_id=viewer.id, about_id=many[0].id, body="Asked about Topic 2"))
    db.session.add(MemberBlock(blocker_id=many[1].id, blocked_id=viewer.id))
    db.session.commit()
    with count_queries() as thirty:
        page = page_of(client, event)
    assert section(page, "meet-heading").count('class="person-card"') == 4
    assert thirty.count == three.count, thirty.statements[three.count :]
    # The first screenful on the event page; everyone on the list it links to, for the same queries.
    coming = section(page, "coming-heading")
    # Thirty going, one of whom blocked the viewer: 29 listed.
    assert coming.count('class="person-card"') == ON_THE_EVENT_PAGE and "See everyone (5 more)" in coming
    with count_queries() as whole:
        response = client.get(f"/events/{event.id}/coming")
    everyone = section(html.unescape(response.get_data(as_text=True)), "coming-heading")
    assert everyone.count('class="person-card"') == 29 and "See everyone" not in everyone
    assert "Asked about Topic 2" in everyone and "Role 28" in everyone
    assert whole.count <= thirty.count


@pytest.mark.parametrize("role", ["member", "organiser"])
def test_the_page_costs_the_same_for_3_and_30_people_going_for_members_and_organisers_not_going(
    client, login, roles, event, create_user, count_queries, role
):
    listed = []

    def add_people(n: int):
        # Every other person keeps off attendee lists.
        people = [
            give_profile(
                create_user(), headline="Role", expertise=("Topic",), listed_on_attendee_lists=k % 2 == 0
            )
            for k in range(len(listed), len(listed) + n)
        ]
        listed.extend(k % 2 == 0 for k in range(len(listed), len(listed) + n))
        going(event, *people)

    add_people(3)
    login(roles[role])
    with count_queries() as three:
        page_of(client, event)
    add_people(27)
    with count_queries() as thirty:
        page = page_of(client, event)
    assert thirty.count == three.count, thirty.statements[three.count :]
    # The organiser sees all thirty (the first screenful here), the member the fifteen who are listed.
    assert len(listed) == 30 and sum(listed) == 15
    shown = min(30 if role == "organiser" else 15, ON_THE_EVENT_PAGE)
    assert section(page, "coming-heading").count('href="/members/') == shown
    everyone = client.get(f"/events/{event.id}/coming").get_data(as_text=True)
    assert section(everyone, "coming-heading").count('href="/members/') == (30 if role == "organiser" else 15)


# The rule itself


def test_who_is_shown_on_an_attendee_list():
    me, other = 1, 2
    unlisted = MemberProfile(user_id=other, listed_on_attendee_lists=False)
    listed = MemberProfile(user_id=other, listed_on_attendee_lists=True)
    circle = Circle(user_id=me)
    assert shown_on_attendee_list(circle, other, listed, sees_everyone=False)
    assert shown_on_attendee_list(circle, other, None, sees_everyone=False)  # not chosen yet: listed
    assert not shown_on_attendee_list(circle, other, unlisted, sees_everyone=False)
    assert shown_on_attendee_list(circle, other, unlisted, sees_everyone=True)
    assert shown_on_attendee_list(Circle(user_id=other), other, unlisted, sees_everyone=False)  # oneself
    blocked = Circle(user_id=me, blocked=frozenset({other}))
    assert not shown_on_attendee_list(blocked, other, listed, sees_everyone=True)


def test_former_members_are_not_told_apart(client, login, event, crowd, create_user):
    gone = [create_user("Former member", deleted_at=LAST_YEAR) for _ in range(2)]
    going(event, *gone)
    login(crowd["bea"])
    coming = section(page_of(client, event), "coming-heading")
    assert coming.count("Former member") == 2
    assert "member since" not in coming and f'href="/members/{gone[0].id}"' not in coming


def test_an_attendee_who_said_nothing_about_themselves_is_asked_to(client, login, event, crowd):
    login(crowd["bea"])
    meet = section(page_of(client, event), "meet-heading")
    assert "Nobody to suggest yet." in meet and 'href="/account/profile"' in meet


def test_after_the_evening_the_people_who_went_are_people_to_follow_up(
    client, login, roles, create_event, create_user
):
    past = create_event(roles["chapter"], starts_at=LAST_YEAR, capacity=None)
    me = give_profile(create_user("Vi Viewer"), interests=("Risk registers",))
    expert = give_profile(create_user("Rhys Owen"), expertise=("Risk registers",))
    went(past, me, expert)
    login(me)
    meet = section(page_of(client, past), "meet-heading")
    assert "People to follow up" in meet and "Rhys Owen" in meet


def test_cards_show_a_picture_only_to_viewers_who_may_see_that_profile(
    client, login, create_user, create_event
):
    event = create_event()
    viewer = create_user("Vera Viewer")
    public = give_profile(create_user("Pia Public"), visibility=ProfileVisibility.EVERYONE, picture_version=3)
    kept = give_profile(create_user("Kit Kept"), visibility=ProfileVisibility.MET, picture_version=2)
    going(event, viewer, public, kept)
    login(viewer)

    page = page_of(client, event)

    assert f'<img src="/members/{public.id}/picture/3.webp"' in page
    assert f"/members/{kept.id}/picture/" not in page
    assert "Kit Kept" in page  # still listed, with initials


# The list of everyone


def test_a_long_list_starts_with_the_viewer_and_the_people_they_know(client, login, event, create_user):
    viewer = create_user("Vi Viewer")
    crowd = [create_user(f"Person {k:02d}") for k in range(ON_THE_EVENT_PAGE + 5)]
    going(event, *crowd, viewer)  # the viewer and their friend answered last
    connect(viewer, crowd[-1])
    login(viewer)
    coming = section(page_of(client, event), "coming-heading")
    names = re.findall(r'class="person-card__name">.*?>([^<]+)</a>', coming, re.S)
    assert names[:2] == ["Vi Viewer", f"Person {ON_THE_EVENT_PAGE + 4:02d}"]
    assert len(names) == ON_THE_EVENT_PAGE
    assert f'href="/events/{event.id}/coming">See everyone (6 more)' in coming


def test_the_list_of_everyone_shows_each_viewer_what_the_event_page_would(client, login, roles, event, crowd):
    response = client.get(f"/events/{event.id}/coming")
    assert response.status_code == 200
    assert "4 people are going." in section(html.unescape(response.get_data(as_text=True)), "coming-heading")
    login(roles["member"])  # a member not going: listed names only, Hal left out
    page = html.unescape(client.get(f"/events/{event.id}/coming").get_data(as_text=True))
    assert "Ada Lovelace" in page and "Hal Hidden" not in page and "Head of PMO" not in page
    assert f'href="/events/{event.id}">Back to the event</a>' in page
    assert client.get("/events/99999999/coming").status_code == 404
