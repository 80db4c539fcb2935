"""The class view's heatmap: students × topics as server-rendered SVG.

Plain SVG with presentation attributes (the Content Security Policy forbids style attributes
and inline scripts); every text from data is escaped. Column headings and student names are
links: a heading sorts the rows by that topic, a name opens the student's history.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from html import escape
from itertools import pairwise

from django.utils.safestring import SafeString, mark_safe

from classes.overview import Cell, ClassOverview

EMPTY_CELL = Cell()

INK = "#1b2330"
MUTED = "#5d6b82"
EMPTY = "#eef1f6"
FONT = "system-ui, -apple-system, Segoe UI, Roboto, sans-serif"
NAME_WIDTH = 150
CELL_W = 64
CELL_H = 24
HEAD_H = 124


def colour(value: float) -> str:
    """Red (0) through amber (0.5) to green (1): a 3-stop ramp that stays readable in print."""
    return _colour(round(min(1.0, max(0.0, value)), 2))


@lru_cache(maxsize=128)
def _colour(value: float) -> str:
    stops = [(0.0, (203, 63, 52)), (0.5, (240, 190, 70)), (1.0, (46, 139, 87))]
    for (x0, c0), (x1, c1) in pairwise(stops):
        if value <= x1:
            t = (value - x0) / (x1 - x0)
            r, g, b = (round(a + (b_ - a) * t) for a, b_ in zip(c0, c1, strict=True))
            return f"#{r:02x}{g:02x}{b:02x}"
    return "#2e8b57"


def heatmap(
    overview: ClassOverview,
    *,
    measure: str,
    title: str,
    sort_url: Callable[[str], str],
    student_url: Callable[[int], str],
) -> SafeString:
    """`measure` is "accuracy" or "chance". `sort_url(key)` and `student_url(id)` build links."""
    topics, rows = overview.topics, overview.rows
    width = NAME_WIDTH + CELL_W * max(1, len(topics)) + 10
    height = HEAD_H + CELL_H * max(1, len(rows)) + 10
    slug = f"heatmap-{measure}"
    body = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="heatmap" id="{slug}" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" '
        f'aria-labelledby="{slug}-title" font-family="{FONT}" font-size="12" fill="{INK}">'
        f'<title id="{slug}-title">{escape(title)}</title>'
    ]
    prefix = "acc" if measure == "accuracy" else "chance"
    for j, topic in enumerate(topics):
        x = NAME_WIDTH + CELL_W * j + CELL_W / 2
        key = f"{prefix}:{topic.pk}"
        toggled = f"-{key}" if overview.sort == key else key
        arrow = " ▲" if overview.sort == key else " ▼" if overview.sort == f"-{key}" else ""
        body.append(
            f'<a href="{escape(sort_url(toggled))}"><text x="{x}" y="{HEAD_H - 8}" '
            f'transform="rotate(-40 {x} {HEAD_H - 8})" class="sort-topic">'
            f"<title>Sort by {escape(topic.name)}</title>{escape(topic.name)}{arrow}</text></a>"
        )
    if not rows:
        body.append(f'<text x="10" y="{HEAD_H + 16}" fill="{MUTED}">No students yet.</text>')
    topic_names = [escape(t.name) for t in topics]
    for i, row in enumerate(rows):
        y = HEAD_H + CELL_H * i
        name = escape(row.student.get_username())
        body.append(
            f'<a href="{escape(student_url(row.student.pk))}"><text x="4" y="{y + 16}" '
            f'class="student-name">{name[:22]}</text></a>'
        )
        for j, topic in enumerate(topics):
            cell = row.cells.get(topic.pk, EMPTY_CELL)
            value = cell.accuracy if measure == "accuracy" else cell.p_correct
            x = NAME_WIDTH + CELL_W * j
            if measure == "accuracy":
                detail = f"{cell.correct}/{cell.attempts} right" if cell.attempts else "no attempts"
            else:
                detail = f"source {cell.chance.source}" if cell.chance else "no prediction"
            label = "–" if value is None else f"{value:.0%}"
            fill = EMPTY if value is None else colour(value)
            ink = INK if value is None or 0.3 < value < 0.8 else "#ffffff"
            body.append(
                f'<g class="cell" data-student="{row.student.pk}" data-topic="{topic.pk}">'
                f'<rect x="{x + 1}" y="{y + 1}" width="{CELL_W - 2}" height="{CELL_H - 2}" '
                f'rx="3" fill="{fill}"/>'
                f'<text x="{x + CELL_W / 2}" y="{y + 16}" text-anchor="middle" fill="{ink}">'
                f"{label}</text><title>{name} · {topic_names[j]}: {label} ({detail})</title></g>"
            )
    body.append("</svg>")
    return mark_safe("".join(body))  # every datum is escaped above
