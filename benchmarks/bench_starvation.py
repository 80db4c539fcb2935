"""Starvation: does a burst of heavy tutor asks hold up the rest of the process?

One daphne process (offline model, SQLite), warmed by one ordinary ask per socket; five chat
sockets each asking "calculate" followed
by ~2,000 digits at the same instant, five rounds; meanwhile a client polls `GET /api/health/`
every 20 ms. Reported: the health check's latency while the heavy asks run (p50, p99, max)
against an idle baseline. Target: the health check stays under 100 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.bench_tutor import open_sockets, percentile, start_server

NAME = "starvation"
DESCRIPTION = "health-check latency while five heavy tutor asks run (calculate + 2,000 digits)"
HEAVY = "calculate " + "7" * 1985
SOCKETS = 5
TARGET_MS = 100.0


async def poll_health(url: str, samples: list[float], stop: asyncio.Event) -> None:
    import httpx

    async with httpx.AsyncClient(timeout=10) as client:
        while not stop.is_set():
            started = time.perf_counter()
            await client.get(f"{url}/api/health/")
            samples.append((time.perf_counter() - started) * 1000)
            await asyncio.sleep(0.02)


async def ask_until_final(ws: Any, text: str = HEAVY) -> str:
    await ws.send(json.dumps({"type": "ask", "text": text}))
    while True:
        frame = json.loads(await ws.recv())
        if frame["type"] in ("done", "error", "stopped"):
            return str(frame.get("code") or frame["type"])


async def scenario(url: str, cookies: list[str], rounds: int) -> tuple[list[float], list[float]]:
    idle: list[float] = []
    stop = asyncio.Event()
    poller = asyncio.create_task(poll_health(url, idle, stop))
    await asyncio.sleep(1.0)
    stop.set()
    await poller
    sockets = await open_sockets(url, cookies, SOCKETS)
    # One ordinary ask first: the process's one-time imports (the model's SDK) are not the
    # subject here.
    await asyncio.gather(*(ask_until_final(ws, "what is momentum") for ws in sockets))
    busy: list[float] = []
    stop = asyncio.Event()
    poller = asyncio.create_task(poll_health(url, busy, stop))
    outcomes: list[str] = []
    for _ in range(rounds):
        outcomes += await asyncio.gather(*(ask_until_final(ws) for ws in sockets))
    stop.set()
    await poller
    for ws in sockets:
        await ws.close()
    if any(o != "done" for o in outcomes):
        raise RuntimeError(f"heavy asks did not all complete: {sorted(set(outcomes))}")
    return idle, busy


def run(args: argparse.Namespace) -> str:
    rounds = 2 if args.quick else 5
    with tempfile.TemporaryDirectory(prefix="bench-starvation-") as tmp:
        process, url, cookies = start_server(Path(tmp), SOCKETS)
        try:
            idle, busy = asyncio.run(scenario(url, cookies, rounds))
        finally:
            process.terminate()
            process.wait(timeout=20)

    def row(label: str, values: list[float]) -> str:
        return (
            f"{label:<28}{len(values):>6}{percentile(values, 0.5):>9.1f}"
            f"{percentile(values, 0.99):>9.1f}{max(values):>9.1f}"
        )

    verdict = "ok" if max(busy) < TARGET_MS else "MISS"
    return "\n".join(
        [
            f"{SOCKETS} sockets x {rounds} rounds of a {len(HEAVY)}-character 'calculate' ask",
            f"{'GET /api/health/':<28}{'n':>6}{'p50 ms':>9}{'p99 ms':>9}{'max ms':>9}",
            row("idle", idle),
            row("during the heavy asks", busy),
            f"target: max < {TARGET_MS:.0f} ms during the asks: {verdict}",
        ]
    )
