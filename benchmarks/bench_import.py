"""Importing history: `import_attempts` on the 278k-row credential form while students practise,
then an idempotent re-run.

Runs `manage.py` in subprocesses against a fresh temporary SQLite database (its own
STUDYSMART_DATA_DIR, DATABASE_URL removed), so it never touches the developer's data; and, when
BENCH_DATABASE_URL names a PostgreSQL database the benchmark may wipe, against that too.
During the first import a separate process plays students: each request assigns a task,
fetches it and completes it through the JSON API (Django's test client, the full middleware
stack, no HTTP server); their latencies are reported beside the import's rows/s.
`--quick` uses the 10k-row Amsterdam Chess file and SQLite only.
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
DESCRIPTION = "import_attempts rows/s (SQLite, PostgreSQL) with students practising meanwhile"

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
FULL = "lnirt_credentialform1_long.csv"
QUICK = "lnirt_amsterdamchess_long.csv"
_SUMMARY = re.compile(r"^\s+([\d.]+) s, ([\d,]+) rows/s$", re.MULTILINE)
_STATE = re.compile(r"learning state rebuilt in ([\d.]+) s")
_ROWS = re.compile(r": ([\d,]+) rows")
_CREATED = re.compile(r"attempts\s+created ([\d,]+), skipped \(already imported\) ([\d,]+)")

# The students' side: runs until the file named in argv[1] appears, prints latencies (ms).
STUDENTS = r"""
import os, sys, time
import django
django.setup()
from django.contrib.auth.models import User
from django.test import Client
from tasks.models import AnswerKind, Task, Topic
topic, _ = Topic.objects.get_or_create(slug="bench-load", defaults={"name": "Bench load"})
for k in range(40):
    Task.objects.get_or_create(slug=f"bench-load-{k}", defaults=dict(
        topic=topic, title=f"Load {k}", difficulty="medium", answer_kind=AnswerKind.SELF,
        statement="…"))
clients = []
for s in range(int(sys.argv[2])):
    user, _ = User.objects.get_or_create(username=f"bench-student-{s}")
    c = Client()
    c.force_login(user)
    clients.append(c)
open(sys.argv[3], "w").close()  # ready
samples = []
k = 0
while not os.path.exists(sys.argv[1]):
    c = clients[k % len(clients)]
    k += 1
    t0 = time.perf_counter()
    r = c.post("/api/practice-tasks/assign/", {"count": 1}, content_type="application/json")
    t1 = time.perf_counter()
    if r.status_code == 201 and r.json():
        pk = r.json()[0]["id"]
        c.get(f"/api/practice-tasks/{pk}/")
        t2 = time.perf_counter()
        c.patch(f"/api/practice-tasks/{pk}/", {"self_assessed_correct": True},
                content_type="application/json")
        t3 = time.perf_counter()
        if t3 - t0 > 1.0:
            print(f"slow request {k}: assign {t1 - t0:.2f} s, fetch {t2 - t1:.2f} s, "
                  f"complete {t3 - t2:.2f} s", file=sys.stderr)
    if time.perf_counter() - t0 > 1.0:
        print(f"slow request {k}: assign answered {r.status_code} {r.content[:80]!r} after "
              f"{t1 - t0:.2f} s, {time.perf_counter() - t0:.2f} s in all", file=sys.stderr)
    samples.append((time.perf_counter() - t0) * 1000)
    time.sleep(0.05)
samples.sort()
print(len(samples), samples[len(samples) // 2], samples[int(0.99 * (len(samples) - 1))],
      samples[-1])
"""


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


def _figures(stdout: str) -> tuple[int, float, float, int, int, float]:
    summary = _SUMMARY.search(stdout)
    rows = _ROWS.search(stdout)
    created = _CREATED.search(stdout)
    if not (summary and rows and created):
        raise RuntimeError(f"unexpected import_attempts output:\n{stdout}")
    state = _STATE.search(stdout)

    def number(text: str) -> int:
        return int(text.replace(",", ""))

    return (
        number(rows.group(1)),
        float(summary.group(1)),
        float(summary.group(2).replace(",", "")),
        number(created.group(1)),
        number(created.group(2)),
        float(state.group(1)) if state else 0.0,
    )


def _with_students(env: dict[str, str], work: Path, command: tuple[str, ...]) -> tuple[str, str]:
    """Run the import while the students' process practises; (import output, latencies)."""
    stop, ready = work / "stop", work / "ready"
    stop.unlink(missing_ok=True)
    ready.unlink(missing_ok=True)
    students = subprocess.Popen(
        [sys.executable, "-c", STUDENTS, str(stop), "8", str(ready)],
        cwd=ROOT,
        env={**env, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 120
    while not ready.exists() and students.poll() is None and time.monotonic() < deadline:
        time.sleep(0.2)
    try:
        out, _ = _manage(env, *command)
    finally:
        stop.touch()
        latencies, errors = students.communicate(timeout=120)
    if students.returncode != 0:
        raise RuntimeError(f"the students' process failed:\n{errors[-2000:]}")
    for line in errors.splitlines():
        if line.startswith("slow request"):
            print(line, flush=True)
    return out, latencies.strip().splitlines()[-1]


def _one_stack(label: str, env: dict[str, str], path: Path, work: Path) -> list[str]:
    _manage(env, "migrate", "--noinput", "-v0")
    _manage(env, "createcachetable")
    command = ("import_attempts", str(path), "--order-col", "position", "--source", "bench")
    first_out, latencies = _with_students(env, work, command)
    again_out, _ = _manage(env, *command)
    rows, seconds, rate, created, _, state = _figures(first_out)
    _, again_seconds, again_rate, again_created, again_skipped, _ = _figures(again_out)
    if created != rows or again_created != 0 or again_skipped != rows:
        raise RuntimeError(f"not idempotent:\n{first_out}\n{again_out}")
    n, p50, p99, worst = latencies.split()
    return [
        f"{label:<11}{'first import':<22}{created:>10,}{seconds:>9.1f}{rate:>10,.0f}"
        f"{state:>9.1f}   students: {n} requests, p50 {float(p50):.0f} ms, "
        f"p99 {float(p99):.0f} ms, max {float(worst):.0f} ms",
        f"{label:<11}{'re-run (all skipped)':<22}{again_created:>10,}{again_seconds:>9.1f}"
        f"{again_rate:>10,.0f}",
    ]


def run(args: argparse.Namespace) -> str:
    quick = getattr(args, "quick", False)
    path = SHARED_DATA / (QUICK if quick else FULL)
    if not path.is_file():
        raise FileNotFoundError(f"{path} not found (the shared data folder beside the repo)")
    base = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    base.update(
        SECRET_KEY="bench-only-secret-key",
        DJANGO_SETTINGS_MODULE="studysmart.settings",
        LOG_LEVEL="WARNING",
        DEBUG="1",
        ALLOWED_HOSTS="testserver,localhost",  # the test client's host
    )
    lines = [
        f"file: {path.name}; batches of 5,000 rows (SQLite) or 10,000 (PostgreSQL), one",
        "transaction each; 8 students practising (assign + fetch + complete per request, every",
        "50 ms) during the first import",
        "",
        f"{'database':<11}{'run':<22}{'attempts':>10}{'seconds':>9}{'rows/s':>10}{'state s':>9}",
    ]
    work = Path(tempfile.mkdtemp(prefix="studysmart-bench-import-"))
    try:
        sqlite_env = {**base, "STUDYSMART_DATA_DIR": str(work / "sqlite")}
        lines += _one_stack("SQLite", sqlite_env, path, work)
        pg_url = os.environ.get("BENCH_DATABASE_URL", "")
        if pg_url and not quick:
            pg_env = {**base, "STUDYSMART_DATA_DIR": str(work / "pg"), "DATABASE_URL": pg_url}
            _manage(pg_env, "flush", "--noinput")
            lines += _one_stack("PostgreSQL", pg_env, path, work)
        elif not quick:
            lines.append("PostgreSQL: set BENCH_DATABASE_URL to a database it may wipe")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    lines += [
        "",
        "seconds/rows/s: the command's own timing of reading, checking and writing the attempts;",
        "state s: rebuilding the imported students' learning-state rows afterwards.",
    ]
    return "\n".join(lines)
