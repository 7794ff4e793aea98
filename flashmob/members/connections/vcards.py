"""A connection as a vCard (3.0, with vobject): what its owner shares with connections, and where you met."""

from __future__ import annotations

import re
import unicodedata

import vobject

from flashmob.events.models import Event


def _name_parts(display_name: str) -> tuple[str, str]:
    """(given, family) from a display name: the last word is taken as the family name."""
    words = display_name.split()
    if len(words) < 2:
        return display_name, ""
    return " ".join(words[:-1]), words[-1]


def vcard(
    *,
    display_name: str,
    organisation: str = "",
    headline: str = "",
    email: str | None = None,
    phone: str | None = None,
    linkedin_url: str = "",
    profile_url: str = "",
    event: Event | None = None,
) -> str:
    """The vCard text. Callers pass only what the viewer may see (email and phone only when shared)."""
    card = vobject.vCard()
    card.add("fn").value = display_name
    given, family = _name_parts(display_name)
    card.add("n").value = vobject.vcard.Name(family=family, given=given)
    if organisation:
        card.add("org").value = [organisation]
    if headline:
        card.add("title").value = headline
    if email:
        line = card.add("email")
        line.value = email
        line.type_param = "INTERNET"
    if phone:
        line = card.add("tel")
        line.value = phone
        line.type_param = "CELL"
    if linkedin_url:
        card.add("url").value = linkedin_url
    elif profile_url:
        card.add("url").value = profile_url
    if event is not None:
        card.add("note").value = f"Met at {event.title}"
    return card.serialize()


def vcard_filename(display_name: str) -> str:
    """'ada-lovelace.vcf': ASCII, safe in a Content-Disposition header."""
    ascii_name = unicodedata.normalize("NFKD", display_name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-") or "contact"
    return f"{slug[:60]}.vcf"
