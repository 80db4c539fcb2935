"""`manage.py export_student USERNAME`: everything stored about one student, as JSON."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError

from operations.student_data import export_student


class Command(BaseCommand):
    help = "Export one student's account, classes, attempts, predictions, chats and ratings."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("username")
        parser.add_argument("--output", type=Path, help="write to this file (default: stdout)")

    def handle(self, *args: Any, username: str, output: Path | None, **options: Any) -> None:
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"no user {username!r}")
        text = json.dumps(export_student(user=user), indent=2, ensure_ascii=False)
        if output is None:
            self.stdout.write(text)
        else:
            output.write_text(text + "\n", encoding="utf-8")
            self.stderr.write(f"wrote {output}")
