"""Retraining through real `qcluster` processes (the ml cluster, production settings).

Each test starts its own clusters against the test database, with a small simulated history
(300 attempts) so a training takes seconds; `-m "not worker"` leaves these out of a quick run.
Every cluster is watched for the fork + TensorFlow trap: its parent and sentinel (the processes
that fork workers) must never map TensorFlow, while the worker that trains does.
"""

from __future__ import annotations

import itertools
import json
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django_q.brokers import get_broker
from django_q.models import Task as QTask

from mlmodels.models import ModelVersion, TrainingRun, TrainingTracker
from mlmodels.registry import artifact_path, registry
from mlmodels.services import enqueue_training, predict_many, request_training
from tasks.services import complete_practice_task
from tests.mlmodels.cluster import (
    ROOT,
    StartCluster,
    child_env,
    cluster_starter,
    install_prepared_models,
    pending_tasks,
    wait_for,
)
from tests.mlmodels.simulated import seed_history

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

# A training of 300 attempts takes ~10 s on an idle 2-core machine; a hung worker never ends.
TRAINING_BOUND_SECONDS = 120.0
FINISHED = (TrainingRun.State.SUCCEEDED, TrainingRun.State.FAILED, TrainingRun.State.ABANDONED)
IN_FLIGHT = (TrainingRun.State.QUEUED, TrainingRun.State.RUNNING)
RETRAIN_JOB = "mlmodels.jobs.retrain_models"


@pytest.fixture
def start(transactional_db, settings, monkeypatch, tmp_path) -> Iterator[StartCluster]:
    yield from cluster_starter(settings, monkeypatch, tmp_path / "logs")


def wait_finished(run_id: int, timeout: float = TRAINING_BOUND_SECONDS) -> TrainingRun:
    return wait_for(
        lambda: TrainingRun.objects.filter(pk=run_id, state__in=FINISHED).first(),
        timeout=timeout,
        what=f"training run {run_id} to finish",
    )


def wait_idle(timeout: float = 3 * TRAINING_BOUND_SECONDS, steady: float = 2.0) -> None:
    """Until no run is queued or running, the tracker is idle, and it stays so for `steady` s
    (a finished run queues its follow-up just after it frees the tracker)."""
    idle_since: list[float] = []

    def idle() -> bool:
        tracker = TrainingTracker.get()
        in_flight = TrainingRun.objects.filter(state__in=IN_FLIGHT).exists()
        if tracker.state != TrainingTracker.State.IDLE or in_flight:
            idle_since.clear()
            return False
        if not idle_since:
            idle_since.append(time.monotonic())
        return time.monotonic() - idle_since[0] >= steady

    wait_for(idle, timeout=timeout, interval=0.25, what="the tracker to become idle")


def active_labels() -> dict[str, str]:
    return {v.kind: v.label for v in ModelVersion.objects.active()}


def retrain_jobs() -> list[QTask]:
    return list(QTask.objects.filter(func=RETRAIN_JOB))


def complete(item: Any) -> None:
    """The real completion service, in its own committed transaction."""
    complete_practice_task(
        practice_task_id=item.pk, student=item.student, self_assessed_correct=True
    )


def test_it_trains_once_on_the_fifth_completion(start: StartCluster) -> None:
    history = seed_history()
    alice = history["students"][0]
    pending = pending_tasks(alice, history["tasks"], 5)
    cluster = start("ml")
    for item in pending[:4]:
        complete(item)
    assert TrainingRun.objects.count() == 0
    assert TrainingTracker.get().completed_since_training == 4

    complete(pending[4])
    run = TrainingRun.objects.get()
    assert (run.trigger, run.completions_merged) == (TrainingRun.Trigger.COMPLETIONS, 5)
    run = wait_finished(run.pk)

    assert run.state == TrainingRun.State.SUCCEEDED, run.error
    assert run.samples == 300 + 5
    versions = list(ModelVersion.objects.active())
    assert sorted((v.kind, v.version) for v in versions) == [
        ("learning", 1),
        ("lnirt", 1),
        ("sequence", 1),
    ]
    assert all(artifact_path(v.artifact).is_file() for v in versions)
    tracker = TrainingTracker.get()
    assert (tracker.state, tracker.completed_since_training) == (TrainingTracker.State.IDLE, 0)
    assert tracker.last_samples == 305
    # Nothing further is due, so nothing follows: the job ran exactly once.
    wait_idle()
    assert TrainingRun.objects.count() == 1
    assert ModelVersion.objects.count() == 3
    assert [(j.success, j.args) for j in retrain_jobs()] == [(True, (run.pk,))]
    # The fork + TensorFlow trap: the worker trained (TensorFlow mapped in a forked child) and
    # finished within the bound; the processes that fork never loaded TensorFlow.
    cluster.assert_forking_processes_never_loaded_tensorflow()
    assert cluster.watch is not None and cluster.watch.children_with_tf
    # This process picks the new versions up without a restart.
    served = predict_many(user=alice, tasks=history["tasks"][:3])
    assert {p.version for p in served} <= {*active_labels().values(), ""}


def test_it_runs_one_training_at_a_time_under_20_concurrent_completions(
    start: StartCluster,
) -> None:
    history = seed_history()
    items = [pending_tasks(s, history["tasks"], 1)[0] for s in history["students"][:20]]
    cluster = start("ml")
    samples: list[tuple[int, int]] = []
    errors: list[BaseException] = []
    done = threading.Event()

    def sample_states() -> None:
        try:
            while not done.is_set():
                states = list(TrainingRun.objects.values_list("state", flat=True))
                samples.append((states.count("queued"), states.count("running")))
                time.sleep(0.05)
        finally:
            connection.close()

    barrier = threading.Barrier(len(items))

    def complete_in_thread(item: Any) -> None:
        # Each thread has its own database connection, like a web worker.
        try:
            barrier.wait(timeout=30)
            complete(item)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    sampler = threading.Thread(target=sample_states)
    sampler.start()
    threads = [threading.Thread(target=complete_in_thread, args=(i,)) for i in items]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=120)
        assert not errors, errors
        wait_idle()
    finally:
        done.set()
        sampler.join(timeout=10)

    assert samples and max(q for q, _ in samples) <= 1 and max(r for _, r in samples) <= 1
    runs = list(TrainingRun.objects.order_by("started_at"))
    assert runs and all(r.state == TrainingRun.State.SUCCEEDED for r in runs), runs
    for earlier, later in itertools.pairwise(runs):
        assert earlier.finished_at <= later.started_at, "two trainings overlapped"
    # No trigger lost: every completion was absorbed by a run or still counts toward the next.
    tracker = TrainingTracker.get()
    assert sum(r.completions_merged for r in runs) + tracker.completed_since_training == 20
    assert tracker.completed_since_training < settings.RETRAIN_EVERY_N_COMPLETIONS
    for kind in ("learning", "lnirt", "sequence"):
        assert ModelVersion.objects.filter(kind=kind).count() == len(runs)
    jobs = retrain_jobs()
    assert len(jobs) == len(runs) and all(j.success for j in jobs)
    assert (get_broker("ml").queue_size() or 0) == 0
    cluster.assert_forking_processes_never_loaded_tensorflow()


def test_it_publishes_one_version_for_a_duplicate_delivery(start: StartCluster) -> None:
    seed_history()
    # Two ml clusters, as on two machines: the duplicate may go to either.
    clusters = [start("ml"), start("ml")]
    run = request_training(trigger=TrainingRun.Trigger.ADMIN, force=True)
    assert run is not None
    # At-least-once delivery: the broker hands the same job out a second time.
    enqueue_training(run_id=run.pk)
    run = wait_finished(run.pk)
    jobs = wait_for(
        lambda: [jobs for jobs in [retrain_jobs()] if len(jobs) >= 2],
        timeout=TRAINING_BOUND_SECONDS,
        what="both deliveries to be processed",
    )
    jobs = jobs[0]
    wait_idle()

    assert run.state == TrainingRun.State.SUCCEEDED, run.error
    assert sorted(ModelVersion.objects.values_list("kind", "version")) == [
        ("learning", 1),
        ("lnirt", 1),
        ("sequence", 1),
    ]
    results = [str(j.result) for j in jobs]
    assert all(j.args == (run.pk,) and j.success for j in jobs)
    assert sum("nothing to do" in r for r in results) == len(results) - 1, results
    assert TrainingRun.objects.count() == 1
    for cluster in clusters:
        cluster.assert_forking_processes_never_loaded_tensorflow()


FRESH_PROCESS = """
import json, sys
from django.contrib.auth.models import User
from mlmodels.models import ModelVersion
from mlmodels.services import predict_many
from tasks.models import Task
user = User.objects.get(pk={user})
tasks = list(Task.objects.filter(pk__in={tasks}).order_by("pk"))
served = predict_many(user=user, tasks=tasks)
print("RESULT=" + json.dumps({{
    "served": [[p.source, p.version, p.p_correct, p.seconds] for p in served],
    "tensorflow": "tensorflow" in sys.modules,
}}))
"""


def test_it_serves_the_same_versions_after_every_process_restarts(start: StartCluster) -> None:
    history = seed_history()
    alice = history["students"][0]
    tasks = sorted(history["tasks"][:4], key=lambda t: t.pk)
    install_prepared_models(settings.MODEL_DIR)
    cluster = start("ml")
    before = active_labels()
    served = predict_many(user=alice, tasks=tasks)
    assert {p.source for p in served} == {"lnirt"}

    cluster.stop()
    registry.reset()
    script = FRESH_PROCESS.format(user=alice.pk, tasks=[t.pk for t in tasks])
    proc = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "shell", "-c", script],
        cwd=ROOT,
        env=child_env(model_dir=settings.MODEL_DIR),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    fresh = json.loads(proc.stdout.split("RESULT=", 1)[1])
    assert fresh["served"] == [[p.source, p.version, p.p_correct, p.seconds] for p in served]
    assert not fresh["tensorflow"]

    start("ml")
    # A restarted cluster finds the versions published and trains nothing.
    time.sleep(3)
    item = pending_tasks(alice, tasks, 1)[0]
    complete(item)
    time.sleep(2)
    assert TrainingRun.objects.count() == 0
    assert (get_broker("ml").queue_size() or 0) == 0
    assert active_labels() == before
    assert [p.version for p in predict_many(user=alice, tasks=tasks)] == ["lnirt-v1"] * 4
