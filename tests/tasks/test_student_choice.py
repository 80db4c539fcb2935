"""What a student chooses: new tasks by topic and/or difficulty, skipping a task, and practising
one again, through the API and the pages; skipped tasks are never a model input."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pytest
from django.contrib.auth.models import User
from django.test import Client

from mlmodels import services as mlmodels_services
from mlmodels.models import TrainingTracker
from mlmodels.training import attempts_table
from tasks.models import Difficulty, PracticeTask, Task
from tests.tasks.factories import PracticeTaskFactory, TaskFactory, TopicFactory, completed_history

pytestmark = pytest.mark.django_db


@pytest.fixture
def alice_client(client: Client, alice: User) -> Client:
    client.force_login(alice)
    return client


@pytest.fixture
def shelf(db: None) -> dict[str, list[Task]]:
    """Two topics, each with easy, medium and hard tasks (two of each)."""
    tasks: dict[str, list[Task]] = {}
    for slug in ("kinematics", "waves"):
        topic = TopicFactory(slug=slug, name=slug.title())
        tasks[slug] = [
            TaskFactory(topic=topic, difficulty=d) for d in Difficulty.values for _ in range(2)
        ]
    return tasks


def post(client: Client, path: str, body: Any = None) -> Any:
    data = "" if body is None else json.dumps(body)
    return client.post(path, data, content_type="application/json")


# --- assign by topic and difficulty -----------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "topics", "difficulties"),
    [
        ({"topic": "waves", "count": 6}, {"waves"}, set(Difficulty.values)),
        ({"difficulty": "hard", "count": 4}, {"waves", "kinematics"}, {"hard"}),
        ({"topic": "kinematics", "difficulty": "easy"}, {"kinematics"}, {"easy"}),
    ],
)
def test_it_assigns_only_the_chosen_topic_and_difficulty(
    alice_client: Client,
    shelf: dict[str, list[Task]],
    body: dict[str, Any],
    topics: set[str],
    difficulties: set[str],
) -> None:
    response = post(alice_client, "/api/practice-tasks/assign/", body)
    assert response.status_code == 201
    items = response.json()
    assert items
    assert {i["task"]["topic"]["slug"] for i in items} == topics
    assert {i["task"]["difficulty"] for i in items} == difficulties


@pytest.mark.parametrize(
    ("body", "field", "words"),
    [
        ({"topic": "astrology"}, "topic", "Unknown topic"),
        ({"topic": 7}, "topic", "topic must be a topic's slug"),
        ({"difficulty": "brutal"}, "difficulty", "difficulty must be one of: easy, medium, hard"),
        ({"difficulty": ["hard"]}, "difficulty", "difficulty must be one of"),
        ({"count": 0, "topic": "waves"}, "count", "count must be"),
    ],
)
def test_it_refuses_a_bad_choice_with_a_clear_400(
    alice_client: Client,
    alice: User,
    shelf: dict[str, list[Task]],
    body: Any,
    field: str,
    words: str,
) -> None:
    response = post(alice_client, "/api/practice-tasks/assign/", body)
    assert response.status_code == 400
    body = response.json()
    assert words in json.dumps(body, ensure_ascii=False) and field in json.dumps(body)
    assert not PracticeTask.objects.filter(student=alice).exists()


def test_it_says_when_a_topic_has_no_tasks_of_that_difficulty(
    alice_client: Client, shelf: dict[str, list[Task]]
) -> None:
    Task.objects.filter(topic__slug="waves", difficulty="hard").update(is_active=False)
    response = post(
        alice_client, "/api/practice-tasks/assign/", {"topic": "waves", "difficulty": "hard"}
    )
    assert response.status_code == 400
    assert "no hard tasks in Waves" in response.json()["error"]["message"]
    assert "difficulty" in response.json()["error"]["fields"]


def test_the_dashboard_offers_topic_and_difficulty(
    alice_client: Client, alice: User, shelf: dict[str, list[Task]]
) -> None:
    page = alice_client.get("/").content.decode()
    assert 'name="topic"' in page and '<option value="waves">Waves</option>' in page
    assert 'name="difficulty"' in page and '<option value="hard">Hard</option>' in page
    response = alice_client.post(
        "/practice/assign/", {"count": "3", "topic": "waves", "difficulty": "medium"}
    )
    assert response.status_code == 302
    mine = PracticeTask.objects.filter(student=alice).select_related("task__topic")
    assert mine.count() == 2  # the bank has two medium Waves tasks
    assert {(p.task.topic.slug, p.task.difficulty) for p in mine} == {("waves", "medium")}
    refused = alice_client.post("/practice/assign/", {"count": "3", "topic": "nope"}, follow=True)
    assert "Unknown topic" in refused.content.decode()


# --- skip -------------------------------------------------------------------------------------


def test_it_skips_a_pending_task_without_grading_it(
    alice_client: Client, alices_numeric: PracticeTask
) -> None:
    response = post(alice_client, f"/api/practice-tasks/{alices_numeric.pk}/skip/")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "skipped" and body["is_correct"] is None
    alices_numeric.refresh_from_db()
    assert alices_numeric.status == "skipped" and alices_numeric.is_correct is None
    # Not pending any more: neither skipped again nor answered.
    again = post(alice_client, f"/api/practice-tasks/{alices_numeric.pk}/skip/")
    assert again.status_code == 409 and again.json()["error"]["code"] == "already_skipped"
    answer = alice_client.patch(
        f"/api/practice-tasks/{alices_numeric.pk}/",
        json.dumps({"answer": 2.02}),
        content_type="application/json",
    )
    assert answer.status_code == 409
    alices_numeric.refresh_from_db()
    assert alices_numeric.status == "skipped" and alices_numeric.answered_at is None


def test_it_does_not_skip_a_completed_task_or_another_students(
    client: Client, alice: User, bob: User, numeric_task: Task
) -> None:
    done = PracticeTaskFactory(student=alice, task=numeric_task, completed=True)
    bobs = PracticeTaskFactory(student=bob, task=numeric_task)
    client.force_login(alice)
    response = post(client, f"/api/practice-tasks/{done.pk}/skip/")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "already_completed"
    assert post(client, f"/api/practice-tasks/{bobs.pk}/skip/").status_code == 404
    bobs.refresh_from_db()
    assert bobs.status == "assigned"


def test_a_skipped_task_changes_no_model_input(
    alice_client: Client, alice: User, bank: list[Task], monkeypatch: pytest.MonkeyPatch
) -> None:
    completed_history(alice, bank, 12)
    pending = [PracticeTaskFactory(student=alice, task=t) for t in bank[:3]]
    alice_client.get(f"/api/practice-tasks/{pending[0].pk}/")  # shown, its clock running

    def inputs() -> tuple[Any, ...]:
        table = attempts_table()
        return (
            mlmodels_services.attempt_history(alice.pk),
            mlmodels_services.compute_group_averages(),
            TrainingTracker.get().completed_since_training,
            len(table),
            table.items,
            np.asarray(table.correct).tolist(),
        )

    calls: list[object] = []
    monkeypatch.setattr(
        "tasks.services.record_completion", lambda **kw: calls.append(kw), raising=True
    )
    before = inputs()
    for item in pending[:2]:
        assert post(alice_client, f"/api/practice-tasks/{item.pk}/skip/").status_code == 200
    alice_client.post(f"/practice/{pending[2].pk}/skip/")
    assert PracticeTask.objects.filter(student=alice, status="skipped").count() == 3
    assert inputs() == before
    assert calls == []  # the student models never heard of them


def test_the_skip_button_moves_on_and_history_shows_it(
    alice_client: Client, alices_numeric: PracticeTask, alices_choice: PracticeTask
) -> None:
    page = alice_client.get(f"/practice/{alices_numeric.pk}/").content.decode()
    assert f'action="/practice/{alices_numeric.pk}/skip/"' in page and "Skip this task" in page
    response = alice_client.post(f"/practice/{alices_numeric.pk}/skip/")
    assert response.status_code == 302
    assert response["Location"] == f"/practice/{alices_choice.pk}/"
    history = alice_client.get("/history/").content.decode()
    assert "Skipped" in history and alices_numeric.task.title in history
    dashboard = alice_client.get("/").content.decode()
    assert alices_numeric.task.title not in dashboard  # no longer pending
    result = alice_client.get(f"/practice/{alices_numeric.pk}/result/").content.decode()
    assert "Skipped" in result and "not graded" in result


# --- practise again ---------------------------------------------------------------------------


def test_it_assigns_a_completed_task_again(
    alice_client: Client, alice: User, numeric_task: Task
) -> None:
    done = PracticeTaskFactory(student=alice, task=numeric_task, completed=True)
    response = post(alice_client, f"/api/practice-tasks/{done.pk}/again/")
    assert response.status_code == 201
    body = response.json()
    assert body["id"] != done.pk and body["task"]["id"] == numeric_task.pk
    assert body["status"] == "assigned" and body["assigned_source"]
    # A second request finds the one already waiting instead of adding another.
    second = post(alice_client, f"/api/practice-tasks/{done.pk}/again/")
    assert second.status_code == 200 and second.json()["id"] == body["id"]
    assert PracticeTask.objects.filter(student=alice, task=numeric_task).count() == 2
    done.refresh_from_db()
    assert done.status == "completed"  # the first attempt is unchanged


def test_it_refuses_to_repeat_a_pending_or_retired_task(
    alice_client: Client, alice: User, alices_numeric: PracticeTask, choice_task: Task
) -> None:
    response = post(alice_client, f"/api/practice-tasks/{alices_numeric.pk}/again/")
    assert response.status_code == 409 and response.json()["error"]["code"] == "still_pending"
    done = PracticeTaskFactory(student=alice, task=choice_task, completed=True)
    Task.objects.filter(pk=choice_task.pk).update(is_active=False)
    retired = post(alice_client, f"/api/practice-tasks/{done.pk}/again/")
    assert retired.status_code == 400
    assert "no longer offered" in retired.json()["error"]["message"]
    assert post(alice_client, "/api/practice-tasks/999999/again/").status_code == 404


def test_the_result_page_offers_practise_again(
    alice_client: Client, alice: User, numeric_task: Task
) -> None:
    done = PracticeTaskFactory(student=alice, task=numeric_task, completed=True)
    page = alice_client.get(f"/practice/{done.pk}/result/").content.decode()
    assert f'action="/practice/{done.pk}/again/"' in page
    response = alice_client.post(f"/practice/{done.pk}/again/")
    new = PracticeTask.objects.filter(student=alice).pending().get()
    assert response["Location"] == f"/practice/{new.pk}/" and new.task_id == numeric_task.pk
