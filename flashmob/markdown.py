"""render_markdown(): the only place where text written by people becomes HTML."""

from __future__ import annotations

import html as html_lib

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

# Raw HTML in the source is escaped by the parser, and the output is sanitised again, so that
# neither a parser bug nor a future plugin can let a script through.
_parser = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable(
    ["table", "strikethrough"]
)

ALLOWED_TAGS = {
    "p", "br", "hr", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "code",
    "em", "strong", "del", "a", "ul", "ol", "li", "table", "thead", "tbody", "tr", "th", "td",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}, "th": {"align"}, "td": {"align"}}


def _demote_h1(html: str) -> str:
    # A page has one <h1>, its own title; headings in user text start one level lower.
    return html.replace("<h1>", "<h2>").replace("</h1>", "</h2>")


def render_markdown(text: str | None) -> Markup:
    """Turn Markdown into sanitised HTML, safe to place in a page."""
    if not text:
        return Markup("")
    html = _demote_h1(_parser.render(text))
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener noreferrer",
    )
    return Markup(clean)  # noqa: S704 - sanitised by nh3 just above


def markdown_to_text(text: str | None) -> str:
    """Plain text from Markdown, for calendar descriptions and email bodies."""
    if not text:
        return ""
    html = _parser.render(text)
    return html_lib.unescape(nh3.clean(html, tags=set())).strip()
