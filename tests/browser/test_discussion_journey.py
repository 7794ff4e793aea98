"""A member reports a comment on an evening, and an organiser hides it from the moderation queue."""

from __future__ import annotations

from playwright.sync_api import expect
from sqlalchemy import select

from flashmob.discussions.threads import services
from flashmob.discussions.threads.models import ModerationAction, Post, PostStatus, Report, ThreadKind
from flashmob.extensions import db
from tests.browser.site import build_site


def test_member_reports_a_comment_and_an_organiser_hides_it_from_the_queue(new_page, server, sign_in):
    site = build_site()
    thread = services.thread_for_subject(ThreadKind.EVENT, site.upcoming.id, site.birmingham.id)
    comment = services.add_post(
        thread, "Our client Acme's RAID log was a *disgrace*, ask me why.", actor=site.other_organiser
    ).post
    db.session.commit()
    event_path = server.path("events.detail", event_id=site.upcoming.id)

    # The member reads the comment on the evening's page and reports it.
    member = new_page()
    sign_in(member, site.member)
    member.goto(event_path)
    post = member.locator(f"#post-{comment.id}")
    expect(post).to_contain_text("RAID log was a disgrace")
    post.get_by_role("link", name="Report").click()
    main = member.get_by_role("main")
    expect(main.get_by_role("heading", name="Report a post")).to_be_visible()
    main.get_by_label("What is wrong with it?").fill("It names a client.")
    main.get_by_role("button", name="Send the report").click()
    expect(member.locator(".flashes")).to_contain_text("Thank you: the organisers will look at it.")

    # The organiser finds it in the chapter's moderation queue, from the board.
    organiser = new_page()
    sign_in(organiser, site.organiser)
    organiser.goto(server.path("discussions.board", slug=site.birmingham.slug))
    organiser.get_by_role("main").get_by_role("link", name="Moderation").click()
    queue = organiser.get_by_role("main")
    expect(queue.get_by_role("heading", name="Moderation: Birmingham")).to_be_visible()
    report = queue.locator(".report").first
    expect(report).to_contain_text("Reported by Mina Member")
    expect(report).to_contain_text("It names a client.")
    expect(report).to_contain_text("RAID log was a disgrace")
    report.get_by_label("Reason (optional, for the log)").fill("Names a client")
    report.get_by_role("button", name="Hide the post").click()
    expect(organiser.locator(".flashes")).to_contain_text("The post is hidden. 1 report closed.")
    expect(organiser.get_by_role("main")).to_contain_text("No reports waiting.")
    log = organiser.locator(".moderation-log")
    expect(log).to_contain_text("Olu Organiser")
    expect(log).to_contain_text("Hid a post by Otto Otherorganiser")
    expect(log).to_contain_text("Names a client")

    # The member looks again: the comment is hidden, its words gone.
    member.goto(event_path)
    hidden = member.locator(f"#post-{comment.id}")
    expect(hidden).to_contain_text("Hidden by an organiser.")
    expect(hidden).not_to_contain_text("disgrace")

    db.session.rollback()
    assert db.session.get(Post, comment.id).status == PostStatus.HIDDEN
    (row,) = db.session.scalars(select(Report)).all()
    assert (row.reporter_id, row.resolved_by_id, row.outcome) == (site.member.id, site.organiser.id, "hidden")
    action = db.session.scalar(select(ModerationAction))
    assert (action.actor_id, action.verb, action.reason) == (site.organiser.id, "hide", "Names a client")
