"""Attempt tables: the one in-memory shape every student model trains and is evaluated on.

Pure NumPy (no Django, no TensorFlow) so training code, the benchmark command and the tests share
it. Rows are attempts; categorical columns are integer codes into the vocabularies beside them.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

import numpy as np

# Code 0 is "no difficulty" (imported tasks have none), so real difficulties are 1..3.
# The order follows tasks.models.Difficulty (a test checks it); this module stays Django-free.
DIFFICULTIES: tuple[str, ...] = ("", "easy", "medium", "hard")


def difficulty_code(difficulty: str | None) -> int:
    """A task's difficulty as the student models' code into ``DIFFICULTIES`` (0 for none or
    an unknown value). The one place this mapping is made."""
    return DIFFICULTIES.index(difficulty) if difficulty in DIFFICULTIES else 0


@dataclass(frozen=True)
class CompletedAttempt:
    """One completed attempt as the instant updates after a completion take it in."""

    student_id: int
    task_id: int
    topic_id: int
    difficulty: str
    correct: bool
    answered_at: datetime
    seconds: float | None


@dataclass(frozen=True)
class AttemptRecord:
    """One attempt as it comes from the database or a CSV file."""

    user: str
    item: str
    topic: str
    difficulty: str  # "" | "easy" | "medium" | "hard"
    correct: bool
    seconds: float | None  # None when the time is not valid
    order: float  # timestamp (epoch seconds) or position; only its order matters


@dataclass(frozen=True)
class AttemptTable:
    user: np.ndarray  # int32, code into `users`
    item: np.ndarray  # int32, code into `items`
    topic: np.ndarray  # int32, code into `topics`
    difficulty: np.ndarray  # int32, code into DIFFICULTIES
    correct: np.ndarray  # float32 0/1
    log_seconds: np.ndarray  # float64, natural log of seconds, NaN where unknown
    order: np.ndarray  # float64, per-student attempt order
    users: tuple[str, ...]
    items: tuple[str, ...]
    topics: tuple[str, ...]
    item_topic: np.ndarray = field(repr=False)  # int32 per item
    item_difficulty: np.ndarray = field(repr=False)  # int32 per item

    def __len__(self) -> int:
        return int(self.user.shape[0])

    @property
    def has_time(self) -> np.ndarray:
        return ~np.isnan(self.log_seconds)

    def subset(self, mask: np.ndarray) -> AttemptTable:
        """Rows where `mask` holds; vocabularies are kept so codes stay comparable."""
        return AttemptTable(
            user=self.user[mask],
            item=self.item[mask],
            topic=self.topic[mask],
            difficulty=self.difficulty[mask],
            correct=self.correct[mask],
            log_seconds=self.log_seconds[mask],
            order=self.order[mask],
            users=self.users,
            items=self.items,
            topics=self.topics,
            item_topic=self.item_topic,
            item_difficulty=self.item_difficulty,
        )

    def chronological_index(self) -> np.ndarray:
        """Row indices sorted by (user, order): each student's attempts in time order."""
        return np.lexsort((np.arange(len(self)), self.order, self.user))


def table_from_records(records: Iterable[AttemptRecord]) -> AttemptTable:
    users: dict[str, int] = {}
    items: dict[str, int] = {}
    topics: dict[str, int] = {}
    item_topic: list[int] = []
    item_difficulty: list[int] = []
    cols: dict[str, list[float]] = {k: [] for k in ("u", "i", "t", "d", "c", "s", "o")}
    for r in records:
        u = users.setdefault(r.user, len(users))
        t = topics.setdefault(r.topic, len(topics))
        d = difficulty_code(r.difficulty)
        if r.item not in items:
            items[r.item] = len(items)
            item_topic.append(t)
            item_difficulty.append(d)
        cols["u"].append(u)
        cols["i"].append(items[r.item])
        cols["t"].append(t)
        cols["d"].append(d)
        cols["c"].append(1.0 if r.correct else 0.0)
        valid = r.seconds is not None and r.seconds > 0 and math.isfinite(r.seconds)
        cols["s"].append(math.log(r.seconds) if valid else math.nan)  # type: ignore[arg-type]
        cols["o"].append(r.order)
    return AttemptTable(
        user=np.asarray(cols["u"], dtype=np.int32),
        item=np.asarray(cols["i"], dtype=np.int32),
        topic=np.asarray(cols["t"], dtype=np.int32),
        difficulty=np.asarray(cols["d"], dtype=np.int32),
        correct=np.asarray(cols["c"], dtype=np.float32),
        log_seconds=np.asarray(cols["s"], dtype=np.float64),
        order=np.asarray(cols["o"], dtype=np.float64),
        users=tuple(users),
        items=tuple(items),
        topics=tuple(topics),
        item_topic=np.asarray(item_topic, dtype=np.int32),
        item_difficulty=np.asarray(item_difficulty, dtype=np.int32),
    )


@dataclass(frozen=True)
class CsvColumns:
    """Column mapping shared by `import_attempts` and `benchmark_models` (the documented defaults
    of both commands)."""

    user: str = "user_id"
    item: str = "item_id"
    topic: str = "skill_id"
    correct: str = "correct"
    time: str = "rt_ms"
    time_unit: str = "ms"  # "ms" | "s"
    time_valid: str = "rt_usable"  # used when present
    order: str = "position"  # used when present; otherwise file order
    timestamp: str = ""  # ISO-8601 or epoch seconds; takes precedence over `order` when set


def open_attempts_csv(path: Path | str) -> TextIO:
    """The one way to open an attempts file: UTF-8, a byte-order mark (Excel's) dropped."""
    return open(path, newline="", encoding="utf-8-sig")


def parse_timestamp(raw: str) -> datetime:
    """An attempt's time: ISO-8601 (naive = UTC) or epoch seconds, always timezone-aware UTC
    (never the machine's local zone). Raises ValueError with a readable message."""
    text = raw.strip()
    if not text:
        raise ValueError("empty timestamp")
    try:
        value = float(text)
    except ValueError:
        try:
            parsed = datetime.fromisoformat(text)
        except ValueError:
            raise ValueError(f"not an ISO-8601 date-time or epoch seconds: {raw!r}") from None
        if parsed.tzinfo is None or parsed.utcoffset() is None:
            parsed = parsed.replace(tzinfo=UTC)
        return parsed
    if not math.isfinite(value):
        raise ValueError(f"not a timestamp: {raw!r}")
    try:
        return datetime.fromtimestamp(value, tz=UTC)
    except (OverflowError, OSError, ValueError):
        raise ValueError(f"epoch seconds out of range: {raw!r}") from None


def read_attempts_csv(path: Path | str, columns: CsvColumns = CsvColumns()) -> list[AttemptRecord]:
    """Read a long-format attempts CSV. Raises ValueError naming the line of the first bad row.

    Parses as `import_attempts` does (the same file gives the same attempts, times and order):
    UTF-8 with an optional byte-order mark, header names and values stripped, blank lines
    skipped, naive timestamps in UTC, the physical line number as the order of last resort.
    """
    scale = 0.001 if columns.time_unit == "ms" else 1.0
    records: list[AttemptRecord] = []
    with open_attempts_csv(path) as fh:
        reader = csv.reader(fh)
        header: Sequence[str] = tuple(h.strip() for h in next(reader, []))
        for needed in (columns.user, columns.item, columns.correct):
            if needed not in header:
                raise ValueError(f"{path}: missing column {needed!r} (have {', '.join(header)})")
        for raw in reader:
            if not raw:
                continue  # blank lines carry nothing
            lineno = reader.line_num
            if len(raw) != len(header):
                raise ValueError(f"{path}: line {lineno}: expected {len(header)} fields")
            row = {name: value.strip() for name, value in zip(header, raw, strict=True)}
            try:
                correct = _parse_correct(row[columns.correct])
                seconds = _parse_seconds(row, columns, scale)
                order = _parse_order(row, columns, lineno)
            except ValueError as exc:
                raise ValueError(f"{path}: line {lineno}: {exc}") from None
            records.append(
                AttemptRecord(
                    user=row[columns.user],
                    item=row[columns.item],
                    topic=row.get(columns.topic) or "",
                    difficulty="",
                    correct=correct,
                    seconds=seconds,
                    order=order,
                )
            )
    return records


def _parse_correct(value: str) -> bool:
    v = value.strip().lower()
    if v in ("1", "1.0", "true", "yes"):
        return True
    if v in ("0", "0.0", "false", "no"):
        return False
    raise ValueError(f"correct must be 0/1, got {value!r}")


def _parse_seconds(row: dict[str, str], columns: CsvColumns, scale: float) -> float | None:
    if columns.time_valid and row.get(columns.time_valid, "1").strip() in ("0", "0.0", "false"):
        return None
    raw = (row.get(columns.time) or "").strip()
    if not raw:
        return None
    seconds = float(raw) * scale
    return seconds if seconds > 0 else None


def _parse_order(row: dict[str, str], columns: CsvColumns, lineno: int) -> float:
    if columns.timestamp:
        return parse_timestamp(row[columns.timestamp]).timestamp()
    raw_order = row.get(columns.order) if columns.order else None
    return float(raw_order) if raw_order not in (None, "") else float(lineno)


def split_random(table: AttemptTable, *, fraction: float = 0.2, seed: int = 0) -> np.ndarray:
    """Boolean test mask: a seeded `fraction` of each student's attempts (for fixed-order tests)."""
    rng = np.random.default_rng(seed)
    test = np.zeros(len(table), dtype=bool)
    idx = table.chronological_index()
    users = table.user[idx]
    bounds = np.flatnonzero(np.diff(users)) + 1
    for rows in np.split(idx, bounds):
        n_test = round(len(rows) * fraction)
        if n_test and len(rows) > 1:
            test[rng.choice(rows, size=n_test, replace=False)] = True
    return test


def split_chronological(table: AttemptTable, *, fraction: float = 0.2) -> np.ndarray:
    """Boolean test mask: each student's last `fraction` of attempts (no future leaks back)."""
    test = np.zeros(len(table), dtype=bool)
    idx = table.chronological_index()
    users = table.user[idx]
    bounds = np.flatnonzero(np.diff(users)) + 1
    for rows in np.split(idx, bounds):
        n_test = round(len(rows) * fraction)
        if n_test and len(rows) > 1:
            test[rows[-n_test:]] = True
    return test


def add_column_arguments(parser: Any) -> None:
    """The column options `import_attempts` and `benchmark_models` share (the documented defaults
    of both commands)."""
    d = CsvColumns()
    parser.add_argument("--user-col", default=d.user, help=f"default {d.user!r}")
    parser.add_argument("--item-col", default=d.item, help=f"task/item id; default {d.item!r}")
    parser.add_argument(
        "--topic-col", default=d.topic, help=f"topic/skill, used when present; {d.topic!r}"
    )
    parser.add_argument("--correct-col", default=d.correct, help=f"0/1; default {d.correct!r}")
    parser.add_argument(
        "--time-col", default=d.time, help=f"response time, used when present; {d.time!r}"
    )
    parser.add_argument("--time-unit", choices=("ms", "s"), default=d.time_unit)
    parser.add_argument(
        "--time-valid-col",
        default=d.time_valid,
        help=f"0 marks an unusable time; used when present; default {d.time_valid!r}",
    )
    parser.add_argument(
        "--timestamp-col",
        default=d.timestamp,
        help="ISO-8601 date-time (UTC when naive) or epoch seconds; wins over --order-col",
    )
    parser.add_argument(
        "--order-col",
        default=d.order,
        help=(
            f"attempt order, used when present (default {d.order!r}); without a timestamp, "
            "attempt n is dated 2000-01-01 + n hours (file line number when neither exists)"
        ),
    )


def columns_from_options(options: dict[str, Any]) -> CsvColumns:
    return CsvColumns(
        user=options["user_col"],
        item=options["item_col"],
        topic=options["topic_col"],
        correct=options["correct_col"],
        time=options["time_col"],
        time_unit=options["time_unit"],
        time_valid=options["time_valid_col"],
        order=options["order_col"],
        timestamp=options["timestamp_col"],
    )
