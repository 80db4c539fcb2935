"""Attempts from another system: a school's history, one row per attempt.

`do_import_attempts` loads it so the student models have something to learn from on day one.
A validation pass checks every row (parsed as `benchmark_models` parses it:
`mlmodels.data.open_attempts_csv` and `parse_timestamp`) and keeps the parsed attempts; a file
with any bad row imports nothing. The attempts are then written in batches by one multi-row
`INSERT … ON CONFLICT DO NOTHING` each (psycopg2's `execute_values` on PostgreSQL, `executemany`
on SQLite) — no ORM objects, no look-up of existing keys: the unique (source, key) index skips
what is already there, and the row count says how many were new. Finally the learning-state rows
of the students touched are rebuilt (mlmodels.learning_state), timed on their own.

Transactions: by default each batch commits on its own, so a long import never blocks other
writers for long (SQLite has one writer; students practising meanwhile wait at most one batch).
The import is *safely resumable*: users, topics, tasks and attempts are all found again by their
namespaced keys, so re-running the same command after an interruption completes the import and
duplicates nothing. With `atomic=True` the whole import is one transaction instead.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import math
import re
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO, Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils.text import slugify

from mlmodels.data import CsvColumns, open_attempts_csv, parse_timestamp
from studysmart.csvsafe import unescape_cell
from studysmart.text import REASON, is_storable
from studysmart.write_pauses import WritePauses
from tasks.csv_common import FALSE_TEXTS, MAX_ERRORS, TRUE_TEXTS, chunks
from tasks.models import PracticeTask, Task, Topic

DEFAULT_BATCH_SIZE = 5_000
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
    attempts: list[_Attempt] = field(default_factory=list)  # every row, parsed once


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
    batch_size: int = DEFAULT_BATCH_SIZE,
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
        done = 0
        pauses = WritePauses()
        for whole in _batched(scan.attempts, batch_size):
            batch = [a for a in whole if a.user not in erased] if erased else whole
            if dry_run:
                existing = _existing_keys(source, [a.key for a in batch])
                created = sum(1 for a in batch if a.key not in existing)
            else:
                with transaction.atomic():
                    created = _insert_attempts(batch, source, user_ids, task_ids)
                if not atomic:
                    pauses.after_commit()  # students practising meanwhile get the lock too
            summary.attempts_created += created
            summary.attempts_skipped += len(whole) - created
            done += len(whole)
            if on_progress:
                on_progress(done)
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

    if problems:
        raise ValueError("; ".join(problems))
    key = f"{user}|{item}|{ordinal}"
    if len(key) > 200:
        key = f"sha1:{hashlib.sha1(key.encode()).hexdigest()}"
    return _Attempt(user, item, topic, correct, seconds, answered_at, key)


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
    """The validation pass: every row checked, nothing written."""
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


def _batched(items: Iterable[_Attempt], size: int) -> Iterator[list[_Attempt]]:
    batch: list[_Attempt] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


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


# PracticeTask columns an import fills per row; every other column gets its field default.
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


def _datetime_adapter(connection: Any) -> Callable[[datetime], Any]:
    """How this database takes an aware datetime. SQLite stores naive UTC text, which is what
    Django's adapter produces, ~4x slower (it checks settings on every call)."""
    if connection.vendor == "sqlite":

        def sqlite_text(value: datetime) -> str:
            return str(value.astimezone(UTC).replace(tzinfo=None))

        return sqlite_text
    return connection.ops.adapt_datetimefield_value


def _insert_attempts(
    batch: Sequence[_Attempt], source: str, user_ids: dict[str, int], task_ids: dict[str, int]
) -> int:
    """One multi-row INSERT … ON CONFLICT DO NOTHING; how many rows were new."""
    from django.db import connection

    fields = [f for f in PracticeTask._meta.concrete_fields if not f.primary_key]
    constant = {
        f.attname: f.get_db_prep_save(f.get_default(), connection)
        for f in fields
        if f.attname not in _PER_ROW
    }
    constant["status"] = PracticeTask.Status.COMPLETED
    constant["source"] = source
    names = [f.attname for f in fields]
    columns = ", ".join(connection.ops.quote_name(f.column or f.attname) for f in fields)
    table = connection.ops.quote_name(PracticeTask._meta.db_table)
    adapt = _datetime_adapter(connection)
    rows = []
    for a in batch:
        shown = a.answered_at - timedelta(seconds=a.seconds) if a.seconds else a.answered_at
        answered = adapt(a.answered_at)
        shown_value = adapt(shown)
        per_row = {
            "student_id": user_ids[a.user],
            "task_id": task_ids[a.item],
            "assigned_at": shown_value,
            "shown_at": shown_value,
            "answered_at": answered,
            "is_correct": a.correct,
            "seconds_taken": a.seconds,
            "external_key": a.key,
        }
        rows.append(tuple(per_row[n] if n in per_row else constant[n] for n in names))
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            from psycopg2.extras import execute_values

            inserted = execute_values(
                cursor.cursor,
                f"INSERT INTO {table} ({columns}) VALUES %s ON CONFLICT DO NOTHING RETURNING 1",
                rows,
                page_size=len(rows),
                fetch=True,
            )
            return len(inserted)
        placeholders = ", ".join(["%s"] * len(names))
        cursor.executemany(
            f"INSERT INTO {table} ({columns}) VALUES ({placeholders}) ON CONFLICT DO NOTHING",
            rows,
        )
        return max(cursor.rowcount, 0)
