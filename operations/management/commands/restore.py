"""`manage.py restore ARCHIVE`: put a backup back, then migrate it to this code's schema."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from operations.backup import BackupError, do_restore


class Command(BaseCommand):
    help = (
        "Replace the database and model files with a backup's and migrate it forward. "
        "Refuses while web processes or job clusters run against the database, and when it "
        "holds any non-demo user or imported attempt unless --force."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("archive", type=Path)
        parser.add_argument(
            "--force", action="store_true", help="overwrite a database holding real data"
        )

    def handle(self, *args: Any, archive: Path, force: bool, **options: Any) -> None:
        if not archive.is_file():
            raise CommandError(f"{archive}: no such file")
        try:
            result = do_restore(archive=archive, force=force)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"restored the backup of {result['created_at']} "
            f"({result['model_files']} model files) and migrated it"
        )
