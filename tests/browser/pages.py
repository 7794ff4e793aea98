"""Every kind of page, and who can see it: the list the accessibility and HTML checks walk through.

Each kind opens its page in the browser the way a person would get there (a link, or a form sent
with mistakes) and hands back the raw HTML the server sent, for the Nu HTML checker.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from flashmob.events.models import RsvpStatus
from tests.browser.site import Site

ANYONE = frozenset({"anonymous", "member", "organiser"})
SIGNED_IN = frozenset({"member", "organiser"})
ORGANISER = frozenset({"organiser"})
ANONYMOUS = frozenset({"anonymous"})
ADMIN = frozenset({"admin"})
ROLES = ("anonymous", "member", "organiser", "admin")


@dataclass(frozen=True)
class Visit:
    kind: str
    url: str
    status: int
    html: str


@dataclass(frozen=True)
class PageKind:
    name: str
    roles: frozenset[str]
    status: int
    open: Callable  # (page, server, site) -> the Playwright Response whose body is the page

    def visit(self, page, server, site: Site) -> Visit:
        response = self.open(page, server, site)
        page.wait_for_load_state()
        assert response is not None, f"{self.name}: no response"
        assert response.status == self.status, (
            f"{self.name}: expected HTTP {self.status}, got {response.status} at {response.url}"
        )
        return Visit(kind=self.name, url=response.url, status=response.status, html=response.text())


def _goto(endpoint: str, **values: Callable[[Site], object]):
    def _open(page, server, site):
        return page.goto(server.path(endpoint, **{k: get(site) for k, get in values.items()}))

    return _open


def _send(endpoint: str, fill: Callable, button: str, **values: Callable[[Site], object]):
    """Open a form, fill it in badly, send it, and return the answer to the POST."""

    def _open(page, server, site):
        page.goto(server.path(endpoint, **{k: get(site) for k, get in values.items()}))
        main = page.get_by_role("main")
        fill(main, site)
        with page.expect_response(lambda r: r.request.method == "POST") as answer:
            main.get_by_role("button", name=button, exact=True).click()
        return answer.value

    return _open


def _wrong_password(main, site):
    main.get_by_label("Email address").fill(site.member.email)
    main.get_by_label("Password", exact=True).fill("not the password")


# Mistakes that the browser's own checks let through, so that the server's messages show.


def _bad_registration(main, site):
    main.get_by_label("Email address").fill("nia@example")
    main.get_by_label("Display name").fill("   ")
    main.get_by_label("Password", exact=True).fill("short")
    main.get_by_label("Confirm password").fill("different")


def _bad_event(main, site):
    main.get_by_label("Title").fill("Ends before it starts")
    main.get_by_label("Starts").fill("2031-03-12T20:00")
    main.get_by_label("Ends").fill("2031-03-12T18:00")


def _described_event(main, site):
    """A description to preview, with Markdown and a script that must not run."""
    main.get_by_label("Title").fill("Estimates night")
    main.get_by_label("Description").fill("Bring **one estimate** and [a link](https://example.org).\n\n<script>x</script>")


def _bad_password_change(main, site):
    main.get_by_label("Current password").fill("not the password")
    main.get_by_label("New password", exact=True).fill("short")
    main.get_by_label("Confirm new password").fill("different")


def _bad_message(main, site):
    main.get_by_label("Subject").fill("   ")
    main.get_by_label("Message").fill("The room has changed.")


def _text_file_as_cover(main, site):
    main.get_by_label("Cover picture").set_input_files(
        files={"name": "cover.png", "mimeType": "image/png", "buffer": b"A letter, not a picture."}
    )


def _bad_chapter(main, site):
    main.get_by_label("Name", exact=True).fill("   ")
    main.get_by_label("City").fill("Leeds")


_chapter = {"slug": lambda s: s.birmingham.slug}
_event = {"event_id": lambda s: s.upcoming.id}
_tonight_event = {"event_id": lambda s: _tonight(s).id}
_save_the_date = {"event_id": lambda s: s.save_the_date.id}


def _account_with_calendar(page, server, site):
    """The account page once the member has asked for their calendar address, as a person does."""
    page.goto(server.path("members.account"))
    button = page.get_by_role("main").get_by_role(
        "button", name=re.compile("^(Get|Reset) my calendar address$")
    )
    with page.expect_navigation() as answer:
        button.click()
    return answer.value


def _account_signed_in_elsewhere(page, server, site):
    """The account page of someone also signed in on a phone: the other sign-in and its buttons show."""
    from flashmob.extensions import db
    from flashmob.members import sessions

    for person in (site.member, site.organiser):
        sessions.sign_in(person, user_agent="Mozilla/5.0 (Linux; Android 14) Chrome/126.0", remember=True)
    db.session.commit()
    return page.goto(server.path("members.account"))


def _confirm_token(site):
    from flashmob.members.services import confirmation_token

    return confirmation_token(site.newcomer)


def _unsubscribe_token(site):
    from flashmob.notifications import unsubscribe_token

    return unsubscribe_token(site.member.id, "reminders")


def _ticket_code(site):
    """The member's ticket to the upcoming event: they are given a seat the first time it is asked for."""
    from flashmob.events.models import Rsvp
    from flashmob.extensions import db

    db.session.rollback()
    rsvp = db.session.query(Rsvp).filter_by(event_id=site.upcoming.id, user_id=site.member.id).one_or_none()
    if rsvp is None:
        rsvp = Rsvp(event_id=site.upcoming.id, user_id=site.member.id, status=RsvpStatus.GOING)
        db.session.add(rsvp)
        db.session.commit()
    return rsvp.ticket_code


def _seated_event(site):
    _ticket_code(site)
    return site.upcoming.id


def _tonight(site):
    """An evening of the chapter on the day (check-in is open on the day only), with the member going."""
    from datetime import UTC, datetime, timedelta

    from flashmob.events.models import Event, Rsvp
    from flashmob.extensions import db
    from tests.factories import create_event

    db.session.rollback()
    title = "Stakeholder maps that survive a reorg"
    event = db.session.query(Event).filter_by(chapter_id=site.birmingham.id, title=title).one_or_none()
    if event is None:
        start = datetime.now(UTC).replace(second=0, microsecond=0) + timedelta(hours=2)
        event = create_event(site.birmingham, title=title, starts_at=start)
        db.session.add(Rsvp(event_id=event.id, user_id=site.member.id, status=RsvpStatus.GOING))
        db.session.commit()
    return event


def _tonight_ticket_code(site):
    from flashmob.events.models import Rsvp
    from flashmob.extensions import db

    event = _tonight(site)
    return db.session.query(Rsvp).filter_by(event_id=event.id, user_id=site.member.id).one().ticket_code


def _bad_walk_in(main, site):
    main.get_by_label("Name", exact=True).fill("   ")
    main.get_by_label("Email (optional)").fill("not-an-address")


def _crowded_event(site):
    """The upcoming event with someone going, someone in line and a request waiting: every section shows."""
    from sqlalchemy import select

    from flashmob.events.models import Rsvp
    from flashmob.extensions import db
    from flashmob.types import utcnow

    db.session.rollback()
    wanted = {
        site.other_organiser.id: RsvpStatus.GOING,
        site.admin.id: RsvpStatus.WAITLISTED,
        site.newcomer.id: RsvpStatus.PENDING,
    }
    answered = set(db.session.scalars(select(Rsvp.user_id).where(Rsvp.event_id == site.upcoming.id)))
    for user_id, status in wanted.items():
        if user_id not in answered:
            waitlisted_at = utcnow() if status == RsvpStatus.WAITLISTED else None
            db.session.add(
                Rsvp(event_id=site.upcoming.id, user_id=user_id, status=status, waitlisted_at=waitlisted_at)
            )
    db.session.commit()
    return site.upcoming.id


def _removable(site):
    """The attendee an organiser might remove from the crowded event: the other organiser, going."""
    from flashmob.events.models import Rsvp
    from flashmob.extensions import db

    event_id = _crowded_event(site)
    return db.session.query(Rsvp).filter_by(event_id=event_id, user_id=site.other_organiser.id).one().id


def _archived_chapter(site):
    """Coventry, which no longer meets: archived, with the one evening it had."""
    from datetime import UTC, datetime, timedelta

    from flashmob.events.models import Chapter
    from flashmob.extensions import db
    from tests.factories import create_chapter, create_event

    db.session.rollback()
    chapter = db.session.query(Chapter).filter_by(slug="coventry").one_or_none()
    if chapter is None:
        now = datetime.now(UTC).replace(second=0, microsecond=0)
        chapter = create_chapter("Coventry", city="Coventry")
        create_event(chapter, title="Coventry's last evening", starts_at=now - timedelta(days=60))
        chapter.archived_at = now - timedelta(days=30)
        db.session.commit()
    return chapter.slug


def _quiet_chapter(site):
    """Wolverhampton, which has nothing planned: it can be archived."""
    from flashmob.events.models import Chapter
    from flashmob.extensions import db
    from tests.factories import create_chapter

    db.session.rollback()
    chapter = db.session.query(Chapter).filter_by(slug="wolverhampton").one_or_none()
    return (chapter or create_chapter("Wolverhampton", city="Wolverhampton")).slug


def _discussed(site) -> dict:
    """The past evening's discussion (a comment by another chapter's organiser, the member's reply, a
    hidden comment, a report waiting) and a topic on the Birmingham board: made once per site."""
    from sqlalchemy import select

    from flashmob.discussions.threads import services
    from flashmob.discussions.threads.models import Post, Thread, ThreadKind
    from flashmob.extensions import db

    db.session.rollback()
    thread = services.find_thread(ThreadKind.EVENT, site.past.id)
    if thread is None:
        thread = services.thread_for_subject(ThreadKind.EVENT, site.past.id, site.birmingham.id)
        comment = services.add_post(
            thread,
            "We stopped *reporting* everything and started asking what the board **decides**.",
            actor=site.other_organiser,
        ).post
        services.add_post(thread, "Which decisions did they pick first?", actor=site.member, parent=comment)
        hidden = services.add_post(thread, "Names a client by name.", actor=site.admin).post
        services.report_post(hidden, "It names a client.", actor=site.member)
        services.report_post(comment, "Checking the queue.", actor=site.admin)
        services.hide_post(hidden, actor=site.organiser, reason="Names a client")
        services.start_topic(
            site.birmingham, "Who reads the RAG report?", "Honestly: who?", actor=site.member
        )
        db.session.commit()
    posts = db.session.scalars(select(Post).where(Post.thread_id == thread.id).order_by(Post.id)).all()
    topic = db.session.scalar(select(Thread.id).where(Thread.kind == ThreadKind.TOPIC))
    return {"comment": posts[0].id, "reply": posts[1].id, "topic": topic}


def _discussed_event(page, server, site):
    _discussed(site)
    return page.goto(server.path("events.detail", event_id=site.past.id))


def _blank_topic(main, site):
    main.get_by_label("Title").fill("   ")
    main.get_by_label("What do you want to talk about?").fill("Risk logs")


def _chapters_with_archived(page, server, site):
    _archived_chapter(site)
    return page.goto(server.path("events.chapters"))


def _bad_profile(main, site):
    main.get_by_label("LinkedIn address").fill("https://example.org/me")
    main.get_by_label("Years in PMO work").fill("99")


def _delete_without_password(main, site):
    main.get_by_label("I understand that my account is deleted for good").check()


def _bad_email_change(main, site):
    main.get_by_label("New email address").fill("nia@example")
    main.get_by_label("Current password").fill("not the password")


def _email_change_token(site):
    from flashmob.members.services import email_change_token

    return email_change_token(site.member, "mina.new@example.org")


def _reset_token(site):
    from flashmob.members.services import reset_token

    return reset_token(site.member)


def _lessons(site):
    """The past evening's write-up (one for every page kind: tests/browser/writeup_pages.py makes it, with
    lessons, themes and a member who agreed to be named), searchable; returns a theme's slug."""
    from flashmob import search
    from flashmob.extensions import db
    from tests.browser.writeup_pages import _writeup

    db.session.rollback()
    search.seed_synonyms()
    _writeup(site)
    db.session.commit()
    return "portfolio"


def _archive(endpoint="discussions.archive", **args):
    def _open(page, server, site):
        _lessons(site)
        return page.goto(server.path(endpoint, **args))

    return _open


def _bad_pair(main, site):
    main.get_by_label("Word or phrase").fill("RAID")
    main.get_by_label("Means the same as").fill("raid")


def _with_connections(site):
    """The member's connections in every state: one connection, a request for them and one they sent."""
    from flashmob.extensions import db
    from flashmob.members.connections import services
    from flashmob.members.models import Connection

    db.session.rollback()
    member, connected, asking = site.member, site.other_organiser, site.admin
    if db.session.query(Connection).filter_by(pair_key=Connection.key_for(member.id, connected.id)).first():
        return
    services.ask(member, connected, "Good to meet you")
    services.accept(connected, member)
    services.set_note(member, connected, "Talked about RAID logs")
    services.ask(asking, member, "We met at the bar")
    services.ask(member, site.newcomer)
    db.session.commit()


def _connections(page, server, site):
    _with_connections(site)
    return page.goto(server.path("connections.index"))


def _ask_target(site):
    _with_connections(site)
    return site.admin.id


def _card_token(site):
    """The other organiser's card for the night, made the first time it is asked for."""
    from flashmob.extensions import db
    from flashmob.members.connections import cards

    db.session.rollback()
    token = cards.card_of(site.other_organiser).token
    db.session.commit()
    return token


KINDS: list[PageKind] = [
    # Chapters and events
    PageKind("home", ANYONE, 200, _goto("events.home")),
    PageKind("chapters", ANYONE, 200, _goto("events.chapters")),
    PageKind("chapter", ANYONE | ADMIN, 200, _goto("events.chapter", **_chapter)),
    PageKind("chapter-past", ANYONE, 200, _goto("events.chapter_past", **_chapter)),
    PageKind("upcoming", ANYONE, 200, _goto("events.upcoming")),
    PageKind("past", ANYONE, 200, _goto("events.past")),
    PageKind("event", ANYONE, 200, _goto("events.detail", **_event)),
    PageKind("whos-coming", ANYONE, 200, _goto("events.whos_coming", **_event)),
    PageKind("past-event", ANYONE, 200, _goto("events.detail", event_id=lambda s: s.past.id)),
    PageKind("draft-event", ORGANISER, 200, _goto("events.detail", event_id=lambda s: s.draft.id)),
    PageKind("save-the-date", ANYONE, 200, _goto("events.detail", **_save_the_date)),
    PageKind("save-the-date-edit", ORGANISER, 200, _goto("events.edit_event", **_save_the_date)),
    PageKind("event-new", ORGANISER, 200, _goto("events.new_event", **_chapter)),
    PageKind(
        "event-new-errors", ORGANISER, 422, _send("events.new_event", _bad_event, "Save draft", **_chapter)
    ),
    PageKind(
        "event-new-preview",
        ORGANISER,
        200,
        _send("events.new_event", _described_event, "Preview description", **_chapter),
    ),
    PageKind(
        "event-new-copied",
        ORGANISER,
        200,
        _goto("events.new_event", copy=lambda s: s.upcoming.id, **_chapter),
    ),
    PageKind("event-edit", ORGANISER, 200, _goto("events.edit_event", **_event)),
    PageKind(
        "event-edit-preview",
        ORGANISER,
        200,
        _send("events.edit_event", _described_event, "Preview description", **_event),
    ),
    PageKind("event-cover", ORGANISER, 200, _goto("events.edit_event_cover", **_event)),
    PageKind(
        "event-cover-errors",
        ORGANISER,
        422,
        _send("events.edit_event_cover", _text_file_as_cover, "Upload cover picture", **_event),
    ),
    PageKind("chapter-cover", ORGANISER, 200, _goto("events.edit_chapter_cover", **_chapter)),
    PageKind("event-cancel", ORGANISER, 200, _goto("events.cancel", **_event)),
    PageKind("event-attendees", ORGANISER, 200, _goto("events.attendees", event_id=_crowded_event)),
    PageKind(
        "remove-attendee",
        ORGANISER,
        200,
        _goto("events.remove_attendee", event_id=_crowded_event, rsvp_id=_removable),
    ),
    PageKind("leave-chapter", SIGNED_IN, 200, _goto("events.leave", **_chapter)),
    PageKind("check-in", ORGANISER, 200, _goto("events.check_in", **_tonight_event)),
    PageKind(
        "check-in-errors",
        ORGANISER,
        422,
        _send("events.check_in", _bad_walk_in, "Add walk-in", **_tonight_event),
    ),
    PageKind(
        "scan-ticket",
        ORGANISER,
        200,
        _goto("events.scan_ticket", **_tonight_event, ticket_code=_tonight_ticket_code),
    ),
    PageKind("ticket", frozenset({"member"}), 200, _goto("events.my_ticket", event_id=_seated_event)),
    PageKind("event-message", ORGANISER, 200, _goto("events.message_attendees", **_event)),
    PageKind(
        "event-message-errors",
        ORGANISER,
        422,
        _send("events.message_attendees", _bad_message, "Send the email", **_event),
    ),
    PageKind("chapter-new", ADMIN, 200, _goto("events.new_chapter")),
    PageKind("chapter-new-errors", ADMIN, 422, _send("events.new_chapter", _bad_chapter, "Create chapter")),
    PageKind("chapter-edit", ADMIN, 200, _goto("events.edit_chapter", **_chapter)),
    PageKind("organisers", ADMIN, 200, _goto("events.organisers", **_chapter)),
    PageKind("chapters-with-archived", ANYONE, 200, _chapters_with_archived),
    PageKind("archived-chapter", ANYONE | ADMIN, 200, _goto("events.chapter", slug=_archived_chapter)),
    PageKind("archived-chapter-edit", ADMIN, 200, _goto("events.edit_chapter", slug=_archived_chapter)),
    PageKind("chapter-archive", ADMIN, 200, _goto("events.archive_chapter", slug=_quiet_chapter)),
    PageKind("chapter-archive-refused", ADMIN, 409, _goto("events.archive_chapter", **_chapter)),
    PageKind("dashboard", ORGANISER | ADMIN, 200, _goto("events.dashboard")),
    # Accounts
    PageKind("login", ANONYMOUS, 200, _goto("members.login")),
    PageKind("login-wrong-password", ANONYMOUS, 422, _send("members.login", _wrong_password, "Sign in")),
    PageKind("register", ANONYMOUS, 200, _goto("members.register")),
    PageKind(
        "register-errors", ANONYMOUS, 422, _send("members.register", _bad_registration, "Create my account")
    ),
    PageKind("check-inbox", ANONYMOUS, 200, _goto("members.check_inbox")),
    PageKind("resend-confirmation", ANONYMOUS, 200, _goto("members.resend_confirmation")),
    PageKind("confirm-email", ANONYMOUS, 200, _goto("members.confirm_email", token=_confirm_token)),
    PageKind("bad-link", ANONYMOUS, 400, _goto("members.confirm_email", token=lambda s: "not-a-token")),
    PageKind("forgot-password", ANONYMOUS, 200, _goto("members.forgot_password")),
    PageKind("reset-password", ANONYMOUS, 200, _goto("members.reset_password", token=_reset_token)),
    PageKind("account", SIGNED_IN, 200, _goto("members.account")),
    PageKind("account-calendar", SIGNED_IN, 200, _account_with_calendar),
    PageKind("account-signed-in-elsewhere", SIGNED_IN, 200, _account_signed_in_elsewhere),
    PageKind("edit-profile", SIGNED_IN, 200, _goto("members.edit_profile")),
    PageKind("change-password", SIGNED_IN, 200, _goto("members.change_password")),
    PageKind(
        "change-password-errors",
        SIGNED_IN,
        422,
        _send("members.change_password", _bad_password_change, "Change my password"),
    ),
    PageKind("email-settings", SIGNED_IN, 200, _goto("members.email_settings")),
    PageKind("change-email", SIGNED_IN, 200, _goto("members.change_email")),
    PageKind(
        "change-email-errors",
        SIGNED_IN,
        422,
        _send("members.change_email", _bad_email_change, "Send the link"),
    ),
    PageKind(
        "confirm-email-change",
        frozenset({"member"}),
        200,
        _goto("members.confirm_email_change", token=_email_change_token),
    ),
    PageKind(
        "email-change-bad-link",
        frozenset({"member"}),
        400,
        _goto("members.confirm_email_change", token=lambda s: "not-a-token"),
    ),
    PageKind("export-data", SIGNED_IN, 200, _goto("members.export_data")),
    PageKind("delete-account", frozenset({"member"}), 200, _goto("members.delete_account")),
    PageKind(
        "delete-account-errors",
        frozenset({"member"}),
        422,
        _send("members.delete_account", _delete_without_password, "Delete my account"),
    ),
    # Birmingham's only organiser hears that someone must take over first.
    PageKind("delete-account-refused", ORGANISER, 409, _goto("members.delete_account")),
    PageKind("unsubscribe", ANONYMOUS, 200, _goto("members.unsubscribe", token=_unsubscribe_token)),
    PageKind(
        "unsubscribe-bad-link", ANONYMOUS, 400, _goto("members.unsubscribe", token=lambda s: "not-a-token")
    ),
    PageKind("profile", ANYONE, 200, _goto("members.profile", user_id=lambda s: s.organiser.id)),
    # The lessons archive
    PageKind("lessons", ANYONE, 200, _archive()),
    PageKind("takeaways", ANYONE, 200, _archive("discussions.takeaways")),
    PageKind("lessons-search", ANYONE, 200, _archive(q="RAID")),
    PageKind("lessons-did-you-mean", ANYONE, 200, _archive(q="reprting")),
    PageKind("lessons-no-match", ANYONE, 200, _archive(q="xylophone")),
    PageKind("lessons-filter-errors", ANYONE, 422, _archive(year="99999")),
    PageKind("lesson-themes", ANYONE, 200, _archive("discussions.themes")),
    PageKind("lesson-theme", ANYONE, 200, _goto("discussions.theme", slug=_lessons)),
    PageKind("search-vocabulary", ORGANISER | ADMIN, 200, _goto("discussions.vocabulary")),
    PageKind(
        "search-vocabulary-errors",
        ORGANISER | ADMIN,
        422,
        _send("discussions.vocabulary", _bad_pair, "Add the pair"),
    ),
    # Connections
    PageKind("connections", SIGNED_IN, 200, _connections),
    PageKind("connection-ask", SIGNED_IN, 200, _goto("connections.ask", user_id=_ask_target)),
    PageKind("connection-block", SIGNED_IN, 200, _goto("connections.block", user_id=_ask_target)),
    PageKind(
        "profile-connected",
        frozenset({"member"}),
        200,
        _goto("members.profile", user_id=lambda s: (_with_connections(s), s.other_organiser.id)[1]),
    ),
    PageKind("my-card", SIGNED_IN, 200, _goto("connections.my_card")),
    PageKind("card", SIGNED_IN, 200, _goto("connections.card_landing", token=_card_token)),
    PageKind("card-sign-in", ANONYMOUS, 200, _goto("connections.card_landing", token=_card_token)),
    PageKind("card-gone", ANYONE, 404, _goto("connections.card_landing", token=lambda s: "not-a-token")),
    # A profile kept to people its owner has met: the page says so, with the name only.
    PageKind("profile-hidden", ANYONE, 200, _goto("members.profile", user_id=lambda s: s.other_organiser.id)),
    PageKind(
        "edit-profile-errors",
        SIGNED_IN,
        422,
        _send("members.edit_profile", _bad_profile, "Save my profile"),
    ),
    PageKind("directory", ANYONE, 200, _goto("members.chapter_members", **_chapter)),
    PageKind(
        "directory-search",
        ANYONE,
        200,
        lambda page, server, site: page.goto(
            server.path("members.chapter_members", slug=site.birmingham.slug, tag="risk-registers", name="o")
        ),
    ),
    # Discussions
    PageKind("event-discussion", ANYONE | ADMIN, 200, _discussed_event),
    PageKind("board", ANYONE, 200, _goto("discussions.board", **_chapter)),
    PageKind(
        "topic",
        ANYONE,
        200,
        _goto(
            "discussions.topic", slug=lambda s: s.birmingham.slug, thread_id=lambda s: _discussed(s)["topic"]
        ),
    ),
    PageKind("topic-new", SIGNED_IN, 200, _goto("discussions.new_topic", **_chapter)),
    PageKind(
        "topic-new-errors",
        SIGNED_IN,
        422,
        _send("discussions.new_topic", _blank_topic, "Start the topic", **_chapter),
    ),
    PageKind(
        "post-report",
        SIGNED_IN,
        200,
        _goto("discussions.report_post", post_id=lambda s: _discussed(s)["comment"]),
    ),
    PageKind(
        "post-edit",
        frozenset({"member"}),
        200,
        _goto("discussions.edit_post", post_id=lambda s: _discussed(s)["reply"]),
    ),
    PageKind("moderation", ORGANISER | ADMIN, 200, _goto("discussions.moderation", **_chapter)),
    PageKind(
        "post-remove",
        ORGANISER | ADMIN,
        200,
        _goto("discussions.remove_post", post_id=lambda s: _discussed(s)["comment"]),
    ),
    # Errors
    PageKind("forbidden", frozenset({"member"}), 403, _goto("events.new_event", **_chapter)),
    PageKind("not-found", ANYONE, 404, lambda page, server, site: page.goto("/no-such-page")),
]


# Each part's pages live beside this list and build on the helpers above (imported as a module, so that
# either may be imported first).
from tests.browser import writeup_pages  # noqa: E402


def kinds_for(role: str) -> list[PageKind]:
    return [kind for kind in (*KINDS, *writeup_pages.WRITEUP_KINDS) if role in kind.roles]
