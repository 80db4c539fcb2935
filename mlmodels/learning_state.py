"""The learning-aware model's per-student state rows: read for a page, advanced per answer.

A prediction reads the student's overall row and the rows of the page's topics and tasks in one
query, so its cost does not grow with the history. A completed attempt advances three rows
(student, topic, task) right after the completion commits — never inside it: the completion has
already been stored, and a failure here is logged and repaired by the next rebuild, never undoes
it. An attempt older than what a row has seen (an import of old history) rebuilds the student's
rows from their history instead.
"""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import numpy as np
from django.db import DatabaseError, transaction
from django.db.models import Q

from mlmodels.learning import STATE_SIZE, STATE_VERSION, advance_state, final_states
from mlmodels.models import LearningState

logger = logging.getLogger(__name__)

Scope = LearningState.Scope
# Where a state vector keeps the time of its last attempt (mlmodels.learning's layout).
_LAST_T_INDEX = STATE_SIZE - 7
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
        values = decode_values(values)
        if scope == Scope.STUDENT:
            student = values
        elif scope == Scope.TOPIC:
            topics[key] = values
        else:
            tasks[key] = values
    return PageStates(student, topics, tasks)


def decode_values(values: Sequence[float | None]) -> list[float]:
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
                decode_values(row.values) if row else None,
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

    Vectorised (`learning.final_states`, equal to replaying `advance_state`) and written by
    multi-row inserts, one short transaction per chunk of students, so students practising
    meanwhile are never blocked for long.
    """
    from studysmart.write_pauses import WritePauses

    ids = sorted(set(student_ids))
    written = 0
    pauses = WritePauses()
    for lo in range(0, len(ids), _REBUILD_STUDENTS):
        chunk = ids[lo : lo + _REBUILD_STUDENTS]
        rows = _chunk_rows(chunk)
        with transaction.atomic():
            LearningState.objects.filter(student_id__in=chunk).delete()
            _insert_rows(rows)
        written += len(rows)
        if not transaction.get_connection().in_atomic_block:
            pauses.after_commit()
    return written


# Students per rebuild transaction (their attempts are read in one query): small enough that
# a transaction holds SQLite's single write lock for a fraction of a second.
_REBUILD_STUDENTS = 40


def _chunk_rows(student_ids: Sequence[int]) -> list[tuple[Any, ...]]:
    """(student, scope, key, values, attempts, last attempt) per row, from the history."""
    from tasks.models import PracticeTask

    raw = list(
        PracticeTask.objects.completed()
        .filter(student_id__in=student_ids)
        .exclude(answered_at=None)
        .order_by("student_id", "answered_at", "id")
        .values_list(*_ATTEMPT_FIELDS)
    )
    if not raw:
        return []
    n = len(raw)
    student = np.fromiter((r[0] for r in raw), np.int64, n)
    topic = np.fromiter((r[1] for r in raw), np.int64, n)
    task = np.fromiter((r[2] for r in raw), np.int64, n)
    correct = np.fromiter((1.0 if r[3] else 0.0 for r in raw), np.float64, n)
    at = np.fromiter((r[4].timestamp() for r in raw), np.float64, n)
    seconds = np.fromiter((r[5] if r[5] and r[5] > 0 else math.nan for r in raw), np.float64, n)
    log_t = np.log(seconds)
    rows: list[tuple[Any, ...]] = []
    width = int(max(topic.max(), task.max())) + 1
    scopes = ((Scope.STUDENT, np.zeros_like(student)), (Scope.TOPIC, topic), (Scope.TASK, task))
    for scope, key in scopes:
        groups, counts, states = final_states(student * width + key, at, correct, log_t)
        for g, k, values in zip(groups.tolist(), counts.tolist(), states.tolist(), strict=True):
            last_at = datetime.fromtimestamp(values[_LAST_T_INDEX], tz=UTC)
            rows.append((g // width, scope, g % width, _encode(values), int(k), last_at))
    return rows


def _insert_rows(rows: Sequence[tuple[Any, ...]]) -> None:
    """Multi-row INSERTs, no ORM objects (a school's import writes hundreds of thousands)."""
    from django.db import connection

    if not rows:
        return
    q = connection.ops.quote_name
    table = q(LearningState._meta.db_table)
    names = ("student_id", "scope", "key", "values", "state_version", "attempts",
             "last_attempt_at", "updated_at")  # fmt: skip
    columns = ", ".join(q(c) for c in names)
    adapt = connection.ops.adapt_datetimefield_value
    now = adapt(datetime.now(tz=UTC))
    prepared = [
        (student, scope, key, json.dumps(values), STATE_VERSION, k, adapt(last), now)
        for student, scope, key, values, k, last in rows
    ]
    with connection.cursor() as cursor:
        for lo in range(0, len(prepared), 5000):
            page = prepared[lo : lo + 5000]
            if connection.vendor == "postgresql":
                from psycopg2.extras import execute_values

                sql = f"INSERT INTO {table} ({columns}) VALUES %s"
                execute_values(cursor.cursor, sql, page, page_size=len(page))
            else:
                marks = ", ".join(["%s"] * len(names))
                cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", page)


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
