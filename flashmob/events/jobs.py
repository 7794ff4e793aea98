"""The events' periodic jobs, run together by `flask --app wsgi events tick` (with --loop, every few minutes).

Each job is a function (now) -> a one-line report; it changes objects and flushes, and the tick commits
after each one, so that one failing job neither undoes nor blocks the others. Add a job to JOBS.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from flask import current_app

from flashmob import outbox
from flashmob.events.messaging import emails
from flashmob.events.rsvps import services as rsvps
from flashmob.extensions import db
from flashmob.types import utcnow


def pass_on_lapsed_offers(now: datetime) -> str:
    """Offers nobody claimed in time go to the next in line."""
    lapsed = rsvps.expire_offers(now=now)
    return f"{len(lapsed)} {'offer' if len(lapsed) == 1 else 'offers'} passed on"


def remind_the_day_before(now: datetime) -> str:
    """The people going to an event starting in 24 to 36 hours get one reminder each, once per event."""
    events = emails.send_reminders(now)
    return f"reminders queued for {events} {'event' if events == 1 else 'events'}"


def forget_old_mail(now: datetime) -> str:
    """Sent email older than FLASHMOB_MAIL_RETENTION_DAYS keeps its record and loses its words."""
    pruned = outbox.prune_old_mail(now)
    return f"{pruned.messages} sent {'email' if pruned.messages == 1 else 'emails'} emptied"


# In order; each runs in its own transaction.
JOBS: list[tuple[str, Callable[[datetime], str]]] = [
    ("offers", pass_on_lapsed_offers),
    ("reminders", remind_the_day_before),
    ("mail retention", forget_old_mail),
]


@dataclass
class TickReport:
    done: list[str]
    failed: list[str]

    def __str__(self) -> str:
        return "; ".join(self.done + [f"{name} FAILED" for name in self.failed]) or "nothing to do"


def run_tick(now: datetime | None = None) -> TickReport:
    """Run every job once, committing after each; a job that fails is rolled back, logged and reported."""
    now = now or utcnow()
    report = TickReport(done=[], failed=[])
    for name, job in JOBS:
        try:
            report.done.append(job(now))
            db.session.commit()
        except Exception:
            db.session.rollback()
            current_app.logger.exception("events tick: the %s job failed", name)
            report.failed.append(name)
    return report
