"""Logging out closes that session's tutor and live-updates sockets; a deleted or expired
session closes them too, and every ask re-checks the session first."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import User
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.test import Client

from studysmart import live_sockets
from studysmart.asgi import application
from tutor.knowledge_index import forget_knowledge_index
from tutor.models import ChatMessage
from tutor.seeding import seed_demo

CLOSED = live_sockets.CLOSE_LOGGED_OUT


@pytest.fixture
def tutor_kb(transactional_db: None) -> Iterator[None]:
    cache.clear()
    forget_knowledge_index()
    seed_demo()
    yield
    cache.clear()


def logged_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


async def open_socket(client: Client, path: str) -> WebsocketCommunicator:
    cookie = f"sessionid={client.cookies['sessionid'].value}".encode()
    ws = WebsocketCommunicator(
        application, path, headers=[(b"origin", b"http://localhost"), (b"cookie", cookie)]
    )
    connected, _ = await ws.connect()
    assert connected
    if path.startswith("/ws/tutor/"):
        assert (await ws.receive_json_from(timeout=5))["type"] == "chat"
    return ws


async def closed_with(ws: WebsocketCommunicator) -> int | None:
    """The close code the server sent within 5 s (frames before it are skipped)."""
    async with asyncio.timeout(5.0):
        while True:
            output = await ws.receive_output()
            if output["type"] == "websocket.close":
                return output.get("code")


async def sockets_of(alice: User) -> tuple[Client, WebsocketCommunicator, WebsocketCommunicator]:
    client = await sync_to_async(logged_in)(alice)
    return (
        client,
        await open_socket(client, "/ws/tutor/"),
        await open_socket(client, "/ws/updates/"),
    )


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("tutor_kb")
async def test_it_closes_both_sockets_on_logout(alice: User, bob: User) -> None:
    client, tutor, updates = await sockets_of(alice)
    _, bobs_tutor, _ = await sockets_of(bob)
    response = await sync_to_async(client.post)("/accounts/logout/")
    assert response.status_code == 302
    assert await closed_with(tutor) == CLOSED
    assert await closed_with(updates) == CLOSED
    # Bob's socket is untouched and still answers.
    await bobs_tutor.send_json_to({"type": "ask", "text": "what is momentum"})
    while (frame := await bobs_tutor.receive_json_from(timeout=10))["type"] not in (
        "done",
        "error",
    ):
        pass
    assert frame["type"] == "done", frame


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("tutor_kb")
async def test_it_closes_sockets_when_another_process_announces_the_logout(alice: User) -> None:
    client, tutor, updates = await sockets_of(alice)
    key = client.cookies["sessionid"].value
    # What end_session_sockets sends from the process that served the logout.
    await get_channel_layer().group_send(
        live_sockets.session_group(key), {"type": "session.logout"}
    )
    assert await closed_with(updates) == CLOSED
    assert await closed_with(tutor) == CLOSED


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("tutor_kb")
async def test_it_rechecks_the_session_before_each_ask(alice: User) -> None:
    client, tutor, updates = await sockets_of(alice)
    # Deleted behind the registry's back (an admin, clearsessions, another process).
    await Session.objects.filter(session_key=client.cookies["sessionid"].value).adelete()
    await tutor.send_json_to({"type": "ask", "text": "what is momentum"})
    assert await closed_with(tutor) == CLOSED
    assert not await ChatMessage.objects.aexists()
    await updates.disconnect()


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("tutor_kb")
async def test_it_sweeps_sockets_whose_session_expired(settings: Any, alice: User) -> None:
    settings.LIVE_SOCKET_SWEEP_SECONDS = 0.1
    client, tutor, updates = await sockets_of(alice)
    from django.utils import timezone

    await Session.objects.filter(session_key=client.cookies["sessionid"].value).aupdate(
        expire_date=timezone.now()
    )
    assert await closed_with(updates) == CLOSED
    assert await closed_with(tutor) == CLOSED


@pytest.mark.django_db
def test_it_knows_a_session_that_still_logs_the_user_in(alice: User, bob: User) -> None:
    key = logged_in(alice).cookies["sessionid"].value
    assert live_sockets.session_is_current(session_key=key, user=alice)
    assert not live_sockets.session_is_current(session_key=key, user=bob)
    alice.set_password("a-new-password-42")
    alice.save()
    # A password change logs every other session out (Django's session hash).
    assert not live_sockets.session_is_current(session_key=key, user=alice)
    assert live_sockets.live_session_keys([key, "nope"]) == {key}
