"""Command-line tasks: `flask --app wsgi seed-demo`, and more as the app grows."""

from __future__ import annotations

import click
from flask import Flask


def register_cli(app: Flask) -> None:
    @app.cli.command("seed-demo")
    @click.option("--if-empty", is_flag=True, help="Do nothing when the database already has chapters.")
    def seed_demo_command(if_empty: bool) -> None:
        """Fill the database with demo chapters, members and events (safe to run twice)."""
        from flashmob.demo import seed_demo

        summary = seed_demo(only_if_empty=if_empty)
        click.echo(summary)
