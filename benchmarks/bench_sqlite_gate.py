"""SQLite's write gate (studysmart/sqlite_backend): how long a thread waits to begin a write
transaction when many threads of one process write at once, with the gate and without it.

Threads of one process, each with its own connection through the project's backend (WAL,
IMMEDIATE transactions, a 20 s busy timeout, as configured), run short write transactions — an
insert and ~1 ms of Python inside, then a 2 ms pause — as a web process's request threads do.
"Without the gate" is the same backend with the gate switched off, i.e. SQLite's busy handler
alone, which polls with sleeps growing to 100 ms.
"""

from __future__ import annotations

import argparse
import tempfile
import threading
import time
from pathlib import Path

NAME = "sqlite_gate"
DESCRIPTION = "wait to begin a write transaction, 16 threads of one process, gate on and off"
THREADS = 16
TRANSACTIONS = 100


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * q / 100))]


def one_run(path: Path, *, gate: bool, transactions: int) -> tuple[list[float], float]:
    from django.db import connections, transaction

    from studysmart.settings import SQLITE_OPTIONS
    from studysmart.sqlite_backend import base

    alias = f"gate-bench-{path.stem}"
    # configure_settings fills Django's defaults; it insists on a "default" key.
    database: dict[str, object] = {"ENGINE": "studysmart.sqlite_backend", "NAME": str(path)}
    database["OPTIONS"] = dict(SQLITE_OPTIONS)
    connections.settings[alias] = connections.configure_settings({"default": database})["default"]
    with connections[alias].cursor() as cursor:
        cursor.execute("CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, v INTEGER)")
    connections[alias].close()
    waits: list[float] = []
    original = base.DatabaseWrapper._write_gate
    if not gate:
        base.DatabaseWrapper._write_gate = lambda self: None  # type: ignore[method-assign]

    def worker() -> None:
        connection = connections[alias]  # this thread's own connection
        try:
            for i in range(transactions):
                started = time.perf_counter()
                with transaction.atomic(using=alias):
                    # The wait is over once BEGIN IMMEDIATE has returned.
                    waits.append(time.perf_counter() - started)
                    with connection.cursor() as cursor:
                        cursor.execute("INSERT INTO t (v) VALUES (%s)", [i])
                    sum(range(20_000))  # ~1 ms of Python inside the transaction
                time.sleep(0.002)
        finally:
            connection.close()

    try:
        threads = [threading.Thread(target=worker) for _ in range(THREADS)]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - started
    finally:
        base.DatabaseWrapper._write_gate = original  # type: ignore[method-assign]
        del connections.settings[alias]
    return waits, elapsed


def run(args: argparse.Namespace) -> str:
    import django

    django.setup()
    transactions = 30 if getattr(args, "quick", False) else TRANSACTIONS
    lines = [
        f"{THREADS} threads x {transactions} write transactions (insert + ~1 ms of Python, "
        "2 ms apart), one SQLite file in WAL mode",
        f"{'':<16}{'txns/s':>8}{'p50 ms':>9}{'p99 ms':>9}{'max ms':>9}",
    ]
    for k, (label, gate) in enumerate((("without gate", False), ("with gate", True)) * 2):
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / f"gate{k}.sqlite3"
            waits, elapsed = one_run(path, gate=gate, transactions=transactions)
        ms = [w * 1000 for w in waits]
        lines.append(
            f"{label:<16}{len(ms) / elapsed:>8.0f}{percentile(ms, 50):>9.1f}"
            f"{percentile(ms, 99):>9.1f}{max(ms):>9.1f}"
        )
    return "\n".join(lines)
