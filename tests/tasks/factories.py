"""factory_boy factories for the practice-task app."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import factory
from django.contrib.auth.models import User
from django.utils import timezone

from tasks.models import AnswerKind, Difficulty, PracticeTask, Task, Topic


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"student{n}")
    password = factory.django.Password("student-password-1")


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Topic
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"topic-{n}")
    name = factory.LazyAttribute(lambda o: o.slug.replace("-", " ").title())


class TaskFactory(factory.django.DjangoModelFactory):
    """A numeric task by default; traits `choice` and `self_assessed` give the other kinds."""

    class Meta:
        model = Task

    topic = factory.SubFactory(TopicFactory)
    slug = factory.Sequence(lambda n: f"task-{n}")
    title = factory.Sequence(lambda n: f"Task number {n}")
    difficulty = Difficulty.MEDIUM
    statement = r"A ball falls from $h = 20\,\mathrm{m}$. How long does it take?"
    solution = r"$$t = \sqrt{2h/g} = 2.02\,\mathrm{s}$$"
    concept = "free fall"
    answer_kind = AnswerKind.NUMERIC
    numeric_answer = 2.02
    unit = "s"
    tolerance = 0.02

    class Params:
        choice = factory.Trait(
            answer_kind=AnswerKind.CHOICE,
            numeric_answer=None,
            unit="",
            options=[
                {"id": "a", "text": "$1\\,\\mathrm{s}$"},
                {"id": "b", "text": "$2\\,\\mathrm{s}$"},
                {"id": "c", "text": "$3\\,\\mathrm{s}$"},
                {"id": "d", "text": "$4\\,\\mathrm{s}$"},
            ],
            correct_option="b",
        )
        self_assessed = factory.Trait(
            answer_kind=AnswerKind.SELF, numeric_answer=None, unit="", statement="Derive $E=mc^2$."
        )


class PracticeTaskFactory(factory.django.DjangoModelFactory):
    """A pending practice task; trait `shown` gives one whose clock runs, `completed` a graded
    one answered a minute later."""

    class Meta:
        model = PracticeTask

    student = factory.SubFactory(UserFactory)
    task = factory.SubFactory(TaskFactory)
    assigned_at = factory.LazyFunction(timezone.now)
    assigned_p_correct = 0.6
    assigned_seconds = 80.0
    assigned_source = "average"

    class Params:
        # Fetched once: its clock runs (a task must be shown before it can be completed).
        shown = factory.Trait(
            status=PracticeTask.Status.SHOWN,
            shown_at=factory.LazyAttribute(lambda o: o.assigned_at),
        )
        completed = factory.Trait(
            status=PracticeTask.Status.COMPLETED,
            shown_at=factory.LazyAttribute(lambda o: o.assigned_at),
            answered_at=factory.LazyAttribute(lambda o: o.assigned_at + timedelta(seconds=60)),
            seconds_taken=60.0,
            is_correct=True,
            answer="2.02",
        )


def completed_history(
    student: User, tasks: list[Task], n: int, *, correct_every: int = 2, **kwargs: Any
) -> list[PracticeTask]:
    """n completed attempts cycling over `tasks`, spread over the last n hours (bulk insert)."""
    now = timezone.now()
    rows = [
        PracticeTaskFactory.build(
            student=student,
            task=tasks[i % len(tasks)],
            completed=True,
            assigned_at=now - timedelta(hours=n - i, minutes=5),
            is_correct=(i % correct_every == 0),
            **kwargs,
        )
        for i in range(n)
    ]
    return PracticeTask.objects.bulk_create(rows)
