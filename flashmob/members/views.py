"""Accounts: register, sign in and out, change password."""

from flask import Blueprint

bp = Blueprint("members", __name__)


@bp.route("/login")
def login():
    return "login"


@bp.route("/register")
def register():
    return "register"


@bp.route("/logout", methods=["POST"])
def logout():
    return "logout"


@bp.route("/account")
def account():
    return "account"
