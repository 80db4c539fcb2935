"""Websockets as the pages open them (same origin, the session cookie), for the tests that talk
to a real daphne: the tutor chat and the live updates. Every wait is bounded."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from websockets.asyncio.client import ClientConnection, connect

FRAME_TIMEOUT = 30.0
FINAL = {"done", "error", "stopped"}


def ws_url(base_url: str, path: str) -> str:
    return base_url.replace("http://", "ws://", 1) + path


async def open_socket(base_url: str, path: str, session_key: str) -> ClientConnection:
    """A websocket as the page opens it: same-origin, with the session cookie."""
    return await connect(
        ws_url(base_url, path),
        origin=base_url,  # type: ignore[arg-type]
        additional_headers={"Cookie": f"sessionid={session_key}"},
        open_timeout=FRAME_TIMEOUT,
    )


async def receive(ws: ClientConnection, wait: float = FRAME_TIMEOUT) -> dict[str, Any]:
    async with asyncio.timeout(wait):
        frame: dict[str, Any] = json.loads(await ws.recv())
    return frame


async def open_chat(
    base_url: str, session_key: str, chat_id: int | None = None
) -> tuple[ClientConnection, dict[str, Any]]:
    """The tutor socket (a new chat, or `chat_id` resumed) and its first frame."""
    path = f"/ws/tutor/{chat_id}/" if chat_id else "/ws/tutor/"
    ws = await open_socket(base_url, path, session_key)
    first = await receive(ws)
    assert first["type"] == "chat", first
    return ws, first


async def until_final(ws: ClientConnection) -> list[dict[str, Any]]:
    """The frames of one reply, up to and including done, error or stopped."""
    frames = []
    while (frame := await receive(ws))["type"] not in FINAL:
        frames.append(frame)
    return [*frames, frame]


async def ask(ws: ClientConnection, text: str) -> list[dict[str, Any]]:
    await ws.send(json.dumps({"type": "ask", "text": text}))
    return await until_final(ws)


def streamed_text(frames: list[dict[str, Any]]) -> str:
    return "".join(f["text"] for f in frames if f["type"] == "token")


def session_cookie(user: Any) -> bytes:
    """The `Cookie` header of a browser logged in as `user` (for channels' communicators)."""
    from django.test import Client

    client = Client()
    client.force_login(user)
    return f"sessionid={client.cookies['sessionid'].value}".encode()
