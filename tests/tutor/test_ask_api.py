"""POST /api/tutor/ask/: the whole reply at once, with the same rules as the socket."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.test import Client

from tests.tutor.factories import ChatFactory
from tutor import knowledge_index, seeding
from tutor.models import ChatMessage

URL = "/api/tutor/ask/"
# The view is async and reaches the database through database_sync_to_async, which closes
# connections around each call: tests need real transactions, not one wrapping atomic block.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _kb(transactional_db: None) -> Iterator[None]:
    cache.clear()
    knowledge_index.forget_knowledge_index()
    seeding.seed_demo()
    yield
    cache.clear()


def post(client: Client, body: Any) -> Any:
    raw = body if isinstance(body, str) else json.dumps(body)
    return client.post(URL, raw, content_type="application/json")


def test_it_answers_with_the_done_fields_plus_chat_id_and_text(client: Client, alice: User) -> None:
    client.force_login(alice)
    response = post(client, {"text": "what is quantum coherence"})
    assert response.status_code == 200, response.content
    data = response.json()
    assert {
        "message_id",
        "intent",
        "sources",
        "usage",
        "ttft_ms",
        "total_ms",
        "chat_id",
        "text",
    } <= set(data)
    assert data["intent"] == "concept"
    assert data["sources"][0]["title"] == "Quantum coherence"
    assert "<math" in data["html"]
    follow = post(client, {"chat_id": data["chat_id"], "text": "give me an example"}).json()
    assert follow["chat_id"] == data["chat_id"] and follow["intent"] == "example"
    assert follow["sources"][0]["title"] == "Quantum coherence"
    reply = ChatMessage.objects.get(pk=follow["message_id"])
    assert reply.chat.student == alice and reply.status == "complete"
    assert reply.prompt_tokens == follow["usage"]["prompt_tokens"]


def test_it_answers_anonymous_callers_with_json_401(client: Client) -> None:
    response = post(client, {"text": "hi"})
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


def test_it_enforces_csrf(alice: User) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    assert post(client, {"text": "hi"}).status_code == 403
    client.get("/tutor/")  # sets the csrftoken cookie, as a browser page would
    token = client.cookies["csrftoken"].value
    response = client.post(
        URL,
        json.dumps({"text": "hi"}),
        content_type="application/json",
        headers={"X-CSRFToken": token},
    )
    assert response.status_code == 200


@pytest.mark.parametrize(
    "body",
    [
        "{not json",
        "[1]",
        {},
        {"text": ""},
        {"text": 5},
        {"text": "hi", "chat_id": "1"},
        {"text": "hi", "chat_id": True},
        {"text": "hi", "chat_id": -3},
    ],
)
def test_it_rejects_bad_bodies_with_400(client: Client, alice: User, body: Any) -> None:
    client.force_login(alice)
    response = post(client, body)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "bad_request"


def test_it_rejects_oversized_text(client: Client, alice: User, settings: Any) -> None:
    settings.TUTOR_MAX_MESSAGE_CHARS = 20
    client.force_login(alice)
    response = post(client, {"text": "x" * 21})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "too_long"
    assert not ChatMessage.objects.exists()


def test_another_students_chat_is_a_404(client: Client, alice: User, bob: User) -> None:
    chat = ChatFactory(student=alice)
    client.force_login(bob)
    for chat_id in (chat.pk, 10**12):
        response = post(client, {"chat_id": chat_id, "text": "what is momentum"})
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"
    assert not chat.messages.exists()


def test_it_rate_limits_with_429(client: Client, alice: User, settings: Any) -> None:
    settings.TUTOR_RATE_LIMIT_PER_MINUTE = 2
    client.force_login(alice)
    assert post(client, {"text": "hi"}).status_code == 200
    assert post(client, {"text": "hello"}).status_code == 200
    response = post(client, {"text": "what is momentum"})
    assert response.status_code == 429
    assert response.json()["error"]["code"] == "rate_limited"


def test_it_only_accepts_post(client: Client, alice: User) -> None:
    client.force_login(alice)
    assert client.get(URL).status_code == 405
