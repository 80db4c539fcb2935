"""The tutor over a REAL socket: daphne in a subprocess, the ``websockets`` client library.

The server runs the project's settings with the offline model's tokens paced
(``TUTOR_STREAM_DELAY_SECONDS``) so that "stop" and a disconnect land mid-stream as they would
with a remote model.
"""

from __future__ import annotations

import asyncio
import json
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from websockets.asyncio.client import ClientConnection

from tests import sockets
from tests.daphne import free_port, running_daphne
from tests.sockets import ask, receive, until_final

# One pytest-xdist unit (`make test-fast`): the module's server is started once.
pytestmark = pytest.mark.xdist_group("tutor-live-server")

ROOT = Path(__file__).resolve().parents[2]
FLOW = ("what is quantum coherence", "give me an example", "explain it more simply", "try again")

# One interpreter for migrate and the seeding (each manage.py start costs a second or two).
SETUP = """\
import json
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client
from tutor.seeding import seed_demo
call_command("migrate", verbosity=0)
call_command("createcachetable")
seed_demo()
cookies = {}
for name in ("alice", "bob"):
    user = User.objects.create_user(name, password=name + "-password-1")
    client = Client()
    client.force_login(user)
    cookies[name] = client.cookies["sessionid"].value
print("COOKIES=" + json.dumps(cookies))
"""


@dataclass
class TutorServer:
    url: str
    env: dict[str, str]
    cookies: dict[str, str] = field(default_factory=dict)
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)
    log_path: Path | None = None

    @property
    def ws_url(self) -> str:
        return self.url.replace("http://", "ws://")

    def manage(self, *args: str) -> str:
        proc = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert proc.returncode == 0, proc.stdout + proc.stderr
        return proc.stdout

    def log(self) -> str:
        return self.log_path.read_text() if self.log_path else ""


def run_tutor_server(data: Path, *, delay: float, static: bool = False) -> Iterator[TutorServer]:
    """Start daphne on a fresh SQLite database with the tutor's knowledge base (a generator
    for fixtures: yields the running server, stops it afterwards)."""
    import os

    port = free_port()
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "studysmart.settings",
            "TUTOR_STREAM_DELAY_SECONDS": str(delay),
            "TUTOR_MAX_MESSAGE_CHARS": "500",
            "STUDYSMART_DATA_DIR": str(data),
            "SECRET_KEY": "tutor-live-test-secret-" + "k" * 40,
            "DEBUG": "0",
            "HTTPS": "0",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "GOOGLE_API_KEY": "",
        }
    )
    env.pop("DATABASE_URL", None)  # always a throwaway SQLite file
    server = TutorServer(url=f"http://127.0.0.1:{port}", env=env)
    if static:  # pages (DEBUG off serves the collected, hashed files)
        server.manage("collectstatic", "--noinput", "--verbosity", "0")
    out = server.manage("shell", "-c", SETUP)
    server.cookies = json.loads(out.split("COOKIES=", 1)[1].strip())
    server.log_path = data / "daphne.log"
    with running_daphne(env, port=port, log_path=server.log_path) as process:
        server.process = process
        yield server


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TutorServer]:
    yield from run_tutor_server(tmp_path_factory.mktemp("tutor-live"), delay=0.004)


def words(text: str) -> set[str]:
    return set(re.findall(r"[a-z]+", text.lower()))


def jaccard(a: str, b: str) -> float:
    return len(words(a) & words(b)) / len(words(a) | words(b))


async def open_socket(
    server: TutorServer, student: str, chat_id: int | None = None
) -> tuple[ClientConnection, dict[str, Any]]:
    path = f"/ws/tutor/{chat_id}/" if chat_id else "/ws/tutor/"
    ws = await sockets.open_socket(server.url, path, server.cookies[student])
    return ws, await receive(ws)


async def flow(ws: ClientConnection) -> list[tuple[str, dict[str, Any]]]:
    replies = []
    for message in FLOW:
        frames = await ask(ws, message)
        assert frames[0]["type"] == "start" and frames[-1]["type"] == "done", frames[-1]
        text = "".join(f["text"] for f in frames if f["type"] == "token")
        replies.append((text, frames[-1]))
    assert [d["intent"] for _, d in replies] == ["concept", "example", "simpler", "retry"]
    for text, done in replies:
        assert done["sources"][0]["title"] == "Quantum coherence"
        assert done["usage"]["prompt_tokens"] > 0 and done["usage"]["completion_tokens"] > 0
        assert "Source:" not in text  # shown once: the done frame's list
    assert jaccard(replies[3][0], replies[2][0]) < 0.5
    return replies


def test_the_seed_flow_over_a_real_socket_and_again_after_reconnecting(
    server: TutorServer,
) -> None:
    async def scenario() -> None:
        ws, first = await open_socket(server, "alice")
        chat_id = first["chat_id"]
        replies = await flow(ws)
        await ws.close()
        again, replay = await open_socket(server, "alice", chat_id)
        assert replay["chat_id"] == chat_id
        statuses = [(m["role"], m["status"]) for m in replay["messages"]]
        assert statuses[5] == ("assistant", "superseded") and len(statuses) == 8
        assert replay["messages"][-1]["text"] == replies[3][0]
        await flow(again)
        await again.close()

    asyncio.run(scenario())
    assert "Event loop is closed" not in server.log()


def test_stop_and_disconnect_mid_stream_keep_partial_replies(server: TutorServer) -> None:
    async def scenario() -> None:
        ws, first = await open_socket(server, "alice")
        chat_id = first["chat_id"]
        await ws.send(json.dumps({"type": "ask", "text": "what is quantum coherence"}))
        start = await receive(ws)
        assert start["type"] == "start"
        for _ in range(3):
            assert (await receive(ws))["type"] == "token"
        await ws.send(json.dumps({"type": "stop"}))
        frames = await until_final(ws)
        assert (frames[-1]["type"], frames[-1]["message_id"]) == ("stopped", start["message_id"])

        # Then a disconnect in the middle of the next reply.
        await ws.send(json.dumps({"type": "ask", "text": "what is momentum"}))
        second = await receive(ws)
        for _ in range(3):
            await receive(ws)
        await ws.close()
        await asyncio.sleep(0.3)

        again, replay = await open_socket(server, "alice", chat_id)
        replies = [m for m in replay["messages"] if m["role"] == "assistant"]
        assert [(m["id"], m["status"]) for m in replies] == [
            (start["message_id"], "stopped"),
            (second["message_id"], "stopped"),
        ]
        assert all(0 < len(m["text"]) < 600 for m in replies)
        # The chat is free again.
        assert (await ask(again, "give me an example"))[-1]["type"] == "done"
        await again.close()

    asyncio.run(scenario())
    assert "Traceback" not in server.log()


def test_two_sockets_not_found_and_bad_frames_over_a_real_socket(server: TutorServer) -> None:
    async def scenario() -> None:
        one, first = await open_socket(server, "alice")
        two, _ = await open_socket(server, "alice", first["chat_id"])
        await one.send(json.dumps({"type": "ask", "text": "what is quantum coherence"}))
        assert (await receive(one))["type"] == "start"
        busy = (await ask(two, "what is momentum"))[-1]
        assert (busy["type"], busy["code"]) == ("error", "busy")
        done = (await until_final(one))[-1]
        assert done["type"] == "done"

        # Ratings are stored (the replay shows them).
        await two.send(json.dumps({"type": "rate", "message_id": done["message_id"], "value": -1}))
        assert (await receive(two))["type"] == "rated"

        for raw, code in [
            ("{oops", "bad_request"),
            (json.dumps({"type": "fly"}), "bad_request"),
            (json.dumps({"type": "ask", "text": "x" * 501}), "too_long"),
        ]:
            await two.send(raw)
            frame = await receive(two)
            assert (frame["type"], frame["code"]) == ("error", code)
        assert (await ask(two, "what is momentum"))[-1]["type"] == "done"
        await one.close()
        await two.close()

        theirs, error = await open_socket(server, "bob", first["chat_id"])
        assert (error["type"], error["code"]) == ("error", "not_found")
        await asyncio.wait_for(theirs.wait_closed(), 5)
        assert theirs.close_code == 4404

        mine, replay = await open_socket(server, "alice", first["chat_id"])
        rated = [m for m in replay["messages"] if m["id"] == done["message_id"]]
        assert rated[0]["rating"] == -1
        await mine.close()

    asyncio.run(scenario())
