"""A chapter's directory of members: searched by name, organisation, kind of PMO and tag, showing only the
people whose profile the viewer may see, a page at a time by key (name, id).

The privacy rule of members.privacy.may_see_profile is asked here in SQL, from the viewer's Circle, so a
page is full of people the viewer may see and costs the same queries whatever its size: the Circle (three),
the tag (one, if filtered), the page (one), the page's tags (one).
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field

from sqlalchemy import and_, exists, false, func, or_, select, true
from sqlalchemy.orm import contains_eager

from flashmob.events.models import Chapter, ChapterMembership
from flashmob.extensions import db
from flashmob.members.circle import Circle
from flashmob.members.models import MemberProfile, MemberTag, PmoKind, ProfileVisibility, User
from flashmob.members.privacy import DEFAULT_VISIBILITY
from flashmob.members.profiles.display import VisibleProfile, visible_profile
from flashmob.members.profiles.services import tags_of
from flashmob.tags import Tag


@dataclass(frozen=True)
class DirectorySearch:
    """What the viewer searched for; empty strings mean "any"."""

    name: str = ""
    organisation: str = ""
    pmo_kind: PmoKind | None = None
    tag: Tag | None = None

    @property
    def is_filtered(self) -> bool:
        return bool(self.name or self.organisation or self.pmo_kind or self.tag)


@dataclass
class DirectoryPage:
    people: list[VisibleProfile] = field(default_factory=list)
    # The key to ask for the next page with (?after=), or None on the last page.
    next_key: str | None = None


def encode_key(name: str, user_id: int) -> str:
    raw = json.dumps([name, user_id], ensure_ascii=False).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_key(key: str | None) -> tuple[str, int] | None:
    """The (lower-cased name, id) a page starts after; None for the first page or a key that is not ours."""
    if not key:
        return None
    try:
        name, user_id = json.loads(base64.urlsafe_b64decode(key + "=" * (-len(key) % 4)))
    except (ValueError, TypeError):
        return None
    if not isinstance(name, str) or not isinstance(user_id, int) or isinstance(user_id, bool):
        return None
    return name, user_id


def _like(text: str) -> str:
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def visible_to(circle: Circle):
    """SQL for members.privacy.may_see_profile, for the rows of a query joined to MemberProfile (outer)."""
    visibility = func.coalesce(MemberProfile.visibility, DEFAULT_VISIBILITY.value)
    met = circle.met | circle.connected
    rule = or_(
        visibility == ProfileVisibility.EVERYONE.value,
        and_(visibility == ProfileVisibility.MEMBERS.value, true() if circle.is_signed_in else false()),
        and_(visibility == ProfileVisibility.MET.value, User.id.in_(list(met)) if met else false()),
    )
    if circle.blocked:
        rule = and_(rule, User.id.not_in(list(circle.blocked)))
    if circle.user_id is not None:
        rule = or_(User.id == circle.user_id, rule)
    return rule


def directory_page(
    chapter: Chapter, circle: Circle, search: DirectorySearch, *, after: str | None, per_page: int
) -> DirectoryPage:
    """One page of the chapter's members whom the viewer may see, matching the search, by name then id."""
    sort_name = func.lower(User.display_name)
    query = (
        select(User, sort_name)
        .join(ChapterMembership, ChapterMembership.user_id == User.id)
        .outerjoin(MemberProfile, MemberProfile.user_id == User.id)
        .options(contains_eager(User.profile))
        .where(ChapterMembership.chapter_id == chapter.id, User.deleted_at.is_(None), visible_to(circle))
        .order_by(sort_name, User.id)
        .limit(per_page + 1)
    )
    if search.name:
        query = query.where(sort_name.like(_like(search.name), escape="\\"))
    if search.organisation:
        organisation = func.lower(MemberProfile.organisation)
        query = query.where(organisation.like(_like(search.organisation), escape="\\"))
    if search.pmo_kind:
        query = query.where(MemberProfile.pmo_kind == search.pmo_kind)
    if search.tag is not None:
        query = query.where(
            exists().where(MemberTag.user_id == User.id, MemberTag.tag_id == search.tag.id)
        )
    start = decode_key(after)
    if start is not None:
        name, user_id = start
        query = query.where(or_(sort_name > name, and_(sort_name == name, User.id > user_id)))
    rows = db.session.execute(query).unique().all()
    page = DirectoryPage()
    if len(rows) > per_page:
        rows = rows[:per_page]
        # The name as the database lower-cases it, so the next page starts exactly after this row.
        page.next_key = encode_key(rows[-1][1], rows[-1][0].id)
    users = [row[0] for row in rows]
    tags = tags_of([user.id for user in users])
    page.people = [visible_profile(circle, user, tags=tags.get(user.id)) for user in users]
    return page
