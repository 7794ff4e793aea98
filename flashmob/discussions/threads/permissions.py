"""Who may do what in discussions: one predicate per rule, used by the views and offered to templates.

A thread not started yet is asked about as an unsaved Thread (its kind, subject and chapter), so the same
predicates answer before and after the first post. A "no" about the thread's state (it is locked) is an
errors.Refused: falsy for a template, a 409 with the reason through auth.ensure().
"""

from __future__ import annotations

from flashmob.discussions.threads.models import Post, PostStatus, Thread, ThreadKind
from flashmob.errors import Refused
from flashmob.events.models import Chapter
from flashmob.events.permissions import is_admin

LOCKED = "This discussion is locked: an organiser closed it to new posts."
ARCHIVED = "This chapter is archived: its board takes no new topics."


def _is_signed_in(user) -> bool:
    return bool(user is not None and user.is_authenticated and not user.is_deleted)


def _organises(user, chapter_id: int) -> bool:
    return is_admin(user) or (_is_signed_in(user) and user.is_organiser_of(chapter_id))


def can_moderate(user, thread: Thread) -> bool:
    """The organisers of the thread's chapter, and site admins, hide, remove and lock."""
    return _organises(user, thread.chapter_id)


def can_view_moderation(user, chapter: Chapter) -> bool:
    """A chapter's moderation queue and log are for its organisers and site admins."""
    return _organises(user, chapter.id)


def can_start_topic(user, chapter: Chapter) -> bool | Refused:
    """Members of the chapter (its organisers among them) and site admins start topics on its board."""
    if not (is_admin(user) or (_is_signed_in(user) and user.is_member_of(chapter.id))):
        return False
    return Refused(ARCHIVED) if chapter.is_archived else True


def can_post(user, thread: Thread) -> bool | Refused:
    """Anyone signed in comments on evenings, write-ups and lessons; a board is for its chapter's members.
    Nobody posts in a locked thread (organisers unlock it first)."""
    if not _is_signed_in(user):
        return False
    if thread.kind == ThreadKind.TOPIC and not (is_admin(user) or user.is_member_of(thread.chapter_id)):
        return False
    return Refused(LOCKED) if thread.is_locked else True


def can_reply(user, post: Post) -> bool | Refused:
    """Whoever may post in the thread replies to a post that shows."""
    allowed = can_post(user, post.thread)
    if not allowed:
        return allowed
    return post.is_visible


def _is_author(user, post: Post) -> bool:
    return _is_signed_in(user) and post.author_id is not None and post.author_id == user.id


def can_edit_post(user, post: Post) -> bool | Refused:
    """Authors change their own words while the post is not deleted or removed and the thread is open."""
    if not (_is_author(user, post) and not post.is_gone):
        return False
    return Refused(LOCKED) if post.thread.is_locked else True


def can_delete_post(user, post: Post) -> bool:
    """Authors delete their own posts (the post says it was deleted; replies to it stay)."""
    return _is_author(user, post) and not post.is_gone


def can_report_post(user, post: Post) -> bool:
    """Anyone signed in flags someone else's post that shows (once each: the service keeps count)."""
    return _is_signed_in(user) and not _is_author(user, post) and post.is_visible


def can_see_post_body(user, post: Post) -> bool:
    """A post shows to everyone; a hidden one only to the organisers and its author; a deleted or removed
    one to nobody."""
    if post.status == PostStatus.VISIBLE:
        return True
    if post.status == PostStatus.HIDDEN:
        return _is_author(user, post) or can_moderate(user, post.thread)
    return False
