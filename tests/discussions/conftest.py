"""Discussion fixtures: a chapter with people in every role, an evening to comment on, posting helpers."""

from __future__ import annotations

import pytest

from flashmob.discussions.threads import services
from flashmob.discussions.threads.models import ThreadKind
from flashmob.extensions import db
from flashmob.types import utcnow
from tests import factories


@pytest.fixture
def people(app):
    """The role matrix, confirmed, plus a second member and an evening of the chapter."""
    roles = factories.create_role_matrix()
    roles["author"] = factories.create_user("Ari Author")
    factories.add_member(roles["chapter"], roles["author"])
    for key in ("member", "author", "organiser", "other_organiser", "admin"):
        roles[key].email_confirmed_at = utcnow()
    roles["event"] = factories.create_event(roles["chapter"], title="RAID logs that people read")
    db.session.commit()
    return roles


@pytest.fixture
def event_thread(people):
    """The evening's thread, started by the author's comment."""
    event = people["event"]
    thread = services.thread_for_subject(ThreadKind.EVENT, event.id, event.chapter_id)
    posted = services.add_post(
        thread, "Our RAID log only got read once we *cut it* to one page.", actor=people["author"]
    )
    db.session.commit()
    return posted.thread


@pytest.fixture
def comment(event_thread, people):
    """The author's first comment on the evening."""
    from sqlalchemy import select

    from flashmob.discussions.threads.models import Post

    return db.session.scalar(select(Post).where(Post.thread_id == event_thread.id).order_by(Post.id))
