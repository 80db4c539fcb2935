"""The learning-aware model's per-student state rows: read for a page, advanced per answer.

A prediction reads the student's overall row and the rows of the page's topics and tasks in one
query, so its cost does not grow with the history. A completed attempt advances three rows
(student, topic, task) right after the completion commits — never inside it: the completion has
already been stored, and a failure here is logged and repaired by the next rebuild, never undoes
it. An attempt older than what a row has seen (an import of old history) rebuilds the student's
rows from their history instead.
"""

from __future__ import annotations

import contextlib
import csv
import io
import logging
import math
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import repeat
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

    Vectorised end to end: the attempts are read as plain columns (no ORM objects), the states
    computed by `learning.final_states` (equal to replaying `advance_state`), encoded a chunk at
    a time and written by multi-row inserts — one short transaction per chunk of students, so
    students practising meanwhile are never blocked for long.
    """
    from django.db import connection

    from studysmart.write_pauses import WritePauses

    ids = sorted(set(student_ids))
    written = 0
    pauses = WritePauses()
    with bulk_writes():
        for lo in range(0, len(ids), _REBUILD_STUDENTS):
            chunk = ids[lo : lo + _REBUILD_STUDENTS]
            rows = _chunk_rows(chunk)  # read and computed before the transaction: no lock held
            with transaction.atomic():
                LearningState.objects.filter(student_id__in=chunk).delete()
                _insert_rows(rows)
            written += len(rows)
            if not transaction.get_connection().in_atomic_block:
                pauses.after_commit()
    if written >= _ANALYZE_AFTER_ROWS:
        # Fresh planner statistics after a bulk write (an import's students).
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                cursor.execute("PRAGMA analysis_limit = 1000")
            cursor.execute(f"ANALYZE {connection.ops.quote_name(LearningState._meta.db_table)}")
    return written


@contextlib.contextmanager
def bulk_writes() -> Iterator[None]:
    """SQLite settings of this connection for a long series of bulk writes, put back after.

    A larger page cache: the indexes are updated at scattered places, and the default 2 MB keeps
    re-reading their pages. Fewer, larger checkpoints (each syncs the file): a page the next
    transactions change again is copied into the database once. Together they halve an
    import's write time; PostgreSQL needs neither.
    """
    from django.db import connection

    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        cache_size = int(cursor.fetchone()[0])
        cursor.execute("PRAGMA wal_autocheckpoint")
        checkpoint = int(cursor.fetchone()[0])
        cursor.execute(f"PRAGMA cache_size = {_BULK_CACHE_KIB}")
        cursor.execute(f"PRAGMA wal_autocheckpoint = {_BULK_CHECKPOINT_PAGES}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {cache_size}")
            cursor.execute(f"PRAGMA wal_autocheckpoint = {checkpoint}")


_BULK_CACHE_KIB = -65536  # negative: KiB, so 64 MiB
_BULK_CHECKPOINT_PAGES = 10_000  # ~40 MB of write-ahead log (SQLite's default: 1,000 pages)

# Students per rebuild transaction (their attempts are read in one query): small enough that
# a transaction holds SQLite's single write lock for a fraction of a second.
_REBUILD_STUDENTS = 40
_ANALYZE_AFTER_ROWS = 50_000


@dataclass
class _Rows:
    """State rows to write, one list per column (no object per row)."""

    student: list[int]
    scope: list[str]
    key: list[int]
    values: list[str]  # JSON text
    attempts: list[int]
    last_us: np.ndarray  # the last attempt, microseconds since 1970 (UTC)

    def __len__(self) -> int:
        return len(self.student)


def _chunk_rows(student_ids: Sequence[int]) -> _Rows:
    """The rows of these students, from their history (one query, plain columns)."""
    from django.db import connection

    from tasks.models import PracticeTask

    query = (
        PracticeTask.objects.completed()
        .filter(student_id__in=student_ids)
        .exclude(answered_at=None)
        .order_by("student_id", "answered_at", "id")
        .values_list(*_ATTEMPT_FIELDS)
    )
    sql, params = query.query.sql_with_params()
    with connection.cursor() as cursor:  # a raw cursor: no per-value converters
        cursor.execute(sql, params)
        raw = cursor.fetchall()
    if not raw:
        return _Rows([], [], [], [], [], np.zeros(0, np.int64))
    columns = list(zip(*raw, strict=True))
    student = np.asarray(columns[0], np.int64)
    topic = np.asarray(columns[1], np.int64)
    task = np.asarray(columns[2], np.int64)
    correct = np.fromiter((1.0 if c else 0.0 for c in columns[3]), np.float64, len(raw))
    micros = _micros(columns[4], connection.vendor)
    at = micros / 1e6  # the same float as datetime.timestamp()
    seconds = np.asarray([np.nan if s is None else s for s in columns[5]], np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        log_t = np.where(seconds > 0, np.log(seconds), np.nan)
    width = int(max(topic.max(), task.max())) + 1
    parts: list[_Rows] = []
    scopes = ((Scope.STUDENT, np.zeros_like(student)), (Scope.TOPIC, topic), (Scope.TASK, task))
    for scope, key in scopes:
        groups, counts, states = final_states(student * width + key, at, correct, log_t)
        parts.append(
            _Rows(
                (groups // width).tolist(),
                [str(scope)] * len(groups),
                (groups % width).tolist(),
                _json_rows(states),
                counts.tolist(),
                np.rint(states[:, _LAST_T_INDEX] * 1e6).astype(np.int64),
            )
        )
    return _Rows(
        [v for p in parts for v in p.student],
        [v for p in parts for v in p.scope],
        [v for p in parts for v in p.key],
        [v for p in parts for v in p.values],
        [v for p in parts for v in p.attempts],
        np.concatenate([p.last_us for p in parts]),
    )


def _micros(values: Sequence[Any], vendor: str) -> np.ndarray:
    """answered_at as read by a raw cursor (SQLite: Django's naive UTC text; PostgreSQL: an
    aware datetime) to microseconds since 1970."""
    if vendor == "sqlite":
        return np.asarray(values, dtype="datetime64[us]").astype(np.int64)
    epoch = datetime(1970, 1, 1, tzinfo=UTC)
    one = timedelta(microseconds=1)
    return np.fromiter(((v - epoch) // one for v in values), np.int64, len(values))


def _json_rows(states: np.ndarray) -> list[str]:
    """Each state vector as JSON text, as `json.dumps(_encode(values))` writes it (the same
    shortest repr of each float, null for a missing value) at a fraction of the cost."""
    if not len(states):
        return []
    cells = list(map(repr, states.ravel().tolist()))
    for k in np.flatnonzero(~np.isfinite(states.ravel())).tolist():
        cells[k] = "null"
    width = states.shape[1]
    return ["[" + ", ".join(cells[i : i + width]) + "]" for i in range(0, len(cells), width)]


def _insert_rows(rows: _Rows) -> None:
    """Multi-row INSERTs, no ORM objects (a school's import writes hundreds of thousands)."""
    from django.db import connection

    if not len(rows):
        return
    q = connection.ops.quote_name
    table = q(LearningState._meta.db_table)
    names = ("student_id", "scope", "key", "values", "state_version", "attempts",
             "last_attempt_at", "updated_at")  # fmt: skip
    columns = ", ".join(q(c) for c in names)
    postgres = connection.vendor == "postgresql"
    now = connection.ops.adapt_datetimefield_value(datetime.now(tz=UTC))
    last = db_datetime_texts(rows.last_us, postgres=postgres)
    prepared = list(
        zip(
            rows.student,
            rows.scope,
            rows.key,
            rows.values,
            repeat(STATE_VERSION),
            rows.attempts,
            last,
            repeat(now),
            strict=False,  # the constants repeat for ever
        )
    )
    with connection.cursor() as cursor:
        if postgres:
            skip_commit_flush(cursor)
            text = io.StringIO()
            csv.writer(text, lineterminator="\n").writerows(prepared)
            text.seek(0)
            cursor.cursor.copy_expert(
                f"COPY {table} ({columns}) FROM STDIN WITH (FORMAT csv)", text
            )
            return
        marks = ", ".join(["%s"] * len(names))
        cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", prepared)


def skip_commit_flush(cursor: Any) -> None:
    """PostgreSQL: this transaction's commit does not wait for its log to reach the disk (a
    crash may lose the last fraction of a second of commits, never corrupt anything). For
    writes that are safe to repeat — an idempotent import, a rebuild — it saves a disk flush
    per transaction, most of their time on a slow disk."""
    cursor.execute("SET LOCAL synchronous_commit TO OFF")


def db_datetime_texts(micros: np.ndarray, *, postgres: bool) -> list[str]:
    """Microseconds since 1970 (UTC) as the database takes them: for SQLite the naive UTC text
    Django writes ("2000-01-01 05:00:00[.000001]", compared as text), for PostgreSQL ISO 8601
    in UTC. NumPy formats a whole batch at once; a datetime object per value is ~5x slower."""
    values = micros.astype("datetime64[us]")
    if postgres:
        return np.datetime_as_string(values, unit="us", timezone="UTC").tolist()
    text = np.datetime_as_string(values, unit="us")
    whole = micros % 1_000_000 == 0
    if whole.any():
        text[whole] = np.datetime_as_string(values[whole], unit="s")
    return np.strings.replace(text, "T", " ").tolist()


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
