"""Prediction latency in a web-like process: TensorFlow is never imported here.

The models are trained and exported in a child process (as the worker does); this process loads
the exported files with NumPy only and times single and batched predictions.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

NAME = "predict"
DESCRIPTION = "prediction latency without TensorFlow: 1 task and a page of 20 (one call)"
ROOT = Path(__file__).resolve().parents[1]

TRAIN_AND_EXPORT = """
import sys
import numpy as np
from mlmodels.data import AttemptRecord, table_from_records
from mlmodels.lnirt import fit_lnirt
from mlmodels.sequence_train import export_weights, fit_sequence_model
rng = np.random.default_rng(0)
records = [
    AttemptRecord(user=f"s{s}", item=f"t{i}", topic=f"topic{i % 9}",
                  difficulty=("easy", "medium", "hard")[i % 3],
                  correct=bool(rng.random() < 0.6), seconds=float(np.exp(rng.normal(4, .5))),
                  order=float(k))
    for s in range(40) for k, i in enumerate(rng.permutation(135)[:40])
]
table = table_from_records(records)
fit_lnirt(table).save(sys.argv[1] + "/lnirt.npz")
export_weights(fit_sequence_model(table, threads=1), sys.argv[1] + "/sequence.npz")
"""


def run(args: argparse.Namespace) -> str:
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([sys.executable, "-c", TRAIN_AND_EXPORT, tmp], cwd=ROOT, check=True)
        return measure(Path(tmp), repeats=300 if args.quick else 2000)


def measure(folder: Path, *, repeats: int) -> str:
    from mlmodels import lnirt
    from mlmodels.sequence_serve import HistoryStep, SequencePredictor, Target

    params = lnirt.LnirtParams.load(folder / "lnirt.npz")
    seq = SequencePredictor.load(folder / "sequence.npz")
    items = [(f"t{i}", f"topic{i % 9}", 1 + i % 3) for i in range(20)]
    history = [HistoryStep(f"t{i}", f"topic{i % 9}", 1 + i % 3, i % 2 == 0, 4.0) for i in range(20)]
    targets = [Target(*k) for k in items]

    def timed(fn: object) -> float:
        samples = []
        for _ in range(repeats):
            t0 = time.perf_counter()
            fn()  # type: ignore[operator]
            samples.append((time.perf_counter() - t0) * 1000)
        return statistics.median(samples)

    rows = [
        (
            "lnirt, 1 task",
            timed(lambda: lnirt.predict(params, theta=0.3, tau=0.1, items=items[:1])),
        ),
        (
            "lnirt, 20 tasks (one call)",
            timed(lambda: lnirt.predict(params, theta=0.3, tau=0.1, items=items)),
        ),
        (
            "lnirt instant update, 50 attempts",
            timed(
                lambda: lnirt.update_person(
                    params, items=(items * 3)[:50], correct=[1.0] * 50, log_seconds=[4.0] * 50
                )
            ),
        ),
        (
            "sequence, 1 task",
            timed(lambda: seq.predict(user="s1", history=history, targets=targets[:1])),
        ),
        (
            "sequence, 20 tasks (one call)",
            timed(lambda: seq.predict(user="s1", history=history, targets=targets)),
        ),
    ]
    assert "tensorflow" not in sys.modules, "the serving path imported TensorFlow"
    lines = [f"{'prediction':<36}{'p50 ms':>10}", "-" * 46]
    lines += [f"{name:<36}{ms:>10.3f}" for name, ms in rows]
    lines.append("tensorflow imported in this process: no")
    return "\n".join(lines)
