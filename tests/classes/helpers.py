"""Building blocks for the class-view tests: a class of N students with history over a bank
of topics, and a real LNIRT model trained on it and published as the champion."""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

from django.contrib.auth.models import User
from django.utils import timezone

from classes.models import Membership, SchoolClass
from tasks.models import PracticeTask, Task, Topic


def big_class(
    *, students: int, topics: int, per_student: int = 30, seed: int = 1
) -> dict[str, Any]:
    """A class of `students` with `per_student` completed attempts each over a bank of
    `topics` topics × 3 difficulties × 2 tasks (bulk inserts)."""
    rng = random.Random(seed)
    topic_rows = Topic.objects.bulk_create(
        [Topic(slug=f"t{i}", name=f"Topic {i}") for i in range(topics)]
    )
    tasks = Task.objects.bulk_create(
        [
            Task(
                topic=topic,
                slug=f"{topic.slug}-{level}-{k}",
                title=f"{topic.name} {level} {k}",
                difficulty=level,
                answer_kind="self",
                statement="…",
            )
            for topic in topic_rows
            for level in ("easy", "medium", "hard")
            for k in range(2)
        ]
    )
    users = User.objects.bulk_create([User(username=f"s{i:03d}") for i in range(students)])
    school_class = SchoolClass.objects.create(name="Big class")
    Membership.objects.bulk_create(
        [Membership(school_class=school_class, student=u) for u in users]
    )
    now = timezone.now()
    rows = []
    for s, user in enumerate(users):
        ability = rng.gauss(0, 1)
        for k in range(per_student):
            task = rng.choice(tasks)
            at = now - timedelta(days=10, hours=-s, minutes=-10 * k)
            level = {"easy": -1.0, "medium": 0.0, "hard": 1.0}[task.difficulty]
            p = 1 / (1 + 2.718 ** (-1.5 * (ability - level)))
            rows.append(
                PracticeTask(
                    student=user,
                    task=task,
                    status=PracticeTask.Status.COMPLETED,
                    assigned_at=at,
                    shown_at=at,
                    answered_at=at + timedelta(seconds=60),
                    is_correct=rng.random() < p,
                    seconds_taken=rng.uniform(20, 200),
                )
            )
    PracticeTask.objects.bulk_create(rows)
    return {"class": school_class, "students": users, "topics": topic_rows, "tasks": tasks}


def publish_lnirt(*, champion: bool = True) -> None:
    """Fit LNIRT on every attempt (NumPy, a second or so) and make it the active champion."""
    publish("lnirt", champion=champion)


def publish(kind: str, *, champion: bool = True) -> None:
    """Fit `kind` on every attempt through the worker's code and make it active."""
    from mlmodels.models import ModelVersion
    from mlmodels.registry import registry
    from mlmodels.training import attempts_table, fit_and_export

    relative, seconds = fit_and_export(kind, attempts_table(), version=1)
    ModelVersion.objects.create(
        kind=kind,
        version=1,
        artifact=relative,
        is_active=True,
        is_champion=champion,
        training_seconds=seconds,
        metrics={"auc": 0.7},
    )
    registry.reset()
