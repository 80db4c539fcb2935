"""What keeps working while Redis (the shared cache) is unreachable: predictions from the group
averages, and the tutor (its per-minute allowance is not metered meanwhile)."""

from __future__ import annotations

import logging

import pytest
from django.contrib.auth.models import User

from mlmodels import services as mlmodels_services
from tests.tasks.factories import TaskFactory, UserFactory, completed_history
from tutor import errors, turns

pytestmark = pytest.mark.django_db


def test_group_averages_come_from_the_database_without_the_cache(dead_redis, caplog) -> None:
    task = TaskFactory()
    completed_history(UserFactory(), [task], 10, correct_every=2)
    with caplog.at_level(logging.WARNING, logger="mlmodels.services"):
        averages = mlmodels_services.group_averages()
    assert averages == mlmodels_services.compute_group_averages()
    p_correct, _seconds, n = averages[(task.topic_id, task.difficulty)]
    assert n == 10 and p_correct == pytest.approx(0.5)
    assert "without the cache" in caplog.text


def test_a_task_list_predicts_without_the_cache(dead_redis, client, alice: User) -> None:
    TaskFactory()
    client.force_login(alice)  # a database session: only the cache is down
    assigned = client.post("/api/practice-tasks/assign/", {}, content_type="application/json")
    assert assigned.status_code == 201, assigned.content
    listed = client.get("/api/practice-tasks/")
    assert listed.status_code == 200, listed.content
    assert listed.json()[0]["prediction_source"]


def test_the_tutor_answers_unmetered_while_the_cache_is_down(dead_redis, settings, alice, caplog):
    settings.TUTOR_RATE_LIMIT_PER_MINUTE = 1
    with caplog.at_level(logging.WARNING, logger="tutor.turns"):
        for _ in range(3):  # over the allowance of 1, and never refused
            turns.check_rate_limit(student=alice)
    assert "rate limit not applied" in caplog.text


def test_the_allowance_still_holds_with_the_cache_up(settings, alice: User) -> None:
    settings.TUTOR_RATE_LIMIT_PER_MINUTE = 2
    turns.check_rate_limit(student=alice)
    turns.check_rate_limit(student=alice)
    with pytest.raises(errors.TutorError):
        turns.check_rate_limit(student=alice)
