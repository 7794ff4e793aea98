"""A reply tells the people who posted in the thread: one job, expanded by the mail worker, each person
once, the one replying, former members, people who blocked them and people who stopped it left out."""

from __future__ import annotations

from sqlalchemy import func, select

from flashmob import notifications
from flashmob.discussions.threads import services
from flashmob.email_kinds import EmailKind, EmailSetting
from flashmob.extensions import db
from flashmob.mail_worker import expand_jobs, render_message
from flashmob.members.models import MemberBlock
from flashmob.outbox import OutboxJob, OutboxMessage
from flashmob.types import utcnow
from tests import factories


def _messages():
    return db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.user_id)).all()


def test_a_reply_tells_everyone_who_posted_once_each_except_the_one_replying(event_thread, comment, people):
    services.add_post(event_thread, "Another view", actor=people["member"])
    services.add_post(event_thread, "And another", actor=people["member"])  # twice: told once
    reply = services.add_post(event_thread, "Good point", actor=people["organiser"], parent=comment)
    db.session.commit()

    assert db.session.scalar(select(func.count(OutboxJob.id))) == 1
    expand_jobs()

    told = {message.user_id for message in _messages()}
    assert told == {people["author"].id, people["member"].id}
    assert len(_messages()) == 2
    message = next(m for m in _messages() if m.user_id == people["author"].id)
    assert message.kind == EmailKind.DISCUSSION_REPLY
    render_message(message)
    assert message.subject == "Olu Organiser replied: RAID logs that people read"
    assert "Good point" in message.text_body
    assert f"#post-{reply.post.id}" in message.text_body
    assert "Replies in discussions you took part in" in message.text_body
    assert message.unsubscribe_url


def test_who_stopped_discussion_email_blocked_the_replier_or_left_is_not_told(event_thread, comment, people):
    quiet, blocker, gone = (
        factories.create_user(name) for name in ("Quinn Quiet", "Bo Blocker", "Gone Member")
    )
    for person in (quiet, blocker, gone):
        services.add_post(event_thread, f"I am {person.display_name}", actor=person)
    notifications.stop_kind(quiet.id, EmailSetting.DISCUSSIONS)
    db.session.add(MemberBlock(blocker_id=blocker.id, blocked_id=people["member"].id))
    gone.deleted_at = utcnow()
    db.session.commit()

    services.add_post(event_thread, "Replying", actor=people["member"], parent=comment)
    db.session.commit()
    expand_jobs()

    assert {message.user_id for message in _messages()} == {people["author"].id}


def test_a_reply_taken_down_before_its_email_goes_is_not_sent(event_thread, comment, people):
    reply = services.add_post(event_thread, "Oops", actor=people["member"], parent=comment).post
    services.delete_post(reply, actor=people["member"])
    db.session.commit()
    expand_jobs()

    message = _messages()[0]
    try:
        render_message(message)
    except LookupError as exc:
        assert "taken down" in str(exc)
    else:  # pragma: no cover - the assertion below says what went wrong
        raise AssertionError("a reply deleted before sending was still written as an email")


def test_the_settings_page_offers_to_stop_discussion_email(client, login, people):
    login(people["member"])
    page = client.get("/account/emails").text
    assert "Replies in discussions you took part in" in page


def test_a_post_in_a_topic_tells_its_starter_with_a_link_to_the_topic(people):
    topic = services.start_topic(
        people["chapter"], "Who reads the RAG report?", "Who?", actor=people["member"]
    )
    later = services.add_post(topic.thread, "Our board, sometimes.", actor=people["author"]).post
    db.session.commit()
    expand_jobs()

    (message,) = _messages()
    render_message(message)
    assert message.user_id == people["member"].id
    assert message.subject == "Ari Author replied: Who reads the RAG report?"
    slug = people["chapter"].slug
    assert f"/chapters/{slug}/board/topics/{topic.thread.id}#post-{later.id}" in message.text_body
