"""The question bank as files (`content/bank/<topic>.yaml`) and as rows (Topic, Task).

`load_bank` reads and validates every file (nothing is written); `seed_bank` writes the rows
by slug and keeps what teachers changed: each seeded row stores the hash of the values it was
last loaded with, so a row whose values no longer match it was edited in the admin (or by a
CSV import) and is kept and reported, unless ``force``. A task gone from the files is retired
(never assigned again, its attempts kept). `bank_files` writes the rows back in the same
format (the admin's content download). See docs/content.md.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from studysmart.content import (
    ContentError,
    Entry,
    Problems,
    block,
    dump_yaml,
    read_yaml,
    yaml_files,
)

if TYPE_CHECKING:
    from tasks.models import Task, Topic

# The choices of Task.difficulty and Task.answer_kind (a test keeps them equal): spelled out
# so that reading the files needs no Django set-up.
DIFFICULTIES: tuple[str, ...] = ("easy", "medium", "hard")
ANSWER_KINDS: tuple[str, ...] = ("numeric", "choice", "self")
NUMERIC, CHOICE = "numeric", "choice"
DEFAULT_TOLERANCE = 0.02
BANK_DIR = "bank"

FILE_HEADER = """{name}: the question bank's topic and its practice tasks.
How to add or change a task: docs/content.md. Statements and solutions are Markdown with
$…$ / $$…$$ LaTeX. A task's slug is its identity: keep it when you edit the task."""


@dataclass(frozen=True)
class TopicSpec:
    slug: str
    name: str
    description: str = ""
    order: int = 0

    def values(self) -> dict[str, Any]:
        """The row's content fields, as `Topic.content_values` reads them back."""
        return {"name": self.name, "description": self.description, "order": self.order}


@dataclass(frozen=True)
class OptionSpec:
    id: str  # "a", "b", "c", "d"
    text: str


@dataclass(frozen=True)
class TaskSpec:
    slug: str  # unique and stable: rows are keyed on it
    topic: str  # TopicSpec.slug (the file the task is in)
    difficulty: str  # "easy" | "medium" | "hard"
    title: str
    statement: str  # Markdown with $..$ / $$..$$ LaTeX; states every given value with its unit
    answer_kind: str  # "numeric" | "choice" | "self"
    solution: str  # worked solution, Markdown + LaTeX, ending with the result
    concept: str = ""  # the physics concept in a few words; the AI tutor is opened on it
    # Given values in SI units, so a test can recompute the answer independently of the text.
    params: Mapping[str, float] = field(default_factory=dict)
    answer: float | None = None  # numeric only, expressed in `unit`
    unit: str = ""  # numeric only; "" for dimensionless
    tolerance: float = DEFAULT_TOLERANCE  # numeric only, relative
    options: tuple[OptionSpec, ...] = ()  # choice only
    correct_option: str = ""  # choice only

    def values(self) -> dict[str, Any]:
        """The row's content fields, as `Task.content_values` reads them back."""
        return {
            "topic": self.topic,
            "title": self.title,
            "difficulty": self.difficulty,
            "statement": self.statement,
            "answer_kind": self.answer_kind,
            "numeric_answer": self.answer,
            "unit": self.unit,
            "tolerance": self.tolerance,
            "options": [{"id": o.id, "text": o.text} for o in self.options],
            "correct_option": self.correct_option,
            "solution": self.solution,
            "concept": self.concept,
            "params": dict(self.params),
        }


@dataclass(frozen=True)
class Bank:
    topics: tuple[TopicSpec, ...]
    tasks: tuple[TaskSpec, ...]

    def tasks_of(self, topic: str) -> tuple[TaskSpec, ...]:
        return tuple(t for t in self.tasks if t.topic == topic)


# --- reading ----------------------------------------------------------------------------------


def load_bank(content_dir: Path) -> Bank:
    """Every topic file of ``content_dir/bank``, validated; ``ContentError`` names each problem
    (file, entry, field). Reads only: nothing is written."""
    problems = Problems()
    directory = content_dir / BANK_DIR
    files = yaml_files(directory)
    if not files:
        problems.add(f"{BANK_DIR}/", "", "", f"no topic files (*.yaml) in {directory}")
    topics: list[TopicSpec] = []
    tasks: list[TaskSpec] = []
    for path in files:
        label = f"{BANK_DIR}/{path.name}"
        data = read_yaml(path, label=label, problems=problems)
        if data is None:
            continue
        topic, topic_tasks = _read_topic_file(data, label=label, stem=path.stem, problems=problems)
        topics.append(topic)
        tasks.extend(topic_tasks)
    _check_unique(
        problems, ((t.slug, f"{BANK_DIR}/{t.topic}.yaml", f"task {t.slug}") for t in tasks)
    )
    problems.check()
    topics.sort(key=lambda t: (t.order, t.slug))
    position = {t.slug: i for i, t in enumerate(topics)}
    tasks.sort(key=lambda t: position[t.topic])  # stable: file order within a topic
    return Bank(tuple(topics), tuple(tasks))


def _read_topic_file(
    data: Any, *, label: str, stem: str, problems: Problems
) -> tuple[TopicSpec, list[TaskSpec]]:
    top = Entry(data, file=label, entry="topic", problems=problems)
    slug = top.slug()
    if slug and slug != stem:
        top.problem("slug", f"{slug!r} must match the file name ({stem}.yaml)")
    topic = TopicSpec(
        slug=slug or stem,
        name=top.text("name", max_length=120),
        description=top.text("description", required=False),
        order=top.integer("order"),
    )
    tasks = [_read_task(item, topic=topic.slug) for item in top.entries("tasks")]
    top.finish()
    return topic, [t for t in tasks if t is not None]


def _read_task(item: Entry, *, topic: str) -> TaskSpec | None:
    if not item.ok:
        return None
    slug = item.slug()
    # Problems inside a task name the task, not only its position in the list.
    item.entry, item.where = (f"task {slug}", "") if slug else (item.where, "")
    kind = item.choice("answer_kind", ANSWER_KINDS)
    spec = TaskSpec(
        slug=slug,
        topic=topic,
        difficulty=item.choice("difficulty", DIFFICULTIES),
        title=item.text("title", max_length=200),
        statement=item.text("statement"),
        answer_kind=kind,
        solution=item.text("solution"),
        concept=item.text("concept", required=False, max_length=200),
        params=_read_params(item),
        answer=item.number("answer", required=kind == NUMERIC),
        unit=item.text("unit", required=False, max_length=40),
        tolerance=item.number("tolerance", required=False, default=DEFAULT_TOLERANCE) or 0.0,
        options=tuple(_read_options(item)),
        correct_option=item.text("correct_option", required=kind == CHOICE),
    )
    _check_answer(item, spec)
    item.finish()
    return spec


def _read_params(item: Entry) -> dict[str, float]:
    params = item.mapping("params")
    if params is None or not params.ok:
        return {}
    values = {str(name): params.number(str(name)) for name in params.data}
    return {k: v for k, v in values.items() if v is not None}


def _read_options(item: Entry) -> list[OptionSpec]:
    options = []
    for option in item.entries("options"):
        options.append(OptionSpec(id=option.slug("id"), text=option.text("text")))
        option.finish()
    return options


def _check_answer(item: Entry, spec: TaskSpec) -> None:
    """What each answer kind needs, and nothing it would silently ignore."""
    if spec.answer_kind == NUMERIC:
        if not 0 < spec.tolerance < 1:
            item.problem("tolerance", "must be a relative tolerance between 0 and 1, e.g. 0.02")
    elif spec.answer is not None:
        item.problem("answer", f"only a numeric task has an answer ({spec.answer_kind} task)")
    if spec.answer_kind == CHOICE:
        ids = [o.id for o in spec.options]
        if len(ids) < 2:
            item.problem("options", "a choice task needs at least two options")
        duplicate = sorted({i for i in ids if ids.count(i) > 1})
        if duplicate:
            item.problem("options", f"option ids repeat: {', '.join(duplicate)}")
        if spec.correct_option and spec.correct_option not in ids:
            item.problem(
                "correct_option", f"{spec.correct_option!r} is not one of the option ids {ids}"
            )
    elif spec.options or spec.correct_option:
        item.problem("options", f"only a choice task has options ({spec.answer_kind} task)")


def _check_unique(problems: Problems, keyed: Iterable[tuple[str, str, str]]) -> None:
    seen: dict[str, str] = {}
    for slug, file, entry in keyed:
        if slug and slug in seen:
            problems.add(file, entry, "slug", f"{slug!r} is also used in {seen[slug]}")
        seen.setdefault(slug, file)


# --- writing rows -----------------------------------------------------------------------------


@dataclass
class SeedReport:
    """What a load did, for the start-up output."""

    kind: str  # "topic" | "task"
    total: int = 0
    new: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # changed in the admin since seeded
    retired: list[str] = field(default_factory=list)
    restored: list[str] = field(default_factory=list)  # back in the files after retirement

    def summary(self) -> str:
        noun = f"{self.kind}s" if self.total != 1 else self.kind
        parts = [f"{len(self.new)} new", f"{len(self.updated)} updated"]
        if self.retired:
            parts.append(f"{len(self.retired)} retired")
        if self.restored:
            parts.append(f"{len(self.restored)} back in use")
        return f"{self.total} {noun} ({', '.join(parts)})"

    def kept_line(self) -> str:
        if not self.kept:
            return ""
        noun = self.kind if len(self.kept) == 1 else f"{self.kind}s"
        return f"kept {len(self.kept)} {noun} changed in the admin: {', '.join(self.kept)}"


def seed_bank(*, bank: Bank, force: bool = False) -> tuple[SeedReport, SeedReport]:
    """Write the bank's topics and tasks as rows, idempotently, in one transaction.

    A row still holding the values it was last loaded with follows the files; a row changed
    since (in the admin, by a CSV import) is kept and reported, unless ``force``. A bank task
    that was loaded from the files before and is gone from them now is retired. Slugs owned by
    imported data are refused before anything is written.
    """
    from django.db import transaction

    from tasks.models import Task, Topic

    with transaction.atomic():
        wanted = [s.slug for s in bank.topics]
        topics = {t.slug: t for t in Topic.objects.select_for_update().filter(slug__in=wanted)}
        tasks = {t.slug: t for t in Task.objects.select_for_update().select_related("topic")}
        _refuse_imported_slugs(bank, topics, tasks)
        topic_report = _seed_topics(bank.topics, topics, force=force)
        task_report = _seed_tasks(bank.tasks, tasks, force=force)
    return topic_report, task_report


def _refuse_imported_slugs(
    bank: Bank, topics: Mapping[str, Topic], tasks: Mapping[str, Task]
) -> None:
    problems = Problems()
    for spec in bank.topics:
        row = topics.get(spec.slug)
        if row is not None and row.source:
            message = f"{spec.slug!r} belongs to the data imported from {row.source!r}"
            problems.add(f"{BANK_DIR}/{spec.slug}.yaml", "topic", "slug", message)
    for task in bank.tasks:
        owner = tasks.get(task.slug)
        if owner is not None and owner.source:
            message = f"{task.slug!r} belongs to a task imported from {owner.source!r}"
            problems.add(f"{BANK_DIR}/{task.topic}.yaml", f"task {task.slug}", "slug", message)
    problems.check()


def _seed_topics(specs: Sequence[TopicSpec], rows: dict[str, Topic], *, force: bool) -> SeedReport:
    from tasks.models import Topic

    report = SeedReport("topic", total=len(specs))
    for spec in specs:
        values = spec.values()
        row = rows.get(spec.slug)
        if row is None:
            row = Topic(slug=spec.slug, **values)
            row.mark_loaded()
            row.save()
            rows[spec.slug] = row
            report.new.append(spec.slug)
            continue
        outcome = _refresh(row, values, force=force)
        if outcome == "updated":
            row.save()
            report.updated.append(spec.slug)
        elif outcome == "kept":
            report.kept.append(spec.slug)
    return report


def _seed_tasks(specs: Sequence[TaskSpec], rows: dict[str, Task], *, force: bool) -> SeedReport:
    from tasks.models import Task, Topic

    report = SeedReport("task", total=len(specs))
    topic_rows = {t.slug: t for t in Topic.objects.filter(slug__in={s.topic for s in specs})}
    new: list[Task] = []
    for spec in specs:
        values = spec.values()
        row = rows.get(spec.slug)
        if row is None:
            row = Task(slug=spec.slug)
            _assign(row, values, topic_rows)
            row.mark_loaded()
            new.append(row)
            report.new.append(spec.slug)
            continue
        if row.retired:
            row.retired = False
            report.restored.append(spec.slug)
            row.save(update_fields=["retired"])
        outcome = _refresh(row, values, force=force, topics=topic_rows)
        if outcome == "updated":
            row.save()
            report.updated.append(spec.slug)
        elif outcome == "kept":
            report.kept.append(spec.slug)
    Task.objects.bulk_create(new)
    in_files = {s.slug for s in specs}
    gone = [
        row
        for slug, row in rows.items()
        if slug not in in_files and not row.source and row.content_hash and not row.retired
    ]
    for row in gone:
        row.retired = True
    Task.objects.bulk_update(gone, ["retired"])
    report.retired = sorted(row.slug for row in gone)
    return report


def _refresh(
    row: Topic | Task,
    values: dict[str, Any],
    *,
    force: bool,
    topics: Mapping[str, Topic] | None = None,
) -> str:
    """ "same", "updated" (the row follows the files) or "kept" (a teacher changed the row)."""
    current = row.content_values()
    if current == values:
        if row.content_hash != row.current_hash():
            row.mark_loaded()
            row.save(update_fields=["content_hash"])
        return "same"
    if row.content_hash:
        edited = row.current_hash() != row.content_hash
    else:
        # Seeded before hashes were stored (or made in the admin): a row equal to the files
        # but for the fields added with the hashes adopts them; any other difference counts as
        # a teacher's change, since losing an edit is the worse mistake.
        edited = _without(current, _ADDED_WITH_HASHES) != _without(values, _ADDED_WITH_HASHES)
    if edited and not force:
        return "kept"
    _assign(row, values, topics or {})
    row.mark_loaded()
    return "updated"


_ADDED_WITH_HASHES = frozenset({"params", "order"})


def _without(values: Mapping[str, Any], names: frozenset[str]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if k not in names}


def _assign(row: Topic | Task, values: dict[str, Any], topics: Mapping[str, Topic]) -> None:
    for name, value in values.items():
        if name == "topic":
            row.topic = topics[value]  # type: ignore[union-attr]
        else:
            setattr(row, name, value)


# --- writing files ----------------------------------------------------------------------------


def bank_files() -> dict[str, str]:
    """The question bank's rows as `bank/<topic>.yaml` texts, the format `load_bank` reads.

    Every topic and every task of the bank (not imported data, not retired tasks), in the
    order they were created, so a download diffs cleanly against the files it came from.
    """
    from tasks.models import Task, Topic

    files = {}
    tasks = Task.objects.filter(source="", retired=False).select_related("topic").order_by("id")
    by_topic: dict[int, list[Task]] = {}
    for task in tasks:
        by_topic.setdefault(task.topic_id, []).append(task)
    for topic in Topic.objects.filter(source="").order_by("order", "slug"):
        data = {
            "slug": topic.slug,
            "name": topic.name,
            "order": topic.order,
            "description": topic.description,
            "tasks": [_task_data(t) for t in by_topic.get(topic.pk, [])],
        }
        text = dump_yaml(data, header=FILE_HEADER.format(name=topic.name))
        files[f"{BANK_DIR}/{topic.slug}.yaml"] = text
    return files


def _task_data(task: Task) -> dict[str, Any]:
    data: dict[str, Any] = {
        "slug": task.slug,
        "title": task.title,
        "difficulty": task.difficulty,
        "concept": task.concept,
        "answer_kind": task.answer_kind,
        "statement": block(task.statement),
    }
    if task.answer_kind == NUMERIC:
        data |= {"answer": task.numeric_answer, "unit": task.unit, "tolerance": task.tolerance}
    if task.answer_kind == CHOICE:
        data["options"] = [{"id": o.get("id"), "text": o.get("text")} for o in task.options]
        data["correct_option"] = task.correct_option
    if task.params:
        data["params"] = {k: float(task.params[k]) for k in sorted(task.params)}
    data["solution"] = block(task.solution)
    return data


__all__ = [
    "ANSWER_KINDS",
    "DIFFICULTIES",
    "Bank",
    "ContentError",
    "OptionSpec",
    "SeedReport",
    "TaskSpec",
    "TopicSpec",
    "bank_files",
    "load_bank",
    "seed_bank",
]
