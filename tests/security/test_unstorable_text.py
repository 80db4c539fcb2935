"""Text that cannot be stored (NUL, lone surrogates) is refused at every edge: a 400 or an error
frame naming the field, never a 500, nothing written. Both stacks: PostgreSQL refuses NUL."""

from __future__ import annotations

import json
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from axes.models import AccessAttempt
from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import User
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from studysmart.asgi import application
from tasks.models import PracticeTask, Topic
from tests.sockets import session_cookie
from tests.tasks.factories import PracticeTaskFactory, TaskFactory
from tutor.knowledge_index import forget_knowledge_index
from tutor.models import ChatMessage
from tutor.seeding import seed_demo

# Each is valid JSON; json.loads turns them into a NUL and a lone high and low surrogate.
BAD_JSON_STRINGS = ('"a\\u0000b"', '"\\ud800"', '"x\\udfffy"')
BAD_TEXTS = ("a\x00b", "\ud800", "x\udfffy")
# A form body is percent-encoded UTF-8, which cannot spell a lone surrogate (its bytes decode
# to U+FFFD): the NUL is what reaches a form field.
BAD_FORM_TEXTS = ("a\x00b", "\x00")


def api_error(response: Any, field: str) -> dict[str, Any]:
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["code"] == "bad_request"
    assert field in error["message"] and "cannot be stored" in error["message"]
    assert field in error["fields"]
    return error


@pytest.fixture
def alices_choice(alice: User) -> PracticeTask:
    return PracticeTaskFactory(student=alice, task=TaskFactory(choice=True))


@pytest.fixture
def alice_client(alice: User) -> Client:
    client = Client()
    client.force_login(alice)
    return client


@pytest.mark.django_db
@pytest.mark.parametrize("bad", BAD_JSON_STRINGS)
def test_it_refuses_the_tutor_ask_over_http(alice_client: Client, bad: str) -> None:
    body = '{"text": ' + bad + "}"
    response = alice_client.post("/api/tutor/ask/", body, content_type="application/json")
    api_error(response, "text")
    assert not ChatMessage.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("bad", BAD_JSON_STRINGS)
def test_it_refuses_a_completion_and_leaves_the_task_alone(
    alice_client: Client, alices_choice: PracticeTask, bad: str
) -> None:
    url = f"/api/practice-tasks/{alices_choice.pk}/"
    alice_client.get(url)
    before = PracticeTask.objects.values().get(pk=alices_choice.pk)
    body = '{"answer": ' + bad + "}"
    response = alice_client.patch(url, body, content_type="application/json")
    api_error(response, "answer")
    assert PracticeTask.objects.values().get(pk=alices_choice.pk) == before


@pytest.mark.django_db
def test_it_names_a_nested_field_and_a_bad_key(alice_client: Client) -> None:
    body = '{"count": 1, "extra": [{"deep": "\\ud800"}]}'
    response = alice_client.post(
        "/api/practice-tasks/assign/", body, content_type="application/json"
    )
    api_error(response, "extra[0].deep")
    response = alice_client.post(
        "/api/practice-tasks/assign/", '{"\\u0000": 1}', content_type="application/json"
    )
    assert response.status_code == 400 and "a key" in response.json()["error"]["message"]
    assert not PracticeTask.objects.exists()


@pytest.mark.django_db
def test_it_refuses_a_query_string_with_a_nul(alice_client: Client) -> None:
    response = alice_client.get("/api/practice-tasks/?limit=1%00")
    api_error(response, "limit")
    # A page answers with its own short page, not JSON.
    page = alice_client.get("/history/?page=%00")
    assert page.status_code == 400
    assert page["Content-Type"].startswith("text/html")
    assert "cannot be saved" in page.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("bad", BAD_FORM_TEXTS)
def test_it_refuses_the_login_form_before_throttling_sees_it(alice: User, bad: str) -> None:
    response = Client().post("/accounts/login/", {"username": f"alice{bad}", "password": "x"})
    assert response.status_code == 400
    assert "username" in response.content.decode()
    assert not AccessAttempt.objects.exists()


@pytest.mark.django_db
def test_it_takes_surrogate_bytes_in_a_form_as_replacement_characters(alice: User) -> None:
    body = "username=alice%ED%A0%80&password=x"
    response = Client().post(
        "/accounts/login/", body, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200  # the form's own "wrong username or password"
    assert AccessAttempt.objects.get().username == "alice\ufffd\ufffd\ufffd"


@pytest.mark.django_db
def test_it_refuses_the_signup_form() -> None:
    data = {
        "username": "new\x00user",
        "password1": "S0me-long-pass!",
        "password2": "S0me-long-pass!",
    }
    assert Client().post("/accounts/signup/", data).status_code == 400
    assert not User.objects.filter(username__startswith="new").exists()


@pytest.mark.django_db
@pytest.mark.parametrize("bad", BAD_FORM_TEXTS)
def test_it_refuses_an_admin_form(charlie_admin: User, bad: str) -> None:
    client = Client()
    client.force_login(charlie_admin)
    data = {"slug": "optics", "name": f"Optics{bad}", "description": "", "source": ""}
    response = client.post("/admin/tasks/topic/add/", data)
    assert response.status_code == 400
    assert not Topic.objects.filter(slug="optics").exists()


@pytest.mark.django_db
def test_it_does_not_break_a_multipart_post_to_the_api(alice_client: Client) -> None:
    # A multipart body is parsed for the CSRF check; the view then reads the raw body.
    upload = SimpleUploadedFile("x.json", b'{"count": 1}', "application/json")
    response = alice_client.post("/api/practice-tasks/assign/", {"file": upload})
    assert response.status_code < 500, response.content


@pytest.fixture
def tutor_kb(transactional_db: None) -> None:
    cache.clear()
    forget_knowledge_index()
    seed_demo()


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("tutor_kb")
async def test_it_answers_a_bad_frame_with_an_error_and_keeps_the_socket(alice: User) -> None:
    cookie = await sync_to_async(session_cookie)(alice)
    ws = WebsocketCommunicator(
        application, "/ws/tutor/", headers=[(b"origin", b"http://localhost"), (b"cookie", cookie)]
    )
    assert (await ws.connect())[0]
    assert (await ws.receive_json_from(timeout=5))["type"] == "chat"
    for bad in BAD_JSON_STRINGS:
        await ws.send_to(text_data='{"type": "ask", "text": ' + bad + "}")
        frame = await ws.receive_json_from(timeout=5)
        assert frame["type"] == "error" and frame["code"] == "bad_request", frame
        assert "text" in frame["message"]
    assert not await ChatMessage.objects.aexists()
    await ws.send_to(text_data=json.dumps({"type": "ask", "text": "what is momentum"}))
    while (frame := await ws.receive_json_from(timeout=10))["type"] not in ("done", "error"):
        pass
    assert frame["type"] == "done", frame
    await ws.disconnect()
