"""The demo's practice history: simulated students who have practised for a few weeks.

Seeded random generators, so every machine gets the same history (relative to now). The
simulated answers follow a small item-response model, so the student models have real signal
to learn from on a fresh install.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from tasks.models import AnswerKind, PracticeTask, Task

SIMULATED_STUDENTS = ("sim-ada", "sim-bohr", "sim-curie", "sim-dirac", "sim-euler", "sim-fermi")
DEMO_STUDENT_USERNAME = "student"
SIM_DAYS = 35
# Item model of the simulation (IRT-like): P(correct) = Φ(a·(θ + affinity + learning − b)).
SIM_DISCRIMINATION = 1.3
SIM_DIFFICULTY = {"easy": -1.1, "medium": 0.0, "hard": 1.1}
SIM_BASE_SECONDS = {"easy": 40.0, "medium": 80.0, "hard": 150.0}
SIM_KIND_TIME = {"numeric": 1.0, "choice": 0.7, "self": 1.3}
SIM_LEARNING_PER_ATTEMPT = 0.004


@dataclass
class _Attempt:
    student: User
    task: Task
    assigned_at: datetime
    shown_at: datetime
    answered_at: datetime
    is_correct: bool
    seconds: float
    answer: str


def seed_history() -> tuple[int, int]:
    """Simulated students with ~115 attempts each and a few days of history for the demo
    student. Seeded random generators: the same history (relative to now) on every machine."""
    tasks = list(Task.objects.assignable().select_related("topic").order_by("slug"))
    if not tasks:
        return 0, 0
    students = []
    for username in SIMULATED_STUDENTS:
        user, created = User.objects.get_or_create(username=username)
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        students.append(user)
    demo = User.objects.filter(username=DEMO_STUDENT_USERNAME).first()
    if demo is not None:
        students.append(demo)
    with_history = set(
        PracticeTask.objects.filter(student__in=students)
        .values_list("student_id", flat=True)
        .distinct()
    )
    now = timezone.now()
    attempts: list[_Attempt] = []
    seeded = 0
    for user in students:
        if user.pk in with_history:
            continue
        seeded += 1
        rng = random.Random(f"studysmart-seed-{user.username}")
        if user.username == DEMO_STUDENT_USERNAME:
            # A little recent history: a three-day streak up to yesterday.
            days = [1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3]
            attempts += _simulate(user, tasks, days, ability=0.1, speed=0.3, rng=rng, now=now)
        else:
            n = rng.randint(105, 130)
            practice_days = sorted(rng.sample(range(1, SIM_DAYS), 15), reverse=True)
            days = sorted((rng.choice(practice_days) for _ in range(n)), reverse=True)
            ability = min(1.1, max(-0.7, rng.gauss(0.3, 0.6)))
            attempts += _simulate(user, tasks, days, ability=ability, rng=rng, now=now)
    PracticeTask.objects.bulk_create(_with_running_average_predictions(attempts), batch_size=500)
    return seeded, len(attempts)


def _simulate(
    user: User,
    tasks: Sequence[Task],
    days_ago: Sequence[int],
    *,
    ability: float,
    rng: random.Random,
    now: datetime,
    speed: float | None = None,
) -> list[_Attempt]:
    """One student's attempts, in order: ability and speed per student, affinity per topic,
    difficulty per task, a small learning effect, lognormal times."""
    speed = rng.gauss(0.0, 0.3) if speed is None else speed
    affinity = {topic_id: rng.gauss(0.0, 0.4) for topic_id in sorted({t.topic_id for t in tasks})}
    attempts: list[_Attempt] = []
    recent: list[int] = []
    cursor: datetime | None = None
    last_day: int | None = None
    for index, day in enumerate(days_ago):
        if day != last_day:
            start = (now - timedelta(days=day)).replace(hour=0, minute=0, second=0, microsecond=0)
            cursor = start + timedelta(hours=rng.uniform(8, 20))
            last_day = day
        assert cursor is not None
        task = rng.choice([t for t in tasks if t.pk not in recent[-20:]])
        recent.append(task.pk)
        task_rng = random.Random(task.slug)
        b = SIM_DIFFICULTY.get(task.difficulty, 0.0) + task_rng.gauss(0.0, 0.35)
        theta = ability + affinity[task.topic_id] + SIM_LEARNING_PER_ATTEMPT * index
        p = _phi(SIM_DISCRIMINATION * (theta - b))
        is_correct = rng.random() < p
        base = SIM_BASE_SECONDS.get(task.difficulty, 90.0) * SIM_KIND_TIME.get(
            task.answer_kind, 1.0
        )
        log_seconds = (
            math.log(base)
            + task_rng.gauss(0.0, 0.2)
            - speed
            - 0.002 * index
            + (0.1 if not is_correct else 0.0)
            + rng.gauss(0.0, 0.4)
        )
        seconds = round(min(1200.0, max(8.0, math.exp(log_seconds))), 1)
        assigned_at = cursor
        shown_at = assigned_at + timedelta(seconds=rng.uniform(1, 20))
        answered_at = shown_at + timedelta(seconds=seconds)
        cursor = answered_at + timedelta(seconds=rng.uniform(5, 40))
        answer = _simulated_answer(task, is_correct, rng)
        attempts.append(
            _Attempt(user, task, assigned_at, shown_at, answered_at, is_correct, seconds, answer)
        )
    return attempts


def _phi(x: float) -> float:
    return 0.5 * (1.0 + math.erf(x / math.sqrt(2.0)))


def _simulated_answer(task: Task, is_correct: bool, rng: random.Random) -> str:
    if task.answer_kind == AnswerKind.NUMERIC and task.numeric_answer is not None:
        value = task.numeric_answer
        if not is_correct:
            value *= rng.choice([-1.0, 1.0]) * rng.uniform(1.1, 2.0)
        return repr(float(f"{value:.4g}"))
    if task.answer_kind == AnswerKind.CHOICE:
        if is_correct:
            return task.correct_option
        wrong = [i for i in task.option_ids() if i != task.correct_option]
        return rng.choice(wrong) if wrong else ""
    return "got it right" if is_correct else "got it wrong"


def _with_running_average_predictions(attempts: list[_Attempt]) -> list[PracticeTask]:
    """Frozen predictions for simulated history: exactly what the topic × difficulty average
    would have said at assignment time (earlier answers only), else the default."""
    from mlmodels.services import DEFAULT_P_CORRECT, DEFAULT_SECONDS, MIN_GROUP_ATTEMPTS

    default = {"p_correct": DEFAULT_P_CORRECT, "seconds": DEFAULT_SECONDS, "version": ""}
    totals: dict[tuple[int, str], list[float]] = {}
    # Answers become known in time order; a prediction sees those answered before assignment.
    events = sorted(
        [(a.assigned_at, 1, i) for i, a in enumerate(attempts)]
        + [(a.answered_at, 0, i) for i, a in enumerate(attempts)]
    )
    rows: list[PracticeTask | None] = [None] * len(attempts)
    for _when, is_assignment, i in events:
        a = attempts[i]
        group = (a.task.topic_id, a.task.difficulty)
        n, correct, seconds = totals.setdefault(group, [0.0, 0.0, 0.0])
        if not is_assignment:
            totals[group] = [n + 1, correct + a.is_correct, seconds + a.seconds]
            continue
        if n >= MIN_GROUP_ATTEMPTS:
            prediction: dict[str, Any] = {
                "p_correct": correct / n,
                "seconds": seconds / n,
                "version": "",
            }
            source, alternatives = "average", {"default": default}
        else:
            prediction, source, alternatives = default, "default", {}
        rows[i] = PracticeTask(
            student=a.student,
            task=a.task,
            status=PracticeTask.Status.COMPLETED,
            assigned_at=a.assigned_at,
            shown_at=a.shown_at,
            answered_at=a.answered_at,
            answer=a.answer,
            is_correct=a.is_correct,
            seconds_taken=a.seconds,
            assigned_p_correct=prediction["p_correct"],
            assigned_seconds=prediction["seconds"],
            assigned_source=source,
            assigned_version="",
            assigned_alternatives=alternatives,
        )
    return [row for row in rows if row is not None]


def forget_cached_averages() -> None:
    """The serving averages are cached briefly; new history should count at once."""
    from django.core.cache import cache

    from mlmodels import services as mlmodels_services

    key = getattr(mlmodels_services, "GROUP_AVERAGES_CACHE_KEY", None)
    if key:
        # robust: a cache that is down must not fail what has just been committed.
        transaction.on_commit(lambda: cache.delete(key), robust=True)
