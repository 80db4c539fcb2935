"""Completing a task through the JSON API under load, idle and while the ml worker trains.

Runs twice: on the embedded defaults (`manage.py start_all` on a temporary SQLite data
directory, in-memory channel layer, ORM broker) and on the production stack (the same command
against a fresh PostgreSQL database and Redis, from benchmarks/deployment.py), each with one
daphne process and both django-q2 clusters, after `seed_demo` and a first training, with 50
students who each take a task every 5 s: `POST /api/practice-tasks/assign/`, `GET …/<id>/`
(starts the clock), `PATCH …/<id>/` (the completion, which is what is timed). Meanwhile
trainings are queued by an admin's "retrain now" (the admin action, over HTTP), alternating
with idle gaps; a completion counts as "during training" when it started inside a run's
[started_at, finished_at] (+2 s). Last, the saturation throughput: a few clients completing
tasks with no think time. Loopback only, bounded loops.

The students' sessions are created directly (benchmarks.deployment.create_student_sessions).
Completions never trigger a training here (minimum interval of a day), so the two phases differ
only in whether the worker trains.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import random
import secrets
import shutil
import signal
import socket
import string
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

NAME = "completion"
DESCRIPTION = "task completion latency (PATCH) with 50 students, idle vs during training"
ROOT = Path(__file__).resolve().parents[1]
STUDENTS = 50
THINK_SECONDS = 5.0
SATURATION_CLIENTS = 4
REQUEST_TIMEOUT = 30.0
READY_TIMEOUT = 180.0
TRAINING_WAIT = 600.0

TRAINING_RUNS = """
import json
from mlmodels.models import TrainingRun
runs = TrainingRun.objects.exclude(started_at=None).order_by("pk").values_list(
    "pk", "state", "started_at", "finished_at", "samples", "seconds")
print("RUNS=" + json.dumps([
    [pk, state, s.timestamp(), f.timestamp() if f else None, n, secs]
    for pk, state, s, f, n, secs in runs]))
"""


@dataclass
class Sample:
    started: float  # time.time() when the PATCH was sent
    ms: float
    status: int
    server_ms: float  # the app's own time (Server-Timing), without queueing for its thread
    lock_ms: float  # the completion's write transaction (Server-Timing `lock`): locks held


@dataclass
class Recorder:
    samples: list[Sample] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    # The untimed-by-spec steps of each cycle, for context: ms of assign and of the first fetch.
    assign_ms: list[float] = field(default_factory=list)
    fetch_ms: list[float] = field(default_factory=list)
    # How long each assignment held the student's lock (its prediction runs before it).
    assign_lock_ms: list[float] = field(default_factory=list)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def stack_env(data_dir: Path) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "REDIS_URL", "MODEL_DIR", "SQLITE_PATH", "Q_CLUSTER_NAME")
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "studysmart.settings",
            "STUDYSMART_DATA_DIR": str(data_dir),
            "SECRET_KEY": secrets.token_urlsafe(50),
            "DEBUG": "0",
            "HTTPS": "0",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "LOG_LEVEL": "WARNING",
            "RETRAIN_EVERY_N_COMPLETIONS": "5",
            # Only the benchmark's own `train_models --queue` trains.
            "RETRAIN_MIN_INTERVAL_SECONDS": "86400",
            "TRAINING_THREADS": "1",
            "SLOW_QUERY_MS": str(SLOW_QUERY_MS),
            "PYTHONUNBUFFERED": "1",
        }
    )
    return env


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100); NaN for no values."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(q / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


async def open_client(url: str, session_key: str) -> Any:
    import httpx

    client = httpx.AsyncClient(base_url=url, timeout=REQUEST_TIMEOUT, follow_redirects=False)
    client.cookies.set("sessionid", session_key, domain="127.0.0.1")
    # The dashboard hands out the CSRF cookie a browser would send back as X-CSRFToken.
    await client.get("/")
    token = client.cookies.get("csrftoken")
    if not token:
        token = "".join(random.choices(string.ascii_letters + string.digits, k=32))
        client.cookies.set("csrftoken", token, domain="127.0.0.1")
    client.headers["X-CSRFToken"] = token
    return client


def answer_for(item: dict[str, Any]) -> dict[str, Any]:
    kind = item.get("answer_kind")
    if kind == "choice":
        options = item["task"].get("options") or [{"id": "a"}]
        return {"answer": random.choice(options)["id"]}
    if kind == "numeric":
        return {"answer": round(random.uniform(0.5, 50.0), 3)}
    return {"self_assessed_correct": random.random() < 0.6}


async def complete_one(client: Any, rec: Recorder) -> bool:
    """assign → fetch (shown) → PATCH (timed). False when something other than 200 came back."""
    t0 = time.perf_counter()
    assigned = await client.post("/api/practice-tasks/assign/", json={"count": 1})
    rec.assign_ms.append((time.perf_counter() - t0) * 1000)
    rec.assign_lock_ms.append(server_time(assigned, float("nan"), metric="lock"))
    if assigned.status_code != 201 or not assigned.json():
        rec.errors.append(f"assign {assigned.status_code}")
        return False
    item = assigned.json()[0]
    t0 = time.perf_counter()
    shown = await client.get(f"/api/practice-tasks/{item['id']}/")
    rec.fetch_ms.append((time.perf_counter() - t0) * 1000)
    if shown.status_code != 200:
        rec.errors.append(f"fetch {shown.status_code}")
        return False
    started = time.time()
    t0 = time.perf_counter()
    # The fetched task carries the options (the assign answer does not show them).
    done = await client.patch(f"/api/practice-tasks/{item['id']}/", json=answer_for(shown.json()))
    elapsed = (time.perf_counter() - t0) * 1000
    rec.samples.append(
        Sample(
            started,
            elapsed,
            done.status_code,
            server_time(done, elapsed),
            server_time(done, float("nan"), metric="lock"),
        )
    )
    if done.status_code != 200:
        rec.errors.append(f"complete {done.status_code}")
        return False
    return True


def measured(values: list[float]) -> list[float]:
    """Without the NaNs of responses that carried no such Server-Timing metric."""
    return [v for v in values if not math.isnan(v)]


def server_time(response: Any, fallback: float, *, metric: str = "app") -> float:
    """The `<metric>;dur=` of the Server-Timing header, in ms: `app` is the whole request,
    `lock` the write transaction (tasks/services.py)."""
    for part in response.headers.get("server-timing", "").split(","):
        name, _, params = part.strip().partition(";")
        if name == metric and params.startswith("dur="):
            return float(params[4:])
    return fallback


async def paced_student(client: Any, rec: Recorder, *, offset: float, until: float) -> None:
    """One task every THINK_SECONDS (start to start), until `until` (monotonic)."""
    next_at = time.monotonic() + offset
    while next_at < until:
        await asyncio.sleep(max(0.0, next_at - time.monotonic()))
        try:
            await complete_one(client, rec)
        except Exception as exc:  # a timeout or a dropped connection is a result too
            rec.errors.append(type(exc).__name__)
        next_at += THINK_SECONDS


async def paced_phase(clients: list[Any], seconds: float) -> Recorder:
    rec = Recorder()
    until = time.monotonic() + seconds
    await asyncio.gather(
        *(
            paced_student(c, rec, offset=i * THINK_SECONDS / len(clients), until=until)
            for i, c in enumerate(clients)
        )
    )
    return rec


async def saturation_phase(clients: list[Any], seconds: float) -> tuple[Recorder, float]:
    rec = Recorder()
    until = time.monotonic() + seconds

    async def hammer(client: Any) -> None:
        while time.monotonic() < until:
            try:
                await complete_one(client, rec)
            except Exception as exc:
                rec.errors.append(type(exc).__name__)

    started = time.monotonic()
    await asyncio.gather(*(hammer(c) for c in clients))
    return rec, time.monotonic() - started


async def training_state(client: Any) -> str:
    body = (await client.get("/api/health/")).json()
    return str((body.get("models") or {}).get("training", "unknown"))


async def wait_training_state(client: Any, wanted: str, *, within: float) -> bool:
    for _ in range(int(within / 0.5)):
        if await training_state(client) == wanted:
            return True
        await asyncio.sleep(0.5)
    return False


async def queue_training(admin: Any) -> bool:
    """What an admin's "retrain now" does: POST the admin's retrain action (no extra process
    competing for the CPU, as a `manage.py train_models --queue` would)."""
    response = await admin.post("/admin/mlmodels/modelversion/retrain/")
    return response.status_code == 302


async def alternate_training(admin: Any, stop: asyncio.Event, *, gap: float) -> int:
    """Idle for `gap` s, queue a training and let it finish; repeat until `stop`.

    Alternating (rather than an idle phase, then a training phase) spreads both conditions
    over the same minutes, so a change in the machine's other load does not pass for the
    training's effect.
    """
    queued = 0
    while not stop.is_set():
        try:
            await asyncio.wait_for(stop.wait(), timeout=gap)
            break
        except TimeoutError:
            pass
        if await training_state(admin) == "idle" and await queue_training(admin):
            queued += 1
            await wait_training_state(admin, "running", within=60)
            await wait_training_state(admin, "idle", within=TRAINING_WAIT)
    return queued


async def measure(url: str, sessions: list[str], admin_session: str, args: Any) -> dict:
    paced_s, gap_s, sat_s = (90.0, 15.0, 10.0) if args.quick else (240.0, 20.0, 20.0)
    clients = [await open_client(url, key) for key in sessions]
    admin = await open_client(url, admin_session)
    clients.append(admin)  # closed with the others
    try:
        stop = asyncio.Event()
        trainer = asyncio.create_task(alternate_training(admin, stop, gap=gap_s))
        paced = await paced_phase(clients[:-1], paced_s)
        stop.set()
        queued = await trainer
        await wait_training_state(clients[0], "idle", within=TRAINING_WAIT)
        saturated, elapsed = await saturation_phase(clients[:SATURATION_CLIENTS], sat_s)
    finally:
        for c in clients:
            await c.aclose()
    return {
        "paced": paced,
        "saturated": saturated,
        "saturation_seconds": elapsed,
        "queued": queued,
        "durations": (paced_s, gap_s, sat_s),
    }


def start_stack(env: dict[str, str], port: int, log_path: Path) -> subprocess.Popen[bytes]:
    log = open(log_path, "wb")
    return subprocess.Popen(
        [sys.executable, str(ROOT / "manage.py"), "start_all", "--no-seed", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def wait_ready(url: str, proc: subprocess.Popen[bytes], log_path: Path) -> None:
    import httpx

    deadline = time.monotonic() + READY_TIMEOUT
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"start_all exited:\n{log_path.read_text()[-3000:]}")
        try:
            body = httpx.get(f"{url}/api/health/", timeout=5).json()
            if (body.get("queue") or {}).get("clusters", 0) >= 2:
                return
        except (httpx.HTTPError, ValueError):
            pass
        time.sleep(1.0)
    raise RuntimeError(f"the stack did not come up:\n{log_path.read_text()[-3000:]}")


def stop_stack(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)  # start_all stops daphne and the clusters itself
        try:
            proc.wait(timeout=45)
        except subprocess.TimeoutExpired:
            pass
    try:
        os.killpg(proc.pid, signal.SIGKILL)  # anything left of this stack, and only of it
    except ProcessLookupError:
        pass
    proc.wait(timeout=10)


STACKS = {
    "embedded": lambda args: run_embedded(args),
    "production": lambda args: run_production(args),
}


def run(args: argparse.Namespace) -> str:
    """Both stacks, or those named in BENCH_COMPLETION_STACKS (comma-separated)."""
    names = os.environ.get("BENCH_COMPLETION_STACKS", "embedded,production").split(",")
    return "\n\n".join(STACKS[name.strip()](args) for name in names)


def run_production(args: argparse.Namespace) -> str:
    """PostgreSQL + Redis (channels-redis, Redis cache and broker), one web process."""
    from benchmarks.deployment import create_student_sessions, fresh_deployment

    extra = {k: v for k, v in stack_env(Path("/unused")).items() if k in BENCH_SETTINGS}
    with fresh_deployment(web_processes=1, seed=True, **extra) as deployment:
        deployment.manage("train_models")
        sessions = create_student_sessions(deployment.env, STUDENTS, prefix="bench-student")
        admin = create_student_sessions(deployment.env, 1, prefix="bench-admin", superuser=True)
        results = asyncio.run(measure(deployment.urls[0], sessions, admin[0], args))
        runs = json.loads(deployment.manage("shell", "-c", TRAINING_RUNS).split("RUNS=", 1)[1])
        slow = slow_queries(deployment.log())
    return report(
        results, runs, stack="PostgreSQL + Redis (channels-redis, Redis broker)", slow=slow
    )


# The settings both stacks run with (see stack_env).
BENCH_SETTINGS = (
    "RETRAIN_EVERY_N_COMPLETIONS",
    "RETRAIN_MIN_INTERVAL_SECONDS",
    "TRAINING_THREADS",
    "LOG_LEVEL",
    "SLOW_QUERY_MS",
)


def run_embedded(args: argparse.Namespace) -> str:
    from benchmarks.deployment import create_student_sessions, manage

    data_dir = Path(tempfile.mkdtemp(prefix="studysmart-bench-completion-"))
    env = stack_env(data_dir)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    proc = None
    try:
        manage(env, "migrate", "--verbosity", "0")
        manage(env, "createcachetable")
        manage(env, "seed_demo")
        manage(env, "train_models")  # version 1 of both models, so completions update θ and τ
        sessions = create_student_sessions(env, STUDENTS, prefix="bench-student")
        admin = create_student_sessions(env, 1, prefix="bench-admin", superuser=True)
        proc = start_stack(env, port, data_dir / "stack.log")
        wait_ready(url, proc, data_dir / "stack.log")
        results = asyncio.run(measure(url, sessions, admin[0], args))
        runs = json.loads(manage(env, "shell", "-c", TRAINING_RUNS).split("RUNS=", 1)[1])
        slow = slow_queries((data_dir / "stack.log").read_text(errors="replace"))
    finally:
        if proc is not None:
            stop_stack(proc)
        shutil.rmtree(data_dir, ignore_errors=True)
    return report(results, runs, stack="SQLite, in-memory channel layer, ORM broker", slow=slow)


# A completion that starts up to this long after a run finished still counts as "during
# training": the first requests after a publish load the new version.
AFTER_RUN_SECONDS = 2.0


# Statements slower than this are logged by the stack (SLOW_QUERY_MS) and summarised.
SLOW_QUERY_MS = 50


def slow_queries(log: str) -> list[str]:
    """The statements of the stack's "slow query" log lines, e.g. lock waits of SQLite."""
    return [line.split("ms: ", 1)[1] for line in log.splitlines() if "slow query, " in line]


def report(results: dict[str, Any], runs: list[list[Any]], *, stack: str, slow: list[str]) -> str:
    paced_s, gap_s, sat_s = results["durations"]
    paced: Recorder = results["paced"]
    saturated: Recorder = results["saturated"]
    windows = [(start, (end or time.time()) + AFTER_RUN_SECONDS) for _, _, start, end, *_ in runs]

    def training_at(t: float) -> bool:
        return any(start <= t <= end for start, end in windows)

    ok = [s for s in paced.samples if s.status == 200]
    idle_ms = [s.ms for s in ok if not training_at(s.started)]
    busy_ms = [s.ms for s in ok if training_at(s.started)]
    idle_app = [s.server_ms for s in ok if not training_at(s.started)]
    busy_app = [s.server_ms for s in ok if training_at(s.started)]
    sat_ok = [s for s in saturated.samples if s.status == 200]
    throughput = len(sat_ok) / results["saturation_seconds"]
    lines = [
        f"[{stack}]",
        f"{STUDENTS} students, one completion each every {THINK_SECONDS:.0f} s for "
        f"{paced_s:.0f} s, trainings queued {gap_s:.0f} s after the previous one ended; "
        "one daphne, TensorFlow limited to one thread (niced worker)",
        "",
        f"{'completion (PATCH)':<28}{'n':>6}{'p50 ms':>9}{'p99 ms':>9}{'max ms':>9}",
    ]
    rows = [
        ("idle (no training)", idle_ms),
        ("while a training runs", busy_ms),
        ("  app time, idle", idle_app),
        ("  app time, training", busy_app),
        ("  lock held, idle", measured([s.lock_ms for s in ok if not training_at(s.started)])),
        ("  lock held, training", measured([s.lock_ms for s in ok if training_at(s.started)])),
        ("assignment: lock held", measured(paced.assign_lock_ms)),
        (f"saturation, {SATURATION_CLIENTS} clients", [x.ms for x in sat_ok]),
    ]
    for name, values in rows:
        lines.append(
            f"{name:<28}{len(values):>6}{percentile(values, 50):>9.1f}"
            f"{percentile(values, 99):>9.1f}{max(values, default=float('nan')):>9.1f}"
        )
    trained = [r for r in runs if r[1] == "succeeded" and r[5]]
    lines += [
        "",
        f"during training / idle: p50 x{percentile(busy_ms, 50) / percentile(idle_ms, 50):.2f}, "
        f"p99 x{percentile(busy_ms, 99) / percentile(idle_ms, 99):.2f}",
        f"saturation throughput: {throughput:.1f} completions/s ({SATURATION_CLIENTS} clients, "
        f"no think time, {sat_s:.0f} s; each cycle also assigns and fetches a task)",
        f"rest of each cycle: assign p50/p99 {percentile(paced.assign_ms, 50):.0f}/"
        f"{percentile(paced.assign_ms, 99):.0f} ms, first fetch p50/p99 "
        f"{percentile(paced.fetch_ms, 50):.0f}/{percentile(paced.fetch_ms, 99):.0f} ms",
        f"errors: paced {len(paced.errors)}, saturation {len(saturated.errors)}",
        f"trainings: {len(trained)} succeeded "
        f"({', '.join(f'{r[5]:.0f} s on {r[4]} attempts' for r in trained)}; the first is the "
        "set-up's, before the clock)",
        f"statements over {SLOW_QUERY_MS} ms in any process of the stack: {len(slow)}"
        + "".join(f"\n  {n} × {sql[:90]}" for sql, n in Counter(slow).most_common(5)),
        f"load average at the end: {' '.join(f'{x:.1f}' for x in os.getloadavg())} "
        f"(measured {datetime.now().isoformat(timespec='seconds')})",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    print(run(argparse.Namespace(quick="--quick" in sys.argv)))
