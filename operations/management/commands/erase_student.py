"""`manage.py erase_student USERNAME`: delete a student's account and chats (GDPR erasure)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError

from operations.student_data import erase_student


class Command(BaseCommand):
    help = (
        "Erase a student: the account and chats are deleted; the attempts are kept under a "
        "random id for the models or deleted (--attempts, default ERASE_ATTEMPTS). An imported "
        "student is not recreated by importing the same file again. Backups still hold the "
        "student until they age out (BACKUP_KEEP)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("username")
        parser.add_argument("--attempts", choices=["keep", "delete"], default=None)
        parser.add_argument("--yes", action="store_true", help="don't ask for confirmation")

    def handle(
        self, *args: Any, username: str, attempts: str | None, yes: bool, **options: Any
    ) -> None:
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"no user {username!r}")
        mode = attempts or settings.ERASE_ATTEMPTS
        if not yes:
            answer = input(f"Erase {username} (attempts: {mode})? This cannot be undone [y/N] ")
            if answer.strip().lower() not in ("y", "yes"):
                raise CommandError("not erased")
        try:
            erasure = erase_student(user=user, attempts=mode)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"erased {username}: {erasure.chats} chat rows deleted, "
            f"{erasure.attempts_kept} attempts kept anonymously, "
            f"{erasure.attempts_deleted} deleted"
            + (", import tombstone recorded" if erasure.tombstone else "")
        )
