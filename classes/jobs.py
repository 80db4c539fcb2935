"""django-q2 jobs of classes: thin interfaces that call one service and return a status."""

from __future__ import annotations


def record_class_chances() -> str:
    """Scheduled daily: today's predicted-chance snapshot for every class (idempotent)."""
    from classes.models import SchoolClass
    from classes.services import record_chances

    counts = [record_chances(school_class=c) for c in SchoolClass.objects.all()]
    return f"snapshots for {sum(counts)} students in {len(counts)} classes"
