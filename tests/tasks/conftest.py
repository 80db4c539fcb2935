"""Fixtures for the practice-task tests: tasks of each kind, a small bank."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from tasks.models import PracticeTask, Task
from tests.tasks.factories import PracticeTaskFactory, TaskFactory, TopicFactory


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
    return PracticeTaskFactory(student=alice, task=numeric_task, shown=True)


@pytest.fixture
def alices_choice(alice: User, choice_task: Task) -> PracticeTask:
    return PracticeTaskFactory(student=alice, task=choice_task, shown=True)


@pytest.fixture
def alices_self(alice: User, self_task: Task) -> PracticeTask:
    return PracticeTaskFactory(student=alice, task=self_task, shown=True)


@pytest.fixture
def bank(db: None) -> list[Task]:
    """Five topics with four medium tasks each."""
    return [
        TaskFactory(topic=TopicFactory(slug=f"bank-topic-{t}")) for t in range(5) for _ in range(4)
    ]
