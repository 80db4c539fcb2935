"""Topics, the question bank and practice tasks (one task assigned to one student)."""

from __future__ import annotations

import math
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.db.models import Avg, Case, Count, Q, When
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from studysmart.content import content_hash

if TYPE_CHECKING:
    from django.contrib.auth.models import User


class Difficulty(models.TextChoices):
    EASY = "easy", "Easy"
    MEDIUM = "medium", "Medium"
    HARD = "hard", "Hard"


class AnswerKind(models.TextChoices):
    NUMERIC = "numeric", "Numeric"
    CHOICE = "choice", "Multiple choice"
    SELF = "self", "Self-assessed"


class Topic(models.Model):
    slug = models.SlugField(max_length=120, unique=True)
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    # Import namespace ("" for the question bank): keeps ids from different systems apart.
    source = models.CharField(max_length=60, blank=True, default="")
    order = models.PositiveSmallIntegerField(default=0, help_text="Position in the bank's files.")
    # Hash of the values last loaded from content/bank: a row that no longer matches it was
    # changed here, and seeding keeps it (tasks/content.py).
    content_hash = models.CharField(max_length=64, blank=True, editable=False)

    CONTENT_FIELDS = ("name", "description", "order")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def content_values(self) -> dict[str, Any]:
        """The values the content files hold for this topic."""
        return {name: getattr(self, name) for name in self.CONTENT_FIELDS}

    def current_hash(self) -> str:
        return content_hash(self.content_values())

    def mark_loaded(self) -> None:
        """Record the current values as the ones loaded from the files."""
        self.content_hash = self.current_hash()


class TaskQuerySet(models.QuerySet["Task"]):
    def assignable(self) -> TaskQuerySet:
        """Tasks a student can be given: from the bank (not imported), active and not retired."""
        return self.filter(source="", is_active=True, retired=False)

    def imported(self) -> TaskQuerySet:
        return self.exclude(source="")


class Task(models.Model):
    topic = models.ForeignKey(Topic, on_delete=models.PROTECT, related_name="tasks")
    slug = models.CharField(max_length=200, unique=True)
    title = models.CharField(max_length=200, blank=True)
    # Blank for imported tasks: they only inform the models and are never assigned.
    difficulty = models.CharField(max_length=10, choices=Difficulty.choices, blank=True)
    statement = models.TextField(blank=True, help_text="Markdown with $…$ / $$…$$ LaTeX math.")
    answer_kind = models.CharField(max_length=10, choices=AnswerKind.choices, blank=True)
    numeric_answer = models.FloatField(null=True, blank=True)
    unit = models.CharField(max_length=40, blank=True)
    tolerance = models.FloatField(default=0.02, help_text="Relative tolerance, e.g. 0.02 = 2 %.")
    options = models.JSONField(default=list, blank=True, help_text='[{"id": "a", "text": "…"}]')
    correct_option = models.CharField(max_length=10, blank=True)
    solution = models.TextField(blank=True, help_text="Worked solution, Markdown + LaTeX.")
    concept = models.CharField(max_length=200, blank=True, help_text="Opens the tutor on this.")
    source = models.CharField(max_length=60, blank=True, default="")
    external_id = models.CharField(max_length=200, blank=True)
    # Given values in SI units, so a test can recompute the answer from them.
    params = models.JSONField(default=dict, blank=True, help_text='{"h": 20.0, "g": 9.81}')
    is_active = models.BooleanField(default=True)
    # Gone from the content files: never assigned again; its attempts stay.
    retired = models.BooleanField(default=False, help_text="Removed from the content files.")
    # Hash of the values last loaded from content/bank (see Topic.content_hash).
    content_hash = models.CharField(max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TaskQuerySet.as_manager()

    class Meta:
        ordering = ["topic__name", "difficulty", "slug"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "external_id"],
                condition=~Q(source=""),
                name="task_unique_external_id_per_source",
            ),
        ]

    def __str__(self) -> str:
        return self.title or self.slug

    @property
    def is_imported(self) -> bool:
        return bool(self.source)

    def content_values(self) -> dict[str, Any]:
        """The values the content files hold for this task (the topic by its slug)."""
        return {
            "topic": self.topic.slug,
            "title": self.title,
            "difficulty": self.difficulty,
            "statement": self.statement,
            "answer_kind": self.answer_kind,
            "numeric_answer": self.numeric_answer,
            "unit": self.unit,
            "tolerance": self.tolerance,
            "options": [{"id": o.get("id"), "text": o.get("text")} for o in self.options or ()],
            "correct_option": self.correct_option,
            "solution": self.solution,
            "concept": self.concept,
            # float(): PostgreSQL's jsonb gives 5.972e24 back as an int.
            "params": {str(k): float(v) for k, v in (self.params or {}).items()},
        }

    def current_hash(self) -> str:
        return content_hash(self.content_values())

    def mark_loaded(self) -> None:
        """Record the current values as the ones loaded from the files."""
        self.content_hash = self.current_hash()

    def check_numeric(self, value: float) -> bool:
        """Correct when within the task's relative tolerance of the stored answer."""
        if self.numeric_answer is None or not math.isfinite(value):
            return False
        expected = self.numeric_answer
        if expected == 0:
            return abs(value) <= self.tolerance
        return abs(value - expected) <= abs(expected) * self.tolerance

    def check_choice(self, option_id: str) -> bool:
        return option_id == self.correct_option

    def option_ids(self) -> list[str]:
        return [str(o.get("id")) for o in self.options or []]

    @property
    def statement_html(self) -> SafeString:
        from studysmart.markdown import render_markdown  # latex2mathml only when rendering

        return mark_safe(render_markdown(self.statement))  # sanitised by nh3

    @property
    def solution_html(self) -> SafeString:
        from studysmart.markdown import render_markdown

        return mark_safe(render_markdown(self.solution))  # sanitised by nh3

    def options_html(self) -> list[tuple[str, SafeString]]:
        """(id, rendered text) per option: option texts may hold math too."""
        from studysmart.markdown import render_markdown_inline

        return [
            (str(o.get("id")), mark_safe(render_markdown_inline(str(o.get("text", "")))))
            for o in self.options or []
        ]

    @property
    def unit_symbol(self) -> str:
        """The unit as printed after a number: a difference unit (ΔK) without its Δ."""
        return self.unit.strip().removeprefix("Δ").strip()

    @property
    def expected_unit(self) -> str:
        """What the answer field says it expects: "m", "K (a temperature difference)"."""
        from tasks.answers import expected_unit_text

        return expected_unit_text(self.unit)

    @property
    def correct_answer_display(self) -> str:
        if self.answer_kind == AnswerKind.NUMERIC and self.numeric_answer is not None:
            return f"{self.numeric_answer:g} {self.unit_symbol}".strip()
        if self.answer_kind == AnswerKind.CHOICE:
            return self.correct_option.upper()
        return ""


class PracticeTaskQuerySet(models.QuerySet["PracticeTask"]):
    def for_student(self, user: User) -> PracticeTaskQuerySet:
        return self.filter(student=user)

    def pending(self) -> PracticeTaskQuerySet:
        """Assigned or shown: waiting for an answer (completed and skipped ones are done)."""
        return self.filter(status__in=PracticeTask.PENDING_STATUSES)

    def skipped(self) -> PracticeTaskQuerySet:
        return self.filter(status=PracticeTask.Status.SKIPPED)

    def finished(self) -> PracticeTaskQuerySet:
        """Completed or skipped: what the history page lists."""
        return self.filter(status__in=(PracticeTask.Status.COMPLETED, PracticeTask.Status.SKIPPED))

    def completed(self) -> PracticeTaskQuerySet:
        return self.filter(status=PracticeTask.Status.COMPLETED)

    def with_task(self) -> PracticeTaskQuerySet:
        """The task and its topic in the same query (every page shows them)."""
        return self.select_related("task__topic")

    def in_practice_order(self) -> PracticeTaskQuerySet:
        """Newest batch first; within a batch, the order the assignment picked them."""
        return self.order_by("-assigned_at", "id")

    def newest_answered_first(self) -> PracticeTaskQuerySet:
        return self.order_by("-answered_at", "-id")

    def newest_first(self) -> PracticeTaskQuerySet:
        """By when the task was answered, or, for a skipped one, last seen or assigned."""
        return self.annotate(
            finished_at=Coalesce("answered_at", "shown_at", "assigned_at")
        ).order_by("-finished_at", "-id")

    def totals(self) -> dict[str, Any]:
        """Completed count, correct count and mean seconds, in one aggregate query."""
        return self.completed().aggregate(
            completed=Count("id"),
            correct=Count("id", filter=Q(is_correct=True)),
            mean_seconds=Avg("seconds_taken"),
        )

    def answer_days(self, *, since: date) -> list[date]:
        """The distinct days (newest first) with a completion on or after `since`."""
        return list(
            self.completed()
            .filter(answered_at__date__gte=since)
            .annotate(day=TruncDate("answered_at"))
            .values_list("day", flat=True)
            .distinct()
            .order_by("-day")
        )

    def by_topic(self) -> list[dict[str, Any]]:
        """Per topic: attempts, accuracy and mean time of completed tasks (one query)."""
        rows = (
            self.completed()
            .values("task__topic_id", "task__topic__name")
            .annotate(
                n=Count("id"),
                # CASE rather than CAST: PostgreSQL cannot cast a boolean to a float.
                accuracy=Avg(
                    Case(When(is_correct=True, then=1.0), default=0.0),
                    output_field=models.FloatField(),
                ),
                mean_seconds=Avg("seconds_taken"),
            )
            .order_by("task__topic__name")
        )
        return [dict(row) for row in rows]

    def outcomes(self, *, last: int) -> list[tuple[bool, float | None]]:
        """(is_correct, predicted P(correct) at assignment) of the last `last` completions,
        oldest first."""
        rows = list(
            self.completed()
            .newest_answered_first()
            .values_list("is_correct", "assigned_p_correct")[:last]
        )
        return [(bool(correct), p) for correct, p in reversed(rows)]


def current_streak(days: list[date], *, today: date) -> int:
    """Consecutive days with a completion, ending today (or yesterday: today isn't over)."""
    if not days or days[0] < today - timedelta(days=1):
        return 0
    streak, expected = 0, days[0]
    for day in days:
        if day != expected:
            break
        streak += 1
        expected = day - timedelta(days=1)
    return streak


class PracticeTask(models.Model):
    class Status(models.TextChoices):
        ASSIGNED = "assigned", "Assigned"
        SHOWN = "shown", "Shown"
        COMPLETED = "completed", "Completed"
        # Passed over by the student: never graded and never a model input.
        SKIPPED = "skipped", "Skipped"

    PENDING_STATUSES = (Status.ASSIGNED, Status.SHOWN)

    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="practice_tasks"
    )
    task = models.ForeignKey(Task, on_delete=models.PROTECT, related_name="practice_tasks")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ASSIGNED)
    assigned_at = models.DateTimeField(default=timezone.now)
    # The server's clock, never the browser's: shown at the first fetch, answered on submit.
    shown_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    # The answer as graded (a numeric one as a number in the task's unit) …
    answer = models.CharField(max_length=200, blank=True)
    # … and as the student typed it ("1200 cm"), when that differs.
    answer_text = models.CharField(max_length=200, blank=True)
    is_correct = models.BooleanField(null=True, blank=True)
    seconds_taken = models.FloatField(null=True, blank=True)
    # Hints the tutor gave on this task while it was pending (teachers see it).
    hints_used = models.PositiveIntegerField(default=0)
    # The prediction made at assignment, frozen: the served one and every other source's.
    assigned_p_correct = models.FloatField(null=True, blank=True)
    assigned_seconds = models.FloatField(null=True, blank=True)
    assigned_source = models.CharField(max_length=20, blank=True)
    assigned_version = models.CharField(max_length=40, blank=True)
    assigned_alternatives = models.JSONField(
        default=dict,
        blank=True,
        help_text='{"lnirt": {"p_correct": …, "seconds": …, "version": …}}',
    )
    # Imported attempts: the import namespace and a key that makes a re-run idempotent.
    source = models.CharField(max_length=60, blank=True, default="")
    external_key = models.CharField(max_length=200, blank=True)

    objects = PracticeTaskQuerySet.as_manager()

    class Meta:
        ordering = ["-assigned_at", "-id"]
        indexes = [
            models.Index(fields=["student", "status"], name="practice_student_status"),
            models.Index(fields=["student", "-assigned_at"], name="practice_student_recent"),
            models.Index(fields=["status", "answered_at"], name="practice_status_answered"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "external_key"],
                condition=~Q(source=""),
                name="practice_unique_external_key_per_source",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.student} · {self.task} ({self.status})"

    @property
    def is_completed(self) -> bool:
        return self.status == self.Status.COMPLETED

    @property
    def is_skipped(self) -> bool:
        return self.status == self.Status.SKIPPED

    @property
    def is_pending(self) -> bool:
        return self.status in self.PENDING_STATUSES

    @property
    def answer_display(self) -> str:
        """The stored answer as a student reads it: 42 Hz, not 42.0."""
        if self.task.answer_kind == AnswerKind.NUMERIC and self.answer:
            try:
                value = f"{float(self.answer):.6g} {self.task.unit_symbol}".strip()
            except ValueError:
                return self.answer
            typed = self.answer_text.strip()
            # "1200 cm (= 12 m)": what the student wrote, and what it was graded as.
            return f"{typed} (= {value})" if typed and typed != value else value
        if self.task.answer_kind == AnswerKind.CHOICE:
            return self.answer.upper()
        return self.answer
