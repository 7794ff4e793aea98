"""PMO Flashmob: the app factory."""

from __future__ import annotations

from flask import Flask, render_template

from config import Config, config_from_env


def create_app(config: type[Config] | dict | None = None) -> Flask:
    """Build the app: settings, extensions, blueprints, CLI commands, template helpers, error pages."""
    from flashmob.request_log import FlashmobFlask

    app = FlashmobFlask(__name__, template_folder="../templates", instance_relative_config=False)
    settings = config if config is not None else config_from_env()
    if isinstance(settings, dict):
        from config import TestingConfig

        app.config.from_object(TestingConfig)
        app.config.update(settings)
    else:
        settings.check()
        app.config.from_object(settings)

    if app.config.get("TRUSTED_PROXIES"):
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)

    from flashmob.request_log import init_request_log

    # Before the extensions, so that its timer starts and its id is taken before a limit can answer.
    init_request_log(app)

    from flashmob.extensions import csrf, db, limiter, login_manager, migrate

    db.init_app(app)
    _tune_sqlite(app)
    migrate.init_app(app, db, directory=str(_root() / "migrations"), render_as_batch=True)
    login_manager.init_app(app)
    csrf.init_app(app)
    limiter.init_app(app)

    from flashmob.cache import init_cache

    init_cache(app)

    from flashmob.page_cache import init_page_cache

    init_page_cache(app)

    from flashmob.routing import register_routing

    # Before the blueprints, so that their routes are built with these converters.
    register_routing(app)

    from flashmob import auth, outbox, tags  # noqa: F401  (the user loader; the outbox and tag models)
    from flashmob.discussions import models as discussion_models  # noqa: F401
    from flashmob.discussions.routes import bp as discussions_bp
    from flashmob.events.routes import bp as events_bp
    from flashmob.members.connections.views import bp as connections_bp
    from flashmob.members.views import bp as members_bp

    app.register_blueprint(events_bp)
    app.register_blueprint(members_bp)
    app.register_blueprint(discussions_bp)
    app.register_blueprint(connections_bp)

    from flashmob.icons import register_icons

    register_icons(app)

    from flashmob.health import bp as health_bp

    app.register_blueprint(health_bp)

    from flashmob.cli import register_cli

    register_cli(app)

    from flashmob.templating import register_template_helpers

    register_template_helpers(app)

    from flashmob.security import init_security_headers

    init_security_headers(app)
    _register_error_pages(app)

    from flashmob.errors import register_rule_errors

    register_rule_errors(app)
    return app


def _tune_sqlite(app: Flask) -> None:
    """Make SQLite behave like a server database: foreign keys on, readers not blocked by writers."""
    from sqlalchemy import event

    from flashmob.extensions import db

    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        return
    with app.app_context():
        engine = db.engine

    @event.listens_for(engine, "connect")
    def set_sqlite_pragmas(dbapi_connection, connection_record):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=15000")
        if app.config["SQLALCHEMY_DATABASE_URI"] not in ("sqlite://", "sqlite:///:memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()


def _root():
    from pathlib import Path

    return Path(__file__).resolve().parent.parent


def _register_error_pages(app: Flask) -> None:
    from flask_wtf.csrf import CSRFError

    messages = {
        400: ("Bad request", "Something in that request did not make sense to us."),
        403: ("Not allowed", "You do not have permission to do that."),
        404: ("Page not found", "We could not find that page. It may have moved or never existed."),
        405: ("Not allowed", "That page cannot be used that way."),
        429: ("Slow down", "Too many attempts in a short time. Please wait a minute and try again."),
        500: ("Something went wrong", "Sorry, something broke on our side. Please try again shortly."),
    }

    def render_error(code: int, detail: str | None = None):
        title, message = messages[code]
        return render_template("errors/error.html", code=code, title=title, message=detail or message), code

    for code in messages:
        app.register_error_handler(code, lambda exc, code=code: render_error(code))

    @app.errorhandler(429)
    def too_many_requests(exc):
        # A limit may carry its own page (the sign-in form again, saying when to try): show that one.
        if getattr(exc, "response", None) is not None:
            return exc.response
        return render_error(429)

    @app.errorhandler(CSRFError)
    def csrf_error(exc):
        return render_error(
            400,
            "Your form expired or came from somewhere else. Please go back, reload the page and try again.",
        )

    @app.errorhandler(500)
    def server_error(exc):
        from flashmob.extensions import db

        db.session.rollback()
        return render_error(500)
