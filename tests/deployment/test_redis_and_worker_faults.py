"""Redis restarted and the training worker killed, in the production-like deployment.

Two daphne processes and both django-q2 clusters on PostgreSQL + Redis (benchmarks/deployment.py).
What must hold:

- Redis restarted: every open socket (live updates and tutor chat, on both processes) either
  keeps working or is closed with a close frame, never left hanging; sockets opened once Redis
  is back work and hear the next training; the page's script reconnects within about a second
  and backs off (checked on the real static/mlmodels/updates.js under Node).
- A training triggered while Redis is down is not lost: the completion that triggers it is a
  200, and once Redis is back the queued run is re-delivered, trained and announced in bounded
  time (TRAINING_REDELIVER_SECONDS instead of the 30 minutes after which a queued run is
  given up).
- The ml cluster's worker SIGKILLed mid-training: the web keeps answering quickly, the previous
  model versions keep serving, `start_all` and both clusters stay up, the silent run is marked
  abandoned and the next trigger trains again.

The Redis restarted is the deployment's own (DEPLOY_REDIS_URL): in CI the machine's Redis on
6379, which the suite's own clients share; they are checked to work again afterwards. On a
shared machine, develop against a private Redis instead (restarting 6379 cuts everyone off):
`redis-server --daemonize yes --bind 127.0.0.1 --port 6380 --save "" --appendonly no --dir /tmp
--logfile /tmp/redis-6380.log` and DEPLOY_REDIS_URL=redis://127.0.0.1:6380/0.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import psycopg2
import pytest
from websockets.asyncio.client import ClientConnection
from websockets.exceptions import ConnectionClosed
from websockets.protocol import State

from benchmarks.deployment import (
    DEPLOY_REDIS_URL,
    Deployment,
    create_student_sessions,
    fresh_deployment,
)
from tests.deployment.conftest import require_production_pass
from tests.mlmodels.cluster import has_tensorflow, is_alive, parent_of, process_group, wait_for
from tests.sockets import ask, open_chat, open_socket, receive

ROOT = Path(__file__).resolve().parents[2]
THRESHOLD = 5  # RETRAIN_EVERY_N_COMPLETIONS
# A killed worker's run is abandoned after this silence: above two heartbeats (10 s apart),
# so that a live training is never taken for a dead one.
STALE_SECONDS = 25
REDELIVER_SECONDS = 10
FAULT_ENV = {
    "RETRAIN_EVERY_N_COMPLETIONS": str(THRESHOLD),
    "RETRAIN_MIN_INTERVAL_SECONDS": "0",
    "TRAINING_STALE_SECONDS": str(STALE_SECONDS),
    "TRAINING_REDELIVER_SECONDS": str(REDELIVER_SECONDS),
}
OUTAGE_SECONDS = 5.0  # the deliberate time Redis stays down
CLOSE_BOUND = 10.0  # an open socket is closed or answers within this once Redis stops
RECOVERY_BOUND = 60.0  # both web processes report both clusters again after Redis is back
# django-q2's scheduler runs every 30 s and the due check is due every minute: the check runs
# within 90 s of Redis coming back; then re-delivery, then one training.
SCHEDULE_BOUND = 90.0
TRAINING_BOUND = 240.0  # one training of both models on the seeded history (~30 s idle)
PAGE_BOUND = 2.0  # a page view while the worker is killed
REQUEST_TIMEOUT = 30.0
QUESTION = "what is momentum"
FINISHED = ("succeeded", "failed", "abandoned")


# --- Redis ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RedisServer:
    """The Redis behind DEPLOY_REDIS_URL, stopped and started the way its operator would."""

    host: str
    port: int

    def cli(self, *args: str) -> subprocess.CompletedProcess[str]:
        command = ["redis-cli", "-h", self.host, "-p", str(self.port), *args]
        return subprocess.run(command, capture_output=True, text=True, timeout=30)

    def ping(self) -> bool:
        return self.cli("ping").stdout.strip() == "PONG"

    def stop(self) -> None:
        self.cli("shutdown", "nosave")
        wait_for(lambda: not self.ping(), timeout=15, what=f"Redis :{self.port} to stop")

    def start(self) -> None:
        command = ["redis-server", "--daemonize", "yes", "--port", str(self.port)]
        command += ["--save", "", "--appendonly", "no"]
        if self.port == 6379:  # the machine's Redis: restarted as .ci/run starts it
            command += ["--bind", "127.0.0.1", "-::1", "--dir", "/var/lib/redis"]
            command += ["--logfile", "/var/log/redis/ci.log"]
        else:
            command += ["--bind", "127.0.0.1", "--dir", "/tmp"]
            command += ["--logfile", f"/tmp/redis-{self.port}.log"]
        subprocess.run(command, check=True, timeout=30)
        wait_for(self.ping, timeout=15, what=f"Redis :{self.port} to start")

    @contextmanager
    def down(self) -> Iterator[None]:
        """Redis stopped for the block; started again after it, whatever happened."""
        self.stop()
        try:
            yield
        finally:
            if not self.ping():
                self.start()

    def serves(self, url: str) -> bool:
        parts = urlsplit(url)
        return parts.hostname in (self.host, "localhost") and (parts.port or 6379) == self.port


@pytest.fixture(scope="module")
def redis_server() -> Iterator[RedisServer]:
    require_production_pass()
    url = urlsplit(DEPLOY_REDIS_URL)
    if url.hostname not in ("127.0.0.1", "localhost"):
        pytest.skip(f"the deployment's Redis ({url.hostname}) is not on this machine")
    if not (shutil.which("redis-server") and shutil.which("redis-cli")):
        pytest.skip("needs redis-server and redis-cli to restart Redis")
    server = RedisServer("127.0.0.1", url.port or 6379)
    assert server.ping(), f"Redis {DEPLOY_REDIS_URL} is not running before the test"
    yield server
    if not server.ping():  # the rest of the suite needs it
        server.start()


@pytest.fixture(scope="module")
def deployment(redis_server: RedisServer) -> Iterator[Deployment]:
    """This module's deployment: retraining every 5 completions with no minimum interval, and
    short stale and re-delivery limits, so that each fault resolves within a test."""
    with fresh_deployment(web_processes=2, seed=True, **FAULT_ENV) as running:
        out = running.manage(
            "shell",
            "-c",
            "from django.conf import settings; "
            "print('REDELIVER', getattr(settings, 'TRAINING_REDELIVER_SECONDS', None))",
        )
        # settings.py must read it from the environment (the product falls back to 120 s).
        assert f"REDELIVER {REDELIVER_SECONDS}" in out, (
            "studysmart/settings.py does not read TRAINING_REDELIVER_SECONDS from the environment"
        )
        yield running
        # Shown in the report when a test of the module failed.
        print(f"--- deployment log ---\n{running.log()[-8000:]}")


# --- the deployment's database, read directly ---------------------------------------------------


class Database:
    """One connection to the deployment's database (the tests poll it often)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._conn: Any = None

    def rows(self, sql: str, *params: Any) -> list[tuple[Any, ...]]:
        if self._conn is None or self._conn.closed:
            self._conn = psycopg2.connect(self.url, connect_timeout=10)
            self._conn.autocommit = True
        with self._conn.cursor() as cursor:
            cursor.execute(sql, params)
            return list(cursor.fetchall())

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()

    def tracker(self) -> dict[str, Any]:
        state, since, run = self.rows(
            "SELECT state, completed_since_training, current_run_id "
            "FROM mlmodels_trainingtracker WHERE id = 1"
        )[0]
        return {"state": state, "completed_since_training": since, "current_run": run}

    def run(self, run_id: int) -> dict[str, Any]:
        state, error, heartbeat = self.rows(
            "SELECT state, error, heartbeat_at FROM mlmodels_trainingrun WHERE id = %s", run_id
        )[0]
        return {"state": state, "error": error, "heartbeat_at": heartbeat}

    def last_run_id(self) -> int:
        return int(self.rows("SELECT coalesce(max(id), 0) FROM mlmodels_trainingrun")[0][0])

    def active_labels(self) -> dict[str, str]:
        rows = self.rows("SELECT kind, version FROM mlmodels_modelversion WHERE is_active")
        return {kind: f"{kind}-v{version}" for kind, version in rows}

    def versions_of_run(self, run_id: int) -> list[str]:
        rows = self.rows("SELECT kind FROM mlmodels_modelversion WHERE run_id = %s", run_id)
        return sorted(kind for (kind,) in rows)

    def completed(self, practice_id: int) -> bool:
        rows = self.rows("SELECT status FROM tasks_practicetask WHERE id = %s", practice_id)
        return rows == [("completed",)]


@pytest.fixture(scope="module")
def db(deployment: Deployment) -> Iterator[Database]:
    database = Database(deployment.env["DATABASE_URL"])
    yield database
    database.close()  # before the deployment's database is dropped


def wait_idle(db: Database) -> None:
    """No run queued or running (an earlier test's training has finished)."""
    wait_for(
        lambda: db.tracker()["state"] == "idle",
        timeout=TRAINING_BOUND,
        interval=0.5,
        what="the training tracker to be idle",
    )


def wait_finished(db: Database, run_id: int, timeout: float = TRAINING_BOUND) -> dict[str, Any]:
    return wait_for(
        lambda: (run := db.run(run_id))["state"] in FINISHED and run,
        timeout=timeout,
        interval=0.5,
        what=f"training run {run_id} to finish",
    )


# --- a student over HTTP ----------------------------------------------------------------------


@contextmanager
def student(base_url: str, session_key: str) -> Iterator[httpx.Client]:
    """A logged-in student's client for one web process, with its CSRF header."""
    with httpx.Client(base_url=base_url, timeout=REQUEST_TIMEOUT) as client:
        host = urlsplit(base_url).hostname or ""
        client.cookies.set("sessionid", session_key, domain=host)
        assert client.get("/").status_code == 200
        token = client.cookies.get("csrftoken")
        if not token:  # what a browser holds when the page handed out none: any 32 characters
            token = "f" * 32
            client.cookies.set("csrftoken", token, domain=host)
        client.headers["X-CSRFToken"] = token
        yield client


def shown_tasks(client: httpx.Client, count: int) -> list[dict[str, Any]]:
    """`count` newly assigned practice tasks, each fetched once (which starts its clock)."""
    assigned = client.post("/api/practice-tasks/assign/", json={"count": count})
    assert assigned.status_code == 201, assigned.text[:500]
    items: list[dict[str, Any]] = assigned.json()
    assert len(items) == count, items
    for item in items:
        assert client.get(f"/api/practice-tasks/{item['id']}/").status_code == 200
    return items


def answer_for(item: dict[str, Any]) -> dict[str, Any]:
    kind = item.get("answer_kind")
    if kind == "choice":
        return {"answer": (item["task"].get("options") or [{"id": "a"}])[0]["id"]}
    if kind == "numeric":
        return {"answer": 1.0}
    return {"self_assessed_correct": True}


def complete(client: httpx.Client, item: dict[str, Any]) -> httpx.Response:
    return client.patch(f"/api/practice-tasks/{item['id']}/", json=answer_for(item))


def completions_to_threshold(db: Database) -> int:
    return max(1, THRESHOLD - db.tracker()["completed_since_training"])


def trigger_training(db: Database, client: httpx.Client) -> int:
    """Complete tasks up to the threshold; the training run that queued."""
    before = db.last_run_id()
    for item in shown_tasks(client, completions_to_threshold(db)):
        response = complete(client, item)
        assert response.status_code == 200, response.text[:500]
    return wait_for(
        lambda: (last := db.last_run_id()) > before and last,
        timeout=10,
        what="the threshold to queue a training run",
    )


def healthy(deployment: Deployment) -> bool:
    """Both web processes answer health with both clusters reporting."""
    for url in deployment.urls:
        try:
            body = httpx.get(f"{url}/api/health/", timeout=5).json()
        except (httpx.HTTPError, ValueError):
            return False
        if (body.get("queue") or {}).get("clusters", 0) < 2:
            return False
    return True


# --- sockets ----------------------------------------------------------------------------------


def closed_cleanly(ws: ClientConnection) -> bool:
    """Closed by a close frame from the server, not by a dropped connection."""
    return ws.state is State.CLOSED and ws.protocol.close_rcvd is not None


async def closes_within(ws: ClientConnection, bound: float) -> bool:
    try:
        async with asyncio.timeout(bound):
            await ws.wait_closed()
    except TimeoutError:
        return False
    return True


async def training_frames(
    ws: ClientConnection, run_id: int, bound: float = TRAINING_BOUND
) -> list[str]:
    """The states announced for `run_id` until it finished, within `bound` seconds."""
    states: list[str] = []
    async with asyncio.timeout(bound):
        while not states or states[-1] not in FINISHED:
            frame = await receive(ws, wait=bound)
            if frame.get("type") == "training" and frame.get("run") == run_id:
                states.append(frame["state"])
    return states


async def ask_final(ws: ClientConnection, text: str, bound: float) -> dict[str, Any]:
    async with asyncio.timeout(bound):
        frames = await ask(ws, text)
    return frames[-1]


class SuiteRedisClients:
    """The test process's own Redis users (django-q2's broker, a Redis cache, the channel
    layer), used before the restart and again after it: redis-py must reconnect them."""

    def __init__(self, url: str) -> None:
        from django.core.cache.backends.redis import RedisCache
        from django_q.brokers import get_broker

        self.broker = get_broker()
        self.cache = RedisCache(url, {"KEY_PREFIX": "redis-fault-test"})
        self.use()

    def use(self) -> None:
        from asgiref.sync import async_to_sync
        from channels.layers import get_channel_layer

        assert self.broker.ping()
        self.cache.set("probe", 1, 30)
        assert self.cache.get("probe") == 1
        layer = get_channel_layer()
        if layer is not None:
            async_to_sync(layer.send)("redis-fault-probe", {"type": "probe"})
            assert async_to_sync(layer.receive)("redis-fault-probe")["type"] == "probe"


# --- Redis restarted --------------------------------------------------------------------------


def test_it_closes_or_keeps_sockets_cleanly_across_a_redis_restart(
    deployment: Deployment, redis_server: RedisServer, db: Database
) -> None:
    sessions = create_student_sessions(deployment.env, 2, prefix="redis-sockets")
    shared = os.environ.get("REDIS_URL", "")
    suite = SuiteRedisClients(shared) if redis_server.serves(shared) else None
    wait_idle(db)

    async def scenario() -> None:
        # A page (live updates) and a chat on each process, the chat answering.
        updates = [
            await open_socket(url, "/ws/updates/", key)
            for url, key in zip(deployment.urls, sessions, strict=True)
        ]
        chats = [
            (await open_chat(url, key))[0]
            for url, key in zip(deployment.urls, sessions, strict=True)
        ]
        for chat in chats:
            assert (await ask_final(chat, QUESTION, 30))["type"] == "done"

        with redis_server.down():
            stopped = time.monotonic()
            # A chat question while Redis is down gets a final frame (or a close frame).
            for i, chat in enumerate(chats):
                try:
                    final = await ask_final(chat, "what is energy", CLOSE_BOUND)
                except ConnectionClosed:
                    assert closed_cleanly(chat), f"process {i}: chat dropped without close frame"
                else:
                    assert final["type"] in ("done", "error"), final
                    if final["type"] == "error":
                        assert final["code"] == "unavailable", final
            # Every live-updates socket is closed with a close frame, or stays open (and must
            # then hear the training below).
            for ws in updates:
                remaining = CLOSE_BOUND - (time.monotonic() - stopped)
                if await closes_within(ws, max(0.1, remaining)):
                    assert closed_cleanly(ws), f"dropped without a close frame ({ws.close_code})"
            await asyncio.sleep(max(0.0, OUTAGE_SECONDS - (time.monotonic() - stopped)))

        await asyncio.to_thread(
            wait_for, lambda: healthy(deployment), timeout=RECOVERY_BOUND, what="clusters back"
        )
        # Chats that stayed open answer again; closed ones are reopened and answer.
        for i, chat in enumerate(chats):
            if chat.state is not State.OPEN:
                chats[i] = (await open_chat(deployment.urls[i], sessions[i]))[0]
            assert (await ask_final(chats[i], "what is power", 30))["type"] == "done"
        # Pages reconnect (the closed sockets) on both processes, at the first attempt.
        listening = [ws for ws in updates if ws.state is State.OPEN]
        for i, ws in enumerate(updates):
            if ws.state is not State.OPEN:
                listening.append(await open_socket(deployment.urls[i], "/ws/updates/", sessions[i]))
        assert len(listening) >= 2

        # The next training is heard on every listening socket, to its end.
        with student(deployment.urls[0], sessions[0]) as client:
            run_id = await asyncio.to_thread(trigger_training, db, client)
        heard = await asyncio.gather(*(training_frames(ws, run_id) for ws in listening))
        assert all(states[-1] == "succeeded" and "running" in states for states in heard), heard
        for ws in [*listening, *chats]:
            await ws.close()

    asyncio.run(scenario())
    assert deployment.process.poll() is None, "start_all stopped"
    if suite is not None:
        suite.use()


def test_it_trains_a_run_queued_while_redis_was_down_once_redis_is_back(
    deployment: Deployment, redis_server: RedisServer, db: Database
) -> None:
    (key,) = create_student_sessions(deployment.env, 1, prefix="redis-queued")
    wait_idle(db)
    with student(deployment.urls[1], key) as client:
        items = shown_tasks(client, completions_to_threshold(db))
        for item in items[:-1]:
            assert complete(client, item).status_code == 200
        before = db.last_run_id()

        with redis_server.down():
            stopped = time.monotonic()
            last = complete(client, items[-1])
            # The completion is committed and answered; only the hand-over to the queue failed.
            assert last.status_code == 200, last.text[:500]
            assert last.json()["status"] == "completed"
            assert db.completed(items[-1]["id"])
            run_id = db.last_run_id()
            assert run_id > before, "the threshold did not queue a run"
            assert db.run(run_id)["state"] == "queued"
            time.sleep(max(0.0, OUTAGE_SECONDS - (time.monotonic() - stopped)))
            assert db.run(run_id)["state"] == "queued"

    async def hear_it() -> list[str]:
        ws = await open_socket(deployment.urls[0], "/ws/updates/", key)
        try:
            return await training_frames(ws, run_id, bound=SCHEDULE_BOUND + TRAINING_BOUND)
        finally:
            await ws.close()

    # Announced to a page opened once Redis is back: re-delivered, trained and published.
    states = asyncio.run(hear_it())
    assert states[-1] == "succeeded", states
    run = wait_finished(db, run_id, timeout=10)
    assert run["state"] == "succeeded", run["error"]
    # Published once, whatever number of deliveries it took.
    assert db.versions_of_run(run_id) == ["learning", "lnirt", "sequence"]
    assert db.tracker()["state"] == "idle"
    assert "re-delivering it" in deployment.log()


def test_the_page_reconnects_promptly_and_backs_off(tmp_path: Path) -> None:
    """static/mlmodels/updates.js in Node with a fake clock, socket and fetch."""
    node = shutil.which("node")
    if node is None:
        pytest.skip("needs Node.js to run the page's script")
    harness = tmp_path / "harness.js"
    harness.write_text(RECONNECT_HARNESS)
    script = ROOT / "static" / "mlmodels" / "updates.js"
    out = subprocess.run(
        [node, str(harness), str(script)], capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0, out.stderr
    seen = json.loads(out.stdout)
    # Dropped after a long stable connection: back within about a second.
    assert seen["first_delay_ms"] <= 1500, seen
    # While the server keeps refusing: growing waits, capped at 30 s, and not hammering.
    delays = [round(ms) for ms in seen["failing_delays_ms"]]
    assert delays[0] <= 2_500 and delays[1] >= 1.5 * delays[0], delays
    assert delays == sorted(delays), delays
    assert 8_000 <= delays[-1] <= 30_000, delays
    # Back: the status is fetched again (announcements missed while away), and the next drop
    # after a stable connection is again met within about a second.
    assert seen["polled_after_reopen"], seen
    assert seen["delay_after_recovery_ms"] <= 1500, seen
    # Logged out (4401): no reconnect loop.
    assert seen["sockets_after_unauthenticated_close"] == 0, seen


# The re-delivery rules behind the test above, in this process (no deployment needed).


@pytest.mark.django_db(transaction=True)
def test_it_keeps_the_completion_and_its_run_when_the_queue_is_unreachable(
    settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.db import transaction
    from django_q.brokers import get_broker
    from redis.exceptions import ConnectionError as RedisConnectionError

    from mlmodels.jobs import check_training_due
    from mlmodels.models import TrainingRun, TrainingTracker
    from mlmodels.services import record_completion

    settings.RETRAIN_EVERY_N_COMPLETIONS = THRESHOLD
    settings.RETRAIN_MIN_INTERVAL_SECONDS = 0
    settings.TRAINING_REDELIVER_SECONDS = 0
    broker = get_broker("ml")
    broker.purge_queue()  # a Redis queue outlives the test database
    TrainingTracker.get()

    def unreachable(*args: Any, **kwargs: Any) -> None:
        raise RedisConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    with monkeypatch.context() as patch:
        patch.setattr("django_q.tasks.async_task", unreachable)
        for _ in range(THRESHOLD):
            # The completion's transaction; the trigger runs on its commit and must not raise.
            with transaction.atomic():
                record_completion(practice_task=None)  # type: ignore[arg-type]
    run = TrainingRun.objects.get()
    assert run.state == TrainingRun.State.QUEUED
    assert (broker.queue_size() or 0) == 0
    # Redis is back: the minute check hands the run out again.
    assert check_training_due() == f"re-delivered run {run.pk}"
    assert broker.queue_size() == 1


@pytest.mark.django_db(transaction=True)
def test_it_redelivers_only_a_queued_run_whose_queue_entry_is_gone(settings: Any) -> None:
    from datetime import timedelta

    from django.utils import timezone
    from django_q.brokers import get_broker

    from mlmodels.models import TrainingRun, TrainingTracker
    from mlmodels.services import redeliver_queued_run, request_training

    settings.TRAINING_REDELIVER_SECONDS = 60
    broker = get_broker("ml")
    broker.purge_queue()
    TrainingTracker.get()
    run = request_training(trigger=TrainingRun.Trigger.ADMIN, force=True)
    assert run is not None and broker.queue_size() == 1
    broker.purge_queue()  # Redis restarted before a worker took it
    # Too recent: a worker may be about to take it.
    assert redeliver_queued_run() is None
    TrainingRun.objects.filter(pk=run.pk).update(created_at=timezone.now() - timedelta(seconds=61))
    assert redeliver_queued_run() == run
    assert broker.queue_size() == 1
    # Its entry waits in the queue (the ml cluster is busy or stopped): no pile-up.
    assert redeliver_queued_run() is None
    assert broker.queue_size() == 1
    # A worker claimed it: not queued any more.
    broker.purge_queue()
    TrainingRun.objects.filter(pk=run.pk).update(state=TrainingRun.State.RUNNING)
    TrainingTracker.objects.filter(pk=1).update(state=TrainingTracker.State.RUNNING)
    assert redeliver_queued_run() is None
    assert (broker.queue_size() or 0) == 0


# --- the training worker killed -----------------------------------------------------------------


def environ_of(pid: int) -> dict[str, str]:
    try:
        raw = Path(f"/proc/{pid}/environ").read_bytes()
    except OSError:
        return {}
    pairs = (item.split(b"=", 1) for item in raw.split(b"\0") if b"=" in item)
    return {k.decode(errors="replace"): v.decode(errors="replace") for k, v in pairs}


@dataclass(frozen=True)
class MlCluster:
    """The ml cluster's processes in the deployment: `qcluster` (a child of start_all), its
    sentinel, and the sentinel's worker, monitor and pusher."""

    group: int  # start_all's process group: every process of the deployment
    parent: int
    sentinel: int

    @classmethod
    def find(cls, deployment: Deployment) -> MlCluster:
        group = process_group(deployment.process.pid)
        parents = [
            p
            for p in group
            if parent_of(p) == deployment.process.pid
            and environ_of(p).get("Q_CLUSTER_NAME") == "ml"
        ]
        assert len(parents) == 1, parents
        sentinels = [p for p in group if parent_of(p) == parents[0]]
        assert len(sentinels) == 1, sentinels
        return cls(deployment.process.pid, parents[0], sentinels[0])

    def children(self) -> list[int]:
        return [p for p in process_group(self.group) if parent_of(p) == self.sentinel]

    def training_worker(self) -> int | None:
        training = [p for p in self.children() if has_tensorflow(p)]
        return training[0] if training else None


def test_it_keeps_serving_when_the_training_worker_is_killed_mid_job(
    deployment: Deployment, db: Database
) -> None:
    (key,) = create_student_sessions(deployment.env, 1, prefix="worker-kill")
    wait_idle(db)
    with student(deployment.urls[0], key) as client:
        if not db.active_labels():  # this test alone: a first version to keep serving
            first = trigger_training(db, client)
            assert wait_finished(db, first)["state"] == "succeeded"
        previous = db.active_labels()
        assert set(previous) == {"learning", "lnirt", "sequence"}, previous
        cluster = MlCluster.find(deployment)
        siblings = cluster.children()  # worker(s), monitor, pusher

        run_id = trigger_training(db, client)
        worker = wait_for(
            lambda: db.run(run_id)["state"] == "running" and cluster.training_worker(),
            timeout=TRAINING_BOUND,
            interval=0.1,
            what="the ml worker to be training",
        )
        # The worker is a grandchild of start_all: start_all watches only its direct children.
        assert parent_of(worker) == cluster.sentinel
        os.kill(worker, signal.SIGKILL)
        killed_at = time.monotonic()

    # The sentinel forks a new worker; nothing was published; the web keeps answering fast on
    # both processes with the previous versions.
    wait_for(
        lambda: not is_alive(worker) and len(cluster.children()) == len(siblings),
        timeout=30,
        what="the sentinel to replace its worker",
    )
    assert db.run(run_id)["state"] == "running"
    sessions = create_student_sessions(deployment.env, 2, prefix="worker-kill-pages")
    for url, session in zip(deployment.urls, sessions, strict=True):
        with student(url, session) as page:
            for path in ("/", "/progress/", "/api/practice-tasks/?limit=5"):
                started = time.monotonic()
                response = page.get(path)
                assert response.status_code == 200, (path, response.status_code)
                assert time.monotonic() - started < PAGE_BOUND, path
            for item in page.get("/api/practice-tasks/?limit=5").json():
                assert item["prediction_version"] in {"", *previous.values()}, item
        models = httpx.get(f"{url}/api/health/", timeout=REQUEST_TIMEOUT).json()["models"]
        assert {k: v["version"] for k, v in models["versions"].items()} == previous
        assert all(v["loaded"] for v in models["versions"].values()), models
    assert db.active_labels() == previous
    assert deployment.process.poll() is None, "start_all stopped"
    assert MlCluster.find(deployment) == cluster, "the ml cluster was restarted"
    assert healthy(deployment)

    # Once the run has been silent past the stale limit, the next trigger marks it abandoned
    # and trains again.
    wait_for(
        lambda: time.monotonic() - killed_at > STALE_SECONDS + 1,
        timeout=STALE_SECONDS + 5,
        what="the stale limit",
    )
    with student(deployment.urls[1], key) as client:
        retry = trigger_training(db, client)
    abandoned = db.run(run_id)
    assert abandoned["state"] == "abandoned", abandoned
    assert "heartbeat" in abandoned["error"]
    assert wait_finished(db, retry)["state"] == "succeeded"
    labels = db.active_labels()
    for kind, label in previous.items():
        assert labels[kind] == f"{kind}-v{int(label.rsplit('-v', 1)[1]) + 1}", labels
    assert db.versions_of_run(run_id) == []
    assert deployment.process.poll() is None and healthy(deployment)


# --- the page's reconnect policy, driven in Node ------------------------------------------------

RECONNECT_HARNESS = r"""
// Runs the page's updates.js against a fake DOM, WebSocket, fetch and clock; prints what it saw.
const fs = require("fs");
const vm = require("vm");

let now = 0;
let nextId = 0;
const timers = new Map();
const later = (fn, ms, every) => {
  const id = ++nextId;
  timers.set(id, { at: now + Math.max(0, ms || 0), fn, every });
  return id;
};
const advance = (ms) => {
  const end = now + ms;
  for (;;) {
    let due = null;
    for (const [id, t] of timers) if (t.at <= end && (!due || t.at < due[1].at)) due = [id, t];
    if (!due) break;
    const [id, t] = due;
    now = t.at;
    if (t.every) t.at = now + t.every; else timers.delete(id);
    t.fn();
  }
  now = end;
};

const sockets = [];
class FakeWebSocket {
  constructor(url) {
    this.url = url;
    this.listeners = {};
    this.createdAt = now;
    sockets.push(this);
  }
  addEventListener(type, fn) { (this.listeners[type] = this.listeners[type] || []).push(fn); }
  fire(type, event) { for (const fn of this.listeners[type] || []) fn(event || {}); }
  close() {}
}
const fetches = [];
const fetch = async () => {
  fetches.push(now);
  const status = { state: "idle", completed_since_training: 0, threshold: 5 };
  return { ok: true, json: async () => status };
};
const text = { textContent: "" };
const box = {
  dataset: { statusUrl: "/models/status/" },
  querySelector: () => text,
  classList: { toggle() {} },
};
const context = {
  document: {
    querySelector: (s) => (s === "[data-model-status]" ? box : null),
    addEventListener() {},
    // The page re-dispatches every frame as a DOM event for other scripts (task sets).
    dispatchEvent() { return true; },
  },
  CustomEvent: class {
    constructor(type, init) { this.type = type; this.detail = init && init.detail; }
  },
  window: { location: { protocol: "http:", host: "127.0.0.1:8000" }, addEventListener() {} },
  WebSocket: FakeWebSocket,
  fetch,
  setTimeout: (fn, ms) => later(fn, ms, 0),
  setInterval: (fn, ms) => later(fn, ms, ms),
  clearTimeout: (id) => timers.delete(id),
  clearInterval: (id) => timers.delete(id),
  Date: { now: () => now },
  // Jitter at its longest: the bounds below hold for any random draw.
  Math: Object.assign(Object.create(Math), { random: () => 0.999999 }),
  JSON,
  console,
};
vm.runInNewContext(fs.readFileSync(process.argv[2], "utf8"), context);

const waitForSocket = (count, limitMs) => {
  const start = now;
  while (sockets.length < count && now - start < limitMs) advance(50);
  return sockets.length >= count ? sockets[count - 1].createdAt : null;
};
const seen = {};
sockets[0].fire("open");
advance(60000);
// The server drops a socket that had been up a minute (Redis restarting).
let dropped = now;
sockets[0].fire("close", { code: 4503 });
seen.first_delay_ms = waitForSocket(2, 120000) - dropped;
// It keeps refusing: each new socket fails without opening.
seen.failing_delays_ms = [];
for (let i = 2; i < 10; i++) {
  dropped = now;
  sockets[i - 1].fire("close", { code: 1006 });
  const created = waitForSocket(i + 1, 120000);
  seen.failing_delays_ms.push(created === null ? 1e9 : created - dropped);
}
// Back: the next socket opens, and the status is fetched again at once.
const fetchesBefore = fetches.length;
sockets[9].fire("open");
advance(100);
seen.polled_after_reopen = fetches.length > fetchesBefore;
advance(60000);
dropped = now;
sockets[9].fire("close", { code: 4503 });
seen.delay_after_recovery_ms = waitForSocket(11, 120000) - dropped;
// Logged out elsewhere: the socket is refused as unauthenticated.
sockets[10].fire("open");
advance(60000);
sockets[10].fire("close", { code: 4401 });
const before = sockets.length;
advance(300000);
seen.sockets_after_unauthenticated_close = sockets.length - before;
process.stdout.write(JSON.stringify(seen));
"""
