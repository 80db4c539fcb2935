"""Every state-changing form and API refuses a request without the CSRF token (403) and
changes nothing; the same request with the token goes through.

The clients enforce CSRF checks, as a browser session attacked from another site would meet
them (Django's test client skips them by default).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tasks.models import PracticeTask, Task, Topic
from tests.tasks.csv_flow import confirm_token
from tests.tasks.factories import PracticeTaskFactory, TaskFactory, TopicFactory
from tutor import knowledge_index
from tutor.models import ChatMessage

_FORM_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def csrf_client() -> Client:
    return Client(enforce_csrf_checks=True)


def form_token(client: Client, path: str) -> str:
    """The token a page's form carries, read from the page as a browser would."""
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    match = _FORM_TOKEN.search(response.content.decode())
    assert match, f"no CSRF token in {path}"
    return match.group(1)


def cookie_token(client: Client) -> str:
    """The token scripts send in X-CSRFToken (read from the cookie, as static/*.js do)."""
    client.get("/")
    return client.cookies["csrftoken"].value


@pytest.fixture
def alice_client(alice: User) -> Client:
    client = csrf_client()
    client.force_login(alice)
    return client


def refused(response: Any) -> None:
    assert response.status_code == 403, (response.status_code, response.content[:300])


@pytest.mark.django_db
def test_it_refuses_a_login_without_the_token(alice: User) -> None:
    client = csrf_client()
    credentials = {"username": "alice", "password": "alice-password-1"}
    refused(client.post("/accounts/login/", credentials))
    assert "_auth_user_id" not in client.session
    # A refused login is not a failed one either: nothing for the lockout to count.
    assert client.get("/").status_code == 302
    token = form_token(client, "/accounts/login/")
    response = client.post("/accounts/login/", {**credentials, "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert client.get("/").status_code == 200


@pytest.mark.django_db
def test_it_refuses_a_signup_without_the_token() -> None:
    client = csrf_client()
    form = {"username": "dora", "password1": "Orbital-Speed-42", "password2": "Orbital-Speed-42"}
    refused(client.post("/accounts/signup/", form))
    assert not User.objects.filter(username="dora").exists()
    token = form_token(client, "/accounts/signup/")
    response = client.post("/accounts/signup/", {**form, "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert User.objects.filter(username="dora").exists()


@pytest.mark.django_db
def test_it_refuses_a_logout_without_the_token(alice_client: Client) -> None:
    # A forged logout is a nuisance attack: it must not end the session.
    refused(alice_client.post("/accounts/logout/"))
    assert alice_client.get("/").status_code == 200
    token = form_token(alice_client, "/")
    assert alice_client.post("/accounts/logout/", {"csrfmiddlewaretoken": token}).status_code == 302
    assert alice_client.get("/").status_code == 302


@pytest.mark.django_db
def test_it_refuses_the_completion_form_without_the_token(
    alice_client: Client, alice: User
) -> None:
    item = PracticeTaskFactory(student=alice, task=TaskFactory(), shown=True)
    answer = f"/practice/{item.pk}/answer/"
    refused(alice_client.post(answer, {"answer": "2.02"}))
    item.refresh_from_db()
    assert item.status != PracticeTask.Status.COMPLETED and item.answer == ""
    token = form_token(alice_client, f"/practice/{item.pk}/")
    response = alice_client.post(answer, {"answer": "2.02", "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == PracticeTask.Status.COMPLETED and item.is_correct is True


@pytest.fixture
def bank(db: None) -> list[Task]:
    return [TaskFactory(topic=TopicFactory(slug=f"csrf-topic-{t}")) for t in range(3)]


@pytest.mark.django_db
def test_it_refuses_the_assign_form_without_the_token(
    alice_client: Client, alice: User, bank: list[Task]
) -> None:
    refused(alice_client.post("/practice/assign/", {"count": "1"}))
    assert not PracticeTask.objects.filter(student=alice).exists()
    token = form_token(alice_client, "/")
    response = alice_client.post("/practice/assign/", {"count": "1", "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert PracticeTask.objects.filter(student=alice).count() == 1


@pytest.mark.django_db
def test_it_refuses_an_api_completion_without_the_header(alice_client: Client, alice: User) -> None:
    item = PracticeTaskFactory(student=alice, task=TaskFactory(), shown=True)
    url = f"/api/practice-tasks/{item.pk}/"
    body = json.dumps({"answer": 2.02})
    response = alice_client.patch(url, body, content_type="application/json")
    refused(response)
    # The API answers in JSON, not the HTML page.
    assert response.json()["error"]["code"] == "csrf_failed"
    assert "CSRF" in response.json()["error"]["message"]
    item.refresh_from_db()
    assert item.status != PracticeTask.Status.COMPLETED
    # A token in a form field does not count for a JSON body; the header is the way.
    token = cookie_token(alice_client)
    response = alice_client.patch(
        url, body, content_type="application/json", headers={"X-CSRFToken": token}
    )
    assert response.status_code == 200, response.content
    item.refresh_from_db()
    assert item.status == PracticeTask.Status.COMPLETED


@pytest.mark.django_db
def test_it_refuses_an_api_assignment_without_the_header(
    alice_client: Client, alice: User, bank: list[Task]
) -> None:
    url = "/api/practice-tasks/assign/"
    refused(alice_client.post(url, json.dumps({"count": 1}), content_type="application/json"))
    assert not PracticeTask.objects.filter(student=alice).exists()
    # A wrong token is refused just like a missing one.
    refused(
        alice_client.post(
            url,
            json.dumps({"count": 1}),
            content_type="application/json",
            headers={"X-CSRFToken": "x" * 32},
        )
    )
    response = alice_client.post(
        url,
        json.dumps({"count": 1}),
        content_type="application/json",
        headers={"X-CSRFToken": cookie_token(alice_client)},
    )
    assert response.status_code == 201, response.content
    assert PracticeTask.objects.filter(student=alice).count() == 1


# The view is async and reaches the database through database_sync_to_async, which closes
# connections around each call: it needs real transactions.
@pytest.mark.django_db(transaction=True)
def test_it_refuses_a_tutor_api_question_without_the_header(
    alice_client: Client, alice: User
) -> None:
    knowledge_index.forget_knowledge_index()
    url = "/api/tutor/ask/"
    body = json.dumps({"text": "what is momentum"})
    refused(alice_client.post(url, body, content_type="application/json"))
    assert not ChatMessage.objects.exists()
    response = alice_client.post(
        url,
        body,
        content_type="application/json",
        headers={"X-CSRFToken": cookie_token(alice_client)},
    )
    assert response.status_code == 200, response.content
    assert ChatMessage.objects.filter(chat__student=alice).count() == 2


@pytest.mark.django_db
def test_it_refuses_an_admin_csv_import_without_the_token(charlie_admin: User) -> None:
    client = csrf_client()
    client.force_login(charlie_admin)
    url = "/admin/tasks/topic/import/"

    def upload() -> SimpleUploadedFile:
        return SimpleUploadedFile("topics.csv", b"slug,name\nforged,Forged topic\n", "text/csv")

    refused(client.post(url, {"file": upload()}))
    assert not Topic.objects.filter(slug="forged").exists()
    token = form_token(client, url)
    preview = client.post(url, {"file": upload(), "csrfmiddlewaretoken": token})
    assert preview.status_code == 200, preview.content[:500]
    assert not Topic.objects.filter(slug="forged").exists()
    # The confirm step is a form of its own, and as guarded.
    confirm = confirm_token(preview)
    assert confirm and 'name="csrfmiddlewaretoken"' in preview.content.decode()
    refused(client.post(url, {"confirm": confirm}))
    assert not Topic.objects.filter(slug="forged").exists()
    response = client.post(url, {"confirm": confirm, "csrfmiddlewaretoken": token})
    assert response.status_code == 302, response.content[:500]
    assert Topic.objects.filter(slug="forged").exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "action",
    [
        lambda c, pk: c.post(f"/admin/tasks/topic/{pk}/delete/", {"post": "yes"}),
        lambda c, pk: c.post(f"/admin/tasks/topic/{pk}/change/", {"name": "x", "slug": "x"}),
    ],
    ids=["delete", "change"],
)
def test_it_refuses_admin_changes_without_the_token(
    charlie_admin: User, action: Callable[[Client, int], Any]
) -> None:
    topic = TopicFactory(slug="kept", name="Kept")
    client = csrf_client()
    client.force_login(charlie_admin)
    refused(action(client, topic.pk))
    topic.refresh_from_db()
    assert (topic.slug, topic.name) == ("kept", "Kept")
