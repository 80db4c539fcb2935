"""The practice-task JSON API: shapes, session auth, CSRF, and bad input."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from mlmodels import services as mlmodels_services
from tasks import api
from tasks.models import PracticeTask, Task
from tests.tasks.factories import PracticeTaskFactory

pytestmark = pytest.mark.django_db

PRACTICE_TASK_FIELDS = {
    "id", "task", "answer_kind", "status", "predicted_p_correct", "predicted_seconds",
    "prediction_source", "assigned_p_correct", "assigned_seconds", "assigned_source",
    "assigned_version", "is_correct", "seconds_taken",
}  # fmt: skip
TASK_FIELDS = {"id", "title", "topic", "difficulty", "statement", "statement_html", "unit"}


@pytest.fixture
def alice_client(client: Client, alice: User) -> Client:
    client.force_login(alice)
    return client


def patch(client: Client, pk: int, body: Any, *, raw: bool = False) -> Any:
    data = body if raw else json.dumps(body)
    return client.patch(f"/api/practice-tasks/{pk}/", data, content_type="application/json")


def state(item: PracticeTask) -> tuple[Any, ...]:
    item.refresh_from_db()
    return (item.status, item.shown_at, item.answered_at, item.answer, item.is_correct)


# --- reading ----------------------------------------------------------------------------------


def test_it_lists_only_the_students_own_tasks_newest_first(
    alice_client: Client, alice: User, bob: User, numeric_task: Task, choice_task: Task
) -> None:
    now = timezone.now()
    old = PracticeTaskFactory(student=alice, task=numeric_task, assigned_at=now - timedelta(1))
    new = PracticeTaskFactory(student=alice, task=choice_task, assigned_at=now)
    PracticeTaskFactory(student=bob, task=numeric_task)
    response = alice_client.get("/api/practice-tasks/")
    assert response.status_code == 200
    body = response.json()
    assert [i["id"] for i in body] == [new.pk, old.pk]
    assert response["X-Total-Count"] == "2"


def test_it_gives_the_exact_fields_and_hides_the_answer_until_completed(
    alice_client: Client, alices_choice: PracticeTask
) -> None:
    listed = alice_client.get("/api/practice-tasks/").json()[0]
    assert PRACTICE_TASK_FIELDS <= set(listed)
    # Before the fetch that starts its clock, a task is only its title, topic and difficulty.
    assert set(listed["task"]) == {"id", "title", "topic", "difficulty"}
    assert listed["status"] == "shown"
    body = alice_client.get(f"/api/practice-tasks/{alices_choice.pk}/").json()
    assert TASK_FIELDS <= set(body["task"])
    assert set(body["task"]["topic"]) == {"id", "slug", "name"}
    assert body["answer_kind"] == "choice" and body["status"] == "shown"
    assert body["task"]["options"][1] == {"id": "b", "text": "$2\\,\\mathrm{s}$"}
    assert "<math" in body["task"]["statement_html"] or body["task"]["statement_html"]
    assert body["prediction_source"] in {"learning", "sequence", "lnirt", "average", "default"}
    assert 0 <= body["predicted_p_correct"] <= 1 and body["predicted_seconds"] > 0
    assert (body["assigned_p_correct"], body["assigned_source"]) == (0.6, "average")
    assert body["is_correct"] is None and body["seconds_taken"] is None
    text = json.dumps(body)
    assert "solution" not in text and "correct_option" not in text and "correct_answer" not in text


def test_it_predicts_a_whole_list_in_one_batched_call(
    alice_client: Client, alice: User, bank: list[Task], monkeypatch: pytest.MonkeyPatch
) -> None:
    for task in bank[:12]:
        PracticeTaskFactory(student=alice, task=task)
    calls: list[int] = []
    real = mlmodels_services.predict_many

    def counting(**kwargs: Any) -> Any:
        calls.append(len(kwargs["tasks"]))
        return real(**kwargs)

    monkeypatch.setattr(api, "predict_many", counting)
    assert len(alice_client.get("/api/practice-tasks/?limit=10").json()) == 10
    assert calls == [10]


def test_it_paginates_the_list(alice_client: Client, alice: User, bank: list[Task]) -> None:
    for task in bank[:7]:
        PracticeTaskFactory(student=alice, task=task)
    first = alice_client.get("/api/practice-tasks/?limit=5")
    second = alice_client.get("/api/practice-tasks/?limit=5&offset=5")
    assert len(first.json()) == 5 and len(second.json()) == 2
    assert 'rel="next"' in first["Link"] and "offset=5" in first["Link"]
    for bad in ("limit=0", "limit=101", "limit=x", "offset=-1"):
        response = alice_client.get(f"/api/practice-tasks/?{bad}")
        assert response.status_code == 400 and "error" in response.json()


def test_it_marks_a_task_shown_on_the_first_fetch_only(
    alice_client: Client, alices_numeric: PracticeTask
) -> None:
    first = alice_client.get(f"/api/practice-tasks/{alices_numeric.pk}/").json()
    assert first["status"] == "shown" and first["shown_at"]
    second = alice_client.get(f"/api/practice-tasks/{alices_numeric.pk}/").json()
    assert second["shown_at"] == first["shown_at"]


# --- assigning --------------------------------------------------------------------------------


def test_it_assigns_five_by_default_and_answers_201(
    alice_client: Client, alice: User, bank: list[Task]
) -> None:
    response = alice_client.post("/api/practice-tasks/assign/")
    assert response.status_code == 201
    body = response.json()
    assert len(body) == 5 and all(PRACTICE_TASK_FIELDS <= set(i) for i in body)
    assert PracticeTask.objects.for_student(alice).count() == 5
    response = alice_client.post(
        "/api/practice-tasks/assign/", {"count": 3}, content_type="application/json"
    )
    assert response.status_code == 201 and len(response.json()) == 3


@pytest.mark.parametrize(
    "body",
    [
        '{"count": 0}',
        '{"count": 21}',
        '{"count": true}',
        '{"count": "5"}',
        '{"count": 2.5}',
        '{"count": null}',
        '{"count": 5, "topic": "x"}',
        '{"count": 5',
        "[5]",
        '"five"',
        '{"count": NaN}',
        "\xff",
    ],
)
def test_it_refuses_bad_assign_requests_and_creates_nothing(
    alice_client: Client, alice: User, bank: list[Task], body: str
) -> None:
    response = alice_client.post(
        "/api/practice-tasks/assign/", body, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "bad_request"
    assert not PracticeTask.objects.for_student(alice).exists()


# --- completing -------------------------------------------------------------------------------


def test_it_completes_each_kind_with_patch(
    alice_client: Client,
    alices_numeric: PracticeTask,
    alices_choice: PracticeTask,
    alices_self: PracticeTask,
) -> None:
    shown = timezone.now() - timedelta(seconds=42)
    PracticeTask.objects.filter(pk=alices_numeric.pk).update(shown_at=shown, status="shown")
    numeric = patch(alice_client, alices_numeric.pk, {"answer": 2.0})
    choice = patch(alice_client, alices_choice.pk, {"answer": "a"})
    self_assessed = patch(alice_client, alices_self.pk, {"self_assessed_correct": True})
    assert numeric.status_code == choice.status_code == self_assessed.status_code == 200
    n, c, s = numeric.json(), choice.json(), self_assessed.json()
    assert (n["status"], n["is_correct"]) == ("completed", True)
    assert 42 <= n["seconds_taken"] < 44
    assert n["task"]["correct_answer"] == 2.02 and "solution_html" in n["task"]
    assert (c["is_correct"], c["task"]["correct_answer"]) == (False, "b")
    assert s["is_correct"] is True and s["task"]["solution"]


def test_it_answers_409_to_a_second_submit_and_keeps_the_first_outcome(
    alice_client: Client, alices_numeric: PracticeTask
) -> None:
    assert patch(alice_client, alices_numeric.pk, {"answer": 2.02}).status_code == 200
    first = state(alices_numeric)
    again = patch(alice_client, alices_numeric.pk, {"answer": 5})
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "already_completed"
    assert "already completed" in again.json()["error"]["message"]
    assert again.json()["practice_task"]["is_correct"] is True
    assert state(alices_numeric) == first


@pytest.mark.parametrize(
    "body",
    [
        "not json",
        "",
        "[]",
        "{}",
        '{"answer": NaN}',
        '{"answer": Infinity}',
        '{"answer": -Infinity}',
        '{"answer": 1e999}',
        '{"answer": true}',
        '{"answer": "2.02 m"}',
        '{"answer": "2,02"}',
        '{"answer": "two"}',
        '{"answer": null}',
        '{"answer": {"value": 2}}',
        '{"self_assessed_correct": true}',
        '{"answer": 2.02, "extra": 1}',
        "[" * 100_000,
    ],
)
def test_it_refuses_bad_numeric_patches_and_changes_nothing(
    alice_client: Client, alices_numeric: PracticeTask, body: str
) -> None:
    before = state(alices_numeric)
    response = patch(alice_client, alices_numeric.pk, body, raw=True)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "bad_request"
    assert isinstance(response.json()["error"]["message"], str)
    assert state(alices_numeric) == before


@pytest.mark.parametrize(
    ("fixture", "body"),
    [
        ("alices_choice", {"answer": "e"}),
        ("alices_choice", {"answer": 1}),
        ("alices_self", {"self_assessed_correct": 1}),
        ("alices_self", {"self_assessed_correct": 0}),
        ("alices_self", {"self_assessed_correct": "yes"}),
        ("alices_self", {"answer": True}),
    ],
)
def test_it_refuses_wrong_types_for_choice_and_self_assessed_tasks(
    alice_client: Client, request: pytest.FixtureRequest, fixture: str, body: dict[str, Any]
) -> None:
    item = request.getfixturevalue(fixture)
    before = state(item)
    response = patch(alice_client, item.pk, body)
    assert response.status_code == 400 and response.json()["error"]["code"] == "bad_request"
    assert state(item) == before


def test_it_answers_404_for_unknown_ids_and_for_another_students_task(
    client: Client, bob: User, alices_numeric: PracticeTask
) -> None:
    client.force_login(bob)
    before = state(alices_numeric)
    for pk in (alices_numeric.pk, 999_999, 10**17):
        assert client.get(f"/api/practice-tasks/{pk}/").status_code == 404
        response = patch(client, pk, {"answer": 2.02})
        assert response.status_code == 404
        assert response.json() == {
            "error": {"code": "not_found", "message": "Practice task not found."}
        }
    assert client.get("/api/practice-tasks/99999999999999999999999/").status_code == 404
    assert state(alices_numeric) == before
    assert client.get("/api/practice-tasks/").json() == []


# --- authentication, CSRF and methods ---------------------------------------------------------


def test_it_answers_401_in_json_to_anonymous_callers(
    client: Client, alices_numeric: PracticeTask
) -> None:
    for response in (
        client.get("/api/practice-tasks/"),
        client.get(f"/api/practice-tasks/{alices_numeric.pk}/"),
        client.post("/api/practice-tasks/assign/"),
        patch(client, alices_numeric.pk, {"answer": 2.02}),
    ):
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "not_authenticated"
    assert state(alices_numeric)[0] == "shown"


def test_it_enforces_csrf_on_unsafe_methods(alice: User, alices_numeric: PracticeTask) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    client.get("/")  # sets the CSRF cookie, as the page does before its script calls the API
    refused = patch(client, alices_numeric.pk, {"answer": 2.02})
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "csrf_failed"
    assert "CSRF" in refused.json()["error"]["message"]
    assert state(alices_numeric)[0] == "shown"
    refused = client.post("/api/practice-tasks/assign/")
    assert refused.status_code == 403
    token = client.cookies["csrftoken"].value
    accepted = client.patch(
        f"/api/practice-tasks/{alices_numeric.pk}/",
        json.dumps({"answer": 2.02}),
        content_type="application/json",
        headers={"X-CSRFToken": token},
    )
    assert accepted.status_code == 200


def test_it_refuses_other_methods_with_405(
    alice_client: Client, alices_numeric: PracticeTask
) -> None:
    assert alice_client.delete(f"/api/practice-tasks/{alices_numeric.pk}/").status_code == 405
    assert alice_client.get("/api/practice-tasks/assign/").status_code == 405
    assert alice_client.post("/api/practice-tasks/").status_code == 405
    assert PracticeTask.objects.filter(pk=alices_numeric.pk).exists()
