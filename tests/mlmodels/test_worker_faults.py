"""Faults around training: the worker killed mid-training or while publishing, and broken files.

The kills hit the ml cluster's worker process (found through django-q2's own status record),
not the cluster's parent, as a crash or the OOM killer would. Version 1 of both models is
installed from files fitted once per test run, so each test pays for at most one training.
"""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from mlmodels.models import ModelVersion, TrainingRun, TrainingTracker
from mlmodels.registry import LOADERS, artifact_path, get_predictor, registry
from mlmodels.services import GROUP_AVERAGES_CACHE_KEY, predict_many, request_training
from tasks.services import complete_practice_task
from tests.mlmodels.cluster import (
    StartCluster,
    cluster_starter,
    has_tensorflow,
    install_prepared_models,
    pending_tasks,
    wait_for,
)
from tests.mlmodels.simulated import seed_history

TRAINING_BOUND_SECONDS = 120.0
# The test process's patience with a silent run; the worker beats every 10 s.
STALE_SECONDS = 3
V1 = {"lnirt": "lnirt-v1", "sequence": "sequence-v1"}
# The prepared versions have no learning-aware model: a retraining publishes its first.
V2 = {"lnirt": "lnirt-v2", "sequence": "sequence-v2", "learning": "learning-v1"}


@pytest.fixture
def start(transactional_db, settings, monkeypatch, tmp_path) -> Iterator[StartCluster]:
    settings.TRAINING_STALE_SECONDS = STALE_SECONDS
    yield from cluster_starter(settings, monkeypatch, tmp_path / "logs")


def active_labels() -> dict[str, str]:
    return {v.kind: v.label for v in ModelVersion.objects.active()}


def run_state(run_id: int) -> str:
    return TrainingRun.objects.values_list("state", flat=True).get(pk=run_id)


def wait_succeeded(run_id: int) -> TrainingRun:
    finished = ("succeeded", "failed", "abandoned")
    run = wait_for(
        lambda: TrainingRun.objects.filter(pk=run_id, state__in=finished).first(),
        timeout=TRAINING_BOUND_SECONDS,
        what=f"training run {run_id} to finish",
    )
    assert run.state == TrainingRun.State.SUCCEEDED, run.error
    return run


def wait_until_silent(run_id: int) -> None:
    """Until the run's last heartbeat is older than the stale limit."""

    def silent() -> bool:
        beat = TrainingRun.objects.values_list("heartbeat_at", flat=True).get(pk=run_id)
        return (timezone.now() - beat).total_seconds() > STALE_SECONDS + 0.5

    wait_for(silent, timeout=STALE_SECONDS + 15, what=f"run {run_id} to go silent")


def assert_previous_versions_serve(user: Any, tasks: list[Any]) -> None:
    """Version 1 is active, its files load in a fresh registry, and it answers."""
    assert active_labels() == V1
    registry.reset()
    for kind in V1:
        loaded = get_predictor(kind)
        assert loaded is not None and loaded.version.label == V1[kind]
    served = predict_many(user=user, tasks=tasks)
    assert {(p.source, p.version) for p in served} == {("lnirt", "lnirt-v1")}


def assert_final_names_hold_whole_files(model_dir: Path) -> None:
    """Whatever is under a final name loads; only dot-prefixed temporary names may be partial."""
    finals = [p for p in model_dir.rglob("*.npz") if not p.name.startswith(".")]
    assert finals
    for path in finals:
        LOADERS[path.parent.name](path)


def kill_worker_when(cluster: Any, moment: Any, *, interval: float, what: str) -> int:
    """SIGKILL the cluster's (single) worker as soon as `moment()` is true; its pid."""
    workers = wait_for(cluster.worker_pids, timeout=30, what="the worker's pid")
    assert len(workers) == 1, workers
    wait_for(moment, timeout=TRAINING_BOUND_SECONDS, interval=interval, what=what)
    os.kill(workers[0], signal.SIGKILL)
    return workers[0]


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_it_keeps_serving_when_the_worker_is_killed_mid_training(start: StartCluster) -> None:
    history = seed_history()
    alice, tasks = history["students"][0], history["tasks"][:4]
    install_prepared_models(settings.MODEL_DIR)
    cluster = start("ml")
    run = request_training(trigger=TrainingRun.Trigger.ADMIN, force=True)
    assert run is not None

    # Deep in training: the run is claimed and the worker has TensorFlow loaded.
    killed = kill_worker_when(
        cluster,
        lambda: run_state(run.pk) == "running" and any(map(has_tensorflow, cluster.worker_pids())),
        interval=0.1,
        what="the worker to be training",
    )
    # The sentinel replaces the dead worker; nothing is published, nothing else changes.
    wait_for(
        lambda: cluster.worker_pids() and killed not in cluster.worker_pids(),
        timeout=30,
        what="a new worker",
    )
    assert run_state(run.pk) == "running"
    assert ModelVersion.objects.count() == 2
    assert_previous_versions_serve(alice, tasks)
    assert_final_names_hold_whole_files(Path(settings.MODEL_DIR))

    # The next trigger (five completions) marks the silent run abandoned and trains again.
    wait_until_silent(run.pk)
    for item in pending_tasks(alice, history["tasks"], 5):
        complete_practice_task(practice_task_id=item.pk, student=alice, self_assessed_correct=True)
    run.refresh_from_db()
    assert run.state == TrainingRun.State.ABANDONED
    assert "heartbeat" in run.error and run.finished_at is not None
    retry = TrainingRun.objects.exclude(pk=run.pk).get()
    assert retry.trigger == TrainingRun.Trigger.COMPLETIONS
    wait_succeeded(retry.pk)
    assert active_labels() == V2
    assert TrainingTracker.get().state == TrainingTracker.State.IDLE
    registry.reset()
    assert {p.version for p in predict_many(user=alice, tasks=tasks)} <= {*V2.values()}
    cluster.assert_forking_processes_never_loaded_tensorflow()


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_it_keeps_serving_when_the_worker_is_killed_while_publishing(
    start: StartCluster,
) -> None:
    history = seed_history()
    alice, tasks = history["students"][0], history["tasks"][:4]
    install_prepared_models(settings.MODEL_DIR)
    cluster = start("ml")
    run = request_training(trigger=TrainingRun.Trigger.ADMIN, force=True)
    assert run is not None

    # Publishing: LNIRT's new file is in place under its final name; the sequence model's is
    # still being fitted, and the transaction that would activate both has not run.
    published = artifact_path("lnirt/lnirt-v2.npz")
    kill_worker_when(cluster, published.exists, interval=0.005, what="lnirt-v2 to be published")
    time.sleep(0.5)
    assert not ModelVersion.objects.filter(version=2).exists()
    assert run_state(run.pk) == "running"
    assert_previous_versions_serve(alice, tasks)
    # The orphaned new file is whole (renamed into place only once written and fsynced).
    assert_final_names_hold_whole_files(Path(settings.MODEL_DIR))

    # "Retrain now" after the run went silent: it is marked abandoned and a new run publishes
    # version 2 over the orphan, atomically.
    wait_until_silent(run.pk)
    retry = request_training(trigger=TrainingRun.Trigger.ADMIN, force=True)
    assert retry is not None
    assert run_state(run.pk) == "abandoned"
    wait_succeeded(retry.pk)
    assert active_labels() == V2
    assert ModelVersion.objects.count() == 5
    registry.reset()
    for kind in V2:
        loaded = get_predictor(kind)
        assert loaded is not None and loaded.version.label == V2[kind]
    assert_final_names_hold_whole_files(Path(settings.MODEL_DIR))
    cluster.assert_forking_processes_never_loaded_tensorflow()


@pytest.mark.django_db(transaction=True)
@pytest.mark.xdist_group("tensorflow")  # fits the prepared models: with the other TF tests
def test_it_degrades_when_a_model_file_is_corrupt_or_missing(client: Client) -> None:
    history = seed_history()
    alice, tasks = history["students"][0], history["tasks"][:4]
    install_prepared_models(settings.MODEL_DIR)
    item = pending_tasks(alice, tasks, 1)[0]
    cache.delete(GROUP_AVERAGES_CACHE_KEY)  # averages cached by an earlier test's history
    client.force_login(alice)
    registry.reset()
    health = client.get("/api/health/")
    assert health.status_code == 200 and health.json()["models"]["ok"] is True

    # The champion's file cut short (as a non-atomic copy would leave it): the other model
    # answers, and health says degraded — a 200, not a 500.
    champion = artifact_path("lnirt/lnirt-v1.npz")
    champion.write_bytes(champion.read_bytes()[:200])
    registry.reset()  # a fresh process, or the next version check
    assert {p.source for p in predict_many(user=alice, tasks=tasks)} == {"sequence"}
    health = client.get("/api/health/")
    assert health.status_code == 200
    body = health.json()
    assert body["status"] == "degraded" and body["models"]["ok"] is False
    assert body["models"]["versions"]["lnirt"]["loaded"] is False
    assert body["models"]["serving"] == "sequence"
    page = client.get(f"/api/practice-tasks/{item.pk}/")
    assert page.status_code == 200 and page.json()["prediction_source"] == "sequence"

    # The other file missing too: the topic × difficulty average answers.
    artifact_path("sequence/sequence-v1.npz").unlink()
    registry.reset()
    assert {p.source for p in predict_many(user=alice, tasks=tasks)} == {"average"}
    health = client.get("/api/health/")
    assert health.status_code == 200
    assert health.json()["status"] == "degraded"
    assert health.json()["models"]["serving"] == "average"
    listing = client.get("/api/practice-tasks/")
    assert listing.status_code == 200
    assert {p["prediction_source"] for p in listing.json()} == {"average"}
