"""The rules of discussions, called without HTTP: posting, one level of replies, locks, edits, deletes,
reports and what organisers do, with the moderation log."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from flashmob.discussions.threads import services
from flashmob.discussions.threads.models import (
    BODY_MAX,
    ModerationAction,
    ModerationVerb,
    Post,
    PostStatus,
    Report,
    ReportOutcome,
    Thread,
    ThreadKind,
)
from flashmob.discussions.threads.services import DiscussionError
from flashmob.extensions import db
from flashmob.members.models import MemberBlock
from flashmob.outbox import OutboxJob


def test_the_first_comment_starts_the_evenings_thread_and_the_second_joins_it(people):
    event = people["event"]
    first = services.add_post(
        services.thread_for_subject(ThreadKind.EVENT, event.id, event.chapter_id),
        "First",
        actor=people["member"],
    )
    second = services.add_post(
        services.thread_for_subject(ThreadKind.EVENT, event.id, event.chapter_id),
        "Second",
        actor=people["author"],
    )
    db.session.commit()

    assert first.thread.id == second.thread.id
    assert db.session.scalar(select(func.count(Thread.id))) == 1
    thread = db.session.get(Thread, first.thread.id)
    assert (thread.chapter_id, thread.post_count) == (event.chapter_id, 2)


def test_a_reply_to_a_reply_goes_under_the_top_level_post(event_thread, comment, people):
    reply = services.add_post(event_thread, "Agreed", actor=people["member"], parent=comment).post
    answer = services.add_post(event_thread, "Thanks!", actor=people["author"], parent=reply).post
    db.session.commit()

    assert reply.parent_id == comment.id
    assert answer.parent_id == comment.id


def test_a_locked_thread_refuses_posts_and_edits_until_unlocked(event_thread, comment, people):
    services.lock_thread(event_thread, actor=people["organiser"])
    db.session.commit()

    with pytest.raises(DiscussionError, match="locked"):
        services.add_post(event_thread, "Anyone?", actor=people["member"])
    with pytest.raises(DiscussionError, match="locked"):
        services.edit_post(comment, "Changed", actor=people["author"])
    db.session.rollback()
    services.unlock_thread(event_thread, actor=people["organiser"])
    assert services.add_post(event_thread, "Back again", actor=people["member"]).post.id


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("", "Write something first."),
        ("   \n ", "Write something first."),
        ("\x00\x00", "Write something first."),
        ("x" * (BODY_MAX + 1), "Keep it to 5,000 characters"),
    ],
)
def test_an_empty_or_overlong_post_is_refused_at_its_field(event_thread, people, body, message):
    with pytest.raises(DiscussionError, match=message) as caught:
        services.add_post(event_thread, body, actor=people["member"])
    assert caught.value.field == "body"
    assert caught.value.status == 422


def test_nul_characters_are_taken_out_of_a_post(event_thread, people):
    post = services.add_post(event_thread, "RAID\x00 log", actor=people["member"]).post
    assert post.body == "RAID log"


def test_editing_marks_the_post_edited_and_an_unchanged_save_does_not(event_thread, comment, people):
    services.edit_post(comment, comment.body, actor=people["author"])
    assert comment.edited_at is None
    services.edit_post(comment, "Cut it to *half* a page.", actor=people["author"])
    assert comment.edited_at is not None
    assert comment.body == "Cut it to *half* a page."


def test_deleting_keeps_the_row_and_the_replies_and_counts_only_what_shows(event_thread, comment, people):
    reply = services.add_post(event_thread, "Same here", actor=people["member"], parent=comment).post
    services.delete_post(comment, actor=people["author"])
    db.session.commit()

    assert db.session.get(Post, comment.id).status == PostStatus.DELETED
    assert db.session.get(Post, reply.id).status == PostStatus.VISIBLE
    assert db.session.get(Thread, event_thread.id).post_count == 1
    with pytest.raises(DiscussionError):
        services.edit_post(comment, "Back", actor=people["author"])


def test_a_reply_to_a_post_no_longer_shown_is_refused(event_thread, comment, people):
    services.hide_post(comment, actor=people["organiser"])
    with pytest.raises(DiscussionError, match="no longer shown"):
        services.add_post(event_thread, "Reply", actor=people["member"], parent=comment)


def test_someone_the_author_blocked_cannot_reply_to_them(event_thread, comment, people):
    db.session.add(MemberBlock(blocker_id=people["author"].id, blocked_id=people["member"].id))
    db.session.commit()
    with pytest.raises(DiscussionError, match="cannot reply"):
        services.add_post(event_thread, "Reply", actor=people["member"], parent=comment)


def test_a_member_reports_a_post_once(comment, people):
    report = services.report_post(comment, "Names a client", actor=people["member"])
    db.session.commit()

    assert (report.chapter_id, report.is_open) == (people["chapter"].id, True)
    with pytest.raises(DiscussionError, match="already reported"):
        services.report_post(comment, "Again", actor=people["member"])


def test_hiding_resolves_the_open_reports_and_logs_who_did_it(comment, people):
    services.report_post(comment, "Names a client", actor=people["member"])
    outcome = services.hide_post(comment, actor=people["organiser"], reason="Names a client")
    db.session.commit()

    assert outcome.reports_resolved == 1
    report = db.session.scalar(select(Report))
    assert (report.outcome, report.resolved_by_id) == (ReportOutcome.HIDDEN, people["organiser"].id)
    post = db.session.get(Post, comment.id)
    assert (post.status, post.moderated_by_id, post.moderation_reason) == (
        PostStatus.HIDDEN,
        people["organiser"].id,
        "Names a client",
    )
    action = db.session.scalar(select(ModerationAction))
    assert (action.verb, action.actor_id, action.post_id) == (
        ModerationVerb.HIDE,
        people["organiser"].id,
        post.id,
    )


def test_unhiding_shows_the_post_again_and_removing_is_for_good(comment, people):
    services.hide_post(comment, actor=people["organiser"])
    services.unhide_post(comment, actor=people["organiser"])
    assert comment.status == PostStatus.VISIBLE
    services.remove_post(comment, actor=people["organiser"])
    assert comment.is_gone
    with pytest.raises(DiscussionError):
        services.unhide_post(comment, actor=people["organiser"])
    verbs = db.session.scalars(select(ModerationAction.verb).order_by(ModerationAction.id)).all()
    assert verbs == [ModerationVerb.HIDE, ModerationVerb.UNHIDE, ModerationVerb.REMOVE]


def test_dismissing_a_report_leaves_the_post_and_closes_every_report_on_it(comment, people):
    first = services.report_post(comment, "Rude", actor=people["member"])
    services.report_post(comment, "", actor=people["organiser"])
    outcome = services.dismiss_report(first, actor=people["organiser"])

    assert outcome.reports_resolved == 2
    assert comment.status == PostStatus.VISIBLE
    with pytest.raises(DiscussionError, match="already dealt with"):
        services.dismiss_report(first, actor=people["organiser"])


def test_a_topic_is_started_with_its_opening_post_and_later_posts_tell_its_participants(people):
    posted = services.start_topic(
        people["chapter"], "  Who reads the  RAG report? ", "Honestly, who?", actor=people["member"]
    )
    assert posted.thread.title == "Who reads the RAG report?"
    assert not posted.told_participants
    later = services.add_post(posted.thread, "Our board does, on a good day.", actor=people["author"])
    assert later.told_participants
    assert db.session.scalar(select(func.count(OutboxJob.id))) == 1


def test_a_top_level_comment_on_an_evening_tells_nobody_and_a_reply_queues_one_job(
    event_thread, comment, people
):
    assert not services.add_post(event_thread, "Another thought", actor=people["member"]).told_participants
    reply = services.add_post(event_thread, "Reply", actor=people["member"], parent=comment)
    assert reply.told_participants
    jobs = db.session.scalars(select(OutboxJob)).all()
    assert [(job.kind, job.payload) for job in jobs] == [("discussion_reply", {"post_id": reply.post.id})]


def test_an_archived_chapter_takes_no_new_topics(people):
    from flashmob.types import utcnow

    people["chapter"].archived_at = utcnow()
    with pytest.raises(DiscussionError, match="archived"):
        services.start_topic(people["chapter"], "Title", "Body", actor=people["member"])
