"""Soak: ten minutes of mixed load on the two-process deployment, watching for leaks.

A fresh deployment (`deployment.fresh_deployment`: PostgreSQL, Redis, `start_all
--web-processes 2`, DEBUG off, retraining as shipped: every 5th completion, at least
RETRAIN_MIN_INTERVAL_SECONDS apart, so the ml worker trains now and then as in production).
Every client is its own logged-in student; HTTP requests and new sockets go round-robin to
the processes' ports, as a load balancer would send them.

- practising students: dashboard, assign, task page, 10-30 s on the task, complete (PATCH),
  result page, 3-10 s, again;
- browsing students: the dashboard, history or progress page every 5-15 s;
- chatting students: a tutor socket, 1-3 questions 10-30 s apart, close, 5-20 s, a new socket
  (so sockets open and close all along, which is where descriptors and channel-layer
  connections would leak).

Every 15 s, for every process of start_all's process group (start_all, each daphne,
each cluster's qcluster parent, sentinel, workers, monitor, pusher): RSS (/proc/<pid>/status
VmRSS) and open file descriptors (/proc/<pid>/fd); the deployment's Redis clients (CLIENT LIST
on its db; INFO clients for the whole server, others' included) and PostgreSQL connections to
its database (pg_stat_activity). The first sample is taken before any client connects; one
more, 5 s after every client has closed, shows what the load left behind (descriptors or
connections still open). Each value's peak is reported too, and for PostgreSQL the server's
total against max_connections at that peak: a count that climbs and falls back in waves (as
per-thread connections do when the garbage collector reclaims them) is not a steady rise, but
its peak is what runs into the limit.

A value is flagged as growing when it grew more than 10 % from the first sample of the second
minute (after the warm-up: imports, caches, the first training) to the last, by more than a
floor (5 MiB, 2 descriptors or connections), and the later half of those samples sits higher
than the earlier half (a steady rise, not one spike at the end). --quick: one minute, samples
every 10 s, the "second minute" being its second quarter.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import random
import statistics
import time
from dataclasses import dataclass, field

from benchmarks.deployment import Deployment, create_student_sessions, fresh_deployment
from benchmarks.loadclients import (
    ASK_TIMEOUT_S,
    QUESTIONS,
    REQUEST_TIMEOUT,
    Balancer,
    Level,
    PostgresProbe,
    ProcessTable,
    ProcSample,
    Recorder,
    RedisProbe,
    Student,
    ask,
    log_digest,
    log_problems,
    open_students,
    open_tutor_socket,
    percentile,
)

NAME = "soak"
DESCRIPTION = "10 min of mixed load on the two-process deployment: memory, fds, connections"

GROWTH_LIMIT = 0.10
FLOORS = {"rss": 5 * 1024, "fds": 2, "conns": 2}  # rss in KiB
DRAIN_SECONDS = 5.0
FIRST_QUESTIONS = tuple(q for q in QUESTIONS if q.startswith(("what", "how")))
FOLLOW_UPS = tuple(q for q in QUESTIONS if q not in FIRST_QUESTIONS)
HTTP_KINDS = ("dashboard", "assign", "task page", "complete", "result", "history", "progress")
TRAINING_RUNS = """
import json
from django.db.models import Count, Sum
from mlmodels.models import TrainingRun
rows = TrainingRun.objects.values("state").annotate(n=Count("pk"), s=Sum("seconds"))
print("RUNS=" + json.dumps({r["state"]: [r["n"], r["s"] or 0] for r in rows}))
"""


@dataclass(frozen=True)
class Sizes:
    seconds: float
    sample_every: float
    practising: int
    browsing: int
    chatting: int
    think_scale: float  # the think times above, scaled (a quick run gets through more cycles)


FULL = Sizes(seconds=600, sample_every=15, practising=40, browsing=10, chatting=10, think_scale=1)
QUICK = Sizes(seconds=60, sample_every=10, practising=10, browsing=4, chatting=4, think_scale=0.5)


@dataclass
class Snapshot:
    t: float  # seconds since the load began (the idle snapshot: since the sampler started)
    procs: dict[int, ProcSample]
    redis_server: int
    redis_ours: int
    pg: dict[str, int]
    pg_server: int  # connections to the whole PostgreSQL server, other databases' included

    @property
    def pg_total(self) -> int:
        return sum(self.pg.values())


@dataclass
class Load:
    recorder: Recorder = field(default_factory=Recorder)
    tutor: Level = field(default_factory=lambda: Level(0))
    sockets_opened: int = 0


# --------------------------------------------------------------------------------------------
# Clients


async def nap(seconds: float, until: float) -> bool:
    """Sleep `seconds`, or until `until` (monotonic) if that comes first; False if it did."""
    left = until - time.monotonic()
    await asyncio.sleep(max(0.0, min(seconds, left)))
    return seconds < left


async def practise(student: Student, rng: random.Random, until: float, scale: float) -> None:
    await nap(rng.uniform(0, 10) * scale, until)
    while time.monotonic() < until:
        await student.call("dashboard", "GET", "/")
        item = await student.assign()
        if item is not None:
            page = await student.call("task page", "GET", f"/practice/{item['id']}/")
            solved = await nap(rng.uniform(10, 30) * scale, until)
            if page is not None and solved and await student.complete(item):
                await student.call("result", "GET", f"/practice/{item['id']}/result/")
        await nap(rng.uniform(3, 10) * scale, until)


async def browse(student: Student, rng: random.Random, until: float, scale: float) -> None:
    pages = (("dashboard", "/"), ("history", "/history/"), ("progress", "/progress/"))
    await nap(rng.uniform(0, 5) * scale, until)
    while time.monotonic() < until:
        kind, path = rng.choice(pages)
        await student.call(kind, "GET", path)
        await nap(rng.uniform(5, 15) * scale, until)


async def chat(
    balancer: Balancer, key: str, load: Load, rng: random.Random, until: float, scale: float
) -> None:
    await nap(rng.uniform(0, 10) * scale, until)
    frames: list[int] = []
    while time.monotonic() < until:
        started = time.perf_counter()
        try:
            ws = await open_tutor_socket(balancer.next_url(), key)
        except Exception as exc:  # refused, timed out, or closed before the chat frame
            load.recorder.fail("tutor connect", type(exc).__name__)
            await nap(5, until)
            continue
        load.recorder.ok("tutor connect", (time.perf_counter() - started) * 1000)
        load.sockets_opened += 1
        try:
            questions = [rng.choice(FIRST_QUESTIONS)]
            questions += rng.sample(FOLLOW_UPS, rng.randint(0, 2))
            for question in questions:
                await ask(ws, question, load.tutor, frames)
                if not await nap(rng.uniform(10, 30) * scale, until):
                    break
        except Exception as exc:  # the socket closed under an ask
            load.tutor.failures[type(exc).__name__] += 1
        finally:
            await ws.close()
        await nap(rng.uniform(5, 20) * scale, until)


# --------------------------------------------------------------------------------------------
# Sampling


class Sampler:
    """Snapshots of the deployment: `idle` before any client, `snapshots` from the start of the
    load (t = 0) to its end, `after` once every client has closed and DRAIN_SECONDS passed."""

    def __init__(self, dep: Deployment) -> None:
        self.processes = ProcessTable(dep.process.pid)
        self.redis = RedisProbe(dep.env["REDIS_URL"])
        self.postgres = PostgresProbe(dep.env["DATABASE_URL"])
        self.snapshots: list[Snapshot] = []
        self.idle: Snapshot | None = None
        self.after: Snapshot | None = None
        self.began = time.monotonic()
        self.max_connections = 0

    def _take(self) -> Snapshot:
        procs = {p.pid: p for p in self.processes.scan()}
        redis_server, redis_ours = self.redis.counts()
        pg = self.postgres.by_state()
        pg_server, self.max_connections = self.postgres.server_totals()
        t = time.monotonic() - self.began
        return Snapshot(t, procs, redis_server, redis_ours, pg, pg_server)

    async def take(self) -> Snapshot:
        return await asyncio.to_thread(self._take)

    async def every(self, seconds: float, until: float) -> None:
        while await nap(seconds, until):
            snap = await self.take()
            self.snapshots.append(snap)
            rss = sum(p.rss_kb for p in snap.procs.values()) / 1024
            print(
                f"  t={snap.t:4.0f} s: {len(snap.procs)} processes, {rss:.0f} MiB, "
                f"redis {snap.redis_ours}, postgres {snap.pg_total}",
                flush=True,
            )

    def close(self) -> None:
        self.redis.close()
        self.postgres.close()


async def soak(dep: Deployment, keys: list[str], sizes: Sizes) -> tuple[Load, Sampler, float]:
    balancer = Balancer(dep.urls)
    load = Load()
    n_http = sizes.practising + sizes.browsing
    sampler = Sampler(dep)
    students: list[Student] = []
    try:
        sampler.idle = await sampler.take()
        students = await open_students(balancer, keys[:n_http])
        for student in students:
            student.recorder = load.recorder
        rng = random.Random(20)
        sampler.began = time.monotonic()
        until = sampler.began + sizes.seconds
        sampler.snapshots.append(await sampler.take())
        scale = sizes.think_scale
        clients = [
            *(
                practise(s, random.Random(rng.random()), until, scale)
                for s in students[: sizes.practising]
            ),
            *(
                browse(s, random.Random(rng.random()), until, scale)
                for s in students[sizes.practising :]
            ),
            *(
                chat(balancer, key, load, random.Random(rng.random()), until, scale)
                for key in keys[n_http : n_http + sizes.chatting]
            ),
        ]
        # Bounded: every client stops at `until`; what is in flight then has its own timeout.
        async with asyncio.timeout(sizes.seconds + REQUEST_TIMEOUT + ASK_TIMEOUT_S + 30):
            await asyncio.gather(sampler.every(sizes.sample_every, until), *clients)
        sampler.snapshots.append(await sampler.take())  # the end of the load
        elapsed = time.monotonic() - sampler.began
        await asyncio.gather(*(s.aclose() for s in students))
        students = []
        await asyncio.sleep(DRAIN_SECONDS)
        sampler.after = await sampler.take()  # what the load left behind
    finally:
        await asyncio.gather(*(s.aclose() for s in students), return_exceptions=True)
        sampler.close()
    return load, sampler, elapsed


# --------------------------------------------------------------------------------------------
# Report


def grows(series: list[float], floor: float) -> bool:
    """More than GROWTH_LIMIT (and `floor`) up from the first to the last value, and the later
    half of the series higher than the earlier half: a steady rise."""
    if len(series) < 3 or series[-1] - series[0] <= floor:
        return False
    if series[-1] <= series[0] * (1 + GROWTH_LIMIT):
        return False
    half = len(series) // 2
    return statistics.median(series[half:]) > statistics.median(series[: half + len(series) % 2])


def series_text(
    points: tuple[Snapshot, ...], during: list[Snapshot], pid: int, attr: str, scale: float = 1.0
) -> str:
    """ "first / mid / last / peak (after)" of one process's value."""
    shown = [
        f"{getattr(s.procs[pid], attr) / scale:.0f}" if pid in s.procs else "-" for s in points
    ]
    peak = max(getattr(s.procs[pid], attr) / scale for s in during if pid in s.procs)
    return f"{shown[0]} / {shown[1]} / {shown[2]} / {peak:.0f} ({shown[3]})"


def pct(first: float, last: float) -> str:
    return f"{100 * (last - first) / first:+.0f} %" if first else "-"


def fmt(ms: float) -> str:
    return "-" if ms != ms else f"{ms:.0f}"


ROLE_ORDER = ("start_all", "daphne", "qcluster", "sentinel", "worker", "monitor", "pusher")


def role_rank(label: str) -> tuple[int, int, str]:
    """start_all, the daphnes, then each cluster's processes parent first."""
    cluster = 1 if label.startswith("jobs") else 2 if label.startswith("ml") else 0
    role = next((i for i, r in enumerate(ROLE_ORDER) if r in label), len(ROLE_ORDER))
    return cluster, role, label


def resource_lines(sampler: Sampler, sizes: Sizes) -> tuple[list[str], list[str], list[str]]:
    """The per-process table and the shared connections; what grew; what was left behind."""
    during = sampler.snapshots
    idle, after = sampler.idle, sampler.after
    assert idle is not None and after is not None
    last = during[-1]
    middle = min(during, key=lambda s: abs(s.t - sizes.seconds / 2))
    base_t = min(60.0, sizes.seconds / 4)
    later = [s for s in during if s.t >= base_t] or [last]
    points = (idle, middle, last, after)
    grew: list[str] = []
    left: list[str] = []
    lines = [
        f"  {'process':<18} {'pid':>7}  {'RSS MiB first/mid/last/peak (after)':<35} "
        f"{'growth':>7}  {'fds first/mid/last/peak (after)':<31} {'growth':>7}",
    ]
    labels = sampler.processes.labels
    pids = {pid for s in [idle, *during, after] for pid in s.procs}
    for pid in sorted(pids, key=lambda p: (role_rank(labels.get(p, "?")), p)):
        seen = [s for s in during if pid in s.procs]
        if not seen:
            continue
        label = labels.get(pid, "?")
        tail = [s for s in later if pid in s.procs]
        rss = [float(s.procs[pid].rss_kb) for s in tail]
        fds = [float(s.procs[pid].fds) for s in tail]
        note = ""
        if pid not in idle.procs:
            note = f"started at t~{seen[0].t:.0f} s"
        elif pid not in after.procs:
            note = f"gone after t~{seen[-1].t:.0f} s"
        lines.append(
            f"  {label:<18} {pid:>7}  {series_text(points, during, pid, 'rss_kb', 1024):<35} "
            f"{pct(rss[0], rss[-1]) if rss else '-':>7}  "
            f"{series_text(points, during, pid, 'fds'):<31} "
            f"{pct(fds[0], fds[-1]) if fds else '-':>7}"
            f"  {note}"
        )
        if note:
            continue
        if grows(rss, FLOORS["rss"]):
            grew.append(f"{label} (pid {pid}) RSS {rss[0] / 1024:.0f} -> {rss[-1] / 1024:.0f} MiB")
        if grows(fds, FLOORS["fds"]):
            grew.append(f"{label} (pid {pid}) open fds {fds[0]:.0f} -> {fds[-1]:.0f}")
        before, behind = idle.procs[pid].fds, after.procs[pid].fds
        if left_behind(before, behind, FLOORS["fds"]):
            left.append(f"{label} (pid {pid}) open fds {before} before the load, {behind} after")
    shared = (
        ("redis clients, this db", lambda s: s.redis_ours, True),
        ("redis clients, server", lambda s: s.redis_server, False),  # others' too: no flag
        ("postgres conns", lambda s: s.pg_total, True),
        ("  of them active", lambda s: s.pg.get("active", 0), False),
        ("  idle", lambda s: s.pg.get("idle", 0), False),
        ("  idle in transaction", lambda s: s.pg.get("idle in transaction", 0), False),
    )
    lines += ["", f"  {'connections':<26} {'first/mid/last/peak (after)':<30} {'growth':>7}"]
    for name, get, flaggable in shared:
        series = [float(get(s)) for s in later]
        peak = max(get(s) for s in during)
        lines.append(
            f"  {name:<26} {get(idle):>4} /{get(middle):>4} /{get(last):>4} /{peak:>4} "
            f"({get(after):>4}){'':<4} {pct(series[0], series[-1]):>7}"
        )
        if flaggable and grows(series, FLOORS["conns"]):
            grew.append(f"{name.strip()} {series[0]:.0f} -> {series[-1]:.0f}")
        if flaggable and left_behind(get(idle), get(after), FLOORS["conns"]):
            left.append(f"{name.strip()}: {get(idle)} before the load, {get(after)} after")
    top = max(during, key=lambda s: s.pg_total)
    drops = sum(1 for a, b in itertools.pairwise(during) if b.pg_total < a.pg_total * 2 / 3)
    lines.append(
        f"  postgres conns peaked at {top.pg_total} at t={top.t:.0f} s (the whole server then: "
        f"{top.pg_server} of max_connections {sampler.max_connections}); the count fell by a "
        f"third or more between two samples {drops} time(s)"
    )
    return lines, grew, left


def left_behind(before: float, after: float, floor: float) -> bool:
    return after - before > floor and after > before * (1 + GROWTH_LIMIT)


def request_lines(load: Load, began: float, seconds: float) -> list[str]:
    rec = load.recorder
    third = seconds / 3
    lines = [
        f"  {'request':<16} {'n':>6} {'p50 ms':>7} {'p99 ms':>7} {'errors':>6}   "
        f"{'p50 1st third':>13} {'p50 last third':>14}"
    ]
    for kind in [*HTTP_KINDS, "tutor connect"]:
        lines.append(
            f"  {kind:<16} {rec.count(kind):>6} {fmt(rec.p(kind, 50)):>7} "
            f"{fmt(rec.p(kind, 99)):>7} {rec.error_count(kind):>6}   "
            f"{fmt(rec.p_between(kind, 50, began, began + third)):>13} "
            f"{fmt(rec.p_between(kind, 50, began + 2 * third, began + 4 * third)):>14}"
        )
    tutor = load.tutor
    failed = sum(tutor.failures.values())
    for name, values in (("tutor TTFT", tutor.ttfts), ("tutor reply", tutor.totals)):
        lines.append(
            f"  {name:<16} {len(values):>6} {fmt(percentile(values, 50)):>7} "
            f"{fmt(percentile(values, 99)):>7} {failed:>6}"
        )
    why = [f"{k} x{v}" for k, v in sorted(tutor.failures.items())]
    errors = rec.error_summary()
    lines.append(
        f"  errors: {errors}" + (f"; tutor asks: {', '.join(why)}" if why else "")
        if why or errors != "none"
        else "  errors: none"
    )
    return lines


def report(
    load: Load, sampler: Sampler, sizes: Sizes, elapsed: float, runs: dict[str, list[float]]
) -> str:
    resources, grew, left = resource_lines(sampler, sizes)
    trainings = ", ".join(f"{n:.0f} {state} ({s:.0f} s)" for state, (n, s) in runs.items())
    base_t = min(60.0, sizes.seconds / 4)
    lines = [
        f"{elapsed:.0f} s of mixed load on two daphne processes + both clusters (PostgreSQL + "
        "Redis, DEBUG off, retraining as shipped), requests and sockets round-robin:",
        f"  {sizes.practising} students practising (dashboard, assign, task page, "
        f"{10 * sizes.think_scale:.0f}-{30 * sizes.think_scale:.0f} s on the task, complete, "
        f"result page), {sizes.browsing} browsing (dashboard / history / progress every "
        f"{5 * sizes.think_scale:.0f}-{15 * sizes.think_scale:.0f} s), {sizes.chatting} chatting "
        f"with the offline tutor (1-3 questions per socket, then a new one: "
        f"{load.sockets_opened} sockets)",
        f"  trainings in the run (the ml worker): {trainings or 'none'}",
        f"  load average at the end: {' '.join(f'{x:.1f}' for x in os.getloadavg())}",
        "",
        *request_lines(load, sampler.began, elapsed),
        "",
        f"resources, sampled every {sizes.sample_every:.0f} s ({len(sampler.snapshots)} "
        f"samples): first = before any client connected, mid = t~{sizes.seconds / 2:.0f} s, "
        f"last = the end of the load, after = {DRAIN_SECONDS:.0f} s after every client closed; "
        f"growth = from the first sample at t >= {base_t:.0f} s to the last",
        *resources,
        "",
        "steadily growing under load (> 10 % after the warm-up, still rising at the end):",
        *([f"  {f}" for f in grew] or ["  nothing"]),
        "left behind (descriptors or connections > 10 % above the idle start once every client "
        "had closed):",
        *([f"  {f}" for f in left] or ["  nothing"]),
    ]
    return "\n".join(lines)


def run(args: argparse.Namespace) -> str:
    sizes = QUICK if args.quick else FULL
    students = sizes.practising + sizes.browsing + sizes.chatting
    with fresh_deployment(web_processes=2, seed=True) as dep:
        keys = create_student_sessions(dep.env, students, prefix="soak")
        try:
            load, sampler, elapsed = asyncio.run(soak(dep, keys, sizes))
        except Exception as exc:
            raise RuntimeError(f"{exc}\nthe deployment's log:\n{log_problems(dep.log())}") from exc
        out = dep.manage("shell", "-c", TRAINING_RUNS)
        runs = json.loads(out.split("RUNS=", 1)[1])
        return report(load, sampler, sizes, elapsed, runs) + "\n\n" + log_digest(dep.log())


if __name__ == "__main__":
    import sys

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "studysmart.settings")
    print(run(argparse.Namespace(quick="--quick" in sys.argv)))
