"""Nothing lives in one web process that another needs.

Two daphne processes (`deployment.urls[0]` and `[1]`) behind no proxy: a client picks the
process, as a load balancer would. A session, a chat and a training announcement started on
one process must work on, continue on, and reach the other: they go through PostgreSQL and
Redis, never a process's memory.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from websockets.asyncio.client import ClientConnection

from benchmarks.deployment import Deployment, create_student_sessions, fresh_deployment
from studysmart.services import DEMO_STUDENT
from tests.deployment.clients import browser, csrf_headers, log_in
from tests.deployment.conftest import require_production_pass
from tests.sockets import ask, open_chat, open_socket, receive, streamed_text, until_final

# Paced tokens (as a remote model streams): a reply takes a second or more, so a second
# process can be asked while the first one is still streaming it.
STREAM_DELAY_SECONDS = 0.02
TRAINING_TIMEOUT = 180.0
QUESTION = "what is quantum coherence"
FOLLOW_UP = "give me an example"


@pytest.fixture(scope="module")
def deployment() -> Iterator[Deployment]:
    """The conftest's deployment, with the tutor's tokens paced."""
    require_production_pass()
    with fresh_deployment(
        web_processes=2, seed=True, TUTOR_STREAM_DELAY_SECONDS=str(STREAM_DELAY_SECONDS)
    ) as running:
        yield running
        print(f"--- deployment log ---\n{running.log()[-6000:]}")


@pytest.fixture(scope="module")
def sessions(deployment: Deployment) -> list[str]:
    """Logged-in session keys of four students (one manage.py call for all)."""
    return create_student_sessions(deployment.env, 4, prefix="cross")


def test_it_keeps_a_session_from_one_process_on_the_other_until_logout(
    deployment: Deployment,
) -> None:
    first, second = deployment.urls
    with browser(first) as zero:
        log_in(zero, *DEMO_STUDENT)
        session_key = zero.cookies["sessionid"]
        with browser(second, dict(zero.cookies)) as one:
            page = one.get("/")
            assert page.status_code == 200, page.headers.get("location")
            assert f"Hello, {DEMO_STUDENT[0]}" in page.text

            assigned = one.post(
                "/api/practice-tasks/assign/", json={"count": 2}, headers=csrf_headers(one)
            )
            assert assigned.status_code == 201, assigned.text
            ids = {item["id"] for item in assigned.json()}
            assert len(ids) == 2
            listed = zero.get("/api/practice-tasks/")
            assert listed.status_code == 200, listed.text
            assert ids <= {item["id"] for item in listed.json()}

            out = one.post("/accounts/logout/", headers=csrf_headers(one))
            assert out.status_code == 302, out.text[:500]
            assert out.headers["location"] == "/accounts/login/"

        # Process 0 still holds (and sends) the session cookie: the session itself is gone.
        assert zero.cookies["sessionid"] == session_key
        page = zero.get("/")
        assert page.status_code == 302
        assert page.headers["location"].startswith("/accounts/login/")
        refused = zero.get("/api/practice-tasks/")
        assert refused.status_code == 401, refused.text


def test_it_resumes_a_chat_on_the_other_process(
    deployment: Deployment, sessions: list[str]
) -> None:
    first, second = deployment.urls
    student = sessions[0]

    async def scenario() -> None:
        ws, opened = await open_chat(first, student)
        chat_id = opened["chat_id"]
        assert opened["messages"] == []
        frames = await ask(ws, QUESTION)
        done = frames[-1]
        assert (frames[0]["type"], done["type"]) == ("start", "done"), done
        answer = streamed_text(frames)
        assert done["intent"] == "concept"
        assert done["sources"][0]["title"] == "Quantum coherence"
        assert "coherence" in answer.lower()  # sources travel in the done frame, not the text
        await ws.close()

        ws, resumed = await open_chat(second, student, chat_id)
        assert resumed["chat_id"] == chat_id
        history = [(m["role"], m["text"], m["status"]) for m in resumed["messages"]]
        assert history == [("user", QUESTION, "complete"), ("assistant", answer, "complete")]
        assert resumed["messages"][1]["id"] == done["message_id"]

        # "An example" of what? Only the turn stored by process 0 says: quantum coherence.
        frames = await ask(ws, FOLLOW_UP)
        follow_up = frames[-1]
        assert follow_up["type"] == "done", follow_up
        assert follow_up["intent"] == "example"
        assert follow_up["sources"][0]["title"] == "Quantum coherence"
        example = streamed_text(frames)
        assert example.strip() and example != answer
        await ws.close()

        # And back on process 0, the whole conversation.
        ws, again = await open_chat(first, student, chat_id)
        assert [(m["role"], m["text"]) for m in again["messages"]] == [
            ("user", QUESTION),
            ("assistant", answer),
            ("user", FOLLOW_UP),
            ("assistant", example),
        ]
        await ws.close()

    asyncio.run(scenario())


def test_it_refuses_a_chat_busy_on_one_process_from_the_other(
    deployment: Deployment, sessions: list[str]
) -> None:
    first, second = deployment.urls
    student = sessions[1]

    async def scenario() -> None:
        streaming, opened = await open_chat(first, student)
        other, _ = await open_chat(second, student, opened["chat_id"])
        await streaming.send('{"type": "ask", "text": "what is quantum coherence"}')
        start = await receive(streaming)
        assert start["type"] == "start", start

        # The reply slot is a row lock in PostgreSQL, not a flag in process 0's memory.
        refused = await ask(other, "what is momentum")
        assert [(f["type"], f.get("code")) for f in refused] == [("error", "busy")]

        rest = await until_final(streaming)
        assert rest[-1]["type"] == "done", rest[-1]
        assert rest[-1]["message_id"] == start["message_id"]
        # Finished there, so free here.
        assert (await ask(other, "what is momentum"))[-1]["type"] == "done"
        await streaming.close()
        await other.close()

    asyncio.run(scenario())


def test_it_announces_a_finished_training_to_pages_on_both_processes(
    deployment: Deployment, sessions: list[str]
) -> None:
    before = health(deployment.urls[0])["models"]

    async def scenario() -> list[list[dict[str, Any]]]:
        sockets = [
            await open_socket(url, "/ws/updates/", key)
            for url, key in zip(deployment.urls, sessions[2:4], strict=True)
        ]
        run_id: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        collectors = [asyncio.create_task(training_frames(ws, run_id)) for ws in sockets]
        try:
            # The sockets are in the group (added before accept): the training may start now.
            run_id.set_result(await asyncio.to_thread(queue_training, deployment))
            return list(await asyncio.gather(*collectors))
        finally:
            for collector in collectors:
                collector.cancel()
            for ws in sockets:
                await ws.close()

    on_zero, on_one = asyncio.run(scenario())
    run = on_zero[-1]["run"]
    assert [f["state"] for f in on_zero] == ["running", "succeeded"], on_zero
    assert on_one == on_zero

    # What the frame announced is what both processes now serve.
    for url in deployment.urls:
        after = health(url)["models"]
        versions = after["versions"]
        assert versions and all(v["loaded"] for v in versions.values()), versions
        assert versions != before["versions"], f"run {run} published no new version"
        champion = after["champion"]
        assert on_zero[-1]["champion"] == (versions[champion]["version"] if champion else None)
    if on_zero[-1]["champion"] is not None:
        assert 0.0 < on_zero[-1]["auc"] < 1.0


async def training_frames(
    ws: ClientConnection, run_id: asyncio.Future[int]
) -> list[dict[str, Any]]:
    """The socket's `training` frames of run `run_id`, up to its result (others are skipped:
    the every-minute schedule may start a run of its own)."""
    frames: list[dict[str, Any]] = []
    try:
        async with asyncio.timeout(TRAINING_TIMEOUT):
            while True:
                frame = await receive(ws, wait=TRAINING_TIMEOUT)
                assert frame["type"] == "training", frame
                frames.append(frame)
                if frame["state"] in ("succeeded", "failed") and frame["run"] == await run_id:
                    mine = await run_id
                    return [f for f in frames if f["run"] == mine]
    except TimeoutError:
        run = run_id.result() if run_id.done() else "(not queued)"
        raise AssertionError(f"no result for run {run} in {TRAINING_TIMEOUT} s: {frames}") from None


def queue_training(deployment: Deployment) -> int:
    """`train_models --queue`, once any run in flight (a scheduled one) has finished."""
    deadline = time.monotonic() + TRAINING_TIMEOUT
    while True:
        try:
            out = deployment.manage("train_models", "--queue", timeout=120)
        except RuntimeError as exc:
            if "already queued or running" not in str(exc) or time.monotonic() > deadline:
                raise
            wait_for_idle_training(deployment.urls[0], deadline)
            continue
        queued = re.search(r"Queued training run (\d+)", out)
        assert queued, out
        return int(queued[1])


def wait_for_idle_training(url: str, deadline: float) -> None:
    while health(url)["models"]["training"] != "idle":
        assert time.monotonic() < deadline, "the training in flight never finished"
        time.sleep(1)


def health(url: str) -> dict[str, Any]:
    response = httpx.get(f"{url}/api/health/", timeout=60)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body
