from __future__ import annotations

import pytest
from django_q.models import Schedule

from mlmodels.jobs import check_training_due
from mlmodels.models import TrainingRun, TrainingTracker


@pytest.mark.django_db
def test_it_schedules_the_due_check_every_minute_once() -> None:
    schedules = Schedule.objects.filter(func="mlmodels.jobs.check_training_due")
    assert schedules.count() == 1
    assert schedules.get().schedule_type == Schedule.MINUTES and schedules.get().minutes == 1


@pytest.mark.django_db
def test_it_starts_a_training_the_interval_held_back(settings) -> None:
    settings.Q_CLUSTER = {**settings.Q_CLUSTER, "sync": False}
    settings.RETRAIN_EVERY_N_COMPLETIONS = 5
    TrainingTracker.get()
    TrainingTracker.objects.filter(pk=1).update(completed_since_training=3)
    assert check_training_due() == "nothing due"
    TrainingTracker.objects.filter(pk=1).update(completed_since_training=6)
    assert check_training_due().startswith("queued run")
    assert TrainingRun.objects.count() == 1
