"""Template helpers for the teachers' admin pages."""

from __future__ import annotations

from typing import Any

from django import template

from classes.models import SchoolClass
from classes.overview import SetCell

register = template.Library()


@register.filter
def pct(value: float | None) -> str:
    return "–" if value is None else f"{value:.0%}"


@register.simple_tag
def set_cell(row: Any, task_set: Any) -> SetCell:
    return row.sets.get(task_set.pk, SetCell())


@register.simple_tag(takes_context=True)
def my_classes(context: Any) -> list[SchoolClass]:
    """The classes the admin user may open (the admin index lists them)."""
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return []
    return list(SchoolClass.objects.visible_to(request.user)[:50])
