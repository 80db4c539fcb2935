"""Importing history: `import_attempts` on the 278k-row credential form, then an idempotent re-run.

Runs `manage.py` in subprocesses against a fresh temporary SQLite database (its own
STUDYSMART_DATA_DIR, DATABASE_URL removed), so it never touches the developer's data.
`--quick` uses the 10k-row Amsterdam Chess file instead.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

NAME = "import"
DESCRIPTION = "import_attempts: rows/s into a fresh SQLite database, and the idempotent re-run"

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
FULL = "lnirt_credentialform1_long.csv"
QUICK = "lnirt_amsterdamchess_long.csv"
_SUMMARY = re.compile(r"^\s+([\d.]+) s, ([\d,]+) rows/s$", re.MULTILINE)
_ROWS = re.compile(r": ([\d,]+) rows")
_CREATED = re.compile(r"attempts\s+created ([\d,]+), skipped \(already imported\) ([\d,]+)")


def _manage(env: dict[str, str], *args: str) -> tuple[str, float]:
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    wall = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"manage.py {args[0]} failed:\n{done.stderr[-2000:]}")
    return done.stdout, wall


def _figures(stdout: str) -> tuple[int, float, float, int, int]:
    summary = _SUMMARY.search(stdout)
    rows = _ROWS.search(stdout)
    created = _CREATED.search(stdout)
    if not (summary and rows and created):
        raise RuntimeError(f"unexpected import_attempts output:\n{stdout}")

    def number(text: str) -> int:
        return int(text.replace(",", ""))

    return (
        number(rows.group(1)),
        float(summary.group(1)),
        float(summary.group(2).replace(",", "")),
        number(created.group(1)),
        number(created.group(2)),
    )


def run(args: argparse.Namespace) -> str:
    path = SHARED_DATA / (QUICK if getattr(args, "quick", False) else FULL)
    if not path.is_file():
        raise FileNotFoundError(f"{path} not found (the shared data folder beside the repo)")
    data_dir = Path(tempfile.mkdtemp(prefix="studysmart-bench-import-"))
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(
        STUDYSMART_DATA_DIR=str(data_dir),
        SECRET_KEY="bench-only-secret-key",
        DJANGO_SETTINGS_MODULE="studysmart.settings",
        LOG_LEVEL="WARNING",
    )
    try:
        _manage(env, "migrate", "--noinput", "-v0")
        command = ("import_attempts", str(path), "--order-col", "position", "--source", "bench")
        first_out, first_wall = _manage(env, *command)
        again_out, again_wall = _manage(env, *command)
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)

    rows, seconds, rate, created, _ = _figures(first_out)
    _, again_seconds, again_rate, again_created, again_skipped = _figures(again_out)
    if created != rows or again_created != 0 or again_skipped != rows:
        raise RuntimeError(f"not idempotent:\n{first_out}\n{again_out}")
    lines = [
        f"file: {path.name} ({rows:,} rows), fresh SQLite database, batch 5,000",
        "",
        f"{'run':<22}{'attempts':>10}{'seconds':>10}{'rows/s':>10}{'wall s':>9}",
        f"{'first import':<22}{created:>10,}{seconds:>10.1f}{rate:>10,.0f}{first_wall:>9.1f}",
        f"{'re-run (all skipped)':<22}{again_created:>10,}{again_seconds:>10.1f}"
        f"{again_rate:>10,.0f}{again_wall:>9.1f}",
        "",
        "seconds: the command's own timing (validation pass + writes);"
        " wall s adds process start-up.",
    ]
    return "\n".join(lines)
