"""Who is coming to an evening and who is worth meeting there, for one viewer, in a fixed number of queries.

The event page shows the people going (or, once attendance is taken, the people who came) in one of three
ways, by who is looking:

- the people going and the chapter's organisers (and site admins) see a card per person: picture,
  headline, organisation and a few tags, each as far as that person lets the viewer see their profile;
- other signed-in members see the names, as they always have;
- everyone else sees how many.

Whichever way, a person who keeps off attendee lists is left out for other attendees (organisers still see
everyone, and everybody sees themselves), and a block either way hides each from the other
(members.privacy). The viewer's circle, the profiles, the tags and the viewer's private notes are each one
query for the whole list, so fifty people cost what three do.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from sqlalchemy import select

from flashmob.events.models import Event
from flashmob.events.permissions import can_manage_rsvps
from flashmob.extensions import db
from flashmob.members.circle import Circle, circle_for
from flashmob.members.models import ConnectionNote, MemberProfile, MemberTag, MemberTagKind, PmoKind, User
from flashmob.members.privacy import may_see_profile, shown_on_attendee_list
from flashmob.members.profiles.display import picture_path
from flashmob.tags import Tag

# A card shows a few tags, not a profile's dozen: what the person knows about first.
TAGS_ON_A_CARD = 3
# People to meet: a few, so that each one is worth walking across the room for.
PEOPLE_TO_MEET = 4
# Reasons given for one suggestion: the strongest, so the sentence stays short.
REASONS_PER_PERSON = 2


class ListMode(StrEnum):
    """How much of "Who's coming" the viewer sees."""

    CARDS = "cards"  # the people going and the organisers: a card per person
    NAMES = "names"  # other signed-in members: names only
    COUNT = "count"  # signed out: how many


@dataclass(frozen=True)
class TagRef:
    id: int
    name: str


@dataclass(frozen=True)
class Person:
    """What the ranking and the cards know of one attendee (only what the viewer may see)."""

    user_id: int
    display_name: str
    organisation: str = ""
    pmo_kind: PmoKind | None = None
    expertise: tuple[TagRef, ...] = ()
    interests: tuple[TagRef, ...] = ()


@dataclass
class PersonCard:
    """One person on "Who's coming", ready to show: everything here may be shown to this viewer."""

    # The person for the avatar and the name link: the account itself when the viewer may see the
    # profile, otherwise a stand-in with only the id and the name (so no picture can show).
    person: User
    headline: str = ""
    organisation: str = ""
    tags: list[str] = field(default_factory=list)
    # Told apart from someone else shown with the same name: "member since March 2019".
    disambiguator: str = ""
    # The viewer's own private note about this person (ConnectionNote), shown only to them.
    note: str = ""
    is_self: bool = False
    is_connected: bool = False
    # The viewer may not see this person's profile: name and initials only.
    is_restricted: bool = False
    # Their picture's address, when they have one and the viewer may see their profile.
    picture_url: str | None = None

    @property
    def id(self) -> int:
        return self.person.id

    @property
    def display_name(self) -> str:
        return self.person.display_name

    @property
    def subtitle(self) -> str:
        """What is shown under the name: "Head of PMO · Severn Trent"."""
        return " · ".join(part for part in (self.headline, self.organisation) if part)


@dataclass(frozen=True)
class Suggestion:
    """Someone worth meeting, and why, in words."""

    card: PersonCard
    reasons: tuple[str, ...]
    score: int

    @property
    def sentences(self) -> list[str]:
        """The reasons as they start a line: "You both work on benefits reporting"."""
        return [reason[:1].upper() + reason[1:] for reason in self.reasons]


@dataclass
class WhosComing:
    """The "Who's coming" section and "People to meet" for one viewer."""

    mode: ListMode
    # Everyone going (or who came), listed or not: the number the page has always shown.
    count: int
    people: list[PersonCard] = field(default_factory=list)
    # People going who keep off attendee lists (or are hidden from this viewer): counted, not named.
    unlisted: int = 0
    # Whether the viewer is one of the people going (or who came): they get people to meet.
    is_attendee: bool = False
    to_meet: list[Suggestion] = field(default_factory=list)
    # Whether the viewer said what they know about or want to talk about (else: ask them to).
    has_topics: bool = False
    # A past evening whose organisers checked people in: `count` and `people` are who came. Before
    # that, a past evening's list is only who said they were going, and the page says so.
    attendance_taken: bool = False
    # Listed people left off this page for its length: on the list of everyone (events.whos_coming).
    more: int = 0

    @property
    def shows_count_only(self) -> bool:
        return self.mode == ListMode.COUNT

    @property
    def shows_cards(self) -> bool:
        return self.mode == ListMode.CARDS


# --- Loading: a fixed number of queries -----------------------------------------------------------


def _profiles(user_ids: Sequence[int]) -> dict[int, MemberProfile]:
    if not user_ids:
        return {}
    return {
        p.user_id: p
        for p in db.session.scalars(select(MemberProfile).where(MemberProfile.user_id.in_(user_ids)))
    }


def _tags(user_ids: Sequence[int]) -> dict[int, dict[MemberTagKind, list[TagRef]]]:
    """Each person's expertise and interests, in their own order, in one query."""
    found: dict[int, dict[MemberTagKind, list[TagRef]]] = defaultdict(lambda: defaultdict(list))
    if not user_ids:
        return found
    rows = db.session.execute(
        select(MemberTag.user_id, MemberTag.kind, Tag.id, Tag.name)
        .join(Tag, Tag.id == MemberTag.tag_id)
        .where(MemberTag.user_id.in_(user_ids))
        .order_by(MemberTag.user_id, MemberTag.position, Tag.name)
    )
    for user_id, kind, tag_id, name in rows:
        found[user_id][MemberTagKind(kind)].append(TagRef(tag_id, name))
    return found


def _notes(owner_id: int, about_ids: Sequence[int]) -> dict[int, str]:
    if not about_ids:
        return {}
    rows = db.session.execute(
        select(ConnectionNote.about_id, ConnectionNote.body).where(
            ConnectionNote.owner_id == owner_id, ConnectionNote.about_id.in_(about_ids)
        )
    )
    return {about_id: body for about_id, body in rows if body.strip()}


def _stand_in(user: User) -> User:
    """The person as someone who may not see their profile sees them: a name and initials, no picture.

    A transient User, never added to the session: anything the avatar learns to read from an account
    (a picture) is simply absent on it.
    """
    return User(id=user.id, display_name=user.display_name, created_at=user.created_at)


def _since(user: User, *, with_month: bool) -> str:
    if user.created_at is None:
        return ""
    return "member since " + user.created_at.strftime("%B %Y" if with_month else "%Y")


def _tell_apart(cards: list[PersonCard]) -> None:
    """People shown with the same name get what tells them apart: their headline and organisation,
    and when those are missing or the same, how long they have been a member."""
    by_name: dict[str, list[PersonCard]] = defaultdict(list)
    for card in cards:
        if not card.person.is_deleted:  # a former member is nobody in particular now
            by_name[card.display_name.casefold()].append(card)
    for namesakes in by_name.values():
        if len(namesakes) < 2:
            continue
        subtitles = Counter(card.subtitle for card in namesakes)
        years = Counter(_since(card.person, with_month=False) for card in namesakes)
        for card in namesakes:
            if card.subtitle and subtitles[card.subtitle] == 1:
                continue
            card.disambiguator = _since(
                card.person, with_month=years[_since(card.person, with_month=False)] > 1
            )


# The event page lists this many people; the rest are one link away, on the list of everyone.
ON_THE_EVENT_PAGE = 24


def whos_coming(
    event: Event,
    viewer,
    going: list[User] | None,
    *,
    count: int,
    attendance_taken: bool = False,
    limit: int | None = None,
) -> WhosComing:
    """The viewer's "Who's coming" and "People to meet", from the people going the RSVP panel loaded.

    `going` is None when the viewer may only see the count (signed out). Six queries at most, however
    many people are going: profiles, tags, the viewer's circle (three) and their notes.
    """
    result = _whos_coming(event, viewer, going, count=count)
    result.attendance_taken = attendance_taken
    if limit is not None and len(result.people) > limit:
        # The viewer, then the people they know, first: whom they look for on a long list.
        ordered = sorted(result.people, key=lambda card: (not card.is_self, not card.is_connected))
        result.people, result.more = ordered[:limit], len(ordered) - limit
    return result


def _whos_coming(event: Event, viewer, going: list[User] | None, *, count: int) -> WhosComing:
    if going is None or viewer is None or not viewer.is_authenticated:
        return WhosComing(mode=ListMode.COUNT, count=count)
    ids = [user.id for user in going]
    is_attendee = viewer.id in ids
    sees_everyone = can_manage_rsvps(viewer, event)
    mode = ListMode.CARDS if is_attendee or sees_everyone else ListMode.NAMES
    if not going:
        return WhosComing(mode=mode, count=count)
    circle = circle_for(viewer.id, ids)
    profiles = _profiles(ids)

    listed = [
        user
        for user in going
        if shown_on_attendee_list(circle, user.id, profiles.get(user.id), sees_everyone=sees_everyone)
    ]
    result = WhosComing(mode=mode, count=count, unlisted=len(going) - len(listed), is_attendee=is_attendee)
    if mode == ListMode.NAMES:
        result.people = [PersonCard(person=user, is_self=circle.is_self(user.id)) for user in listed]
        _tell_apart(result.people)
        return result

    tags = _tags(ids)
    notes = _notes(viewer.id, [user.id for user in listed if user.id != viewer.id]) if is_attendee else {}
    people: dict[int, Person] = {}
    for user in listed:
        profile = profiles.get(user.id)
        visible = not user.is_deleted and may_see_profile(circle, user.id, profile)
        card = PersonCard(
            person=user if visible or user.is_deleted else _stand_in(user),
            is_self=circle.is_self(user.id),
            is_connected=circle.is_connected(user.id),
            is_restricted=not visible and not user.is_deleted,
            note=notes.get(user.id, ""),
        )
        if visible:
            expertise = tuple(tags[user.id][MemberTagKind.EXPERTISE])
            interests = tuple(tags[user.id][MemberTagKind.INTEREST])
            if profile is not None:
                card.headline, card.organisation = profile.headline, profile.organisation
                if profile.picture_version is not None:
                    card.picture_url = picture_path(user.id, profile.picture_version)
            card.tags = [tag.name for tag in (expertise + interests)[:TAGS_ON_A_CARD]]
            people[user.id] = Person(
                user_id=user.id,
                display_name=user.display_name,
                organisation=profile.organisation if profile is not None else "",
                pmo_kind=profile.pmo_kind if profile is not None else None,
                expertise=expertise,
                interests=interests,
            )
        result.people.append(card)
    _tell_apart(result.people)

    if is_attendee:
        cards = {card.person.id: card for card in result.people}
        me = people[viewer.id]  # the viewer always sees their own profile
        result.has_topics = bool(me.expertise or me.interests)
        others = [person for user_id, person in people.items() if user_id != viewer.id]
        result.to_meet = [
            Suggestion(card=cards[match.user_id], reasons=match.reasons, score=match.score)
            for match in rank_people_to_meet(me, others, excluded=_already_known(circle))
        ]
    return result


def _already_known(circle: Circle) -> frozenset[int]:
    """People not worth suggesting: connections already made, and blocks either way."""
    return circle.connected | circle.blocked


# --- People to meet: the ranking, pure ------------------------------------------------------------

# How the ranking works. Each other attendee scores points for what meets between them and the viewer;
# the strongest reasons also become the words shown ("you both work on benefits reporting").
#  - A tag the viewer wants to talk about that the other person knows about weighs most (6): it is the
#    conversation the viewer came for. The other way round (they want to talk about what the viewer
#    knows) is next (4): the viewer can help them.
#  - Tags both want to talk about, or both know about, count 3 each: common ground.
#  - The same kind of PMO counts 2, a neighbouring kind (project/programme, programme/portfolio,
#    portfolio/enterprise, enterprise/centre of excellence) 1: similar work, a view from next door.
#  - Someone from another organisation gets 1 more, someone from the viewer's own 4 fewer: they can meet
#    at work any day.
#  - People already connected with the viewer (or blocked either way) are not suggested at all.
# Only someone with at least one reason in words (a tag or a kind of PMO) is suggested. Ties go to
# the person with more reasons, then by name and id, so the same crowd always gives the same list.

INTEREST_MEETS_EXPERTISE = 6
EXPERTISE_MEETS_INTEREST = 4
SHARED_INTEREST = 3
SHARED_EXPERTISE = 3
SAME_PMO_KIND = 2
NEIGHBOURING_PMO_KIND = 1
OTHER_ORGANISATION = 1
SAME_ORGANISATION = -4

_NEIGHBOURS = {
    frozenset(pair)
    for pair in (
        (PmoKind.PROJECT, PmoKind.PROGRAMME),
        (PmoKind.PROGRAMME, PmoKind.PORTFOLIO),
        (PmoKind.PORTFOLIO, PmoKind.ENTERPRISE),
        (PmoKind.ENTERPRISE, PmoKind.CENTRE_OF_EXCELLENCE),
    )
}

# "runs a portfolio office": what each kind of PMO is called in a sentence.
_RUNS = {
    PmoKind.PROJECT: "a project office",
    PmoKind.PROGRAMME: "a programme office",
    PmoKind.PORTFOLIO: "a portfolio office",
    PmoKind.ENTERPRISE: "an enterprise PMO",
    PmoKind.CENTRE_OF_EXCELLENCE: "a PMO centre of excellence",
}


@dataclass(frozen=True)
class Match:
    user_id: int
    score: int
    reasons: tuple[str, ...]


def _names(tags: Iterable[TagRef]) -> str:
    """Tag names in a sentence: "risk registers and RAID logs"."""
    names = [tag.name for tag in tags]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _common(first: Iterable[TagRef], second: Iterable[TagRef]) -> list[TagRef]:
    """The tags of `first` that are also in `second`, in `first`'s order."""
    second_ids = {tag.id for tag in second}
    return [tag for tag in first if tag.id in second_ids]


def _same_organisation(me: Person, other: Person) -> bool | None:
    """True or False when both said where they work; None when either did not."""
    if not me.organisation.strip() or not other.organisation.strip():
        return None
    return me.organisation.strip().casefold() == other.organisation.strip().casefold()


def match(me: Person, other: Person) -> Match:
    """Why `me` might want to meet `other`: a score and the reasons in words, strongest first."""
    weighed: list[tuple[int, str]] = []
    they_know = _common(me.interests, other.expertise)
    if they_know:
        weighed.append(
            (
                INTEREST_MEETS_EXPERTISE * len(they_know),
                f"knows about {_names(they_know)}, which you want to talk about",
            )
        )
    you_know = _common(other.interests, me.expertise)
    if you_know:
        weighed.append(
            (
                EXPERTISE_MEETS_INTEREST * len(you_know),
                f"wants to talk about {_names(you_know)}, which you know about",
            )
        )
    both_curious = [tag for tag in _common(me.interests, other.interests) if tag not in they_know]
    if both_curious:
        weighed.append(
            (SHARED_INTEREST * len(both_curious), f"you both want to talk about {_names(both_curious)}")
        )
    both_work = _common(me.expertise, other.expertise)
    if both_work:
        weighed.append((SHARED_EXPERTISE * len(both_work), f"you both work on {_names(both_work)}"))
    if other.pmo_kind in _RUNS and me.pmo_kind is not None:
        office = _RUNS[other.pmo_kind]
        where = f" at {other.organisation.strip()}" if other.organisation.strip() else ""
        if other.pmo_kind == me.pmo_kind:
            weighed.append((SAME_PMO_KIND, f"runs {office}{where}, as you do"))
        elif frozenset((other.pmo_kind, me.pmo_kind)) in _NEIGHBOURS:
            weighed.append((NEIGHBOURING_PMO_KIND, f"runs {office}{where}"))
    if not weighed:
        return Match(other.user_id, 0, ())
    same = _same_organisation(me, other)
    bonus = {True: SAME_ORGANISATION, False: OTHER_ORGANISATION, None: 0}[same]
    weighed.sort(key=lambda item: -item[0])  # stable: equal weights keep the order above
    return Match(
        user_id=other.user_id,
        score=sum(points for points, _ in weighed) + bonus,
        reasons=tuple(reason for _, reason in weighed[:REASONS_PER_PERSON]),
    )


def rank_people_to_meet(
    me: Person, others: Iterable[Person], *, excluded: Iterable[int] = (), limit: int = PEOPLE_TO_MEET
) -> list[Match]:
    """The few people among `others` most worth `me` meeting, best first (see the comment above)."""
    others = list(others)
    skip = set(excluded) | {me.user_id}
    names = {other.user_id: other.display_name.casefold() for other in others}
    found = [match(me, other) for other in others if other.user_id not in skip]
    found = [m for m in found if m.reasons and m.score > 0]
    found.sort(key=lambda m: (-m.score, -len(m.reasons), names[m.user_id], m.user_id))
    return found[:limit]
