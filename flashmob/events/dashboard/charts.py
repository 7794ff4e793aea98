"""Bar charts drawn on the server as inline SVG: no script, no inline style (the CSP forbids both).

Colours come from classes in flashmob.css; shapes from SVG presentation attributes. Every chart is an
image with a <title> and a <desc> saying what it shows, and the page puts the same numbers in a table
beside it, which is its text alternative.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

WIDTH = 640
HEIGHT = 300
LEFT = 48  # room for the scale
BOTTOM = 40  # room for the labels under the bars
TOP = 40  # room for the legend
LABEL_CHARS = 9
LABEL_SPACE = 90  # how wide a label under the bars is, at most


@dataclass(frozen=True)
class Series:
    """One kind of bar: its name in the legend, a value per label (None: not known), its colour class."""

    name: str
    values: Sequence[int | None]
    css_class: str


def _short(label: str) -> str:
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1] + "…"


def _nice_max(highest: int) -> int:
    """A round top for the scale: 2, 4, 10, 20, 50, 100... (even, so that its middle is whole)."""
    scale = 1
    while True:
        for step in (2, 4, 10):
            if step * scale >= highest:
                return step * scale
        scale *= 10


def bar_chart(chart_id: str, title: str, description: str, labels: Sequence[str], series: Sequence[Series]):
    """A grouped bar chart of `series` over `labels`, as SVG markup safe to put in a page."""
    highest = max((v for s in series for v in s.values if v is not None), default=0)
    top = _nice_max(max(highest, 1))
    plot_width, plot_height = WIDTH - LEFT - 8, HEIGHT - TOP - BOTTOM
    group = plot_width / max(len(labels), 1)
    bar = max(min(group * 0.8 / max(len(series), 1), 28), 2)
    label_every = math.ceil(LABEL_SPACE / group)
    title_id, desc_id = f"{chart_id}-title", f"{chart_id}-desc"
    parts = [
        f'<svg class="chart" id="{escape(chart_id)}" role="img" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'aria-labelledby="{escape(title_id)} {escape(desc_id)}" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{escape(title_id)}">{escape(title)}</title>',
        f'<desc id="{escape(desc_id)}">{escape(description)}</desc>',
    ]
    # The scale: the baseline, the top and the middle.
    for value in (0, top // 2, top):
        y = TOP + plot_height - plot_height * value / top
        parts.append(
            f'<line class="chart__grid" x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - 8}" y2="{y:.1f}"></line>'
            f'<text class="chart__scale" x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">{value}</text>'
        )
    for index, label in enumerate(labels):
        x0 = LEFT + group * index + (group - bar * len(series)) / 2
        for position, one in enumerate(series):
            value = one.values[index]
            if value is None:
                continue
            height = plot_height * value / top
            x, y = x0 + bar * position, TOP + plot_height - height
            parts.append(
                f'<rect class="chart__bar {escape(one.css_class)}" x="{x:.1f}" y="{y:.1f}" '
                f'width="{bar:.1f}" height="{height:.1f}"></rect>'
            )
        if index % label_every:
            continue  # too many to fit: every other (or third...) label, the table has them all
        middle = LEFT + group * index + group / 2
        parts.append(
            f'<text class="chart__label" x="{middle:.1f}" y="{HEIGHT - BOTTOM + 24}" '
            f'text-anchor="middle">{escape(_short(label))}</text>'
        )
    # The legend, along the top.
    x = LEFT
    for one in series:
        parts.append(
            f'<rect class="chart__bar {escape(one.css_class)}" x="{x}" y="6" width="20" height="20"></rect>'
            f'<text class="chart__legend" x="{x + 26}" y="24">{escape(one.name)}</text>'
        )
        x += 44 + 13 * len(one.name)
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 (every text and attribute escaped above)
