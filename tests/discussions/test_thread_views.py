"""The discussion pages as people use them: commenting on an evening, the board, editing, deleting,
reporting and moderating, with who may do each, bad input, CSRF, locks and the cost of a page."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from flashmob.discussions.threads import services
from flashmob.discussions.threads.models import ModerationAction, Post, PostStatus, Report, Thread
from flashmob.extensions import db
from tests.conftest import ROLE_NAMES


def _as(role, people, login):
    person = people.get(role)
    if person is not None:
        login(person)
    return person


def _event_page(client, people):
    return client.get(f"/events/{people['event'].id}")


# Commenting on an evening


def test_an_evening_without_comments_invites_the_first_and_asks_strangers_to_sign_in(client, people):
    page = _event_page(client, people).text
    assert "No comments yet — start the conversation." in page
    assert "to join the conversation" in page
    assert 'id="comment-body"' not in page


def test_a_member_comments_and_sees_it_on_the_evening_in_markdown(client, login, people):
    login(people["member"])
    page = client.get(f"/events/{people['event'].id}").text
    assert '<label for="comment-body">Your comment</label>' in page

    response = client.post(
        f"/discussions/event/{people['event'].id}/comments",
        data={"body": "We cut the RAID log to **one page**."},
    )

    post = db.session.scalar(select(Post))
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/events/{people['event'].id}#post-{post.id}")
    page = _event_page(client, people).text
    assert "<strong>one page</strong>" in page
    assert "No comments yet" not in page


def test_markdown_cannot_carry_a_script_or_a_javascript_link(client, login, people):
    login(people["member"])
    body = "<script>alert(1)</script> [click](javascript:alert(2)) <img src=x onerror=alert(3)>"
    client.post(f"/discussions/event/{people['event'].id}/comments", data={"body": body})

    page = _event_page(client, people).text
    assert "<script>alert(1)" not in page
    assert 'href="javascript' not in page
    assert "<img src=x" not in page
    assert "&lt;script&gt;" in page


@pytest.mark.parametrize("role", ROLE_NAMES)
def test_who_may_comment_on_an_evening(client, login, people, role):
    _as(role, people, login)
    response = client.post(f"/discussions/event/{people['event'].id}/comments", data={"body": "Hello"})
    if role == "anonymous":
        assert response.status_code == 302 and "/login" in response.headers["Location"]
        assert db.session.scalar(select(func.count(Post.id))) == 0
    else:
        assert response.status_code == 302
        assert db.session.scalar(select(func.count(Post.id))) == 1


def test_a_draft_evening_has_no_discussion(client, login, people, create_event):
    from flashmob.events.models import EventStatus

    draft = create_event(people["chapter"], status=EventStatus.DRAFT)
    login(people["organiser"])
    assert client.post(f"/discussions/event/{draft.id}/comments", data={"body": "Hi"}).status_code == 404
    assert "Your comment" not in client.get(f"/events/{draft.id}").text


def test_a_reply_shows_indented_under_its_post(client, login, people, comment):
    login(people["member"])
    response = client.post(f"/discussions/posts/{comment.id}/replies", data={"body": "Which page, though?"})
    assert response.status_code == 302

    page = _event_page(client, people).text
    assert 'class="posts posts--replies"' in page
    assert page.index("Which page, though?") > page.index("cut it")


@pytest.mark.parametrize(
    ("body", "status"),
    [("", 422), ("   ", 422), ("\x00", 422), ("x" * 100_000, 422)],
    ids=["empty", "spaces", "nul", "100k"],
)
def test_bad_comments_are_refused_at_the_field(client, login, people, body, status):
    login(people["member"])
    response = client.post(f"/discussions/event/{people['event'].id}/comments", data={"body": body})
    assert response.status_code == status
    assert 'class="field-error"' in response.text
    assert db.session.scalar(select(func.count(Post.id))) == 0


def test_a_nul_inside_a_comment_is_taken_out(client, login, people):
    login(people["member"])
    client.post(f"/discussions/event/{people['event'].id}/comments", data={"body": "RAID\x00 log"})
    assert db.session.scalar(select(Post.body)) == "RAID log"


@pytest.mark.parametrize(
    "path",
    [
        "/discussions/event/99999999999999999999/comments",
        "/discussions/posts/2147483648/replies",
        "/discussions/posts/0/replies",
        "/discussions/threads/99999999/posts",
        "/discussions/somethingelse/1/comments",
    ],
)
def test_unknown_or_huge_ids_are_404(client, login, people, path):
    login(people["member"])
    assert client.post(path, data={"body": "Hi"}).status_code == 404


def test_a_post_without_its_csrf_token_is_refused(client, login, people, csrf_enabled):
    login(people["member"])
    response = client.post(f"/discussions/event/{people['event'].id}/comments", data={"body": "Hello"})
    assert response.status_code == 400
    assert db.session.scalar(select(func.count(Post.id))) == 0


def test_a_locked_discussion_refuses_posts_with_the_reason(client, login, people, event_thread, comment):
    services.lock_thread(event_thread, actor=people["organiser"])
    db.session.commit()
    login(people["member"])

    page = _event_page(client, people).text
    assert "This discussion is locked" in page
    assert 'id="comment-body"' not in page
    response = client.post(f"/discussions/event/{people['event'].id}/comments", data={"body": "Hi"})
    assert response.status_code == 409
    assert "locked" in response.text
    assert client.post(f"/discussions/posts/{comment.id}/replies", data={"body": "Hi"}).status_code == 409


# Editing and deleting your own


@pytest.mark.parametrize("role", [*ROLE_NAMES, "author"])
def test_only_the_author_edits_a_post(client, login, people, comment, role):
    _as(role, people, login)
    response = client.post(f"/discussions/posts/{comment.id}/edit", data={"body": "Changed"})
    expected = {"anonymous": 302, "author": 302}.get(role, 403)
    assert response.status_code == expected
    assert (db.session.get(Post, comment.id).body == "Changed") == (role == "author")


def test_an_edited_post_says_so(client, login, people, comment):
    login(people["author"])
    form = client.get(f"/discussions/posts/{comment.id}/edit").text
    assert "cut it" in form
    client.post(f"/discussions/posts/{comment.id}/edit", data={"body": "Two pages, in the end."})
    page = _event_page(client, people).text
    assert "Two pages, in the end." in page
    assert "(edited" in page


@pytest.mark.parametrize("role", [*ROLE_NAMES, "author"])
def test_only_the_author_deletes_a_post_and_it_says_so(client, login, people, comment, role):
    _as(role, people, login)
    response = client.post(f"/discussions/posts/{comment.id}/delete")
    expected = {"anonymous": 302, "author": 302}.get(role, 403)
    assert response.status_code == expected
    deleted = db.session.get(Post, comment.id).status == PostStatus.DELETED
    assert deleted == (role == "author")
    if deleted:
        page = _event_page(client, people).text
        assert "Deleted by its author." in page
        assert "cut it" not in page


# Reporting and moderating


@pytest.mark.parametrize("role", [*ROLE_NAMES, "author"])
def test_anyone_signed_in_but_the_author_reports_a_post_once(client, login, people, comment, role):
    _as(role, people, login)
    response = client.post(f"/discussions/posts/{comment.id}/report", data={"reason": "Names a client"})
    expected = {"anonymous": 302, "author": 403}.get(role, 302)
    assert response.status_code == expected
    reports = db.session.scalar(select(func.count(Report.id)))
    assert reports == (0 if role in ("anonymous", "author") else 1)
    if reports:
        again = client.post(f"/discussions/posts/{comment.id}/report", data={"reason": "Again"})
        assert again.status_code == 422
        assert "already reported" in again.text


@pytest.mark.parametrize("role", [*ROLE_NAMES, "author"])
def test_only_the_chapters_organisers_and_admins_hide_a_post(client, login, people, comment, role):
    _as(role, people, login)
    response = client.post(f"/discussions/posts/{comment.id}/hide", data={"reason": "Off topic"})
    allowed = role in ("organiser", "admin")
    assert response.status_code == (302 if allowed or role == "anonymous" else 403)
    assert (db.session.get(Post, comment.id).status == PostStatus.HIDDEN) == allowed


@pytest.mark.parametrize("role", [*ROLE_NAMES, "author"])
def test_only_the_chapters_organisers_and_admins_see_the_moderation_queue(client, login, people, role):
    _as(role, people, login)
    response = client.get(f"/chapters/{people['chapter'].slug}/moderation")
    allowed = role in ("organiser", "admin")
    assert response.status_code == (200 if allowed else 302 if role == "anonymous" else 403)


@pytest.mark.parametrize("action", ["lock", "unlock"])
@pytest.mark.parametrize("role", [*ROLE_NAMES, "author"])
def test_only_the_chapters_organisers_and_admins_lock_a_discussion(
    client, login, people, event_thread, role, action
):
    if action == "unlock":
        event_thread.is_locked = True
        db.session.commit()
    _as(role, people, login)
    response = client.post(f"/discussions/threads/{event_thread.id}/{action}")
    allowed = role in ("organiser", "admin")
    assert response.status_code == (302 if allowed or role == "anonymous" else 403)
    assert db.session.get(Thread, event_thread.id).is_locked == ((action == "lock") == allowed)


def test_a_hidden_post_shows_as_hidden_to_others_and_in_full_to_organisers(
    client, login, logout, people, comment
):
    services.hide_post(comment, actor=people["organiser"], reason="Names a client")
    db.session.commit()

    login(people["member"])
    page = _event_page(client, people).text
    assert "Hidden by an organiser." in page
    assert "cut it" not in page
    logout()
    login(people["organiser"])
    page = _event_page(client, people).text
    assert "Hidden by an organiser: Names a client." in page
    assert "cut it" in page
    assert "Show again" in page


def test_the_queue_shows_the_report_and_hiding_from_it_closes_it_and_logs_who(client, login, people, comment):
    services.report_post(comment, "Names a client", actor=people["member"])
    db.session.commit()
    login(people["organiser"])
    queue = client.get(f"/chapters/{people['chapter'].slug}/moderation").text
    assert "Reported by Mina Member" in queue
    assert "Names a client" in queue
    assert "cut it" in queue

    response = client.post(
        f"/discussions/posts/{comment.id}/hide",
        data={"reason": "Names a client", "next": f"/chapters/{people['chapter'].slug}/moderation"},
    )
    assert response.headers["Location"].endswith(f"/chapters/{people['chapter'].slug}/moderation")
    queue = client.get(f"/chapters/{people['chapter'].slug}/moderation").text
    assert "No reports waiting." in queue
    assert "Olu Organiser" in queue and "Hid a post by Ari Author" in queue
    assert db.session.scalar(select(ModerationAction.verb)) == "hide"


def test_an_organiser_of_another_chapter_cannot_dismiss_a_report(client, login, people, comment):
    report = services.report_post(comment, "", actor=people["member"])
    db.session.commit()
    login(people["other_organiser"])
    assert client.post(f"/discussions/reports/{report.id}/dismiss").status_code == 403
    login(people["organiser"])
    assert client.post(f"/discussions/reports/{report.id}/dismiss").status_code == 302
    assert db.session.get(Report, report.id).outcome == "dismissed"


# The board


@pytest.mark.parametrize("role", ROLE_NAMES)
def test_members_of_the_chapter_start_topics(client, login, people, role):
    _as(role, people, login)
    response = client.post(
        f"/chapters/{people['chapter'].slug}/board/new",
        data={"title": "Who reads the RAG report?", "body": "Honestly."},
    )
    allowed = role in ("member", "organiser", "admin")
    assert response.status_code == (302 if allowed or role == "anonymous" else 403)
    assert db.session.scalar(select(func.count(Thread.id))) == (1 if allowed else 0)


def test_a_topic_is_listed_on_the_board_and_its_members_post_in_it(client, login, people):
    login(people["member"])
    response = client.post(
        f"/chapters/{people['chapter'].slug}/board/new",
        data={"title": "Who reads the RAG report?", "body": "Honestly: who?"},
    )
    topic_url = response.headers["Location"]
    board = client.get(f"/chapters/{people['chapter'].slug}/board").text
    assert "Who reads the RAG report?" in board
    assert "Mina Member" in board
    login(people["author"])
    thread = db.session.scalar(select(Thread))
    assert (
        client.post(f"/discussions/threads/{thread.id}/posts", data={"body": "Our board!"}).status_code == 302
    )
    page = client.get(topic_url).text
    assert "Honestly: who?" in page and "Our board!" in page


def test_someone_outside_the_chapter_reads_a_topic_but_cannot_post_in_it(client, login, people):
    posted = services.start_topic(people["chapter"], "Benefits", "Who tracks them?", actor=people["member"])
    db.session.commit()
    login(people["other_organiser"])
    page = client.get(f"/chapters/{people['chapter'].slug}/board/topics/{posted.thread.id}").text
    assert "Who tracks them?" in page
    assert "join the chapter to take part" in page
    assert (
        client.post(f"/discussions/threads/{posted.thread.id}/posts", data={"body": "Me"}).status_code == 403
    )


def test_a_topic_of_another_chapter_or_a_bad_page_key_is_404(client, people):
    posted = services.start_topic(people["chapter"], "Benefits", "Who?", actor=people["member"])
    db.session.commit()
    assert (
        client.get(f"/chapters/{people['other_chapter'].slug}/board/topics/{posted.thread.id}").status_code
        == 404
    )
    assert client.get(f"/chapters/{people['chapter'].slug}/board?after=abc").status_code == 404
    assert client.get(f"/chapters/{people['chapter'].slug}/board?after=99999999999999").status_code == 404
    assert client.get(f"/chapters/{people['chapter'].slug}/board?after=12345").status_code == 404


def test_an_empty_board_says_so(client, people):
    assert (
        "No topics yet — start the conversation."
        in client.get(f"/chapters/{people['chapter'].slug}/board").text
    )


def test_a_new_topic_without_a_title_is_refused_at_the_field(client, login, people):
    login(people["member"])
    response = client.post(f"/chapters/{people['chapter'].slug}/board/new", data={"title": " ", "body": "x"})
    assert response.status_code == 422
    assert "Give the topic a title." in response.text


# What a page costs


def _fill(thread, people, count: int) -> None:
    authors = [people["member"], people["author"], people["organiser"]]
    for number in range(count):
        parent = services.add_post(thread, f"Comment {number}", actor=authors[number % 3]).post
        services.add_post(thread, f"Reply {number}", actor=authors[(number + 1) % 3], parent=parent)
    db.session.commit()


def test_a_topic_page_costs_the_same_with_3_posts_as_with_30(client, login, people, count_queries):
    small = services.start_topic(people["chapter"], "Small", "Opening", actor=people["member"]).thread
    large = services.start_topic(people["chapter"], "Large", "Opening", actor=people["member"]).thread
    _fill(small, people, 3)
    _fill(large, people, 30)
    login(people["organiser"])
    slug = people["chapter"].slug

    counts = []
    for thread in (small, large):
        client.get(f"/chapters/{slug}/board/topics/{thread.id}")  # warm up
        with count_queries() as counter:
            assert client.get(f"/chapters/{slug}/board/topics/{thread.id}").status_code == 200
        counts.append(counter.count)
    assert counts[0] == counts[1]


def test_an_evening_page_costs_the_same_with_3_comments_as_with_30(
    client, login, people, create_event, count_queries
):
    quiet = create_event(people["chapter"], title="Quiet")
    busy = create_event(people["chapter"], title="Busy")
    for event, count in ((quiet, 3), (busy, 30)):
        _fill(services.thread_for_subject("event", event.id, event.chapter_id), people, count)
    login(people["member"])

    counts = []
    for event in (quiet, busy):
        client.get(f"/events/{event.id}")
        with count_queries() as counter:
            page = client.get(f"/events/{event.id}")
        assert page.status_code == 200
        counts.append(counter.count)
    assert counts[0] == counts[1]


def test_a_board_costs_the_same_with_3_topics_as_with_30(
    client, people, create_chapter, add_member, count_queries
):
    small, large = people["chapter"], people["other_chapter"]
    add_member(large, people["member"])
    for chapter, count in ((small, 3), (large, 30)):
        for number in range(count):
            services.start_topic(chapter, f"Topic {number}", "Body", actor=people["member"])
    db.session.commit()

    counts = []
    for chapter in (small, large):
        client.get(f"/chapters/{chapter.slug}/board")
        with count_queries() as counter:
            page = client.get(f"/chapters/{chapter.slug}/board")
        assert page.status_code == 200
        counts.append(counter.count)
    assert counts[0] == counts[1]
    assert "Older topics" in page.text  # 30 topics go over a page: the rest are a link away


@pytest.mark.parametrize("action", ["unhide", "remove"])
@pytest.mark.parametrize("role", [*ROLE_NAMES, "author"])
def test_only_the_chapters_organisers_and_admins_show_again_or_remove_a_post(
    client, login, people, comment, role, action
):
    services.hide_post(comment, actor=people["organiser"])
    db.session.commit()
    _as(role, people, login)
    response = client.post(f"/discussions/posts/{comment.id}/{action}")
    allowed = role in ("organiser", "admin")
    assert response.status_code == (302 if allowed or role == "anonymous" else 403)
    expected = (
        {"unhide": PostStatus.VISIBLE, "remove": PostStatus.REMOVED}[action] if allowed else PostStatus.HIDDEN
    )
    assert db.session.get(Post, comment.id).status == expected


def test_a_removed_post_shows_its_words_to_nobody(client, login, people, comment):
    services.remove_post(comment, actor=people["organiser"])
    db.session.commit()
    login(people["organiser"])
    page = _event_page(client, people).text
    assert "Removed by an organiser." in page
    assert "cut it" not in page


@pytest.mark.parametrize("path", ["hide", "remove", "delete"])
def test_moderating_or_deleting_without_the_csrf_token_is_refused(
    client, login, people, comment, csrf_enabled, path
):
    login(people["author"] if path == "delete" else people["organiser"])
    assert client.post(f"/discussions/posts/{comment.id}/{path}").status_code == 400
    assert db.session.get(Post, comment.id).status == PostStatus.VISIBLE


def test_the_moderation_queue_costs_the_same_with_3_reports_as_with_30(client, login, people, count_queries):
    thread = services.thread_for_subject("event", people["event"].id, people["chapter"].id)
    login(people["organiser"])
    counts, made = [], 0
    for total in (3, 30):
        while made < total:
            post = services.add_post(thread, f"Post {made}", actor=people["author"]).post
            services.report_post(post, "Off topic", actor=people["member"])
            if made % 3 == 0:  # some dealt with already: the log grows too
                services.hide_post(post, actor=people["organiser"])
            made += 1
        db.session.commit()
        client.get(f"/chapters/{people['chapter'].slug}/moderation")
        with count_queries() as counter:
            page = client.get(f"/chapters/{people['chapter'].slug}/moderation")
        assert page.status_code == 200
        counts.append(counter.count)
    assert counts[0] == counts[1]
    assert page.text.count("Reported by Mina Member") == 20


def test_a_reported_post_its_author_deleted_shows_no_words_in_the_queue(client, login, people, comment):
    services.report_post(comment, "Rude", actor=people["member"])
    services.delete_post(comment, actor=people["author"])
    db.session.commit()
    login(people["organiser"])
    queue = client.get(f"/chapters/{people['chapter'].slug}/moderation").text
    assert "Deleted by its author since it was reported" in queue
    assert "cut it" not in queue
    assert "Leave it and close the report" in queue


def test_removing_asks_first_and_comes_back_to_the_queue(client, login, people, comment):
    login(people["organiser"])
    queue = f"/chapters/{people['chapter'].slug}/moderation"
    page = client.get(f"/discussions/posts/{comment.id}/remove?next={queue}")
    assert page.status_code == 200
    assert "Removing is for good" in page.text
    assert db.session.get(Post, comment.id).status == PostStatus.VISIBLE

    response = client.post(f"/discussions/posts/{comment.id}/remove", data={"reason": "Spam", "next": queue})
    assert response.headers["Location"].endswith(queue)
    assert db.session.get(Post, comment.id).status == PostStatus.REMOVED


def test_only_organisers_see_the_remove_page(client, login, people, comment):
    login(people["member"])
    assert client.get(f"/discussions/posts/{comment.id}/remove").status_code == 403
