"""Writes and side effects of the practice-task app: assigning, showing and completing practice
tasks, and seeding the demo question bank with simulated history."""

from __future__ import annotations

import functools
import random
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from mlmodels.review import due_review_topics
from mlmodels.services import Prediction, predict_many, record_completion
from studysmart import metrics
from studysmart.timing import timed_transaction
from tasks.answers import AnswerError, parse_numeric_answer
from tasks.demo import forget_cached_averages, seed_history
from tasks.models import AnswerKind, Difficulty, PracticeTask, Task, TaskQuerySet, Topic

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from tasks.content import Bank

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
# Choosing again when a concurrent assignment took a pick (see assign_practice_tasks).
ASSIGN_ATTEMPTS = 3


class PracticeTaskError(Exception):
    """A refused request; `message` is safe to show the student (→ 400). `field` names the
    input at fault, when one is."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
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
        self.code = f"already_{word}"


class NotFinished(PracticeTaskError):
    """Practising again a task that is still pending (→ 409)."""


class NotShown(PracticeTaskError):
    """Completing a task whose statement was never fetched (→ 409): its clock never started,
    so its time would be a guess (0 s for a client that skips the fetch)."""

    def __init__(self) -> None:
        super().__init__("Fetch this practice task first: its clock starts when it is shown.")


@dataclass(frozen=True)
class CompletionResult:
    practice_task: PracticeTask
    is_correct: bool
    seconds_taken: float


# --- assignment -------------------------------------------------------------------------------


def check_count(value: object) -> int:
    """The number of tasks to assign: an integer 1..MAX_ASSIGN (a bool is not a number)."""
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_ASSIGN:
        raise PracticeTaskError(
            f"count must be a whole number from 1 to {MAX_ASSIGN}.", field="count"
        )
    return value


def assign_practice_tasks(
    *,
    student: User,
    count: int,
    pool: TaskQuerySet | None = None,
    first: TaskQuerySet | None = None,
    review: bool | None = None,
    target: float | None = None,
) -> list[PracticeTask]:
    """Assign up to `count` new tasks, adaptively (docs/architecture.md, "Assignment").

    Candidates are the assignable tasks of `pool` (default: the whole bank; a topic the
    student chose) that are neither pending for the student nor recently attempted (recent ones
    only when nothing else is left). One batched prediction for all candidates. Order of
    precedence (docs/models.md, "Review scheduling"):
    1. `first` — e.g. a teacher's assigned set: its tasks are picked before any other;
    2. the student's explicit choice — `pool`;
    3. due review (`review`, default: only when no `pool` was chosen): up to REVIEW_SHARE of
       the batch, one task per topic whose predicted chance has decayed below
       REVIEW_TARGET_P_CORRECT since its last practice, most decayed first;
    4. the adaptive mix: the greedy pick minimising the distance of the predicted P(correct)
       from `target` (default PRACTICE_TARGET_P_CORRECT) plus a penalty per task of the same
       topic already picked, with a little random jitter to break ties.
    Each new practice task stores the prediction it was chosen with, and every other source's,
    frozen.

    The choice runs on the served predictions alone (one model for the whole pool); every
    source's prediction is computed for the picks only. All of it runs before the student's
    lock is taken, outside any write transaction; under the lock the pending set is read again,
    and when an assignment that ran meanwhile (a double click, two tabs) took one of the picks,
    the choice is made again from what is left, so a task is never handed out twice.
    """
    count = check_count(count)
    rng = random.Random()
    review_topics = (
        due_review_topics(student_id=student.pk)
        if (pool is None if review is None else review)
        else []
    )
    first_ids = set(first.values_list("pk", flat=True)) if first is not None else set()
    for _ in range(ASSIGN_ATTEMPTS):
        candidates, recent = assignment_candidates(
            student=student, count=count, pool=pool, first=first, review_topics=review_topics
        )
        if not candidates:
            return []
        picks = priority_picks(
            candidates,
            predict_many(user=student, tasks=candidates, with_alternatives=False),
            count=count,
            first_ids=first_ids,
            review_topics=review_topics,
            target=settings.PRACTICE_TARGET_P_CORRECT if target is None else target,
            recent=recent,
            rng=rng,
        )
        # The candidates were read without their text; the picks are read whole, once.
        whole = Task.objects.select_related("topic").in_bulk([task.pk for task, _ in picks])
        kept = [(whole[task.pk], p) for task, p in picks if task.pk in whole]
        chosen = [task for task, _ in kept]
        frozen = predict_many(
            user=student,
            tasks=chosen,
            with_alternatives=True,
            served=[p for _, p in kept],
        )
        with timed_transaction("lock"):
            lock_student(student)
            # Re-check under the lock: a task assigned since the candidates were read means
            # choosing again.
            pending = set(
                PracticeTask.objects.for_student(student)
                .pending()
                .filter(task__in=chosen)
                .values_list("task_id", flat=True)
            )
            if pending:
                continue
            now = timezone.now()
            new = [
                new_practice_task(student, task, prediction, now=now)
                for task, prediction in zip(chosen, frozen, strict=True)
            ]
            transaction.on_commit(functools.partial(metrics.ASSIGNMENTS.inc, len(new)))
            return PracticeTask.objects.bulk_create(new)
    return []


def assignment_candidates(
    *,
    student: User,
    count: int,
    pool: TaskQuerySet | None,
    first: TaskQuerySet | None = None,
    review_topics: Sequence[int] = (),
) -> tuple[list[Task], set[int]]:
    """The tasks an assignment may pick from (a sample of at most MAX_CANDIDATES), and the ids
    of the student's recent ones. Plain reads: no lock, no transaction."""
    mine = PracticeTask.objects.for_student(student)
    pending = set(mine.pending().values_list("task_id", flat=True))
    since = timezone.now() - timedelta(days=RECENT_DAYS)
    recent = set(mine.completed().filter(answered_at__gte=since).values_list("task_id", flat=True))
    recent.update(
        mine.completed().newest_answered_first().values_list("task_id", flat=True)[:RECENT_ATTEMPTS]
    )
    tasks = (pool if pool is not None else Task.objects.all()).assignable()
    if first is not None:
        tasks = tasks | first.assignable()
    # Only what the choice and the models read: the statement and solution texts of a whole
    # bank would be most of an assignment's work.
    light = tasks.only("id", "topic_id", "difficulty")
    everything = [t for t in light if t.pk not in pending]
    fresh = [t for t in everything if t.pk not in recent]
    candidates = fresh if len(fresh) >= count else everything
    if len(candidates) > MAX_CANDIDATES:
        candidates = random.sample(candidates, MAX_CANDIDATES)
    if review_topics:
        # Review repeats a topic on purpose: its tasks stay candidates even when recent.
        have = {t.pk for t in candidates}
        wanted = set(review_topics)
        candidates += [t for t in everything if t.topic_id in wanted and t.pk not in have]
    return candidates, recent


def assign_chosen_tasks(*, student: User, tasks: Sequence[Task]) -> list[PracticeTask]:
    """Assign exactly these tasks (a teacher's choice), each with its frozen prediction.

    A task the student already has pending is not assigned twice; an imported or inactive task
    is never assigned. The new practice tasks are returned in the order given. As in
    `assign_practice_tasks`, the prediction runs before the lock and the pending set is read
    again under it.
    """
    assignable = set(
        Task.objects.assignable().filter(pk__in=[t.pk for t in tasks]).values_list("pk", flat=True)
    )
    chosen = [t for t in dict.fromkeys(tasks) if t.pk in assignable]
    if not chosen:
        return []
    predictions = predict_many(user=student, tasks=chosen, with_alternatives=True)
    with transaction.atomic():
        lock_student(student)
        pending = set(
            PracticeTask.objects.for_student(student).pending().values_list("task_id", flat=True)
        )
        now = timezone.now()
        return PracticeTask.objects.bulk_create(
            [
                new_practice_task(student, task, prediction, now=now)
                for task, prediction in zip(chosen, predictions, strict=True)
                if task.pk not in pending
            ]
        )


def new_practice_task(
    student: User, task: Task, prediction: Prediction, *, now: datetime
) -> PracticeTask:
    """An unsaved practice task with the prediction it was assigned with, frozen."""
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
            raise PracticeTaskError(
                'topic must be a topic\'s slug, e.g. "kinematics".', field="topic"
            )
        found = Topic.objects.filter(slug=topic, tasks__in=pool).distinct().first()
        if found is None:
            known = ", ".join(
                Topic.objects.filter(tasks__in=pool).distinct().values_list("slug", flat=True)
            )
            raise PracticeTaskError(
                f"Unknown topic “{topic[:60]}”. Topics: {known}.", field="topic"
            )
        pool = pool.filter(topic=found)
        topic_name = found.name
    if difficulty not in (None, ""):
        if difficulty not in Difficulty.values:
            raise PracticeTaskError(
                f"difficulty must be one of: {', '.join(Difficulty.values)}.", field="difficulty"
            )
        pool = pool.filter(difficulty=difficulty)
        if not pool.exists():
            where = f" in {topic_name}" if topic_name else ""
            raise PracticeTaskError(f"There are no {difficulty} tasks{where}.", field="difficulty")
    return pool


def lock_student(student: User) -> None:
    """Serialise this student's assignments until the transaction ends.

    Two "get new tasks" at once (a double click, two tabs) would otherwise both read the same
    pending set and could hand out the same task twice. PostgreSQL locks the user row;
    SQLite's IMMEDIATE transactions already serialise writers, and it ignores FOR UPDATE.
    """
    user_model = get_user_model()
    user_model.objects.select_for_update().filter(pk=student.pk).values_list("pk").first()


def priority_picks(
    candidates: Sequence[Task],
    predictions: Sequence[Prediction],
    *,
    count: int,
    first_ids: set[int],
    review_topics: Sequence[int],
    recent: set[int],
    rng: random.Random,
    target: float,
) -> list[tuple[Task, Prediction]]:
    """`first` tasks, then one task per due-review topic (up to the review share), then the
    adaptive mix for the rest (pure function)."""
    pairs = list(zip(candidates, predictions, strict=True))
    picks: list[tuple[Task, Prediction]] = []
    if first_ids:
        firsts = [(t, p) for t, p in pairs if t.pk in first_ids]
        picks += pick_tasks(
            [t for t, _ in firsts],
            [p for _, p in firsts],
            count=count,
            target=target,
            recent=recent,
            rng=rng,
        )
    if review_topics and len(picks) < count:
        slots = min(count - len(picks), max(1, int(count * settings.REVIEW_SHARE)))
        taken = {t.pk for t, _ in picks}
        for topic_id in review_topics[:slots]:
            options = [(t, p) for t, p in pairs if t.topic_id == topic_id and t.pk not in taken]
            if not options:
                continue
            best = min(
                options,
                key=lambda tp: (
                    abs(tp[1].p_correct - target) + (RECENT_PENALTY if tp[0].pk in recent else 0.0)
                ),
            )
            picks.append(best)
            taken.add(best[0].pk)
    if len(picks) < count:
        taken = {t.pk for t, _ in picks}
        rest = [(t, p) for t, p in pairs if t.pk not in taken]
        picks += pick_tasks(
            [t for t, _ in rest],
            [p for _, p in rest],
            count=count - len(picks),
            target=target,
            recent=recent,
            rng=rng,
        )
    return picks


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
    time on SQLite and PostgreSQL alike. It is one statement, but in a transaction all the same:
    on SQLite a transaction queues for the write lock in turn with the process's other writers
    (studysmart/sqlite_backend), where a bare statement would wait in SQLite's busy handler.
    """
    if practice_task.shown_at is not None or not practice_task.is_pending:
        return practice_task
    now = timezone.now()
    with transaction.atomic():
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
def skip_practice_task(*, practice_task_id: int, student: User) -> PracticeTask:
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
def practise_again(*, practice_task_id: int, student: User) -> tuple[PracticeTask, bool]:
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
    item = new_practice_task(student, original.task, prediction, now=timezone.now())
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
                "A self-assessed task takes self_assessed_correct (true or false), not answer.",
                field="answer",
            )
        if not isinstance(self_assessed_correct, bool):
            raise InvalidAnswer(
                "self_assessed_correct must be true or false.", field="self_assessed_correct"
            )
        text = "got it right" if self_assessed_correct else "got it wrong"
        return GradedAnswer(self_assessed_correct, text)
    if self_assessed_correct is not None:
        raise InvalidAnswer(
            "Only self-assessed tasks take self_assessed_correct; send answer.",
            field="self_assessed_correct",
        )
    if answer is None:
        raise InvalidAnswer("answer is required.", field="answer")
    if task.answer_kind == AnswerKind.NUMERIC:
        try:
            parsed = parse_numeric_answer(answer, unit=task.unit)
        except AnswerError as exc:
            raise InvalidAnswer(exc.message, field="answer") from None
        typed = parsed.typed if isinstance(answer, str) else ""
        return GradedAnswer(task.check_numeric(parsed.value), repr(parsed.value), typed[:200])
    if task.answer_kind == AnswerKind.CHOICE:
        ids = task.option_ids()
        if not isinstance(answer, str) or answer not in ids:
            raise InvalidAnswer(
                f"answer must be one of the option ids: {', '.join(ids)}.", field="answer"
            )
        return GradedAnswer(task.check_choice(answer), answer)
    raise InvalidAnswer("This task cannot be answered here.")


def complete_practice_task(
    *,
    practice_task_id: int,
    student: User,
    answer: object = None,
    self_assessed_correct: object = None,
) -> CompletionResult:
    """Grade and complete a practice task, timed by the server's clock.

    Raises PracticeTask.DoesNotExist for an unknown id or another student's (→ 404),
    InvalidAnswer (→ 400), AlreadyCompleted and NotPending (→ 409), NotShown (→ 409: the task
    was never fetched, so it has no start time). The task is read and graded before the write
    transaction; in it, the completing UPDATE is conditional (… WHERE status IN ('assigned',
    'shown')), so of two submits at once exactly one completes and the other changes nothing.
    The retraining counter is counted in the same transaction; the student models' updates
    run after the commit (``record_completion``).
    """
    started = time.perf_counter()
    practice_task = PracticeTask.objects.for_student(student).with_task().get(pk=practice_task_id)
    if practice_task.is_completed:
        raise AlreadyCompleted(practice_task)
    if practice_task.is_skipped:
        raise NotPending(practice_task)
    if practice_task.shown_at is None:
        raise NotShown()
    graded = check_answer(
        task=practice_task.task, answer=answer, self_assessed_correct=self_assessed_correct
    )
    is_correct = graded.is_correct
    now = timezone.now()
    shown_at = practice_task.shown_at
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
    # The lock hold time of a completion (Server-Timing `lock`, reported by bench_completion).
    with timed_transaction("lock"):
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
        transaction.on_commit(
            lambda: metrics.record_completion(correct=is_correct, started=started)
        )
    return CompletionResult(practice_task, is_correct, seconds_taken)


# --- demo content -----------------------------------------------------------------------------


def seed_demo(*, bank: Bank, force: bool = False) -> str:
    """Load the question bank's rows from the content files and give simulated students a
    practice history.

    Idempotent: rows a teacher changed are kept (and named), unless ``force``; tasks gone from
    the files are retired. History is only generated for a simulated student (or the demo
    student) who has none yet.
    """
    from tasks.content import seed_bank

    with transaction.atomic():
        topics, tasks = seed_bank(bank=bank, force=force)
        students, attempts = seed_history()
    if attempts:
        forget_cached_averages()
    lines = [
        f"tasks: {topics.summary()}, {tasks.summary()}, "
        f"history for {students} students ({attempts} attempts)",
        *(f"tasks: {line}" for line in (topics.kept_line(), tasks.kept_line()) if line),
    ]
    return "\n".join(lines)
