"""Attempts from another system: a school's history, one row per attempt.

`do_import_attempts` loads it so the student models have something to learn from on day one.
A validation pass checks every row (parsed as `benchmark_models` parses it:
`mlmodels.data.open_attempts_csv` and `parse_timestamp`) and keeps the parsed attempts, one list
per column; a file with any bad row imports nothing. A valid file is checked column by column
(each distinct value of a column parsed once); anything doubtful sends it through the
row-by-row check, which names every problem. The attempts are then written in batches — on
SQLite one `executemany` of `INSERT … ON CONFLICT DO NOTHING`; on PostgreSQL a `COPY` (text
format) into a session-local staging table and one `INSERT … SELECT`, plain until a batch meets
rows already there (a re-run, a resumed import), then `… ON CONFLICT DO NOTHING` — no ORM
objects, no look-up of existing keys: the unique (source, key) index skips what is already
there, and the row count says how many were new. On PostgreSQL, outside a transaction, two
threads write batches at once, each on its own connection, so one server process inserts and
checks foreign keys while the other does the same and Python formats the next batch. The
planner statistics are refreshed after the load. Finally the learning-state rows of the students
touched are rebuilt (mlmodels.learning_state), timed on their own.

Transactions: by default each batch commits on its own, so a long import never blocks other
writers for long (SQLite has one writer; students practising meanwhile wait at most one batch).
The import is *safely resumable*: users, topics, tasks and attempts are all found again by their
namespaced keys, so re-running the same command after an interruption completes the import and
duplicates nothing. With `atomic=True` the whole import is one transaction instead.
"""

from __future__ import annotations

import contextlib
import csv
import gc
import hashlib
import io
import math
import queue
import re
import threading
import time
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from itertools import repeat
from pathlib import Path
from typing import IO, Any, TypeVar

import numpy as np
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import IntegrityError, transaction
from django.utils.text import slugify

from mlmodels.data import CsvColumns, open_attempts_csv, parse_timestamp
from mlmodels.learning_state import bulk_writes, db_datetime_texts, skip_commit_flush
from studysmart.csvsafe import unescape_cell
from studysmart.text import REASON, is_storable
from studysmart.write_pauses import WritePauses
from tasks.csv_common import FALSE_TEXTS, MAX_ERRORS, TRUE_TEXTS, chunks
from tasks.models import PracticeTask, Task, Topic

# Rows per transaction. SQLite has one write lock, which students practising meanwhile wait for;
# PostgreSQL locks only the new rows, and fewer, larger batches keep its two writers busier.
DEFAULT_BATCH_SIZE = 5_000
POSTGRES_BATCH_SIZE = 10_000
# With only an order column (e.g. a test's item position) there is no clock: attempt n of a
# student is dated SYNTHETIC_EPOCH + n × SYNTHETIC_STEP. The order is preserved, the dates are
# recognisably not real, and they sort before any live practice.
SYNTHETIC_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)
SYNTHETIC_STEP = timedelta(hours=1)
_MAX_SYNTHETIC_ORDER = 50_000_000  # ~5,700 years of hours: keeps the dates inside datetime's range

SOURCE_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,60}$")
_USERNAME_CHARS = re.compile(r"^[\w.@+-]+\Z")


class AttemptsFileError(ValueError):
    """The file cannot be imported; `errors` holds one message per problem (capped)."""

    def __init__(self, errors: Sequence[str], *, total: int | None = None) -> None:
        self.errors = list(errors)
        self.total = len(self.errors) if total is None else total
        super().__init__(self._message())

    def _message(self) -> str:
        head = f"{self.total} problem{'s' if self.total != 1 else ''}; nothing was imported."
        more = self.total - len(self.errors)
        tail = [f"… and {more} more"] if more > 0 else []
        return "\n".join([head, *(f"  {e}" for e in self.errors), *tail])


@dataclass
class AttemptImportSummary:
    source: str
    dry_run: bool = False
    rows: int = 0
    users_created: int = 0
    users_existing: int = 0
    users_erased: int = 0
    topics_created: int = 0
    topics_existing: int = 0
    tasks_created: int = 0
    tasks_existing: int = 0
    attempts_created: int = 0
    attempts_skipped: int = 0
    items_with_several_topics: int = 0
    seconds: float = 0.0  # reading, checking and writing the attempts
    state_seconds: float = 0.0  # rebuilding the students' learning-state rows afterwards

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds > 0 else 0.0

    def lines(self) -> list[str]:
        verb = "would create" if self.dry_run else "created"
        out = [
            f"source {self.source!r}: {self.rows:,} rows"
            + (" (dry run: nothing written)" if self.dry_run else ""),
            f"  users     {verb} {self.users_created:,}, existing {self.users_existing:,}",
            f"  topics    {verb} {self.topics_created:,}, existing {self.topics_existing:,}",
            f"  tasks     {verb} {self.tasks_created:,}, existing {self.tasks_existing:,}",
            f"  attempts  {verb} {self.attempts_created:,}, "
            f"skipped (already imported) {self.attempts_skipped:,}",
        ]
        if self.users_erased:
            out.append(f"  left out {self.users_erased:,} erased students and their attempts")
        if self.items_with_several_topics:
            out.append(
                f"  note: {self.items_with_several_topics:,} items appear under several topics;"
                " each keeps the topic of its first row"
            )
        out.append(f"  {self.seconds:.2f} s, {self.rows_per_second:,.0f} rows/s")
        if self.state_seconds:
            out.append(f"  learning state rebuilt in {self.state_seconds:.2f} s")
        return out


@dataclass(frozen=True, slots=True)
class _Attempt:
    user: str
    item: str
    topic: str
    correct: bool
    seconds: float | None
    answered_at: datetime
    key: str


_ONE_US = timedelta(microseconds=1)
_UNIX_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# The earliest instant a Python datetime (and so Django) can hold, in microseconds since 1970.
_MIN_US = (datetime(1, 1, 1, tzinfo=UTC) - _UNIX_EPOCH) // _ONE_US


def _micros(value: datetime) -> int:
    return (value - _UNIX_EPOCH) // _ONE_US


@dataclass
class _Attempts:
    """Every valid row, parsed once, one list per column (no object per attempt)."""

    users: list[str] = field(default_factory=list)
    items: list[str] = field(default_factory=list)
    correct: list[bool] = field(default_factory=list)
    seconds: list[float | None] = field(default_factory=list)
    answered_us: list[int] = field(default_factory=list)  # microseconds since 1970, UTC
    shown_us: list[int] = field(default_factory=list)  # answered minus the time taken
    keys: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.keys)

    def append(self, a: _Attempt) -> None:
        answered = _micros(a.answered_at)
        self.users.append(a.user)
        self.items.append(a.item)
        self.correct.append(a.correct)
        self.seconds.append(a.seconds)
        self.answered_us.append(answered)
        self.shown_us.append(answered - _seconds_us(a.seconds) if a.seconds else answered)
        self.keys.append(a.key)

    def rows(self, lo: int, hi: int, keep: Callable[[str], bool] | None = None) -> _Attempts:
        """Rows lo..hi (those whose user `keep` accepts, when given)."""
        part = _Attempts(
            self.users[lo:hi],
            self.items[lo:hi],
            self.correct[lo:hi],
            self.seconds[lo:hi],
            self.answered_us[lo:hi],
            self.shown_us[lo:hi],
            self.keys[lo:hi],
        )
        if keep is None:
            return part
        mask = [keep(u) for u in part.users]
        return _Attempts(
            *([v for v, k in zip(col, mask, strict=True) if k] for col in part.columns())
        )

    def columns(self) -> tuple[list[Any], ...]:
        return (
            self.users,
            self.items,
            self.correct,
            self.seconds,
            self.answered_us,
            self.shown_us,
            self.keys,
        )


def _seconds_us(seconds: float) -> int:
    # timedelta's own rounding (half-even to the microsecond), as `datetime - timedelta` did.
    return timedelta(seconds=seconds) // _ONE_US


@dataclass(frozen=True)
class _Layout:
    """Column positions in this file's header; None where an optional column is absent."""

    user: int
    item: int
    correct: int
    topic: int | None
    time: int | None
    time_valid: int | None
    order: int | None
    timestamp: int | None
    names: tuple[str, ...]
    scale: float  # multiplies the time column into seconds


@dataclass
class _Scan:
    rows: int = 0
    users: dict[str, None] = field(default_factory=dict)  # ordered set
    items: dict[str, str] = field(default_factory=dict)  # item -> topic of its first row
    topics: dict[str, None] = field(default_factory=dict)
    items_with_several_topics: set[str] = field(default_factory=set)
    attempts: _Attempts = field(default_factory=_Attempts)  # every row, parsed once


def default_source(path: Path | str) -> str:
    """The file's stem as a valid source name (`--source` default)."""
    return slugify(Path(path).stem)[:60]


def check_source(source: str) -> None:
    if not SOURCE_PATTERN.match(source):
        raise AttemptsFileError(
            [f"source {source!r} must be 1-60 letters, digits, '-' or '_' (it prefixes usernames)"]
        )


def imported_username(*, source: str, user: str) -> str:
    """`<source>.<user>`: a valid Django username, the same on every run.

    Ids with characters a username may not hold (or too long) get a readable part and a hash.
    """
    name = f"{source}.{user}"
    if _USERNAME_CHARS.match(user) and len(name) <= 150:
        return name
    digest = hashlib.sha1(user.encode()).hexdigest()[:10]
    return f"{source}.{(slugify(user)[:80] or 'user')}-{digest}"


def imported_topic_slug(*, source: str, topic: str) -> str:
    return _namespaced_slug(f"{source}-{topic or 'unspecified'}", max_length=120)


def imported_task_slug(*, source: str, item: str) -> str:
    slug = f"{source}:{item}"
    if len(slug) <= 200:
        return slug
    return f"{slug[:180]}-{hashlib.sha1(item.encode()).hexdigest()[:12]}"


def _namespaced_slug(text: str, *, max_length: int) -> str:
    slug = slugify(text)
    if slug == text and len(slug) <= max_length:
        return slug
    # Lossy slugs ("A b", "a-b") get a hash of the original so two values never share a slug.
    digest = hashlib.sha1(text.encode()).hexdigest()[:8]
    return f"{slug[: max_length - 9]}-{digest}"


def do_import_attempts(
    *,
    path: Path | str,
    columns: CsvColumns = CsvColumns(),
    source: str = "",
    batch_size: int | None = None,
    dry_run: bool = False,
    atomic: bool = False,
    required_columns: Iterable[str] = (),
    max_errors: int = MAX_ERRORS,
    on_progress: Callable[[int], None] | None = None,
) -> AttemptImportSummary:
    """Import attempts from a long CSV (one row per attempt); see the module docstring.

    Creates the users (unusable passwords: an admin invites them), topics and tasks (no
    statement, no difficulty, never assigned) it needs and one completed PracticeTask per row.
    `required_columns` lists optional columns (topic, time, order…) that must nevertheless be in
    the header, e.g. because they were named explicitly. Raises AttemptsFileError before writing
    anything if the file or any row is broken.
    """
    started = time.perf_counter()
    path = Path(path)
    source = source or default_source(path)
    check_source(source)
    if batch_size is None:
        postgres = transaction.get_connection().vendor == "postgresql"
        batch_size = POSTGRES_BATCH_SIZE if postgres else DEFAULT_BATCH_SIZE
    if batch_size < 1:
        raise AttemptsFileError([f"batch size must be positive, got {batch_size}"])
    if columns.time_unit not in ("ms", "s"):
        raise AttemptsFileError([f"time unit must be 'ms' or 's', got {columns.time_unit!r}"])
    layout = _read_layout(path, columns, required_columns)
    scan = _scan(path, layout, max_errors)
    _check_namespaces(source, scan)

    summary = AttemptImportSummary(source=source, dry_run=dry_run, rows=scan.rows)
    summary.items_with_several_topics = len(scan.items_with_several_topics)
    outer = transaction.atomic() if atomic and not dry_run else contextlib.nullcontext()
    with outer:
        # Erased students (a tombstone of their namespaced id) are not brought back.
        erased = _erased_users(source, scan, summary)
        user_ids = _ensure_users(source, scan, summary, dry_run, skip=erased)
        topic_ids = _ensure_topics(source, scan, summary, dry_run)
        task_ids = _ensure_tasks(source, scan, topic_ids, summary, dry_run)
        keep = (lambda user: user not in erased) if erased else None
        total = len(scan.attempts)
        spans = [(lo, min(lo + batch_size, total)) for lo in range(0, total, batch_size)]
        bulk = contextlib.nullcontext() if dry_run else bulk_writes()
        with bulk:
            if dry_run:
                written = _count_new(source, scan.attempts, spans, keep)
            else:
                writer = _AttemptWriter(source, user_ids, task_ids)
                if writer.postgres and not transaction.get_connection().in_atomic_block:
                    written = _write_in_parallel(writer, scan.attempts, spans, keep)
                else:
                    written = _write_one_by_one(writer, scan.attempts, spans, keep)
            done = 0
            with contextlib.closing(written):  # on an error here, the writer threads stop too
                for lo, hi, created in written:
                    summary.attempts_created += created
                    summary.attempts_skipped += (hi - lo) - created
                    done += hi - lo
                    if on_progress:
                        on_progress(done)
            if not dry_run:
                writer.close()
    summary.seconds = time.perf_counter() - started
    if summary.attempts_created and not dry_run:
        from mlmodels.learning_state import rebuild_students

        state_started = time.perf_counter()
        rebuild_students(student_ids=user_ids.values())
        summary.state_seconds = time.perf_counter() - state_started
    return summary


def _open_csv(path: Path) -> IO[str]:
    return open_attempts_csv(path)


def _read_layout(path: Path, columns: CsvColumns, required: Iterable[str]) -> _Layout:
    try:
        with _open_csv(path) as fh:
            header = next(csv.reader(fh), None)
    except FileNotFoundError:
        raise AttemptsFileError([f"{path}: no such file"]) from None
    except (UnicodeDecodeError, csv.Error) as exc:
        raise AttemptsFileError([f"{path}: not a UTF-8 CSV file ({exc})"]) from None
    if not header:
        raise AttemptsFileError([f"{path}: the file is empty (no header line)"])
    names = tuple(h.strip() for h in header)
    index = {name: i for i, name in enumerate(names)}
    must = [columns.user, columns.item, columns.correct, *required]
    if columns.timestamp:
        must.append(columns.timestamp)
    missing = [c for c in dict.fromkeys(must) if c and c not in index]
    if missing:
        have = ", ".join(names)
        raise AttemptsFileError(
            [f"line 1: missing column {c!r} (the header has: {have})" for c in missing]
        )

    def optional(name: str) -> int | None:
        return index.get(name) if name else None

    return _Layout(
        user=index[columns.user],
        item=index[columns.item],
        correct=index[columns.correct],
        topic=optional(columns.topic),
        time=optional(columns.time),
        time_valid=optional(columns.time_valid),
        order=optional(columns.order),
        timestamp=optional(columns.timestamp),
        names=names,
        scale=0.001 if columns.time_unit == "ms" else 1.0,
    )


def _rows(path: Path, layout: _Layout) -> Iterator[tuple[int, list[str]]]:
    with _open_csv(path) as fh:
        # strict: a stray or unterminated quote is an error, never a silently merged row.
        reader = csv.reader(fh, strict=True)
        next(reader, None)
        for row in reader:
            if row:  # blank lines carry nothing
                # The apostrophe an export puts before formula-like text is not data.
                yield reader.line_num, [unescape_cell(cell) for cell in row]


def _parse(line: int, row: list[str], layout: _Layout) -> _Attempt:
    """One row to an attempt; raises ValueError with every problem of the row."""
    names = layout.names
    if len(row) != len(names):
        raise ValueError(f"expected {len(names)} fields, found {len(row)}")
    problems: list[str] = [
        f"column {names[i]!r}: {REASON}" for i, cell in enumerate(row) if not is_storable(cell)
    ]
    if problems:  # nothing else of the row can be trusted (or shown) then
        raise ValueError("; ".join(problems))
    # Every column of an attempt is one line: a break means a quote swallowed the next row.
    problems += [
        f"column {names[i]!r}: a line break (a quote probably opens in one row and closes "
        "in another)"
        for i, cell in enumerate(row)
        if "\n" in cell or "\r" in cell
    ]
    user = row[layout.user].strip()
    item = row[layout.item].strip()
    if not user:
        problems.append(f"{names[layout.user]} is empty")
    if not item:
        problems.append(f"{names[layout.item]} is empty")
    elif len(item) > 200:
        problems.append(f"{names[layout.item]} is longer than 200 characters")
    topic = ""
    if layout.topic is not None:
        topic = row[layout.topic].strip()
        if len(topic) > 100:
            problems.append(f"{names[layout.topic]} is longer than 100 characters")

    raw_correct = row[layout.correct].strip().lower()
    correct = raw_correct in TRUE_TEXTS
    if not correct and raw_correct not in FALSE_TEXTS:
        problems.append(f"{names[layout.correct]} must be 0 or 1, got {row[layout.correct]!r}")

    seconds = None
    usable = True
    if layout.time_valid is not None:
        flag = row[layout.time_valid].strip().lower()
        if flag in FALSE_TEXTS:
            usable = False
        elif flag not in TRUE_TEXTS and flag != "":
            name = names[layout.time_valid]
            problems.append(f"{name} must be 0 or 1, got {row[layout.time_valid]!r}")
    if usable and layout.time is not None:
        raw = row[layout.time].strip()
        if raw:  # an empty time is allowed: the attempt simply has none
            name = names[layout.time]
            try:
                value = float(raw)
            except ValueError:
                value = math.nan
            if not math.isfinite(value):
                problems.append(f"{name} must be a number, got {row[layout.time]!r}")
            elif value < 0:
                problems.append(f"{name} must not be negative, got {row[layout.time]!r}")
            elif value > 0:
                seconds = value * layout.scale

    answered_at = SYNTHETIC_EPOCH
    ordinal = f"line{line}"
    if layout.timestamp is not None:
        try:
            answered_at = _parse_timestamp(row[layout.timestamp])
            ordinal = _number_text(answered_at.timestamp())
        except ValueError as exc:
            problems.append(f"{names[layout.timestamp]}: {exc}")
    else:
        order = float(line)
        if layout.order is not None:
            try:
                order = _parse_order(row[layout.order])
                ordinal = _number_text(order)
            except ValueError as exc:
                problems.append(f"{names[layout.order]}: {exc}")
        answered_at = SYNTHETIC_EPOCH + order * SYNTHETIC_STEP

    if seconds and not problems and layout.time is not None:
        try:  # the attempt was shown `seconds` before its answer: a date too
            answered_at - timedelta(seconds=seconds)
        except OverflowError:
            problems.append(f"{names[layout.time]} is too large, got {row[layout.time]!r}")
    if problems:
        raise ValueError("; ".join(problems))
    return _Attempt(
        user, item, topic, correct, seconds, answered_at, _long_key(f"{user}|{item}|{ordinal}")
    )


def _parse_timestamp(raw: str) -> datetime:
    return parse_timestamp(raw)  # the one parser (naive = UTC), shared with benchmark_models


def _parse_order(raw: str) -> float:
    try:
        value = float(raw.strip())
    except ValueError:
        raise ValueError(f"must be a number, got {raw!r}") from None
    if not math.isfinite(value) or abs(value) > _MAX_SYNTHETIC_ORDER:
        raise ValueError(f"must be a number up to {_MAX_SYNTHETIC_ORDER:,}, got {raw!r}")
    return value


def _number_text(value: float) -> str:
    # "3", "3.0" and "3.00" in two exports of the same data must give the same key.
    return str(int(value)) if value.is_integer() else repr(value)


def _scan(path: Path, layout: _Layout, max_errors: int) -> _Scan:
    """The validation pass: every row checked, nothing written.

    A valid file (the usual case) is checked column by column, each distinct value parsed once;
    at the first doubt — a bad cell, a duplicate, a cell spanning lines — the file goes through
    the row-by-row check instead, which is the authority and names every problem.
    """
    with _gc_paused():  # millions of small strings: the collector would rescan them often
        fast = _scan_columns(path, layout)
        return fast if fast is not None else _scan_rows(path, layout, max_errors)


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


_Cell = TypeVar("_Cell", str, float | None)


class _Invalid(ValueError):
    """A cell the column-wise check cannot accept: the row-by-row check takes over."""


def _scan_columns(path: Path, layout: _Layout) -> _Scan | None:
    """The whole file checked column by column; None when any row may be broken."""
    try:
        with _open_csv(path) as fh:
            text = fh.read()
    except UnicodeDecodeError:
        return None
    if not is_storable(text):  # then some cell is not (a cell is a part of the text)
        return None
    try:
        reader = csv.reader(io.StringIO(text, newline=""), strict=True)
        next(reader, None)
        table = list(reader)
    except csv.Error:
        return None
    del text
    # No cell spans lines (checked below), so data row k is on line k + 2.
    lines: Sequence[int] = range(2, len(table) + 2)
    if [] in table:  # blank lines carry nothing
        lines = [k + 2 for k, row in enumerate(table) if row]
        table = [row for row in table if row]
    n = len(table)
    if n == 0 or set(map(len, table)) != {len(layout.names)}:
        return None
    columns: list[Sequence[str]] = list(zip(*table, strict=True))
    del table
    for k, column in enumerate(columns):
        joined = "\x00".join(column)
        if "\n" in joined or "\r" in joined:
            return None
        if "'" in joined:  # the apostrophe an export puts before formula-like text
            columns[k] = list(map(unescape_cell, column))

    users = list(map(str.strip, columns[layout.user]))
    items = list(map(str.strip, columns[layout.item]))
    if "" in users or "" in items or max(map(len, items)) > 200:
        return None
    topics = [""] * n
    if layout.topic is not None:
        topics = list(map(str.strip, columns[layout.topic]))
        if max(map(len, topics)) > 100:
            return None
    try:
        correct = _per_value(columns[layout.correct], _truth)
        seconds = _seconds_column(columns, layout, n)
        if layout.timestamp is not None:
            ordinals, answered = _per_value_pairs(columns[layout.timestamp], _stamp)
        elif layout.order is not None:
            ordinals, answered = _per_value_pairs(columns[layout.order], _position)
        else:
            epoch, step = _micros(SYNTHETIC_EPOCH), SYNTHETIC_STEP // _ONE_US
            ordinals = [f"line{line}" for line in lines]
            answered = [epoch + line * step for line in lines]
        taken = {s: _seconds_us(s) for s in set(seconds) if s}
    except (_Invalid, OverflowError):
        return None
    shown = [a - taken[s] if s else a for a, s in zip(answered, seconds, strict=True)]
    if min(shown) < _MIN_US:
        return None
    keys = [f"{u}|{i}|{o}" for u, i, o in zip(users, items, ordinals, strict=True)]
    if max(map(len, keys)) > 200:
        keys = [_long_key(k) for k in keys]
    if len(set(keys)) != n:  # a duplicate: the row-by-row check says which lines
        return None

    scan = _Scan(rows=n)
    scan.attempts = _Attempts(users, items, correct, seconds, answered, shown, keys)
    scan.users = dict.fromkeys(users)
    scan.topics = dict.fromkeys(topics)
    first = dict(zip(reversed(items), reversed(topics), strict=True))  # each item's first topic
    scan.items = {item: first[item] for item in dict.fromkeys(items)}
    if len(set(zip(items, topics, strict=True))) != len(scan.items):
        scan.items_with_several_topics = {
            i for i, t in zip(items, topics, strict=True) if t != first[i]
        }
    return scan


def _per_value(cells: Sequence[_Cell], parse: Callable[[_Cell], Any]) -> list[Any]:
    """`parse` of every cell, computed once per distinct value (a column has few)."""
    known = {cell: parse(cell) for cell in set(cells)}
    return list(map(known.__getitem__, cells))


def _per_value_pairs(
    cells: Sequence[str], parse: Callable[[str], tuple[str, int]]
) -> tuple[list[str], list[int]]:
    pairs = _per_value(cells, parse)
    return [p[0] for p in pairs], [p[1] for p in pairs]


def _truth(cell: str) -> bool:
    text = cell.strip().lower()
    if text in TRUE_TEXTS:
        return True
    if text in FALSE_TEXTS:
        return False
    raise _Invalid(cell)


def _time_usable(cell: str) -> bool:
    flag = cell.strip().lower()
    if flag in FALSE_TEXTS:
        return False
    if flag in TRUE_TEXTS or flag == "":
        return True
    raise _Invalid(cell)


def _seconds_column(columns: Sequence[Sequence[str]], layout: _Layout, n: int) -> list[Any]:
    """Each row's time in seconds (None: none, or not usable), as `_parse` reads it."""
    if layout.time is None:
        return [None] * n
    scale = layout.scale
    bad = object()  # an invalid time matters only where the time is usable

    def value(cell: str) -> Any:
        raw = cell.strip()
        if not raw:
            return None
        try:
            number = float(raw)
        except ValueError:
            return bad
        if not math.isfinite(number) or number < 0:
            return bad
        return number * scale if number > 0 else None

    seconds = _per_value(columns[layout.time], value)
    if layout.time_valid is not None:
        usable = _per_value(columns[layout.time_valid], _time_usable)
        seconds = [s if u else None for s, u in zip(seconds, usable, strict=True)]
    if any(s is bad for s in seconds):
        raise _Invalid("time")
    return seconds


def _stamp(cell: str) -> tuple[str, int]:
    try:
        at = _parse_timestamp(cell)
    except ValueError:
        raise _Invalid(cell) from None
    return _number_text(at.timestamp()), _micros(at)


def _position(cell: str) -> tuple[str, int]:
    try:
        order = _parse_order(cell)
    except ValueError:
        raise _Invalid(cell) from None
    return _number_text(order), _micros(SYNTHETIC_EPOCH + order * SYNTHETIC_STEP)


def _long_key(key: str) -> str:
    return key if len(key) <= 200 else f"sha1:{hashlib.sha1(key.encode()).hexdigest()}"


def _scan_rows(path: Path, layout: _Layout, max_errors: int) -> _Scan:
    """The validation pass row by row: names every problem of a broken file."""
    scan = _Scan()
    errors: list[str] = []
    total_errors = 0
    first_line: dict[str, int] = {}
    try:
        for line, row in _rows(path, layout):
            scan.rows += 1
            try:
                a = _parse(line, row, layout)
            except ValueError as exc:
                total_errors += 1
                if len(errors) < max_errors:
                    errors.append(f"line {line}: {exc}")
                continue
            seen = first_line.setdefault(a.key, line)
            if seen != line:
                total_errors += 1
                if len(errors) < max_errors:
                    errors.append(
                        f"line {line}: the same attempt as line {seen} "
                        "(same user, item and order/timestamp)"
                    )
                continue
            scan.attempts.append(a)
            scan.users[a.user] = None
            scan.topics[a.topic] = None
            first_topic = scan.items.setdefault(a.item, a.topic)
            if first_topic != a.topic:
                scan.items_with_several_topics.add(a.item)
    except (UnicodeDecodeError, csv.Error) as exc:
        total_errors += 1
        errors.append(f"after line {scan.rows + 1}: unreadable CSV ({exc})")
    if total_errors:
        raise AttemptsFileError(errors, total=total_errors)
    if scan.rows == 0:
        raise AttemptsFileError([f"{path}: no rows after the header"])
    return scan


def _check_namespaces(source: str, scan: _Scan) -> None:
    """Refuse to attach imported rows to topics or tasks that belong to something else."""
    problems: list[str] = []
    slugs = [imported_topic_slug(source=source, topic=t) for t in scan.topics]
    for chunk in chunks(slugs):
        for slug, other in (
            Topic.objects.filter(slug__in=chunk)
            .exclude(source=source)
            .values_list("slug", "source")
        ):
            problems.append(
                f"topic slug {slug!r} already belongs to "
                + (f"source {other!r}" if other else "the question bank")
            )
    task_slugs = [imported_task_slug(source=source, item=i) for i in scan.items]
    for chunk in chunks(task_slugs):
        for slug in (
            Task.objects.filter(slug__in=chunk)
            .exclude(source=source)
            .values_list("slug", flat=True)
        ):
            problems.append(f"task slug {slug!r} already belongs to another source")
    if problems:
        raise AttemptsFileError(problems[:MAX_ERRORS], total=len(problems))


def _erased_users(source: str, scan: _Scan, summary: AttemptImportSummary) -> set[str]:
    from operations.models import ErasedStudent

    by_name = {imported_username(source=source, user=u): u for u in scan.users}
    erased = {by_name[name] for name in ErasedStudent.erased(by_name)}
    summary.users_erased = len(erased)
    return erased


def _ensure_users(
    source: str,
    scan: _Scan,
    summary: AttemptImportSummary,
    dry_run: bool,
    skip: AbstractSet[str] = frozenset(),
) -> dict[str, int]:
    User = get_user_model()
    wanted = {imported_username(source=source, user=u): u for u in scan.users if u not in skip}
    names = list(wanted)
    found = _users_by_name(names)
    missing = [n for n in names if n not in found]
    summary.users_existing = len(found)
    summary.users_created = len(missing)
    if missing and not dry_run:
        # Unusable passwords: nobody can log in as an imported student until an admin invites them.
        User.objects.bulk_create(
            [User(username=n, password=make_password(None)) for n in missing],
            ignore_conflicts=True,
        )
        found.update(_users_by_name(missing))
    return {wanted[n]: pk for n, pk in found.items()}


def _users_by_name(names: Sequence[str]) -> dict[str, int]:
    User = get_user_model()
    found: dict[str, int] = {}
    for chunk in chunks(names):
        found.update(User.objects.filter(username__in=chunk).values_list("username", "pk"))
    return found


def _ensure_topics(
    source: str, scan: _Scan, summary: AttemptImportSummary, dry_run: bool
) -> dict[str, int]:
    by_slug = {imported_topic_slug(source=source, topic=t): t for t in scan.topics}
    found = _topics_by_slug(source, list(by_slug))
    missing = [s for s in by_slug if s not in found]
    summary.topics_existing = len(found)
    summary.topics_created = len(missing)
    if missing and not dry_run:
        Topic.objects.bulk_create(
            [
                Topic(
                    slug=s,
                    name=f"{by_slug[s] or 'unspecified'} ({source})"[:120],
                    description=f"Imported from {source!r}.",
                    source=source,
                )
                for s in missing
            ],
            ignore_conflicts=True,
        )
        found = _topics_by_slug(source, list(by_slug))
    return {topic: found[slug] for slug, topic in by_slug.items() if slug in found}


def _topics_by_slug(source: str, slugs: Sequence[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for chunk in chunks(slugs):
        found.update(Topic.objects.filter(source=source, slug__in=chunk).values_list("slug", "pk"))
    return found


def _ensure_tasks(
    source: str,
    scan: _Scan,
    topic_ids: dict[str, int],
    summary: AttemptImportSummary,
    dry_run: bool,
) -> dict[str, int]:
    items = list(scan.items)
    found = _tasks_by_item(source, items)
    missing = [i for i in items if i not in found]
    summary.tasks_existing = len(found)
    summary.tasks_created = len(missing)
    if missing and not dry_run:
        Task.objects.bulk_create(
            [
                Task(
                    topic_id=topic_ids[scan.items[i]],
                    slug=imported_task_slug(source=source, item=i),
                    title=f"{i} ({source})"[:200],
                    source=source,
                    external_id=i,
                )
                for i in missing
            ],
            ignore_conflicts=True,
        )
        found = _tasks_by_item(source, items)
        lost = [i for i in missing if i not in found]
        if lost:
            raise AttemptsFileError([f"could not create tasks for items {lost[:10]}"])
    return found


def _tasks_by_item(source: str, items: Sequence[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for chunk in chunks(items):
        found.update(
            Task.objects.filter(source=source, external_id__in=chunk)
            .exclude(source="")  # repeats the partial index's condition so SQLite uses it
            .order_by()
            .values_list("external_id", "pk")
        )
    return found


def _existing_keys(source: str, keys: Sequence[str]) -> set[str]:
    existing: set[str] = set()
    for chunk in chunks(keys):
        existing.update(
            PracticeTask.objects.filter(source=source, external_key__in=chunk)
            .exclude(source="")  # repeats the partial index's condition so SQLite uses it
            .order_by()
            .values_list("external_key", flat=True)
        )
    return existing


_Span = tuple[int, int]  # rows lo..hi of the file: one batch
_Written = tuple[int, int, int]  # a batch's lo, hi and how many of its rows were new


def _count_new(
    source: str, attempts: _Attempts, spans: list[_Span], keep: Callable[[str], bool] | None
) -> Generator[_Written, None, None]:
    """A dry run: how many rows of each batch are not there yet."""
    for lo, hi in spans:
        keys = attempts.rows(lo, hi, keep).keys
        existing = _existing_keys(source, keys)
        yield lo, hi, sum(1 for k in keys if k not in existing)


def _write_one_by_one(
    writer: _AttemptWriter,
    attempts: _Attempts,
    spans: list[_Span],
    keep: Callable[[str], bool] | None,
) -> Generator[_Written, None, None]:
    """Each batch in a transaction of its own (a savepoint in the caller's transaction, if any)."""
    pauses = WritePauses()
    for lo, hi in spans:
        rows = writer.prepare(attempts.rows(lo, hi, keep))  # no lock held meanwhile
        with transaction.atomic():
            created = writer.write(rows)
        if not writer.connection.in_atomic_block:  # (inside the caller's: a savepoint)
            pauses.after_commit()  # students practising meanwhile get SQLite's lock too
        if lo == 0 and not writer.postgres:
            # SQLite's planner has no statistics of its own, and without them it reads a
            # student's recent attempts through the (status, answered_at) index, every
            # imported row: students would wait seconds per request.
            writer.refresh_statistics()
        yield lo, hi, created


# PostgreSQL: this many batches are written at once, each thread on its own connection and in
# short transactions of its own. While one server process inserts a batch and checks its foreign
# keys (most of an import's time), the other does the same for the next one and this process
# formats a third (psycopg2 releases the GIL while it waits for the server).
PARALLEL_WRITERS = 2


def _write_in_parallel(
    writer: _AttemptWriter,
    attempts: _Attempts,
    spans: list[_Span],
    keep: Callable[[str], bool] | None,
    workers: int = PARALLEL_WRITERS,
) -> Generator[_Written, None, None]:
    """`_write_one_by_one` on several connections at once; yields each batch once committed.

    Only outside a transaction: the other connections would not see the caller's uncommitted
    users and tasks. Batches may commit out of order; each is still whole or absent, so an
    interrupted import is completed by a re-run as before.
    """
    from django.db import connections

    todo = iter(spans)
    lock = threading.Lock()
    stop = threading.Event()
    results: queue.SimpleQueue[_Written | BaseException | None] = queue.SimpleQueue()

    def work() -> None:
        try:
            while not stop.is_set():
                with lock:
                    span = next(todo, None)
                if span is None:
                    break
                lo, hi = span
                rows = writer.prepare(attempts.rows(lo, hi, keep))
                with transaction.atomic():
                    created = writer.write(rows)
                results.put((lo, hi, created))
        except BaseException as exc:  # handed to the caller's thread, which raises it
            results.put(exc)
        finally:
            connections.close_all()  # this thread's connections only
            results.put(None)

    threads = [
        threading.Thread(target=work, name=f"import-attempts-{k}", daemon=True)
        for k in range(max(1, min(workers, len(spans))))
    ]
    for thread in threads:
        thread.start()
    running = len(threads)
    error: BaseException | None = None
    try:
        while running:
            item = results.get()
            if item is None:
                running -= 1
            elif isinstance(item, BaseException):
                error = error or item
                stop.set()
            else:
                yield item
    finally:
        stop.set()
        for thread in threads:
            thread.join()
    if error is not None:
        raise error


# PracticeTask columns an import fills per row (in this order); every other column gets its
# field default.
_PER_ROW = (
    "student_id",
    "task_id",
    "assigned_at",
    "shown_at",
    "answered_at",
    "is_correct",
    "seconds_taken",
    "external_key",
)
# PostgreSQL: each batch is copied (COPY, the fastest way in) into this session-local table of
# the same columns, then moved over by one INSERT … SELECT.
_STAGING = "studysmart_import_attempts"
_UNIQUE_VIOLATION = "23505"
_COPY_NULL = "\\N"
_COPY_BOOLEAN = {True: "t", False: "f"}
_COPY_SPECIAL = re.compile(r"[\\\t\n\r]")


def _copy_text(value: str | None) -> str:
    """A value as a field of COPY's text format."""
    if value is None:
        return _COPY_NULL
    if not _COPY_SPECIAL.search(value):
        return value
    return (
        value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    )


def _seconds_text(value: float | None) -> str:
    return _COPY_NULL if value is None else repr(value)  # repr: the same double, read back


@dataclass(frozen=True)
class _CopyBatch:
    data: io.BytesIO  # COPY's text format, one line per row
    rows: int


class _AttemptWriter:
    """Writes batches of attempts: `prepare` (no database work) then `write` (in the caller's
    transaction) returns how many rows were new. No ORM objects, no look-up of existing keys:
    the unique (source, key) index skips what is already there.

    On PostgreSQL `write` may run in several threads at once, each on its own connection.
    """

    def __init__(self, source: str, user_ids: dict[str, int], task_ids: dict[str, int]) -> None:
        from django.db import connection  # a proxy: each thread's own connection

        self.connection = connection
        self.postgres = connection.vendor == "postgresql"
        self.user_ids = user_ids
        self.task_ids = task_ids
        fields = [f for f in PracticeTask._meta.concrete_fields if not f.primary_key]
        by_name = {f.attname: f for f in fields}
        constant = [f for f in fields if f.attname not in _PER_ROW]
        values = {f.attname: f.get_db_prep_save(f.get_default(), connection) for f in constant}
        values["status"] = PracticeTask.Status.COMPLETED
        values["source"] = source
        self.constants = [values[f.attname] for f in constant]
        q = connection.ops.quote_name
        ordered = [by_name[name] for name in _PER_ROW] + constant
        columns = ", ".join(q(f.column or f.attname) for f in ordered)
        self.table = q(PracticeTask._meta.db_table)
        if self.postgres:
            self.user_texts = {user: str(pk) for user, pk in user_ids.items()}
            self.task_texts = {item: str(pk) for item, pk in task_ids.items()}
            # The constant columns as the server itself writes them, one text for every row.
            casts = ", ".join(f"CAST(%s AS {f.db_type(connection)})::text" for f in constant)
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT {casts}", self.constants)
                self.constant_text = "\t".join(map(_copy_text, cursor.fetchone()))
            self.columns = columns
            self.copy = f"COPY {_STAGING} ({columns}) FROM STDIN"
            self.insert = f"INSERT INTO {self.table} ({columns}) SELECT {columns} FROM {_STAGING}"
            # Until a batch meets rows already imported (a re-run, a resumed import), a plain
            # INSERT: with ON CONFLICT (speculative insertion) it takes 40-50 % longer.
            self.plain = True
            self._sessions = threading.local()  # which connections have their staging table
        else:
            marks = ", ".join(["%s"] * len(ordered))
            self.sql = (
                f"INSERT INTO {self.table} ({columns}) VALUES ({marks}) ON CONFLICT DO NOTHING"
            )

    def prepare(self, batch: _Attempts) -> Any:
        shown = db_datetime_texts(np.asarray(batch.shown_us, np.int64), postgres=self.postgres)
        answered = db_datetime_texts(
            np.asarray(batch.answered_us, np.int64), postgres=self.postgres
        )
        if self.postgres:
            keys = batch.keys
            if _COPY_SPECIAL.search("".join(keys)):
                keys = list(map(_copy_text, keys))
            lines = map(
                "\t".join,
                zip(
                    map(self.user_texts.__getitem__, batch.users),
                    map(self.task_texts.__getitem__, batch.items),
                    shown,
                    shown,
                    answered,
                    map(_COPY_BOOLEAN.__getitem__, batch.correct),
                    _per_value(batch.seconds, _seconds_text),
                    keys,
                    repeat(self.constant_text),
                    strict=False,  # the constants repeat for ever
                ),
            )
            text = "".join(line + "\n" for line in lines)
            return _CopyBatch(io.BytesIO(text.encode()), len(keys))
        students = list(map(self.user_ids.__getitem__, batch.users))
        tasks = list(map(self.task_ids.__getitem__, batch.items))
        return list(
            zip(
                students,
                tasks,
                shown,
                shown,
                answered,
                batch.correct,
                batch.seconds,
                batch.keys,
                *map(repeat, self.constants),
                strict=False,  # the constants repeat for ever
            )
        )

    def write(self, rows: Any) -> int:
        with self.connection.cursor() as cursor:
            if not self.postgres:
                cursor.executemany(self.sql, rows)
                return max(cursor.rowcount, 0)
            skip_commit_flush(cursor)  # a re-run repairs what a crash might lose
            if not getattr(self._sessions, "staging", False):
                cursor.execute(
                    f"CREATE TEMPORARY TABLE IF NOT EXISTS {_STAGING} AS "
                    f"SELECT {self.columns} FROM {self.table} WITH NO DATA"
                )
                self._sessions.staging = True
            cursor.execute(f"TRUNCATE {_STAGING}")
            cursor.cursor.copy_expert(self.copy, rows.data)
            if self.plain:
                try:
                    with transaction.atomic():  # a savepoint: a conflict undoes this INSERT only
                        cursor.execute(self.insert)
                    return max(cursor.rowcount, 0)
                except IntegrityError as exc:
                    if getattr(exc.__cause__, "pgcode", None) != _UNIQUE_VIOLATION:
                        raise
                    self.plain = False  # some rows are there already
            cursor.execute(f"{self.insert} ON CONFLICT DO NOTHING")
            created = max(cursor.rowcount, 0)
            self.plain = created == rows.rows  # past what an earlier run imported
            return created

    def refresh_statistics(self) -> None:
        """Up-to-date planner statistics for the grown table (after a bulk load, as both
        databases' manuals advise)."""
        _analyze(self.connection, PracticeTask._meta.db_table)

    def close(self) -> None:
        if self.postgres:
            with self.connection.cursor() as cursor:
                cursor.execute(f"DROP TABLE IF EXISTS {_STAGING}")
        self.refresh_statistics()


def _analyze(connection: Any, table: str) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            # A sample per index is enough for the planner and keeps the write lock brief.
            cursor.execute("PRAGMA analysis_limit = 1000")
        cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")
