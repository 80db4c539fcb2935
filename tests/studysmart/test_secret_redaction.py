"""Secrets never reach a log line: the filter on every handler, and a provider that echoes the key.

The log is read where an operator reads it: through the handler settings.LOGGING installs on
the root logger (its stream swapped for a buffer), not through pytest's capture handler.
"""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest
from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import User

from studysmart.asgi import application
from studysmart.logging import RedactSecretsFilter, configured_secrets
from tests.sockets import session_cookie
from tests.tutor.gemini_standin import GeminiStandin
from tests.tutor.test_gemini_integration import KEY, client_for, post, standin  # noqa: F401

SECRET_KEY = "django-secret-0123456789-abcdefghij"
REDIS_PASSWORD = "redis-pass-9876"
DB_PASSWORD = "pg-pass-5432-xyz"


@pytest.fixture
def server_log() -> Iterator[io.StringIO]:
    """What the configured console handler writes, for the duration of the test."""
    handlers = [h for h in logging.getLogger().handlers if _redacting(h)]
    assert handlers, "settings.LOGGING installed no redacting handler on the root logger"
    buffer = io.StringIO()
    old = [h.setStream(buffer) for h in handlers if isinstance(h, logging.StreamHandler)]
    yield buffer
    for handler, stream in zip(handlers, old, strict=False):
        if stream is not None:
            handler.setStream(stream)


def _redacting(handler: logging.Handler) -> bool:
    return any(isinstance(f, RedactSecretsFilter) for f in handler.filters)


@pytest.fixture
def secrets_configured(settings: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    settings.GOOGLE_API_KEY = KEY
    settings.SECRET_KEY = SECRET_KEY
    settings.REDIS_URL = f"redis://:{REDIS_PASSWORD}@127.0.0.1:6379/4"
    # In place (not a new DATABASES): the open connection keeps working; restored afterwards.
    monkeypatch.setitem(settings.DATABASES["default"], "PASSWORD", DB_PASSWORD)


def test_it_installs_the_filter_on_every_configured_handler(settings: Any) -> None:
    for name, handler in settings.LOGGING["handlers"].items():
        assert "redact_secrets" in handler.get("filters", []), name
    configured = [h for h in logging.getLogger().handlers if h.name in settings.LOGGING["handlers"]]
    assert configured and all(_redacting(h) for h in configured)


@pytest.mark.usefixtures("secrets_configured")
def test_it_redacts_every_secret_from_message_args_and_exception(server_log: io.StringIO) -> None:
    assert {KEY, SECRET_KEY, REDIS_PASSWORD, DB_PASSWORD} <= set(configured_secrets())
    logger = logging.getLogger("tests.redaction")
    logger.warning("key in the message %s", KEY)
    logger.warning("args: %s %s", SECRET_KEY, {"url": f"redis://:{REDIS_PASSWORD}@host"})
    try:
        raise ValueError(f"provider said: {{'key': '{KEY}', 'db': '{DB_PASSWORD}'}}")
    except ValueError:
        logger.exception("provider failed")
    logger.error("with extra", extra={"detail": f"?key={KEY}"}, stack_info=True)
    text = server_log.getvalue()
    assert "provider failed" in text and "ValueError" in text  # the lines are still there
    assert text.count("[redacted]") >= 5
    for secret in (KEY, SECRET_KEY, REDIS_PASSWORD, DB_PASSWORD):
        assert secret not in text


def test_it_redacts_key_shaped_text_nobody_configured(server_log: io.StringIO) -> None:
    logging.getLogger("tests.redaction").warning(
        "GET https://example.invalid/v1?alt=sse&key=sk-live-12345 AIzaSyUNCONFIGURED0123456789abc"
    )
    text = server_log.getvalue()
    assert "sk-live-12345" not in text and "AIzaSyUNCONFIGURED" not in text


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_it_answers_a_non_json_provider_reply_with_unavailable_and_logs_no_key(
    alice: User,
    standin: GeminiStandin,  # noqa: F811
    server_log: io.StringIO,
) -> None:
    client = await client_for(alice)
    standin.push("nonjson")
    response = await post(client, {"text": "what is quantum coherence"})
    assert response.status_code == 503, response.content
    assert response.json()["error"]["code"] == "unavailable"
    assert "UnknownApiResponseError" in server_log.getvalue()  # the fault is logged…
    assert KEY not in server_log.getvalue() and KEY not in response.content.decode()  # …redacted


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_it_sends_unavailable_on_the_socket_for_a_non_json_provider_reply(
    alice: User,
    standin: GeminiStandin,  # noqa: F811
    server_log: io.StringIO,
) -> None:
    cookie = await _cookie(alice)
    ws = WebsocketCommunicator(
        application, "/ws/tutor/", headers=[(b"origin", b"http://localhost"), (b"cookie", cookie)]
    )
    connected, _ = await ws.connect()
    assert connected
    assert (await ws.receive_json_from(timeout=10))["type"] == "chat"
    standin.push("nonjson")
    await ws.send_to(text_data=json.dumps({"type": "ask", "text": "what is quantum coherence"}))
    frames = []
    while (frame := await ws.receive_json_from(timeout=10))["type"] not in ("done", "error"):
        frames.append(frame)
    assert frame["code"] == "unavailable", frame
    # The socket stays usable: the next question is answered.
    await ws.send_to(text_data=json.dumps({"type": "ask", "text": "what is momentum"}))
    while (frame := await ws.receive_json_from(timeout=10))["type"] not in ("done", "error"):
        pass
    assert frame["type"] == "done", frame
    await ws.disconnect()
    assert KEY not in server_log.getvalue()


async def _cookie(user: User) -> bytes:
    from asgiref.sync import sync_to_async

    return await sync_to_async(session_cookie)(user)
