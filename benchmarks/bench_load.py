"""The two-process deployment under rising load: page views, task completions, tutor sockets.

A fresh deployment (`deployment.fresh_deployment`: PostgreSQL, Redis, `start_all
--web-processes 2`, DEBUG off), seeded, with both models trained once before the clock
(`train_models`), and retraining held off for the run (`RETRAIN_MIN_INTERVAL_SECONDS` of a
day) so that every step measures the web processes, not a training beside them
(`bench_completion` measures that). Every client is its own logged-in student, and every
request goes to the next process's port, round-robin, as a load balancer would send it.

1. HTTP, closed loop (no think time), a fixed time per step at 1, 8, 32, 64 clients:
   - pages: the dashboard `/` and the task page `/practice/<id>/` (a pending task), alternately;
   - completions: assign (`POST /api/practice-tasks/assign/`), show (`GET …/<id>/`, which
     starts the task's clock) and complete (`PATCH …/<id>/`), each timed as its own kind.
   Per step and kind: requests/s, p50/p99 ms, errors; the deployment's CPU (its process
   group's user + system time over the step) and the client's own CPU and event-loop lag, so
   a client-bound step can be told from a server-bound one (one asyncio client process
   shares the 2 cores with the deployment).
2. Tutor sockets, offline model: 50, 100, 200 sockets split evenly over the two processes,
   each its own student and chat; "burst": all ask at the same instant; "staggered": the asks
   spread evenly over 5 s. TTFT (ask sent → first token frame) and the whole reply (→ done).

Last, a "how to size" paragraph computed from the figures: the concurrency at which p99 first
reaches 500 ms (or errors appear), the peak rates and the CPU they took.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from benchmarks.deployment import Deployment, create_student_sessions, fresh_deployment
from benchmarks.loadclients import (
    ASK_TIMEOUT_S,
    QUESTIONS,
    REQUEST_TIMEOUT,
    Balancer,
    Level,
    PostgresProbe,
    ProcessTable,
    Recorder,
    Student,
    ask,
    lag_monitor,
    log_digest,
    log_problems,
    open_students,
    open_tutor_socket,
    percentile,
)

NAME = "load"
DESCRIPTION = "two web processes: page views, completions and tutor sockets at rising concurrency"

P99_TARGET_MS = 500.0
STAGGER_SECONDS = 5.0
SOCKET_BATCH = 50  # sockets opened at once (a burst of handshakes is not what is measured)
# A fresh chat asks about a concept first: the follow-ups in QUESTIONS need one before them.
FIRST_QUESTIONS = tuple(q for q in QUESTIONS if q.startswith(("what", "how")))
PAGE_KINDS = ("dashboard", "task page")
COMPLETION_KINDS = ("assign", "show", "complete")
REQUESTS_PER_TASK = 5


@dataclass(frozen=True)
class Sizes:
    http_levels: list[int]
    step_seconds: float
    socket_levels: list[int]


FULL = Sizes(http_levels=[1, 8, 32, 64], step_seconds=20.0, socket_levels=[50, 100, 200])
QUICK = Sizes(http_levels=[1, 8, 16], step_seconds=6.0, socket_levels=[20, 50])


@dataclass
class Step:
    scenario: str
    clients: int
    seconds: float
    recorder: Recorder
    server_cpu: float  # % of one core, the deployment's processes together
    client_cpu: float  # % of one core, this process
    lag_p99_ms: float
    db_connections: int  # the most seen during the step, to this deployment's database
    server_connections: int  # … and to the whole PostgreSQL server (others' included)

    def rate(self, kind: str) -> float:
        return self.recorder.count(kind) / self.seconds

    def worst_p99(self, kinds: tuple[str, ...]) -> float:
        return max(self.recorder.p(k, 99) for k in kinds)

    def errors(self) -> int:
        return self.recorder.error_count()


@dataclass
class TutorRun:
    level: Level
    mode: str
    connect_ms: list[float]
    lag_p99_ms: float


# --------------------------------------------------------------------------------------------
# HTTP steps


async def pages_loop(student: Student, until: float) -> None:
    path = f"/practice/{student.page_task}/"
    while time.monotonic() < until:
        ok = await student.call("dashboard", "GET", "/") is not None
        if time.monotonic() >= until:
            break
        ok = await student.call("task page", "GET", path) is not None and ok
        if not ok:
            await asyncio.sleep(0.2)  # after an error: don't spin on a failing server


async def completions_loop(student: Student, until: float) -> None:
    while time.monotonic() < until:
        item = await student.assign()
        if item is not None:
            shown = await student.call("show", "GET", f"/api/practice-tasks/{item['id']}/")
            if shown is not None and await student.complete(shown.json()):
                continue
        await asyncio.sleep(0.2)  # after an error: don't spin on a failing server


async def run_step(
    scenario: str,
    loop: Callable[[Student, float], Awaitable[None]],
    students: list[Student],
    seconds: float,
    processes: ProcessTable,
    postgres: PostgresProbe,
) -> Step:
    recorder = Recorder()
    for student in students:
        student.recorder = recorder
    lags: list[float] = []
    connections: list[tuple[int, int]] = []
    stop = asyncio.Event()
    monitor = asyncio.create_task(lag_monitor(lags, stop))
    watcher = asyncio.create_task(watch_connections(postgres, connections, stop))
    server_before, client_before = processes.cpu_seconds(), time.process_time()
    started = time.monotonic()
    try:
        # Bounded: each loop stops at `until`, and a request in flight then has its timeout.
        async with asyncio.timeout(seconds + 3 * REQUEST_TIMEOUT + 10):
            await asyncio.gather(*(loop(s, started + seconds) for s in students))
    finally:
        stop.set()
        await monitor
        await watcher
    elapsed = time.monotonic() - started
    return Step(
        scenario=scenario,
        clients=len(students),
        seconds=elapsed,
        recorder=recorder,
        server_cpu=100 * (processes.cpu_seconds() - server_before) / elapsed,
        client_cpu=100 * (time.process_time() - client_before) / elapsed,
        lag_p99_ms=percentile(lags, 99) if lags else float("nan"),
        db_connections=max((ours for ours, _ in connections), default=0),
        server_connections=max((total for _, total in connections), default=0),
    )


async def watch_connections(
    postgres: PostgresProbe, out: list[tuple[int, int]], stop: asyncio.Event
) -> None:
    """(ours, the server's) PostgreSQL connections, once a second until `stop`."""
    while not stop.is_set():
        ours = sum((await asyncio.to_thread(postgres.by_state)).values())
        total, _limit = await asyncio.to_thread(postgres.server_totals)
        out.append((ours, total))
        try:
            await asyncio.wait_for(stop.wait(), timeout=1.0)
        except TimeoutError:
            pass


async def http_steps(
    balancer: Balancer,
    keys: list[str],
    sizes: Sizes,
    processes: ProcessTable,
    postgres: PostgresProbe,
) -> list[Step]:
    students = await open_students(balancer, keys[: max(sizes.http_levels)], page_task=True)
    steps: list[Step] = []
    try:
        # Warm-up, not recorded: every process has served each kind a few times.
        await run_step("warm-up", completions_loop, students[:4], 2.0, processes, postgres)
        for clients in sizes.http_levels:
            for scenario, loop in (("pages", pages_loop), ("completions", completions_loop)):
                step = await run_step(
                    scenario, loop, students[:clients], sizes.step_seconds, processes, postgres
                )
                steps.append(step)
                print(f"  {scenario} x{clients}: {step_summary(step)}", flush=True)
                await asyncio.sleep(1.0)
    finally:
        await asyncio.gather(*(s.aclose() for s in students), return_exceptions=True)
    return steps


def step_summary(step: Step) -> str:
    kinds = PAGE_KINDS if step.scenario == "pages" else COMPLETION_KINDS
    return ", ".join(
        f"{k} {step.rate(k):.1f}/s p99 {step.recorder.p(k, 99):.0f} ms" for k in kinds
    ) + (f", {step.errors()} errors" if step.errors() else "")


# --------------------------------------------------------------------------------------------
# Tutor sockets


async def tutor_run(urls: list[str], keys: list[str], n: int, mode: str) -> TutorRun:
    """n sockets, socket i on process i mod len(urls); each asks one question."""
    level = Level(n)
    connect_ms: list[float] = []
    sockets: list[Any] = []

    async def connect(i: int) -> None:
        started = time.perf_counter()
        try:
            ws = await open_tutor_socket(urls[i % len(urls)], keys[i])
        except Exception as exc:  # refused, timed out, or closed before the chat frame
            level.failures[f"connect:{type(exc).__name__}"] += 1
            return
        connect_ms.append((time.perf_counter() - started) * 1000)
        sockets.append(ws)

    lags: list[float] = []
    stop = asyncio.Event()
    monitor = asyncio.create_task(lag_monitor(lags, stop))
    try:
        for start in range(0, n, SOCKET_BATCH):
            await asyncio.gather(*(connect(i) for i in range(start, min(n, start + SOCKET_BATCH))))
        rng = random.Random(n)
        frames: list[int] = []

        async def one(i: int, ws: Any) -> None:
            if mode == "staggered":
                await asyncio.sleep(STAGGER_SECONDS * i / max(1, len(sockets)))
            try:
                await ask(ws, rng.choice(FIRST_QUESTIONS), level, frames)
            except Exception as exc:  # the socket closed under the ask
                level.failures[type(exc).__name__] += 1

        async with asyncio.timeout(STAGGER_SECONDS + ASK_TIMEOUT_S + 15):
            await asyncio.gather(*(one(i, ws) for i, ws in enumerate(sockets)))
    finally:
        stop.set()
        await monitor
        await asyncio.gather(*(ws.close() for ws in sockets), return_exceptions=True)
    return TutorRun(level, mode, connect_ms, percentile(lags, 99) if lags else float("nan"))


async def tutor_runs(urls: list[str], keys: list[str], sizes: Sizes) -> list[TutorRun]:
    await tutor_run(urls, keys, 4, "burst")  # warm-up: index, vocabulary, model in both
    runs = []
    for n in sizes.socket_levels:
        for mode in ("burst", "staggered"):
            run_ = await tutor_run(urls, keys, n, mode)
            runs.append(run_)
            print(f"  tutor {mode} x{n}: {tutor_row(run_).strip()}", flush=True)
            await asyncio.sleep(1.0)
    return runs


# --------------------------------------------------------------------------------------------
# Report


def fmt(ms: float) -> str:
    return "-" if ms != ms else f"{ms:.0f}"  # NaN: nothing succeeded


def tutor_row(r: TutorRun) -> str:
    lv = r.level
    failed = sum(lv.failures.values())
    why = ",".join(f"{k}:{v}" for k, v in sorted(lv.failures.items()))
    return (
        f"  {lv.sockets:>7}  {r.mode:<9} {len(lv.ttfts):>5} {failed:>6} "
        f"{fmt(percentile(r.connect_ms, 99)):>8} {fmt(percentile(lv.ttfts, 50)):>8} "
        f"{fmt(percentile(lv.ttfts, 99)):>8} {fmt(percentile(lv.totals, 50)):>9} "
        f"{fmt(percentile(lv.totals, 99)):>9} {fmt(r.lag_p99_ms):>7}  {why}"
    )


def http_table(steps: list[Step], scenario: str, kinds: tuple[str, ...]) -> list[str]:
    lines = [
        f"  {'clients':>7}  {'kind':<10} {'n':>6} {'req/s':>7} {'p50 ms':>7} {'p99 ms':>7} "
        f"{'errors':>6}   {'server CPU':>10} {'client CPU':>10} {'lag p99':>7} {'pg conns':>9}"
    ]
    for step in (s for s in steps if s.scenario == scenario):
        for i, kind in enumerate(kinds):
            rec = step.recorder
            extra = (
                f"   {step.server_cpu:>8.0f} % {step.client_cpu:>8.0f} % "
                f"{fmt(step.lag_p99_ms):>4} ms "
                f"{step.db_connections:>4}/{step.server_connections:<4}"
                if i == 0
                else ""
            )
            lines.append(
                f"  {step.clients if i == 0 else '':>7}  {kind:<10} {rec.count(kind):>6} "
                f"{step.rate(kind):>7.1f} {fmt(rec.p(kind, 50)):>7} {fmt(rec.p(kind, 99)):>7} "
                f"{rec.error_count(kind):>6}{extra}"
            )
        if step.errors():
            lines.append(f"  {'':>7}  errors: {step.recorder.error_summary()}")
    return lines


def knee(
    steps: list[Step], scenario: str, kinds: tuple[str, ...]
) -> tuple[Step | None, Step | None]:
    """(the last step with every p99 < target and no error, the first step without)."""
    good, bad = None, None
    for step in (s for s in steps if s.scenario == scenario):
        if step.errors() == 0 and step.worst_p99(kinds) < P99_TARGET_MS:
            if bad is None:
                good = step
        elif bad is None:
            bad = step
    return good, bad


def clients_text(n: int) -> str:
    return f"{n} concurrent client{'' if n == 1 else 's'}"


def sizing(steps: list[Step], runs: list[TutorRun], max_connections: int) -> str:
    cores = os.cpu_count() or 1
    parts = ["How to size:"]
    for scenario, kinds, unit, per in (
        ("pages", PAGE_KINDS, "page views/s", PAGE_KINDS),
        ("completions", COMPLETION_KINDS, "completions/s", ("complete",)),
    ):
        mine = [s for s in steps if s.scenario == scenario]
        if not mine:
            continue
        good, bad = knee(steps, scenario, kinds)
        peak = max(mine, key=lambda s: sum(s.rate(k) for k in per))
        peak_rate = sum(peak.rate(k) for k in per)
        if good is None:
            text = (
                f"{scenario} missed the target (p99 < {P99_TARGET_MS:.0f} ms, no errors) "
                f"already at {clients_text(mine[0].clients)}"
            )
        else:
            good_rate = sum(good.rate(k) for k in per)
            text = (
                f"{scenario} kept every p99 under {P99_TARGET_MS:.0f} ms without errors up to "
                f"{clients_text(good.clients)} ({good_rate:.0f} {unit})"
            )
            text += (
                f" and missed it at {bad.clients} (worst p99 {bad.worst_p99(kinds):.0f} ms, "
                f"{bad.errors()} errors)"
                if bad
                else ", the largest level tried (the limit is higher)"
            )
        text += (
            f"; the peak was {peak_rate:.0f} {unit} at {clients_text(peak.clients)} with the "
            f"deployment using {peak.server_cpu:.0f} % and the client {peak.client_cpu:.0f} % "
            f"of the machine's {100 * cores} % CPU"
        )
        parts.append(text + ".")
    within = [
        sum(good.rate(k) for k in kinds)
        for scenario, kinds in (("pages", PAGE_KINDS), ("completions", COMPLETION_KINDS))
        if (good := knee(steps, scenario, kinds)[0]) is not None
    ]
    if len(within) == 2:
        # A practising student sends ~5 requests a task (dashboard, assign, task page, complete,
        # result: bench_soak's cycle) and takes about a minute per task.
        rate = min(within)
        parts.append(
            f"Taking the lower of the two request rates within the target ({rate:.0f} req/s) "
            f"and {REQUESTS_PER_TASK} requests per task at one task a minute, this pair of "
            f"processes serves about {rate * 60 / REQUESTS_PER_TASK:.0f} students practising "
            "at once."
        )
    starved = [s for s in steps if s.errors() and s.server_connections >= 0.9 * max_connections]
    if starved:
        worst = max(starved, key=lambda s: s.db_connections)
        parts.append(
            f"The errors came while PostgreSQL was at its limit ({worst.server_connections} of "
            f"max_connections {max_connections}, {worst.db_connections} of them this "
            f"deployment's, at {clients_text(worst.clients)}): database connections, not the "
            "CPU, set the limit there (the log digest below says what the 503s were; compare "
            "this deployment's count with the number of clients and DB_CONN_MAX_AGE)."
        )
    busy = max((s.server_cpu + s.client_cpu for s in steps), default=0.0)
    if busy >= 80 * cores:
        parts.append(
            f"At the top steps server and client together used {busy:.0f} % of {100 * cores} %: "
            "the machine's CPU, not the number of processes, is the limit here, so add web "
            "processes together with cores (and run the load client elsewhere)."
        )
    for mode in ("burst", "staggered"):
        mine_runs = [r for r in runs if r.mode == mode]
        ok = [
            r
            for r in mine_runs
            if not r.level.failures and percentile(r.level.ttfts, 99) < P99_TARGET_MS
        ]
        if not mine_runs:
            continue
        levels = ", ".join(str(r.level.sockets) for r in mine_runs)
        best = max((r.level.sockets for r in ok), default=0)
        parts.append(
            f"Tutor ({mode}, levels {levels}): p99 TTFT under {P99_TARGET_MS:.0f} ms with no "
            f"failed ask up to {best} sockets."
            if best
            else f"Tutor ({mode}, levels {levels}): p99 TTFT reached {P99_TARGET_MS:.0f} ms "
            f"(or an ask failed) already at {mine_runs[0].level.sockets} sockets."
        )
    return " ".join(parts)


def report(
    steps: list[Step], runs: list[TutorRun], sizes: Sizes, dep: Deployment, max_connections: int
) -> str:
    ports = ", ".join(u.rsplit(":", 1)[1] for u in dep.urls)
    conn_max_age = dep.env.get("DB_CONN_MAX_AGE") or "60 (the default)"
    lines = [
        f"two daphne processes (ports {ports}) + both django-q2 clusters, PostgreSQL + Redis, "
        "DEBUG off; models trained once before, no retraining during the run",
        f"requests round-robin over the processes; closed loop (no think time), "
        f"{sizes.step_seconds:.0f} s per step; CPU in % of one core (the machine has "
        f"{os.cpu_count()}); lag = the client's own event-loop delay",
        f"pg conns = most PostgreSQL connections seen during the step: this deployment's / the "
        f"whole server's (max_connections {max_connections}); DB_CONN_MAX_AGE {conn_max_age}",
        f"load average at the end: {' '.join(f'{x:.1f}' for x in os.getloadavg())}",
        "",
        "pages: the dashboard and the task page, alternately",
        *http_table(steps, "pages", PAGE_KINDS),
        "",
        "completions: assign -> show (API GET) -> complete (PATCH), each timed on its own",
        *http_table(steps, "completions", COMPLETION_KINDS),
        "",
        f"tutor sockets, offline model, split evenly over the processes; burst = all ask at "
        f"once, staggered = asks spread over {STAGGER_SECONDS:.0f} s; TTFT = ask sent -> first "
        "token frame, reply = ask sent -> done frame",
        f"  {'sockets':>7}  {'mode':<9} {'asks':>5} {'failed':>6} {'conn p99':>8} "
        f"{'TTFT p50':>8} {'TTFT p99':>8} {'reply p50':>9} {'reply p99':>9} {'lag p99':>7}",
        *(tutor_row(r) for r in runs),
        "",
        sizing(steps, runs, max_connections),
    ]
    return "\n".join(lines)


async def measure(dep: Deployment, keys: list[str], sizes: Sizes) -> str:
    processes = ProcessTable(dep.process.pid)
    postgres = PostgresProbe(dep.env["DATABASE_URL"])
    try:
        _, max_connections = postgres.server_totals()
        print("HTTP steps", flush=True)
        steps = await http_steps(Balancer(dep.urls), keys, sizes, processes, postgres)
        print("tutor sockets", flush=True)
        runs = await tutor_runs(dep.urls, keys, sizes)
    finally:
        postgres.close()
    return report(steps, runs, sizes, dep, max_connections)


def run(args: argparse.Namespace) -> str:
    sizes = QUICK if args.quick else FULL
    students = max(*sizes.http_levels, *sizes.socket_levels)
    with fresh_deployment(web_processes=2, seed=True, RETRAIN_MIN_INTERVAL_SECONDS="86400") as dep:
        dep.manage("train_models")  # what a running site has: trained, published models
        keys = create_student_sessions(dep.env, students, prefix="load")
        try:
            return asyncio.run(measure(dep, keys, sizes)) + "\n\n" + log_digest(dep.log())
        except Exception as exc:
            raise RuntimeError(f"{exc}\nthe deployment's log:\n{log_problems(dep.log())}") from exc


if __name__ == "__main__":
    import sys

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "studysmart.settings")
    print(run(argparse.Namespace(quick="--quick" in sys.argv)))
