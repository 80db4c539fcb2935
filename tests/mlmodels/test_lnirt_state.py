"""LNIRT's instant-update rows: advanced after each completion, the same as a rebuild from the
history, a fixed number of queries per page, and per-topic after three wrong answers."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import numpy as np
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from mlmodels import lnirt_state
from mlmodels.lnirt import LnirtParams
from mlmodels.lnirt_online import filter_table
from mlmodels.models import LearningState, LnirtOffset, ModelVersion, StudentModelState
from mlmodels.registry import artifact_path, get_predictor, registry
from mlmodels.services import model_predictions
from mlmodels.training import attempts_table, fit_and_export, rebuild_lnirt_states
from tasks import services as task_services
from tasks.models import PracticeTask
from tests.mlmodels.simulated import seed_history

pytestmark = pytest.mark.django_db


@pytest.fixture
def served(db) -> Iterator[dict]:
    history = seed_history(students=30, tasks=18, per_student=20, prefix="lnirt", days=20)
    relative, _ = fit_and_export("lnirt", attempts_table(), version=1)
    version = ModelVersion.objects.create(
        kind="lnirt",
        version=1,
        artifact=relative,
        is_active=True,
        is_champion=True,
        metrics={"auc": 0.8, "logloss": 0.5, "beats_baselines": True},
    )
    rebuild_lnirt_states(attempts_table(), version)
    registry.reset()
    yield {**history, "version": version, "params": LnirtParams.load(artifact_path(relative))}
    registry.reset()  # the versions go with this test's database


def answer(student, task, *, correct: bool, capture) -> PracticeTask:
    item = PracticeTask.objects.create(student=student, task=task)
    task_services.mark_shown(practice_task=item)
    with capture(execute=True):
        task_services.complete_practice_task(
            practice_task_id=item.pk, student=student, self_assessed_correct=correct
        )
    return item


def rows_of(student) -> dict:
    state = StudentModelState.objects.get(student=student)
    out = {("student", 0): (list(lnirt_state.student_vector(state)), state.attempts)}
    for row in LnirtOffset.objects.filter(student=student):
        out[(row.scope, row.key)] = (list(lnirt_state.offset_vector(row)), row.attempts)
    return out


def test_it_writes_the_states_the_table_replay_ends_in(served) -> None:
    student = served["students"][0]
    table = attempts_table(student_ids=[student.pk])
    out = filter_table(served["params"], table)
    rows = rows_of(student)
    assert rows[("student", 0)][0] == pytest.approx(list(out.students[0]), rel=1e-9)
    assert (
        rows[("student", 0)][1]
        == len(table)
        == PracticeTask.objects.filter(student=student).count()
    )
    assert len(rows) == 1 + len(out.topic_keys) + len(out.task_keys)
    for keys, values, vocab, scope in (
        (out.topic_keys, out.topics, table.topics, "topic"),
        (out.task_keys, out.tasks, table.items, "task"),
    ):
        for (_, code), v in zip(keys, values, strict=True):
            assert rows[(scope, int(vocab[code]))][0] == pytest.approx(list(v), rel=1e-9)


def test_it_lowers_the_practised_topic_more_than_the_others_after_three_wrong_answers(
    served, django_capture_on_commit_callbacks
) -> None:
    student = served["students"][1]
    tasks = served["tasks"]
    practised = [t for t in tasks if t.topic_id == tasks[0].topic_id]
    others = [t for t in tasks if t.topic_id != tasks[0].topic_id]
    before = model_predictions("lnirt", user=student, tasks=practised + others)
    for task in practised[:3]:
        answer(student, task, correct=False, capture=django_capture_on_commit_callbacks)
    after = model_predictions("lnirt", user=student, tasks=practised + others)
    n = len(practised)
    drops = [b.p_correct - a.p_correct for b, a in zip(before, after, strict=True)]  # type: ignore[union-attr]
    drop_practised = float(np.mean(drops[:n]))
    drop_others = float(np.mean(drops[n:]))
    assert drop_practised > 2 * drop_others > 0
    # Advanced one attempt at a time, the rows equal a rebuild from the whole history.
    incremental = rows_of(student)
    lnirt_state.rebuild_students(
        params=served["params"], version_id=served["version"].id, student_ids=[student.pk]
    )
    rebuilt = rows_of(student)
    assert incremental.keys() == rebuilt.keys()
    for key, (values, attempts) in incremental.items():
        assert attempts == rebuilt[key][1]
        assert values == pytest.approx(rebuilt[key][0], rel=1e-6, abs=1e-9)


def test_it_reads_a_fixed_number_of_queries_per_page_however_long_the_history(served) -> None:
    tasks = served["tasks"]
    short, long = served["students"][2], served["students"][3]
    start = timezone.now() - timedelta(days=400)
    PracticeTask.objects.bulk_create(
        PracticeTask(
            student=long,
            task=tasks[k % len(tasks)],
            status=PracticeTask.Status.COMPLETED,
            answered_at=start + timedelta(minutes=k),
            is_correct=k % 3 > 0,
            seconds_taken=30.0,
        )
        for k in range(2000)
    )
    lnirt_state.rebuild_students(
        params=served["params"], version_id=served["version"].id, student_ids=[long.pk]
    )
    model_predictions("lnirt", user=short, tasks=tasks)  # load the model file once
    counts = []
    for student in (short, long):
        with CaptureQueriesContext(connection) as queries:
            answers = model_predictions("lnirt", user=student, tasks=tasks)
        assert all(a is not None and a.source == "lnirt" for a in answers)
        counts.append(len(queries.captured_queries))
        assert not any("practicetask" in q["sql"] for q in queries.captured_queries)
    assert counts[0] == counts[1] <= 3  # the student's row, the offsets, the version check


def test_it_rebuilds_a_state_from_before_the_instant_update(
    served, django_capture_on_commit_callbacks
) -> None:
    student = served["students"][4]
    StudentModelState.objects.filter(student=student).update(last_attempt_at=None)
    LnirtOffset.objects.filter(student=student).delete()
    answer(student, served["tasks"][5], correct=True, capture=django_capture_on_commit_callbacks)
    rows = rows_of(student)
    assert rows[("student", 0)][1] == PracticeTask.objects.filter(student=student).count()
    assert ("task", served["tasks"][5].pk) in rows
    assert len(rows) > 3  # every practised topic and task again, not just this attempt's


def test_it_leaves_a_student_who_practised_since_the_worker_read_the_attempts(
    served, django_capture_on_commit_callbacks
) -> None:
    table = attempts_table()  # what the worker read before training
    student, other = served["students"][5], served["students"][6]
    answer(student, served["tasks"][0], correct=True, capture=django_capture_on_commit_callbacks)
    advanced = rows_of(student)
    StudentModelState.objects.filter(student=other).update(theta=9.0)
    written = lnirt_state.write_states(
        params=served["params"], version_id=served["version"].id, table=table
    )
    assert written == len(served["students"]) - 1
    assert rows_of(student) == advanced
    assert StudentModelState.objects.get(student=other).theta < 9.0


def test_it_never_undoes_a_completion_when_the_update_fails(
    served, django_capture_on_commit_callbacks, monkeypatch, caplog
) -> None:
    def broken(**kwargs):
        raise RuntimeError("state store unavailable")

    monkeypatch.setattr(lnirt_state, "advance", broken)
    student, task = served["students"][7], served["tasks"][0]
    assert get_predictor("lnirt") is not None
    item = answer(student, task, correct=True, capture=django_capture_on_commit_callbacks)
    item.refresh_from_db()
    assert item.status == PracticeTask.Status.COMPLETED and item.is_correct is True
    assert "instant LNIRT update failed" in caplog.text


def test_one_models_failed_update_leaves_the_others(
    served, django_capture_on_commit_callbacks, monkeypatch, caplog
) -> None:
    """Both instant updates share one write transaction after the commit, each in a savepoint:
    LNIRT's failure must not roll back the learning-aware state's advance."""

    def broken(*args, **kwargs):
        raise RuntimeError("state store unavailable")

    monkeypatch.setattr(lnirt_state, "advance", broken)
    student, task = served["students"][8], served["tasks"][1]
    item = answer(student, task, correct=False, capture=django_capture_on_commit_callbacks)
    row = LearningState.objects.get(student=student, scope="task", key=task.pk)
    assert row.last_attempt_at == PracticeTask.objects.get(pk=item.pk).answered_at
    assert (
        row.attempts == PracticeTask.objects.completed().filter(student=student, task=task).count()
    )
    assert "instant LNIRT update failed" in caplog.text
