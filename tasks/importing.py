"""Bringing data in and out: attempts from another system, and topics/tasks as CSV.

`do_import_attempts` loads a school's history (one row per attempt) so the student models have
something to learn from on day one. It reads the file twice: a validation pass that checks every
row and collects the users, topics and items, then a streaming pass that writes attempts in
batches. A file with any bad row imports nothing.

Transactions: by default each batch commits on its own, so a long import never blocks other
writers for minutes (SQLite has one writer). The import is *safely resumable*: users, topics,
tasks and attempts are all found again by their namespaced keys, so re-running the same command
after an interruption completes the import and duplicates nothing. With `atomic=True` the whole
import is one transaction instead (all or nothing).

`write_topics_csv` / `write_tasks_csv` and `do_import_topics_csv` / `do_import_tasks_csv` are the
admin's CSV export and import: an export re-imports losslessly; an import validates every row
first, reports errors with line numbers and upserts by slug only when the whole file is valid.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import json
import math
import re
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO, Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from mlmodels.data import CsvColumns
from tasks.models import AnswerKind, Difficulty, PracticeTask, Task, Topic

MAX_ERRORS = 50
DEFAULT_BATCH_SIZE = 5_000
# With only an order column (e.g. a test's item position) there is no clock: attempt n of a
# student is dated SYNTHETIC_EPOCH + n × SYNTHETIC_STEP. The order is preserved, the dates are
# recognisably not real, and they sort before any live practice.
SYNTHETIC_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)
SYNTHETIC_STEP = timedelta(hours=1)
_MAX_SYNTHETIC_ORDER = 50_000_000  # ~5,700 years of hours: keeps the dates inside datetime's range

SOURCE_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,60}$")
_USERNAME_CHARS = re.compile(r"^[\w.@+-]+\Z")
_IN_CHUNK = 900  # below SQLite's historic 999-parameter limit
_TRUE = frozenset({"1", "1.0", "true", "yes"})
_FALSE = frozenset({"0", "0.0", "false", "no"})


# --------------------------------------------------------------------------------------------
# Attempts from another system
# --------------------------------------------------------------------------------------------


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
    topics_created: int = 0
    topics_existing: int = 0
    tasks_created: int = 0
    tasks_existing: int = 0
    attempts_created: int = 0
    attempts_skipped: int = 0
    items_with_several_topics: int = 0
    seconds: float = 0.0

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
        if self.items_with_several_topics:
            out.append(
                f"  note: {self.items_with_several_topics:,} items appear under several topics;"
                " each keeps the topic of its first row"
            )
        out.append(f"  {self.seconds:.2f} s, {self.rows_per_second:,.0f} rows/s")
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
        user_ids = _ensure_users(source, scan, summary, dry_run)
        topic_ids = _ensure_topics(source, scan, summary, dry_run)
        task_ids = _ensure_tasks(source, scan, topic_ids, summary, dry_run)
        done = 0
        for batch in _batched(_attempts(path, layout), batch_size):
            existing = _existing_keys(source, [a.key for a in batch])
            new = [a for a in batch if a.key not in existing]
            summary.attempts_skipped += len(batch) - len(new)
            summary.attempts_created += len(new)
            if new and not dry_run:
                with transaction.atomic():
                    PracticeTask.objects.bulk_create(
                        [_practice_task(a, source, user_ids, task_ids) for a in new],
                        ignore_conflicts=True,  # a concurrent run of the same file
                    )
            done += len(batch)
            if on_progress:
                on_progress(done)
    summary.seconds = time.perf_counter() - started
    return summary


def _open_csv(path: Path) -> IO[str]:
    return open(path, newline="", encoding="utf-8-sig")


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
        reader = csv.reader(fh)
        next(reader, None)
        for row in reader:
            if row:  # blank lines carry nothing
                yield reader.line_num, row


def _parse(line: int, row: list[str], layout: _Layout) -> _Attempt:
    """One row to an attempt; raises ValueError with every problem of the row."""
    names = layout.names
    if len(row) != len(names):
        raise ValueError(f"expected {len(names)} fields, found {len(row)}")
    problems: list[str] = []
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
    correct = raw_correct in _TRUE
    if not correct and raw_correct not in _FALSE:
        problems.append(f"{names[layout.correct]} must be 0 or 1, got {row[layout.correct]!r}")

    seconds = None
    usable = True
    if layout.time_valid is not None:
        flag = row[layout.time_valid].strip().lower()
        if flag in _FALSE:
            usable = False
        elif flag not in _TRUE and flag != "":
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
        if timezone.is_naive(parsed):
            parsed = timezone.make_aware(parsed, UTC)
        return parsed
    if not math.isfinite(value):
        raise ValueError(f"not a timestamp: {raw!r}")
    try:
        return datetime.fromtimestamp(value, tz=UTC)
    except (OverflowError, OSError, ValueError):
        raise ValueError(f"epoch seconds out of range: {raw!r}") from None


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


def _attempts(path: Path, layout: _Layout) -> Iterator[_Attempt]:
    for line, row in _rows(path, layout):
        try:
            yield _parse(line, row, layout)
        except ValueError as exc:  # the file changed since the validation pass
            raise AttemptsFileError([f"line {line}: {exc}"]) from None


def _batched(items: Iterable[_Attempt], size: int) -> Iterator[list[_Attempt]]:
    batch: list[_Attempt] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _chunks(values: Sequence[str], size: int = _IN_CHUNK) -> Iterator[Sequence[str]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _check_namespaces(source: str, scan: _Scan) -> None:
    """Refuse to attach imported rows to topics or tasks that belong to something else."""
    problems: list[str] = []
    slugs = [imported_topic_slug(source=source, topic=t) for t in scan.topics]
    for chunk in _chunks(slugs):
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
    for chunk in _chunks(task_slugs):
        for slug in (
            Task.objects.filter(slug__in=chunk)
            .exclude(source=source)
            .values_list("slug", flat=True)
        ):
            problems.append(f"task slug {slug!r} already belongs to another source")
    if problems:
        raise AttemptsFileError(problems[:MAX_ERRORS], total=len(problems))


def _ensure_users(
    source: str, scan: _Scan, summary: AttemptImportSummary, dry_run: bool
) -> dict[str, int]:
    User = get_user_model()
    wanted = {imported_username(source=source, user=u): u for u in scan.users}
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
    for chunk in _chunks(names):
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
    for chunk in _chunks(slugs):
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
    for chunk in _chunks(items):
        found.update(
            Task.objects.filter(source=source, external_id__in=chunk)
            .exclude(source="")  # repeats the partial index's condition so SQLite uses it
            .order_by()
            .values_list("external_id", "pk")
        )
    return found


def _existing_keys(source: str, keys: Sequence[str]) -> set[str]:
    existing: set[str] = set()
    for chunk in _chunks(keys):
        existing.update(
            PracticeTask.objects.filter(source=source, external_key__in=chunk)
            .exclude(source="")  # repeats the partial index's condition so SQLite uses it
            .order_by()
            .values_list("external_key", flat=True)
        )
    return existing


def _practice_task(
    a: _Attempt, source: str, user_ids: dict[str, int], task_ids: dict[str, int]
) -> PracticeTask:
    shown = a.answered_at - timedelta(seconds=a.seconds) if a.seconds else a.answered_at
    return PracticeTask(
        student_id=user_ids[a.user],
        task_id=task_ids[a.item],
        status=PracticeTask.Status.COMPLETED,
        assigned_at=shown,
        shown_at=shown,
        answered_at=a.answered_at,
        is_correct=a.correct,
        seconds_taken=a.seconds,
        source=source,
        external_key=a.key,
    )


# --------------------------------------------------------------------------------------------
# Topics and tasks as CSV (the admin's export and import)
# --------------------------------------------------------------------------------------------

TOPIC_CSV_FIELDS: tuple[str, ...] = ("slug", "name", "description", "source")
TASK_CSV_FIELDS: tuple[str, ...] = (
    "slug",
    "topic",
    "title",
    "difficulty",
    "answer_kind",
    "statement",
    "numeric_answer",
    "unit",
    "tolerance",
    "options",
    "correct_option",
    "solution",
    "concept",
    "source",
    "external_id",
    "is_active",
)


class CsvFileError(ValueError):
    """An uploaded CSV with problems; `errors` holds one line-numbered message each (capped)."""

    def __init__(self, errors: Sequence[str], *, total: int | None = None) -> None:
        self.errors = list(errors)
        self.total = len(self.errors) if total is None else total
        super().__init__(f"{self.total} problem(s); nothing was imported")


@dataclass(frozen=True)
class CsvImportResult:
    created: int
    updated: int
    unchanged: int

    def __str__(self) -> str:
        return f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged"


def write_topics_csv(*, topics: Iterable[Topic], out: IO[str]) -> int:
    """Write topics as CSV with a header; returns the number of rows."""
    writer = csv.writer(out)
    writer.writerow(TOPIC_CSV_FIELDS)
    n = 0
    for topic in topics:
        writer.writerow([topic.slug, topic.name, topic.description, topic.source])
        n += 1
    return n


def write_tasks_csv(*, tasks: Iterable[Task], out: IO[str]) -> int:
    """Write tasks as CSV with a header (topic by slug, options as JSON); returns the row count."""
    writer = csv.writer(out)
    writer.writerow(TASK_CSV_FIELDS)
    n = 0
    for task in tasks:
        writer.writerow(
            [
                task.slug,
                task.topic.slug,
                task.title,
                task.difficulty,
                task.answer_kind,
                task.statement,
                "" if task.numeric_answer is None else repr(task.numeric_answer),
                task.unit,
                repr(task.tolerance),
                json.dumps(task.options, ensure_ascii=False),
                task.correct_option,
                task.solution,
                task.concept,
                task.source,
                task.external_id,
                "true" if task.is_active else "false",
            ]
        )
        n += 1
    return n


def decode_upload(data: bytes) -> str:
    """Uploaded bytes to text (UTF-8, with or without BOM); CsvFileError if not UTF-8."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CsvFileError([f"the file is not UTF-8 text (byte {exc.start})"]) from None


def _csv_rows(
    text: str, *, known: Sequence[str], required: Sequence[str]
) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        raise CsvFileError(["the file is empty (no header line)"]) from None
    except csv.Error as exc:
        raise CsvFileError([f"line 1: {exc}"]) from None
    problems = [f"line 1: missing column {c!r}" for c in required if c not in header]
    problems += [f"line 1: unknown column {c!r}" for c in header if c not in known]
    if len(set(header)) != len(header):
        problems.append("line 1: a column appears twice")
    if problems:
        raise CsvFileError(problems)
    rows: list[tuple[int, dict[str, str]]] = []
    try:
        for row in reader:
            if not row:
                continue
            if len(row) != len(header):
                problems.append(
                    f"line {reader.line_num}: expected {len(header)} fields, found {len(row)}"
                )
                continue
            if any("\x00" in value for value in row):
                # PostgreSQL refuses NUL in text; no legitimate CSV field holds one.
                problems.append(f"line {reader.line_num}: contains a NUL (0x00) character")
                continue
            rows.append((reader.line_num, dict(zip(header, row, strict=True))))
    except csv.Error as exc:
        problems.append(f"line {reader.line_num}: {exc}")
    if problems:
        raise CsvFileError(problems[:MAX_ERRORS], total=len(problems))
    return header, rows


def _validation_messages(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return "; ".join(
            f"{name}: {' '.join(str(m) for m in msgs)}"
            if name != "__all__"
            else " ".join(str(m) for m in msgs)
            for name, msgs in exc.message_dict.items()
        )
    return " ".join(exc.messages)


def _upsert(
    objects: list[tuple[Any, bool, dict[str, Any]]], fields: Sequence[str]
) -> CsvImportResult:
    """Save validated (instance, is_new, values-before) triples in one transaction."""
    created = updated = unchanged = 0
    with transaction.atomic():
        for obj, is_new, before in objects:
            if is_new:
                obj.save()
                created += 1
            elif any(getattr(obj, f) != before[f] for f in fields):
                obj.save()
                updated += 1
            else:
                unchanged += 1
    return CsvImportResult(created=created, updated=updated, unchanged=unchanged)


def do_import_topics_csv(*, text: str) -> CsvImportResult:
    """Upsert topics by slug from CSV text. Validates every row first; CsvFileError on any."""
    header, rows = _csv_rows(text, known=TOPIC_CSV_FIELDS, required=("slug", "name"))
    slugs = [r["slug"].strip() for _, r in rows]
    existing = _in_bulk(Topic, slugs)
    fields = [f for f in TOPIC_CSV_FIELDS if f in header]
    problems: list[str] = []
    objects: list[tuple[Any, bool, dict[str, Any]]] = []
    seen: dict[str, int] = {}
    for line, row in rows:
        slug = row["slug"].strip()
        if slug in seen:
            problems.append(f"line {line}: slug {slug!r} already appears on line {seen[slug]}")
            continue
        seen[slug] = line
        topic = existing.get(slug)
        is_new = topic is None
        topic = topic or Topic()
        before = {f: getattr(topic, f) for f in fields}
        for f in fields:
            setattr(topic, f, row[f].strip() if f in ("slug", "source") else row[f])
        try:
            topic.full_clean()
        except ValidationError as exc:
            problems.append(f"line {line}: {_validation_messages(exc)}")
            continue
        objects.append((topic, is_new, before))
    if problems:
        raise CsvFileError(problems[:MAX_ERRORS], total=len(problems))
    return _upsert(objects, fields)


def do_import_tasks_csv(*, text: str) -> CsvImportResult:
    """Upsert tasks by slug from CSV text (topics by slug must exist). All-or-nothing."""
    header, rows = _csv_rows(text, known=TASK_CSV_FIELDS, required=("slug", "topic"))
    existing = _in_bulk(Task, [r["slug"].strip() for _, r in rows])
    topics = dict(Topic.objects.values_list("slug", "pk"))
    fields = [f for f in TASK_CSV_FIELDS if f in header and f != "topic"] + ["topic_id"]
    problems: list[str] = []
    objects: list[tuple[Any, bool, dict[str, Any]]] = []
    seen_slug: dict[str, int] = {}
    seen_external: dict[tuple[str, str], int] = {}
    for line, row in rows:
        slug = row["slug"].strip()
        if slug in seen_slug:
            problems.append(f"line {line}: slug {slug!r} already appears on line {seen_slug[slug]}")
            continue
        seen_slug[slug] = line
        task = existing.get(slug)
        is_new = task is None
        task = task or Task()
        before = {f: getattr(task, f) for f in fields}
        row_problems: list[str] = []
        topic_slug = row["topic"].strip()
        if topic_slug in topics:
            task.topic_id = topics[topic_slug]
        else:
            row_problems.append(f"topic {topic_slug!r} does not exist (import topics first)")
        for name in fields:
            if name == "topic_id":
                continue
            try:
                setattr(task, name, _task_value(name, row[name]))
            except ValueError as exc:
                row_problems.append(f"{name}: {exc}")
        if not row_problems:
            try:
                task.full_clean(exclude=["topic"])
            except ValidationError as exc:
                row_problems.append(_validation_messages(exc))
            row_problems += check_task_consistency(task=task)
        if task.source:
            ext = (task.source, task.external_id)
            if ext in seen_external:
                row_problems.append(
                    f"source/external_id {ext} already appears on line {seen_external[ext]}"
                )
            seen_external.setdefault(ext, line)
        if row_problems:
            problems.append(f"line {line}: {'; '.join(row_problems)}")
            continue
        objects.append((task, is_new, before))
    if problems:
        raise CsvFileError(problems[:MAX_ERRORS], total=len(problems))
    return _upsert(objects, fields)


def _task_value(name: str, raw: str) -> Any:
    if name in ("slug", "source", "external_id", "difficulty", "answer_kind", "correct_option"):
        return raw.strip()
    if name == "numeric_answer":
        return None if raw.strip() == "" else _finite(raw)
    if name == "tolerance":
        value = _finite(raw)
        if value < 0:
            raise ValueError(f"must not be negative, got {raw!r}")
        return value
    if name == "options":
        if raw.strip() == "":
            return []
        try:
            value = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise ValueError(f"not valid JSON ({exc.msg})") from None
        except RecursionError:
            raise ValueError("not valid JSON (nested too deeply)") from None
        if not isinstance(value, list) or not all(
            isinstance(o, dict) and "id" in o and "text" in o for o in value
        ):
            raise ValueError('must be a JSON list of {"id": …, "text": …}')
        return value
    if name == "is_active":
        flag = raw.strip().lower()
        if flag in _TRUE:
            return True
        if flag in _FALSE:
            return False
        raise ValueError(f"must be true or false, got {raw!r}")
    return raw


def _finite(raw: str) -> float:
    try:
        value = float(raw.strip())
    except ValueError:
        raise ValueError(f"must be a number, got {raw!r}") from None
    if not math.isfinite(value):
        raise ValueError(f"must be a finite number, got {raw!r}")
    return value


def check_task_consistency(*, task: Task) -> list[str]:
    """What a bank task needs to be assignable; imported tasks (with a source) need none of it."""
    if task.source:
        return []
    problems: list[str] = []
    if task.difficulty not in Difficulty.values:
        problems.append("difficulty: a question-bank task needs easy, medium or hard")
    if not task.statement.strip():
        problems.append("statement: a question-bank task needs one")
    if task.answer_kind not in AnswerKind.values:
        problems.append("answer_kind: a question-bank task needs numeric, choice or self")
    elif task.answer_kind == AnswerKind.NUMERIC and task.numeric_answer is None:
        problems.append("numeric_answer: a numeric task needs one")
    elif task.answer_kind == AnswerKind.CHOICE:
        ids = task.option_ids()
        if len(ids) < 2:
            problems.append("options: a choice task needs at least two")
        elif len(set(ids)) != len(ids):
            problems.append("options: option ids must be unique")
        elif task.correct_option not in ids:
            problems.append(f"correct_option: {task.correct_option!r} is not one of {ids}")
    return problems


def _in_bulk(model: type[Topic] | type[Task], slugs: Sequence[str]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for chunk in _chunks(list(dict.fromkeys(slugs))):
        found.update(model.objects.in_bulk(list(chunk), field_name="slug"))
    return found
