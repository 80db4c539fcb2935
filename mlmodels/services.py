"""Predictions, writes and side effects of the student models.

Every prediction in the project goes through `predict_many`: one batched call per
page, the champion first, then the fallbacks of docs/models.md, each answer naming its source.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, transaction
from django.db.models import Avg, Case, Count, FloatField, Value, When
from django.utils import timezone

from mlmodels.data import difficulty_code
from mlmodels.models import (
    ModelKind,
    ModelVersion,
    TrainingRun,
    TrainingTracker,
)
from studysmart import metrics
from studysmart.outages import REDIS_ERRORS

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from tasks.models import PracticeTask, Task

logger = logging.getLogger(__name__)

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
    source: str  # "learning" | "sequence" | "lnirt" | "average" | "default"
    version: str = ""
    # What every other available source predicted (filled when asked for, at assignment).
    alternatives: tuple[Prediction, ...] = field(default=(), compare=False)

    def as_dict(self) -> dict[str, Any]:
        return {"p_correct": self.p_correct, "seconds": self.seconds, "version": self.version}


def predict_many(
    *,
    user: User,
    tasks: Sequence[Task],
    with_alternatives: bool = False,
    served: Sequence[Prediction] | None = None,
) -> list[Prediction]:
    """Predict (P(correct), expected seconds) for one student and a batch of tasks.

    Sources in order (docs/models.md): the champion, the other kinds that beat the simple
    baselines (lowest held-out log-loss first), the topic × difficulty average, the default.
    A source that cannot answer (no version, file missing or corrupt, any error) is skipped, so
    an unknown student, topic, difficulty or task never raises. Kinds that did not qualify are
    computed only as the alternatives stored at assignment.

    `served`: these tasks' served predictions, made a moment ago (an assignment's choice);
    with alternatives, the champion's are taken from them rather than computed again.
    """
    if not tasks:
        return []
    from mlmodels.registry import serving_order

    averages = group_averages()
    models = list(ModelKind.values)
    served_kinds = [k for k in serving_order() if k in models]
    order: list[str] = [*served_kinds, "average", "default"]
    # Kinds that are not served still answer as alternatives, after the default.
    order += [m for m in models if m not in served_kinds]
    per_source: dict[str, list[Prediction | None]] = {
        "average": [average_prediction(t, averages) for t in tasks],
        "default": [default_prediction() for _ in tasks],
    }
    if with_alternatives:
        reuse = served_kinds[0] if served_kinds and served is not None else None
        if reuse is not None and not all(p.source == reuse for p in served or ()):
            reuse = None  # a fallback served some: the champion's column is not all there
        for kind in models:
            if kind == reuse and served is not None:
                per_source[kind] = list(served)
            else:
                per_source[kind] = model_predictions(kind, user=user, tasks=tasks)
    else:
        # Served only: a fallback kind is asked only about the tasks the kinds before it could
        # not answer (usually none), so a page costs one model, not every qualified one.
        unanswered = list(range(len(tasks)))
        for kind in served_kinds:
            if not unanswered:
                break
            found = model_predictions(kind, user=user, tasks=[tasks[i] for i in unanswered])
            column: list[Prediction | None] = [None] * len(tasks)
            for i, answer in zip(unanswered, found, strict=True):
                column[i] = answer
            per_source[kind] = column
            unanswered = [i for i in unanswered if column[i] is None]
    order = [src for src in order if src in per_source]
    predictions = []
    for i in range(len(tasks)):
        answers = [p for src in order if (p := per_source[src][i]) is not None]
        first = answers[0]
        if with_alternatives:
            first = Prediction(
                first.p_correct,
                first.seconds,
                first.source,
                first.version,
                tuple(answers[1:]),
            )
        predictions.append(first)
    metrics.record_predictions(p.source for p in predictions)
    return predictions


def task_key(task: Task) -> tuple[str, str, int]:
    """How the student models name a task: (task id, topic id, difficulty code)."""
    return str(task.pk), str(task.topic_id), difficulty_code(task.difficulty)


def model_predictions(kind: str, *, user: User, tasks: Sequence[Task]) -> list[Prediction | None]:
    from mlmodels.registry import get_predictor

    loaded = get_predictor(kind)
    if loaded is None:
        return [None] * len(tasks)
    keys = [task_key(t) for t in tasks]
    try:
        if kind == ModelKind.LNIRT:
            p, seconds = lnirt_predict(loaded, user=user, tasks=tasks, keys=keys)
        elif kind == ModelKind.SEQUENCE:
            p, seconds = sequence_predict(loaded, user=user, keys=keys)
        else:
            p, seconds = learning_predict(loaded, user=user, tasks=tasks, keys=keys)
    except Exception:  # a model bug must cost a fallback, never the page
        logger.exception("%s prediction failed; falling back", loaded.version.label)
        return [None] * len(tasks)
    label = loaded.version.label
    return [
        Prediction(float(pi), float(si), kind, label)
        if math.isfinite(pi) and math.isfinite(si)
        else None
        for pi, si in zip(p, seconds, strict=True)
    ]


def lnirt_predict(
    loaded: Any, *, user: User, tasks: Sequence[Task], keys: list[tuple[str, str, int]]
) -> Any:
    """LNIRT with the instant update: the student's state and the page's topic and task
    offsets (two queries), as of now."""
    import time

    from mlmodels.lnirt_state import LnirtPage, read_pages

    page = LnirtPage(None, {}, {})
    if getattr(user, "pk", None) is not None:
        page = read_pages(
            student_ids=[user.pk],
            topic_ids=[t.topic_id for t in tasks],
            task_ids=[t.pk for t in tasks],
        )[user.pk]
    return lnirt_page_predict(
        loaded, user_key=str(user.pk), page=page, tasks=tasks, keys=keys, now=time.time()
    )


def lnirt_page_predict(
    loaded: Any,
    *,
    user_key: str,
    page: Any,
    tasks: Sequence[Task],
    keys: list[tuple[str, str, int]],
    now: float,
) -> tuple[np.ndarray, np.ndarray]:
    """Calibrated P(correct) and seconds from one student's rows; a student without a state
    starts from their fitted ability (or the population's, for a newcomer)."""
    from mlmodels import lnirt_online
    from mlmodels.calibration import calibrate

    model = loaded.model
    student = page.student
    if student is None:
        student = lnirt_online.fitted_student(model, user_key)
    p, log_t = lnirt_online.predict_student(
        model,
        student=student,
        offsets=[page.for_task(topic_id=t.topic_id, task_id=t.pk) for t in tasks],
        items=keys,
        now=now,
    )
    return calibrate(model.calibration, p), np.exp(log_t)


def sequence_predict(loaded: Any, *, user: User, keys: list[tuple[str, str, int]]) -> Any:
    """The sequence model from the student's last attempts (one query)."""
    from mlmodels.calibration import calibrate
    from mlmodels.sequence_serve import Target

    history: list[Any] = []
    if getattr(user, "pk", None) is not None:
        # One attempt more than the network reads: its time is the first step's elapsed time.
        length = int(getattr(loaded.model, "history_len", 20)) + 1
        history = history_steps(attempt_history(user.pk, last=length))
    targets = [Target(item=i, topic=t, difficulty=d) for i, t, d in keys]
    p, log_s = loaded.model.predict_log(
        user=str(user.pk) if user else "", history=history, targets=targets
    )
    # The median, like LNIRT's: what a student reads as "usually takes".
    return calibrate(loaded.model.calibration, p), np.exp(log_s)


def history_steps(attempts: Sequence[tuple[Any, ...]]) -> list[Any]:
    """(task, topic, difficulty, correct, seconds, answered at) rows → the sequence model's
    history steps."""
    from mlmodels.sequence_serve import HistoryStep

    return [
        HistoryStep(
            item=str(task),
            topic=str(topic),
            difficulty=difficulty_code(difficulty or ""),
            correct=bool(correct),
            log_seconds=math.log(seconds) if seconds and seconds > 0 else None,
            at=answered_at.timestamp() if answered_at is not None else None,
        )
        for task, topic, difficulty, correct, seconds, answered_at in attempts
    ]


def learning_predict(
    loaded: Any, *, user: Any, tasks: Sequence[Task], keys: list[tuple[str, str, int]]
) -> Any:
    """The learning-aware model from the student's state rows: one query for the page."""
    import time

    from mlmodels.learning_state import read_page_states

    student_id = getattr(user, "pk", None)
    if student_id is None:
        pairs: list[tuple[Any, Any]] = [(None, None)] * len(tasks)
        student_state = None
    else:
        states = read_page_states(
            student_id=student_id,
            topic_ids=[t.topic_id for t in tasks],
            task_ids=[t.pk for t in tasks],
        )
        pairs = [states.for_task(topic_id=t.topic_id, task_id=t.pk) for t in tasks]
        student_state = states.student
    p, log_s = loaded.model.predict(
        user=str(student_id or ""),
        targets=keys,
        states=pairs,
        student_state=student_state,
        now=time.time(),
    )
    return p, np.exp(log_s)


def attempt_history(student_id: int, *, last: int | None = None) -> list[tuple[Any, ...]]:
    """The student's completed attempts, oldest first (one query): (task, topic, difficulty,
    correct, seconds, answered at) each."""
    from tasks.models import PracticeTask

    rows = (
        PracticeTask.objects.filter(student_id=student_id, status="completed")
        .exclude(answered_at=None)
        .order_by("-answered_at", "-id")
        .values_list(
            "task_id",
            "task__topic_id",
            "task__difficulty",
            "is_correct",
            "seconds_taken",
            "answered_at",
        )
    )
    if last is not None:
        rows = rows[:last]
    return list(rows)[::-1]


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
    """Topic × difficulty means of completed attempts, cached briefly (one aggregate query).

    The cache only saves the query: with Redis unreachable the averages come from the database
    and predictions go on (a task list must not fail because of the cache).
    """
    try:
        cached = cache.get(GROUP_AVERAGES_CACHE_KEY)
    except REDIS_ERRORS as exc:
        logger.warning("group averages computed without the cache: %s", type(exc).__name__)
        return compute_group_averages()
    if cached is not None:
        return cached
    averages = compute_group_averages()
    try:
        cache.set(GROUP_AVERAGES_CACHE_KEY, averages, GROUP_AVERAGES_TTL_SECONDS)
    except REDIS_ERRORS:
        pass  # computed again next time
    return averages


def compute_group_averages() -> dict[tuple[int, str], tuple[float, float, int]]:
    from tasks.models import PracticeTask

    rows = (
        PracticeTask.objects.completed()
        .values("task__topic_id", "task__difficulty")
        .annotate(
            # Not Cast(bool → float): PostgreSQL has no boolean-to-double cast.
            p=Avg(
                Case(
                    When(is_correct=True, then=Value(1.0)),
                    When(is_correct=False, then=Value(0.0)),
                    output_field=FloatField(),
                )
            ),
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
    return averages


# --- a class at a glance ----------------------------------------------------------------------


@dataclass(frozen=True)
class TopicChance:
    """A student's current predicted chance on a topic: the mean P(correct) over the topic's
    assignable tasks, and the source that served most of them."""

    p_correct: float
    tasks: int
    source: str


def predict_class_topics(
    *, students: Sequence[Any], topics: Sequence[Any]
) -> dict[tuple[int, int], TopicChance]:
    """{(student id, topic id): TopicChance} for a whole class in one batched pass.

    The same sources and fallbacks as `predict_many`, for every student × every assignable
    task of the topics, without one call per student: the tasks, the students' stored
    abilities and their recent histories are read once for the class (a fixed number of
    queries however many students), then each model predicts the whole matrix.
    """
    from mlmodels.registry import get_predictor, serving_order
    from tasks.models import Task

    if not students or not topics:
        return {}
    tasks = list(
        Task.objects.assignable()
        .filter(topic__in=[t.pk for t in topics])
        .only("id", "topic_id", "difficulty")
        .order_by("topic_id", "id")
    )
    if not tasks:
        return {}
    n_students, n_tasks = len(students), len(tasks)
    averages = group_averages()
    models = list(ModelKind.values)
    # predict_many's order: the champion, the other qualified kinds, the average, the default.
    order: list[str] = [*(k for k in serving_order() if k in models), "average", "default"]
    average_row = [average_prediction(t, averages) for t in tasks]
    matrices: dict[str, np.ndarray] = {
        "average": np.tile(
            np.array([p.p_correct if p else np.nan for p in average_row]), (n_students, 1)
        ),
        "default": np.full((n_students, n_tasks), DEFAULT_P_CORRECT),
    }
    histories = ClassHistories(students)
    for kind in models:
        if kind not in order:
            continue
        loaded = get_predictor(kind)
        if loaded is None:
            continue
        try:
            matrices[kind] = CLASS_PREDICTORS.get(kind, _per_student_matrix)(
                loaded, kind=kind, students=students, tasks=tasks, histories=histories
            )
        except Exception:  # a model bug must cost a fallback, never the class view
            logger.exception("%s class prediction failed; falling back", loaded.version.label)
    # Served: the first source in order with a finite answer, per cell.
    served = np.full((n_students, n_tasks), np.nan)
    served_by = np.full((n_students, n_tasks), -1)
    for index, source in enumerate(order):
        matrix = matrices.get(source)
        if matrix is None:
            continue
        take = np.isnan(served) & np.isfinite(matrix)
        served[take] = matrix[take]
        served_by[take] = index
    topic_ids = np.array([t.topic_id for t in tasks])
    out: dict[tuple[int, int], TopicChance] = {}
    for topic_id in np.unique(topic_ids):
        columns = topic_ids == topic_id
        means = served[:, columns].mean(axis=1)
        for row, student in enumerate(students):
            sources = np.bincount(served_by[row, columns], minlength=len(order))
            out[(student.pk, int(topic_id))] = TopicChance(
                float(means[row]), int(columns.sum()), order[int(sources.argmax())]
            )
    return out


class ClassHistories:
    """The completed attempts of a class's students, read once and shared by the models."""

    def __init__(self, students: Sequence[Any]) -> None:
        self.ids = [s.pk for s in students]
        self._recent: dict[int, dict[int, list[tuple[Any, ...]]]] = {}

    def recent(self, last: int) -> dict[int, list[tuple[Any, ...]]]:
        """{student id: their last `last` attempts, oldest first} (one windowed query)."""
        if last not in self._recent:
            from django.db.models import F, Window
            from django.db.models.functions import RowNumber

            from tasks.models import PracticeTask

            rows = (
                PracticeTask.objects.filter(student_id__in=self.ids, status="completed")
                .exclude(answered_at=None)
                .annotate(
                    back=Window(
                        RowNumber(),
                        partition_by=[F("student_id")],
                        order_by=[F("answered_at").desc(), F("id").desc()],
                    )
                )
                .filter(back__lte=last)
                .values_list(
                    "student_id",
                    "back",
                    "task_id",
                    "task__topic_id",
                    "task__difficulty",
                    "is_correct",
                    "seconds_taken",
                    "answered_at",
                )
            )
            grouped: dict[int, list[tuple[Any, ...]]] = {pk: [] for pk in self.ids}
            for student_id, _back, *attempt in sorted(rows, key=lambda r: (r[0], -r[1])):
                grouped[student_id].append(tuple(attempt))
            self._recent[last] = grouped
        return self._recent[last]


def _lnirt_class_matrix(
    loaded: Any, *, kind: str, students: Sequence[Any], tasks: Sequence[Task], histories: Any
) -> np.ndarray:
    """Each student's page path (their state and offsets), the class's rows read at once."""
    import time

    from mlmodels.lnirt_state import read_pages

    pages = read_pages(
        student_ids=histories.ids,
        topic_ids=[t.topic_id for t in tasks],
        task_ids=[t.pk for t in tasks],
    )
    keys = [task_key(t) for t in tasks]
    now = time.time()
    rows = [
        lnirt_page_predict(
            loaded, user_key=str(s.pk), page=pages[s.pk], tasks=tasks, keys=keys, now=now
        )[0]
        for s in students
    ]
    return np.asarray(rows, dtype=np.float64)


def _sequence_class_matrix(
    loaded: Any, *, kind: str, students: Sequence[Any], tasks: Sequence[Task], histories: Any
) -> np.ndarray:
    from mlmodels.sequence_serve import Target

    model = loaded.model
    # As predict_many reads them: one attempt more than the network's steps.
    recent = histories.recent(int(getattr(model, "history_len", 20)) + 1)
    targets = [Target(item=i, topic=t, difficulty=d) for i, t, d in map(task_key, tasks)]
    steps = [history_steps(recent.get(student.pk, [])) for student in students]
    # One LSTM pass for the whole class rather than one per student.
    p, _log_s = model.predict_log_many(
        users=[str(s.pk) for s in students], histories=steps, targets=targets
    )
    from mlmodels.calibration import calibrate

    # Calibrated as predict_many serves it.
    return calibrate(model.calibration, np.asarray(p, dtype=np.float64))


def _per_student_matrix(
    loaded: Any, *, kind: str, students: Sequence[Any], tasks: Sequence[Task], histories: Any
) -> np.ndarray:
    """Any other model kind: its own per-student predictions (register a batched one in
    CLASS_PREDICTORS to keep the class view's queries bounded)."""
    rows = []
    for student in students:
        predictions = model_predictions(kind, user=student, tasks=tasks)
        rows.append([p.p_correct if p is not None else np.nan for p in predictions])
    return np.array(rows, dtype=np.float64)


# Batched class-level predictors per model kind: (loaded model, students, tasks, histories)
# → an (students × tasks) matrix of P(correct), NaN where the model has no answer.
CLASS_PREDICTORS: dict[str, Any] = {
    ModelKind.LNIRT: _lnirt_class_matrix,
    ModelKind.SEQUENCE: _sequence_class_matrix,
}


def record_completion(*, practice_task: PracticeTask) -> None:
    """Called inside the completion's transaction: count the completion toward retraining.

    The model work happens after the commit, never inside the completion's write transaction
    (`after_completion`), then a training is requested if one is due.
    """
    TrainingTracker.count_completion()
    if practice_task is not None:
        pk = practice_task.pk
        transaction.on_commit(lambda: after_completion(practice_task_id=pk), robust=True)
    transaction.on_commit(lambda: request_training(trigger=TrainingRun.Trigger.COMPLETIONS))


# What `after_completion` reads of the attempt: `CompletedAttempt`'s fields, in order.
_COMPLETED_FIELDS = (
    "student_id",
    "task_id",
    "task__topic_id",
    "task__difficulty",
    "is_correct",
    "answered_at",
    "seconds_taken",
)


def after_completion(*, practice_task_id: int) -> None:
    """The student models take in a completed attempt, without a retraining: the
    learning-aware model's state rows advance by it, and LNIRT's ability and speed with their
    topic and task offsets (the instant update).

    One read of the attempt and one write transaction for both (on SQLite, one turn at the
    write lock per completion). Each model's part is a savepoint of its own: a failure in one
    is logged and undoes only that part. A transient database error (SQLite's lock timeout,
    a dropped connection) is retried once, then logged; the next rebuild or training repairs
    the state. Never raises: the answer is stored already.
    """
    from mlmodels.data import CompletedAttempt
    from mlmodels.learning_state import advance_after_attempt as advance_learning
    from mlmodels.lnirt_state import advance_after_attempt as advance_lnirt
    from mlmodels.registry import get_predictor
    from tasks.models import PracticeTask

    try:
        row = (
            PracticeTask.objects.filter(pk=practice_task_id, status="completed")
            .values_list(*_COMPLETED_FIELDS)
            .first()
        )
        lnirt = get_predictor(ModelKind.LNIRT)
    except DatabaseError:
        logger.exception(
            "completed attempt %s not read; the models' state is rebuilt later", practice_task_id
        )
        return
    if row is None or row[5] is None:
        return
    attempt = CompletedAttempt(*row)

    def learning() -> None:
        advance_learning(
            student_id=attempt.student_id,
            topic_id=attempt.topic_id,
            task_id=attempt.task_id,
            correct=bool(attempt.correct),
            answered_at=attempt.answered_at,
            seconds=attempt.seconds,
        )

    parts = [("learning state update", learning)]
    if lnirt is not None:
        parts.append(
            (
                "instant LNIRT update",
                lambda: advance_lnirt(
                    params=lnirt.model, version_id=lnirt.version.id, attempt=attempt
                ),
            )
        )
    for attempt_number in (1, 2):
        try:
            with transaction.atomic():
                for name, part in parts:
                    try:
                        with transaction.atomic():
                            part()
                    except DatabaseError:
                        raise  # the whole transaction is retried
                    except Exception:
                        logger.exception("%s failed for practice task %s", name, practice_task_id)
            return
        except DatabaseError:
            if attempt_number == 2:
                logger.exception(
                    "student models' state not advanced for practice task %s; rebuilt later",
                    practice_task_id,
                )


# A running training that has not beaten its heartbeat for this long lost its worker
# (settings.TRAINING_STALE_SECONDS; several heartbeats, training.HEARTBEAT_SECONDS apart).
STALE_RUNNING_SECONDS = 120
# A queued run no worker has picked up for this long is given up (the ml cluster is down).
STALE_QUEUED_SECONDS = 1800


def training_due(tracker: TrainingTracker) -> bool:
    if tracker.completed_since_training < settings.RETRAIN_EVERY_N_COMPLETIONS:
        return False
    if tracker.last_trained_at is None:
        return True
    elapsed = (timezone.now() - tracker.last_trained_at).total_seconds()
    return elapsed >= settings.RETRAIN_MIN_INTERVAL_SECONDS


def request_training(
    *, trigger: str, force: bool = False, enqueue: bool = True
) -> TrainingRun | None:
    """Queue one training run unless one is queued or running already (then it is merged).

    The claim is a compare-and-set on the tracker row (UPDATE … WHERE state = 'idle'), which
    serialises concurrent triggers on SQLite and PostgreSQL alike: never two runs at once. A
    trigger that loses the race is not lost: its completion stays counted, and the run in
    flight asks again when it finishes. `enqueue=False` leaves the run for the caller to
    execute (the `train_models` command trains in its own process). The run is handed to the
    ml cluster on commit; if Redis cannot take it, it stays queued and the minute check
    re-delivers it (`redeliver_queued_run`): a trigger never fails because of the queue.
    """
    tracker = TrainingTracker.get()
    # Every trigger frees a run whose worker died, due or not: it must never stay "running".
    if recover_abandoned_run(tracker):
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
        if enqueue:
            transaction.on_commit(lambda: enqueue_training(run_id=run.pk))
    return run


def enqueue_training(*, run_id: int) -> bool:
    """Hand run `run_id` to the ml cluster; False (logged) when the broker cannot take it.

    Never raises: it runs on commit of a completion, which must not turn into an error page
    because Redis is down. The run stays queued in the database, and `redeliver_queued_run`
    (the minute check) hands it out again once the broker is back. A duplicate delivery is
    harmless: the job claims its run by compare-and-set (`training.run_training`).
    """
    from django_q.tasks import async_task

    try:
        async_task(
            "mlmodels.jobs.retrain_models", run_id, cluster="ml", task_name=f"retrain-run-{run_id}"
        )
    except Exception as exc:  # Redis (or the ORM broker's database) unreachable
        logger.warning(
            "training run %s stays queued: the ml queue is unreachable (%s); the minute check "
            "re-delivers it",
            run_id,
            type(exc).__name__,
        )
        return False
    return True


def redeliver_queued_run() -> TrainingRun | None:
    """Hand the queued run out again if its queue entry was lost; the run, or None.

    Lost means: still queued `TRAINING_REDELIVER_SECONDS` after it was queued, and nothing
    waiting in the ml queue (a run merely waiting behind a busy or stopped ml cluster is left
    alone, so redeliveries never pile up). Called by the minute check.
    """
    tracker = TrainingTracker.get()
    run = tracker.current_run
    if tracker.state != TrainingTracker.State.QUEUED or run is None:
        return None
    if run.state != TrainingRun.State.QUEUED:
        return None
    delay = settings.TRAINING_REDELIVER_SECONDS
    if (timezone.now() - run.created_at).total_seconds() < delay:
        return None
    waiting = ml_queue_size()
    if waiting is None or waiting > 0:
        return None
    logger.warning("training run %s was queued but never delivered: re-delivering it", run.pk)
    return run if enqueue_training(run_id=run.pk) else None


def ml_queue_size() -> int | None:
    """Jobs waiting in the ml cluster's queue; None when the broker cannot be reached."""
    from django_q.brokers import get_broker

    try:
        return int(get_broker("ml").queue_size() or 0)
    except Exception:
        return None


def recover_abandoned_run(tracker: TrainingTracker | None = None) -> TrainingRun | None:
    """Mark a run whose worker died (no heartbeat) abandoned, and free the tracker (read
    afresh unless the caller just read it)."""
    tracker = TrainingTracker.get() if tracker is None else tracker
    run = tracker.current_run
    if tracker.state == TrainingTracker.State.IDLE or run is None:
        return None
    if tracker.state == TrainingTracker.State.RUNNING:
        since = run.heartbeat_at or run.started_at or run.created_at
        limit = getattr(settings, "TRAINING_STALE_SECONDS", STALE_RUNNING_SECONDS)
        error = "The worker stopped sending heartbeats (killed or lost)."
    else:
        since, limit = run.created_at, STALE_QUEUED_SECONDS
        error = "No worker picked the run up (is the ml cluster running?)."
    if (timezone.now() - since).total_seconds() < limit:
        return None
    with transaction.atomic():
        freed = TrainingTracker.objects.filter(pk=1, state=tracker.state, current_run=run).update(
            state=TrainingTracker.State.IDLE, current_run=None
        )
        if freed:
            # Only a run still in flight is marked; one that finished meanwhile keeps its state.
            TrainingRun.objects.filter(
                pk=run.pk, state__in=[TrainingRun.State.QUEUED, TrainingRun.State.RUNNING]
            ).update(state=TrainingRun.State.ABANDONED, finished_at=timezone.now(), error=error)
    return run if freed else None


def models_health() -> dict[str, Any]:
    """Which versions serve, and whether every active file loads (health and dashboard)."""
    from mlmodels.registry import champion_kind, get_predictor, registry

    versions = {}
    for kind, active in registry.active_versions(refresh=True).items():
        loaded = get_predictor(kind)
        versions[kind] = {"version": active.label, "loaded": loaded is not None}
    broken = [kind for kind, v in versions.items() if not v["loaded"]]
    champion = champion_kind()
    serving = champion if champion and champion not in broken else None
    if serving is None:
        serving = next((k for k, v in versions.items() if v["loaded"]), None) or "average"
    tracker = TrainingTracker.get()
    return {
        "ok": not broken,
        "status": "degraded" if broken else "ok",
        "serving": serving,
        "champion": champion,
        "versions": versions,
        "training": tracker.state,
        "completed_since_training": tracker.completed_since_training,
    }


def training_status(*, with_total: bool = False) -> dict[str, Any]:
    """The tracker as the dashboard and `training_status` show it (no TensorFlow import).

    `with_total` counts every completed attempt: fine for a command, too slow for a page that
    polls it after a school has imported years of history."""
    from tasks.models import PracticeTask

    tracker = TrainingTracker.get()
    champion = ModelVersion.objects.filter(is_champion=True).first()
    last_run = TrainingRun.objects.first()
    status: dict[str, Any] = {
        "state": tracker.state,
        "completed_since_training": tracker.completed_since_training,
        "threshold": settings.RETRAIN_EVERY_N_COMPLETIONS,
        "min_interval_seconds": settings.RETRAIN_MIN_INTERVAL_SECONDS,
        "last_trained_at": tracker.last_trained_at.isoformat() if tracker.last_trained_at else None,
        "last_samples": tracker.last_samples,
        "last_seconds": tracker.last_seconds,
        "last_result": tracker.last_result,
        "total_completed": PracticeTask.objects.completed().count() if with_total else None,
        "champion": (
            {"version": champion.label, "auc": champion.metrics.get("auc")} if champion else None
        ),
        "last_run": (
            {"id": last_run.pk, "state": last_run.state, "trigger": last_run.trigger}
            if last_run
            else None
        ),
    }
    status["summary"] = describe_training_status(status)
    return status


def describe_training_status(status: Mapping[str, Any]) -> str:
    """The one line a student reads about the models: the dashboard renders it and
    static/mlmodels/updates.js shows the `summary` the status endpoint sends (no copy in JS)."""
    if status["state"] == "running":
        return "Your predictions are being retrained…"
    if status["state"] == "queued":
        return "Retraining queued…"
    # Counts down to the next retraining (a counter that counts up read as "tasks done").
    left = max(0, status["threshold"] - status["completed_since_training"])
    counter = f"{left} task{'s' if left != 1 else ''} until the next retraining"
    champion = status["champion"]
    if champion:
        auc = f", AUC {champion['auc']:.2f}" if isinstance(champion.get("auc"), float) else ""
        return f"Model {champion['version']}{auc} · {counter}"
    return f"Predictions from practice averages · {counter}"


STUDENT_SUMMARY = "Your predictions update after every answer and learn from everyone's practice."


def describe_status_for(status: Mapping[str, Any], *, staff: bool) -> str:
    """The status line for a reader: staff get the models, versions, AUC and the retraining
    counter (`summary`); a student reads what their predictions are doing."""
    if staff:
        return str(status["summary"])
    if status["state"] == "running":
        return "Your predictions are being updated…"
    return STUDENT_SUMMARY


def describe_training_announcement(*, state: str, champion: str | None, auc: object) -> str | None:
    """The line pushed to open pages when a run ends with a champion; None: pages poll instead."""
    if state != "succeeded" or not champion:
        return None
    return f"Model updated: {champion}" + (f" — AUC {auc:.2f}" if isinstance(auc, float) else "")


def announce_training(*, run_id: int) -> None:
    """Tell open pages about a run's progress or result (through Redis across processes)."""
    from asgiref.sync import async_to_sync
    from channels.layers import get_channel_layer

    from mlmodels.consumers import MODEL_UPDATES_GROUP

    run = TrainingRun.objects.filter(pk=run_id).first()
    layer = get_channel_layer()
    if run is None or layer is None:
        return
    champion = ModelVersion.objects.filter(is_champion=True).first()
    label = champion.label if champion else None
    auc = champion.metrics.get("auc") if champion else None
    payload = {
        "run": run.pk,
        "state": run.state,
        "champion": label,
        "auc": auc,
        "message": describe_training_announcement(state=run.state, champion=label, auc=auc),
    }
    try:
        async_to_sync(layer.group_send)(
            MODEL_UPDATES_GROUP, {"type": "training.update", "payload": payload}
        )
    except Exception:  # live updates are a courtesy: pages also poll the status endpoint
        logger.warning("could not announce training run %s", run_id, exc_info=True)


def seed_demo() -> str:
    """Nothing to seed: models train from the seeded history (train_models or the worker)."""
    return "mlmodels: nothing to seed"
