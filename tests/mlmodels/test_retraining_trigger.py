"""The retraining trigger: every Nth completion, merged while a run is queued or running."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone
from django_q.brokers import get_broker

from mlmodels.models import TrainingRun, TrainingTracker
from mlmodels.services import record_completion, recover_abandoned_run, request_training


@pytest.fixture(autouse=True)
def _real_queue(settings):
    # Enqueue into the ORM broker for real (no worker runs here), so the queue can be counted.
    settings.Q_CLUSTER = {**settings.Q_CLUSTER, "sync": False}
    settings.RETRAIN_EVERY_N_COMPLETIONS = 5
    settings.RETRAIN_MIN_INTERVAL_SECONDS = 60


@pytest.fixture(autouse=True)
def _tracker(transactional_db) -> TrainingTracker:
    # Transactional tests flush tables, including the row the migration creates; a Redis
    # queue is not a table and keeps the previous test's entries.
    get_broker("ml").purge_queue()
    return TrainingTracker.get()


def ml_queue_size() -> int:
    return get_broker("ml").queue_size() or 0


def complete_one() -> None:
    # record_completion only counts; the practice task itself is not read here.
    with transaction.atomic():
        record_completion(practice_task=None)  # type: ignore[arg-type]


@pytest.mark.django_db(transaction=True)
def test_it_queues_one_training_on_the_fifth_completion() -> None:
    for _ in range(4):
        complete_one()
    assert TrainingRun.objects.count() == 0
    assert TrainingTracker.get().completed_since_training == 4
    complete_one()
    tracker = TrainingTracker.get()
    assert tracker.state == TrainingTracker.State.QUEUED
    run = TrainingRun.objects.get()
    assert tracker.current_run == run
    assert run.state == TrainingRun.State.QUEUED
    assert run.completions_merged == 5
    assert ml_queue_size() == 1


@pytest.mark.django_db(transaction=True)
def test_it_merges_triggers_while_a_run_is_queued_or_running() -> None:
    for _ in range(5):
        complete_one()
    for _ in range(12):
        complete_one()
    assert TrainingRun.objects.count() == 1
    TrainingTracker.objects.filter(pk=1).update(state=TrainingTracker.State.RUNNING)
    TrainingRun.objects.update(state=TrainingRun.State.RUNNING, heartbeat_at=timezone.now())
    for _ in range(6):
        complete_one()
    assert TrainingRun.objects.count() == 1
    assert ml_queue_size() == 1
    # None lost: the completions stay counted for the run that follows.
    assert TrainingTracker.get().completed_since_training == 23


@pytest.mark.django_db(transaction=True)
def test_it_waits_for_the_minimum_interval_after_a_training() -> None:
    TrainingTracker.objects.filter(pk=1).update(last_trained_at=timezone.now())
    for _ in range(7):
        complete_one()
    assert TrainingRun.objects.count() == 0
    TrainingTracker.objects.filter(pk=1).update(
        last_trained_at=timezone.now() - timedelta(seconds=61)
    )
    # The scheduled check (or the next completion) picks up what the interval held back.
    assert request_training(trigger="completions") is not None
    assert TrainingRun.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_it_forces_a_run_only_when_none_is_in_flight() -> None:
    first = request_training(trigger="admin", force=True)
    assert first is not None
    assert request_training(trigger="admin", force=True) is None
    assert TrainingRun.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_trigger_that_is_not_due_still_frees_a_run_whose_worker_died() -> None:
    run = request_training(trigger="admin", force=True)
    assert run is not None
    stale = timezone.now() - timedelta(minutes=10)
    TrainingRun.objects.filter(pk=run.pk).update(
        state=TrainingRun.State.RUNNING, started_at=stale, heartbeat_at=stale
    )
    TrainingTracker.objects.filter(pk=1).update(
        state=TrainingTracker.State.RUNNING, completed_since_training=0
    )
    # A completion's trigger, far from due: the dead run must not stay "running".
    assert request_training(trigger=TrainingRun.Trigger.COMPLETIONS) is None
    run.refresh_from_db()
    assert run.state == TrainingRun.State.ABANDONED
    assert TrainingTracker.get().state == TrainingTracker.State.IDLE


@pytest.mark.django_db(transaction=True)
def test_it_frees_the_tracker_when_the_worker_died() -> None:
    run = request_training(trigger="admin", force=True)
    assert run is not None
    stale = timezone.now() - timedelta(minutes=10)
    TrainingRun.objects.filter(pk=run.pk).update(
        state=TrainingRun.State.RUNNING, started_at=stale, heartbeat_at=stale
    )
    TrainingTracker.objects.filter(pk=1).update(state=TrainingTracker.State.RUNNING)
    assert recover_abandoned_run() == run
    run.refresh_from_db()
    assert run.state == TrainingRun.State.ABANDONED
    assert TrainingTracker.get().state == TrainingTracker.State.IDLE
    # The next trigger trains again.
    assert request_training(trigger="admin", force=True) is not None


@pytest.mark.django_db(transaction=True)
def test_it_leaves_a_live_run_alone() -> None:
    run = request_training(trigger="admin", force=True)
    assert run is not None
    TrainingRun.objects.filter(pk=run.pk).update(
        state=TrainingRun.State.RUNNING, heartbeat_at=timezone.now()
    )
    TrainingTracker.objects.filter(pk=1).update(state=TrainingTracker.State.RUNNING)
    assert recover_abandoned_run() is None
    assert TrainingTracker.get().state == TrainingTracker.State.RUNNING
