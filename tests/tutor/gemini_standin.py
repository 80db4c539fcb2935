"""A loopback stand-in for the Gemini REST API, for driving the real ``ChatGoogleGenerativeAI``.

It answers ``POST /v1beta/models/<model>:streamGenerateContent?alt=sse`` with server-sent events
shaped like Gemini's (``candidates`` + cumulative ``usageMetadata``), in chunked transfer
encoding so that a connection dropped mid-stream is a protocol error for the client, as it is
in production. ``:generateContent`` answers the same text as one JSON body.

Behaviours are scripted per request with ``push()`` (first in, first out; when the script is
empty the default applies):

- ``"ok"`` — stream ``reply`` in a few chunks;
- ``"echo"`` — stream back the prompt text the request carried (system instruction + contents);
- ``"429"`` / ``"500"`` — an error status with a Google-style JSON error body. The body quotes
  the API key the request sent, so tests can prove it never reaches an exception shown to users;
- ``"nonjson"`` — ``200 OK`` with a body that is not JSON (a misconfigured gateway's page)
  quoting the API key the request sent: the provider error "of an unexpected shape";
- ``"hang"`` — accept the request and never answer (until ``stop()``);
- ``"drop"`` — stream two chunks, then close the connection without finishing the body.

The server runs its own event loop in a daemon thread, independent of the loop under test.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import threading
from collections import deque
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

DEFAULT_REPLY = "Quantum coherence is a stable phase relation between the parts of a superposition."


@dataclass
class RecordedRequest:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: dict[str, Any] = field(default_factory=dict)


def prompt_text(body: dict[str, Any]) -> str:
    """All text of a generateContent request body: system instruction, then the contents."""
    parts: list[str] = []
    system = body.get("systemInstruction") or body.get("system_instruction") or {}
    parts += [p.get("text", "") for p in system.get("parts", [])]
    for content in body.get("contents", []):
        parts += [p.get("text", "") for p in content.get("parts", [])]
    return "\n".join(p for p in parts if p)


class GeminiStandin:
    def __init__(
        self, *, reply: str = DEFAULT_REPLY, chunks: int = 4, chunk_delay_s: float = 0.0
    ) -> None:
        self.reply = reply
        self.chunks = chunks
        self.chunk_delay_s = chunk_delay_s
        self.default = "ok"
        self.requests: list[RecordedRequest] = []
        self._script: deque[str] = deque()
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._server: asyncio.Server | None = None
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()
        self._stopping: asyncio.Event | None = None
        self._handlers: set[asyncio.Task[None]] = set()
        self._writers: set[asyncio.StreamWriter] = set()
        self.port = 0

    # -- control ---------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def push(self, *behaviours: str) -> None:
        with self._lock:
            self._script.extend(behaviours)

    def clear(self) -> None:
        """Forget scripted behaviours no request has consumed (e.g. after a client deadline)."""
        with self._lock:
            self._script.clear()

    def _next_behaviour(self) -> str:
        with self._lock:
            return self._script.popleft() if self._script else self.default

    def start(self) -> GeminiStandin:
        self._thread = threading.Thread(target=self._run, name="gemini-standin", daemon=True)
        self._thread.start()
        if not self._ready.wait(5):
            raise RuntimeError("Gemini stand-in did not start")
        return self

    def stop(self) -> None:
        if self._loop and self._stopping:
            self._loop.call_soon_threadsafe(self._stopping.set)
        if self._thread:
            self._thread.join(5)

    def __enter__(self) -> GeminiStandin:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- server ----------------------------------------------------------------------------

    def _run(self) -> None:
        asyncio.run(self._main())

    async def _main(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._stopping = asyncio.Event()
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]
        self._ready.set()
        await self._stopping.wait()
        self._server.close()
        # Abort the connections rather than cancel their handlers: asyncio logs an error for
        # a cancelled client-connected callback, which would look like a failure in the logs.
        for writer in list(self._writers):
            writer.transport.abort()
        await asyncio.gather(*self._handlers, return_exceptions=True)
        await self._server.wait_closed()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._handlers.add(task)
        self._writers.add(writer)
        try:
            # Keep-alive: the client pools connections, so serve requests until it hangs up.
            while True:
                request = await self._read_request(reader)
                if request is None:
                    break
                keep_open = await self._respond(request, writer)
                if not keep_open:
                    break
        except (ConnectionError, asyncio.IncompleteReadError, ValueError):
            pass
        finally:
            self._handlers.discard(task)
            self._writers.discard(writer)
            with contextlib.suppress(Exception):
                writer.close()

    async def _read_request(self, reader: asyncio.StreamReader) -> RecordedRequest | None:
        line = await reader.readline()
        if not line:
            return None
        method, target, _ = line.decode("latin-1").split(" ", 2)
        headers: dict[str, str] = {}
        while True:
            raw = await reader.readline()
            if raw in (b"\r\n", b"\n", b""):
                break
            name, _, value = raw.decode("latin-1").partition(":")
            headers[name.strip().lower()] = value.strip()
        length = int(headers.get("content-length", "0"))
        body_bytes = await reader.readexactly(length) if length else b""
        body = json.loads(body_bytes) if body_bytes else {}
        url = urlsplit(target)
        request = RecordedRequest(method, url.path, parse_qs(url.query), headers, body)
        with self._lock:
            self.requests.append(request)
        return request

    async def _respond(self, request: RecordedRequest, writer: asyncio.StreamWriter) -> bool:
        behaviour = self._next_behaviour()
        key = request.headers.get("x-goog-api-key") or request.query.get("key", [""])[0]
        if behaviour == "hang":
            assert self._stopping is not None
            await self._stopping.wait()
            return False
        if behaviour == "nonjson":
            body = f"<html>gateway says hello to key={key} ({key})</html>".encode()
            writer.write(
                b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n"
                + f"Content-Length: {len(body)}\r\n\r\n".encode()
                + body
            )
            await writer.drain()
            return True
        if behaviour in ("429", "500"):
            status = int(behaviour)
            reason, code = (
                ("Too Many Requests", "RESOURCE_EXHAUSTED")
                if status == 429
                else ("Internal Server Error", "INTERNAL")
            )
            body = json.dumps(
                {
                    "error": {
                        "code": status,
                        # Real errors can quote the request URL, key included.
                        "message": f"{code} for https://example.invalid/v1beta?key={key} "
                        f"(key {key})",
                        "status": code,
                    }
                }
            ).encode()
            writer.write(
                f"HTTP/1.1 {status} {reason}\r\nContent-Type: application/json\r\n"
                f"Content-Length: {len(body)}\r\n\r\n".encode()
                + body
            )
            await writer.drain()
            return True

        text = prompt_text(request.body) if behaviour == "echo" else self.reply
        pieces = _split(text, self.chunks)
        prompt_tokens = max(1, len(prompt_text(request.body)) // 4)
        if not request.path.endswith(":streamGenerateContent"):
            body = json.dumps(_event(text, prompt_tokens, max(1, len(text) // 4), True)).encode()
            writer.write(
                b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                + f"Content-Length: {len(body)}\r\n\r\n".encode()
                + body
            )
            await writer.drain()
            return True

        writer.write(
            b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
            b"Transfer-Encoding: chunked\r\n\r\n"
        )
        sent = 0
        for i, piece in enumerate(pieces):
            if behaviour == "drop" and i == 2:
                # Close without the terminating zero-length chunk: a truncated body.
                await writer.drain()
                writer.transport.abort()
                return False
            sent += max(1, len(piece) // 4)
            last = i == len(pieces) - 1
            payload = f"data: {json.dumps(_event(piece, prompt_tokens, sent, last))}\r\n\r\n"
            data = payload.encode()
            writer.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
            await writer.drain()
            if self.chunk_delay_s:
                await asyncio.sleep(self.chunk_delay_s)
        writer.write(b"0\r\n\r\n")
        await writer.drain()
        return True


def _split(text: str, n: int) -> list[str]:
    words = text.split(" ")
    size = max(1, -(-len(words) // max(1, n)))
    groups = [" ".join(words[i : i + size]) for i in range(0, len(words), size)]
    # Re-attach the spaces the split removed, so the pieces concatenate to the text.
    return [g + (" " if i < len(groups) - 1 else "") for i, g in enumerate(groups)] or [""]


def _event(text: str, prompt_tokens: int, completion_tokens: int, last: bool) -> dict[str, Any]:
    candidate: dict[str, Any] = {
        "content": {"parts": [{"text": text}], "role": "model"},
        "index": 0,
    }
    if last:
        candidate["finishReason"] = "STOP"
    return {
        "candidates": [candidate],
        # Gemini reports usage cumulatively; LangChain turns it into per-chunk deltas.
        "usageMetadata": {
            "promptTokenCount": prompt_tokens,
            "candidatesTokenCount": completion_tokens,
            "totalTokenCount": prompt_tokens + completion_tokens,
        },
        "modelVersion": "gemini-2.5-flash",
    }
