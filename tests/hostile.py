"""Hostile input for the walks in test_hostile_input.py: the values, a world for routes to find, a walker.

The walker signs in as each role, sends a request, and keeps what went wrong: any 5xx, and any
exception (the test app propagates them rather than answering 500). It fills routes from
`app.url_map` and finds forms by watching which Form classes each route builds from the request, so
a route or a form added later is walked without editing anything here.
"""

from __future__ import annotations

import functools
import io
import itertools
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from urllib.parse import quote

from flask import Flask, has_request_context, request
from flask_wtf.form import _Auto
from werkzeug.routing import IntegerConverter, PathConverter, Rule, UnicodeConverter
from wtforms.fields import DateField, DateTimeField, SelectFieldBase, TimeField

from flashmob import notifications
from flashmob.discussions.threads import services as discussions
from flashmob.events.models import ChapterMembership, MembershipRole, Rsvp, RsvpStatus, WalkIn
from flashmob.extensions import db
from flashmob.forms import Form
from flashmob.members import services as member_services
from flashmob.members import sessions
from flashmob.members.models import User
from flashmob.members.passwords import hash_password
from flashmob.types import utcnow
from tests import factories
from tests.discussions.hostile_world import writeup_rows

ROLES = ("anonymous", "member", "other_organiser", "organiser", "admin")
WALKED_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")

# Path segments, already percent-encoded as they would arrive.
TOO_BIG_IDS = ("2147483648", str(2**63), "9" * 5000)
CONTROL_SEGMENTS = ("%00", "lon%00don", "line%0Afeed", "%7F")
OTHER_SEGMENTS = (
    "-1",
    "x" * 5000,
    "%E2%80%AE%EF%BB%BF%F0%9F%98%80",  # right-to-left override, byte order mark, an emoji
    "%ED%A0%80",  # a UTF-16 surrogate, which is not UTF-8
    "%FF%FE",
    "%2E%2E",
)
HOSTILE_SEGMENTS = TOO_BIG_IDS + CONTROL_SEGMENTS + OTHER_SEGMENTS

# Query strings for every page that answers GET. Each view reads its own arguments, so one request
# can carry several hostile ones.
HOSTILE_QUERIES = (
    "page=0&q=" + "x" * 5000 + "&next=" + "x" * 5000,
    "page=abc&q=%F0%9F%98%80&next=//elsewhere.example.org",
    "next=/events%0D%0ASet-Cookie:%20session=stolen",  # a line break into the Location header
    "page=2147483648",
    "page=" + "9" * 5000,
    "page=%D9%A1&page=2",  # an Arabic-Indic one, and a second page number
    "page=%00",
    "q=%00",
    "next=/events%00",
    "%00=1",
)

# Field values. FILE stands for a file upload, sent as multipart.
FILE = object()
TEXT_VALUES = (
    FILE,
    "\x00",
    "Ada\x00 Lovelace",
    "Subject\r\nBcc: everyone@example.org",
    "x" * 100_000,
    "1" + "0" * 30,
    "2147483648",
    "-" + str(2**63),
    "-1",
    "\u202e\ufeff\U0001f600\U0001d54f",
)
# Dates that exist in no calendar once converted to or from UTC in some zone.
CALENDAR_EDGES = ("0001-01-01T00:00", "9999-12-31T23:59")
ZONES_THAT_ARE_NO_PLACE = (
    "Mars/Olympus", "localtime", "Factory", "posixrules", "posix/Europe/London", "right/UTC", "EST5EDT",
    "US/Eastern",
)
# For a list to choose from; the far zones are real and must be accepted.
CHOICE_VALUES = (*ZONES_THAT_ARE_NO_PLACE, "Pacific/Kiritimati", "Pacific/Pago_Pago")
# The zones furthest from UTC on those dates: Tokyo's local mean time and Pago Pago's UTC-11.
EAST_OF_UTC_IN_YEAR_1 = "Asia/Tokyo"
WEST_OF_UTC_IN_YEAR_9999 = "Pacific/Pago_Pago"


def is_date_field(field) -> bool:
    return isinstance(field, DateTimeField | DateField | TimeField)


def hostile_values(field) -> tuple:
    """What the main walk sends to a field; dates at the calendar's edges go to date fields elsewhere."""
    values = TEXT_VALUES + (() if is_date_field(field) else CALENDAR_EDGES)
    return values + (CHOICE_VALUES if isinstance(field, SelectFieldBase) else ())


def describe(value) -> str:
    """A short name for a hostile value, for failure messages."""
    if value is FILE:
        return "a file"
    text = repr(value)
    return text if len(text) <= 40 else f"{text[:20]}... ({len(value):,} characters)"


# The world: something real for every route to find


_worlds = itertools.count(1)


@functools.cache
def _password_hash() -> str:
    return hash_password(factories.DEFAULT_PASSWORD)


@dataclass
class World:
    """One chapter with its people, an event with an RSVP and a walk-in, and a live link of each kind."""

    people: dict[str, User | None]
    path_values: dict[str, object]
    tokens: dict[str, str]  # endpoint -> a token its route accepts
    field_values: dict[str, str]

    def value_for(self, rule: Rule, name: str):
        if name == "token" and rule.endpoint in self.tokens:
            return self.tokens[rule.endpoint]
        if name in self.path_values:
            return self.path_values[name]
        # A route added later, with an argument this world has no row for: a harmless value of its type.
        return 1 if isinstance(rule._converters[name], IntegerConverter) else "x"


def build_world() -> World:
    """A new world, so that what one walk changed (a cancelled event, a member who left) is not the next's."""
    n = next(_worlds)
    now = utcnow()
    chapter = factories.create_chapter(f"Hostile {n}", slug=f"hostile-{n}", city="Birmingham")
    other_chapter = factories.create_chapter(f"Elsewhere {n}", slug=f"elsewhere-{n}", city="London")
    # Happening now, so that check-in is open.
    event = factories.create_event(chapter, title=f"Hostile evening {n}", starts_at=now - timedelta(hours=1))

    def person(name: str, confirmed: bool = True, **fields) -> User:
        return User(display_name=f"{name} {n}", email=f"{name.lower()}-{n}@example.org",
                    password_hash=_password_hash(), email_confirmed_at=now if confirmed else None, **fields)

    member, organiser, other_organiser = person("Mina"), person("Olu"), person("Otto")
    admin, unconfirmed = person("Ada", is_admin=True), person("Una", confirmed=False)
    rsvp = Rsvp(event=event, user=member, status=RsvpStatus.GOING)
    walk_in = WalkIn(event=event, name="Wanda Walkin", added_by=organiser)
    member.reset_calendar_token()
    db.session.add_all([
        admin, unconfirmed, rsvp, walk_in,
        ChapterMembership(chapter=chapter, user=member, role=MembershipRole.MEMBER),
        ChapterMembership(chapter=chapter, user=organiser, role=MembershipRole.ORGANISER),
        ChapterMembership(chapter=other_chapter, user=other_organiser, role=MembershipRole.ORGANISER),
    ])
    db.session.commit()
    writeup_paths, writeup_fields = writeup_rows(event, member, organiser)
    # A comment on the evening by the member, reported by the organiser: for the discussion routes.
    thread = discussions.thread_for_subject("event", event.id, chapter.id)
    post = discussions.add_post(thread, "A lesson worth sharing.", actor=member).post
    report = discussions.report_post(post, "Off topic", actor=organiser)
    db.session.commit()
    starts = (datetime.now(UTC) + timedelta(days=30)).strftime("%Y-%m-%d")
    return World(
        people={"anonymous": None, "member": member, "other_organiser": other_organiser,
                "organiser": organiser, "admin": admin},
        path_values={"event_id": event.id, "rsvp_id": rsvp.id, "walk_in_id": walk_in.id,
                     "user_id": member.id, "slug": chapter.slug, "ticket_code": rsvp.ticket_code,
                     "kind": "event", "subject_id": event.id, "post_id": post.id, "thread_id": thread.id,
                     "report_id": report.id, **writeup_paths},
        tokens={
            "members.confirm_email": member_services.confirmation_token(unconfirmed),
            "members.reset_password": member_services.reset_token(member),
            "members.confirm_email_change": member_services.email_change_token(
                member, f"mina-moved-{n}@example.org"
            ),
            "members.unsubscribe": notifications.unsubscribe_token(member.id, "rsvp"),
            "events.personal_feed": member.calendar_token,
        },
        # What a person might sensibly type, by field name, so that one hostile field among good ones
        # gets past the form to the rules behind it.
        field_values={
            "title": "Summer social", "starts_at": f"{starts}T18:30", "ends_at": f"{starts}T21:00",
            "timezone": "Europe/London", "venue_name": "The Old Joint Stock",
            "venue_address": "4 Temple Row West", "description": "An evening of stories.",
            "capacity": "20", "offer_window_hours": "48", "offer_hold_hours": "4",
            "name": f"Newtown {n}", "city": "Newtown", "reason": "The venue flooded.",
            "email": member.email, "display_name": "Nia Patel", "headline": "PMO lead",
            "organisation": "Acme", "bio": "Ask me about portfolios.",
            "password": "tea and lessons learnt", "confirm": "tea and lessons learnt",
            "current_password": factories.DEFAULT_PASSWORD, "subject": "See you tonight",
            "body": "Doors open at six.", "q": "Mina", **writeup_fields,
        },
    )


# Filling a route's address


_ARGUMENT = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")
FILLABLE = (IntegerConverter, UnicodeConverter, PathConverter)


class CannotFill(Exception):
    """A route has a converter the walk does not know how to fill: teach this module about it."""


def check_fillable(rule: Rule) -> None:
    for name, converter in rule._converters.items():
        if not isinstance(converter, FILLABLE):
            raise CannotFill(
                f"{rule.rule}: the walk cannot fill <{name}> ({type(converter).__name__}); "
                "add its hostile and real values to tests/hostile.py"
            )


def url(rule: Rule, values: dict[str, object]) -> str:
    """The rule's path with each argument replaced by its (already percent-encoded) value."""
    return _ARGUMENT.sub(lambda m: str(values[m.group(1)]), rule.rule)


def real_values(rule: Rule, world: World) -> dict[str, str]:
    return {name: quote(str(world.value_for(rule, name)), safe="") for name in rule.arguments}


def argument_order(rule: Rule) -> list[str]:
    return _ARGUMENT.findall(rule.rule)


def walked_rules(app: Flask) -> list[Rule]:
    return sorted((r for r in app.url_map.iter_rules() if r.endpoint != "static"), key=lambda r: r.rule)


def methods_of(rule: Rule) -> list[str]:
    return [m for m in WALKED_METHODS if m in rule.methods]


# Sending


@dataclass
class Walker:
    """Sends requests as a role and keeps every 5xx, exception and wrong answer."""

    app: Flask
    world: World | None = None
    server_errors: list[str] = field(default_factory=list)
    # Each person's sign-in in the present world: a session row, as signing in through the form makes.
    sign_ins: dict[int, str] = field(default_factory=dict)
    wrong_answers: list[str] = field(default_factory=list)
    sent: int = 0
    # Whether a request since the world was built may have changed it (anything but GET may).
    changed: bool = True

    def fresh_world(self) -> World:
        """A new world if the last one may have changed, else the same one."""
        if self.changed or self.world is None:
            self.world = build_world()
            self.sign_ins = {}
            self.changed = False
        return self.world

    def _sign_in(self, user: User) -> str:
        if user.id not in self.sign_ins:
            self.sign_ins[user.id] = sessions.sign_in(user, user_agent="hostile walk", remember=False).token
            db.session.commit()
        return self.sign_ins[user.id]

    def send(self, role: str, method: str, path: str, detail: str = "", **kwargs):
        """The response, or None when the app raised."""
        client = self.app.test_client()
        user = self.world.people[role]
        if user is not None:
            with client.session_transaction() as session:
                session["_user_id"] = self._sign_in(user)
                session["_fresh"] = True
        self.sent += 1
        self.changed = self.changed or method != "GET"
        if method != "GET":
            # A POST may end sign-ins (a password change ends the others and renews this one).
            self.sign_ins = {}
        try:
            response = client.open(path, method=method, **kwargs)
        except Exception as exc:
            db.session.rollback()
            what = f"raised {type(exc).__name__}: {str(exc)[:200]}"
            self.server_errors.append(_line(role, method, path, detail, what))
            return None
        if response.status_code >= 500:
            self.server_errors.append(_line(role, method, path, detail, f"answered {response.status_code}"))
        return response

    def fail(self, role: str, method: str, path: str, what: str, detail: str = "") -> None:
        self.wrong_answers.append(_line(role, method, path, detail, what))

    @property
    def failures(self) -> list[str]:
        return self.server_errors + self.wrong_answers

    def report(self, limit: int = 40) -> str:
        """Server errors first: they are what the walks are for."""
        failures = self.failures
        lines = failures[:limit]
        more = len(failures) - len(lines)
        head = (f"{len(self.server_errors)} server errors and {len(self.wrong_answers)} wrong answers "
                f"in {self.sent} requests:")
        return "\n".join([head, *lines] + ([f"... and {more} more"] if more > 0 else []))


def _line(role: str, method: str, path: str, detail: str, what: str) -> str:
    shown = path if len(path) <= 120 else f"{path[:100]}... ({len(path):,} characters)"
    return f"{method} {shown} as {role}{detail}: {what}"


# Finding forms


@dataclass(frozen=True)
class FormUse:
    """A route that builds a form from what the request carries, and a role that gets that far."""

    rule: Rule
    method: str
    form_class: type
    role: str


class FormRecorder:
    """While open, notes each Form built from the request's own data: a POST body, or GET arguments."""

    def __init__(self):
        self.seen: list[type] = []

    def __enter__(self) -> FormRecorder:
        self._own_init = Form.__dict__.get("__init__")
        original = Form.__init__
        seen = self.seen

        def recording_init(form, formdata=_Auto, *args, **kwargs):
            original(form, formdata, *args, **kwargs)
            if has_request_context() and (
                (formdata is _Auto and request.method != "GET")
                or (formdata is request.args and request.method == "GET")
            ):
                seen.append(type(form))

        Form.__init__ = recording_init
        return self

    def __exit__(self, *exc_info) -> None:
        if self._own_init is None:
            del Form.__init__
        else:
            Form.__init__ = self._own_init


def find_form_uses(app: Flask) -> list[FormUse]:
    """Every (route, method, form) where a route builds a form from the request: each route's real
    address, sent by each role, with nothing filled in."""
    walker = Walker(app)
    uses: dict[tuple, FormUse] = {}
    with FormRecorder() as recorder:
        for rule in walked_rules(app):
            check_fillable(rule)
            path = url(rule, real_values(rule, walker.fresh_world()))
            for role in ROLES:
                for method in methods_of(rule):
                    recorder.seen.clear()
                    walker.send(role, method, path)
                    for form_class in recorder.seen:
                        use = FormUse(rule, method, form_class, role)
                        uses.setdefault((rule.rule, method, form_class), use)
    return list(uses.values())


def form_fields(app: Flask, form_class) -> dict:
    with app.test_request_context():
        return {f.name: f for f in form_class(formdata=None, meta={"csrf": False})}


def all_form_classes() -> set[type]:
    """Every Form subclass the app defines (create_app imports them all)."""
    found, todo = set(), [Form]
    while todo:
        for sub in todo.pop().__subclasses__():
            if sub not in found:
                found.add(sub)
                todo.append(sub)
    return {cls for cls in found if cls.__module__.startswith("flashmob.")}


def multipart_file() -> tuple[io.BytesIO, str]:
    return (io.BytesIO(b"not text: \x00\x01\xff"), "x.txt")
