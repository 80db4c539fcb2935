"""Tutor: pipeline time before the first model token, and concurrent chat sockets on one daphne.

1. In process, no database: classification + retrieval + prompt for the labelled messages
   (``Done.overhead_ms`` of ``tutor.pipeline.stream_reply`` with the offline model).
2. One daphne process on a fresh SQLite database (its own STUDYSMART_DATA_DIR), offline model:
   N sockets each open a chat, then all ask at once; time to first token is measured by the
   client from sending "ask" to the first token frame, so it includes the database hops, the
   pipeline and the event loop's queueing: a burst (every socket asks at the same instant) and
   a steady load (each socket asks again a few seconds after its reply, as a reading student
   does). Reported per N, with the largest N at p99 < 500 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

NAME = "tutor"
DESCRIPTION = "pipeline overhead before the first token; concurrent offline chat sockets (TTFT)"

ROOT = Path(__file__).resolve().parents[1]
ASGI_APP = "studysmart.asgi:application"
SETUP = """\
import json
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client
from tutor.services import seed_demo
call_command("createcachetable")
seed_demo()
user = User.objects.create_user("bench", password="bench-password-1")
client = Client()
client.force_login(user)
print("COOKIE=" + client.cookies["sessionid"].value)
"""


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def pipeline_overhead(rounds: int) -> list[float]:
    sys.path.insert(0, str(ROOT))
    from tests.tutor.labelled_messages import MESSAGES
    from tutor.llm import build_chat_model
    from tutor.pipeline import ChatState, Done, PipelineConfig, stream_reply
    from tutor.retrieval import offline_index

    index = offline_index()
    texts = [m.text for m in MESSAGES if m.context is None]

    async def run() -> list[float]:
        model = build_chat_model(model="offline", api_key=None, timeout_s=5, max_retries=1)
        out: list[float] = []
        for i in range(rounds):
            async for event in stream_reply(
                state=ChatState(),
                text=texts[i % len(texts)],
                index=index,
                model=model,
                config=PipelineConfig(),
            ):
                if isinstance(event, Done) and i >= 20:  # after warm-up
                    out.append(event.overhead_ms)
        return out

    return asyncio.run(run())


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(data: Path) -> tuple[subprocess.Popen[bytes], str, str]:
    port = free_port()
    env = dict(os.environ)
    env.pop("DATABASE_URL", None)
    env.pop("REDIS_URL", None)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "studysmart.settings",
            "STUDYSMART_DATA_DIR": str(data),
            "SECRET_KEY": "bench-secret-" + "k" * 40,
            "DEBUG": "0",
            "HTTPS": "0",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "GOOGLE_API_KEY": "",
            "TUTOR_RATE_LIMIT_PER_MINUTE": "0",  # one bench student, many sockets
            "LOG_LEVEL": "WARNING",
        }
    )
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "-v", "0"], cwd=ROOT, env=env, check=True)
    out = subprocess.run(
        [*manage, "shell", "-c", SETUP], cwd=ROOT, env=env, check=True, capture_output=True
    ).stdout.decode()
    cookie = out.split("COOKIE=", 1)[1].strip()
    process = subprocess.Popen(
        [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), ASGI_APP],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(f"{url}/api/health/", timeout=2)
            return process, url, cookie
        except Exception:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                raise RuntimeError("daphne did not start") from None
            time.sleep(0.2)


async def socket_round(url: str, cookie: str, n: int) -> tuple[list[float], int]:
    sockets = await open_sockets(url, cookie, n)
    go = asyncio.Event()

    async def one(ws: object) -> float | None:
        await go.wait()
        sent = time.perf_counter()
        await ws.send(json.dumps({"type": "ask", "text": "what is quantum coherence"}))  # type: ignore[attr-defined]
        first: float | None = None
        while True:
            frame = json.loads(await ws.recv())  # type: ignore[attr-defined]
            if frame["type"] == "token" and first is None:
                first = (time.perf_counter() - sent) * 1000
            if frame["type"] in ("done", "error", "stopped"):
                return first if frame["type"] == "done" else None

    tasks = [asyncio.create_task(one(ws)) for ws in sockets]
    go.set()
    results = await asyncio.gather(*tasks)
    await asyncio.gather(*(ws.close() for ws in sockets))
    ok = [r for r in results if r is not None]
    return ok, n - len(ok)


async def open_sockets(url: str, cookie: str, n: int) -> list[Any]:
    from websockets.asyncio.client import connect

    ws_url = url.replace("http://", "ws://") + "/ws/tutor/"
    sockets: list[Any] = []
    for start in range(0, n, 20):
        sockets += await asyncio.gather(
            *(
                connect(
                    ws_url,
                    origin=url,  # type: ignore[arg-type]
                    additional_headers={"Cookie": f"sessionid={cookie}"},
                    open_timeout=60,
                    max_queue=None,
                )
                for _ in range(min(20, n - start))
            )
        )
    for ws in sockets:
        await ws.recv()  # the chat frame
    return sockets


async def steady_round(
    url: str, cookie: str, n: int, *, seconds: float, think: tuple[float, float]
) -> tuple[list[float], int]:
    """N open chats, each asking again a random ``think`` seconds after its last reply."""
    sockets = await open_sockets(url, cookie, n)
    rng = random.Random(n)
    ttfts: list[float] = []
    failed = 0
    stop_at = time.perf_counter() + seconds

    async def student(ws: Any) -> None:
        nonlocal failed
        await asyncio.sleep(rng.uniform(0, think[1]))
        while time.perf_counter() < stop_at:
            sent = time.perf_counter()
            await ws.send(json.dumps({"type": "ask", "text": rng.choice(QUESTIONS)}))
            first: float | None = None
            while True:
                frame = json.loads(await ws.recv())
                if frame["type"] == "token" and first is None:
                    first = (time.perf_counter() - sent) * 1000
                if frame["type"] in ("done", "error", "stopped"):
                    break
            if frame["type"] == "done" and first is not None:
                ttfts.append(first)
            else:
                failed += 1
            await asyncio.sleep(rng.uniform(*think))

    await asyncio.gather(*(student(ws) for ws in sockets))
    await asyncio.gather(*(ws.close() for ws in sockets))
    return ttfts, failed


QUESTIONS = (
    "what is quantum coherence",
    "give me an example",
    "explain it more simply",
    "try again",
    "what is momentum",
    "how does a lens form an image",
)


def run(args: argparse.Namespace) -> str:
    rounds = 200 if args.quick else 1000
    overhead = pipeline_overhead(rounds)
    lines = [
        "pipeline before the first model token (classify + retrieve + prompt), offline embedder",
        f"  {len(overhead)} messages: p50 {statistics.median(overhead):.2f} ms, "
        f"p95 {percentile(overhead, 0.95):.2f} ms, p99 {percentile(overhead, 0.99):.2f} ms",
        "",
        "concurrent chat sockets on one daphne process (offline model, SQLite), all asking at once",
        f"  {'sockets':>8} {'ok':>5} {'failed':>7} {'TTFT p50':>10} {'TTFT p99':>10}",
    ]
    levels = [25, 50, 100] if args.quick else [50, 100, 200, 400]
    best = 0
    with tempfile.TemporaryDirectory(prefix="studysmart-bench-tutor-") as tmp:
        process, url, cookie = start_server(Path(tmp))
        try:
            asyncio.run(socket_round(url, cookie, 1))  # warm: index, vocabulary, model
            for n in levels:
                try:
                    ok, failed = asyncio.run(socket_round(url, cookie, n))
                except Exception as exc:  # report the level and keep the figures so far
                    lines.append(f"  {n:>8} failed: {type(exc).__name__}: {exc}")
                    break
                p50, p99 = statistics.median(ok), percentile(ok, 0.99)
                lines.append(f"  {n:>8} {len(ok):>5} {failed:>7} {p50:>8.0f} ms {p99:>8.0f} ms")
                print(lines[-1], flush=True)
                if p99 < 500 and not failed:
                    best = n
            steady_lines = steady(url, cookie, args.quick)
        finally:
            process.terminate()
            process.wait(timeout=20)
    lines.append(f"  largest tested level with p99 TTFT < 500 ms: {best or 'none'} sockets")
    lines += steady_lines
    return "\n".join(lines)


def steady(url: str, cookie: str, quick: bool) -> list[str]:
    think = (5.0, 15.0)  # a student reads the reply before asking again
    seconds = 15.0 if quick else 30.0
    lines = [
        "",
        f"open chat sockets, each asking again {think[0]:.0f}-{think[1]:.0f} s after its reply"
        f" ({seconds:.0f} s per level)",
        f"  {'sockets':>8} {'asks':>5} {'failed':>7} {'TTFT p50':>10} {'TTFT p99':>10}",
    ]
    best = 0
    for n in (100, 200) if quick else (100, 200, 400, 800):
        try:
            ok, failed = asyncio.run(steady_round(url, cookie, n, seconds=seconds, think=think))
        except Exception as exc:
            lines.append(f"  {n:>8} failed: {type(exc).__name__}: {exc}")
            break
        p50, p99 = statistics.median(ok), percentile(ok, 0.99)
        lines.append(f"  {n:>8} {len(ok):>5} {failed:>7} {p50:>8.0f} ms {p99:>8.0f} ms")
        print(lines[-1], flush=True)
        if p99 < 500 and not failed:
            best = n
    lines.append(f"  largest tested level with p99 TTFT < 500 ms: {best or 'none'} sockets")
    return lines
