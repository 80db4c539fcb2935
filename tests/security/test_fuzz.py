"""Property tests: generated JSON bodies, query strings, CSV files and websocket frames against
the real views, importer and consumer. Whatever comes in: no 5xx, the documented error shape,
no row changed by a refused input, and the socket still answers after an error frame.

The budget is the "ci" profile of tests/conftest.py (50 examples each, derandomized).
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import User
from django.core.cache import cache
from django.test import Client
from hypothesis import given, settings
from hypothesis import strategies as st

from studysmart.asgi import application
from studysmart.errors import STATUS_FOR_CODE
from tasks.bank_csv import CsvFileError, decode_upload, do_import_topics_csv
from tasks.models import PracticeTask, Topic
from tests.sockets import session_cookie
from tests.tasks.factories import PracticeTaskFactory, TaskFactory
from tutor.knowledge_index import forget_knowledge_index
from tutor.seeding import seed_demo

# Text as attackers send it: NUL, lone surrogates, quotes, separators, formula starts.
HOSTILE_CHARS = st.sampled_from(["\x00", "\ud800", "\udfff", '"', ",", ";", "\n", "\r", "=", "'"])
TEXT = st.text(alphabet=st.one_of(st.characters(), HOSTILE_CHARS), max_size=40)
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4),
    max_leaves=12,
)
JSON_BODIES = st.one_of(
    st.dictionaries(st.sampled_from(["answer", "count", "text", "chat_id"]) | TEXT, JSON_VALUES),
    JSON_VALUES,
)


def check_shape(response: Any) -> None:
    assert response.status_code < 500, (response.status_code, response.content[:300])
    if response.status_code >= 400:
        error = response.json()["error"]
        assert error["code"] in STATUS_FOR_CODE
        assert isinstance(error["message"], str) and error["message"]
        assert set(error) <= {"code", "message", "fields"}


def dumps(value: Any) -> bytes:
    # ensure_ascii: a lone surrogate travels as the "\ud800" escape, as a client would send it.
    return json.dumps(value).encode()


@pytest.fixture
def alice_client(alice: User) -> Client:
    client = Client()
    client.force_login(alice)
    return client


@pytest.mark.django_db
@given(body=JSON_BODIES)
def test_it_answers_any_json_completion_without_a_5xx(
    alice_client: Client, alice: User, body: Any
) -> None:
    item = PracticeTaskFactory(student=alice, task=TaskFactory(choice=True), shown=True)
    before = PracticeTask.objects.values().get(pk=item.pk)
    response = alice_client.patch(
        f"/api/practice-tasks/{item.pk}/", dumps(body), content_type="application/json"
    )
    check_shape(response)
    if response.status_code >= 400:
        assert PracticeTask.objects.values().get(pk=item.pk) == before


@pytest.mark.django_db
@given(body=JSON_BODIES)
def test_it_answers_any_json_assign_without_a_5xx(alice_client: Client, body: Any) -> None:
    before = PracticeTask.objects.count()
    response = alice_client.post(
        "/api/practice-tasks/assign/", dumps(body), content_type="application/json"
    )
    check_shape(response)
    if response.status_code >= 400:
        assert PracticeTask.objects.count() == before


@pytest.mark.django_db
@given(params=st.lists(st.tuples(TEXT, TEXT), max_size=4))
def test_it_answers_any_query_string_without_a_5xx(
    alice_client: Client, params: list[tuple[str, str]]
) -> None:
    from urllib.parse import quote

    query = "&".join(
        f"{quote(k.encode('utf-8', 'surrogatepass'))}={quote(v.encode('utf-8', 'surrogatepass'))}"
        for k, v in params
    )
    check_shape(alice_client.get(f"/api/practice-tasks/?{query}"))


CSV_CELLS = st.lists(st.lists(TEXT, min_size=1, max_size=4), max_size=5)


@pytest.mark.django_db
@given(rows=CSV_CELLS, raw=st.booleans(), encoding=st.sampled_from(["utf-8", "utf-16", "latin-1"]))
def test_it_imports_a_csv_whole_or_not_at_all(
    rows: list[list[str]], raw: bool, encoding: str
) -> None:
    import csv
    import io

    out = io.StringIO()
    if raw:  # cells joined by hand: stray quotes and ragged rows as a careless editor makes them
        out.write("slug,name\n" + "\n".join(",".join(r) for r in rows))
    else:
        csv.writer(out).writerows([["slug", "name"], *rows])
    data = out.getvalue().encode(encoding, "surrogatepass" if encoding != "latin-1" else "replace")
    before = list(Topic.objects.order_by("pk").values())
    try:
        result = do_import_topics_csv(text=decode_upload(data))
    except CsvFileError as exc:
        assert exc.errors and all(isinstance(e, str) for e in exc.errors)
        assert list(Topic.objects.order_by("pk").values()) == before
        return
    assert result.created + result.updated + result.unchanged == len(rows) or rows == []
    for topic in Topic.objects.all():  # what was stored can be rendered and re-encoded
        topic.name.encode("utf-8")
        assert "\x00" not in topic.name


FRAMES = st.lists(
    st.one_of(
        TEXT,
        JSON_VALUES.map(lambda v: json.dumps(v)),
        st.fixed_dictionaries(
            {"type": st.sampled_from(["ask", "stop", "rate", "retry", "nope"])},
            optional={"text": TEXT, "message_id": JSON_VALUES, "value": JSON_VALUES},
        ).map(json.dumps),
    ),
    min_size=1,
    max_size=4,
)


@pytest.fixture
def tutor_kb(transactional_db: None) -> None:
    cache.clear()
    forget_knowledge_index()
    seed_demo()


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("tutor_kb")
@settings(max_examples=15)
@given(frames=FRAMES)
def test_it_keeps_the_tutor_socket_usable_after_any_frames(alice: User, frames: list[str]) -> None:
    asyncio.run(_socket_round(alice, frames))


async def _socket_round(alice: User, frames: list[str]) -> None:
    cookie = await sync_to_async(session_cookie)(alice)
    ws = WebsocketCommunicator(
        application, "/ws/tutor/", headers=[(b"origin", b"http://localhost"), (b"cookie", cookie)]
    )
    assert (await ws.connect())[0]
    assert (await ws.receive_json_from(timeout=10))["type"] == "chat"
    for frame in frames:
        # Straight to the application: the test communicator refuses an empty text frame.
        await ws.send_input({"type": "websocket.receive", "text": frame})
        await asyncio.sleep(0)
    # Whatever came before (errors, a reply, a stop), the socket still answers a question.
    await asyncio.sleep(0.05)
    while not await ws.receive_nothing(timeout=0.3):
        out = await ws.receive_output(timeout=1)
        assert out["type"] != "websocket.close", out
        if out.get("text"):
            sent = json.loads(out["text"])
            if sent["type"] == "error":
                assert sent["code"] != "internal", sent
    await ws.send_json_to({"type": "ask", "text": "what is momentum"})
    while True:
        frame = await ws.receive_json_from(timeout=10)
        if frame["type"] in ("done", "error"):
            break
    assert frame["type"] == "done" or frame["code"] in ("rate_limited", "busy"), frame
    await ws.disconnect()
