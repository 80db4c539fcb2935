"""Writes of the operations app that are not backups or a student's data."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.utils import timezone

BACKUP_FUNC = "operations.jobs.scheduled_backup"
SCHEDULE_TYPES = {"hourly": "H", "daily": "D", "weekly": "W"}


@transaction.atomic
def sync_backup_schedule() -> str:
    """Make django-q2's schedule for backups match BACKUP_SCHEDULE (idempotent, keyed on func).

    Run at start (start_all, and the deployment's ExecStartPre) so that changing the setting
    and restarting is all an operator does."""
    from django_q.models import Schedule

    wanted = SCHEDULE_TYPES.get(settings.BACKUP_SCHEDULE)
    if wanted is None:
        deleted, _ = Schedule.objects.filter(func=BACKUP_FUNC).delete()
        return "backups: no schedule" + (" (removed)" if deleted else "")
    schedule, created = Schedule.objects.get_or_create(
        func=BACKUP_FUNC,
        defaults={
            "name": "Back up the database and model files",
            "schedule_type": wanted,
            "repeats": -1,
            "next_run": timezone.now(),
        },
    )
    if not created and schedule.schedule_type != wanted:
        schedule.schedule_type = wanted
        schedule.save(update_fields=["schedule_type"])
    return f"backups: {settings.BACKUP_SCHEDULE}, keeping {settings.BACKUP_KEEP}"
