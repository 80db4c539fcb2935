"""Server-rendered SVG charts for the progress page.

Pictures, not tables, and no JavaScript: plain SVG markup with presentation attributes only,
because the Content Security Policy forbids `style` attributes. Each element also carries a
class, so the site's stylesheet recolours the charts for the dark theme (a CSS rule beats a
presentation attribute). Every chart scales with its viewBox; each comes in a wide and a
compact layout (`compact=True`: labels above the bars, fewer ticks) so that its text stays
legible on a phone, where the page shows the compact one. Every text that comes from data is
escaped. Each function returns markup ready to mark safe.
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


WIDE, COMPACT = 940, 300


def _svg(
    width: int, height: int, title: str, body: list[str], *, compact: bool = False, desc: str = ""
) -> SafeString:
    slug = "".join(c if c.isalnum() else "-" for c in title.lower())[:40]
    slug += "-compact" if compact else ""
    described = f' aria-describedby="chart-{slug}-desc"' if desc else ""
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart{" compact" if compact else ""}" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" '
        f'aria-labelledby="chart-{slug}"{described} '
        f'font-family="{FONT}" font-size="13" fill="{INK}">'
        f'<title id="chart-{slug}">{escape(title)}</title>'
    )
    if desc:
        head += f'<desc id="chart-{slug}-desc">{escape(desc)}</desc>'
    return mark_safe(head + "".join(body) + "</svg>")  # every datum is escaped above


def _empty(width: int, title: str, message: str, *, compact: bool = False) -> SafeString:
    return _svg(
        width,
        80,
        title,
        [
            f'<rect class="empty-box" x="0.5" y="0.5" width="{width - 1}" height="79" rx="8" '
            f'fill="#f5f7fb" stroke="{GRID}"/>',
            f'<text class="muted" x="{width / 2}" y="45" text-anchor="middle" fill="{MUTED}">'
            f"{escape(message)}</text>",
        ],
        compact=compact,
        desc=message,
    )


def bar_chart(
    bars: Sequence[Bar],
    *,
    title: str,
    max_value: float,
    ticks: Sequence[float],
    tick_label: Callable[[float], str],
    color: str = ACCENT,
    css_class: str = "bar",
    empty_message: str = "No completed tasks yet.",
    compact: bool = False,
) -> SafeString:
    """Horizontal bars, one row per label, with a value note at the end of each bar; compact:
    each label on its own line above its bar."""
    width = COMPACT if compact else WIDE
    if not bars:
        return _empty(width, title, empty_message, compact=compact)
    label_w, note_w, row_h, top = (0, 86, 44, 26) if compact else (200, 120, 30, 26)
    plot_w = width - label_w - note_w - (8 if compact else 0)
    left = 8 if compact else label_w
    height = top + row_h * len(bars) + 8
    scale = plot_w / max_value if max_value > 0 else 0.0
    body: list[str] = []
    shown_ticks = [t for i, t in enumerate(ticks) if not compact or i % 2 == 0 or t == ticks[-1]]
    for tick in shown_ticks:
        x = left + tick * scale
        body.append(
            f'<line class="grid" x1="{x:.1f}" y1="{top - 6}" x2="{x:.1f}" y2="{height - 6}" '
            f'stroke="{GRID}"/><text class="muted" x="{x:.1f}" y="{top - 10}" '
            f'text-anchor="middle" font-size="11" fill="{MUTED}">{escape(tick_label(tick))}</text>'
        )
    for i, bar in enumerate(bars):
        y = top + i * row_h
        w = max(0.0, min(bar.value, max_value)) * scale
        bar_y = y + 22 if compact else y + 6
        if compact:
            label = f'<text x="{left}" y="{y + 16}" font-weight="600">{escape(bar.label)}</text>'
        else:
            label = (
                f'<text x="{label_w - 10}" y="{y + 19}" text-anchor="end">'
                f"{escape(bar.label)}</text>"
            )
        body.append(
            label + f'<rect class="{css_class}" x="{left}" y="{bar_y}" width="{max(w, 1.5):.1f}" '
            f'height="{16 if compact else 18}" rx="3" fill="{color}">'
            f"<title>{escape(bar.label)}: {escape(bar.note)}</title></rect>"
            f'<text class="muted" x="{left + w + 6:.1f}" y="{bar_y + 13}" fill="{MUTED}" '
            f'font-size="12">{escape(bar.note)}</text>'
        )
    return _svg(width, height, title, body, compact=compact, desc=_bars_desc(bars))


def _bars_desc(bars: Sequence[Bar]) -> str:
    return "; ".join(f"{bar.label}: {bar.note}" for bar in bars) + "."


def accuracy_chart(rows: Sequence[dict[str, object]], *, compact: bool = False) -> SafeString:
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
        compact=compact,
    )


def time_chart(rows: Sequence[dict[str, object]], *, compact: bool = False) -> SafeString:
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
        css_class="bar-2",
        compact=compact,
    )


@dataclass(frozen=True)
class Block:
    """One point of the predicted-vs-actual chart: attempts first..last (1-based)."""

    first: int
    last: int
    actual: float
    predicted: float | None

    @property
    def label(self) -> str:
        return f"{self.first}–{self.last}"


def calibration_blocks(
    outcomes: Sequence[tuple[bool, float | None]], *, block: int = 10
) -> list[Block]:
    """Per block of `block` attempts, the share answered correctly and the mean probability
    predicted at assignment (the chart's points, and its table)."""
    groups = [outcomes[i : i + block] for i in range(0, len(outcomes), block)]
    # A short last block would be mostly noise; fold it into the one before.
    if len(groups) > 1 and len(groups[-1]) < block // 2:
        groups[-2] = [*groups[-2], *groups[-1]]
        groups.pop()
    if len(outcomes) < 2:
        return []
    blocks, start = [], 0
    for group in groups:
        ps = [p for _, p in group if p is not None]
        blocks.append(
            Block(
                first=start + 1,
                last=start + len(group),
                actual=sum(c for c, _ in group) / len(group),
                predicted=sum(ps) / len(ps) if ps else None,
            )
        )
        start += len(group)
    return blocks


def calibration_chart(
    outcomes: Sequence[tuple[bool, float | None]], *, block: int = 10, compact: bool = False
) -> SafeString:
    """Predicted versus actual over time: per block of `block` attempts, the share answered
    correctly beside the mean probability predicted at assignment."""
    width, height = (COMPACT, 280) if compact else (WIDE, 320)
    left, right, top, bottom = (40, 12, 58, 44) if compact else (52, 20, 44, 44)
    title = "Predicted vs actual over time"
    blocks = calibration_blocks(outcomes, block=block)
    if not blocks:
        return _empty(width, title, "Complete a few tasks to see this chart.", compact=compact)
    actual = [b.actual for b in blocks]
    predicted = [b.predicted for b in blocks]
    plot_w, plot_h = width - left - right, height - top - bottom

    def x(i: int) -> float:
        return left + (plot_w * (i + 0.5) / len(blocks))

    def y(v: float) -> float:
        return top + plot_h * (1.0 - v)

    body: list[str] = []
    for tick in (0.0, 0.25, 0.5, 0.75, 1.0):
        body.append(
            f'<line class="grid" x1="{left}" y1="{y(tick):.1f}" x2="{width - right}" '
            f'y2="{y(tick):.1f}" stroke="{GRID}"/><text class="muted" x="{left - 8}" '
            f'y="{y(tick) + 4:.1f}" text-anchor="end" font-size="11" fill="{MUTED}">'
            f"{tick:.0%}</text>"
        )
    label_every = max(1, len(blocks) // (3 if compact else 10))
    for i, b in enumerate(blocks):
        if i % label_every == 0 or i == len(blocks) - 1:
            body.append(
                f'<text class="muted" x="{x(i):.1f}" y="{height - bottom + 18}" '
                f'text-anchor="middle" font-size="11" fill="{MUTED}">{b.label}</text>'
            )
    body.append(
        f'<text class="muted" x="{left + plot_w / 2}" y="{height - 6}" text-anchor="middle" '
        f'font-size="12" fill="{MUTED}">attempts (oldest to newest), {block} per point</text>'
    )
    body.append(_series(actual, x, y, color=ACCENT, name="Actual: share correct"))
    body.append(
        _series(predicted, x, y, color=SECOND, name="Predicted chance", dashed=True, second=True)
    )
    # Legend: one row on the wide chart, two on the compact one.
    second_x, second_y = (left, 40) if compact else (left + 210, 16)
    body.append(
        f'<line class="series" x1="{left}" y1="16" x2="{left + 26}" y2="16" stroke="{ACCENT}" '
        f'stroke-width="3"/><text x="{left + 32}" y="20">Actual: share correct</text>'
        f'<line class="series-2" x1="{second_x}" y1="{second_y}" x2="{second_x + 26}" '
        f'y2="{second_y}" stroke="{SECOND}" stroke-width="3" stroke-dasharray="6 4"/>'
        f'<text x="{second_x + 32}" y="{second_y + 4}">Predicted chance (at assignment)</text>'
    )
    last = blocks[-1]
    desc = (
        f"{len(blocks)} points of {block} attempts. Latest ({last.label}): "
        f"{last.actual:.0%} correct"
        + (f", {last.predicted:.0%} predicted." if last.predicted is not None else ".")
    )
    return _svg(width, height, title, body, compact=compact, desc=desc)


def _series(
    values: Sequence[float | None],
    x: Callable[[int], float],
    y: Callable[[float], float],
    *,
    color: str,
    name: str,
    dashed: bool = False,
    second: bool = False,
) -> str:
    points = [(x(i), y(v), v) for i, v in enumerate(values) if v is not None]
    if not points:
        return ""
    dash = ' stroke-dasharray="6 4"' if dashed else ""
    css = "series-2" if second else "series"
    path = " ".join(f"{px:.1f},{py:.1f}" for px, py, _ in points)
    parts = [
        f'<polyline class="{css}" points="{path}" fill="none" stroke="{color}" '
        f'stroke-width="2.5" stroke-linejoin="round"{dash}/>'
    ]
    for px, py, v in points:
        parts.append(
            f'<circle class="{css}-point" cx="{px:.1f}" cy="{py:.1f}" r="3.5" fill="{color}">'
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
