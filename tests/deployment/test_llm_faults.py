"""The tutor's model slow or failing while twenty students ask at once, in the production-like
deployment (two daphne processes, both clusters, PostgreSQL + Redis).

The deployment runs the real Gemini integration (GOOGLE_API_KEY set, `ChatGoogleGenerativeAI`)
against the loopback stand-in (tests/tutor/gemini_standin.py, in this process) through
TUTOR_BASE_URL, with a short TUTOR_TIMEOUT_SECONDS. For each way the provider can misbehave —
no answer at all, a stream that stalls after its first chunk, 500s, 429s — ten chat sockets per
process ask at once, and:

- every one gets a friendly `unavailable` error frame within the deadline plus a margin (an
  error answered at once, before the deadline), the key never in it, no socket hangs or closes;
- the provider is asked once per question (no retry storm against a failing provider);
- every socket answers normally once the provider is back (no reply slot left locked);
- meanwhile the dashboard on both processes answers 200 in under two seconds.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from websockets.asyncio.client import ClientConnection
from websockets.protocol import State

from benchmarks.deployment import Deployment, create_student_sessions, fresh_deployment
from tests.deployment.conftest import require_production_pass
from tests.sockets import ask, open_chat
from tests.tutor.gemini_standin import DEFAULT_REPLY, GeminiStandin

ROOT = Path(__file__).resolve().parents[2]
KEY = "AIzaSyFAKE-deployment-fault-key-0123456789"
DEADLINE_SECONDS = 3.0  # TUTOR_TIMEOUT_SECONDS
MARGIN_SECONDS = 5.0  # the claim, retrieval and frames of twenty replies on two busy cores
PER_PROCESS = 10
SOCKETS = 2 * PER_PROCESS
PAGE_BOUND = 2.0
PAGE_INTERVAL = 0.1
QUESTION = "what is quantum coherence"
# What a student may be told (tutor/pipeline.py): nothing technical, never the provider's text.
FRIENDLY = {
    "The tutor is unavailable right now. Please try again in a moment.",
    "The tutor took too long to answer. Please try again in a moment.",
    "The tutor is getting too many questions right now. Please wait a moment.",
}


@dataclass(frozen=True)
class Mode:
    behaviour: str  # the stand-in's default answer (see its docstring)
    chunk_delay_s: float = 0.0
    slow: bool = False  # the deadline, not an error, ends the reply

    @property
    def bound(self) -> float:
        # An error the provider answered at once must not wait for the deadline.
        return DEADLINE_SECONDS + MARGIN_SECONDS if self.slow else DEADLINE_SECONDS


MODES = {
    "no_answer": Mode("hang", slow=True),
    # The first chunk arrives at once, the next ones far past the deadline.
    "stalls_mid_stream": Mode("ok", chunk_delay_s=4 * DEADLINE_SECONDS, slow=True),
    "server_error": Mode("500"),
    "rate_limited": Mode("429"),
}


@pytest.fixture(scope="module")
def standin() -> Iterator[GeminiStandin]:
    require_production_pass()
    with GeminiStandin() as server:
        yield server


@pytest.fixture(scope="module")
def deployment(standin: GeminiStandin) -> Iterator[Deployment]:
    """This module's deployment: the Gemini integration pointed at the stand-in."""
    env = {
        "GOOGLE_API_KEY": KEY,
        "TUTOR_MODEL": "google_genai:gemini-2.5-flash",
        "TUTOR_EMBEDDINGS": "offline",  # the stand-in speaks only generateContent
        "TUTOR_BASE_URL": standin.base_url,
        "TUTOR_TIMEOUT_SECONDS": str(DEADLINE_SECONDS),
        "TUTOR_MAX_RETRIES": "1",
    }
    with fresh_deployment(web_processes=2, seed=True, **env) as running:
        yield running
        print(f"--- deployment log ---\n{running.log()[-8000:]}")


@pytest.fixture(scope="module")
def sessions(deployment: Deployment) -> list[str]:
    """One student per socket, and one more per process for the page views."""
    return create_student_sessions(deployment.env, SOCKETS + 2, prefix="llm-fault")


@pytest.fixture
def provider(standin: GeminiStandin) -> Iterator[GeminiStandin]:
    yield standin
    # Healthy again for whatever comes next.
    standin.clear()
    standin.default = "ok"
    standin.chunk_delay_s = 0.0


@dataclass
class PageViews:
    """GET / on every process, one after another, until stopped: (process, status, seconds)."""

    urls: list[str]
    sessions: list[str]
    seen: list[tuple[int, int | None, float]] = field(default_factory=list)
    warm: threading.Event = field(default_factory=threading.Event)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def start(self) -> PageViews:
        self._thread = threading.Thread(target=self._run, name="page-views", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=30)

    def _run(self) -> None:
        clients = []
        for url, key in zip(self.urls, self.sessions, strict=True):
            client = httpx.Client(base_url=url, timeout=30)
            client.cookies.set("sessionid", key, domain=urlsplit(url).hostname or "")
            clients.append(client)
        try:
            for client in clients:  # warm: a process's first page compiles its templates
                client.get("/")
            self.warm.set()
            while not self._stop.is_set():
                for i, client in enumerate(clients):
                    started = time.monotonic()
                    try:
                        status: int | None = client.get("/").status_code
                    except httpx.HTTPError:
                        status = None
                    self.seen.append((i, status, time.monotonic() - started))
                self._stop.wait(PAGE_INTERVAL)
        finally:
            for client in clients:
                client.close()


async def burst(chats: list[ClientConnection], text: str, bound: float) -> list[Any]:
    """Every socket asks at once; per socket (seconds to its final frame, its frames), or the
    exception that ended it. Nothing waits past `bound` plus a little."""

    async def one(ws: ClientConnection) -> tuple[float, list[dict[str, Any]]]:
        started = time.monotonic()
        async with asyncio.timeout(bound + 10):
            frames = await ask(ws, text)
        return time.monotonic() - started, frames

    return await asyncio.gather(*(one(ws) for ws in chats), return_exceptions=True)


@pytest.mark.parametrize("mode_name", list(MODES))
def test_every_student_is_told_the_tutor_is_unavailable_in_time(
    mode_name: str, deployment: Deployment, sessions: list[str], provider: GeminiStandin
) -> None:
    mode = MODES[mode_name]
    page_sessions = sessions[SOCKETS:]

    async def scenario() -> tuple[list[Any], list[Any], int, list[tuple[int, int | None, float]]]:
        chats = []
        for i in range(SOCKETS):
            ws, _ = await open_chat(deployment.urls[i % 2], sessions[i])
            chats.append(ws)
        provider.clear()
        provider.default = mode.behaviour
        provider.chunk_delay_s = mode.chunk_delay_s
        asked_before = len(provider.requests)
        pages = PageViews(deployment.urls, page_sessions).start()
        assert await asyncio.to_thread(pages.warm.wait, 30), "no page answered"
        try:
            failed = await burst(chats, QUESTION, mode.bound)
        finally:
            pages.stop()
        asked = len(provider.requests) - asked_before
        assert all(ws.state is State.OPEN for ws in chats), "a socket closed"
        # The provider recovers: every chat answers (no reply slot left taken).
        provider.clear()
        provider.default = "ok"
        provider.chunk_delay_s = 0.0
        recovered = await burst(chats, QUESTION, MARGIN_SECONDS + 20)
        for ws in chats:
            await ws.close()
        return failed, recovered, asked, pages.seen

    failed, recovered, asked, views = asyncio.run(scenario())

    problems = [r for r in failed if isinstance(r, BaseException)]
    assert not problems, f"{len(problems)} sockets hung or broke: {problems[:3]!r}"
    for seconds, frames in failed:
        final = frames[-1]
        assert final["type"] == "error" and final["code"] == "unavailable", final
        assert final["message"] in FRIENDLY, final
        assert KEY not in json.dumps(frames)
        assert seconds <= mode.bound, f"{seconds:.1f} s for {final}"
        tokens = [f for f in frames if f["type"] == "token"]
        if mode_name == "stalls_mid_stream":
            # What streamed stays on the page; the error names the reply it ends.
            assert tokens and final.get("message_id") == frames[0].get("message_id"), frames
        else:
            assert not tokens, frames
    worst = max(seconds for seconds, _ in failed)
    # Asked once per question: no retries against a failing provider.
    assert asked == SOCKETS, asked

    assert not [r for r in recovered if isinstance(r, BaseException)], recovered
    for _seconds, frames in recovered:
        assert frames[-1]["type"] == "done", frames[-1]
        assert DEFAULT_REPLY.split()[0] in frames[-1]["html"]

    # The pages stayed fast and error-free on both processes throughout.
    assert {process for process, _, _ in views} == {0, 1}, views
    bad = [v for v in views if v[1] != 200 or v[2] >= PAGE_BOUND]
    assert not bad, f"{len(bad)} of {len(views)} page views slow or failed: {bad[:5]}"
    assert KEY not in deployment.log()
    slowest = max(seconds for _, _, seconds in views)
    print(
        f"{mode_name}: slowest error frame {worst:.2f} s; {len(views)} page views, {slowest:.2f} s"
    )


def test_the_model_imports_can_run_off_the_event_loop() -> None:
    """What the first chat of a process starts in a worker thread (tutor.consumers): after it,
    building the Gemini model imports nothing more on the event loop."""
    script = (
        "import sys\n"
        "from tutor.llm import preload_chat_model\n"
        "assert 'langchain_google_genai' not in sys.modules\n"
        "preload_chat_model('google_genai:gemini-2.5-flash')\n"
        "preload_chat_model('no-such-provider:model')  # best effort: never raises\n"
        "print(sorted(m for m in ('langchain_google_genai', 'google.genai') if m in sys.modules))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, cwd=ROOT
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "['google.genai', 'langchain_google_genai']", out.stdout
