"""Calibration plots as SVG pictures (presentation attributes only: the CSP forbids styles)."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.html import escape

SIZE, PAD = 260, 34


def calibration_svg(bins: Sequence[Sequence[float]], *, title: str) -> str:
    """Observed rate against mean predicted probability per bin; the diagonal is perfect."""
    inner = SIZE - 2 * PAD

    def x(v: float) -> float:
        return PAD + v * inner

    def y(v: float) -> float:
        return SIZE - PAD - v * inner

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {SIZE} {SIZE}" width="{SIZE}" '
        f'height="{SIZE}" role="img" aria-label="{escape(title)}" class="calibration">',
        f"<title>{escape(title)}</title>",
        f'<rect x="{PAD}" y="{PAD}" width="{inner}" height="{inner}" fill="#fff" '
        'stroke="#ccd3e0"/>',
        f'<line x1="{x(0)}" y1="{y(0)}" x2="{x(1)}" y2="{y(1)}" stroke="#9aa5b8" '
        'stroke-dasharray="4 4"/>',
    ]
    for tick in (0.0, 0.5, 1.0):
        parts.append(
            f'<text x="{x(tick)}" y="{SIZE - PAD + 14}" font-size="10" text-anchor="middle" '
            f'fill="#5d6b82">{tick:.1f}</text>'
            f'<text x="{PAD - 6}" y="{y(tick) + 3}" font-size="10" text-anchor="end" '
            f'fill="#5d6b82">{tick:.1f}</text>'
        )
    points = [(float(b[0]), float(b[1]), int(b[2])) for b in bins if b[2]]
    if points:
        path = " ".join(f"{x(p):.1f},{y(o):.1f}" for p, o, _n in points)
        parts.append(f'<polyline points="{path}" fill="none" stroke="#2457c5" stroke-width="2"/>')
        biggest = max(n for *_r, n in points)
        for p, o, n in points:
            r = 2.5 + 4.5 * (n / biggest) ** 0.5
            parts.append(
                f'<circle cx="{x(p):.1f}" cy="{y(o):.1f}" r="{r:.1f}" fill="#2457c5">'
                f"<title>predicted {p:.2f}, observed {o:.2f}, n={n}</title></circle>"
            )
    parts.append(
        f'<text x="{SIZE / 2}" y="{SIZE - 6}" font-size="11" text-anchor="middle" '
        'fill="#1b2330">predicted P(correct)</text>'
        f'<text x="10" y="{SIZE / 2}" font-size="11" text-anchor="middle" fill="#1b2330" '
        f'transform="rotate(-90 10 {SIZE / 2})">observed rate</text></svg>'
    )
    return "".join(parts)
