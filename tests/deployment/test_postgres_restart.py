"""PostgreSQL stopped for a few seconds and started again while ten students complete tasks
on both web processes of the deployment.

What must hold: while it is down every request is answered, promptly, and a failure is a 503
with a JSON error and Retry-After (studysmart/middleware.py), never a 500; health says the
database is down; afterwards both processes complete tasks again within a bound, both django-q2
clusters are alive, and no completion is lost or counted twice. A PATCH that failed is sent
again after recovery and gets 200 (it had not been recorded) or 409 with its first outcome (it
had), and the database has exactly the completions the clients were told about.

The cluster restarted is DEPLOY_PG_CLUSTER ("<version> <name>"), by default the machine's main
cluster, which must be the one serving the deployment (DEPLOY_POSTGRES_URL): develop against a
private cluster, as the shared one serves other tests at the time (pg_createcluster).
"""

from __future__ import annotations

import asyncio
import os
import random
import shutil
import string
import subprocess
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from django.db import connections

from benchmarks.deployment import POSTGRES_URL, Deployment, create_student_sessions

PREFIX = "pgrestart"
STUDENTS = 10  # spread over the two web processes: student i talks to process i % 2
OUTAGE_HOLD_SECONDS = 5.0  # the deliberate hold between stop and start
WARMUP_COMPLETIONS = 5  # per process, before PostgreSQL goes away
AFTER_COMPLETIONS = 5  # per process, once it is back
REQUEST_TIMEOUT = 30.0
HANG_BOUND = 15.0  # no request may take longer, during the outage or not
WARMUP_BOUND = 180.0
RECOVERY_BOUND = 60.0  # from PostgreSQL accepting connections again
PG_CTL_TIMEOUT = 120.0
READING_SECONDS = (0.3, 1.0)  # between showing a task and sending the answer
BACKOFF_SECONDS = 0.25
# What each step may answer besides 503. A 409 only to a PATCH sent again (checked below).
EXPECTED_STATUS = {
    "assign": {201},
    "show": {200},
    "complete": {200, 409},
    "retry": {200, 409},
    "duplicate": {409},
}


# --- the cluster ------------------------------------------------------------------------------


def postgres_cluster() -> tuple[str, str]:
    """(version, name) of the cluster to restart; skips where there is none to control."""
    if shutil.which("pg_ctlcluster") is None or not os.path.isdir("/etc/postgresql"):
        pytest.skip("needs a local Debian PostgreSQL cluster (pg_ctlcluster) to restart")
    configured = os.environ.get("DEPLOY_PG_CLUSTER", "").split()
    if configured:
        if len(configured) != 2:
            pytest.fail("DEPLOY_PG_CLUSTER must be '<version> <name>', e.g. '15 main'")
        return configured[0], configured[1]
    versions = sorted(os.listdir("/etc/postgresql"))
    if len(versions) != 1:
        pytest.fail(f"PostgreSQL versions {versions}: say which cluster in DEPLOY_PG_CLUSTER")
    return versions[0], "main"


def check_cluster_serves_deployment(cluster: tuple[str, str]) -> None:
    """Refuse to restart a cluster the deployment does not use: it would be someone else's."""
    url = urlsplit(POSTGRES_URL)
    if url.hostname not in ("127.0.0.1", "localhost", "::1"):
        pytest.skip(f"the deployment's PostgreSQL ({url.hostname}) is not on this machine")
    line = subprocess.run(
        ["pg_lsclusters", "--no-header", *cluster],
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    ).stdout.split()
    port, status = int(line[2]), line[3]
    if port != (url.port or 5432):
        pytest.fail(
            f"cluster {' '.join(cluster)} listens on {port}, the deployment uses {POSTGRES_URL}: "
            "set DEPLOY_PG_CLUSTER to the cluster behind DEPLOY_POSTGRES_URL"
        )
    assert status == "online", f"cluster {' '.join(cluster)} is {status} before the test"


def ensure_cluster_online(cluster: tuple[str, str]) -> None:
    """Last resort after a failure: the rest of the suite needs PostgreSQL."""
    probe = subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", *cluster, "status"],
        capture_output=True,
        timeout=30,
    )
    if probe.returncode != 0:
        subprocess.run(
            ["pg_ctlcluster", "--skip-systemctl-redirect", *cluster, "start"],
            timeout=PG_CTL_TIMEOUT,
            check=True,
        )


async def pg_ctl(cluster: tuple[str, str], action: str) -> None:
    # A subprocess of the event loop: the students keep going while PostgreSQL stops.
    proc = await asyncio.create_subprocess_exec(
        "pg_ctlcluster",
        "--skip-systemctl-redirect",
        *cluster,
        action,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    try:
        output, _ = await asyncio.wait_for(proc.communicate(), PG_CTL_TIMEOUT)
    except TimeoutError:
        proc.kill()
        raise
    if proc.returncode != 0:
        raise RuntimeError(f"pg_ctlcluster {action} failed: {output.decode(errors='replace')}")


# --- what the clients saw ---------------------------------------------------------------------


@dataclass
class Call:
    process: int
    kind: str  # assign, show, complete, retry, health
    started: float  # seconds since the run began
    seconds: float
    status: int | None  # None: no answer (connection error or client timeout)
    problem: str = ""  # the exception of a call without answer


@dataclass
class Completion:
    """One PATCH attempt."""

    student: int
    process: int
    practice_id: int
    payload: dict[str, Any]
    call: Call
    body: Any


@dataclass
class HealthSample:
    process: int
    at: float
    answered: float
    status: int | None
    database_ok: bool | None
    clusters: int | None


@dataclass
class Outage:
    stop_sent: float = 0.0
    stopped: float = 0.0  # pg_ctlcluster stop returned: the server is down
    start_sent: float = 0.0
    started: float = 0.0  # pg_ctlcluster start returned: it accepts connections


@dataclass
class Run:
    origin: float = field(default_factory=time.monotonic)
    calls: list[Call] = field(default_factory=list)
    completions: list[Completion] = field(default_factory=list)
    duplicates: list[Completion] = field(default_factory=list)  # answered PATCHes sent again
    health: list[HealthSample] = field(default_factory=list)
    outage: Outage = field(default_factory=Outage)
    bad_503s: list[str] = field(default_factory=list)

    def now(self) -> float:
        return time.monotonic() - self.origin

    def successes(self, process: int, since: float = 0.0) -> int:
        return sum(
            1
            for c in self.completions
            if c.process == process and c.call.status == 200 and c.call.started >= since
        )


async def send(
    run: Run, client: httpx.AsyncClient, process: int, kind: str, method: str, url: str, **kw: Any
) -> tuple[Call, httpx.Response | None]:
    started = run.now()
    try:
        response = await client.request(method, url, **kw)
    except httpx.HTTPError as exc:
        call = Call(process, kind, started, run.now() - started, None, type(exc).__name__)
        run.calls.append(call)
        return call, None
    call = Call(process, kind, started, run.now() - started, response.status_code)
    run.calls.append(call)
    if response.status_code == 503 and kind != "health":
        # The middleware's answer: a JSON error and when to come back.
        try:
            error = response.json().get("error")
        except ValueError:
            error = None
        if (
            not isinstance(error, dict)
            or error.get("code") != "unavailable"
            or not error.get("message")
            or "Retry-After" not in response.headers
        ):
            run.bad_503s.append(f"{kind} {url}: {response.headers} {response.text[:300]}")
    return call, response


def answer_for(item: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    kind = item["answer_kind"]
    if kind == "choice":
        return {"answer": rng.choice(item["task"]["options"])["id"]}
    if kind == "numeric":
        return {"answer": round(rng.uniform(0.5, 50.0), 3)}
    return {"self_assessed_correct": rng.random() < 0.6}


def stored_answer(payload: dict[str, Any]) -> str:
    """The answer as tasks.services.check_answer stores it."""
    if "self_assessed_correct" in payload:
        return "got it right" if payload["self_assessed_correct"] else "got it wrong"
    value = payload["answer"]
    return repr(float(value)) if isinstance(value, float | int) else str(value)


async def student(run: Run, client: httpx.AsyncClient, index: int, stop: asyncio.Event) -> None:
    """assign → show → read for a moment → complete, again and again.

    A failed assign or show starts a new cycle (the task stays pending). A PATCH that gets no
    answer but a 503 (or none) is sent again, unchanged, until it is answered: 200 if the
    first attempt was not recorded, 409 with the first outcome if it was. Most of a student's
    time is the reading, so the outage catches most students with a task open.
    """
    rng = random.Random(index)
    process = index % 2
    while not stop.is_set():
        call, response = await send(
            run, client, process, "assign", "POST", "/api/practice-tasks/assign/", json={"count": 1}
        )
        if response is None or call.status != 201:
            await asyncio.sleep(BACKOFF_SECONDS)
            continue
        items = response.json()
        assert items, "assign gave no task"
        item = items[0]
        url = f"/api/practice-tasks/{item['id']}/"
        call, shown = await send(run, client, process, "show", "GET", url)
        if call.status != 200 or shown is None:
            await asyncio.sleep(BACKOFF_SECONDS)
            continue
        # Options (like the statement) come only with the fetch that starts the clock.
        item = shown.json()
        await asyncio.sleep(rng.uniform(*READING_SECONDS))
        payload = answer_for(item, rng)
        while True:
            call, response = await send(
                run, client, process, "complete", "PATCH", url, json=payload
            )
            run.completions.append(
                Completion(index, process, item["id"], payload, call, _json(response))
            )
            if call.status not in (503, None) or stop.is_set():
                break  # answered; or left to the retry after the run
            await asyncio.sleep(BACKOFF_SECONDS)


def _json(response: httpx.Response | None) -> Any:
    if response is None:
        return None
    try:
        return response.json()
    except ValueError:
        return None


async def watch_health(run: Run, urls: list[str], stop: asyncio.Event) -> None:
    """Both processes' health, twice a second, from a client without a session (a monitor)."""
    async with httpx.AsyncClient(timeout=REQUEST_TIMEOUT) as client:
        while not stop.is_set():
            for process, url in enumerate(urls):
                call, response = await send(
                    run, client, process, "health", "GET", f"{url}/api/health/"
                )
                body = _json(response) or {}
                run.health.append(
                    HealthSample(
                        process,
                        call.started,
                        call.started + call.seconds,
                        call.status,
                        (body.get("database") or {}).get("ok"),
                        (body.get("queue") or {}).get("clusters"),
                    )
                )
            try:
                await asyncio.wait_for(stop.wait(), 0.5)
            except TimeoutError:
                pass


async def wait_until(predicate: Callable[[], bool], bound: float, what: str) -> None:
    deadline = time.monotonic() + bound
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not within {bound:.0f} s")
        await asyncio.sleep(0.2)


async def restart_postgres(run: Run, cluster: tuple[str, str]) -> None:
    """Stop, hold, start; started again whatever happens in between."""
    outage = run.outage
    try:
        outage.stop_sent = run.now()
        await pg_ctl(cluster, "stop")
        outage.stopped = run.now()
        await asyncio.sleep(OUTAGE_HOLD_SECONDS)
    finally:
        outage.start_sent = run.now()
        await pg_ctl(cluster, "start")
        outage.started = run.now()


def open_client(url: str, session_key: str) -> httpx.AsyncClient:
    # Any well-formed token will do: Django compares the header with the cookie.
    token = "".join(random.choices(string.ascii_letters + string.digits, k=32))
    client = httpx.AsyncClient(base_url=url, timeout=REQUEST_TIMEOUT, follow_redirects=False)
    client.cookies.set("sessionid", session_key, domain="127.0.0.1")
    client.cookies.set("csrftoken", token, domain="127.0.0.1")
    client.headers["X-CSRFToken"] = token
    return client


def latest_health(run: Run, process: int, since: float) -> HealthSample | None:
    samples = [s for s in run.health if s.process == process and s.at >= since]
    return samples[-1] if samples else None


async def resend(
    run: Run, clients: list[httpx.AsyncClient], attempt: Completion, kind: str
) -> Completion:
    """The same PATCH again, from the same student to the same process."""
    url = f"/api/practice-tasks/{attempt.practice_id}/"
    client = clients[attempt.student]
    call, response = await send(
        run, client, attempt.process, kind, "PATCH", url, json=attempt.payload
    )
    return Completion(
        attempt.student,
        attempt.process,
        attempt.practice_id,
        attempt.payload,
        call,
        _json(response),
    )


async def load_through_restart(
    run: Run, deployment: Deployment, sessions: list[str], cluster: tuple[str, str]
) -> None:
    """The students' run with the restart in the middle; then every PATCH left unanswered once
    more, two answered ones once more, and health until both processes are whole again."""
    clients = [open_client(deployment.urls[i % 2], key) for i, key in enumerate(sessions)]
    stop_load, stop_watch = asyncio.Event(), asyncio.Event()
    watcher = asyncio.create_task(watch_health(run, deployment.urls, stop_watch))
    students = [asyncio.create_task(student(run, c, i, stop_load)) for i, c in enumerate(clients)]
    try:
        try:
            await wait_until(
                lambda: all(run.successes(p) >= WARMUP_COMPLETIONS for p in (0, 1)),
                WARMUP_BOUND,
                f"{WARMUP_COMPLETIONS} completions on each process before the restart",
            )
            await restart_postgres(run, cluster)
            await wait_until(
                lambda: all(
                    run.successes(p, since=run.outage.started) >= AFTER_COMPLETIONS for p in (0, 1)
                ),
                RECOVERY_BOUND,
                f"{AFTER_COMPLETIONS} completions on each process after PostgreSQL came back",
            )
        finally:
            stop_load.set()
            await asyncio.gather(*students)
        # A PATCH still unanswered when the load stopped: once more, now that all is well.
        last = {c.practice_id: c for c in run.completions}
        for failed in [c for c in last.values() if c.call.status in (503, None)]:
            run.completions.append(await resend(run, clients, failed, "retry"))
        # And an answered one on each process, which must not count twice.
        for process in (0, 1):
            done = next(
                c
                for c in run.completions
                if c.process == process
                and c.call.status == 200
                and c.call.started > run.outage.started
            )
            run.duplicates.append(await resend(run, clients, done, "duplicate"))
        # A cluster that died is gone from health within 3 s (its status key expires): ask
        # well after the restart.
        since = max(run.now(), run.outage.started + 10.0)
        await wait_until(
            lambda: all(
                (sample := latest_health(run, p, since)) is not None
                and sample.database_ok is True
                and sample.clusters == 2
                for p in (0, 1)
            ),
            RECOVERY_BOUND,
            "health: the database ok and both clusters alive, on each process",
        )
    finally:
        stop_watch.set()
        await watcher
        for client in clients:
            await client.aclose()


def query(deployment: Deployment, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    """Rows from the deployment's own database."""
    import psycopg2

    conn = psycopg2.connect(deployment.env["DATABASE_URL"], connect_timeout=10)
    try:
        with conn.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()
    finally:
        conn.close()


def completions_in_database(deployment: Deployment) -> dict[int, tuple[Any, ...]]:
    """The students' practice tasks: id → (status, answer, is_correct, answered_at)."""
    rows = query(
        deployment,
        "SELECT pt.id, pt.status, pt.answer, pt.is_correct, pt.answered_at"
        " FROM tasks_practicetask pt JOIN auth_user u ON u.id = pt.student_id"
        " WHERE u.username LIKE %s",
        f"{PREFIX}-%",
    )
    return {row[0]: tuple(row[1:]) for row in rows}


def training_runs(deployment: Deployment) -> str:
    """For the summary: a training that straddles the restart loses its connection."""
    try:
        rows = query(deployment, "SELECT id, state, left(error, 60) FROM mlmodels_trainingrun")
    except Exception as exc:
        return f"unknown ({type(exc).__name__})"
    return "; ".join(f"{pk} {state}{f' ({error})' if error else ''}" for pk, state, error in rows)


def test_it_survives_a_postgres_restart_under_load(deployment: Deployment) -> None:
    cluster = postgres_cluster()
    check_cluster_serves_deployment(cluster)
    sessions = create_student_sessions(deployment.env, STUDENTS, prefix=PREFIX)
    run = Run()
    log_start = len(deployment.log())
    try:
        asyncio.run(load_through_restart(run, deployment, sessions, cluster))
    finally:
        ensure_cluster_online(cluster)
        # The restart also killed this process's own connections (the suite's database may
        # live on the same server): later tests must open new ones.
        connections.close_all()
        log = deployment.log()[log_start:]
        print(summary(run, log, training_runs(deployment)))
    outage = run.outage

    assert deployment.process.poll() is None, "start_all exited"

    # Every request was answered, within the bound.
    slow = [c for c in run.calls if c.status is None or c.seconds > HANG_BOUND]
    assert not slow, slow[:20]

    # The students saw success or a clear 503, nothing else; and the 503s only around the outage.
    answers = [c for c in run.calls if c.kind in EXPECTED_STATUS]
    unexpected = [c for c in answers if c.status not in EXPECTED_STATUS[c.kind] | {503}]
    assert not unexpected, unexpected[:20]
    assert not run.bad_503s, run.bad_503s[:5]
    for process in (0, 1):
        refused = [c for c in answers if c.process == process and c.status == 503]
        assert refused, f"process {process} never answered 503: was the outage observable?"
        assert all(
            outage.stop_sent - HANG_BOUND <= c.started <= outage.started + RECOVERY_BOUND
            for c in refused
        ), refused

    # One WARNING line per 503, no traceback of an unhandled error.
    assert "Internal Server Error" not in log
    refused = sum(1 for c in answers if c.status == 503)
    assert log.count("unreachable, answered 503") == refused, problems(log)

    # Health said "down" while the server was stopped and never failed otherwise.
    assert all(s.status in (200, 503) for s in run.health), run.health
    for process in (0, 1):
        down = [
            s
            for s in run.health
            if s.process == process and outage.stopped <= s.at and s.answered <= outage.start_sent
        ]
        assert down and all(s.status == 503 and s.database_ok is False for s in down), down

    # Each answer was PATCHed until answered, once: 200 when no earlier attempt had been
    # recorded, 409 with this very answer as the first outcome when one had.
    attempts: dict[int, list[Completion]] = {}
    for attempt in run.completions:
        attempts.setdefault(attempt.practice_id, []).append(attempt)
    told: dict[int, dict[str, Any]] = {}
    for pk, tries in attempts.items():
        *failed, final = tries
        assert all(t.call.status in (503, None) for t in failed), tries
        assert final.call.status in (200, 409), tries
        if final.call.status == 409:
            assert failed, f"409 to the first PATCH of {pk}: {final.body}"
            told[pk] = final.body["practice_task"]
        else:
            told[pk] = final.body
        assert told[pk]["status"] == "completed", tries
        assert told[pk]["answer"] == stored_answer(final.payload), tries

    for duplicate in run.duplicates:
        first = duplicate.body["practice_task"]
        for name in ("answer", "is_correct", "answered_at"):
            assert first[name] == told[duplicate.practice_id][name], (duplicate, told)

    # The database holds exactly the completions the clients were told about, as told.
    rows = completions_in_database(deployment)
    completed = {pk for pk, row in rows.items() if row[0] == "completed"}
    assert completed == set(told), (completed - set(told), set(told) - completed)
    for pk, body in told.items():
        _status, answer, is_correct, answered_at = rows[pk]
        assert (answer, is_correct) == (body["answer"], body["is_correct"]), (pk, rows[pk], body)
        assert answered_at == datetime.fromisoformat(body["answered_at"]), (pk, rows[pk], body)


def retried_outcomes(run: Run) -> Counter[int | None]:
    attempts: dict[int, list[Completion]] = {}
    for attempt in run.completions:
        attempts.setdefault(attempt.practice_id, []).append(attempt)
    return Counter(tries[-1].call.status for tries in attempts.values() if len(tries) > 1)


def problems(log: str, limit: int = 30) -> str:
    """The deployment's own complaints during the run, but not the middleware's 503 lines."""
    lines = [
        line
        for line in log.splitlines()
        if any(word in line for word in ("ERROR", "CRITICAL", "Traceback", "Error:"))
        and "answered 503" not in line
        and "/api/health/" not in line  # health's own 503s while the database is down
    ]
    return "\n".join(lines[:limit]) + (
        f"\n… {len(lines) - limit} more" if len(lines) > limit else ""
    )


def summary(run: Run, log: str, trainings: str) -> str:
    outage = run.outage

    def phase(c: Call) -> str:
        if c.started < outage.stop_sent:
            return "before"
        if c.started <= outage.started:
            return "outage"
        return "after"

    lines = [
        f"outage: stop sent {outage.stop_sent:.1f} s, down {outage.stopped:.1f} s, start sent "
        f"{outage.start_sent:.1f} s, up {outage.started:.1f} s (run {run.now():.0f} s)"
    ]
    for name in ("before", "outage", "after"):
        statuses = Counter(
            (c.kind, c.status) for c in run.calls if c.kind in EXPECTED_STATUS and phase(c) == name
        )
        lines.append(
            f"  {name:<7} "
            + ", ".join(f"{k} {s}: {n}" for (k, s), n in sorted(statuses.items(), key=str))
        )
    for process in (0, 1):
        mine = [c for c in run.calls if c.process == process and c.kind in EXPECTED_STATUS]
        refused = [c.started for c in mine if c.status == 503]
        back = [
            c.call.started + c.call.seconds
            for c in run.completions
            if c.process == process and c.call.status == 200 and c.call.started >= outage.started
        ]
        slowest = max((c.seconds for c in mine if phase(c) == "outage"), default=0.0)
        recovered = min(back, default=0.0) - outage.started
        lines.append(
            f"  process {process}: 503s {len(refused)} from {min(refused, default=0):.1f} to "
            f"{max(refused, default=0):.1f} s; first completion {recovered:.1f} s after "
            f"PostgreSQL was up; slowest answer during the outage {slowest:.2f} s"
        )
    down = [s.at for s in run.health if s.database_ok is False]
    lines.append(
        f"  health down from {min(down, default=0):.1f} to {max(down, default=0):.1f} s; "
        f"PATCHes answered only when sent again: {retried_outcomes(run)}; "
        f"completions: {sum(1 for c in run.completions if c.call.status == 200)}"
    )
    lines.append(f"  training runs: {trainings}")
    lines.append(f"  deployment log during the run, problems:\n{problems(log)}")
    return "\n".join(lines)


# --- a training through the restart -----------------------------------------------------------

TRAINING_START_BOUND = 120.0
TRAINING_END_BOUND = 240.0  # after PostgreSQL is back: the run retries its bookkeeping ~60 s


def run_rows(deployment: Deployment) -> dict[int, tuple[str, Any, Any]]:
    rows = query(deployment, "SELECT id, state, started_at, finished_at FROM mlmodels_trainingrun")
    return {pk: (state, started, finished) for pk, state, started, finished in rows}


def no_training_in_flight(deployment: Deployment, rows: dict[int, tuple[str, Any, Any]]) -> bool:
    if any(state in ("queued", "running") for state, *_ in rows.values()):
        return False
    return query(deployment, "SELECT state FROM mlmodels_trainingtracker") in ([], [("idle",)])


def wait_for_run(deployment: Deployment, check: Callable[[dict], Any], bound: float, what: str):
    deadline = time.monotonic() + bound
    while True:
        try:
            found = check(run_rows(deployment))
        except Exception:  # the database is coming back
            found = None
        if found:
            return found
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {bound:.0f} s waiting for {what}: {run_rows(deployment)}")
        time.sleep(0.5)


def test_a_training_running_through_the_restart_ends_and_the_next_one_publishes(
    deployment: Deployment,
) -> None:
    """The worker's connection dies under a training: the run must still end (succeeded, or
    failed once the database is back), never stay "running", and the next one must publish."""
    cluster = postgres_cluster()
    check_cluster_serves_deployment(cluster)
    # The load test before this one completes tasks, and so triggers trainings: let them end.
    wait_for_run(
        deployment,
        lambda rows: no_training_in_flight(deployment, rows),
        TRAINING_START_BOUND + TRAINING_END_BOUND,
        "the trainings already queued or running to end",
    )
    before = set(run_rows(deployment))
    deployment.manage("train_models", "--queue")
    running = wait_for_run(
        deployment,
        lambda rows: [
            pk for pk, (state, *_) in rows.items() if pk not in before and state == "running"
        ],
        TRAINING_START_BOUND,
        "the queued training to start",
    )[0]
    try:
        asyncio.run(pg_ctl(cluster, "stop"))
        time.sleep(OUTAGE_HOLD_SECONDS)  # the deliberate outage, while the worker trains
    finally:
        ensure_cluster_online(cluster)
        connections.close_all()
    back = time.monotonic()

    state = wait_for_run(
        deployment,
        lambda rows: rows[running][0] if rows[running][0] in ("succeeded", "failed") else None,
        TRAINING_END_BOUND,
        f"run {running} to end",
    )
    assert time.monotonic() - back < TRAINING_END_BOUND
    # Whatever this run's outcome, the tracker is free and the next training publishes.
    after = set(run_rows(deployment))
    deployment.manage("train_models", "--queue")
    nxt = wait_for_run(
        deployment,
        lambda rows: [pk for pk, (s, *_) in rows.items() if pk not in after and s == "succeeded"],
        TRAINING_START_BOUND + TRAINING_END_BOUND,
        "the next training to publish",
    )[0]
    versions = query(
        deployment, "SELECT count(*) FROM mlmodels_modelversion WHERE run_id = %s", nxt
    )
    assert versions[0][0] == 3, f"run {running} ended {state}; run {nxt} published {versions}"
