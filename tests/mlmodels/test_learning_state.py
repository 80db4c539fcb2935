"""The learning-state rows: advanced after each completion commits, one query per page, the
same as a rebuild from the history, and never able to undo a completion."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from mlmodels import learning_state
from mlmodels.models import LearningState, ModelVersion
from mlmodels.registry import registry
from mlmodels.services import model_predictions, predict_many
from mlmodels.training import attempts_table, fit_and_export
from tasks import services as task_services
from tasks.models import PracticeTask
from tests.mlmodels.simulated import seed_history

pytestmark = pytest.mark.django_db


@pytest.fixture
def served(db) -> Iterator[dict]:
    history = seed_history(students=30, tasks=18, per_student=20, prefix="state", days=20)
    relative, _ = fit_and_export("learning", attempts_table(), version=1)
    ModelVersion.objects.create(
        kind="learning",
        version=1,
        artifact=relative,
        is_active=True,
        is_champion=True,
        metrics={"auc": 0.8, "logloss": 0.5, "beats_baselines": True},
    )
    learning_state.rebuild_students(student_ids=[s.pk for s in history["students"]])
    registry.reset()
    yield history
    registry.reset()  # the versions go with this test's database


def answer(student, task, *, correct: bool, capture) -> PracticeTask:
    item = PracticeTask.objects.create(student=student, task=task)
    task_services.mark_shown(practice_task=item)
    with capture(execute=True):
        task_services.complete_practice_task(
            practice_task_id=item.pk, student=student, self_assessed_correct=correct
        )
    return item


def state_of(student) -> dict:
    return {
        (s, k): (v, n)
        for s, k, v, n in LearningState.objects.filter(student=student).values_list(
            "scope", "key", "values", "attempts"
        )
    }


def test_it_moves_the_practised_topic_after_each_answer_without_a_retrain(
    served, django_capture_on_commit_callbacks
) -> None:
    student = served["students"][0]
    tasks = served["tasks"]
    practised = [t for t in tasks if t.topic_id == tasks[0].topic_id]
    others = [t for t in tasks if t.topic_id != tasks[0].topic_id]
    before = predict_many(user=student, tasks=practised + others)
    for task in practised[:3]:
        answer(student, task, correct=False, capture=django_capture_on_commit_callbacks)
    after = predict_many(user=student, tasks=practised + others)
    assert {p.source for p in after} == {"learning"}
    n = len(practised)
    drop_practised = (
        sum(b.p_correct - a.p_correct for b, a in zip(before[:n], after[:n], strict=True)) / n
    )
    drop_others = sum(
        b.p_correct - a.p_correct for b, a in zip(before[n:], after[n:], strict=True)
    ) / len(others)
    assert drop_practised > 0
    assert drop_practised > abs(drop_others)
    # The rows advanced one attempt at a time equal a rebuild from the whole history.
    incremental = state_of(student)
    learning_state.rebuild_students(student_ids=[student.pk])
    rebuilt = state_of(student)
    assert incremental.keys() == rebuilt.keys()
    for key, (values, attempts) in incremental.items():
        assert attempts == rebuilt[key][1]
        assert values == pytest.approx(rebuilt[key][0], rel=1e-9, abs=1e-9, nan_ok=True)


def test_it_reads_one_query_per_page_however_long_the_history(served) -> None:
    student = served["students"][1]
    tasks = served["tasks"][:18]
    model_predictions("learning", user=student, tasks=tasks)  # load the model file once
    with CaptureQueriesContext(connection) as queries:
        answers = model_predictions("learning", user=student, tasks=tasks)
    assert all(a is not None and a.source == "learning" for a in answers)
    reads = [q for q in queries.captured_queries if "learningstate" in q["sql"]]
    assert len(reads) == 1 and len(queries.captured_queries) <= 2  # + the active-version check


def test_it_never_undoes_a_completion_when_the_state_update_fails(
    served, django_capture_on_commit_callbacks, monkeypatch, caplog
) -> None:
    def broken(**kwargs):
        raise RuntimeError("state store unavailable")

    monkeypatch.setattr(learning_state, "advance_after_attempt", broken)
    student, task = served["students"][2], served["tasks"][0]
    item = answer(student, task, correct=True, capture=django_capture_on_commit_callbacks)
    item.refresh_from_db()
    assert item.status == PracticeTask.Status.COMPLETED and item.is_correct is True
    assert "learning state update failed" in caplog.text


def test_it_rebuilds_when_an_older_attempt_arrives(
    served, django_capture_on_commit_callbacks
) -> None:
    student, task = served["students"][3], served["tasks"][1]
    answer(student, task, correct=True, capture=django_capture_on_commit_callbacks)
    # An attempt imported afterwards but answered long ago: the rows must see it in order.
    old = PracticeTask.objects.create(
        student=student,
        task=task,
        status=PracticeTask.Status.COMPLETED,
        answered_at=timezone.now() - timedelta(days=400),
        is_correct=False,
        seconds_taken=30.0,
    )
    with django_capture_on_commit_callbacks(execute=True):
        learning_state.advance_after_completion(practice_task_id=old.pk)
    incremental = state_of(student)
    learning_state.rebuild_students(student_ids=[student.pk])
    assert incremental == state_of(student)
    total = PracticeTask.objects.completed().filter(student=student).count()
    assert incremental[("student", 0)][1] == total
