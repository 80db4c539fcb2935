"""Classes (a teacher's group of students, joined with a code), the task sets assigned to them
with a due date, and what a teacher has marked handled in the tutor report."""

from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q

TEACHERS_GROUP = "Teachers"
# Join codes avoid look-alike characters (0/O, 1/I/L): students copy them from a board.
JOIN_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
JOIN_CODE_LENGTH = 8


def new_join_code() -> str:
    return "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(JOIN_CODE_LENGTH))


def normalise_join_code(raw: str) -> str:
    """What a student typed → the stored form: case, spaces and dashes don't matter."""
    return "".join(ch for ch in raw.upper() if ch.isalnum())


def school_time_zone() -> str:
    return str(settings.SCHOOL_TIME_ZONE)


class SchoolClassQuerySet(models.QuerySet["SchoolClass"]):
    def visible_to(self, user: Any) -> SchoolClassQuerySet:
        """Every class for a superuser; the classes a teacher teaches otherwise."""
        if user.is_superuser:
            return self.all()
        return self.filter(teachers=user)


class SchoolClass(models.Model):
    name = models.CharField(max_length=120)
    teachers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="taught_classes", blank=True
    )
    students = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="Membership",
        related_name="school_classes",
        blank=True,
    )
    join_code = models.CharField(max_length=16, unique=True, default=new_join_code, editable=False)
    code_rotated_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SchoolClassQuerySet.as_manager()

    class Meta:
        ordering = ["name", "id"]
        verbose_name = "class"
        verbose_name_plural = "classes"

    def __str__(self) -> str:
        return self.name

    @property
    def join_code_display(self) -> str:
        """ABCD-EFGH: easier to read out than eight letters in a row."""
        half = len(self.join_code) // 2
        return f"{self.join_code[:half]}-{self.join_code[half:]}"


class Membership(models.Model):
    school_class = models.ForeignKey(
        SchoolClass, on_delete=models.CASCADE, related_name="memberships"
    )
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="class_memberships"
    )
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["student__username"]
        constraints = [
            models.UniqueConstraint(
                fields=["school_class", "student"], name="membership_unique_student"
            )
        ]

    def __str__(self) -> str:
        return f"{self.student} in {self.school_class}"


class TaskSetQuerySet(models.QuerySet["TaskSet"]):
    def open_at(self, when: Any) -> TaskSetQuerySet:
        return self.filter(due_at__gt=when)


class TaskSet(models.Model):
    """Work assigned to a class with a due date: chosen tasks, or N adaptive tasks from some
    topics aimed at a predicted chance."""

    class Kind(models.TextChoices):
        CHOSEN = "chosen", "Chosen tasks"
        ADAPTIVE = "adaptive", "Adaptive tasks from topics"

    school_class = models.ForeignKey(
        SchoolClass, on_delete=models.CASCADE, related_name="task_sets", verbose_name="class"
    )
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.ADAPTIVE)
    tasks = models.ManyToManyField(
        "tasks.Task", blank=True, related_name="task_sets", help_text="For chosen tasks."
    )
    topics = models.ManyToManyField(
        "tasks.Topic", blank=True, related_name="task_sets", help_text="For adaptive tasks."
    )
    count = models.PositiveSmallIntegerField(
        default=5, help_text="Adaptive: how many tasks each student gets (1–20)."
    )
    target_percent = models.PositiveSmallIntegerField(
        default=70, help_text="Adaptive: aim at about this predicted chance of a right answer (%)."
    )
    # Stored as an instant (UTC in the database) plus the zone it was set in: students see it
    # in their own local time, teachers in the school's.
    due_at = models.DateTimeField()
    time_zone = models.CharField(max_length=64, default=school_time_zone, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TaskSetQuerySet.as_manager()

    class Meta:
        ordering = ["-due_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(count__gte=1, count__lte=20), name="taskset_count_1_to_20"
            ),
            models.CheckConstraint(
                condition=Q(target_percent__gte=5, target_percent__lte=95),
                name="taskset_target_5_to_95",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class AssignedTask(models.Model):
    """One practice task handed out as part of a task set (the practice task itself is an
    ordinary one: timed, predicted, graded and fed to the models)."""

    task_set = models.ForeignKey(TaskSet, on_delete=models.CASCADE, related_name="assigned")
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="assigned_tasks"
    )
    practice_task = models.OneToOneField(
        "tasks.PracticeTask", on_delete=models.CASCADE, related_name="assignment"
    )

    class Meta:
        indexes = [models.Index(fields=["task_set", "student"], name="assigned_set_student")]

    def __str__(self) -> str:
        return f"{self.task_set} → {self.student}"


class ChanceSnapshot(models.Model):
    """A student's predicted chance per topic as the class view saw it on one day
    ({topic id: P(correct)}): what "predicted chance falling" is measured against."""

    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    taken_on = models.DateField()
    chances = models.JSONField(default=dict)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["student", "taken_on"], name="chance_snapshot_one_a_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.student_id} · {self.taken_on}"


class HandledReportItem(models.Model):
    """A tutor-report item a teacher has dealt with: hidden until it is asked again."""

    class Kind(models.TextChoices):
        REFUSED = "refused", "Refused: not in the notes"
        UNHELPFUL = "unhelpful", "Rated not helpful"
        CONCEPT = "concept", "Most-asked concept"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    key = models.CharField(max_length=300)
    # None: the report over every chat (superusers).
    school_class = models.ForeignKey(
        SchoolClass, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    handled_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "key", "school_class"],
                condition=Q(school_class__isnull=False),
                name="handled_item_unique_per_class",
            ),
            models.UniqueConstraint(
                fields=["kind", "key"],
                condition=Q(school_class__isnull=True),
                name="handled_item_unique_overall",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.key}"
