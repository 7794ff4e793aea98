"""Chapters and events pages."""

from flask import Blueprint, render_template

bp = Blueprint("events", __name__)


@bp.route("/")
def home():
    return render_template("errors/error.html", code=200, title="Home", message="Coming soon")


@bp.route("/chapters")
def chapters():
    return "chapters"


@bp.route("/chapters/<slug>")
def chapter(slug):
    return "chapter"


@bp.route("/events")
def upcoming():
    return "upcoming"


@bp.route("/events/past")
def past():
    return "past"


@bp.route("/events/<int:event_id>")
def detail(event_id):
    return "detail"
