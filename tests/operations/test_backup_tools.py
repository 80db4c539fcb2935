"""The edges of backup and restore: PostgreSQL client tools, older schemas, the schedule."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django_q.models import Schedule

from operations.backup import BackupError, postgres_tool
from operations.services import BACKUP_FUNC, sync_backup_schedule

ROOT = Path(__file__).resolve().parents[2]


def fake_tool(directory: Path, name: str, version_line: str) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    script = directory / name
    script.write_text(f"#!/bin/sh\necho '{version_line}'\n")
    script.chmod(0o755)


def test_it_names_the_version_needed_when_pg_dump_is_missing(
    tmp_path: Path, monkeypatch: Any
) -> None:
    monkeypatch.setenv("PG_BIN_DIR", str(tmp_path / "empty"))
    with pytest.raises(BackupError, match=r"pg_dump not found.*pg_dump 16 or newer.*client-16"):
        postgres_tool("pg_dump", server_major=16)


def test_it_refuses_a_pg_dump_older_than_the_server(tmp_path: Path, monkeypatch: Any) -> None:
    fake_tool(tmp_path / "bin", "pg_dump", "pg_dump (PostgreSQL) 13.9")
    monkeypatch.setenv("PG_BIN_DIR", str(tmp_path / "bin"))
    with pytest.raises(BackupError, match=r"is version 13, but the server is PostgreSQL 16"):
        postgres_tool("pg_dump", server_major=16)
    fake_tool(tmp_path / "bin", "pg_dump", "pg_dump (PostgreSQL) 17.2 (Debian 17.2-1)")
    assert postgres_tool("pg_dump", server_major=16) == tmp_path / "bin" / "pg_dump"


def test_it_creates_the_backup_schedule_once_and_removes_it_when_unset(
    db: None, settings: Any
) -> None:
    settings.BACKUP_SCHEDULE = "daily"
    sync_backup_schedule()
    sync_backup_schedule()
    assert list(
        Schedule.objects.filter(func=BACKUP_FUNC).values_list("schedule_type", flat=True)
    ) == [Schedule.DAILY]
    settings.BACKUP_SCHEDULE = "hourly"
    sync_backup_schedule()
    assert Schedule.objects.get(func=BACKUP_FUNC).schedule_type == Schedule.HOURLY
    settings.BACKUP_SCHEDULE = ""
    sync_backup_schedule()
    assert not Schedule.objects.filter(func=BACKUP_FUNC).exists()


def manage(env: dict[str, str], *args: str) -> str:
    proc = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return proc.stdout


def sqlite_env(tmp_path: Path, name: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(
        {
            "DEBUG": "1",
            "SQLITE_PATH": str(tmp_path / f"{name}.sqlite3"),
            "MODEL_DIR": str(tmp_path / f"{name}-models"),
            "STUDYSMART_DATA_DIR": str(tmp_path / "data"),
            "LOG_LEVEL": "WARNING",
        }
    )
    return env


# The database as an earlier release left it: without the operations app's tables and the
# retraining schedule's migration, and with one user. One interpreter for the four steps (each
# manage.py start costs a second or two); backup and restore run as their own commands.
OLDER_RELEASE = """
from django.contrib.auth.models import User
from django.core.management import call_command
call_command("migrate", verbosity=0)
call_command("migrate", "operations", "zero", verbosity=0)
call_command("migrate", "mlmodels", "0002", verbosity=0)
User.objects.create_user("old-timer")
"""

AFTER_RESTORE = """
import io
from django.contrib.auth.models import User
from django.core.management import call_command
from django_q.models import Schedule
from operations.models import ErasedStudent
plan = io.StringIO()
call_command("migrate", plan=True, stdout=plan)
print("No planned migration operations" in plan.getvalue(),
      list(User.objects.values_list("username", flat=True)),
      Schedule.objects.filter(func="mlmodels.jobs.check_training_due").count(),
      ErasedStudent.objects.count())
"""


def test_it_migrates_an_archive_from_an_older_schema(tmp_path: Path) -> None:
    old = sqlite_env(tmp_path, "old")
    manage(old, "shell", "-c", OLDER_RELEASE)
    archive = manage(old, "backup", "--dir", str(tmp_path / "backups")).strip().splitlines()[-1]

    new = sqlite_env(tmp_path, "new")
    manage(new, "restore", archive)
    # Nothing left to migrate; the user kept, the schedule's migration and the new app's
    # (empty) table applied.
    assert manage(new, "shell", "-c", AFTER_RESTORE).strip().endswith("True ['old-timer'] 1 0")
