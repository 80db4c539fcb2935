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
