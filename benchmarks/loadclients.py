"""Load clients and probes shared by the deployment benchmarks (bench_load, bench_soak).

- `Balancer`: every request goes to the next web process's port, round-robin over all clients,
  which is what a load balancer in front of the processes would do.
- `Student`: one logged-in student (`sessionid` cookie, `X-CSRFToken` as the page's JavaScript
  sends it) on an httpx AsyncClient; `call()` times one request into a `Recorder` by kind.
- `open_tutor_socket`: a tutor chat socket, opened as `bench_tutor` opens them; the ask itself
  is `bench_tutor.ask` (TTFT and whole-reply times into a `bench_tutor.Level`).
- `ProcessTable`: the deployment's processes (start_all's process group), labelled by role, with
  RSS, open file descriptors and CPU time read from /proc.
- `PostgresProbe`, `RedisProbe`: the deployment's connections to PostgreSQL (pg_stat_activity)
  and to Redis (CLIENT LIST on its db; INFO clients for the whole server).

Percentiles are nearest-rank (`bench_completion.percentile`). A failed request (an unexpected
status, a timeout, a dropped connection) counts as an error of its kind, not as a latency.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import random
import string
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from benchmarks.bench_completion import answer_for, percentile
from benchmarks.bench_tutor import ASK_TIMEOUT_S, QUESTIONS, Level, ask, lag_monitor

__all__ = [
    "ASK_TIMEOUT_S",
    "QUESTIONS",
    "REQUEST_TIMEOUT",
    "Balancer",
    "Level",
    "PostgresProbe",
    "ProcSample",
    "ProcessTable",
    "Recorder",
    "RedisProbe",
    "Student",
    "answer_for",
    "ask",
    "lag_monitor",
    "log_digest",
    "log_problems",
    "open_students",
    "open_tutor_socket",
    "percentile",
]

REQUEST_TIMEOUT = 30.0
OPEN_ATTEMPTS = 5
OPEN_RETRY_SECONDS = 1.0
SOCKET_OPEN_TIMEOUT = 30.0
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


class Balancer:
    """Round-robin over the web processes' base URLs, shared by every client."""

    def __init__(self, urls: list[str]) -> None:
        if not urls:
            raise ValueError("no web process to send requests to")
        self.urls = list(urls)
        self._turn = itertools.count()

    def next_url(self) -> str:
        return self.urls[next(self._turn) % len(self.urls)]


@dataclass
class Recorder:
    """Latencies (ms) of successful requests, when each ended (time.monotonic()), and error
    counts, by request kind."""

    ms: dict[str, list[float]] = field(default_factory=dict)
    ended: dict[str, list[float]] = field(default_factory=dict)
    errors: dict[str, Counter[str]] = field(default_factory=dict)

    def ok(self, kind: str, ms: float) -> None:
        self.ms.setdefault(kind, []).append(ms)
        self.ended.setdefault(kind, []).append(time.monotonic())

    def fail(self, kind: str, why: str) -> None:
        self.errors.setdefault(kind, Counter())[why] += 1

    def kinds(self) -> list[str]:
        return list(dict.fromkeys([*self.ms, *self.errors]))

    def count(self, kind: str) -> int:
        return len(self.ms.get(kind, []))

    def error_count(self, kind: str | None = None) -> int:
        kinds = [kind] if kind else list(self.errors)
        return sum(sum(self.errors.get(k, Counter()).values()) for k in kinds)

    def error_summary(self) -> str:
        parts = [
            f"{kind} {why} x{n}"
            for kind, counter in self.errors.items()
            for why, n in counter.most_common()
        ]
        return ", ".join(parts) or "none"

    def p(self, kind: str, q: float) -> float:
        return percentile(self.ms.get(kind, []), q)

    def p_between(self, kind: str, q: float, start: float, end: float) -> float:
        """The percentile of the requests that ended in [start, end) (monotonic times)."""
        pairs = zip(self.ended.get(kind, []), self.ms.get(kind, []), strict=True)
        return percentile([ms for at, ms in pairs if start <= at < end], q)


@dataclass
class Student:
    """One logged-in student's browser: its cookies, and requests spread by the balancer."""

    client: Any  # httpx.AsyncClient
    balancer: Balancer
    recorder: Recorder
    page_task: int | None = None  # a pending practice task whose page the student can view

    async def call(
        self, kind: str, method: str, path: str, *, expect: int = 200, **kwargs: Any
    ) -> Any | None:
        """One request, timed into the recorder under `kind`; the response, or None on error."""
        import httpx

        url = self.balancer.next_url() + path
        started = time.perf_counter()
        try:
            response = await self.client.request(method, url, **kwargs)
        except httpx.HTTPError as exc:  # a timeout or a dropped connection is a result too
            self.recorder.fail(kind, type(exc).__name__)
            return None
        ms = (time.perf_counter() - started) * 1000
        if response.status_code != expect:
            self.recorder.fail(kind, str(response.status_code))
            return None
        self.recorder.ok(kind, ms)
        return response

    async def assign(self, kind: str = "assign") -> dict[str, Any] | None:
        """One new practice task (the API's assign), or None."""
        response = await self.call(
            kind, "POST", "/api/practice-tasks/assign/", expect=201, json={"count": 1}
        )
        if response is None:
            return None
        items = response.json()
        if not items:
            self.recorder.fail(kind, "empty")
            return None
        return dict(items[0])

    async def complete(self, item: dict[str, Any], kind: str = "complete") -> bool:
        """The completion as the page's JavaScript sends it (PATCH with the answer)."""
        path = f"/api/practice-tasks/{item['id']}/"
        return await self.call(kind, "PATCH", path, json=answer_for(item)) is not None

    async def aclose(self) -> None:
        await self.client.aclose()


async def open_student(
    balancer: Balancer, session_key: str, recorder: Recorder, *, page_task: bool
) -> Student:
    """A student with its CSRF cookie (from the dashboard) and, if asked, a pending task."""
    import httpx

    # Two connections at most: one kept alive to each of the two web processes.
    limits = httpx.Limits(max_connections=len(balancer.urls), max_keepalive_connections=4)
    client = httpx.AsyncClient(timeout=REQUEST_TIMEOUT, follow_redirects=False, limits=limits)
    client.cookies.set("sessionid", session_key, domain="127.0.0.1")
    student = Student(client, balancer, recorder)

    async def patiently(step: Callable[[], Awaitable[Any | None]], what: str) -> Any:
        # Set-up is not measured: a refusal (a 503 while the database is short of connections,
        # say) is retried as a person would, and only a lasting one fails the benchmark.
        for _ in range(OPEN_ATTEMPTS):
            result = await step()
            if result is not None:
                return result
            await asyncio.sleep(OPEN_RETRY_SECONDS)
        raise RuntimeError(f"{what} failed {OPEN_ATTEMPTS} times: {recorder.error_summary()}")

    try:
        # The dashboard hands out the CSRF cookie a browser would send back as X-CSRFToken;
        # a visit per web process (as the balancer spreads them) warms both.
        for _ in balancer.urls:
            await patiently(lambda: student.call("open", "GET", "/"), "the dashboard")
        token = client.cookies.get("csrftoken")
        if not token:
            token = "".join(random.choices(string.ascii_letters + string.digits, k=32))
            client.cookies.set("csrftoken", token, domain="127.0.0.1")
        client.headers["X-CSRFToken"] = token
        if page_task:
            item = await patiently(lambda: student.assign("open"), "assign")
            student.page_task = int(item["id"])
    except BaseException:
        await client.aclose()
        raise
    return student


async def open_students(
    balancer: Balancer, session_keys: list[str], *, page_task: bool = False, batch: int = 8
) -> list[Student]:
    """Students for all the keys, a batch at a time; raises (closing those opened) on failure."""
    opened: list[Student] = []
    warmup = Recorder()
    try:
        for start in range(0, len(session_keys), batch):
            keys = session_keys[start : start + batch]
            results = await asyncio.gather(
                *(open_student(balancer, k, warmup, page_task=page_task) for k in keys),
                return_exceptions=True,
            )
            opened += [r for r in results if isinstance(r, Student)]
            failures = [r for r in results if not isinstance(r, Student)]
            if failures:
                raise RuntimeError(f"could not open {len(failures)} students: {failures[0]!r}")
    except BaseException:
        await asyncio.gather(*(s.aclose() for s in opened), return_exceptions=True)
        raise
    return opened


async def open_tutor_socket(url: str, session_key: str) -> Any:
    """A tutor chat socket past its `chat` frame (the same options as bench_tutor's)."""
    from websockets.asyncio.client import connect

    ws = await connect(
        url.replace("http://", "ws://") + "/ws/tutor/",
        origin=url,  # type: ignore[arg-type]
        additional_headers={"Cookie": f"sessionid={session_key}"},
        open_timeout=SOCKET_OPEN_TIMEOUT,
        close_timeout=5,
        max_queue=None,
        compression=None,
    )
    try:
        async with asyncio.timeout(SOCKET_OPEN_TIMEOUT):
            frame = json.loads(await ws.recv())
        if frame.get("type") != "chat":
            raise RuntimeError(f"expected the chat frame, got {frame}")
    except BaseException:
        await ws.close()
        raise
    return ws


# --------------------------------------------------------------------------------------------
# The deployment's processes


@dataclass
class ProcSample:
    pid: int
    label: str
    rss_kb: int
    fds: int
    cpu_s: float


def _stat_fields(pid: int) -> list[str]:
    # Fields after the command name, which may itself contain spaces and parentheses:
    # [0] state, [1] ppid, [2] pgrp, [11] utime, [12] stime, [19] starttime (man 5 proc).
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()


class ProcessTable:
    """The processes of one process group (start_all's), each with a stable role label.

    Roles: start_all; daphne :PORT; for each cluster (jobs, or ml when the process has
    Q_CLUSTER_NAME=ml) the qcluster parent, its sentinel and the sentinel's children. django-q2
    forks the workers first, then the monitor, then the pusher, so in the first scan the
    sentinel's two youngest children are the monitor and the pusher; a child seen later is a
    worker started in place of a recycled one.
    """

    def __init__(self, group: int) -> None:
        self.group = group
        self.labels: dict[int, str] = {}
        self.scans = 0

    def pids(self) -> list[int]:
        found = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                if int(_stat_fields(int(entry.name))[2]) == self.group:
                    found.append(int(entry.name))
            except (OSError, IndexError, ValueError):
                continue
        return sorted(found)

    def scan(self) -> list[ProcSample]:
        pids = self.pids()
        self._label_new(pids)
        self.scans += 1
        samples = []
        for pid in pids:
            try:
                fields = _stat_fields(pid)
                status = Path(f"/proc/{pid}/status").read_text()
                fds = len(os.listdir(f"/proc/{pid}/fd"))
            except OSError:  # it exited between the listing and the read
                continue
            rss = next(
                (int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:")),
                0,
            )
            cpu = (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
            samples.append(ProcSample(pid, self.labels.get(pid, "?"), rss, fds, cpu))
        return samples

    def cpu_seconds(self) -> float:
        """User + system CPU of the group's live processes."""
        total = 0.0
        for pid in self.pids():
            try:
                fields = _stat_fields(pid)
            except OSError:
                continue
            total += (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
        return total

    def _label_new(self, pids: list[int]) -> None:
        info: dict[int, tuple[int, int, str, str]] = {}
        for pid in pids:
            try:
                fields = _stat_fields(pid)
                cmd = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
                env = Path(f"/proc/{pid}/environ").read_bytes()
            except OSError:
                continue
            cluster = "ml" if b"\0Q_CLUSTER_NAME=ml\0" in b"\0" + env else "jobs"
            info[pid] = (int(fields[1]), int(fields[19]), cmd, cluster)
        children: dict[int, list[int]] = {}
        for pid, (ppid, *_rest) in info.items():
            children.setdefault(ppid, []).append(pid)
        for pid, (ppid, _start, cmd, cluster) in sorted(info.items(), key=lambda i: i[1][1]):
            if pid in self.labels:
                continue
            if pid == self.group:
                self.labels[pid] = "start_all"
            elif "daphne" in cmd:
                words = cmd.split()
                port = words[words.index("-p") + 1] if "-p" in words[:-1] else "?"
                self.labels[pid] = f"daphne :{port}"
            elif "qcluster" not in cmd:
                self.labels[pid] = os.path.basename(cmd.split()[0]) if cmd else "?"
            elif ppid == self.group:
                self.labels[pid] = f"{cluster} qcluster"
            elif self.labels.get(ppid, "").endswith("qcluster"):
                self.labels[pid] = f"{cluster} sentinel"
            elif self.labels.get(ppid, "").endswith("sentinel"):
                self.labels[pid] = self._sentinel_child(pid, children[ppid], info, cluster)
            else:
                self.labels[pid] = f"{cluster} qcluster child"

    def _sentinel_child(
        self,
        pid: int,
        siblings: list[int],
        info: dict[int, tuple[int, int, str, str]],
        cluster: str,
    ) -> str:
        if self.scans:
            return f"{cluster} worker (new)"
        ordered = sorted(siblings, key=lambda p: info[p][1])
        position = ordered.index(pid)
        if len(ordered) >= 3 and position == len(ordered) - 1:
            return f"{cluster} pusher"
        if len(ordered) >= 3 and position == len(ordered) - 2:
            return f"{cluster} monitor"
        return f"{cluster} worker {position + 1}"


class PostgresProbe:
    """Connections to one database, from pg_stat_activity (the probe itself connects to the
    server's `postgres` database, so it is not among them)."""

    def __init__(self, database_url: str) -> None:
        from benchmarks.deployment import database_url as server_url

        self.name = urlsplit(database_url).path.lstrip("/")
        self.server_url = server_url("postgres")
        self._conn: Any = None

    def _cursor(self) -> Any:
        import psycopg2

        if self._conn is None or self._conn.closed:
            self._conn = psycopg2.connect(self.server_url, connect_timeout=5)
            self._conn.autocommit = True
        return self._conn.cursor()

    def by_state(self) -> dict[str, int]:
        with self._cursor() as cursor:
            cursor.execute(
                "SELECT coalesce(state, '?'), count(*) FROM pg_stat_activity"
                " WHERE datname = %s GROUP BY 1",
                [self.name],
            )
            return {str(state): int(n) for state, n in cursor.fetchall()}

    def server_totals(self) -> tuple[int, int]:
        """(connections to the whole server, its max_connections)."""
        with self._cursor() as cursor:
            cursor.execute(
                "SELECT count(*), current_setting('max_connections')::int FROM pg_stat_activity"
            )
            total, limit = cursor.fetchone()
            return int(total), int(limit)

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None


class RedisProbe:
    """Clients of the whole Redis server (INFO clients) and of one db (CLIENT LIST: the db a
    connection has selected), leaving out the probe's own connection."""

    NAME = "studysmart-bench-probe"

    def __init__(self, redis_url: str) -> None:
        import redis

        self.db = int(urlsplit(redis_url).path.lstrip("/") or 0)
        self.client = redis.Redis.from_url(
            redis_url, client_name=self.NAME, socket_timeout=5, socket_connect_timeout=5
        )

    def counts(self) -> tuple[int, int]:
        """(connected_clients of the server, clients on our db)."""
        server = int(self.client.info("clients")["connected_clients"]) - 1
        ours = sum(
            1
            for c in self.client.client_list()
            if int(c.get("db", -1)) == self.db and c.get("name") != self.NAME
        )
        return server, ours

    def close(self) -> None:
        self.client.close()


def log_problems(log: str, limit: int = 8) -> str:
    """The deployment log's last warnings and errors (request lines left out), for a failure's
    message: the log itself goes with the deployment's temporary directory."""
    problems = [
        line for line in log.splitlines() if any(w in line for w in ("WARNING", "ERROR", "Error"))
    ]
    return "\n".join(problems[-limit:]) or "(no warnings or errors in the deployment log)"


def log_digest(log: str, limit: int = 4) -> str:
    """The deployment log's warnings and errors, counted by their message (timestamps and
    request paths dropped), most frequent first: where the errors a client saw came from."""
    counts: Counter[str] = Counter()
    for line in log.splitlines():
        for level in (" WARNING ", " ERROR ", " CRITICAL "):
            if level in line:
                logger, _, message = line.split(level, 1)[1].partition(" ")
                # "GET /practice/12/: database unreachable, …" -> "database unreachable, …"
                head, _, rest = message.partition(": ")
                if rest and head.split(" ", 1)[0] in ("GET", "POST", "PATCH", "PUT", "DELETE"):
                    message = rest
                counts[f"{level.strip()} {logger}: {message[:200]}"] += 1
                break
    if not counts:
        return "deployment log: no warnings or errors"
    lines = [f"deployment log: {sum(counts.values())} warnings/errors"]
    lines += [f"  {n:>5} x {message}" for message, n in counts.most_common(limit)]
    if len(counts) > limit:
        lines.append(f"  ({len(counts) - limit} other messages)")
    return "\n".join(lines)
