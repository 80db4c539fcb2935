from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from mlmodels.comparison import live_comparison
from mlmodels.models import ModelVersion, TrainingRun, TrainingTracker
from tasks.models import AnswerKind, PracticeTask, Task, Topic


@pytest.fixture
def outcomes(alice: User) -> None:
    """40 completed tasks: lnirt (served) predicted well, the average (shadow) did not."""
    topic = Topic.objects.create(slug="waves", name="Waves")
    task = Task.objects.create(
        topic=topic, slug="w1", title="W1", difficulty="easy", answer_kind=AnswerKind.SELF
    )
    now = timezone.now()
    for i in range(40):
        correct = i % 2 == 0
        PracticeTask.objects.create(
            student=alice,
            task=task,
            status=PracticeTask.Status.COMPLETED,
            answered_at=now - timedelta(minutes=i),
            is_correct=correct,
            seconds_taken=30.0,
            assigned_p_correct=0.9 if correct else 0.1,
            assigned_seconds=30.0,
            assigned_source="lnirt",
            assigned_version="lnirt-v1",
            assigned_alternatives={"average": {"p_correct": 0.5, "seconds": 90.0, "version": ""}},
        )


@pytest.mark.django_db
def test_it_compares_served_and_shadow_sources_on_the_same_tasks(outcomes: None) -> None:
    figures = {(f.source, f.served): f for f in live_comparison()}
    served, shadow = figures[("lnirt", True)], figures[("average", False)]
    assert served.n == shadow.n == 40
    assert served.auc == pytest.approx(1.0)
    assert shadow.auc == pytest.approx(0.5)
    assert served.logloss < shadow.logloss
    assert served.log_time_mae == pytest.approx(0.0)
    assert shadow.log_time_mae == pytest.approx(1.0986, abs=1e-3)  # |ln 30 − ln 90|


@pytest.mark.django_db
def test_it_shows_figures_calibration_and_live_ab_to_admins(
    client: Client, charlie_admin: User, outcomes: None
) -> None:
    ModelVersion.objects.create(
        kind="lnirt",
        version=1,
        artifact="lnirt/lnirt-v1.npz",
        is_active=True,
        is_champion=True,
        metrics={
            "auc": 0.81,
            "logloss": 0.52,
            "calibration": [[0.2, 0.25, 10], [0.8, 0.75, 12]],
            "beats_baselines": True,
            "auc_bar": 0.7,
        },
    )
    client.force_login(charlie_admin)
    page = client.get("/admin/mlmodels/modelversion/performance/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "lnirt-v1" in html and "0.810" in html
    assert html.count("<svg") >= 2  # held-out calibration and live calibration
    assert "shadow" in html and "served" in html
    assert "style=" not in html.split("<svg", 1)[1]  # CSP: no inline styles in the plots
    change = client.get(f"/admin/mlmodels/modelversion/{ModelVersion.objects.get().pk}/change/")
    assert change.status_code == 200 and "<svg" in change.content.decode()


@pytest.mark.django_db
def test_it_queues_a_retraining_from_the_admin_once(
    client: Client, charlie_admin: User, settings
) -> None:
    settings.Q_CLUSTER = {**settings.Q_CLUSTER, "sync": False}
    TrainingTracker.get()
    client.force_login(charlie_admin)
    first = client.post("/admin/mlmodels/modelversion/retrain/", follow=True)
    assert "queued" in first.content.decode()
    second = client.post("/admin/mlmodels/modelversion/retrain/", follow=True)
    assert "already queued or running" in second.content.decode()
    assert TrainingRun.objects.filter(trigger="admin").count() == 1
    assert client.get("/admin/mlmodels/modelversion/retrain/").status_code == 405


@pytest.mark.django_db
def test_it_refuses_the_model_pages_to_students(client: Client, alice: User) -> None:
    client.force_login(alice)
    response = client.get("/admin/mlmodels/modelversion/performance/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


@pytest.mark.django_db
def test_it_serves_training_status_to_logged_in_pages(client: Client, alice: User) -> None:
    assert client.get("/models/status/").status_code == 302
    client.force_login(alice)
    body = client.get("/models/status/").json()
    assert body["state"] == "idle" and body["threshold"] == 5
