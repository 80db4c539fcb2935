from __future__ import annotations

import pytest
from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import User

from studysmart.asgi import application
from tests.sockets import session_cookie


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_it_refuses_a_foreign_origin_even_with_a_session(alice: User) -> None:
    from asgiref.sync import sync_to_async

    cookie = await sync_to_async(session_cookie)(alice)
    communicator = WebsocketCommunicator(
        application,
        "/ws/updates/",
        headers=[(b"origin", b"https://evil.example.com"), (b"cookie", cookie)],
    )
    connected, _ = await communicator.connect()
    assert connected is False
    await communicator.disconnect()


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_it_refuses_a_socket_without_a_session() -> None:
    communicator = WebsocketCommunicator(
        application, "/ws/updates/", headers=[(b"origin", b"http://localhost")]
    )
    connected, code = await communicator.connect()
    assert connected is False
    assert code == 4401
    await communicator.disconnect()


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_it_accepts_a_logged_in_student_from_an_allowed_origin(alice: User) -> None:
    from asgiref.sync import sync_to_async

    cookie = await sync_to_async(session_cookie)(alice)
    communicator = WebsocketCommunicator(
        application,
        "/ws/updates/",
        headers=[(b"origin", b"http://localhost"), (b"cookie", cookie)],
    )
    connected, _ = await communicator.connect()
    assert connected is True
    # Garbage from the page is answered with an error frame; the socket stays open.
    await communicator.send_to(text_data="{not json")
    frame = await communicator.receive_json_from()
    assert frame["type"] == "error"
    await communicator.disconnect()
