"""What a browser does against one web process of the deployment: the login form, the JSON
API with its CSRF header, and the two websockets (the tutor chat and the live updates).

Every wait is bounded: a frame that does not come fails the test instead of hanging it.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit

import httpx
from websockets.asyncio.client import ClientConnection, connect

FRAME_TIMEOUT = 30.0
FINAL = {"done", "error", "stopped"}
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@contextmanager
def browser(base_url: str, cookies: dict[str, str] | None = None) -> Iterator[httpx.Client]:
    """An HTTP client for one process that keeps its cookies and does not follow redirects
    (so that a test sees where a page sends it)."""
    with httpx.Client(base_url=base_url, follow_redirects=False, timeout=60) as client:
        # Stored as the server would have set them (host-only, for this host), so that a
        # cookie the server sets later replaces them instead of adding a second one.
        for name, value in (cookies or {}).items():
            client.cookies.set(name, value, domain=urlsplit(base_url).hostname or "")
        yield client


def log_in(client: httpx.Client, username: str, password: str) -> None:
    """The login form as a browser submits it: GET for the CSRF cookie and field, then POST."""
    page = client.get("/accounts/login/")
    assert page.status_code == 200, page.text[:500]
    found = CSRF_FIELD.search(page.text)
    assert found, "no CSRF field on the login page"
    response = client.post(
        "/accounts/login/",
        data={"username": username, "password": password, "csrfmiddlewaretoken": found[1]},
    )
    assert response.status_code == 302, response.text[:2000]
    assert response.headers["location"] == "/"
    assert "sessionid" in response.cookies


def csrf_headers(client: httpx.Client) -> dict[str, str]:
    return {"X-CSRFToken": client.cookies["csrftoken"]}


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
