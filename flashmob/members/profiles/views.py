"""Profiles: the editor, a member's page, their picture, tag suggestions, the newcomer prompt and a
chapter's directory. Registered on the members blueprint (endpoints members.*)."""

from __future__ import annotations

from flask import abort, flash, jsonify, make_response, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from flashmob.auth import ensure, safe_next
from flashmob.events.loading import load_chapter
from flashmob.events.rsvps.queries import member_events
from flashmob.extensions import db
from flashmob.members import privacy
from flashmob.members import services as member_services
from flashmob.members.circle import Circle, circle_for
from flashmob.members.models import MemberTagKind, PmoKind, ProfileVisibility, User
from flashmob.members.permissions import can_edit_profile, can_see_members_evenings
from flashmob.members.profiles import directory, pictures, services
from flashmob.members.profiles.display import visible_profile
from flashmob.members.profiles.forms import PictureForm, ProfileForm
from flashmob.members.views import bp
from flashmob.tags import tag_for_slug, tag_names_like
from flashmob.text import slugify
from flashmob.web import actor, confirmed_post, per_page, show_rule_error

# A picture's address changes with it (its version), so browsers may keep it for a year.
PICTURE_MAX_AGE = 365 * 24 * 3600
# How many of the tags members use the editor offers as suggestions (a datalist; /tags/suggest for more).
TAG_SUGGESTIONS = 200


def _viewer_id() -> int | None:
    return current_user.id if current_user.is_authenticated else None


def _load_member(user_id: int) -> User:
    """A member who has not deleted their account, with their profile, or 404."""
    member = db.session.scalar(select(User).where(User.id == user_id).options(joinedload(User.profile)))
    if member is None or member.is_deleted:
        abort(404)  # a former member has no profile: nothing of who they were is left to show
    return member


def _editor_form(user: User) -> ProfileForm:
    profile = user.profile
    tags = services.tags_of([user.id]).get(user.id, {})
    data = {
        "display_name": user.display_name,
        "expertise": services.tag_text(tags.get(MemberTagKind.EXPERTISE, [])),
        "interests": services.tag_text(tags.get(MemberTagKind.INTEREST, [])),
    }
    if profile is not None:
        for name in (
            "headline", "organisation", "pmo_kind", "years_in_pmo", "bio", "linkedin_url", "website_url",
            "phone", "visibility", "listed_on_attendee_lists", "share_email_with_connections",
            "share_phone_with_connections",
        ):
            data[name] = getattr(profile, name)
    return ProfileForm(formdata=None, data=data)


def _render_editor(user: User, form: ProfileForm, picture_form: PictureForm | None = None, status: int = 200):
    circle = Circle(user_id=user.id)  # the member's own page: they see all of it
    return (
        render_template(
            "members/edit_profile.html",
            form=form,
            picture_form=picture_form or PictureForm(formdata=None),
            me=visible_profile(circle, user),
            max_picture_mb=pictures.MAX_BYTES // (1024 * 1024),
            tag_suggestions=tag_names_like("", limit=TAG_SUGGESTIONS),
        ),
        status,
    )


@bp.route("/account/profile", methods=["GET", "POST"])
@login_required
def edit_profile():
    """Say who you are (headline, organisation, kind of PMO, tags, links) and who may see it."""
    user = actor()
    ensure(can_edit_profile(current_user, user))
    if request.method == "GET":
        return _render_editor(user, _editor_form(user))
    form = ProfileForm()
    if form.validate_on_submit():
        try:
            services.update_profile(user, form.details(), actor=user)
        except services.ProfileError as exc:
            db.session.rollback()
            show_rule_error(form, exc)
        else:
            db.session.commit()
            flash("Your profile is saved.", "success")
            return redirect(url_for("members.profile", user_id=user.id))
    return _render_editor(user, form, status=422 if form.errors else 200)


@bp.route("/account/profile/picture", methods=["POST"])
@login_required
def upload_picture():
    """Upload a picture: checked to be a real image, cropped square, resized, its metadata dropped."""
    user = actor()
    ensure(can_edit_profile(current_user, user))
    form = PictureForm()
    if form.validate_on_submit():
        upload = form.picture.data
        try:
            data = upload.stream.read(pictures.MAX_BYTES + 1) if upload else b""
            services.set_picture(user, pictures.process_picture(data), actor=user)
        except pictures.PictureError as exc:
            db.session.rollback()
            show_rule_error(form, exc)
        else:
            db.session.commit()
            flash("Your picture is saved.", "success")
            return redirect(url_for("members.edit_profile", _anchor="your-picture"))
    return _render_editor(user, _editor_form(user), picture_form=form, status=422 if form.errors else 200)


@bp.route("/account/profile/picture/remove", methods=["POST"])
@login_required
def remove_picture():
    """Remove your picture; your initials on a colour show instead."""
    user = actor()
    ensure(can_edit_profile(current_user, user))
    confirmed_post()
    if services.remove_picture(user, actor=user):
        flash("Your picture is removed: your initials show instead.", "success")
    db.session.commit()
    return redirect(url_for("members.edit_profile", _anchor="your-picture"))


@bp.route("/account/profile/prompt/dismiss", methods=["POST"])
@login_required
def dismiss_profile_prompt():
    """Say "not now" to the newcomer prompt: it is not shown again."""
    user = actor()
    ensure(can_edit_profile(current_user, user))
    confirmed_post()
    services.dismiss_prompt(user)
    db.session.commit()
    # Back to the page the prompt was on (its form says which), if it is on this site.
    return redirect(safe_next(url_for("members.account")))


@bp.route("/members/<int:user_id>")
def profile(user_id):
    """A member's profile, as much of it as they let this viewer see."""
    member = _load_member(user_id)
    viewer_id = _viewer_id()
    circle = circle_for(viewer_id, among=[member.id])
    if member.id in circle.blocked and member.id not in circle.blocked_by_me:
        abort(404)  # they blocked the viewer: as if there were no such member
    # Someone the viewer blocked shows as a name only, with the way to unblock them (the panel).
    seen = visible_profile(circle, member, tags=services.tags_of([member.id]).get(member.id))
    memberships = member_services.chapter_memberships(member) if seen.is_visible else []
    evenings = None
    if seen.is_visible and can_see_members_evenings(current_user, member):
        evenings = member_events(member, for_owner=circle.is_self(member.id))
    return render_template(
        "members/profile.html",
        member=member,
        seen=seen,
        circle=circle,  # for the connections panel: what the viewer may ask, without another query
        own=circle.is_self(member.id),
        you_blocked=member.id in circle.blocked_by_me,
        audience=services.AUDIENCE_WORDS[seen.visibility],
        kept_to=services.KEPT_TO_WORDS[seen.visibility],
        memberships=memberships,
        # Tags lead to the directory of the member's first chapter, filtered by the tag.
        tag_chapter=memberships[0].chapter if memberships else None,
        evenings=evenings,
    )


@bp.route("/members/<int:user_id>/picture/<int:version>.webp")
def picture(user_id, version):
    """A member's picture, for viewers who may see their profile (404 for anyone else)."""
    member = _load_member(user_id)
    circle = circle_for(_viewer_id(), among=[member.id])
    if not privacy.may_see_profile(circle, member.id, member.profile):
        abort(404)
    stored = services.picture_to_show(member, version)
    if stored is None:
        abort(404)
    response = make_response(stored.image)
    response.headers["Content-Type"] = stored.content_type
    # Shared caches may keep only pictures everyone may see; a private one stays in this browser.
    is_public = privacy.visibility_of(member.profile) == ProfileVisibility.EVERYONE
    scope = "public" if is_public else "private"
    response.headers["Cache-Control"] = f"{scope}, max-age={PICTURE_MAX_AGE}, immutable"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.route("/tags/suggest")
@login_required
def suggest_tags():
    """Tag names starting with what was typed (?q=), for the profile editor's suggestions."""
    query = (request.args.get("q") or "")[:40]
    return jsonify({"tags": tag_names_like(query, limit=10)})


@bp.route("/chapters/<slug>/members")
def chapter_members(slug):
    """A chapter's members, searched by name, organisation, kind of PMO and tag; hidden profiles left out."""
    chapter = load_chapter(slug)
    args = request.args
    kind_raw = args.get("kind") or ""
    try:
        kind = PmoKind(kind_raw) if kind_raw else None
    except ValueError:
        kind = None
    tag_slug = (args.get("tag") or "").strip()
    # A tag's address (from a tag link), or its name as someone typed it ("Risk registers").
    tag = (tag_for_slug(tag_slug) or tag_for_slug(slugify(tag_slug))) if tag_slug else None
    search = directory.DirectorySearch(
        name=(args.get("name") or "").strip()[:80],
        organisation=(args.get("organisation") or "").strip()[:120],
        pmo_kind=kind,
        tag=tag,
    )
    circle = circle_for(_viewer_id())
    page = directory.directory_page(chapter, circle, search, after=args.get("after"), per_page=per_page())
    return render_template(
        "members/directory.html",
        chapter=chapter,
        search=search,
        tag_slug=tag_slug,
        unknown_tag=bool(tag_slug) and tag is None,
        kinds=services.PMO_KIND_LABELS,
        page=page,
        kind_raw=kind_raw,
    )
