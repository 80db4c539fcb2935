"""A real daphne server in a subprocess for the tests that need one (browser, live sockets)."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ASGI_APP = "studysmart.asgi:application"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def running_daphne(
    env: dict[str, str], *, port: int, log_path: Path, timeout: float = 60.0
) -> Iterator[subprocess.Popen[bytes]]:
    """daphne on 127.0.0.1:`port` with `env`, once /api/health/ answers; stopped afterwards.

    A server that exits or never answers fails the fixture with its log.
    """
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), ASGI_APP],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            wait_healthy(f"http://127.0.0.1:{port}", process, log_path, timeout=timeout)
            yield process
        finally:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)


def wait_healthy(
    url: str, process: subprocess.Popen[bytes], log_path: Path, *, timeout: float
) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            urllib.request.urlopen(f"{url}/api/health/", timeout=2)
            return
        except Exception:
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError(log_path.read_text(errors="replace")[-4000:]) from None
            time.sleep(0.2)
