"""Student-page helpers: the dashboard's assigned sets and its join form."""

from __future__ import annotations

from typing import Any

from django import template

from classes import services

register = template.Library()


@register.inclusion_tag("classes/_dashboard_panel.html", takes_context=True)
def assigned_sets_panel(context: Any) -> dict[str, Any]:
    """Sets assigned by the student's teachers (first on the dashboard) and the join form."""
    user = context["request"].user
    return {
        "task_sets": services.student_task_sets(student=user),
        "csrf_token": context.get("csrf_token"),
    }
