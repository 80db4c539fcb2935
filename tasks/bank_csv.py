"""Topics and tasks as CSV: the admin's export and import of the question bank.

`write_topics_csv` / `write_tasks_csv` and `do_import_topics_csv` / `do_import_tasks_csv`: an
export re-imports losslessly; an import validates every row first, reports errors with line
numbers and upserts by slug only when the whole file is valid.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import IO, Any

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


def _in_bulk(model: type[Topic] | type[Task], slugs: Sequence[str]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for chunk in chunks(list(dict.fromkeys(slugs))):
        found.update(model.objects.in_bulk(list(chunk), field_name="slug"))
    return found
