"""Fixtures for the practice-task tests: tasks of each kind, a small bank, a fresh cache."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth.models import User

from tasks.models import PracticeTask, Task
from tests.tasks.factories import PracticeTaskFactory, TaskFactory, TopicFactory


@pytest.fixture(autouse=True)
def _own_cache(settings: Any, request: pytest.FixtureRequest) -> Iterator[None]:
    # The average source caches its figures for minutes. A cache of its own per test keeps
    # one test's history out of the next one's predictions, also when CI runs with Redis, and
    # needs no database for the tests that have none.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"tasks-tests-{request.node.nodeid}",
        }
    }
    yield


@pytest.fixture
def numeric_task(db: None) -> Task:
    return TaskFactory(numeric_answer=2.02, unit="s", tolerance=0.02)


@pytest.fixture
def choice_task(db: None) -> Task:
    return TaskFactory(choice=True)


@pytest.fixture
def self_task(db: None) -> Task:
    return TaskFactory(self_assessed=True)


@pytest.fixture
def alices_numeric(alice: User, numeric_task: Task) -> PracticeTask:
    return PracticeTaskFactory(student=alice, task=numeric_task)


@pytest.fixture
def alices_choice(alice: User, choice_task: Task) -> PracticeTask:
    return PracticeTaskFactory(student=alice, task=choice_task)


@pytest.fixture
def alices_self(alice: User, self_task: Task) -> PracticeTask:
    return PracticeTaskFactory(student=alice, task=self_task)


@pytest.fixture
def bank(db: None) -> list[Task]:
    """Five topics with four medium tasks each."""
    return [
        TaskFactory(topic=TopicFactory(slug=f"bank-topic-{t}")) for t in range(5) for _ in range(4)
    ]
