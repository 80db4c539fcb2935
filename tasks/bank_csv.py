"""Topics and tasks as CSV: the admin's export and import of the question bank.

`write_topics_csv` / `write_tasks_csv` and `do_import_topics_csv` / `do_import_tasks_csv`: an
export re-imports losslessly; an import validates every row first, reports errors with line
numbers and upserts by slug only when the whole file is valid.

`plan_topics_csv` / `plan_tasks_csv` compute the same import as a dry run (`CsvPlan`: rows to
create, update with their changed fields, and leave unchanged) without writing; the admin shows
it and `apply_csv_plan` writes it on confirm, refusing a plan the database has moved away from.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import IO, Any, Literal

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction

from studysmart.csvsafe import unescape_cell, write_row
from studysmart.text import REASON, UnstorableText, check_storable_json, is_storable
from tasks.csv_common import FALSE_TEXTS, MAX_ERRORS, TRUE_TEXTS, chunks
from tasks.models import AnswerKind, Difficulty, Task, Topic

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
        write_row(writer, [topic.slug, topic.name, topic.description, topic.source])
        n += 1
    return n


def write_tasks_csv(*, tasks: Iterable[Task], out: IO[str]) -> int:
    """Write tasks as CSV with a header (topic by slug, options as JSON); returns the row count."""
    writer = csv.writer(out)
    writer.writerow(TASK_CSV_FIELDS)
    n = 0
    for task in tasks:
        write_row(
            writer,
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
            ],
            numeric=_NUMERIC_TASK_COLUMNS,
        )
        n += 1
    return n


# Numbers stay numbers in a spreadsheet: these columns are never formula-escaped.
_NUMERIC_TASK_COLUMNS = (
    TASK_CSV_FIELDS.index("numeric_answer"),
    TASK_CSV_FIELDS.index("tolerance"),
)
# A line break is data only in these columns; anywhere else it means a quote went astray and
# a row was swallowed into its neighbour.
MULTILINE_COLUMNS = frozenset({"description", "statement", "solution", "options"})
SAVE_HINT = 'save it from the spreadsheet as "CSV UTF-8 (comma delimited)" and upload that file'


def decode_upload(data: bytes) -> str:
    """Uploaded bytes to text: UTF-8 (with or without the BOM Excel writes) or UTF-16 with its
    BOM (Excel's "Unicode text"); CsvFileError saying how to save the file otherwise."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise CsvFileError([f"the file is not valid UTF-16 text: {SAVE_HINT}"]) from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CsvFileError(
            [f"the file is not UTF-8 text (byte {exc.start}): {SAVE_HINT}"]
        ) from None


def _delimiter(text: str) -> str:
    """Excel in many locales separates with ";" (and UTF-16 "Unicode text" with tabs): the
    header line tells, since every column name is known and none contains a separator."""
    header = text.split("\n", 1)[0]
    for delimiter in (",", ";", "\t"):
        if delimiter in header:
            return delimiter
    return ","


def _csv_rows(
    text: str, *, known: Sequence[str], required: Sequence[str]
) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    # strict: a stray or unterminated quote is an error, never a silently merged row.
    reader = csv.reader(io.StringIO(text, newline=""), strict=True, delimiter=_delimiter(text))
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
            cells = _cell_problems(reader.line_num, header, row)
            if cells:
                problems += cells
                continue
            values = [unescape_cell(v) for v in row]
            rows.append((reader.line_num, dict(zip(header, values, strict=True))))
    except csv.Error as exc:
        problems.append(f"line {reader.line_num}: {_csv_error(exc)}; nothing was imported")
    if problems:
        raise CsvFileError(problems[:MAX_ERRORS], total=len(problems))
    return header, rows


def _cell_problems(line: int, header: Sequence[str], row: Sequence[str]) -> list[str]:
    """Cells that cannot be stored, or line breaks where a row may not have them."""
    problems = []
    for column, value in zip(header, row, strict=True):
        if not is_storable(value):
            problems.append(f"line {line}, column {column!r}: {REASON}")
        elif column not in MULTILINE_COLUMNS and ("\n" in value or "\r" in value):
            problems.append(
                f"line {line}, column {column!r}: a line break in a one-line column "
                "(a quote probably opens in one row and closes in another)"
            )
        elif "\n" in value and _holds_a_row(value, len(header)):
            problems.append(
                f"line {line}, column {column!r}: a line inside the cell reads as a whole row "
                "(a quote probably opens in one row and closes in another)"
            )
    return problems


_SLUG = re.compile(r"^[-a-z0-9_:]+$")


def _holds_a_row(value: str, width: int) -> bool:
    """Whether a line of a multi-line cell looks like a swallowed row: as many fields as the
    header, the first a slug (as every row's first column is)."""
    for text in value.splitlines()[1:]:
        try:
            fields = next(csv.reader([text]), [])
        except csv.Error:
            continue
        if len(fields) == width and _SLUG.match(fields[0].strip()):
            return True
    return False


def _csv_error(exc: csv.Error) -> str:
    text = str(exc)
    if "end of data" in text or "unexpected end" in text:
        return "a quote is never closed"
    if "expected" in text and "after" in text:
        return f"a stray quote ({text})"
    return text


def _validation_messages(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return "; ".join(
            f"{name}: {' '.join(str(m) for m in msgs)}"
            if name != "__all__"
            else " ".join(str(m) for m in msgs)
            for name, msgs in exc.message_dict.items()
        )
    return " ".join(exc.messages)


Planned = tuple[Any, bool, dict[str, Any]]  # (validated instance, is_new, values before)
CsvKind = Literal["topics", "tasks"]


@dataclass(frozen=True)
class PlannedRow:
    """One data row of the file and what the import would do with it."""

    line: int
    slug: str
    changed: tuple[str, ...] = ()  # the columns an update changes, in file order


@dataclass(frozen=True)
class CsvPlan:
    """A dry run of an import: what each row would do, and a fingerprint of it all.

    `rows` counts the data rows the parser read, so a row swallowed into another's multi-line
    cell shows as one row too few. The fingerprint covers every row's action and each changed
    value before and after, so a plan computed again after the database changed differs."""

    kind: CsvKind
    rows: int
    created: tuple[PlannedRow, ...]
    updated: tuple[PlannedRow, ...]
    unchanged: tuple[PlannedRow, ...]
    fingerprint: str
    objects: tuple[Planned, ...] = field(repr=False, compare=False, default=())

    @property
    def changes(self) -> int:
        return len(self.created) + len(self.updated)


def _plan(
    kind: CsvKind,
    rows: int,
    lines: Sequence[int],
    objects: Sequence[Planned],
    fields: Sequence[str],
) -> CsvPlan:
    created: list[PlannedRow] = []
    updated: list[PlannedRow] = []
    unchanged: list[PlannedRow] = []
    digest = hashlib.sha256(kind.encode())
    for line, (obj, is_new, before) in zip(lines, objects, strict=True):
        changed = [f for f in fields if is_new or getattr(obj, f) != before[f]]
        shown = tuple("topic" if f == "topic_id" else f for f in changed)
        row = PlannedRow(line=line, slug=obj.slug, changed=() if is_new else shown)
        action = "create" if is_new else "update" if changed else "keep"
        (created if is_new else updated if changed else unchanged).append(row)
        diff = [(f, repr(before[f]), repr(getattr(obj, f))) for f in changed]
        digest.update(repr((obj.slug, action, diff)).encode("utf-8", "surrogatepass"))
        digest.update(b"\0")
    return CsvPlan(
        kind=kind,
        rows=rows,
        created=tuple(created),
        updated=tuple(updated),
        unchanged=tuple(unchanged),
        fingerprint=digest.hexdigest(),
        objects=tuple(objects),
    )


def apply_csv_plan(*, plan: CsvPlan) -> CsvImportResult:
    """Write a plan's creates and updates in one transaction."""
    updated = {r.slug for r in plan.updated}
    with transaction.atomic():
        for obj, is_new, _before in plan.objects:
            if is_new or obj.slug in updated:
                obj.save()
    return CsvImportResult(
        created=len(plan.created), updated=len(plan.updated), unchanged=len(plan.unchanged)
    )


class StalePlan(Exception):
    """The rows changed since the preview; `plan` is what the import would do now."""

    def __init__(self, plan: CsvPlan) -> None:
        self.plan = plan
        super().__init__("the data changed since the preview")


def apply_previewed_csv(*, kind: CsvKind, text: str, fingerprint: str) -> CsvImportResult:
    """Plan `text` again with the matched rows locked and write it only if it is the plan that
    was previewed (same fingerprint); StalePlan with the new plan otherwise, CsvFileError if
    the file no longer validates against the current data."""
    planner = plan_topics_csv if kind == "topics" else plan_tasks_csv
    with transaction.atomic():
        plan = planner(text=text, lock=True)
        if plan.fingerprint != fingerprint:
            raise StalePlan(plan)
        return apply_csv_plan(plan=plan)


PREVIEW_SALT = "tasks.bank_csv.preview"
PREVIEW_MAX_AGE = 60 * 60  # seconds a preview can be confirmed for


class PreviewRefused(Exception):
    """A confirm that does not match a preview this server made for this upload."""


def _text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def sign_preview(*, plan: CsvPlan, text: str, upload_id: str) -> str:
    """The confirm form's token: which upload, the hash of its text and the plan's
    fingerprint, signed with the secret key and stamped with the time."""
    sha = _text_hash(text)
    payload = {"kind": plan.kind, "id": upload_id, "sha": sha, "plan": plan.fingerprint}
    return signing.dumps(payload, salt=PREVIEW_SALT)


def read_preview(*, token: str, kind: CsvKind, upload_id: str, text: str) -> str:
    """The previewed plan's fingerprint, if `token` was signed here within PREVIEW_MAX_AGE for
    this very upload and text; PreviewRefused (with a message for the user) otherwise."""
    try:
        payload = signing.loads(token, salt=PREVIEW_SALT, max_age=PREVIEW_MAX_AGE)
    except signing.SignatureExpired:
        raise PreviewRefused("The preview has expired: upload the file again.") from None
    except signing.BadSignature:
        raise PreviewRefused("The confirmation is not valid: upload the file again.") from None
    if not isinstance(payload, dict) or (
        payload.get("kind"),
        payload.get("id"),
        payload.get("sha"),
    ) != (kind, upload_id, _text_hash(text)):
        raise PreviewRefused("The confirmation is for another upload: upload the file again.")
    fingerprint = payload.get("plan")
    if not isinstance(fingerprint, str):
        raise PreviewRefused("The confirmation is not valid: upload the file again.")
    return fingerprint


def plan_topics_csv(*, text: str, lock: bool = False) -> CsvPlan:
    """Dry-run a topics import (upsert by slug): validates every row, writes nothing;
    CsvFileError on any problem. `lock` locks the matched rows (inside a transaction)."""
    header, rows = _csv_rows(text, known=TOPIC_CSV_FIELDS, required=("slug", "name"))
    slugs = [r["slug"].strip() for _, r in rows]
    existing = _in_bulk(Topic, slugs, lock=lock)
    fields = [f for f in TOPIC_CSV_FIELDS if f in header]
    problems: list[str] = []
    objects: list[Planned] = []
    lines: list[int] = []
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
        lines.append(line)
    if problems:
        raise CsvFileError(problems[:MAX_ERRORS], total=len(problems))
    return _plan("topics", len(rows), lines, objects, fields)


def do_import_topics_csv(*, text: str) -> CsvImportResult:
    """Upsert topics by slug from CSV text. Validates every row first; CsvFileError on any."""
    with transaction.atomic():
        return apply_csv_plan(plan=plan_topics_csv(text=text, lock=True))


def plan_tasks_csv(*, text: str, lock: bool = False) -> CsvPlan:
    """Dry-run a tasks import (upsert by slug; topics by slug must exist): validates every
    row, writes nothing; CsvFileError on any problem."""
    header, rows = _csv_rows(text, known=TASK_CSV_FIELDS, required=("slug", "topic"))
    existing = _in_bulk(Task, [r["slug"].strip() for _, r in rows], lock=lock)
    topics = dict(Topic.objects.values_list("slug", "pk"))
    fields = [f for f in TASK_CSV_FIELDS if f in header and f != "topic"] + ["topic_id"]
    problems: list[str] = []
    objects: list[Planned] = []
    lines: list[int] = []
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
        lines.append(line)
    if problems:
        raise CsvFileError(problems[:MAX_ERRORS], total=len(problems))
    return _plan("tasks", len(rows), lines, objects, fields)


def do_import_tasks_csv(*, text: str) -> CsvImportResult:
    """Upsert tasks by slug from CSV text (topics by slug must exist). All-or-nothing."""
    with transaction.atomic():
        return apply_csv_plan(plan=plan_tasks_csv(text=text, lock=True))


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
        try:
            # JSON can spell a NUL or a lone surrogate in plain ASCII ("\\ud800").
            check_storable_json(value, path="options")
        except UnstorableText as exc:
            raise ValueError(exc.message) from None
        return value
    if name == "is_active":
        flag = raw.strip().lower()
        if flag in TRUE_TEXTS:
            return True
        if flag in FALSE_TEXTS:
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


def _in_bulk(
    model: type[Topic] | type[Task], slugs: Sequence[str], *, lock: bool = False
) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for chunk in chunks(list(dict.fromkeys(slugs))):
        rows = model.objects.filter(slug__in=list(chunk))
        # Locked, the rows cannot change between the plan and its writes.
        found.update({obj.slug: obj for obj in (rows.select_for_update() if lock else rows)})
    return found
