"""/metrics: who may scrape it, what it counts, and sums across processes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone
from prometheus_client import REGISTRY

from studysmart import metrics
from tasks.models import PracticeTask
from tests.tasks.factories import TaskFactory

ROOT = Path(__file__).resolve().parents[2]
OUR_NAMES = (
    "studysmart_task_completions_total",
    "studysmart_task_completion_seconds",
    "studysmart_task_assignments_total",
    "studysmart_predictions_total",
    "studysmart_trainings_total",
    "studysmart_training_seconds",
    "studysmart_tutor_replies_total",
    "studysmart_tutor_time_to_first_token_seconds",
    "studysmart_tutor_refusals_total",
    "studysmart_tutor_stopped_replies_total",
    "studysmart_tutor_provider_errors_total",
    "studysmart_tutor_rate_limited_total",
    "studysmart_websocket_connections",
    "studysmart_queue_depth",
    "studysmart_clusters_alive",
    "django_http_requests_total_by_view_transport_method",
    "django_db_execute_total",
)


def sample(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def test_it_answers_the_allowed_addresses_in_the_prometheus_format(db: None) -> None:
    response = Client(REMOTE_ADDR="127.0.0.1").get("/metrics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=")
    text = response.content.decode()
    for name in OUR_NAMES:
        assert f"# TYPE {name.removesuffix('_total')}" in text or f"\n{name}" in text, name


def test_it_refuses_other_addresses_and_forged_forwarding(db: None, settings: Any) -> None:
    assert Client(REMOTE_ADDR="203.0.113.9").get("/metrics").status_code == 403
    # Without a proxy, a forwarded header may be forged (daphne believes it): nobody is trusted.
    forged = Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="127.0.0.1")
    assert forged.get("/metrics").status_code == 403
    settings.BEHIND_PROXY = True
    settings.METRICS_ALLOWED_IPS = ["10.0.0.0/8"]
    proxied = Client(REMOTE_ADDR="10.1.2.3", HTTP_X_FORWARDED_FOR="10.1.2.3")
    assert proxied.get("/metrics").status_code == 200


def test_it_answers_a_bearer_token_from_anywhere(db: None, settings: Any) -> None:
    settings.METRICS_TOKEN = "s3cret-scrape-token"
    remote = Client(REMOTE_ADDR="203.0.113.9")
    assert (
        remote.get("/metrics", HTTP_AUTHORIZATION="Bearer s3cret-scrape-token").status_code == 200
    )
    assert remote.get("/metrics", HTTP_AUTHORIZATION="Bearer guess").status_code == 403
    assert remote.get("/metrics").status_code == 403


def test_it_counts_completions_assignments_and_predictions_after_commit(
    alice: User, django_capture_on_commit_callbacks: Any
) -> None:
    task = TaskFactory(self_assessed=True)
    item = PracticeTask.objects.create(
        student=alice, task=task, status=PracticeTask.Status.SHOWN, shown_at=timezone.now()
    )
    client = Client()
    client.force_login(alice)
    correct_before = sample("studysmart_task_completions_total", outcome="correct")
    latency_before = sample("studysmart_task_completion_seconds_count")
    assigned_before = sample("studysmart_task_assignments_total")
    default_before = sample("studysmart_predictions_total", source="default")
    with django_capture_on_commit_callbacks(execute=True):
        done = client.patch(
            f"/api/practice-tasks/{item.pk}/",
            {"self_assessed_correct": True},
            content_type="application/json",
        )
    assert done.status_code == 200
    assert sample("studysmart_task_completions_total", outcome="correct") == correct_before + 1
    assert sample("studysmart_task_completion_seconds_count") == latency_before + 1
    TaskFactory.create_batch(3)
    with django_capture_on_commit_callbacks(execute=True):
        assigned = client.post(
            "/api/practice-tasks/assign/", {"count": 2}, content_type="application/json"
        )
    assert assigned.status_code == 201
    assert sample("studysmart_task_assignments_total") == assigned_before + 2
    assert sample("studysmart_predictions_total", source="default") > default_before


def test_it_exposes_the_served_models_auc_and_ece(db: None) -> None:
    from mlmodels.models import ModelVersion

    ModelVersion.objects.create(
        kind="lnirt", version=3, artifact="lnirt/lnirt-v3.npz", is_active=True,
        is_champion=True, metrics={"auc": 0.74, "ece": 0.031},
    )  # fmt: skip
    text = metrics.exposition().decode()
    assert 'studysmart_model_auc{champion="1",kind="lnirt",version="3"} 0.74' in text
    assert 'studysmart_model_ece{champion="1",kind="lnirt",version="3"} 0.031' in text


RECORD = """
from studysmart import metrics
for _ in range({n}):
    metrics.record_tutor_reply(intent="concept", ttft_ms=120.0)
"""


def test_it_sums_every_process_in_multiprocess_mode(tmp_path: Path) -> None:
    directory = tmp_path / "prometheus"
    metrics.prepare_multiprocess_dir(directory)
    env = {
        **os.environ,
        metrics.MULTIPROC_ENV: str(directory),
        "DJANGO_SETTINGS_MODULE": "studysmart.settings",
        "DEBUG": "1",
    }
    for n in (2, 3):
        subprocess.run(
            [sys.executable, "-c", RECORD.format(n=n)], cwd=ROOT, env=env, check=True, timeout=120
        )
    read = (
        "import django; django.setup(); from studysmart.metrics import exposition;"
        "print(exposition().decode())"
    )
    out = subprocess.run(
        [sys.executable, "-c", read], cwd=ROOT, env=env, check=True, timeout=120,
        capture_output=True, text=True,
    ).stdout  # fmt: skip
    assert 'studysmart_tutor_replies_total{intent="concept"} 5.0' in out
    assert "studysmart_tutor_time_to_first_token_seconds_count 5.0" in out


@pytest.mark.parametrize("code", ["rate_limited", "unavailable"])
def test_it_counts_rate_limits_and_provider_errors(code: str) -> None:
    name = {
        "rate_limited": "studysmart_tutor_rate_limited_total",
        "unavailable": "studysmart_tutor_provider_errors_total",
    }[code]
    before = sample(name)
    metrics.record_tutor_error(code)
    metrics.record_tutor_error("bad_request")
    assert sample(name) == before + 1
