"""Predictions, writes and side effects of the student models.

Every prediction in the project goes through `predict_many` (SPEC §7): one batched call per
page, the champion first, then the fallbacks of SPEC §4, each answer naming its source.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.cache import cache
from django.db.models import Avg, Count, FloatField
from django.db.models.functions import Cast

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
    """Called inside the completion's transaction: update the student's model state at once.

    The instant LNIRT update of the student's ability and speed and the retraining trigger hang
    off this hook; side effects outside the database run on commit.
    """


def models_health() -> dict[str, Any]:
    return {"ok": True, "serving": "average", "versions": {}}


def seed_demo() -> str:
    """Nothing to seed: models train from the seeded history (train_models or the worker)."""
    return "mlmodels: nothing to seed"
