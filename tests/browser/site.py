"""A small site for the browser tests: two chapters, people in every role, past, upcoming and draft events."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from flashmob.demo import abstract_avatar
from flashmob.events.models import Chapter, Event, EventStatus
from flashmob.extensions import db
from flashmob.members.models import PmoKind, ProfileVisibility, User
from flashmob.members.profiles.pictures import process_picture
from flashmob.members.profiles.services import ProfileDetails, set_picture, update_profile
from tests import factories


@dataclass
class Site:
    birmingham: Chapter
    london: Chapter
    member: User
    organiser: User
    other_organiser: User
    admin: User
    newcomer: User
    upcoming: Event
    past: Event
    draft: Event
    save_the_date: Event

    def person(self, role: str) -> User | None:
        return None if role == "anonymous" else getattr(self, role)


def confirm(*users: User) -> None:
    """Mark accounts as confirmed, as if their owners had followed the emailed link."""
    for user in users:
        if getattr(user, "email_confirmed_at", "absent") is None:
            user.email_confirmed_at = datetime.now(UTC) - timedelta(days=30)
    db.session.commit()


def _give_profiles(organiser: User, other_organiser: User) -> None:
    """The organiser shows a full profile (picture, tags) to all; the other keeps theirs to people met."""
    details = ProfileDetails(
        display_name=organiser.display_name,
        headline="Head of PMO, Birmingham rail",
        organisation="Midlands Rail",
        pmo_kind=PmoKind.PORTFOLIO,
        years_in_pmo=12,
        bio="Ask me about **RAID logs** that people read.",
        expertise="Risk registers, Governance",
        interests="Benefits realisation",
        linkedin_url="https://www.linkedin.com/in/olu-organiser",
        visibility=ProfileVisibility.EVERYONE,
    )
    update_profile(organiser, details, actor=organiser)
    set_picture(organiser, process_picture(abstract_avatar(organiser.id)), actor=organiser)
    quiet = ProfileDetails(
        display_name=other_organiser.display_name,
        headline="Keeps to people met",
        expertise="Risk registers",
        visibility=ProfileVisibility.MET,
    )
    update_profile(other_organiser, quiet, actor=other_organiser)
    db.session.commit()


def build_site() -> Site:
    roles = factories.create_role_matrix()
    birmingham, london = roles["chapter"], roles["other_chapter"]
    birmingham.description = (
        "Evening meetups for people in Birmingham's project management offices.\n\n"
        "Bring **one lesson learnt** and leave with the names of the people who learnt it."
    )
    london.description = "The London chapter: the network's largest, meeting monthly near Liverpool Street."
    confirm(roles["member"], roles["organiser"], roles["other_organiser"], roles["admin"])
    _give_profiles(roles["organiser"], roles["other_organiser"])
    newcomer = factories.create_user("Nell Newcomer", email="nell@example.org")
    newcomer.email_confirmed_at = None  # registered, has not followed the emailed link yet
    db.session.commit()
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    upcoming = factories.create_event(
        birmingham,
        title="RAID logs that people read",
        starts_at=(now + timedelta(days=10)).replace(hour=17, minute=30),
        description="Risks, assumptions, issues and dependencies: *what made yours useful?*",
        created_by=roles["organiser"],
    )
    past = factories.create_event(
        birmingham,
        title="Lessons from a portfolio reset",
        starts_at=(now - timedelta(days=20)).replace(hour=17, minute=30),
        description="What we learnt when the portfolio was cut by a third.",
        created_by=roles["organiser"],
    )
    draft = factories.create_event(
        birmingham,
        title="Benefits realisation, honestly",
        starts_at=(now + timedelta(days=40)).replace(hour=17, minute=30),
        status=EventStatus.DRAFT,
        created_by=roles["organiser"],
    )
    save_the_date = factories.create_event(
        birmingham,
        title="Summer evening by the canal",
        starts_at=(now + timedelta(days=90)).replace(hour=17, minute=0),
        date_tbc=True,
        date_hint="Summer, date to be confirmed",
        venue_name="",
        venue_address="",
        description="Watch out for the new date, and hopefully a venue fit for a decent summer's evening.",
        created_by=roles["organiser"],
    )
    factories.create_event(
        london,
        title="London PMO night",
        starts_at=(now + timedelta(days=12)).replace(hour=18, minute=0),
        venue_name="The Railway",
        venue_address="15 Liverpool Street, London EC2M 7NX",
    )
    db.session.commit()
    return Site(
        birmingham=birmingham,
        london=london,
        member=roles["member"],
        organiser=roles["organiser"],
        other_organiser=roles["other_organiser"],
        admin=roles["admin"],
        newcomer=newcomer,
        upcoming=upcoming,
        past=past,
        draft=draft,
        save_the_date=save_the_date,
    )
