"""A task's clock cannot be dodged: its statement and options appear only from the fetch that
starts the clock, and a task never fetched cannot be completed (409 `not_shown`)."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth.models import User
from django.test import Client

from tasks.models import PracticeTask, Task
from tests.tasks.factories import PracticeTaskFactory, TaskFactory, TopicFactory

BRIEF_FIELDS = {"id", "title", "topic", "difficulty"}


@pytest.fixture
def alice_client(alice: User) -> Client:
    client = Client()
    client.force_login(alice)
    return client


@pytest.fixture
def choice_bank(db: None) -> list[Task]:
    return [
        TaskFactory(choice=True, topic=TopicFactory(slug=f"timing-{i}"), statement=f"SECRET-{i}")
        for i in range(3)
    ]


def leaks_content(body: object, tasks: list[Task]) -> bool:
    text = json.dumps(body)
    return any(t.statement in text for t in tasks) or '"options"' in text


@pytest.mark.django_db
def test_it_shows_no_statement_in_the_assign_and_list_answers(
    alice_client: Client, choice_bank: list[Task]
) -> None:
    assigned = alice_client.post(
        "/api/practice-tasks/assign/", '{"count": 3}', content_type="application/json"
    )
    assert assigned.status_code == 201
    assert len(assigned.json()) == 3
    assert all(set(item["task"]) == BRIEF_FIELDS for item in assigned.json())
    assert all("predicted_p_correct" in item for item in assigned.json())
    assert not leaks_content(assigned.json(), choice_bank)
    listed = alice_client.get("/api/practice-tasks/").json()
    assert not leaks_content(listed, choice_bank)
    # The fetch starts the clock and shows the task.
    first = assigned.json()[0]
    fetched = alice_client.get(f"/api/practice-tasks/{first['id']}/").json()
    assert fetched["status"] == "shown" and fetched["task"]["statement"].startswith("SECRET-")
    assert len(fetched["task"]["options"]) >= 2


@pytest.mark.django_db
def test_it_refuses_to_complete_a_task_never_fetched(
    alice_client: Client, alice: User, choice_bank: list[Task]
) -> None:
    item = PracticeTaskFactory(student=alice, task=choice_bank[0])
    url = f"/api/practice-tasks/{item.pk}/"
    before = PracticeTask.objects.values().get(pk=item.pk)
    refused = alice_client.patch(url, '{"answer": "a"}', content_type="application/json")
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "not_shown"
    assert PracticeTask.objects.values().get(pk=item.pk) == before
    assert alice_client.get(url).status_code == 200
    done = alice_client.patch(url, '{"answer": "a"}', content_type="application/json")
    assert done.status_code == 200
    assert done.json()["status"] == "completed" and done.json()["seconds_taken"] >= 0


@pytest.mark.django_db
def test_it_sends_a_form_answer_for_an_unopened_task_to_its_page(
    alice_client: Client, alice: User, choice_bank: list[Task]
) -> None:
    item = PracticeTaskFactory(student=alice, task=choice_bank[1])
    response = alice_client.post(f"/practice/{item.pk}/answer/", {"answer": "a"})
    assert response.status_code == 302 and response["Location"] == f"/practice/{item.pk}/"
    item.refresh_from_db()
    assert not item.is_completed and item.shown_at is None
