"""``POST /api/tutor/ask/`` through the real ChatGoogleGenerativeAI against a loopback Gemini.

Settings point the configured model at the stand-in (``TUTOR_BASE_URL``), exactly as an
operator would switch providers: no code path is replaced.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Iterator
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from django.contrib.auth.models import User
from django.core.cache import cache
from django.test import AsyncClient

from tests.tutor.gemini_standin import DEFAULT_REPLY, GeminiStandin
from tutor import knowledge_index, seeding
from tutor.llm import clear_model_cache
from tutor.models import Chat, ChatMessage

KEY = "AIzaSyFAKE-integration-key-0123456789abcd"
URL = "/api/tutor/ask/"


@pytest.fixture
def standin(settings: Any, transactional_db: None) -> Iterator[GeminiStandin]:
    cache.clear()
    knowledge_index.forget_knowledge_index()
    clear_model_cache()
    seeding.seed_demo()
    with GeminiStandin(chunk_delay_s=0.005) as server:
        settings.GOOGLE_API_KEY = KEY
        settings.TUTOR_MODEL = "google_genai:gemini-2.5-flash"
        settings.TUTOR_BASE_URL = server.base_url
        settings.TUTOR_TIMEOUT_SECONDS = 2.0
        settings.TUTOR_RATE_LIMIT_PER_MINUTE = 1000
        yield server
    clear_model_cache()
    cache.clear()


async def client_for(user: User) -> AsyncClient:
    client = AsyncClient()
    await client.aforce_login(user)
    return client


async def post(client: AsyncClient, body: dict[str, Any]) -> Any:
    return await client.post(URL, json.dumps(body), content_type="application/json")


def no_key_anywhere(caplog: pytest.LogCaptureFixture, *texts: str) -> None:
    for record in caplog.records:
        assert KEY not in record.getMessage()
        assert KEY not in str(record.__dict__)
    for text in texts:
        assert KEY not in text
    rows = [
        *ChatMessage.objects.values_list("text", "passages", "intent"),
        *Chat.objects.values_list("title", "topic"),
    ]
    assert KEY not in json.dumps(rows, default=str)


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_twenty_sequential_and_ten_concurrent_asks_on_one_loop(
    alice: User, standin: GeminiStandin, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    client = await client_for(alice)
    bodies: list[str] = []
    first = await post(client, {"text": "what is quantum coherence"})
    assert first.status_code == 200, first.content
    chat_id = first.json()["chat_id"]
    for i in range(19):
        response = await post(client, {"chat_id": chat_id, "text": f"what is momentum? ({i})"})
        assert response.status_code == 200, response.content
        bodies.append(response.content.decode())
    responses = await asyncio.gather(
        *(post(client, {"text": f"what is quantum coherence ({i})"}) for i in range(10))
    )
    for response in responses:
        assert response.status_code == 200, response.content
        data = response.json()
        assert data["text"] == DEFAULT_REPLY
        assert data["usage"]["prompt_tokens"] > 0 and data["usage"]["completion_tokens"] > 0
        bodies.append(response.content.decode())
    stream_requests = [r for r in standin.requests if r.path.endswith(":streamGenerateContent")]
    assert len(stream_requests) == 30
    assert "Event loop is closed" not in caplog.text

    def usage() -> list[tuple[int, int, str]]:
        return list(
            ChatMessage.objects.replies().values_list(
                "prompt_tokens", "completion_tokens", "status"
            )
        )

    rows = await sync_to_async(usage)()
    assert len(rows) == 30
    # Token usage as Gemini reported it (usageMetadata), not our estimate.
    assert all(p > 0 and c > 0 and s == "complete" for p, c, s in rows)
    await sync_to_async(no_key_anywhere)(caplog, *bodies)


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("behaviour", ["429", "500", "hang", "drop"])
async def test_provider_faults_are_a_friendly_503_within_the_deadline(
    alice: User, standin: GeminiStandin, caplog: pytest.LogCaptureFixture, behaviour: str
) -> None:
    caplog.set_level(logging.DEBUG)
    client = await client_for(alice)
    # A first, good reply warms the process (index, model client) so the timing is the fault's.
    warm = await post(client, {"text": "what is momentum"})
    assert warm.status_code == 200, warm.content
    chat_id = warm.json()["chat_id"]
    standin.push(behaviour)
    started = time.perf_counter()
    response = await post(client, {"text": "what is quantum coherence", "chat_id": chat_id})
    elapsed = time.perf_counter() - started
    assert elapsed < 2.0 + 1.0, elapsed  # the deadline, plus a little
    assert response.status_code == 503, response.content
    error = response.json()["error"]
    assert error["code"] == "unavailable"
    assert error["message"].startswith("The tutor")
    assert "key" not in error["message"].lower()
    stored = await ChatMessage.objects.replies().order_by("-id").afirst()
    assert stored is not None and stored.status == "error"
    # The chat still works afterwards (a fault the deadline beat to the server is forgotten).
    standin.clear()
    ok = await post(client, {"text": "what is quantum coherence", "chat_id": chat_id})
    assert ok.status_code == 200, ok.content
    await sync_to_async(no_key_anywhere)(caplog, response.content.decode(), ok.content.decode())
