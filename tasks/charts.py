"""Server-rendered SVG charts for the progress page.

Pictures, not tables, and no JavaScript: plain SVG markup, styled with presentation
attributes only, because the Content Security Policy forbids `style` attributes. Every text
that comes from data is escaped. Each function returns markup ready to mark safe.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape

from django.utils.safestring import SafeString, mark_safe

INK = "#1b2330"
MUTED = "#5d6b82"
GRID = "#dde3ee"
ACCENT = "#2457c5"
SECOND = "#e07b24"
FONT = "system-ui, -apple-system, Segoe UI, Roboto, sans-serif"


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    note: str = ""


def _svg(width: int, height: int, title: str, body: list[str]) -> SafeString:
    slug = "".join(c if c.isalnum() else "-" for c in title.lower())[:40]
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-labelledby="chart-{slug}" '
        f'font-family="{FONT}" font-size="13" fill="{INK}">'
        f'<title id="chart-{slug}">{escape(title)}</title>'
    )
    return mark_safe(head + "".join(body) + "</svg>")  # every datum is escaped above


def _empty(width: int, title: str, message: str) -> SafeString:
    return _svg(
        width,
        80,
        title,
        [
            f'<rect x="0.5" y="0.5" width="{width - 1}" height="79" rx="8" fill="#f5f7fb" '
            f'stroke="{GRID}"/>',
            f'<text x="{width / 2}" y="45" text-anchor="middle" fill="{MUTED}">'
            f"{escape(message)}</text>",
        ],
    )


def bar_chart(
    bars: Sequence[Bar],
    *,
    title: str,
    max_value: float,
    ticks: Sequence[float],
    tick_label: Callable[[float], str],
    color: str = ACCENT,
    empty_message: str = "No completed tasks yet.",
) -> SafeString:
    """Horizontal bars, one row per label, with a value note at the end of each bar."""
    width, label_w, note_w, row_h, top = 940, 200, 120, 30, 26
    if not bars:
        return _empty(width, title, empty_message)
    plot_w = width - label_w - note_w
    height = top + row_h * len(bars) + 8
    scale = plot_w / max_value if max_value > 0 else 0.0
    body: list[str] = []
    for tick in ticks:
        x = label_w + tick * scale
        body.append(
            f'<line x1="{x:.1f}" y1="{top - 6}" x2="{x:.1f}" y2="{height - 6}" stroke="{GRID}"/>'
            f'<text x="{x:.1f}" y="{top - 10}" text-anchor="middle" font-size="11" '
            f'fill="{MUTED}">{escape(tick_label(tick))}</text>'
        )
    for i, bar in enumerate(bars):
        y = top + i * row_h
        w = max(0.0, min(bar.value, max_value)) * scale
        body.append(
            f'<text x="{label_w - 10}" y="{y + 19}" text-anchor="end">{escape(bar.label)}</text>'
            f'<rect x="{label_w}" y="{y + 6}" width="{max(w, 1.5):.1f}" height="18" rx="3" '
            f'fill="{color}"><title>{escape(bar.label)}: {escape(bar.note)}</title></rect>'
            f'<text x="{label_w + w + 6:.1f}" y="{y + 19}" fill="{MUTED}" font-size="12">'
            f"{escape(bar.note)}</text>"
        )
    return _svg(width, height, title, body)


def accuracy_chart(rows: Sequence[dict[str, object]]) -> SafeString:
    """Accuracy per topic, from PracticeTaskQuerySet.by_topic() rows."""
    bars = [
        Bar(
            str(r["task__topic__name"]),
            float(r["accuracy"] or 0.0),  # type: ignore[arg-type]
            f"{float(r['accuracy'] or 0.0):.0%} of {r['n']}",  # type: ignore[arg-type]
        )
        for r in rows
    ]
    return bar_chart(
        bars,
        title="Accuracy per topic",
        max_value=1.0,
        ticks=(0, 0.25, 0.5, 0.75, 1.0),
        tick_label=lambda t: f"{t:.0%}",
    )


def time_chart(rows: Sequence[dict[str, object]]) -> SafeString:
    """Mean time per topic (seconds), from PracticeTaskQuerySet.by_topic() rows."""
    values = [float(r["mean_seconds"] or 0.0) for r in rows]  # type: ignore[arg-type]
    top = max(values, default=0.0)
    step = _nice_step(top / 4 if top else 60.0)
    max_value = step * max(1, -(-top // step))
    bars = [
        Bar(str(r["task__topic__name"]), v, format_seconds(v))
        for r, v in zip(rows, values, strict=True)
    ]
    ticks = [step * i for i in range(int(max_value // step) + 1)]
    return bar_chart(
        bars,
        title="Mean time per topic",
        max_value=max_value,
        ticks=ticks,
        tick_label=format_seconds,
        color="#1f8a4c",
    )


def calibration_chart(
    outcomes: Sequence[tuple[bool, float | None]], *, block: int = 10
) -> SafeString:
    """Predicted versus actual over time: per block of `block` attempts, the share answered
    correctly beside the mean probability predicted at assignment."""
    width, height = 940, 320
    left, right, top, bottom = 52, 20, 44, 44
    title = "Predicted vs actual over time"
    blocks = [outcomes[i : i + block] for i in range(0, len(outcomes), block)]
    # A short last block would be mostly noise; fold it into the one before.
    if len(blocks) > 1 and len(blocks[-1]) < block // 2:
        blocks[-2] = [*blocks[-2], *blocks[-1]]
        blocks.pop()
    if len(outcomes) < 2 or not blocks:
        return _empty(width, title, "Complete a few tasks to see this chart.")
    actual = [sum(c for c, _ in b) / len(b) for b in blocks]
    predicted: list[float | None] = []
    for b in blocks:
        ps = [p for _, p in b if p is not None]
        predicted.append(sum(ps) / len(ps) if ps else None)
    plot_w, plot_h = width - left - right, height - top - bottom

    def x(i: int) -> float:
        return left + (plot_w * (i + 0.5) / len(blocks))

    def y(v: float) -> float:
        return top + plot_h * (1.0 - v)

    body: list[str] = []
    for tick in (0.0, 0.25, 0.5, 0.75, 1.0):
        body.append(
            f'<line x1="{left}" y1="{y(tick):.1f}" x2="{width - right}" y2="{y(tick):.1f}" '
            f'stroke="{GRID}"/><text x="{left - 8}" y="{y(tick) + 4:.1f}" text-anchor="end" '
            f'font-size="11" fill="{MUTED}">{tick:.0%}</text>'
        )
    label_every = max(1, len(blocks) // 10)
    start = 0
    for i, b in enumerate(blocks):
        end = start + len(b)
        if i % label_every == 0 or i == len(blocks) - 1:
            body.append(
                f'<text x="{x(i):.1f}" y="{height - bottom + 18}" text-anchor="middle" '
                f'font-size="11" fill="{MUTED}">{start + 1}–{end}</text>'
            )
        start = end
    body.append(
        f'<text x="{left + plot_w / 2}" y="{height - 6}" text-anchor="middle" font-size="12" '
        f'fill="{MUTED}">attempts (oldest to newest), {block} per point</text>'
    )
    body.append(_series(actual, x, y, color=ACCENT, name="Actual: share correct"))
    body.append(_series(predicted, x, y, color=SECOND, name="Predicted chance", dashed=True))
    # Legend
    body.append(
        f'<line x1="{left}" y1="16" x2="{left + 26}" y2="16" stroke="{ACCENT}" '
        f'stroke-width="3"/><text x="{left + 32}" y="20">Actual: share correct</text>'
        f'<line x1="{left + 210}" y1="16" x2="{left + 236}" y2="16" stroke="{SECOND}" '
        f'stroke-width="3" stroke-dasharray="6 4"/>'
        f'<text x="{left + 242}" y="20">Predicted chance (at assignment)</text>'
    )
    return _svg(width, height, title, body)


def _series(
    values: Sequence[float | None],
    x: Callable[[int], float],
    y: Callable[[float], float],
    *,
    color: str,
    name: str,
    dashed: bool = False,
) -> str:
    points = [(x(i), y(v), v) for i, v in enumerate(values) if v is not None]
    if not points:
        return ""
    dash = ' stroke-dasharray="6 4"' if dashed else ""
    path = " ".join(f"{px:.1f},{py:.1f}" for px, py, _ in points)
    parts = [
        f'<polyline points="{path}" fill="none" stroke="{color}" stroke-width="2.5" '
        f'stroke-linejoin="round"{dash}/>'
    ]
    for px, py, v in points:
        parts.append(
            f'<circle cx="{px:.1f}" cy="{py:.1f}" r="3.5" fill="{color}">'
            f"<title>{escape(name)}: {v:.0%}</title></circle>"
        )
    return "".join(parts)


def _nice_step(raw: float) -> float:
    """A round tick step (1, 2, 5 × 10^k seconds, or whole minutes) at or above `raw`."""
    for step in (5, 10, 15, 30, 60, 120, 180, 300, 600, 900, 1800, 3600):
        if step >= raw:
            return float(step)
    return 3600.0 * (-(-raw // 3600))


def format_seconds(seconds: float | None) -> str:
    """42 s, 1 min 30 s, 12 min."""
    if seconds is None:
        return "–"
    total = round(seconds)
    if total < 60:
        return f"{total} s"
    minutes, rest = divmod(total, 60)
    if minutes >= 10 or rest == 0:
        return f"{round(seconds / 60)} min"
    return f"{minutes} min {rest} s"
