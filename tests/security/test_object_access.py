"""Another student's ids: every object-id endpoint answers as if the id did not exist.

Alice is logged in throughout and aims at bob's practice tasks, chats and replies. Each
refusal is a 404 (a 403 would confirm the id exists) with the same body as for an id nobody
owns, and nothing of bob's changes. Anonymous callers get the login redirect, a JSON 401 or a
closed socket.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import User
from django.test import Client

from studysmart.asgi import application
from tasks.models import PracticeTask
from tests.security.conftest import session_cookie
from tests.tasks.factories import PracticeTaskFactory, TaskFactory
from tests.tutor.factories import ChatFactory, ChatMessageFactory, ReplyFactory
from tutor import knowledge_index
from tutor.models import Chat, ChatMessage

MISSING = 987_654_321
BOB_SECRET = "bob-private-question-about-torque"


@pytest.fixture
def alice_client(alice: User) -> Client:
    client = Client()
    client.force_login(alice)
    return client


@pytest.fixture
def bobs_task(bob: User) -> PracticeTask:
    return PracticeTaskFactory(student=bob, task=TaskFactory())


@pytest.fixture
def bobs_done(bob: User) -> PracticeTask:
    return PracticeTaskFactory(student=bob, task=TaskFactory(), completed=True, answer="42.0")


def same_as_missing(client: Client, method: str, path: str, pk: int, **kwargs: Any) -> Any:
    """The response for ``pk`` in ``path``, checked to match the one for an unused id."""
    theirs = getattr(client, method)(path.format(pk), **kwargs)
    nobodys = getattr(client, method)(path.format(MISSING), **kwargs)
    assert theirs.status_code == 404, (path, theirs.status_code)
    assert nobodys.status_code == 404
    # Byte for byte: nothing in the answer tells an id that exists from one that does not.
    assert theirs.content == nobodys.content
    return theirs


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/practice/{}/"),
        ("get", "/practice/{}/result/"),
        ("post", "/practice/{}/answer/"),
        ("get", "/api/practice-tasks/{}/"),
    ],
)
def test_it_hides_another_students_practice_task(
    alice_client: Client, bobs_task: PracticeTask, bobs_done: PracticeTask, method: str, path: str
) -> None:
    for item in (bobs_task, bobs_done):
        data = {"answer": "2.02"} if method == "post" else None
        response = same_as_missing(alice_client, method, path, item.pk, data=data)
        assert b"free fall" not in response.content and b"42.0" not in response.content
    bobs_task.refresh_from_db()
    # Not even marked shown: the clock on bob's task has not started.
    assert bobs_task.status == PracticeTask.Status.ASSIGNED and bobs_task.shown_at is None


@pytest.mark.django_db
def test_it_refuses_an_api_completion_of_another_students_task(
    alice_client: Client, bobs_task: PracticeTask
) -> None:
    response = same_as_missing(
        alice_client,
        "patch",
        "/api/practice-tasks/{}/",
        bobs_task.pk,
        data=json.dumps({"answer": 2.02}),
        content_type="application/json",
    )
    assert response.json() == {
        "error": {"code": "not_found", "message": "Practice task not found."}
    }
    bobs_task.refresh_from_db()
    assert bobs_task.status == PracticeTask.Status.ASSIGNED and bobs_task.answer == ""


@pytest.mark.django_db
def test_it_lists_only_the_students_own_tasks(
    alice_client: Client, alice: User, bobs_task: PracticeTask
) -> None:
    mine = PracticeTaskFactory(student=alice, task=TaskFactory())
    listed = alice_client.get("/api/practice-tasks/").json()
    assert [t["id"] for t in listed] == [mine.pk]
    history = alice_client.get("/history/").content.decode()
    assert f"/practice/{bobs_task.pk}/" not in history


@pytest.mark.django_db
def test_it_hides_another_students_chat_page(alice_client: Client, bob: User) -> None:
    chat = ChatFactory(student=bob, title="Bob's chat")
    ChatMessageFactory(chat=chat, text=BOB_SECRET)
    response = same_as_missing(alice_client, "get", "/tutor/{}/", chat.pk)
    assert BOB_SECRET.encode() not in response.content
    assert b"Bob's chat" not in response.content
    # Nor does bob's chat show up in alice's list of chats.
    assert b"Bob&#x27;s chat" not in alice_client.get("/tutor/").content


async def connect(user: User, path: str) -> WebsocketCommunicator:
    cookie = await sync_to_async(session_cookie)(user)
    communicator = WebsocketCommunicator(
        application, path, headers=[(b"origin", b"http://localhost"), (b"cookie", cookie)]
    )
    connected, _ = await communicator.connect()
    assert connected
    return communicator


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_it_refuses_to_resume_another_students_chat_over_the_socket(
    alice: User, bob: User
) -> None:
    chat = await sync_to_async(ChatFactory)(student=bob)
    await sync_to_async(ChatMessageFactory)(chat=chat, text=BOB_SECRET)
    frames = []
    for chat_id in (chat.pk, MISSING):
        communicator = await connect(alice, f"/ws/tutor/{chat_id}/")
        frame = await communicator.receive_from(timeout=5)
        assert BOB_SECRET not in frame
        frames.append(json.loads(frame))
        closed = await communicator.receive_output(timeout=5)
        assert closed == {"type": "websocket.close", "code": 4404}
        await communicator.disconnect()
    assert frames[0] == frames[1]
    assert frames[0]["type"] == "error" and frames[0]["code"] == "not_found"


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_it_refuses_to_rate_another_students_reply(alice: User, bob: User) -> None:
    chat = await sync_to_async(ChatFactory)(student=bob)
    reply = await sync_to_async(ReplyFactory)(chat=chat)
    communicator = await connect(alice, "/ws/tutor/")
    assert (await communicator.receive_json_from(timeout=5))["type"] == "chat"
    answers = []
    for message_id in (reply.pk, MISSING):
        await communicator.send_json_to({"type": "rate", "message_id": message_id, "value": -1})
        answers.append(await communicator.receive_json_from(timeout=5))
    assert answers[0] == answers[1]
    assert answers[0]["type"] == "error" and answers[0]["code"] == "not_found"
    await sync_to_async(reply.refresh_from_db)()
    assert reply.rating == 0
    await communicator.disconnect()


@pytest.mark.django_db(transaction=True)
def test_it_refuses_an_api_question_in_another_students_chat(
    alice_client: Client, bob: User
) -> None:
    knowledge_index.forget_knowledge_index()
    chat = ChatFactory(student=bob)
    ChatMessageFactory(chat=chat, text=BOB_SECRET)
    responses = []
    for chat_id in (chat.pk, MISSING):
        response = alice_client.post(
            "/api/tutor/ask/",
            json.dumps({"chat_id": chat_id, "text": "what did I ask before?"}),
            content_type="application/json",
        )
        assert response.status_code == 404
        responses.append(response.json())
    assert (
        responses[0]
        == responses[1]
        == {"error": {"code": "not_found", "message": "That chat does not exist."}}
    )
    assert chat.messages.count() == 1
    assert not ChatMessage.objects.filter(chat__student__username="alice").exists()


@pytest.mark.django_db
def test_it_shows_only_global_model_status(alice: User, bob: User, bobs_done: PracticeTask) -> None:
    seen = []
    for user in (alice, bob):
        client = Client()
        client.force_login(user)
        response = client.get("/models/status/")
        assert response.status_code == 200
        seen.append(response.json())
    # Identical for every student: nothing in it is about the one asking.
    assert seen[0] == seen[1]
    text = json.dumps(seen[0])
    assert "bob" not in text and "alice" not in text and "42.0" not in text


@pytest.mark.django_db
def test_it_keeps_students_out_of_the_admin(alice_client: Client, bob: User) -> None:
    for path in (
        "/admin/",
        f"/admin/tasks/practicetask/student/{bob.pk}/",
        "/admin/tutor/chat/",
        "/admin/tasks/task/export/",
    ):
        response = alice_client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith("/admin/login/")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/practice/1/",
        "/practice/1/result/",
        "/history/",
        "/progress/",
        "/tutor/",
        "/tutor/1/",
        "/models/status/",
    ],
)
def test_it_sends_anonymous_page_visitors_to_login(client: Client, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/api/practice-tasks/"),
        ("get", "/api/practice-tasks/1/"),
        ("patch", "/api/practice-tasks/1/"),
        ("post", "/api/practice-tasks/assign/"),
        ("post", "/api/tutor/ask/"),
    ],
)
def test_it_answers_anonymous_api_calls_with_json_401(
    client: Client, method: str, path: str
) -> None:
    if method == "get":
        response = client.get(path)
    else:
        response = getattr(client, method)(path, "{}", content_type="application/json")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/json"
    assert "error" in response.json()


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_it_closes_anonymous_tutor_sockets(bob: User) -> None:
    chat = await sync_to_async(ChatFactory)(student=bob)
    for path in ("/ws/tutor/", f"/ws/tutor/{chat.pk}/"):
        communicator = WebsocketCommunicator(
            application, path, headers=[(b"origin", b"http://localhost")]
        )
        connected, code = await communicator.connect()
        assert (connected, code) == (False, 4401)
    assert await Chat.objects.acount() == 1
