"""Training end to end: attempts in the database → both models published → served.

Small simulated history (IRT-like, with student ability and speed) so both models train in a
few seconds; TensorFlow runs in this test process as it would in the ml worker.
"""

from __future__ import annotations

import os
import time
from datetime import timedelta

import numpy as np
import pytest
from django.test import Client
from django.utils import timezone

from mlmodels.models import ModelVersion, StudentModelState, TrainingRun, TrainingTracker
from mlmodels.registry import artifact_path, registry
from mlmodels.services import predict_many, record_completion, request_training
from mlmodels.training import run_training
from tasks.models import PracticeTask
from tests.mlmodels.simulated import seed_history

N_STUDENTS, N_TASKS, PER_STUDENT = 40, 24, 24

# On the pytest-xdist worker that runs the other TensorFlow tests (test_sequence.py).
pytestmark = pytest.mark.xdist_group("tensorflow")


@pytest.fixture
def history(db) -> dict[str, object]:
    return seed_history(
        students=N_STUDENTS,
        tasks=N_TASKS,
        per_student=PER_STUDENT,
        item_noise=0.3,
        days=30,
        prefix="pipeline",
    )


def train_now() -> TrainingRun:
    run = request_training(trigger=TrainingRun.Trigger.COMMAND, force=True, enqueue=False)
    assert run is not None
    run_training(run_id=run.pk)
    run.refresh_from_db()
    return run


@pytest.mark.django_db(transaction=True)
def test_it_trains_publishes_and_serves_both_models(history, client: Client) -> None:
    registry.reset()
    # What a publish killed an hour ago left behind: the next training sweeps it away.
    orphan = artifact_path("lnirt/.tmp-deadbeef-lnirt-v9.npz")
    orphan.parent.mkdir(parents=True, exist_ok=True)
    orphan.write_bytes(b"half a model")
    os.utime(orphan, (time.time() - 7200, time.time() - 7200))
    run = train_now()
    assert run.state == TrainingRun.State.SUCCEEDED, run.error
    assert not orphan.exists()
    versions = {v.kind: v for v in ModelVersion.objects.active()}
    assert set(versions) == {"lnirt", "sequence", "learning"}
    for version in versions.values():
        assert artifact_path(version.artifact).is_file()
        assert 0.5 < version.metrics["auc"] <= 1.0
        assert version.metrics["calibration"]
        assert version.samples == N_STUDENTS * PER_STUDENT
    tracker = TrainingTracker.get()
    assert tracker.state == TrainingTracker.State.IDLE
    assert tracker.last_samples == N_STUDENTS * PER_STUDENT

    champion = ModelVersion.objects.filter(is_champion=True).first()
    student = history["students"][0]
    tasks = history["tasks"][:20]
    predictions = predict_many(user=student, tasks=tasks, with_alternatives=True)
    expected = champion.kind if champion else "average"
    assert {p.source for p in predictions} == {expected}
    sources = {a.source for a in predictions[0].alternatives}
    assert {"lnirt", "sequence", "learning", "default"} - {expected} <= sources
    # Stronger simulated students get higher predicted chances from the ability model.
    thetas = history["theta"]
    strong, weak = int(np.argmax(thetas)), int(np.argmin(thetas))
    p_strong = predict_many(user=history["students"][strong], tasks=tasks, with_alternatives=True)
    p_weak = predict_many(user=history["students"][weak], tasks=tasks, with_alternatives=True)

    def lnirt_p(preds: list) -> float:
        return float(
            np.mean(
                [
                    next(x for x in (p, *p.alternatives) if x.source == "lnirt").p_correct
                    for p in preds
                ]
            )
        )

    assert lnirt_p(p_strong) > lnirt_p(p_weak) + 0.2

    # A duplicate delivery of the same job publishes nothing new.
    assert "nothing to do" in run_training(run_id=run.pk)
    assert ModelVersion.objects.count() == 3

    # A corrupt champion file degrades to the next source and shows in health; never a 500.
    broken = champion or versions["lnirt"]
    artifact_path(broken.artifact).write_bytes(b"not a model")
    registry.reset()
    served = predict_many(user=student, tasks=tasks)
    assert broken.kind not in {p.source for p in served}
    client.force_login(student)
    body = client.get("/api/health/").json()
    assert body["models"]["ok"] is False
    assert body["status"] in ("degraded", "down") and body["status"] != "ok"


@pytest.mark.django_db(transaction=True)
def test_it_updates_ability_at_once_and_keeps_serving_after_a_failed_training(history) -> None:
    registry.reset()
    assert train_now().state == TrainingRun.State.SUCCEEDED
    student = history["students"][1]
    task = history["tasks"][0]
    before = predict_many(user=student, tasks=[task], with_alternatives=True)[0]

    # Ten fast correct answers: θ rises at once, before any retraining.
    now = timezone.now()
    for k in range(10):
        pt = PracticeTask.objects.create(
            student=student,
            task=history["tasks"][k],
            status=PracticeTask.Status.COMPLETED,
            shown_at=now,
            answered_at=now + timedelta(seconds=k + 1),
            is_correct=True,
            seconds_taken=5.0,
        )
        record_completion(practice_task=pt)
    state = StudentModelState.objects.get(student=student)
    after = predict_many(user=student, tasks=[task], with_alternatives=True)[0]

    def lnirt_of(p):
        return next(x for x in (p, *p.alternatives) if x.source == "lnirt")

    assert lnirt_of(after).p_correct > lnirt_of(before).p_correct
    assert state.attempts == PER_STUDENT + 10

    # A training that fails (here: the attempts are gone) leaves the previous versions serving.
    active_before = set(ModelVersion.objects.active().values_list("id", flat=True))
    PracticeTask.objects.all().delete()
    TrainingTracker.objects.filter(pk=1).update(state=TrainingTracker.State.IDLE)
    failed = train_now()
    assert failed.state == TrainingRun.State.FAILED
    assert "attempts" in failed.error
    assert set(ModelVersion.objects.active().values_list("id", flat=True)) == active_before
    registry.reset()
    assert predict_many(user=student, tasks=[task])[0].source in (
        "lnirt",
        "sequence",
        "learning",
        "average",
    )
