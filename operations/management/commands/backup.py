"""`manage.py backup`: one archive with the database and the model files it refers to."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from operations.backup import BackupError, do_backup
from operations.services import sync_backup_schedule


class Command(BaseCommand):
    help = (
        "Write a .tar.gz backup (database snapshot + the model files it lists + a manifest) "
        "into BACKUP_DIR, keeping the newest BACKUP_KEEP. Safe while the site runs."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--dir", type=Path, help="where to write it (default BACKUP_DIR)")
        parser.add_argument("--keep", type=int, help="archives to keep (default BACKUP_KEEP)")
        parser.add_argument(
            "--sync-schedule",
            action="store_true",
            help="only create, change or remove the BACKUP_SCHEDULE schedule",
        )

    def handle(
        self, *args: Any, dir: Path | None, keep: int | None, sync_schedule: bool, **options: Any
    ) -> None:
        if sync_schedule:
            self.stdout.write(sync_backup_schedule())
            return
        try:
            path = do_backup(directory=dir, keep=keep)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(str(path))
