"""Writes and side effects of the practice-task app: assigning, showing and completing practice
tasks, and seeding the demo question bank with simulated history."""

from __future__ import annotations

import math
import random
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, User
from django.db import transaction
from django.utils import timezone

from mlmodels.services import Prediction, predict_many, record_completion
from tasks.answers import AnswerError, parse_numeric_answer
from tasks.models import AnswerKind, Difficulty, PracticeTask, Task, TaskQuerySet, Topic

MAX_ASSIGN = 20
# "Recent" tasks are not assigned again while fresh ones are left: the student's last
# RECENT_ATTEMPTS completions and everything completed in the last RECENT_DAYS.
RECENT_ATTEMPTS = 20
RECENT_DAYS = 2
# Added to a candidate's distance from the target per task of its topic already in the batch:
# large enough to go round the topics before repeating one, small enough that a far better
# match still wins.
TOPIC_REPEAT_PENALTY = 0.15
RECENT_PENALTY = 1.0
TIE_BREAK_JITTER = 0.02
# predict_many over a huge bank would be wasted work: a random sample is as good a pool.
MAX_CANDIDATES = 400


class PracticeTaskError(Exception):
    """A refused request; `message` is safe to show the student (→ 400), `field` names the
    request field at fault, if one is."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class InvalidAnswer(PracticeTaskError):
    pass


class AlreadyCompleted(PracticeTaskError):
    """A second submit (→ 409). Carries the practice task with its first, unchanged outcome."""

    def __init__(self, practice_task: PracticeTask) -> None:
        super().__init__("This practice task is already completed.")
        self.practice_task = practice_task


class NotPending(PracticeTaskError):
    """Skipping or answering a task that is no longer pending (→ 409)."""

    def __init__(self, practice_task: PracticeTask) -> None:
        word = "skipped" if practice_task.is_skipped else "completed"
        super().__init__(f"This practice task is already {word}.")
        self.practice_task = practice_task
        self.code = "skipped" if practice_task.is_skipped else "completed"


class NotFinished(PracticeTaskError):
    """Practising again a task that is still pending (→ 409)."""


@dataclass(frozen=True)
class CompletionResult:
    practice_task: PracticeTask
    is_correct: bool
    seconds_taken: float


# --- assignment -------------------------------------------------------------------------------


def check_count(value: object) -> int:
    """The number of tasks to assign: an integer 1..MAX_ASSIGN (a bool is not a number)."""
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_ASSIGN:
        raise PracticeTaskError(f"count must be a whole number from 1 to {MAX_ASSIGN}.")
    return value


@transaction.atomic
def assign_practice_tasks(
    *,
    student: AbstractBaseUser,
    count: int,
    pool: TaskQuerySet | None = None,
) -> list[PracticeTask]:
    """Assign up to `count` new tasks, adaptively (SPEC §3).

    Candidates are the assignable tasks of `pool` (default: the whole bank) that are neither
    pending for the student nor recently attempted (recent ones only when nothing else is
    left). One batched prediction for all candidates; the greedy pick minimises the distance of
    the predicted P(correct) from PRACTICE_TARGET_P_CORRECT plus a penalty per task of the same
    topic already picked, with a little random jitter to break ties. Each new practice task
    stores the prediction it was chosen with, and every other source's, frozen.
    """
    count = check_count(count)
    lock_student(student)
    mine = PracticeTask.objects.for_student(student)
    pending = set(mine.pending().values_list("task_id", flat=True))
    since = timezone.now() - timedelta(days=RECENT_DAYS)
    recent = set(mine.completed().filter(answered_at__gte=since).values_list("task_id", flat=True))
    recent.update(
        mine.completed().newest_answered_first().values_list("task_id", flat=True)[:RECENT_ATTEMPTS]
    )
    tasks = (pool if pool is not None else Task.objects.all()).assignable()
    candidates = [t for t in tasks.select_related("topic") if t.pk not in pending]
    fresh = [t for t in candidates if t.pk not in recent]
    if len(fresh) >= count:
        candidates = fresh
    rng = random.Random()
    if len(candidates) > MAX_CANDIDATES:
        candidates = rng.sample(candidates, MAX_CANDIDATES)
    if not candidates:
        return []
    predictions = predict_many(user=student, tasks=candidates, with_alternatives=True)
    picks = pick_tasks(
        candidates,
        predictions,
        count=count,
        target=settings.PRACTICE_TARGET_P_CORRECT,
        recent=recent,
        rng=rng,
    )
    now = timezone.now()
    new = [_new_practice_task(student, task, prediction, now=now) for task, prediction in picks]
    return PracticeTask.objects.bulk_create(new)


def _new_practice_task(
    student: AbstractBaseUser, task: Task, prediction: Prediction, *, now: datetime
) -> PracticeTask:
    """An unsaved practice task with its prediction, and every other source's, frozen."""
    return PracticeTask(
        student=student,
        task=task,
        assigned_at=now,
        assigned_p_correct=prediction.p_correct,
        assigned_seconds=prediction.seconds,
        assigned_source=prediction.source,
        assigned_version=prediction.version,
        assigned_alternatives={p.source: p.as_dict() for p in prediction.alternatives},
    )


def practice_pool(*, topic: object = None, difficulty: object = None) -> TaskQuerySet | None:
    """The tasks a student asked for by topic slug and/or difficulty (None: the whole bank).

    Raises PracticeTaskError naming the field for an unknown topic or difficulty, or a
    combination the bank has no tasks for.
    """
    if topic in (None, "") and difficulty in (None, ""):
        return None
    pool = Task.objects.assignable()
    topic_name = ""
    if topic not in (None, ""):
        if not isinstance(topic, str):
            raise PracticeTaskError('topic must be a topic\'s slug, e.g. "kinematics".', "topic")
        found = Topic.objects.filter(slug=topic, tasks__in=pool).distinct().first()
        if found is None:
            known = ", ".join(
                Topic.objects.filter(tasks__in=pool).distinct().values_list("slug", flat=True)
            )
            raise PracticeTaskError(f"Unknown topic “{topic[:60]}”. Topics: {known}.", "topic")
        pool = pool.filter(topic=found)
        topic_name = found.name
    if difficulty not in (None, ""):
        if difficulty not in Difficulty.values:
            raise PracticeTaskError(
                f"difficulty must be one of: {', '.join(Difficulty.values)}.", "difficulty"
            )
        pool = pool.filter(difficulty=difficulty)
        if not pool.exists():
            where = f" in {topic_name}" if topic_name else ""
            raise PracticeTaskError(f"There are no {difficulty} tasks{where}.", "difficulty")
    return pool


def lock_student(student: AbstractBaseUser) -> None:
    """Serialise this student's assignments until the transaction ends.

    Two "get new tasks" at once (a double click, two tabs) would otherwise both read the same
    pending set and could hand out the same task twice. PostgreSQL locks the user row;
    SQLite's IMMEDIATE transactions already serialise writers, and it ignores FOR UPDATE.
    """
    user_model = get_user_model()
    user_model.objects.select_for_update().filter(pk=student.pk).values_list("pk").first()


def pick_tasks(
    candidates: Sequence[Task],
    predictions: Sequence[Prediction],
    *,
    count: int,
    target: float,
    recent: set[int],
    rng: random.Random,
) -> list[tuple[Task, Prediction]]:
    """Greedy choice near the target probability, going round the topics (pure function)."""
    # Fixed part of each candidate's score: distance from the target, recency, tie-break.
    scored = [
        (
            task,
            prediction,
            abs(prediction.p_correct - target)
            + (RECENT_PENALTY if task.pk in recent else 0.0)
            + rng.random() * TIE_BREAK_JITTER,
        )
        for task, prediction in zip(candidates, predictions, strict=True)
    ]
    used: Counter[int] = Counter()
    picks: list[tuple[Task, Prediction]] = []
    while scored and len(picks) < count:
        best = min(
            range(len(scored)),
            key=lambda i: scored[i][2] + TOPIC_REPEAT_PENALTY * used[scored[i][0].topic_id],
        )
        task, prediction, _score = scored.pop(best)
        used[task.topic_id] += 1
        picks.append((task, prediction))
    return picks


# --- showing and completing -------------------------------------------------------------------


def mark_shown(*, practice_task: PracticeTask) -> PracticeTask:
    """Start the task's clock at its first fetch; later fetches leave it alone.

    A conditional UPDATE (… WHERE shown_at IS NULL), so two first fetches at once agree on one
    time on SQLite and PostgreSQL alike; a single statement needs no explicit transaction.
    """
    if practice_task.shown_at is not None or not practice_task.is_pending:
        return practice_task
    now = timezone.now()
    updated = PracticeTask.objects.filter(
        pk=practice_task.pk, shown_at__isnull=True, status__in=PracticeTask.PENDING_STATUSES
    ).update(shown_at=now, status=PracticeTask.Status.SHOWN)
    if updated:
        practice_task.shown_at = now
        practice_task.status = PracticeTask.Status.SHOWN
    else:
        practice_task.refresh_from_db(fields=["shown_at", "status"])
    return practice_task


@transaction.atomic
def skip_practice_task(*, practice_task_id: int, student: AbstractBaseUser) -> PracticeTask:
    """Pass over a pending task: it becomes `skipped`, is never graded and is never a model
    input (the student models only read completed tasks).

    Raises PracticeTask.DoesNotExist (→ 404) and NotPending (→ 409) for a task already
    completed or skipped. A conditional UPDATE, so a skip racing an answer loses cleanly.
    """
    practice_task = PracticeTask.objects.for_student(student).with_task().get(pk=practice_task_id)
    updated = PracticeTask.objects.filter(
        pk=practice_task.pk, status__in=PracticeTask.PENDING_STATUSES
    ).update(status=PracticeTask.Status.SKIPPED)
    if not updated:
        practice_task.refresh_from_db()
        raise NotPending(practice_task)
    practice_task.status = PracticeTask.Status.SKIPPED
    return practice_task


@transaction.atomic
def practise_again(
    *, practice_task_id: int, student: AbstractBaseUser
) -> tuple[PracticeTask, bool]:
    """A new practice task for the same task as a completed (or skipped) one, with a fresh
    prediction frozen as usual: (the practice task, whether it is new). When the task is
    already pending again, that one is returned rather than a second copy.

    Raises PracticeTask.DoesNotExist (→ 404), NotFinished (→ 409) for a pending one, and
    PracticeTaskError (→ 400) when the task is no longer offered.
    """
    lock_student(student)
    mine = PracticeTask.objects.for_student(student)
    original = mine.with_task().get(pk=practice_task_id)
    if original.is_pending:
        raise NotFinished("This practice task is still pending: answer or skip it first.")
    if not Task.objects.assignable().filter(pk=original.task_id).exists():
        raise PracticeTaskError("This task is no longer offered for practice.")
    waiting = mine.pending().with_task().filter(task_id=original.task_id).first()
    if waiting is not None:
        return waiting, False
    prediction = predict_many(user=student, tasks=[original.task], with_alternatives=True)[0]
    item = _new_practice_task(student, original.task, prediction, now=timezone.now())
    item.save()
    return item, True


@dataclass(frozen=True)
class GradedAnswer:
    is_correct: bool
    answer: str  # as graded: a numeric answer as a number in the task's unit
    answer_text: str = ""  # as the student typed it, when that differs ("1200 cm")


def check_answer(
    *, task: Task, answer: object = None, self_assessed_correct: object = None
) -> GradedAnswer:
    """Validate an answer for the task's kind and grade it.

    Types are checked strictly (JSON gives them as they are): a numeric answer is a finite
    number (taken in the task's unit) or a text with an optional unit, which is converted
    (tasks/answers.py; a wrong dimension is refused, not graded); a choice is one of the
    option ids, a self-assessment a bool.
    """
    if task.answer_kind == AnswerKind.SELF:
        if answer is not None:
            raise InvalidAnswer(
                "A self-assessed task takes self_assessed_correct (true or false), not answer."
            )
        if not isinstance(self_assessed_correct, bool):
            raise InvalidAnswer("self_assessed_correct must be true or false.")
        text = "got it right" if self_assessed_correct else "got it wrong"
        return GradedAnswer(self_assessed_correct, text)
    if self_assessed_correct is not None:
        raise InvalidAnswer("Only self-assessed tasks take self_assessed_correct; send answer.")
    if answer is None:
        raise InvalidAnswer("answer is required.")
    if task.answer_kind == AnswerKind.NUMERIC:
        try:
            parsed = parse_numeric_answer(answer, unit=task.unit)
        except AnswerError as exc:
            raise InvalidAnswer(exc.message) from None
        typed = parsed.typed if isinstance(answer, str) else ""
        return GradedAnswer(task.check_numeric(parsed.value), repr(parsed.value), typed[:200])
    if task.answer_kind == AnswerKind.CHOICE:
        ids = task.option_ids()
        if not isinstance(answer, str) or answer not in ids:
            raise InvalidAnswer(f"answer must be one of the option ids: {', '.join(ids)}.")
        return GradedAnswer(task.check_choice(answer), answer)
    raise InvalidAnswer("This task cannot be answered here.")


@transaction.atomic
def complete_practice_task(
    *,
    practice_task_id: int,
    student: AbstractBaseUser,
    answer: object = None,
    self_assessed_correct: object = None,
) -> CompletionResult:
    """Grade and complete a practice task, timed by the server's clock.

    Raises PracticeTask.DoesNotExist for an unknown id or another student's (→ 404),
    InvalidAnswer (→ 400), AlreadyCompleted and NotPending (→ 409). The completing UPDATE is
    conditional (… WHERE status IN ('assigned', 'shown')), so of two submits at once exactly
    one completes and the other changes nothing. The student models hear of it inside the
    same transaction.
    """
    practice_task = PracticeTask.objects.for_student(student).with_task().get(pk=practice_task_id)
    if practice_task.is_completed:
        raise AlreadyCompleted(practice_task)
    if practice_task.is_skipped:
        raise NotPending(practice_task)
    graded = check_answer(
        task=practice_task.task, answer=answer, self_assessed_correct=self_assessed_correct
    )
    is_correct = graded.is_correct
    now = timezone.now()
    # Never shown (an API client that skipped the fetch): the clock starts now.
    shown_at = practice_task.shown_at or now
    seconds_taken = round(max(0.0, (now - shown_at).total_seconds()), 3)
    fields: dict[str, Any] = {
        "status": PracticeTask.Status.COMPLETED,
        "shown_at": shown_at,
        "answered_at": now,
        "answer": graded.answer,
        "answer_text": graded.answer_text,
        "is_correct": is_correct,
        "seconds_taken": seconds_taken,
    }
    updated = PracticeTask.objects.filter(
        pk=practice_task.pk, status__in=PracticeTask.PENDING_STATUSES
    ).update(**fields)
    if not updated:
        practice_task.refresh_from_db()
        if practice_task.is_skipped:
            raise NotPending(practice_task)
        raise AlreadyCompleted(practice_task)
    for name, value in fields.items():
        setattr(practice_task, name, value)
    record_completion(practice_task=practice_task)
    return CompletionResult(practice_task, is_correct, seconds_taken)


# --- demo content -----------------------------------------------------------------------------

SIMULATED_STUDENTS = ("sim-ada", "sim-bohr", "sim-curie", "sim-dirac", "sim-euler", "sim-fermi")
DEMO_STUDENT_USERNAME = "student"
SIM_DAYS = 35
# Item model of the simulation (IRT-like): P(correct) = Φ(a·(θ + affinity + learning − b)).
SIM_DISCRIMINATION = 1.3
SIM_DIFFICULTY = {"easy": -1.1, "medium": 0.0, "hard": 1.1}
SIM_BASE_SECONDS = {"easy": 40.0, "medium": 80.0, "hard": 150.0}
SIM_KIND_TIME = {"numeric": 1.0, "choice": 0.7, "self": 1.3}
SIM_LEARNING_PER_ATTEMPT = 0.004


def seed_demo() -> str:
    """Upsert the question bank by slug and give simulated students a practice history.

    Idempotent: a second run updates changed text and creates nothing. History is only
    generated for a simulated student (or the demo student) who has none yet.
    """
    from tasks.bank import QUESTIONS, TOPICS

    with transaction.atomic():
        topics_new, topics_updated = _upsert_topics(TOPICS)
        tasks_new, tasks_updated = _upsert_tasks(QUESTIONS)
        students, attempts = _seed_history()
    if attempts:
        _forget_cached_averages()
    return (
        f"tasks: {len(TOPICS)} topics ({topics_new} new, {topics_updated} updated), "
        f"{len(QUESTIONS)} tasks ({tasks_new} new, {tasks_updated} updated), "
        f"history for {students} students ({attempts} attempts)"
    )


def _upsert_topics(specs: Sequence[Any]) -> tuple[int, int]:
    existing = {t.slug: t for t in Topic.objects.filter(slug__in=[s.slug for s in specs])}
    new, changed = [], []
    for spec in specs:
        values = {"name": spec.name, "description": spec.description}
        topic = existing.get(spec.slug)
        if topic is None:
            new.append(Topic(slug=spec.slug, **values))
        elif _apply(topic, values):
            changed.append(topic)
    Topic.objects.bulk_create(new)
    Topic.objects.bulk_update(changed, ["name", "description"])
    return len(new), len(changed)


def _upsert_tasks(specs: Sequence[Any]) -> tuple[int, int]:
    topic_ids = dict(Topic.objects.values_list("slug", "id"))
    existing = {t.slug: t for t in Task.objects.filter(slug__in=[s.slug for s in specs])}
    new, changed = [], []
    now = timezone.now()
    fields = [
        "topic_id", "title", "difficulty", "statement", "answer_kind", "numeric_answer", "unit",
        "tolerance", "options", "correct_option", "solution", "concept",
    ]  # fmt: skip
    for spec in specs:
        values = {
            "topic_id": topic_ids[spec.topic],
            "title": spec.title,
            "difficulty": spec.difficulty,
            "statement": spec.statement,
            "answer_kind": spec.answer_kind,
            "numeric_answer": spec.answer,
            "unit": spec.unit,
            "tolerance": spec.tolerance,
            "options": [{"id": o.id, "text": o.text} for o in spec.options],
            "correct_option": spec.correct_option,
            "solution": spec.solution,
            "concept": spec.concept,
        }
        task = existing.get(spec.slug)
        if task is None:
            new.append(Task(slug=spec.slug, **values))
        elif _apply(task, values):
            task.updated_at = now
            changed.append(task)
    Task.objects.bulk_create(new)
    Task.objects.bulk_update(changed, [*fields, "updated_at"])
    return len(new), len(changed)


def _apply(instance: Any, values: dict[str, Any]) -> bool:
    """Set changed values on an instance; True when anything changed."""
    changed = False
    for name, value in values.items():
        if getattr(instance, name) != value:
            setattr(instance, name, value)
            changed = True
    return changed


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


def _seed_history() -> tuple[int, int]:
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
            prediction = {"p_correct": correct / n, "seconds": seconds / n, "version": ""}
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


def _forget_cached_averages() -> None:
    """The serving averages are cached briefly; new history should count at once."""
    from django.core.cache import cache

    from mlmodels import services as mlmodels_services

    key = getattr(mlmodels_services, "GROUP_AVERAGES_CACHE_KEY", None)
    if key:
        # robust: a cache that is down must not fail what has just been committed.
        transaction.on_commit(lambda: cache.delete(key), robust=True)
