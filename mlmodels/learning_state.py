"""The learning-aware model's per-student state rows: read for a page, advanced per answer.

A prediction reads the student's overall row and the rows of the page's topics and tasks in one
query, so its cost does not grow with the history. A completed attempt advances three rows
(student, topic, task) right after the completion commits — never inside it: the completion has
already been stored, and a failure here is logged and repaired by the next rebuild, never undoes
it. An attempt older than what a row has seen (an import of old history) rebuilds the student's
rows from their history instead.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import DatabaseError, transaction
from django.db.models import Q

from mlmodels.learning import STATE_VERSION, advance_state
from mlmodels.models import LearningState

logger = logging.getLogger(__name__)

Scope = LearningState.Scope
# Rows written per bulk statement when rebuilding.
_BULK = 2_000
_ATTEMPT_FIELDS = (
    "student_id",
    "task__topic_id",
    "task_id",
    "is_correct",
    "answered_at",
    "seconds_taken",
)


@dataclass(frozen=True)
class PageStates:
    """One student's state rows for a page of tasks (None where the scope was never practised)."""

    student: list[float] | None
    topics: dict[int, list[float]]
    tasks: dict[int, list[float]]

    def for_task(self, *, topic_id: int, task_id: int) -> tuple[Any, Any]:
        return self.topics.get(topic_id), self.tasks.get(task_id)


def read_page_states(
    *, student_id: int, topic_ids: Iterable[int], task_ids: Iterable[int]
) -> PageStates:
    """The student's overall row and the rows of these topics and tasks: one query."""
    rows = LearningState.objects.filter(student_id=student_id, state_version=STATE_VERSION).filter(
        Q(scope=Scope.STUDENT)
        | Q(scope=Scope.TOPIC, key__in=set(topic_ids))
        | Q(scope=Scope.TASK, key__in=set(task_ids))
    )
    student: list[float] | None = None
    topics: dict[int, list[float]] = {}
    tasks: dict[int, list[float]] = {}
    for scope, key, values in rows.values_list("scope", "key", "values"):
        values = _decode(values)
        if scope == Scope.STUDENT:
            student = values
        elif scope == Scope.TOPIC:
            topics[key] = values
        else:
            tasks[key] = values
    return PageStates(student, topics, tasks)


def _decode(values: Sequence[float | None]) -> list[float]:
    # JSON has no NaN: a missing last log time is stored as null.
    return [math.nan if v is None else float(v) for v in values]


def _encode(values: Sequence[float]) -> list[float | None]:
    return [v if math.isfinite(v) else None for v in values]


def advance_after_attempt(
    *,
    student_id: int,
    topic_id: int,
    task_id: int,
    correct: bool,
    answered_at: datetime,
    seconds: float | None,
) -> None:
    """Advance the student's three rows by one attempt (a short transaction of its own).

    An attempt older than the newest one a row has seen rebuilds the student's rows from the
    history instead (the state must see attempts in time order).
    """
    at = answered_at.timestamp()
    log_seconds = math.log(seconds) if seconds and seconds > 0 else math.nan
    keys = {Scope.STUDENT: 0, Scope.TOPIC: topic_id, Scope.TASK: task_id}
    with transaction.atomic():
        rows = {
            row.scope: row
            for row in LearningState.objects.select_for_update().filter(
                Q(student_id=student_id)
                & (
                    Q(scope=Scope.STUDENT)
                    | Q(scope=Scope.TOPIC, key=topic_id)
                    | Q(scope=Scope.TASK, key=task_id)
                )
            )
        }
        stale = any(r.state_version != STATE_VERSION for r in rows.values())
        behind = any(r.last_attempt_at and r.last_attempt_at > answered_at for r in rows.values())
        if stale or behind or (Scope.STUDENT not in rows and _has_earlier(student_id, answered_at)):
            transaction.on_commit(lambda: rebuild_students(student_ids=[student_id]))
            return
        for scope, key in keys.items():
            row = rows.get(scope)
            values = advance_state(
                _decode(row.values) if row else None,
                correct=correct,
                at=at,
                log_seconds=log_seconds,
            )
            if row is None:
                LearningState.objects.create(
                    student_id=student_id,
                    scope=scope,
                    key=key,
                    values=_encode(values),
                    state_version=STATE_VERSION,
                    attempts=1,
                    last_attempt_at=answered_at,
                )
            else:
                LearningState.objects.filter(pk=row.pk).update(
                    values=_encode(values),
                    attempts=row.attempts + 1,
                    last_attempt_at=answered_at,
                )


def _has_earlier(student_id: int, answered_at: datetime) -> bool:
    """A student with completed attempts but no state rows (history from before the rows
    existed) must be rebuilt, not started from nothing."""
    from tasks.models import PracticeTask

    return (
        PracticeTask.objects.completed()
        .filter(student_id=student_id, answered_at__lt=answered_at)
        .exists()
    )


def advance_after_completion(*, practice_task_id: int) -> None:
    """The on-commit hook of a completion: never raises (the answer is stored already); one
    retry for a transient database error, then a log line (the next rebuild repairs it)."""
    from tasks.models import PracticeTask

    for attempt in (1, 2):
        try:
            row = (
                PracticeTask.objects.filter(pk=practice_task_id, status="completed")
                .values_list(*_ATTEMPT_FIELDS)
                .first()
            )
            if row is None or row[4] is None:
                return
            student, topic, task, correct, answered_at, seconds = row
            advance_after_attempt(
                student_id=student,
                topic_id=topic,
                task_id=task,
                correct=bool(correct),
                answered_at=answered_at,
                seconds=seconds,
            )
            return
        except DatabaseError:
            if attempt == 2:
                logger.exception(
                    "learning state not advanced for practice task %s; rebuilt later",
                    practice_task_id,
                )
        except Exception:
            logger.exception("learning state update failed for practice task %s", practice_task_id)
            return


def rebuild_students(*, student_ids: Iterable[int]) -> int:
    """Recompute the rows of these students from their completed attempts; rows written.

    One read of the attempts (in time order) and bulk writes, one short transaction per chunk
    of students, so students practising meanwhile are never blocked for long.
    """
    from tasks.models import PracticeTask

    ids = sorted(set(student_ids))
    written = 0
    for lo in range(0, len(ids), 200):
        chunk = ids[lo : lo + 200]
        attempts = (
            PracticeTask.objects.completed()
            .filter(student_id__in=chunk)
            .exclude(answered_at=None)
            .order_by("student_id", "answered_at", "id")
            .values_list(*_ATTEMPT_FIELDS)
            .iterator(chunk_size=20_000)
        )
        rows = list(_replay(attempts))
        with transaction.atomic():
            LearningState.objects.filter(student_id__in=chunk).delete()
            LearningState.objects.bulk_create(rows, batch_size=_BULK)
        written += len(rows)
    return written


def _replay(attempts: Iterable[tuple[Any, ...]]) -> Iterable[LearningState]:
    """Fold each student's attempts (sorted by student, then time) into their rows."""
    current: int | None = None
    states: dict[tuple[str, int], list[Any]] = {}

    def flush(student: int) -> Iterable[LearningState]:
        for (scope, key), (values, n, last) in states.items():
            yield LearningState(
                student_id=student,
                scope=scope,
                key=key,
                values=_encode(values),
                state_version=STATE_VERSION,
                attempts=n,
                last_attempt_at=last,
            )

    for student, topic, task, correct, answered_at, seconds in attempts:
        if student != current:
            if current is not None:
                yield from flush(current)
            current, states = student, {}
        at = answered_at.timestamp()
        log_seconds = math.log(seconds) if seconds and seconds > 0 else math.nan
        for key in ((Scope.STUDENT, 0), (Scope.TOPIC, topic), (Scope.TASK, task)):
            old = states.get(key)
            values = advance_state(
                old[0] if old else None, correct=bool(correct), at=at, log_seconds=log_seconds
            )
            states[key] = [values, (old[1] if old else 0) + 1, answered_at]
    if current is not None:
        yield from flush(current)


def students_without_state() -> list[int]:
    """Students with completed attempts and no current state row (history from before the
    rows existed, or an older state layout): what the worker rebuilds."""
    from tasks.models import PracticeTask

    have = LearningState.objects.filter(scope=Scope.STUDENT, state_version=STATE_VERSION)
    return list(
        PracticeTask.objects.completed()
        .exclude(student_id__in=have.values("student_id"))
        .values_list("student_id", flat=True)
        .distinct()
    )
