"""`backup` and `restore`: a backup taken while a training publishes restores the same site.

Runs on whichever stack the suite runs on (SQLite by default; PostgreSQL with DATABASE_URL).
"""

from __future__ import annotations

import os
import tarfile
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from mlmodels.models import ModelVersion, TrainingRun
from mlmodels.registry import registry
from mlmodels.services import predict_many, request_training
from operations.backup import (
    MANIFEST,
    BackupError,
    do_backup,
    do_restore,
    list_backups,
    read_manifest,
)
from operations.models import ProcessHeartbeat
from tasks.models import PracticeTask, Task
from tests.mlmodels.cluster import (
    StartCluster,
    cluster_starter,
    install_prepared_models,
    wait_for,
)
from tests.mlmodels.simulated import seed_history
from tutor.models import Chat, ChatMessage

FROZEN = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def start(transactional_db, settings, monkeypatch, tmp_path) -> Iterator[StartCluster]:
    yield from cluster_starter(settings, monkeypatch, tmp_path / "logs")


def site_state() -> dict[str, Any]:
    """Everything a restore must bring back, in a comparable form."""
    return {
        "users": sorted(User.objects.values_list("username", "password", "is_staff")),
        "attempts": sorted(
            PracticeTask.objects.values_list(
                "student__username",
                "task__slug",
                "status",
                "is_correct",
                "seconds_taken",
                "answered_at",
            )
        ),
        "chats": sorted(Chat.objects.values_list("student__username", "title", "topic")),
        "messages": sorted(
            ChatMessage.objects.values_list("chat__title", "role", "text", "intent", "rating")
        ),
        "versions": sorted(
            ModelVersion.objects.values_list(
                "kind", "version", "artifact", "is_active", "is_champion"
            )
        ),
    }


def frozen_predictions(monkeypatch: Any) -> list[tuple[str, str, float, float, str, str]]:
    registry.reset()
    with monkeypatch.context() as frozen:
        frozen.setattr(timezone, "now", lambda: FROZEN)
        rows = []
        tasks = list(Task.objects.order_by("slug"))
        for user in User.objects.filter(username__startswith="backup-sim").order_by("username"):
            for task, p in zip(tasks, predict_many(user=user, tasks=tasks), strict=True):
                rows.append((user.username, task.slug, p.p_correct, p.seconds, p.source, p.version))
    return rows


def add_chat(student: User) -> None:
    chat = Chat.objects.create(student=student, title="Photoelectric effect", topic="photons")
    ChatMessage.objects.create(chat=chat, role="user", text="Why is there a threshold?")
    ChatMessage.objects.create(
        chat=chat, role="assistant", text="Each photon carries hf.", intent="concept", rating=1
    )


@pytest.mark.worker
def test_it_restores_a_backup_taken_while_a_training_publishes(
    start: StartCluster, settings: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    history = seed_history(prefix="backup", students=20, per_student=12)
    add_chat(history["students"][0])
    install_prepared_models(Path(settings.MODEL_DIR))
    before = {"state": site_state(), "predictions": frozen_predictions(monkeypatch)}
    cluster = start("ml")
    run = request_training(trigger=TrainingRun.Trigger.ADMIN, force=True)
    assert run is not None
    wait_for(
        lambda: TrainingRun.objects.filter(pk=run.pk, state=TrainingRun.State.RUNNING).exists(),
        timeout=60,
        what="the training to start",
    )
    archive = do_backup(directory=tmp_path / "backups", keep=3)
    wait_for(
        lambda: TrainingRun.objects.filter(pk=run.pk, state=TrainingRun.State.SUCCEEDED).exists(),
        timeout=180,
        what="the training to publish",
    )
    after_training = {"state": site_state(), "predictions": frozen_predictions(monkeypatch)}
    assert after_training["state"]["versions"] != before["state"]["versions"]
    cluster.stop()

    # The archive holds whichever pair the snapshot saw: before or after the publish, whole.
    manifest = read_manifest(archive)
    active = {(v["kind"], v["version"]) for v in manifest["model_versions"] if v["is_active"]}
    expected = before if active == {("lnirt", 1), ("sequence", 1)} else after_training
    assert all(v["included"] for v in manifest["model_versions"] if v["is_active"])

    # Wipe the database and the model files.
    call_command("flush", interactive=False, verbosity=0)
    for path in Path(settings.MODEL_DIR).rglob("*.npz"):
        path.unlink()
    assert not User.objects.exists()

    do_restore(archive=archive)
    assert site_state() == expected["state"]
    assert frozen_predictions(monkeypatch) == expected["predictions"]
    served = {p[4] for p in expected["predictions"]}
    assert served & {"lnirt", "sequence"}, f"the models themselves were not served: {served}"


def test_it_refuses_to_overwrite_real_data_without_force(
    transactional_db: None, tmp_path: Path, alice: User
) -> None:
    archive = do_backup(directory=tmp_path)
    User.objects.create_user("dora")
    with pytest.raises(BackupError, match="non-demo user"):
        do_restore(archive=archive)
    assert User.objects.filter(username="dora").exists()
    do_restore(archive=archive, force=True)
    assert sorted(User.objects.values_list("username", flat=True)) == ["alice"]


def test_it_refuses_while_a_web_process_is_alive(
    transactional_db: None, tmp_path: Path, settings: Any
) -> None:
    archive = do_backup(directory=tmp_path)
    beat = ProcessHeartbeat.objects.create(host="web-1", pid=4242)
    with pytest.raises(BackupError, match="web web-1:4242"):
        do_restore(archive=archive)
    stale = timezone.now() - timedelta(seconds=settings.PROCESS_HEARTBEAT_STALE_SECONDS + 1)
    ProcessHeartbeat.objects.filter(pk=beat.pk).update(seen_at=stale)
    do_restore(archive=archive)


def test_it_keeps_the_newest_archives_and_writes_a_manifest(
    transactional_db: None, tmp_path: Path
) -> None:
    made = [do_backup(directory=tmp_path, keep=2) for _ in range(3)]
    assert list_backups(tmp_path) == made[1:]
    with tarfile.open(made[-1]) as tar:
        names = tar.getnames()
    assert MANIFEST in names
    manifest = read_manifest(made[-1])
    assert manifest["database"]["vendor"] == connection.vendor
    assert "0001_heartbeats_and_erasure_tombstones" in manifest["migrations"]["operations"]
    assert not list(tmp_path.glob(".*")), "no temporary file is left behind"


def test_it_refuses_an_archive_from_another_database_vendor(
    transactional_db: None, tmp_path: Path
) -> None:
    archive = do_backup(directory=tmp_path)
    other = "postgresql" if connection.vendor == "sqlite" else "sqlite"
    rewritten = tmp_path / "other.tar.gz"
    with tarfile.open(archive) as src, tarfile.open(rewritten, "w:gz") as dst:
        for member in src.getmembers():
            data = src.extractfile(member)
            if member.name == MANIFEST and data is not None:
                text = data.read().replace(
                    f'"vendor": "{connection.vendor}"'.encode(), f'"vendor": "{other}"'.encode()
                )
                import io

                member.size = len(text)
                dst.addfile(member, io.BytesIO(text))
            else:
                dst.addfile(member, data)
    with pytest.raises(BackupError, match=f"holds a {other} database"):
        do_restore(archive=rewritten)


def test_it_refuses_a_file_that_is_not_a_backup(transactional_db: None, tmp_path: Path) -> None:
    junk = tmp_path / "junk.tar.gz"
    junk.write_bytes(b"not an archive")
    with pytest.raises(BackupError, match="not a StudySmart backup"):
        do_restore(archive=junk)


def test_it_sees_a_web_process_serving_requests(
    transactional_db: None, tmp_path: Path, settings: Any, client: Any
) -> None:
    from operations import heartbeat

    settings.PROCESS_HEARTBEAT_SECONDS = 30
    heartbeat._next_beat = 0.0
    archive = do_backup(directory=tmp_path)
    client.get("/api/health/")
    assert ProcessHeartbeat.objects.filter(pid=os.getpid(), kind="web").exists()
    with pytest.raises(BackupError, match="stop the web processes"):
        do_restore(archive=archive)
    heartbeat.forget()
    do_restore(archive=archive)
