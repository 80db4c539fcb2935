"""A simulated practice history (IRT-like ability and speed) for the training tests."""

from __future__ import annotations

from datetime import timedelta
from typing import Any


def seed_history(
    *,
    students: int = 25,
    tasks: int = 15,
    per_student: int = 12,
    seed: int = 7,
    item_noise: float = 0.0,
    days: int = 10,
    prefix: str = "worker",
) -> dict[str, Any]:
    """students × per_student completed attempts on `tasks` self-assessed tasks in 3 topics.

    P(correct) is logistic in θ − b, with b set by the difficulty (± `item_noise`); seconds are
    lognormal around λ − τ. Returns the students, the tasks and the true θ of each student.
    """
    import numpy as np
    from django.contrib.auth.models import User
    from django.utils import timezone

    from tasks.models import AnswerKind, PracticeTask, Task, Topic

    rng = np.random.default_rng(seed)
    topics = [
        Topic.objects.create(slug=f"{prefix}-topic-{i}", name=f"{prefix.title()} topic {i}")
        for i in range(3)
    ]
    levels = ["easy", "medium", "hard"]
    task_rows = [
        Task.objects.create(
            topic=topics[i % 3],
            slug=f"{prefix}-task-{i}",
            title=f"{prefix.title()} task {i}",
            difficulty=levels[i % 3],
            answer_kind=AnswerKind.SELF,
            statement="…",
        )
        for i in range(tasks)
    ]
    b = np.array([{"easy": -1.0, "medium": 0.0, "hard": 1.0}[t.difficulty] for t in task_rows])
    if item_noise:
        b = b + rng.normal(0, item_noise, tasks)
    lam = rng.normal(4.0, 0.3, tasks)
    users = [User.objects.create_user(f"{prefix}-sim{i}") for i in range(students)]
    theta = rng.normal(0, 1, students)
    tau = rng.normal(0, 0.3, students)
    start = timezone.now() - timedelta(days=days)
    rows = []
    for s, student in enumerate(users):
        for k, j in enumerate(rng.permutation(tasks)[:per_student]):
            p = 1 / (1 + np.exp(-1.7 * (theta[s] - b[j])))
            seconds = float(np.exp(rng.normal(lam[j] - tau[s], 0.3)))
            at = start + timedelta(hours=s, minutes=5 * k)
            rows.append(
                PracticeTask(
                    student=student,
                    task=task_rows[j],
                    status=PracticeTask.Status.COMPLETED,
                    assigned_at=at,
                    shown_at=at,
                    answered_at=at + timedelta(seconds=seconds),
                    is_correct=bool(rng.random() < p),
                    seconds_taken=seconds,
                )
            )
    PracticeTask.objects.bulk_create(rows)
    return {"students": users, "tasks": task_rows, "theta": theta}
