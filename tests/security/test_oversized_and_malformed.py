"""Oversized and malformed input everywhere: a clear 4xx or an error frame, never a 500 or a
closed socket, and nothing stored.

Django refuses bodies over DATA_UPLOAD_MAX_MEMORY_SIZE when they are read; the JSON APIs
must answer that in JSON like any other refusal.
"""

from __future__ import annotations

import json
import sys
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from studysmart.asgi import application
from tasks import admin as tasks_admin
from tasks.models import PracticeTask, Task, Topic
from tests.security.conftest import session_cookie
from tests.tasks.factories import PracticeTaskFactory, TaskFactory, TopicFactory
from tutor import knowledge_index, seeding
from tutor.models import ChatMessage

DEEP = "[" * 100_000 + "]" * 100_000
DEEP_OBJECT = '{"text": ' + DEEP + "}"


def huge_json(size: int) -> str:
    return json.dumps({"answer": 1.0, "padding": "x" * size})


MALFORMED: list[tuple[str, bytes | str]] = [
    ("not json", "{not json"),
    ("array", "[1, 2, 3]"),
    ("string", '"answer"'),
    ("number", "42"),
    ("null", "null"),
    ("nan", '{"answer": NaN}'),
    ("deep", DEEP),
    ("deep object", DEEP_OBJECT),
    ("huge int", '{"answer": ' + "9" * 5000 + "}"),
    ("not utf-8", b'{"answer": "\xff\xfe\xfd"}'),
    ("empty", ""),
]


@pytest.fixture
def alice_client(alice: User) -> Client:
    client = Client()
    client.force_login(alice)
    return client


def assert_json_4xx(response: Any, *statuses: int) -> dict[str, Any]:
    assert response.status_code in (statuses or (400,)), (
        response.status_code,
        response.content[:300],
    )
    assert response["Content-Type"] == "application/json", response["Content-Type"]
    body = response.json()
    assert "error" in body
    return body


# -- the practice-task API ------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "body"), MALFORMED, ids=[m[0] for m in MALFORMED])
def test_it_refuses_malformed_completions(
    alice_client: Client, alice: User, name: str, body: bytes | str
) -> None:
    item = PracticeTaskFactory(student=alice, task=TaskFactory(), shown=True)
    response = alice_client.patch(
        f"/api/practice-tasks/{item.pk}/", body, content_type="application/json"
    )
    assert_json_4xx(response)
    item.refresh_from_db()
    assert item.status != PracticeTask.Status.COMPLETED


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "body"), MALFORMED[:-1], ids=[m[0] for m in MALFORMED[:-1]])
def test_it_refuses_malformed_assignments(
    alice_client: Client, alice: User, name: str, body: bytes | str
) -> None:
    TaskFactory()
    response = alice_client.post(
        "/api/practice-tasks/assign/", body, content_type="application/json"
    )
    assert_json_4xx(response)
    assert not PracticeTask.objects.filter(student=alice).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("count", [0, 21, -1, 10**30, 1.5, "5", True, None, [5], {"n": 5}, 1e309])
def test_it_refuses_bad_assignment_counts(alice_client: Client, alice: User, count: Any) -> None:
    TaskFactory()
    body = json.dumps({"count": count}) if count != 1e309 else '{"count": 1e309}'
    response = alice_client.post(
        "/api/practice-tasks/assign/", body, content_type="application/json"
    )
    assert_json_4xx(response)
    assert not PracticeTask.objects.filter(student=alice).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "answer", ["2.02 m", "2,02", True, None, [2.02], {"v": 2.02}, 10**400, "", "x" * 10_000]
)
def test_it_refuses_wrongly_typed_answers(alice_client: Client, alice: User, answer: Any) -> None:
    item = PracticeTaskFactory(student=alice, task=TaskFactory(), shown=True)
    response = alice_client.patch(
        f"/api/practice-tasks/{item.pk}/",
        json.dumps({"answer": answer}),
        content_type="application/json",
    )
    assert_json_4xx(response)
    item.refresh_from_db()
    assert item.status != PracticeTask.Status.COMPLETED


@pytest.mark.django_db
def test_it_refuses_a_body_over_the_upload_limit_in_json(alice_client: Client, alice: User) -> None:
    item = PracticeTaskFactory(student=alice, task=TaskFactory(), shown=True)
    big = huge_json(settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)
    response = alice_client.patch(
        f"/api/practice-tasks/{item.pk}/", big, content_type="application/json"
    )
    body = assert_json_4xx(response, 413)
    assert body["error"]["code"] == "payload_too_large"
    assert "too large" in body["error"]["message"]
    response = alice_client.post(
        "/api/practice-tasks/assign/", big, content_type="application/json"
    )
    assert_json_4xx(response, 413)
    # A form encoding is read by the CSRF check first: refused the same way.
    form = "count=1&padding=" + "x" * settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    response = alice_client.post(
        "/api/practice-tasks/assign/", form, content_type="application/x-www-form-urlencoded"
    )
    assert_json_4xx(response, 413)
    item.refresh_from_db()
    assert item.status != PracticeTask.Status.COMPLETED
    assert PracticeTask.objects.filter(student=alice).count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("application/x-www-form-urlencoded", "answer=2.02"),
        ("text/plain", "answer=2.02"),
        ("multipart/form-data; boundary=xyz", "--xyz\r\nbroken"),
        ("application/xml", "<answer>2.02</answer>"),
    ],
)
def test_it_refuses_other_content_types(
    alice_client: Client, alice: User, content_type: str, body: str
) -> None:
    item = PracticeTaskFactory(student=alice, task=TaskFactory(), shown=True)
    response = alice_client.patch(
        f"/api/practice-tasks/{item.pk}/", body, content_type=content_type
    )
    assert_json_4xx(response)
    item.refresh_from_db()
    assert item.status != PracticeTask.Status.COMPLETED


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query", ["limit=abc", "limit=0", "limit=101", "offset=-1", "limit=" + "9" * 5000, "offset=1e3"]
)
def test_it_refuses_bad_list_parameters(alice_client: Client, query: str) -> None:
    assert_json_4xx(alice_client.get(f"/api/practice-tasks/?{query}"))


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        "/practice/99999999999999999999999999/",
        "/api/practice-tasks/99999999999999999999999999/",
        "/tutor/99999999999999999999999999/",
        "/practice/-1/",
        "/history/?page=99999999999999999999999",
        "/history/?page=abc",
    ],
)
def test_it_answers_absurd_ids_and_pages_without_a_500(alice_client: Client, path: str) -> None:
    response = alice_client.get(path)
    assert response.status_code in (200, 404), (path, response.status_code)


# -- forms --------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "username", ["a" * 151, "a" * 100_000, "bad\x00name", "spaces in name", "<script>", ""]
)
def test_it_refuses_bad_usernames_at_signup(client: Client, username: str) -> None:
    response = client.post(
        "/accounts/signup/",
        {"username": username, "password1": "Orbital-Speed-42", "password2": "Orbital-Speed-42"},
    )
    if "\x00" in username:
        # Refused before the form: text that cannot be stored (test_unstorable_text.py).
        assert response.status_code == 400
    else:
        assert response.status_code == 200  # the form again, with the error shown
        assert b"errorlist" in response.content
    assert not User.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "body",
    [
        "username=" + "a" * 100_000 + "&password=x",
        "username=nul%00byte&password=x",
        "username=%FF%FE%FD&password=%C0%AF",  # not UTF-8
        "username=alice&password=" + "x" * 100_000,
    ],
)
def test_it_refuses_bad_usernames_at_login(client: Client, alice: User, body: str) -> None:
    response = client.post(
        "/accounts/login/", body, content_type="application/x-www-form-urlencoded"
    )
    if "%00" in body:
        assert response.status_code == 400  # text that cannot be stored, refused before the form
    else:
        assert response.status_code == 200  # the form again, with the error shown
        assert b"errorlist" in response.content
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_it_refuses_a_form_body_over_the_field_limit(client: Client) -> None:
    fields = {f"f{i}": "x" for i in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1)}
    response = client.post("/accounts/signup/", fields)
    assert response.status_code == 400
    assert not User.objects.exists()


@pytest.mark.django_db
def test_it_refuses_malformed_answer_forms(alice_client: Client, alice: User) -> None:
    item = PracticeTaskFactory(student=alice, task=TaskFactory(), shown=True)
    for value in ("x" * 100_000, "1e999", "nan", "inf", "\x00", "2..0", "0x10"):
        response = alice_client.post(f"/practice/{item.pk}/answer/", {"answer": value})
        assert response.status_code == 400, value
    response = alice_client.post("/practice/assign/", {"count": "9" * 5000})
    assert response.status_code == 302  # back to the dashboard with the message
    item.refresh_from_db()
    assert item.status != PracticeTask.Status.COMPLETED
    assert PracticeTask.objects.filter(student=alice).count() == 1


# -- admin CSV uploads --------------------------------------------------------------------


@pytest.fixture
def admin_client(charlie_admin: User) -> Client:
    client = Client()
    client.force_login(charlie_admin)
    return client


@pytest.mark.django_db
def test_it_refuses_an_oversized_csv_upload(admin_client: Client, monkeypatch: Any) -> None:
    # The real cap is 10 MB; a smaller one keeps the test fast and checks the same code path.
    monkeypatch.setattr(tasks_admin, "MAX_UPLOAD_BYTES", 64 * 1024)
    rows = "".join(f"topic-{i},Topic {i}\n" for i in range(10_000))
    upload = SimpleUploadedFile("topics.csv", f"slug,name\n{rows}".encode(), "text/csv")
    response = admin_client.post("/admin/tasks/topic/import/", {"file": upload})
    assert response.status_code == 200
    assert b"larger than" in response.content
    assert not Topic.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("latin-1", "slug,name\ncafé,Café\n".encode("latin-1"), b"not UTF-8"),
        ("binary", bytes(range(256)) * 64, b"not UTF-8"),
        ("empty", b"", b"empty"),
        ("nul bytes", b"slug,name\nx\x00y,z\n", b"line"),
        ("ragged", b"slug,name\na,b,c\n", b"expected 2 fields"),
        ("huge field", b"slug,name\nok," + b"x" * 200_000 + b"\n", b"line"),
    ],
)
def test_it_reports_malformed_csv_uploads(
    admin_client: Client, name: str, data: bytes, message: bytes
) -> None:
    upload = SimpleUploadedFile("topics.csv", data, "text/csv")
    response = admin_client.post("/admin/tasks/topic/import/", {"file": upload})
    assert response.status_code == 200, response.status_code
    assert message in response.content, response.content[-2000:]
    assert not Topic.objects.exists()


@pytest.mark.django_db
def test_it_reports_malformed_task_csv_values(admin_client: Client) -> None:
    TopicFactory(slug="t")
    header = "slug,topic,answer_kind,numeric_answer,tolerance,options,is_active\n"
    rows = [
        "a,t,numeric,1e999,0.02,,true",
        "b,t,numeric,nan,0.02,,true",
        'c,t,choice,,0.02,"{""not"": ""a list""}",true',
        'd,t,choice,,0.02,"[' + "[" * 5000 + '",true',
        "e,t,numeric,1,-1,,maybe",
    ]
    upload = SimpleUploadedFile("tasks.csv", (header + "\n".join(rows)).encode(), "text/csv")
    response = admin_client.post("/admin/tasks/task/import/", {"file": upload})
    assert response.status_code == 200
    assert response.content.count(b"line ") >= 5
    assert not Task.objects.exists()


# -- the tutor API ------------------------------------------------------------------------


@pytest.fixture
def tutor_db(transactional_db: None) -> None:
    knowledge_index.forget_knowledge_index()


# Refused before the tutor service runs, so the async view's few queries (the session) work
# inside the test's transaction. Those that reach the service need real transactions.


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "body"), MALFORMED, ids=[m[0] for m in MALFORMED])
def test_it_refuses_malformed_tutor_questions(
    alice_client: Client, name: str, body: bytes | str
) -> None:
    response = alice_client.post("/api/tutor/ask/", body, content_type="application/json")
    assert_json_4xx(response)
    assert not ChatMessage.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "body",
    [
        {"text": "x" * 2001},
        {"text": ""},
        {"text": "   "},
        {"text": 42},
        {"text": ["what is momentum"]},
        {"text": "what is momentum", "chat_id": "1"},
        {"text": "what is momentum", "chat_id": -1},
        {"text": "what is momentum", "chat_id": 1.0},
        {"text": "what is momentum", "chat_id": True},
    ],
)
def test_it_refuses_bad_tutor_fields(alice_client: Client, body: Any) -> None:
    response = alice_client.post(
        "/api/tutor/ask/", json.dumps(body), content_type="application/json"
    )
    assert_json_4xx(response)
    assert not ChatMessage.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_it_refuses_oversized_tutor_bodies(tutor_db: None, alice_client: Client) -> None:
    big = json.dumps({"text": "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)})
    response = alice_client.post("/api/tutor/ask/", big, content_type="application/json")
    assert_json_4xx(response, 413)
    huge_chat = json.dumps({"text": "what is momentum", "chat_id": 10**30})
    response = alice_client.post("/api/tutor/ask/", huge_chat, content_type="application/json")
    assert_json_4xx(response, 404)
    assert not ChatMessage.objects.exists()


@pytest.mark.django_db
def test_it_refuses_other_methods_on_the_tutor_api(alice_client: Client) -> None:
    for method in ("get", "put", "patch", "delete"):
        response = getattr(alice_client, method)("/api/tutor/ask/")
        assert response.status_code == 405, method


# -- the tutor socket ---------------------------------------------------------------------


async def tutor_socket(user: User) -> WebsocketCommunicator:
    cookie = await sync_to_async(session_cookie)(user)
    communicator = WebsocketCommunicator(
        application, "/ws/tutor/", headers=[(b"origin", b"http://localhost"), (b"cookie", cookie)]
    )
    assert (await communicator.connect())[0]
    assert (await communicator.receive_json_from(timeout=5))["type"] == "chat"
    return communicator


BAD_FRAMES: list[tuple[str, dict[str, Any]]] = [
    ("not json", {"text_data": "{not json"}),
    ("array", {"text_data": "[1, 2]"}),
    ("deep", {"text_data": DEEP}),
    ("deep object", {"text_data": '{"type": "ask", "text": ' + DEEP + "}"}),
    ("huge int", {"text_data": '{"type": "rate", "message_id": ' + "9" * 5000 + "}"}),
    ("binary garbage", {"bytes_data": b"\xff\xfe\x00\x01garbage"}),
    ("binary latin-1", {"bytes_data": '{"type": "ask", "text": "café"}'.encode("latin-1")}),
    ("blank binary", {"bytes_data": b" "}),
    ("unknown type", {"text_data": '{"type": "shutdown"}'}),
    ("no type", {"text_data": '{"text": "hi"}'}),
    ("ask without text", {"text_data": '{"type": "ask"}'}),
    ("ask with a number", {"text_data": '{"type": "ask", "text": 42}'}),
    ("ask too long", {"text_data": json.dumps({"type": "ask", "text": "x" * 2001})}),
    ("ask of 1 MB", {"text_data": json.dumps({"type": "ask", "text": "x" * 1_000_000})}),
    ("rate a string", {"text_data": '{"type": "rate", "message_id": "x", "value": 1}'}),
    ("rate a list", {"text_data": '{"type": "rate", "message_id": [1], "value": 1}'}),
    ("rate 5", {"text_data": '{"type": "rate", "message_id": 1, "value": 5}'}),
    ("rate true", {"text_data": '{"type": "rate", "message_id": 1, "value": true}'}),
]


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_it_answers_bad_frames_with_an_error_and_keeps_the_socket(
    tutor_db: None, alice: User
) -> None:
    await sync_to_async(seeding.seed_demo)()
    communicator = await tutor_socket(alice)
    for name, frame in BAD_FRAMES:
        await communicator.send_to(**frame)
        answer = await communicator.receive_json_from(timeout=5)
        assert answer["type"] == "error", (name, answer)
        assert answer["code"] in ("bad_request", "too_long", "not_found"), (name, answer)
    assert await ChatMessage.objects.acount() == 0
    # Still open and working after all of that.
    await communicator.send_json_to({"type": "ask", "text": "what is momentum"})
    frames = []
    while not frames or frames[-1]["type"] not in ("done", "error"):
        frames.append(await communicator.receive_json_from(timeout=10))
    assert frames[-1]["type"] == "done", frames[-1]
    await communicator.disconnect()


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("path", ["/ws/tutor/abc/", "/ws/tutor/99999999999999999999999999/"])
async def test_it_answers_a_bad_chat_id_in_the_socket_path(
    tutor_db: None, alice: User, path: str
) -> None:
    cookie = await sync_to_async(session_cookie)(alice)
    communicator = WebsocketCommunicator(
        application, path, headers=[(b"origin", b"http://localhost"), (b"cookie", cookie)]
    )
    assert (await communicator.connect())[0]
    frame = await communicator.receive_json_from(timeout=5)
    assert frame["type"] == "error" and frame["code"] == "not_found"
    assert (await communicator.receive_output(timeout=5))["code"] == 4404


def test_the_deep_payloads_are_really_deep() -> None:
    # Deeper than the interpreter's recursion limit, or the tests above prove nothing.
    with pytest.raises(RecursionError):
        json.loads(DEEP)
    assert DEEP.count("[") > sys.getrecursionlimit()
