"""The class view: every student × topic (accuracy and current predicted chance), who is
struggling or inactive and why, and each task set's completion per student.

A fixed number of queries whatever the class size (tests/classes/test_query_counts.py): each
figure is one aggregate over the class, and the predicted chances come from one batched call,
`mlmodels.services.predict_class_topics`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Count, F, Max, Q, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from classes.models import AssignedTask, ChanceSnapshot, SchoolClass, TaskSet
from mlmodels.services import TopicChance, predict_class_topics
from tasks.models import PracticeTask, Topic

# Recent answers read per student to spot a run of wrong ones.
RECENT_ANSWERS = 10
# "Predicted chance falling": down by at least this much against a snapshot taken at least
# FALLING_MIN_DAYS and at most FALLING_MAX_DAYS ago, on a topic the class has been assigned.
FALLING_MARGIN = 0.10
FALLING_MIN_DAYS = 1
FALLING_MAX_DAYS = 14


@dataclass(frozen=True)
class Cell:
    """One student × topic: accuracy over their completed tasks, and the predicted chance."""

    attempts: int = 0
    correct: int = 0
    chance: TopicChance | None = None

    @property
    def accuracy(self) -> float | None:
        return self.correct / self.attempts if self.attempts else None

    @property
    def p_correct(self) -> float | None:
        return self.chance.p_correct if self.chance else None


@dataclass(frozen=True)
class SetCell:
    """One student's progress on one task set."""

    total: int = 0
    completed: int = 0
    correct: int = 0
    late: int = 0
    overdue: bool = False
    # Passed over by the student: not answered, but nothing left to do either.
    skipped: int = 0

    @property
    def accuracy(self) -> float | None:
        return self.correct / self.completed if self.completed else None

    @property
    def is_finished(self) -> bool:
        return self.total > 0 and self.completed + self.skipped == self.total


@dataclass
class StudentRow:
    student: Any
    cells: dict[int, Cell]
    attempts: int = 0
    correct: int = 0
    last_answered: datetime | None = None
    sets: dict[int, SetCell] = field(default_factory=dict)
    struggling: list[str] = field(default_factory=list)
    inactive: str = ""

    @property
    def accuracy(self) -> float | None:
        return self.correct / self.attempts if self.attempts else None

    @property
    def mean_chance(self) -> float | None:
        values = [c.p_correct for c in self.cells.values() if c.p_correct is not None]
        return sum(values) / len(values) if values else None


@dataclass
class ClassOverview:
    school_class: SchoolClass
    topics: list[Topic]
    rows: list[StudentRow]
    task_sets: list[TaskSet]
    assigned_topic_ids: set[int]
    sort: str

    @property
    def struggling(self) -> list[StudentRow]:
        return [r for r in self.rows if r.struggling]

    @property
    def inactive(self) -> list[StudentRow]:
        return [r for r in self.rows if r.inactive]

    def set_summaries(self) -> list[SetSummary]:
        """Per task set: how many students finished it, and who is overdue."""
        now = timezone.now()
        out = []
        for task_set in self.task_sets:
            cells = [(r, r.sets.get(task_set.pk, SetCell())) for r in self.rows]
            out.append(
                SetSummary(
                    task_set=task_set,
                    students=sum(1 for _r, c in cells if c.total),
                    finished=sum(1 for _r, c in cells if c.is_finished),
                    is_past_due=task_set.due_at <= now,
                    overdue=[r for r, c in cells if c.overdue],
                )
            )
        return out


@dataclass(frozen=True)
class SetSummary:
    task_set: TaskSet
    students: int
    finished: int
    is_past_due: bool
    overdue: list[StudentRow]


SORT_KEYS = ("name", "accuracy", "chance", "last")


def class_overview(*, school_class: SchoolClass, sort: str = "name") -> ClassOverview:
    """Everything the class view shows, sorted by `sort` (`name`, `accuracy`, `chance`,
    `last`, or `acc:<topic id>` / `chance:<topic id>`; a leading `-` reverses)."""
    now = timezone.now()
    students = [
        m.student
        for m in school_class.memberships.select_related("student").order_by("student__username")
    ]
    ids = [s.pk for s in students]
    topics = list(
        Topic.objects.filter(tasks__source="", tasks__is_active=True).distinct().order_by("name")
    )
    answered = PracticeTask.objects.filter(student_id__in=ids).completed()
    # One aggregate per student × topic; the per-student totals are its sums.
    per_cell: dict[tuple[int, int], tuple[int, int]] = {}
    per_student: dict[int, dict[str, Any]] = {}
    for r in answered.values("student_id", "task__topic_id").annotate(
        n=Count("id"), right=Count("id", filter=Q(is_correct=True)), last=Max("answered_at")
    ):
        per_cell[(r["student_id"], r["task__topic_id"])] = (r["n"], r["right"])
        totals = per_student.setdefault(r["student_id"], {"n": 0, "right": 0, "last": None})
        totals["n"] += r["n"]
        totals["right"] += r["right"]
        if r["last"] is not None and (totals["last"] is None or r["last"] > totals["last"]):
            totals["last"] = r["last"]
    chances = predict_class_topics(students=students, topics=topics)
    task_sets = list(school_class.task_sets.prefetch_related("topics", "tasks").order_by("due_at"))
    assigned_topic_ids = {t.pk for s in task_sets for t in s.topics.all()} | {
        t.topic_id for s in task_sets for t in s.tasks.all()
    }
    rows = []
    for student in students:
        totals = per_student.get(student.pk, {})
        cells = {}
        for topic in topics:
            n, right = per_cell.get((student.pk, topic.pk), (0, 0))
            cells[topic.pk] = Cell(n, right, chances.get((student.pk, topic.pk)))
        rows.append(
            StudentRow(
                student=student,
                cells=cells,
                attempts=totals.get("n", 0),
                correct=totals.get("right", 0),
                last_answered=totals.get("last"),
            )
        )
    _add_set_progress(rows, task_sets, now=now)
    _add_wrong_runs(rows, topics)
    _add_falling(rows, topics, assigned_topic_ids, today=timezone.localdate(now))
    _add_inactive(rows, now=now)
    return ClassOverview(
        school_class=school_class,
        topics=topics,
        rows=sort_rows(rows, sort),
        task_sets=task_sets,
        assigned_topic_ids=assigned_topic_ids,
        sort=sort,
    )


def sort_rows(rows: list[StudentRow], sort: str) -> list[StudentRow]:
    """Rows in the order asked for; students without a figure go last either way."""
    descending = sort.startswith("-")
    key = sort.lstrip("-")
    name = lambda r: r.student.get_username().lower()  # noqa: E731
    if key == "name" or not key:
        return sorted(rows, key=name, reverse=descending)
    value: Any
    if key == "accuracy":
        value = lambda r: r.accuracy  # noqa: E731
    elif key == "chance":
        value = lambda r: r.mean_chance  # noqa: E731
    elif key == "last":
        value = lambda r: r.last_answered.timestamp() if r.last_answered else None  # noqa: E731
    elif key.startswith(("acc:", "chance:")):
        what, _, raw = key.partition(":")
        topic_id = int(raw) if raw.isdigit() else -1
        attr = "accuracy" if what == "acc" else "p_correct"
        value = lambda r: getattr(r.cells.get(topic_id, Cell()), attr)  # noqa: E731
    else:
        return sorted(rows, key=name)
    known = sorted((r for r in rows if value(r) is not None), key=name)
    known.sort(key=value, reverse=descending)
    return known + sorted((r for r in rows if value(r) is None), key=name)


def _add_set_progress(rows: list[StudentRow], task_sets: list[TaskSet], *, now: datetime) -> None:
    if not task_sets:
        return
    done = Q(practice_task__status=PracticeTask.Status.COMPLETED)
    skipped = Q(practice_task__status=PracticeTask.Status.SKIPPED)
    counts = (
        AssignedTask.objects.filter(task_set__in=task_sets)
        .values("task_set_id", "student_id")
        .annotate(
            total=Count("id"),
            completed=Count("id", filter=done),
            correct=Count("id", filter=done & Q(practice_task__is_correct=True)),
            late=Count("id", filter=done & Q(practice_task__answered_at__gt=F("task_set__due_at"))),
            skipped=Count("id", filter=skipped),
        )
    )
    due = {s.pk: s.due_at for s in task_sets}
    by_student = {r.student.pk: r for r in rows}
    for c in counts:
        row = by_student.get(c["student_id"])
        if row is None:
            continue  # removed from the class since: their work stays theirs
        left = c["total"] - c["completed"] - c["skipped"]
        overdue = left > 0 and due[c["task_set_id"]] <= now
        row.sets[c["task_set_id"]] = SetCell(
            c["total"], c["completed"], c["correct"], c["late"], overdue, c["skipped"]
        )


def _add_wrong_runs(rows: list[StudentRow], topics: list[Topic]) -> None:
    """ "N wrong in a row": the newest answers of each student, read in one windowed query."""
    names = {t.pk: t.name for t in topics}
    recent = (
        PracticeTask.objects.filter(student_id__in=[r.student.pk for r in rows])
        .completed()
        .exclude(answered_at=None)
        .annotate(
            back=Window(
                RowNumber(),
                partition_by=[F("student_id")],
                order_by=[F("answered_at").desc(), F("id").desc()],
            )
        )
        .filter(back__lte=RECENT_ANSWERS)
        .values_list("student_id", "back", "is_correct", "task__topic_id")
    )
    newest_first: dict[int, list[tuple[bool, int]]] = {}
    for student_id, _back, correct, topic_id in sorted(recent, key=lambda r: (r[0], r[1])):
        newest_first.setdefault(student_id, []).append((bool(correct), topic_id))
    for row in rows:
        run = []
        for correct, topic_id in newest_first.get(row.student.pk, []):
            if correct:
                break
            run.append(topic_id)
        if len(run) >= settings.CLASS_WRONG_IN_A_ROW:
            where = ", ".join(dict.fromkeys(names.get(t, "another topic") for t in run))
            more = "+" if len(run) == RECENT_ANSWERS else ""
            row.struggling.append(f"{len(run)}{more} wrong answers in a row ({where})")


def _add_falling(
    rows: list[StudentRow], topics: list[Topic], assigned: set[int], *, today: date
) -> None:
    """Compare today's predicted chance on the class's assigned topics with each student's
    oldest snapshot of the last FALLING_MAX_DAYS, and keep today's (one per student a day)."""
    since = today - timedelta(days=FALLING_MAX_DAYS)
    until = today - timedelta(days=FALLING_MIN_DAYS)
    earlier: dict[int, ChanceSnapshot] = {}
    if assigned:
        snapshots = ChanceSnapshot.objects.filter(
            student_id__in=[r.student.pk for r in rows], taken_on__gte=since, taken_on__lte=until
        ).order_by("taken_on")
        for snapshot in snapshots:
            earlier.setdefault(snapshot.student_id, snapshot)
    names = {t.pk: t.name for t in topics}
    fresh = []
    for row in rows:
        now = {t: c.p_correct for t, c in row.cells.items() if c.p_correct is not None}
        if now:
            chances = {str(t): round(p, 4) for t, p in now.items()}
            fresh.append(ChanceSnapshot(student=row.student, taken_on=today, chances=chances))
        before = earlier.get(row.student.pk)
        if before is None:
            continue
        for topic_id in sorted(assigned & set(now), key=lambda t: names.get(t, "")):
            then = before.chances.get(str(topic_id))
            if isinstance(then, int | float) and then - now[topic_id] >= FALLING_MARGIN:
                row.struggling.append(
                    f"predicted chance on {names[topic_id]} fell from {then:.0%} to "
                    f"{now[topic_id]:.0%} since {before.taken_on:%d %b}"
                )
    # The first view of the day keeps its snapshot; later views add nothing.
    ChanceSnapshot.objects.bulk_create(fresh, ignore_conflicts=True)


def _add_inactive(rows: list[StudentRow], *, now: datetime) -> None:
    days = settings.CLASS_INACTIVE_DAYS
    for row in rows:
        if row.last_answered is None:
            row.inactive = "has not practised yet"
        elif row.last_answered < now - timedelta(days=days):
            idle = (now - row.last_answered).days
            row.inactive = f"no practice for {idle} days (last {row.last_answered:%d %b})"


CSV_FIELDS_BEFORE_TOPICS = ("student", "attempts", "accuracy", "mean_predicted_chance", "last")


def write_overview_csv(overview: ClassOverview, out: Any, *, writer: Any) -> None:
    """The class view's table: one line per student, accuracy and predicted chance per topic,
    then each task set's completion. `writer` makes a csv writer (formula cells escaped)."""
    w = writer(out)
    header = list(CSV_FIELDS_BEFORE_TOPICS)
    for topic in overview.topics:
        header += [f"{topic.name} accuracy", f"{topic.name} attempts", f"{topic.name} chance"]
    for task_set in overview.task_sets:
        header += [f"{task_set.title} completed", f"{task_set.title} accuracy"]
    header += ["struggling", "inactive"]
    w.writerow(header)
    for row in overview.rows:
        line: list[Any] = [
            row.student.get_username(),
            row.attempts,
            _fraction(row.accuracy),
            _fraction(row.mean_chance),
            row.last_answered.isoformat() if row.last_answered else "",
        ]
        for topic in overview.topics:
            cell = row.cells[topic.pk]
            line += [_fraction(cell.accuracy), cell.attempts, _fraction(cell.p_correct)]
        for task_set in overview.task_sets:
            sc = row.sets.get(task_set.pk, SetCell())
            done = f"{sc.completed}/{sc.total}" + (f" ({sc.skipped} skipped)" if sc.skipped else "")
            line += [done, _fraction(sc.accuracy)]
        line += ["; ".join(row.struggling), row.inactive]
        w.writerow(line)


def _fraction(value: float | None) -> str:
    return "" if value is None else f"{value:.3f}"
