"""Connections pages: your connections and requests, asking, answering, blocking, vCards and your card."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from flashmob.auth import ensure, safe_next
from flashmob.events.models import Event
from flashmob.extensions import db
from flashmob.forms import strip_control_characters
from flashmob.members import privacy
from flashmob.members.circle import circle_for
from flashmob.members.connections import cards, queries, services
from flashmob.members.connections.forms import AskForm, NoteForm
from flashmob.members.connections.services import MESSAGE_MAX, Link, link_between
from flashmob.members.connections.vcards import vcard, vcard_filename
from flashmob.members.models import MemberProfile, User
from flashmob.urls import public_url
from flashmob.web import actor, confirmed_post, form_status, on_refusal, show_rule_error

bp = Blueprint("connections", __name__)
bp.add_app_template_global(link_between, "connection_link")
bp.add_app_template_global(Link, "Link")


def _other(user_id: int) -> User:
    """The member a connection action is about: 404 for nobody, or a deleted account."""
    member = db.session.get(User, user_id)
    if member is None or member.is_deleted:
        abort(404)
    return member


def _back(default: str | None = None):
    return redirect(safe_next(default or url_for("connections.index")))


def _render_index(posted: NoteForm | None = None, posted_for: int | None = None):
    def note_form_for(person) -> NoteForm:
        """The inline note form of one connection: prefixed, so each on the page has its own field ids;
        the one just sent, with its problem, if it was refused."""
        if posted is not None and person.id == posted_for:
            return posted
        return NoteForm(prefix=f"note-{person.id}", formdata=None, data={"body": person.note})

    overview = queries.overview(actor())
    return render_template("connections/index.html", overview=overview, note_form_for=note_form_for)


@bp.route("/connections")
@login_required
def index():
    """Your connections, with what they share and your private notes; requests received and sent."""
    return _render_index()


@bp.route("/connections/<int:user_id>/ask", methods=["GET", "POST"])
@login_required
def ask(user_id):
    """Ask a member to connect, with a note and the evening where you met."""
    member = _other(user_id)
    me = actor()
    evenings = services.evenings_in_common(me.id, member.id)
    # A link may carry context ("Talk to them" on a lesson): the evening, and a first line for the note.
    about = strip_control_characters(request.args.get("about", ""))[:MESSAGE_MAX]
    form = AskForm.for_evenings(evenings, message=about or None)
    wanted = request.args.get("event", type=int)
    if not form.is_submitted() and wanted in {evening.id for evening in evenings}:
        form.event_id.data = str(wanted)
    circle = circle_for(me.id, among=[member.id])
    if form.validate_on_submit():
        try:
            result = services.ask(me, member, form.message.data or "", form.chosen_event_id)
        except services.ConnectionError as exc:
            db.session.rollback()
            show_rule_error(form, exc)
            status = exc.status
        else:
            db.session.commit()
            if result.accepted_theirs:
                flash(f"{member.display_name} had asked you too: you are now connected.", "success")
            else:
                flash(f"Request sent. {member.display_name} sees it on their connections page.", "success")
            return _back(url_for("members.profile", user_id=member.id))
    else:
        status = form_status(form)
    return render_template(
        "connections/ask.html", member=member, form=form, link=link_between(circle, member.id)
    ), status


def _answer(user_id: int, action, message: str):
    member = _other(user_id)
    confirmed_post()
    action(actor(), member)
    db.session.commit()
    flash(message.format(name=member.display_name), "success")
    return _back()


@bp.route("/connections/<int:user_id>/accept", methods=["POST"])
@login_required
def accept(user_id):
    """Accept a member's request to connect."""
    return _answer(user_id, services.accept, "You are now connected with {name}.")


@bp.route("/connections/<int:user_id>/decline", methods=["POST"])
@login_required
def decline(user_id):
    """Decline a member's request to connect; they are not told, and cannot ask again."""
    return _answer(user_id, services.decline, "You declined {name}'s request.")


@bp.route("/connections/<int:user_id>/withdraw", methods=["POST"])
@login_required
def withdraw(user_id):
    """Take back a request you sent."""
    return _answer(user_id, services.withdraw, "Your request to {name} is withdrawn.")


@bp.route("/connections/<int:user_id>/remove", methods=["POST"])
@login_required
def remove(user_id):
    """End a connection."""
    return _answer(user_id, services.remove, "You are no longer connected with {name}.")


@bp.route("/connections/<int:user_id>/note", methods=["POST"])
@login_required
def note(user_id):
    """Save your private note about a connection."""
    member = _other(user_id)
    form = NoteForm(prefix=f"note-{member.id}")
    if not form.validate_on_submit():
        if "csrf_token" in form.errors or not form.is_submitted():
            abort(400)
        return _render_index(form, member.id), 422
    result = services.set_note(actor(), member, form.body.data or "")
    db.session.commit()
    flash(
        f"Your note about {member.display_name} is removed." if result.cleared
        else f"Your note about {member.display_name} is saved.",
        "success",
    )
    return redirect(url_for("connections.index", _anchor=f"person-{member.id}"))


@bp.route("/connections/<int:user_id>/block", methods=["GET", "POST"])
@login_required
def block(user_id):
    """Block a member, after a page that says what that does."""
    member = _other(user_id)
    if member.id == current_user.id:
        abort(404)
    if request.method == "POST":
        confirmed_post()
        services.block(actor(), member)
        db.session.commit()
        flash(f"You blocked {member.display_name}.", "success")
        return redirect(url_for("members.profile", user_id=member.id))
    return render_template(
        "connections/block.html", member=member, already=services.is_blocked_by(current_user.id, member.id)
    )


@bp.route("/connections/<int:user_id>/unblock", methods=["POST"])
@login_required
def unblock(user_id):
    """Lift a block you made."""
    member = _other(user_id)
    confirmed_post()
    services.unblock(actor(), member)
    db.session.commit()
    flash(f"You unblocked {member.display_name}. They can ask to connect again.", "success")
    return redirect(url_for("members.profile", user_id=member.id))


@bp.route("/connections/<int:user_id>.vcf")
@login_required
def download_vcard(user_id):
    """A connection's contact card (vCard), with only what they share; for connections only."""
    member = _other(user_id)
    circle = circle_for(current_user.id, among=[member.id])
    if not privacy.may_download_contact_card(circle, member.id):
        abort(404)
    profile = db.session.get(MemberProfile, member.id)
    connection = services.connection_between(current_user.id, member.id)
    body = vcard(
        display_name=member.display_name,
        organisation=profile.organisation if profile else "",
        headline=profile.headline if profile else "",
        email=privacy.shared_email(circle, member.email, member.id, profile),
        phone=privacy.shared_phone(circle, member.id, profile),
        linkedin_url=privacy.shared_linkedin(circle, member.id, profile),
        profile_url=public_url("members.profile", user_id=member.id),
        event=db.session.get(Event, connection.event_id) if connection and connection.event_id else None,
    )
    return Response(
        body,
        mimetype="text/vcard",
        headers={
            "Content-Disposition": f'attachment; filename="{vcard_filename(member.display_name)}"',
            "Cache-Control": "no-store",
        },
    )


# The card for the night


@bp.route("/connections/card")
@login_required
def my_card():
    """Your card for the night: a QR code another attendee scans to ask to connect."""
    card = cards.card_of(actor())
    db.session.commit()
    return render_template("connections/card.html", card=card)


@bp.route("/connections/card/reset", methods=["POST"])
@login_required
def reset_card():
    """Give your card a new address: the old QR code stops working."""
    confirmed_post()
    cards.reset_card(actor())
    db.session.commit()
    flash("Your card has a new QR code. The old one no longer works.", "success")
    return _back(url_for("connections.my_card"))


@bp.route("/card/<token>", methods=["GET", "POST"])
def card_landing(token):
    """Where a scanned card leads: the person, and one button to ask to connect, tagged with tonight."""
    owner = cards.member_by_card(token)
    if owner is None:
        return render_template("connections/card_gone.html"), 404
    if not current_user.is_authenticated:
        return render_template("connections/card_sign_in.html", token=token)
    me = actor()
    circle = circle_for(me.id, among=[owner.id])
    link = link_between(circle, owner.id)
    ensure(link != Link.BLOCKED_BY_THEM)
    evenings = services.evenings_in_common(me.id, owner.id)
    evening = evenings[0] if evenings else None
    profile = db.session.get(MemberProfile, owner.id)
    on_refusal(lambda: _render_card_landing(owner, profile, link, evening))
    if request.method == "POST":
        confirmed_post()
        result = services.ask(me, owner, "", evening.id if evening else None)
        db.session.commit()
        if result.accepted_theirs:
            flash(f"{owner.display_name} had asked you too: you are now connected.", "success")
        else:
            flash(f"Request sent to {owner.display_name}. You will be connected once they accept.", "success")
        return redirect(url_for("connections.card_landing", token=token))
    return _render_card_landing(owner, profile, link, evening)


def _render_card_landing(owner, profile, link, evening):
    return render_template(
        "connections/card_landing.html", owner=owner, profile=profile, link=link, evening=evening
    )
