"""The training worker keeps a fit's large arrays on its heap
(``keep_training_arrays_on_the_heap``): an array freed is reused by the next, instead of being
mapped anew and zero-filled page by page. Checked in fresh interpreters (the setting lasts for
the process) by counting the page faults of the learning kind's first fit."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

FIRST_FIT_FAULTS = """
import json, resource, sys
import numpy as np
from benchmarks.bench_models import simulated_table
from mlmodels.learning import fit_learning_model
if sys.argv[1] == "worker":
    from mlmodels.worker_memory import keep_training_arrays_on_the_heap
    assert keep_training_arrays_on_the_heap()
table = simulated_table(5000, students=100, seed=1)
fit_learning_model(table.subset(np.arange(len(table)) < 500))  # imports and small arrays
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
fit_learning_model(table)
print(json.dumps(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before))
"""


def first_fit_faults(*modes: str) -> list[int]:
    """The first fit's page faults in a fresh interpreter per mode, run side by side."""
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", FIRST_FIT_FAULTS, mode],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for mode in modes
    ]
    faults = []
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
        faults.append(int(json.loads(out.strip().splitlines()[-1])))
    return faults


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's mallopt")
def test_a_workers_first_fit_reuses_freed_arrays_instead_of_faulting_pages_in() -> None:
    plain, worker = first_fit_faults("plain", "worker")
    # Measured: ~11,500 faults without the setting, ~1,800 with it.
    assert worker < plain / 2, (plain, worker)


def test_training_sets_it_before_it_trains() -> None:
    source = (ROOT / "mlmodels" / "training.py").read_text()
    body = source.split("def run_training(", 1)[1].split("\ndef ", 1)[0]
    assert "keep_training_arrays_on_the_heap()" in body
