"""Predictions, writes and side effects of the student models.

Every prediction in the project goes through `predict_many` (SPEC §7): one batched call per
page, the champion first, then the fallbacks of SPEC §4, each answer naming its source.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Avg, Count, FloatField
from django.db.models.functions import Cast
from django.utils import timezone

from mlmodels.models import TrainingRun, TrainingTracker

if TYPE_CHECKING:
    from tasks.models import PracticeTask, Task

DEFAULT_P_CORRECT = 0.5
DEFAULT_SECONDS = 60.0
# A group needs this many attempts before its average is trusted over the default.
MIN_GROUP_ATTEMPTS = 5
GROUP_AVERAGES_CACHE_KEY = "mlmodels:group-averages:v1"
GROUP_AVERAGES_TTL_SECONDS = 300


@dataclass(frozen=True)
class Prediction:
    p_correct: float
    seconds: float
    source: str  # "sequence" | "lnirt" | "average" | "default"
    version: str = ""
    # What every other available source predicted (filled when asked for, at assignment).
    alternatives: tuple[Prediction, ...] = field(default=(), compare=False)

    def as_dict(self) -> dict[str, Any]:
        return {"p_correct": self.p_correct, "seconds": self.seconds, "version": self.version}


def predict_many(
    *, user: Any, tasks: Sequence[Task], with_alternatives: bool = False
) -> list[Prediction]:
    """Predict (P(correct), expected seconds) for one student and a batch of tasks."""
    averages = group_averages()
    predictions = []
    for task in tasks:
        sources = [average_prediction(task, averages), default_prediction()]
        served = next(p for p in sources if p is not None)
        if with_alternatives:
            others = tuple(p for p in sources if p is not None and p.source != served.source)
            served = Prediction(
                served.p_correct, served.seconds, served.source, served.version, others
            )
        predictions.append(served)
    return predictions


def default_prediction() -> Prediction:
    return Prediction(DEFAULT_P_CORRECT, DEFAULT_SECONDS, "default")


def average_prediction(
    task: Task, averages: dict[tuple[int, str], tuple[float, float, int]]
) -> Prediction | None:
    group = averages.get((task.topic_id, task.difficulty))
    if group is None or group[2] < MIN_GROUP_ATTEMPTS:
        return None
    p_correct, seconds, _count = group
    return Prediction(p_correct, seconds, "average")


def group_averages() -> dict[tuple[int, str], tuple[float, float, int]]:
    """Topic × difficulty means of completed attempts, cached briefly (one aggregate query)."""
    cached = cache.get(GROUP_AVERAGES_CACHE_KEY)
    if cached is not None:
        return cached
    from tasks.models import PracticeTask

    rows = (
        PracticeTask.objects.completed()
        .values("task__topic_id", "task__difficulty")
        .annotate(
            p=Avg(Cast("is_correct", FloatField())),
            seconds=Avg("seconds_taken"),
            n=Count("id"),
        )
    )
    averages = {
        (r["task__topic_id"], r["task__difficulty"]): (
            float(r["p"] if r["p"] is not None else DEFAULT_P_CORRECT),
            float(r["seconds"] or DEFAULT_SECONDS),
            int(r["n"]),
        )
        for r in rows
    }
    cache.set(GROUP_AVERAGES_CACHE_KEY, averages, GROUP_AVERAGES_TTL_SECONDS)
    return averages


def record_completion(*, practice_task: PracticeTask) -> None:
    """Called inside the completion's transaction: count it toward retraining, on commit ask
    for a training if one is due. Cheap: one UPDATE now, one or two queries after commit."""
    TrainingTracker.count_completion()
    transaction.on_commit(lambda: request_training(trigger=TrainingRun.Trigger.COMPLETIONS))


# A running training that has not beaten its heartbeat for this long lost its worker.
STALE_RUNNING_SECONDS = 120
# A queued run no worker has picked up for this long is presumed lost with its queue entry.
STALE_QUEUED_SECONDS = 1800


def training_due(tracker: TrainingTracker) -> bool:
    if tracker.completed_since_training < settings.RETRAIN_EVERY_N_COMPLETIONS:
        return False
    if tracker.last_trained_at is None:
        return True
    elapsed = (timezone.now() - tracker.last_trained_at).total_seconds()
    return elapsed >= settings.RETRAIN_MIN_INTERVAL_SECONDS


def request_training(*, trigger: str, force: bool = False) -> TrainingRun | None:
    """Queue one training run unless one is queued or running already (then it is merged).

    The claim is a compare-and-set on the tracker row (UPDATE … WHERE state = 'idle'), which
    serialises concurrent triggers on SQLite and PostgreSQL alike: never two runs at once. A
    trigger that loses the race is not lost: its completion stays counted, and the run in
    flight asks again when it finishes.
    """
    recover_abandoned_run()
    tracker = TrainingTracker.get()
    if not force and not training_due(tracker):
        return None
    with transaction.atomic():
        claimed = TrainingTracker.objects.filter(pk=1, state=TrainingTracker.State.IDLE).update(
            state=TrainingTracker.State.QUEUED
        )
        if not claimed:
            return None
        run = TrainingRun.objects.create(
            trigger=trigger, completions_merged=tracker.completed_since_training
        )
        TrainingTracker.objects.filter(pk=1).update(current_run=run)
        transaction.on_commit(lambda: enqueue_training(run_id=run.pk))
    return run


def enqueue_training(*, run_id: int) -> None:
    from django_q.tasks import async_task

    async_task(
        "mlmodels.jobs.retrain_models", run_id, cluster="ml", task_name=f"retrain-run-{run_id}"
    )


def recover_abandoned_run() -> TrainingRun | None:
    """Mark a run whose worker died (no heartbeat) abandoned, and free the tracker."""
    tracker = TrainingTracker.get()
    run = tracker.current_run
    if tracker.state == TrainingTracker.State.IDLE or run is None:
        return None
    if tracker.state == TrainingTracker.State.RUNNING:
        since, limit = run.heartbeat_at or run.started_at or run.created_at, STALE_RUNNING_SECONDS
        error = "The worker stopped sending heartbeats (killed or lost)."
    else:
        since, limit = run.created_at, STALE_QUEUED_SECONDS
        error = "No worker picked the run up (is the ml cluster running?)."
    if (timezone.now() - since).total_seconds() < limit:
        return None
    with transaction.atomic():
        freed = TrainingTracker.objects.filter(
            pk=1, state=tracker.state, current_run=run
        ).update(state=TrainingTracker.State.IDLE, current_run=None)
        if freed:
            # Only a run still in flight is marked; one that finished meanwhile keeps its state.
            TrainingRun.objects.filter(
                pk=run.pk, state__in=[TrainingRun.State.QUEUED, TrainingRun.State.RUNNING]
            ).update(state=TrainingRun.State.ABANDONED, finished_at=timezone.now(), error=error)
    return run if freed else None


def models_health() -> dict[str, Any]:
    return {"ok": True, "serving": "average", "versions": {}}


def seed_demo() -> str:
    """Nothing to seed: models train from the seeded history (train_models or the worker)."""
    return "mlmodels: nothing to seed"
