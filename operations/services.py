"""Writes of the operations app that are not backups or a student's data."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from mlmodels.models import ModelVersion
from mlmodels.registry import artifact_path, registry

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


# --- the operator's page: model versions and their files -------------------------------------


class OperatorError(Exception):
    """An operator's action that cannot be done; the message says why."""


@dataclass(frozen=True)
class ModelFile:
    relative: str
    bytes: int
    version: ModelVersion | None  # None: a file no version refers to


@transaction.atomic
def roll_back_model(*, kind: str, version: int) -> ModelVersion:
    """Serve `kind` version `version` again instead of the active one (its file must exist).

    The champion stays with the kind: rolling back the served model serves the earlier
    version. Web processes pick the change up within seconds (the registry re-checks)."""
    target = ModelVersion.objects.select_for_update().filter(kind=kind, version=version).first()
    if target is None:
        raise OperatorError(f"{kind} v{version} does not exist")
    if target.is_active:
        raise OperatorError(f"{target.label} is already active")
    if not artifact_path(target.artifact).is_file():
        raise OperatorError(f"{target.label}'s file was pruned: it cannot be served again")
    current = ModelVersion.objects.filter(kind=kind, is_active=True).first()
    champion = current is not None and current.is_champion
    # Conditional updates, in this order, keep the one-active and one-champion constraints.
    ModelVersion.objects.filter(kind=kind, is_active=True).update(
        is_active=False, is_champion=False
    )
    ModelVersion.objects.filter(pk=target.pk).update(is_active=True, is_champion=champion)
    transaction.on_commit(registry.reset)
    target.refresh_from_db()
    return target


def model_files() -> list[ModelFile]:
    """Every model file under MODEL_DIR, with the version that refers to it if any."""
    root = Path(settings.MODEL_DIR)
    if not root.is_dir():
        return []
    versions = {v.artifact: v for v in ModelVersion.objects.all()}
    found = []
    for path in sorted(root.rglob("*")):
        if not path.is_file() or path.name.startswith(".tmp-"):
            continue  # a publish in progress (or a killed one: the training run sweeps those)
        relative = str(path.relative_to(root))
        found.append(ModelFile(relative, path.stat().st_size, versions.get(relative)))
    return found


def prunable_model_files(*, keep: int | None = None) -> list[ModelFile]:
    """Files no active version needs: beyond the newest `keep` inactive versions of each kind
    (kept for a roll-back; MODEL_KEEP_VERSIONS), and files no version refers to."""
    keep = settings.MODEL_KEEP_VERSIONS if keep is None else keep
    files = model_files()
    kept_inactive: dict[str, int] = {}
    prunable = []
    newest_first = sorted(files, key=lambda f: -(f.version.version if f.version is not None else 0))
    for item in newest_first:
        if item.version is None:
            prunable.append(item)
        elif not item.version.is_active:
            seen = kept_inactive.get(item.version.kind, 0)
            if seen >= keep:
                prunable.append(item)
            kept_inactive[item.version.kind] = seen + 1
    return sorted(prunable, key=lambda f: f.relative)


def prune_model_files(*, keep: int | None = None) -> tuple[int, int]:
    """Delete the prunable files; (files, bytes) removed. A file whose version became active
    meanwhile (a roll-back) is left alone: the check is repeated file by file."""
    removed = freed = 0
    root = Path(settings.MODEL_DIR)
    for item in prunable_model_files(keep=keep):
        if ModelVersion.objects.filter(artifact=item.relative, is_active=True).exists():
            continue
        (root / item.relative).unlink(missing_ok=True)
        removed += 1
        freed += item.bytes
    return removed, freed


def directory_bytes(path: Path) -> int:
    if not path.is_dir():
        return 0
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
