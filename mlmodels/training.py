"""Training every student model: the service behind the worker's job and `train_models`.

Runs in the ml cluster's worker (or the command's own process), never in a web process: it is
the only module that imports TensorFlow (through the sequence trainer) or scikit-learn. A run is
claimed by a compare-and-set, so a duplicate delivery of the same job does nothing; it beats a
heartbeat so a killed worker is noticed; a failure leaves the previous versions serving.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from django.conf import settings
from django.db import DatabaseError, close_old_connections, connection, transaction
from django.db.models import F
from django.db.models.functions import Greatest
from django.utils import timezone

from mlmodels.data import AttemptRecord, AttemptTable, table_from_records
from mlmodels.models import ModelKind, ModelVersion, TrainingRun, TrainingTracker
from mlmodels.registry import (
    artifact_path,
    registry,
    sweep_orphaned_temporary_files,
    write_atomically,
)
from mlmodels.worker_memory import keep_training_arrays_on_the_heap
from studysmart import metrics

logger = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 10
# Below this many attempts a held-out evaluation means nothing; keep the fallbacks serving.
MIN_TRAINING_ATTEMPTS = 50
SEED = 0


def attempts_table(*, student_ids: Sequence[int] | None = None) -> AttemptTable:
    """Every completed attempt (practised here or imported; or only these students'), keyed
    the way serving keys them."""
    from tasks.models import PracticeTask

    attempts = PracticeTask.objects.completed()
    if student_ids is not None:
        attempts = attempts.filter(student_id__in=student_ids)
    rows = (
        attempts.exclude(answered_at=None)
        .order_by("answered_at", "id")
        .values_list(
            "student_id",
            "task_id",
            "task__topic_id",
            "task__difficulty",
            "is_correct",
            "seconds_taken",
            "answered_at",
        )
        .iterator(chunk_size=20_000)
    )
    return table_from_records(
        AttemptRecord(
            user=str(student),
            item=str(task),
            topic=str(topic),
            difficulty=difficulty or "",
            correct=bool(correct),
            seconds=seconds,
            order=answered.timestamp() if answered else 0.0,  # never None: completed rows
        )
        for student, task, topic, difficulty, correct, seconds, answered in rows
    )


@dataclass(frozen=True)
class Evaluation:
    """Held-out figures for one model, and for the baselines beside it."""

    metrics: dict[str, Any]
    beats_baselines: bool


def evaluate_models(table: AttemptTable) -> tuple[dict[str, Evaluation], dict[str, Any]]:
    """Train on each student's first 80 % of attempts, score their last 20 % one step ahead
    (docs/models.md): every kind through `benchmark.worker_trainers`, as benchmark_models."""
    from mlmodels.benchmark import split_mask, worker_trainers
    from mlmodels.evaluation import BASELINES, auc_bar, calibration_bins, evaluate, qualifies

    test_mask = split_mask(table, split="chronological", seed=SEED)
    train = table.subset(~test_mask)
    y, log_t = table.correct[test_mask], table.log_seconds[test_mask]
    baselines: dict[str, Any] = {}
    for name, baseline in BASELINES.items():
        p, lt = baseline(table, test_mask)
        m = evaluate(y, p, log_t, lt)
        baselines[name] = {
            "auc": m.auc,
            "logloss": m.logloss,
            "ece": m.ece,
            "log_time_mae": m.log_time_mae,
        }
    bar = auc_bar({name: b["auc"] for name, b in baselines.items()})
    results: dict[str, Evaluation] = {}
    for kind, trainer in worker_trainers(threads=settings.TRAINING_THREADS).items():
        started = time.perf_counter()
        trained = trainer.train(train, seed=SEED)
        seconds = time.perf_counter() - started
        p, lt = trainer.predict(trained, table, test_mask)
        m = evaluate(y, p, log_t, lt)
        metrics = {
            "auc": m.auc,
            "logloss": m.logloss,
            "brier": m.brier,
            "ece": m.ece,
            "log_time_mae": m.log_time_mae,
            "log_time_rmse": m.log_time_rmse,
            "calibration": [list(b) for b in calibration_bins(y, p)],
            "train_rows": int((~test_mask).sum()),
            "test_rows": int(test_mask.sum()),
            "evaluation_train_seconds": seconds,
        }
        results[kind] = Evaluation(_finite(metrics), beats_baselines=qualifies(m.auc, bar))
    return results, _finite({"baselines": baselines, "auc_bar": bar})


def choose_champion(evaluations: dict[str, Evaluation]) -> str | None:
    """The one rule (evaluation.choose_champion): the lowest held-out log-loss among the kinds
    that beat every simple baseline on AUC."""
    from mlmodels.evaluation import choose_champion as champion_rule

    qualified = {
        kind: (float(e.metrics.get("auc") or 0.0), float(e.metrics.get("logloss") or math.inf))
        for kind, e in evaluations.items()
        if e.beats_baselines
    }
    return champion_rule(qualified, bar=-math.inf)


def fit_and_export(kind: str, table: AttemptTable, *, version: int) -> tuple[str, float]:
    """Fit `kind` on every attempt (calibration included) and publish its file atomically;
    (relative path, seconds)."""
    from mlmodels.benchmark import worker_trainers

    relative = f"{kind}/{kind}-v{version}.npz"
    started = time.perf_counter()
    trainer = worker_trainers(threads=settings.TRAINING_THREADS, kinds=(kind,))[kind]
    trained = trainer.train(table, seed=SEED)
    if kind == ModelKind.LNIRT:
        params = replace(trained.model, calibration=trained.calibration)
        write_atomically(relative, params.save)
    elif kind == ModelKind.SEQUENCE:
        from mlmodels.sequence_train import export_weights

        # Written to a temporary file in the same directory and renamed into place.
        export_weights(trained.model, artifact_path(relative), calibration=trained.calibration)
    else:
        write_atomically(relative, trained.save)
    return relative, time.perf_counter() - started


def run_training(*, run_id: int) -> str:
    """Claim run `run_id`, train and publish both models, record the outcome."""
    keep_training_arrays_on_the_heap()
    claimed = TrainingRun.objects.filter(pk=run_id, state=TrainingRun.State.QUEUED).update(
        state=TrainingRun.State.RUNNING, started_at=timezone.now(), heartbeat_at=timezone.now()
    )
    if not claimed:
        state = TrainingRun.objects.filter(pk=run_id).values_list("state", flat=True).first()
        return f"run {run_id}: nothing to do ({state or 'unknown'}; duplicate delivery?)"
    run = TrainingRun.objects.get(pk=run_id)
    sweep_orphaned_temporary_files()
    # The completions this run absorbs stop counting toward the next one.
    TrainingTracker.objects.filter(pk=1, current_run=run).update(
        state=TrainingTracker.State.RUNNING,
        completed_since_training=Greatest(
            F("completed_since_training") - run.completions_merged, 0
        ),
    )
    announce_start(run_id)
    heartbeat = Heartbeat(run_id)
    heartbeat.start()
    started = time.perf_counter()
    try:
        result = train_and_publish(run)
    except Exception as exc:
        logger.exception("training run %s failed", run_id)
        record_outcome(
            run,
            state=TrainingRun.State.FAILED,
            error=f"{type(exc).__name__}: {exc}",
            seconds=time.perf_counter() - started,
        )
        metrics.record_training(outcome="failed", seconds=time.perf_counter() - started)
        return f"run {run_id}: failed ({type(exc).__name__})"
    finally:
        heartbeat.stop()
        release_framework_memory()
    record_outcome(
        run, state=TrainingRun.State.SUCCEEDED, seconds=time.perf_counter() - started, **result
    )
    metrics.record_training(outcome="succeeded", seconds=time.perf_counter() - started)
    return f"run {run_id}: {result['summary']}"


def release_framework_memory() -> None:
    """Free what a training left behind in this long-lived worker, but keep the sequence
    model's compiled network (`sequence_train._NETWORKS`) for the next run.

    Measured over ten consecutive trainings on ~700 attempts in one process: dropping the
    network and clearing Keras' session after each run grew the process by ~14 MiB a run
    (TensorFlow keeps part of every traced function) and made every run trace the training
    step again (~3 s); keeping it, the size stayed flat (651–656 MiB) and later runs took half
    the CPU time. A network is replaced only when the vocabularies outgrow its capacity
    (a power of two), so that growth happens a few times in a worker's life, not every run.
    """
    import gc

    gc.collect()


# How long a finished run keeps trying to record its outcome through a database outage (a
# restart takes seconds); after that the run is left to be found stale and marked abandoned.
OUTCOME_RETRY_SECONDS = 60.0
OUTCOME_RETRY_INTERVAL = 2.0


def record_outcome(run: TrainingRun, **outcome: Any) -> None:
    """finish_run, surviving a database restart: the run must not stay "running" for ever
    because the server went away while it trained."""
    deadline = time.monotonic() + OUTCOME_RETRY_SECONDS
    while True:
        reconnect_if_server_went_away()
        try:
            finish_run(run, **outcome)
            return
        except DatabaseError as exc:
            if time.monotonic() > deadline:
                raise
            logger.warning("run %s: cannot record its outcome yet (%s); retrying", run.pk, exc)
            time.sleep(OUTCOME_RETRY_INTERVAL)


def reconnect_if_server_went_away() -> None:
    """Make the next query reconnect if the database restarted since this connection's last
    use: a training holds it idle for minutes. With CONN_HEALTH_CHECKS (PostgreSQL), the
    connection is re-checked once close_old_connections has run. Inside a transaction (a
    test's) there is nothing to refresh."""
    if not connection.in_atomic_block:
        close_old_connections()


def train_and_publish(run: TrainingRun) -> dict[str, Any]:
    table = attempts_table()
    if len(table) < MIN_TRAINING_ATTEMPTS:
        raise NotEnoughData(f"only {len(table)} attempts (need {MIN_TRAINING_ATTEMPTS})")
    evaluations, context = evaluate_models(table)
    next_version = {
        kind: (
            ModelVersion.objects.filter(kind=kind)
            .order_by("-version")
            .values_list("version", flat=True)
            .first()
            or 0
        )
        + 1
        for kind in evaluations
    }
    published: dict[str, tuple[str, float]] = {}
    for kind in evaluations:
        published[kind] = fit_and_export(kind, table, version=next_version[kind])
    champion = choose_champion(evaluations)
    reconnect_if_server_went_away()
    with transaction.atomic():
        ModelVersion.objects.filter(is_champion=True).update(is_champion=False)
        versions = []
        for kind, evaluation in evaluations.items():
            ModelVersion.objects.filter(kind=kind, is_active=True).update(is_active=False)
            relative, seconds = published[kind]
            versions.append(
                ModelVersion.objects.create(
                    kind=kind,
                    version=next_version[kind],
                    artifact=relative,
                    run=run,
                    metrics={
                        **evaluation.metrics,
                        **context,
                        "beats_baselines": evaluation.beats_baselines,
                    },
                    samples=len(table),
                    training_seconds=seconds,
                    is_active=True,
                    is_champion=(kind == champion),
                )
            )
    registry.reset()
    rebuild_missing_learning_states()
    for v in versions:
        if v.kind == ModelKind.LNIRT:
            rebuild_lnirt_states(table, v)
    labels = ", ".join(f"{v.label} AUC {v.metrics.get('auc', float('nan')):.3f}" for v in versions)
    summary = f"{labels}; serving {champion or 'average (no model beat the baselines)'}"
    return {
        "samples": len(table),
        "metrics": {
            v.kind: {k: v.metrics.get(k) for k in ("auc", "logloss", "log_time_mae")}
            for v in versions
        }
        | {"champion": champion},
        "summary": summary,
    }


def rebuild_missing_learning_states() -> None:
    """Students whose history predates the learning-state rows get them here (the worker
    reads every attempt anyway); a failure is logged and leaves the models published."""
    from mlmodels.learning_state import rebuild_students, students_without_state

    try:
        missing = students_without_state()
        if missing:
            rebuild_students(student_ids=missing)
    except DatabaseError:
        logger.exception("learning states not rebuilt; the next training tries again")


def rebuild_lnirt_states(table: AttemptTable, version: ModelVersion) -> None:
    """Every student's instant-update rows replayed under the items just published (the worker
    holds every attempt already); a failure is logged and leaves the models published."""
    from mlmodels.lnirt import LnirtParams
    from mlmodels.lnirt_state import write_states

    try:
        params = LnirtParams.load(artifact_path(version.artifact))
        write_states(params=params, version_id=version.id, table=table)
    except Exception:  # the versions are published: a failure here must not fail the run
        logger.exception("LNIRT states not rebuilt; students' states serve as they are")


class NotEnoughData(Exception):
    pass


def finish_run(
    run: TrainingRun,
    *,
    state: str,
    seconds: float,
    samples: int | None = None,
    metrics: dict[str, Any] | None = None,
    error: str = "",
    summary: str = "",
) -> None:
    now = timezone.now()
    with transaction.atomic():
        TrainingRun.objects.filter(pk=run.pk).update(
            state=state,
            finished_at=now,
            seconds=seconds,
            samples=samples,
            metrics=metrics or {},
            error=error[:2000],
        )
        TrainingTracker.objects.filter(pk=1, current_run=run).update(
            state=TrainingTracker.State.IDLE,
            current_run=None,
            last_trained_at=now if state == TrainingRun.State.SUCCEEDED else F("last_trained_at"),
            last_samples=samples if samples is not None else F("last_samples"),
            last_seconds=seconds,
            last_result=(summary or error or state)[:200],
        )
        transaction.on_commit(lambda: after_run(run.pk))


def announce_start(run_id: int) -> None:
    from mlmodels.services import announce_training

    announce_training(run_id=run_id)


def after_run(run_id: int) -> None:
    from mlmodels.services import announce_training, request_training

    announce_training(run_id=run_id)
    # Completions that arrived while this run trained may already call for the next one.
    request_training(trigger=TrainingRun.Trigger.COMPLETIONS)


class Heartbeat:
    """Beats `heartbeat_at` from a side thread while the main thread trains."""

    def __init__(self, run_id: int) -> None:
        self.run_id = run_id
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._beat, name=f"heartbeat-{run_id}", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def _beat(self) -> None:
        try:
            while not self._stop.wait(HEARTBEAT_SECONDS):
                self.beat_once()
        finally:
            connection.close()

    def beat_once(self) -> None:
        """One beat. A database outage skips beats but never ends the thread: a silent
        heartbeat would get a training that is still running marked abandoned."""
        try:
            TrainingRun.objects.filter(pk=self.run_id, state=TrainingRun.State.RUNNING).update(
                heartbeat_at=timezone.now()
            )
        except DatabaseError as exc:
            logger.warning("run %s: heartbeat skipped (%s)", self.run_id, exc)
            connection.close()  # the next beat connects afresh


def _finite(value: Any) -> Any:
    """JSON columns refuse NaN: store None instead."""
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    if isinstance(value, float | np.floating):
        return float(value) if np.isfinite(value) else None
    if isinstance(value, np.integer):
        return int(value)
    return value
