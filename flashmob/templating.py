"""Jinja filters and globals: formatting only, so that templates compute nothing; and the vocabularies
(EventStatus, RsvpStatus, MembershipRole), so that templates compare with them, never a literal."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import Flask, request, url_for

from flashmob.markdown import render_markdown


def format_datetime(value: datetime | None, tz: str | None = None, fmt: str = "%a %-d %b %Y, %H:%M") -> str:
    """A UTC moment shown in a place's time zone: 'Thu 7 May 2015, 18:30'."""
    if value is None:
        return ""
    if tz:
        value = value.astimezone(ZoneInfo(tz))
    return value.strftime(fmt)


def format_date(value: datetime | None, tz: str | None = None) -> str:
    return format_datetime(value, tz, "%a %-d %b %Y")


def format_time(value: datetime | None, tz: str | None = None) -> str:
    return format_datetime(value, tz, "%H:%M")


def format_tz_abbrev(value: datetime | None, tz: str | None = None) -> str:
    """The zone's short name at that moment: BST in summer, GMT in winter."""
    return format_datetime(value, tz, "%Z")


def iso_datetime(value: datetime | None) -> str:
    """A machine-readable moment for <time datetime>."""
    return value.isoformat(timespec="seconds") if value else ""


# How many colours initials avatars come in (flashmob.css, .avatar--tone-N): each person keeps one.
AVATAR_TONES = 8


def initials(name: str | None) -> str:
    """Up to two letters for an avatar: "Ada Lovelace" -> "AL", "Olu" -> "O"; "?" when there is nothing."""
    firsts = [next((c for c in word if c.isalnum()), "") for word in (name or "").split()]
    firsts = [letter for letter in firsts if letter]
    return "".join(firsts[:1] + firsts[1:][-1:]).upper() or "?"


def avatar_tone(person_id: int | None) -> int:
    """Which of the avatar colours a person gets: fixed by their id, so they look the same everywhere."""
    return (person_id or 0) % AVATAR_TONES


def page_url(page: int) -> str:
    """The current page's address with another page number, keeping the other arguments."""
    args = dict(request.view_args or {})
    args.update(request.args.to_dict())
    args["page"] = page
    return url_for(request.endpoint, **args)


def register_template_helpers(app: Flask) -> None:
    app.jinja_env.filters.update(
        markdown=render_markdown,
        initials=initials,
        avatar_tone=avatar_tone,
        datetime=format_datetime,
        date=format_date,
        time=format_time,
        tzabbrev=format_tz_abbrev,
        isodatetime=iso_datetime,
    )
    from flashmob.events.models import EventStatus, MembershipRole, RsvpStatus

    app.jinja_env.globals.update(
        page_url=page_url, EventStatus=EventStatus, RsvpStatus=RsvpStatus, MembershipRole=MembershipRole
    )

    from flashmob.events import permissions as event_permissions
    from flashmob.members import permissions as member_permissions
    from flashmob.members.profiles.services import should_prompt

    # Whether to ask a signed-in member to say who they are (once): the home and account pages show it.
    app.jinja_env.globals["shows_profile_prompt"] = should_prompt

    @app.context_processor
    def inject_permissions():
        return {
            name: getattr(module, name)
            for module in (event_permissions, member_permissions)
            for name in dir(module)
            if name.startswith("can_")
        } | {"site_name": app.config["SITE_NAME"]}
