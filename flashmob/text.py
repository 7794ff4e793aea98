"""Text made fit for addresses and file names: the one place a name becomes a slug."""

from __future__ import annotations

import re
import unicodedata

# How long a slug in a file name gets; a chapter's address is as long as its column holds.
SLUG_MAX_LENGTH = 60


def slugify(text: str, max_length: int = SLUG_MAX_LENGTH) -> str:
    """An address from a name: 'Newcastle upon Tyne' -> 'newcastle-upon-tyne'; empty if no letter is ASCII."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:max_length].rstrip("-")
