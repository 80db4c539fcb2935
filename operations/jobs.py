"""django-q2 jobs of operations: thin interfaces calling one service."""

from __future__ import annotations


def scheduled_backup() -> str:
    """Run by the BACKUP_SCHEDULE schedule on the jobs cluster: one archive, old ones pruned."""
    from operations.backup import do_backup

    return f"backup written: {do_backup().name}"
