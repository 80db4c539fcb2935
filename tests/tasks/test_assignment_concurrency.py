"""Two "get new tasks" at once for one student (a double click, two tabs) never hand out the
same task twice: assignments of one student are serialised (tasks.services.lock_student), and
the pending set is read again under the lock, after the prediction that runs outside it."""

from __future__ import annotations

import threading
from collections import Counter

import pytest
from django.db import connection

from tasks import services
from tasks.models import PracticeTask, Task
from tests.tasks.factories import TaskFactory, UserFactory

# Real transactions: each thread has its own connection. On PostgreSQL the test fails without
# the lock (checked); SQLite's IMMEDIATE transactions serialise the two anyway.
pytestmark = pytest.mark.django_db(transaction=True)

ROUNDS = 5


def assign_at_once(student_id: int, *, callers: int, count: int) -> list[list[int]]:
    """`callers` threads, released together, each assigning `count` tasks: their task ids."""
    from django.contrib.auth.models import User

    barrier = threading.Barrier(callers)
    results: list[list[int]] = []
    errors: list[BaseException] = []

    def call() -> None:
        try:
            student = User.objects.get(pk=student_id)
            barrier.wait(timeout=10)
            items = services.assign_practice_tasks(student=student, count=count)
            results.append([i.task_id for i in items])
        except BaseException as exc:  # reported by the test, not lost in the thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=call) for _ in range(callers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors, errors
    return results


def test_simultaneous_assignments_never_share_a_pending_task() -> None:
    # Three tasks, two callers asking for two each: unserialised, both read "nothing pending"
    # and by pigeonhole at least one task would be pending twice.
    for round_ in range(ROUNDS):
        student = UserFactory()
        for _ in range(3):
            TaskFactory()
        results = assign_at_once(student.pk, callers=2, count=2)
        pending = Counter(
            PracticeTask.objects.filter(student=student).values_list("task_id", flat=True)
        )
        assert len(results) == 2
        assert sum(len(r) for r in results) == sum(pending.values())
        assert max(pending.values()) == 1, f"round {round_}: {pending}"
        PracticeTask.objects.filter(student=student).delete()
        Task.objects.all().delete()


def test_it_predicts_outside_any_transaction_before_taking_the_lock(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    student = UserFactory()
    for _ in range(4):
        TaskFactory()
    in_transaction: list[bool] = []
    real_predict_many = services.predict_many

    def spy(**kwargs: object) -> object:
        in_transaction.append(connection.in_atomic_block)
        return real_predict_many(**kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(services, "predict_many", spy)
    assert len(services.assign_practice_tasks(student=student, count=2)) == 2
    # The choice's prediction, then the frozen one of the picks: both before the lock.
    assert in_transaction == [False, False]


def test_it_rechecks_under_the_lock_what_was_assigned_while_it_predicted(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The other click's assignment lands between this one's prediction and its lock.
    student = UserFactory()
    tasks = [TaskFactory() for _ in range(3)]
    real_predict_many = services.predict_many

    clicked: list[bool] = []

    def predict_then_other_click(**kwargs: object) -> object:
        predictions = real_predict_many(**kwargs)  # type: ignore[arg-type]
        if not clicked:  # once, between this assignment's choice and its lock
            clicked.append(True)
            PracticeTask.objects.create(student=student, task=tasks[0])
            PracticeTask.objects.create(student=student, task=tasks[1])
        return predictions

    monkeypatch.setattr(services, "predict_many", predict_then_other_click)
    items = services.assign_practice_tasks(student=student, count=3)
    assert [i.task_id for i in items] == [tasks[2].pk]
    pending = Counter(
        PracticeTask.objects.filter(student=student).values_list("task_id", flat=True)
    )
    assert max(pending.values()) == 1
