"""People to meet: the ranking on a small crowd where the right answer is known, without HTTP."""

from __future__ import annotations

from flashmob.events.evenings.attendees import Person, TagRef, match, rank_people_to_meet
from flashmob.members.models import PmoKind

RISK = TagRef(1, "risk registers")
BENEFITS = TagRef(2, "benefits reporting")
AGILE = TagRef(3, "agile governance")
RAID = TagRef(4, "RAID logs")
SCHEDULING = TagRef(5, "scheduling")

# Priya runs a portfolio office at an NHS trust; she knows benefits reporting and wants to talk about
# risk registers and agile governance.
PRIYA = Person(
    1,
    "Priya Shah",
    organisation="Sandwell NHS Trust",
    pmo_kind=PmoKind.PORTFOLIO,
    expertise=(BENEFITS,),
    interests=(RISK, AGILE),
)
# Knows about risk registers, which Priya wants to talk about: the best match, from another organisation.
RISK_EXPERT = Person(2, "Rhys Owen", organisation="Severn Trent", expertise=(RISK,))
# Wants to talk about benefits reporting, which Priya knows about.
BENEFITS_SEEKER = Person(3, "Bea Novak", organisation="Midland Metro", interests=(BENEFITS,))
# Also works on benefits reporting: common ground.
BENEFITS_PEER = Person(4, "Carl Dunn", organisation="West Midlands Police", expertise=(BENEFITS,))
# Runs a portfolio office too, nothing else in common.
PORTFOLIO_PEER = Person(5, "Dee Amos", organisation="Aston University", pmo_kind=PmoKind.PORTFOLIO)
# As strong a tag match as Rhys, but at Priya's own trust: she can meet him at work.
COLLEAGUE = Person(6, "Ed Marsh", organisation="sandwell nhs trust ", expertise=(RISK,))
# Knows risk registers too, but is already a connection.
CONNECTION = Person(7, "Fay Lund", organisation="Birmingham City Council", expertise=(RISK,))
# Nothing in common at all.
STRANGER = Person(8, "Gus Tate", organisation="Jaguar Land Rover", expertise=(SCHEDULING,))

CROWD = [STRANGER, CONNECTION, COLLEAGUE, PORTFOLIO_PEER, BENEFITS_PEER, BENEFITS_SEEKER, RISK_EXPERT]


def test_the_crowd_ranks_as_a_person_would_choose():
    ranked = rank_people_to_meet(PRIYA, CROWD, excluded={CONNECTION.user_id}, limit=5)

    assert [m.user_id for m in ranked] == [
        RISK_EXPERT.user_id,  # knows what she wants to talk about: 6, another organisation +1
        BENEFITS_SEEKER.user_id,  # wants what she knows: 4 + 1
        BENEFITS_PEER.user_id,  # common ground: 3 + 1
        PORTFOLIO_PEER.user_id,  # the same kind of PMO: 2 + 1
        COLLEAGUE.user_id,  # as good a match as Rhys, but her own organisation: 6 - 4
    ]
    # Connections are not suggested, nor someone with nothing in common.
    assert CONNECTION.user_id not in [m.user_id for m in ranked]
    assert STRANGER.user_id not in [m.user_id for m in ranked]


def test_each_suggestion_says_why_in_words():
    reasons = {m.user_id: m.reasons for m in rank_people_to_meet(PRIYA, CROWD, limit=10)}

    assert reasons[RISK_EXPERT.user_id] == ("knows about risk registers, which you want to talk about",)
    assert reasons[BENEFITS_SEEKER.user_id] == (
        "wants to talk about benefits reporting, which you know about",
    )
    assert reasons[BENEFITS_PEER.user_id] == ("you both work on benefits reporting",)
    assert reasons[PORTFOLIO_PEER.user_id] == ("runs a portfolio office at Aston University, as you do",)


def test_a_few_people_are_suggested_and_the_viewer_is_never_one_of_them():
    ranked = rank_people_to_meet(PRIYA, [PRIYA, *CROWD])
    assert len(ranked) == 4
    assert PRIYA.user_id not in [m.user_id for m in ranked]


def test_more_in_common_weighs_more_and_the_strongest_reasons_come_first():
    everything = Person(
        9,
        "Hal Rowe",
        organisation="Network Rail",
        pmo_kind=PmoKind.PROGRAMME,
        expertise=(RISK, AGILE, BENEFITS),
        interests=(BENEFITS, RAID),
    )
    found = match(PRIYA, everything)
    assert found.reasons == (
        "knows about risk registers and agile governance, which you want to talk about",
        "wants to talk about benefits reporting, which you know about",
    )
    # 2 tags she wants x 6, 1 she knows x 4, shared expertise 3, a neighbouring kind of PMO 1, another org 1.
    assert found.score == 12 + 4 + 3 + 1 + 1
    assert rank_people_to_meet(PRIYA, [*CROWD, everything])[0].user_id == everything.user_id


def test_ties_are_broken_the_same_way_every_time():
    twins = [
        Person(n, name, expertise=(RISK,))
        for n, name in ((12, "Zoe Black"), (11, "Amy Black"), (10, "amy black"))
    ]
    first = rank_people_to_meet(PRIYA, twins)
    assert [m.user_id for m in first] == [10, 11, 12]  # by name, then by id
    assert [m.user_id for m in rank_people_to_meet(PRIYA, list(reversed(twins)))] == [10, 11, 12]


def test_a_kind_of_pmo_far_from_the_viewers_is_no_reason_on_its_own():
    project = Person(13, "Ian Project", pmo_kind=PmoKind.PROJECT)  # two steps from portfolio
    enterprise = Person(14, "Jo Enterprise", organisation="HMRC", pmo_kind=PmoKind.ENTERPRISE)  # next door
    ranked = rank_people_to_meet(PRIYA, [project, enterprise])
    assert [(m.user_id, m.reasons) for m in ranked] == [(14, ("runs an enterprise PMO at HMRC",))]


def test_someone_who_said_nothing_about_themselves_gets_no_suggestions_and_is_not_suggested():
    blank = Person(15, "Kim Blank")
    assert rank_people_to_meet(blank, CROWD) == []
    assert rank_people_to_meet(PRIYA, [blank]) == []
