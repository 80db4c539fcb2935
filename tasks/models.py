"""Topics, the question bank and practice tasks (one task assigned to one student)."""

from __future__ import annotations

import functools
import math
import re
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Avg, Case, Count, Q, When
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe


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

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class TaskQuerySet(models.QuerySet["Task"]):
    def assignable(self) -> TaskQuerySet:
        """Tasks a student can be given: from the bank (not imported) and active."""
        return self.filter(source="", is_active=True)

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
    is_active = models.BooleanField(default=True)
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
        return mark_safe(markdown_html(self.statement))  # sanitised by nh3

    @property
    def solution_html(self) -> SafeString:
        return mark_safe(markdown_html(self.solution))  # sanitised by nh3

    def options_html(self) -> list[tuple[str, SafeString]]:
        """(id, rendered text) per option: option texts may hold math too."""
        return [
            (str(o.get("id")), mark_safe(markdown_inline_html(str(o.get("text", "")))))
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


@functools.lru_cache(maxsize=4096)
def markdown_html(text: str) -> str:
    """Markdown + LaTeX → sanitised HTML with MathML, memoised: bank texts rarely change and
    a page of tasks would otherwise convert the same formulas on every request."""
    from studysmart.markdown import render_markdown

    # Keep inline math together with the punctuation right after it: browsers would otherwise
    # happily start a line with the full stop that ends a formula.
    return _MATH_THEN_PUNCTUATION.sub(r'<span class="nobr">\1\2</span>', render_markdown(text))


_MATH_THEN_PUNCTUATION = re.compile(
    r"(<math(?![^>]*display=\"block\")[^>]*>(?:(?!</math>).)*</math>)([.,;:!?)]+)", re.S
)


def markdown_inline_html(text: str) -> str:
    """As markdown_html, without the paragraph around a one-line text (option labels)."""
    html = markdown_html(text).strip()
    if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
        return html[3:-4]
    return html


class PracticeTaskQuerySet(models.QuerySet["PracticeTask"]):
    def for_student(self, user: object) -> PracticeTaskQuerySet:
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
        return list(
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
