"""``stop`` in every state of a reply, with the real consumer: every stop gets an answer, and a
reply ends either "stopped" or "complete" — the same in the frames, the database and a reconnect.
"""

from __future__ import annotations

import asyncio
import threading
import time
from typing import Any

import pytest
from django.contrib.auth.models import User

from tests.tutor.test_consumer import open_chat, until_final
from tutor import seeding, streaming, turns
from tutor.models import ChatMessage

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def kb(fresh_tutor_state: None) -> None:
    seeding.seed_demo()


async def reconnect_status(user: User, chat_id: int, message_id: int) -> str:
    communicator, first = await open_chat(user, f"/ws/tutor/{chat_id}/")
    await communicator.disconnect()
    return next(m["status"] for m in first["messages"] if m["id"] == message_id)


async def test_it_answers_a_stop_with_nothing_streaming_with_bad_request(
    alice: User, kb: None
) -> None:
    communicator, _ = await open_chat(alice)
    await communicator.send_json_to({"type": "stop"})
    frame = await communicator.receive_json_from(timeout=5)
    assert frame == {"type": "error", "code": "bad_request", "message": "nothing to stop"}
    await communicator.disconnect()


async def test_a_stop_before_the_start_frame_stops_the_reply_it_names(
    alice: User, kb: None, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The claim of the reply slot is slow, so the stop surely arrives before "start".
    claim = streaming.claim_turn

    def slow_claim(**kwargs: Any) -> turns.Turn:
        time.sleep(0.3)
        return claim(**kwargs)

    monkeypatch.setattr(streaming, "claim_turn", slow_claim)
    communicator, first = await open_chat(alice)
    await communicator.send_json_to({"type": "ask", "text": "what is quantum coherence"})
    await communicator.send_json_to({"type": "stop"})
    frames = await until_final(communicator)
    assert [f["type"] for f in frames] == ["start", "stopped"], frames
    message_id = frames[0]["message_id"]
    assert frames[-1]["message_id"] == message_id
    message = await ChatMessage.objects.aget(pk=message_id)
    assert message.status == "stopped"
    assert await reconnect_status(alice, first["chat_id"], message_id) == "stopped"
    await communicator.disconnect()


async def test_a_stop_racing_the_final_save_leaves_a_complete_reply_everywhere(
    alice: User, kb: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    saving = threading.Event()
    finish = streaming.finish_turn

    def slow_finish(**kwargs: Any) -> turns.ReplyDone:
        saving.set()
        time.sleep(0.3)
        return finish(**kwargs)

    monkeypatch.setattr(streaming, "finish_turn", slow_finish)
    communicator, first = await open_chat(alice)
    await communicator.send_json_to({"type": "ask", "text": "what is quantum coherence"})
    await asyncio.to_thread(saving.wait, 5)
    await communicator.send_json_to({"type": "stop"})
    frames = await until_final(communicator)
    assert frames[-1]["type"] == "done", frames[-1]
    message_id = frames[-1]["message_id"]
    answer = await communicator.receive_json_from(timeout=5)
    assert answer == {"type": "error", "code": "bad_request", "message": "nothing to stop"}
    message = await ChatMessage.objects.aget(pk=message_id)
    assert message.status == "complete"
    assert await reconnect_status(alice, first["chat_id"], message_id) == "complete"
    await communicator.disconnect()


async def test_a_stop_mid_stream_is_stopped_in_the_frames_the_database_and_a_reconnect(
    alice: User, kb: None, settings: Any
) -> None:
    settings.TUTOR_STREAM_DELAY_SECONDS = 0.02
    communicator, first = await open_chat(alice)
    await communicator.send_json_to({"type": "ask", "text": "what is quantum coherence"})
    start = await communicator.receive_json_from(timeout=5)
    assert start["type"] == "start"
    await communicator.receive_json_from(timeout=5)  # a token
    await communicator.send_json_to({"type": "stop"})
    frames = await until_final(communicator)
    assert frames[-1] == {**frames[-1], "type": "stopped", "message_id": start["message_id"]}
    message = await ChatMessage.objects.aget(pk=start["message_id"])
    assert message.status == "stopped"
    assert await reconnect_status(alice, first["chat_id"], start["message_id"]) == "stopped"
    # A second stop has nothing left to stop.
    await communicator.send_json_to({"type": "stop"})
    frame = await communicator.receive_json_from(timeout=5)
    assert frame["code"] == "bad_request" and frame["message"] == "nothing to stop"
    await communicator.disconnect()


async def test_a_stop_after_the_done_frame_gets_nothing_to_stop(alice: User, kb: None) -> None:
    communicator, _ = await open_chat(alice)
    await communicator.send_json_to({"type": "ask", "text": "what is momentum"})
    frames = await until_final(communicator)
    assert frames[-1]["type"] == "done"
    await communicator.send_json_to({"type": "stop"})
    frame = await communicator.receive_json_from(timeout=5)
    assert frame == {"type": "error", "code": "bad_request", "message": "nothing to stop"}
    await communicator.disconnect()
