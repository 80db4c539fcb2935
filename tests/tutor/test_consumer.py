"""TutorConsumer in process: WebsocketCommunicator against the real ASGI application."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import User
from django.core.cache import cache
from django.test import Client
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGenerationChunk, ChatResult

from studysmart.asgi import application
from tests.tutor.factories import ChatFactory, ChatMessageFactory, ReplyFactory
from tutor import knowledge_index, seeding, streaming
from tutor.models import Chat, ChatMessage

FLOW = ("what is quantum coherence", "give me an example", "explain it more simply", "try again")
FINAL = {"done", "error", "stopped"}


def words(text: str) -> set[str]:
    return set(re.findall(r"[a-z]+", text.lower()))


def jaccard(a: str, b: str) -> float:
    wa, wb = words(a), words(b)
    return len(wa & wb) / len(wa | wb)


def session_cookie(user: User) -> bytes:
    client = Client()
    client.force_login(user)
    return f"sessionid={client.cookies['sessionid'].value}".encode()


@pytest.fixture(autouse=True)
def _clean_tutor_state() -> Iterator[None]:
    # The cache table outlives transactional tests' flushes: rate counters and weak topics.
    cache.clear()
    knowledge_index.forget_knowledge_index()
    yield
    cache.clear()


@pytest.fixture
def kb(transactional_db: None) -> None:
    seeding.seed_demo()


async def connect(user: User | None, path: str = "/ws/tutor/") -> WebsocketCommunicator:
    headers = [(b"origin", b"http://localhost")]
    if user is not None:
        headers.append((b"cookie", await sync_to_async(session_cookie)(user)))
    communicator = WebsocketCommunicator(application, path, headers=headers)
    connected, _ = await communicator.connect()
    assert connected
    return communicator


async def open_chat(user: User, path: str = "/ws/tutor/") -> tuple[WebsocketCommunicator, dict]:
    communicator = await connect(user, path)
    first = await communicator.receive_json_from(timeout=5)
    assert first["type"] == "chat", first
    return communicator, first


async def until_final(communicator: WebsocketCommunicator) -> list[dict]:
    frames = []
    while True:
        frame = await communicator.receive_json_from(timeout=10)
        frames.append(frame)
        if frame["type"] in FINAL:
            return frames


async def ask(communicator: WebsocketCommunicator, text: str) -> list[dict]:
    await communicator.send_json_to({"type": "ask", "text": text})
    return await until_final(communicator)


def reply_of(frames: list[dict]) -> tuple[str, dict]:
    assert frames[0]["type"] == "start", frames
    assert frames[-1]["type"] == "done", frames[-1]
    text = "".join(f["text"] for f in frames if f["type"] == "token")
    return text, frames[-1]


async def run_flow(communicator: WebsocketCommunicator) -> list[tuple[str, dict]]:
    replies = []
    for message in FLOW:
        text, done = reply_of(await ask(communicator, message))
        replies.append((text, done))
    return replies


def check_flow(replies: list[tuple[str, dict]]) -> None:
    assert [done["intent"] for _, done in replies] == ["concept", "example", "simpler", "retry"]
    for text, done in replies:
        assert done["sources"][0]["title"] == "Quantum coherence"
        assert set(done["usage"]) == {"prompt_tokens", "completion_tokens"}
        assert done["usage"]["prompt_tokens"] > 0 and done["usage"]["completion_tokens"] > 0
        assert done["ttft_ms"] >= 0 and done["total_ms"] >= done["ttft_ms"]
        assert "Quantum coherence" in text
        assert "<math" in done["html"] or done["intent"] != "concept"
    third, fourth = replies[2][0], replies[3][0]
    assert jaccard(fourth, third) < 0.5
    assert replies[3][1]["supersedes"] == replies[2][1]["message_id"]


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_it_closes_anonymous_sockets_with_4401() -> None:
    communicator = WebsocketCommunicator(
        application, "/ws/tutor/", headers=[(b"origin", b"http://localhost")]
    )
    connected, code = await communicator.connect()
    assert (connected, code) == (False, 4401)


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_it_follows_the_seed_flow_and_again_after_reconnecting(alice: User, kb: None) -> None:
    communicator, first = await open_chat(alice)
    assert first["messages"] == []
    chat_id = first["chat_id"]
    check_flow(await run_flow(communicator))
    await communicator.disconnect()

    statuses = await sync_to_async(
        lambda: list(Chat.objects.get(pk=chat_id).messages.values_list("role", "status"))
    )()
    assert statuses == [
        ("user", "complete"),
        ("assistant", "complete"),
        ("user", "complete"),
        ("assistant", "complete"),
        ("user", "complete"),
        ("assistant", "superseded"),  # "try again" keeps the earlier reply
        ("user", "complete"),
        ("assistant", "complete"),
    ]

    again, replay = await open_chat(alice, f"/ws/tutor/{chat_id}/")
    assert replay["chat_id"] == chat_id
    assert [m["role"] for m in replay["messages"]] == ["user", "assistant"] * 4
    assert replay["messages"][0]["text"] == FLOW[0]
    assert "<math" in replay["messages"][1]["html"]
    assert replay["messages"][1]["sources"] == [
        {"title": "Quantum coherence"},
        {"title": "Decoherence"},
    ]
    check_flow(await run_flow(again))
    await again.disconnect()


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_it_answers_another_students_chat_with_not_found(
    alice: User, bob: User, kb: None
) -> None:
    chat = await sync_to_async(ChatFactory)(student=alice)
    for path in (f"/ws/tutor/{chat.pk}/", "/ws/tutor/999999/", "/ws/tutor/abc/"):
        communicator = await connect(bob, path)
        frame = await communicator.receive_json_from()
        assert frame["type"] == "error" and frame["code"] == "not_found"
        assert (await communicator.receive_output())["type"] == "websocket.close"


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_bad_frames_get_error_frames_and_the_socket_keeps_working(
    alice: User, kb: None, settings: Any
) -> None:
    settings.TUTOR_MAX_MESSAGE_CHARS = 50
    communicator, _ = await open_chat(alice)
    cases = [
        ("{not json", "bad_request"),
        ("[1, 2]", "bad_request"),
        ('"ask"', "bad_request"),
        (json.dumps({"type": "dance"}), "bad_request"),
        (json.dumps({"text": "no type"}), "bad_request"),
        (json.dumps({"type": "ask"}), "bad_request"),
        (json.dumps({"type": "ask", "text": 42}), "bad_request"),
        (json.dumps({"type": "ask", "text": "   "}), "bad_request"),
        (json.dumps({"type": "ask", "text": "x" * 51}), "too_long"),
        (json.dumps({"type": "rate", "message_id": 1, "value": 5}), "bad_request"),
        (json.dumps({"type": "rate", "message_id": "x", "value": 1}), "not_found"),
    ]
    for raw, code in cases:
        await communicator.send_to(text_data=raw)
        frame = await communicator.receive_json_from()
        assert (frame["type"], frame["code"]) == ("error", code), raw
        assert frame["message"]
    await communicator.send_to(bytes_data=b"\xff\xfe")
    assert (await communicator.receive_json_from())["code"] == "bad_request"
    _, done = reply_of(await ask(communicator, "what is quantum coherence"))
    assert done["intent"] == "concept"
    await communicator.disconnect()


async def tokens_then(communicator: WebsocketCommunicator, n: int) -> tuple[int, list[str]]:
    start = await communicator.receive_json_from(timeout=5)
    assert start["type"] == "start"
    got = []
    while len(got) < n:
        frame = await communicator.receive_json_from(timeout=5)
        assert frame["type"] == "token", frame
        got.append(frame["text"])
    return start["message_id"], got


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_stop_mid_stream_stores_the_partial_reply_as_stopped(
    alice: User, kb: None, settings: Any
) -> None:
    settings.TUTOR_STREAM_DELAY_SECONDS = 0.02
    communicator, _ = await open_chat(alice)
    await communicator.send_json_to({"type": "ask", "text": "what is quantum coherence"})
    message_id, got = await tokens_then(communicator, 3)
    await communicator.send_json_to({"type": "stop"})
    frames = await until_final(communicator)
    assert frames[-1]["type"] == "stopped" and frames[-1]["message_id"] == message_id
    message = await ChatMessage.objects.aget(pk=message_id)
    assert message.status == "stopped"
    assert message.text.startswith("".join(got))
    assert len(message.text) < 400  # stopped well before the ~1,000-character reply
    assert message.intent == "concept" and message.passages[0]["slug"] == "quantum-coherence"
    # The reply slot is free again: the next ask streams.
    settings.TUTOR_STREAM_DELAY_SECONDS = 0
    _, done = reply_of(await ask(communicator, "give me an example"))
    assert done["intent"] == "example"
    assert done["sources"][0]["title"] == "Quantum coherence"  # the stopped question's topic
    await communicator.disconnect()


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_disconnect_mid_stream_cancels_and_keeps_the_partial_reply(
    alice: User, kb: None, settings: Any
) -> None:
    settings.TUTOR_STREAM_DELAY_SECONDS = 0.02
    communicator, first = await open_chat(alice)
    await communicator.send_json_to({"type": "ask", "text": "what is quantum coherence"})
    message_id, got = await tokens_then(communicator, 3)
    await communicator.disconnect()
    message = await ChatMessage.objects.aget(pk=message_id)
    assert message.status == "stopped"
    assert message.text.startswith("".join(got)) and message.text
    chat = await Chat.objects.aget(pk=first["chat_id"])
    assert chat.reply_lock == ""


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_two_sockets_on_one_chat_do_not_both_stream(
    alice: User, kb: None, settings: Any
) -> None:
    settings.TUTOR_STREAM_DELAY_SECONDS = 0.02
    one, first = await open_chat(alice)
    two, _ = await open_chat(alice, f"/ws/tutor/{first['chat_id']}/")
    await one.send_json_to({"type": "ask", "text": "what is quantum coherence"})
    await tokens_then(one, 1)
    frame = (await ask(two, "what is momentum"))[-1]
    assert (frame["type"], frame["code"]) == ("error", "busy")
    # The same socket asking twice is busy too.
    await one.send_json_to({"type": "ask", "text": "what is momentum"})
    while (frame := await one.receive_json_from())["type"] == "token":
        pass
    assert (frame["type"], frame["code"]) == ("error", "busy")
    await one.send_json_to({"type": "stop"})
    await until_final(one)
    settings.TUTOR_STREAM_DELAY_SECONDS = 0
    _, done = reply_of(await ask(two, "what is momentum"))
    assert done["sources"][0]["title"].startswith("Momentum")
    await one.disconnect()
    await two.disconnect()


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_it_stores_ratings_of_the_students_own_replies(
    alice: User, bob: User, kb: None
) -> None:
    communicator, _ = await open_chat(alice)
    _, done = reply_of(await ask(communicator, "what is quantum coherence"))
    await communicator.send_json_to({"type": "rate", "message_id": done["message_id"], "value": 1})
    assert await communicator.receive_json_from() == {
        "type": "rated",
        "message_id": done["message_id"],
        "value": 1,
    }
    assert (await ChatMessage.objects.aget(pk=done["message_id"])).rating == 1
    await communicator.send_json_to({"type": "rate", "message_id": done["message_id"], "value": -1})
    await communicator.receive_json_from()
    assert (await ChatMessage.objects.aget(pk=done["message_id"])).rating == -1
    await communicator.disconnect()

    theirs, _ = await open_chat(bob)
    await theirs.send_json_to({"type": "rate", "message_id": done["message_id"], "value": 1})
    assert (await theirs.receive_json_from())["code"] == "not_found"
    assert (await ChatMessage.objects.aget(pk=done["message_id"])).rating == -1
    await theirs.disconnect()


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_it_rate_limits_a_student_across_sockets(
    alice: User, bob: User, kb: None, settings: Any
) -> None:
    settings.TUTOR_RATE_LIMIT_PER_MINUTE = 2
    one, _ = await open_chat(alice)
    two, _ = await open_chat(alice)
    assert (await ask(one, "hi"))[-1]["type"] == "done"
    assert (await ask(two, "hello"))[-1]["type"] == "done"
    frame = (await ask(one, "what is momentum"))[-1]
    assert (frame["type"], frame["code"]) == ("error", "rate_limited")
    # Another student has their own allowance.
    other, _ = await open_chat(bob)
    assert (await ask(other, "hi"))[-1]["type"] == "done"
    for communicator in (one, two, other):
        await communicator.disconnect()


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_a_hundred_message_history_keeps_the_prompt_within_budget(
    alice: User, kb: None, settings: Any
) -> None:
    settings.TUTOR_HISTORY_TOKEN_BUDGET = 120
    fresh, _ = await open_chat(alice)
    _, baseline = reply_of(await ask(fresh, "give me an example of momentum"))
    await fresh.disconnect()

    chat = await sync_to_async(ChatFactory)(student=alice, topic="momentum")

    def fill() -> None:
        for i in range(50):
            ChatMessageFactory(chat=chat, text=f"question {i} about momentum and impulse " * 4)
            ReplyFactory(chat=chat, text="Momentum is $p = mv$. " * 40, angle="explanation")

    await sync_to_async(fill)()
    communicator, replay = await open_chat(alice, f"/ws/tutor/{chat.pk}/")
    assert len(replay["messages"]) == 100
    _, done = reply_of(await ask(communicator, "give me an example of momentum"))
    grown = done["usage"]["prompt_tokens"] - baseline["usage"]["prompt_tokens"]
    assert 0 < grown <= 120 + 10, grown  # the history budget, plus message framing
    stored = await ChatMessage.objects.aget(pk=done["message_id"])
    assert stored.prompt_tokens == done["usage"]["prompt_tokens"]
    assert stored.completion_tokens > 0 and stored.ttft_ms is not None
    await communicator.disconnect()


class BrokenModel(BaseChatModel):
    """A provider that accepts the request and then fails mid-stream."""

    @property
    def _llm_type(self) -> str:
        return "broken"

    def _generate(self, messages: list[BaseMessage], *a: Any, **kw: Any) -> ChatResult:
        raise NotImplementedError

    async def _astream(
        self, messages: list[BaseMessage], *a: Any, **kw: Any
    ) -> AsyncIterator[ChatGenerationChunk]:
        yield ChatGenerationChunk(message=AIMessageChunk(content="Quantum "))
        await asyncio.sleep(0)
        raise ConnectionResetError("peer closed ?key=AIzaSyTESTKEY-0123456789abcdefghijklmno")


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_a_provider_failure_is_a_friendly_unavailable_and_the_socket_stays_usable(
    alice: User, kb: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    communicator, _ = await open_chat(alice)
    real = streaming.chat_model
    monkeypatch.setattr(streaming, "chat_model", lambda: BrokenModel())
    frames = await ask(communicator, "what is quantum coherence")
    error = frames[-1]
    assert (error["type"], error["code"]) == ("error", "unavailable")
    assert "key" not in error["message"].lower() and "AIza" not in json.dumps(frames)
    message = await ChatMessage.objects.aget(pk=error["message_id"])
    assert message.status == "error" and message.text == "Quantum "
    monkeypatch.setattr(streaming, "chat_model", real)
    _, done = reply_of(await ask(communicator, "what is quantum coherence"))
    assert done["intent"] == "concept"
    await communicator.disconnect()
