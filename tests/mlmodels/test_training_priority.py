"""The training job gives way to the web: niceness 19 and SCHED_IDLE for itself and every
thread it starts afterwards (TensorFlow's pools, the heartbeat)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import os, threading
from mlmodels.jobs import TRAINING_NICENESS, lower_priority
lower_priority(TRAINING_NICENESS)
lower_priority(TRAINING_NICENESS)  # a second job in the same worker changes nothing
seen = []
worker = threading.Thread(target=lambda: seen.append(
    (os.getpriority(os.PRIO_PROCESS, 0), os.sched_getscheduler(0))))
worker.start(); worker.join()
print(os.getpriority(os.PRIO_PROCESS, 0), os.sched_getscheduler(0), *seen[0])
"""


@pytest.mark.skipif(not hasattr(os, "SCHED_IDLE"), reason="SCHED_IDLE is Linux's")
def test_the_training_job_runs_at_idle_priority_and_so_do_its_threads() -> None:
    out = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0, out.stderr
    nice, policy, thread_nice, thread_policy = map(int, out.stdout.split())
    assert nice == thread_nice == 19
    assert policy == thread_policy == os.SCHED_IDLE
