"""Formatting for the practice pages: times and probabilities as a student reads them."""

from __future__ import annotations

from django import template

from tasks.charts import format_seconds

register = template.Library()


@register.filter
def seconds(value: float | None) -> str:
    """42 s, 1 min 30 s, 12 min."""
    return format_seconds(value)


@register.filter
def percent(value: float | None) -> str:
    return "–" if value is None else f"{value:.0%}"


@register.filter
def chance_words(value: float | None) -> str:
    """A predicted chance in plain words: "about 7 in 10 students at your level get this
    right"."""
    if value is None:
        return "no prediction yet"
    tenths = round(value * 10)
    if tenths >= 10:
        return "nearly every student at your level gets this right"
    if tenths <= 0:
        return "fewer than 1 in 10 students at your level get this right"
    return f"about {tenths} in 10 students at your level get this right"


@register.filter
def chance_step(value: float | None) -> int:
    """The step (0–10) of the one colour scale for chances: darker is a higher chance, so a
    higher chance is never shown in a "worse" colour (static/tasks/practice.css)."""
    if value is None:
        return 0
    return max(0, min(10, round(value * 10)))


@register.filter
def iso_duration(value: float | None) -> str:
    """Seconds as an ISO 8601 duration for <time datetime>: PT1M30S."""
    if value is None:
        return ""
    minutes, secs = divmod(round(value), 60)
    return f"PT{minutes}M{secs}S" if minutes else f"PT{secs}S"
