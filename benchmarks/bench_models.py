"""Student models on the real datasets: accuracy beside the baselines, and training time.

Both files of the shared data directory (tests' `shared_data_dir`) with the random split
(data/README.md: fixed-order tests), through
the same trainers the worker runs; then training time at the old system's scale (~700 attempts).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

NAME = "models"
DESCRIPTION = "LNIRT and the sequence model vs baselines on the shared data; training time"
DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
FILES = ["lnirt_amsterdamchess_long.csv", "lnirt_credentialform1_long.csv"]


def run(args: argparse.Namespace) -> str:
    from mlmodels.benchmark import LnirtTrainer, run_benchmark
    from mlmodels.data import read_attempts_csv, table_from_records
    from mlmodels.sequence_train import SequenceTrainer

    out: list[str] = []
    files = FILES[:1] if args.quick else FILES
    for name in files:
        path = DATA / name
        if not path.is_file():
            out.append(f"{name}: not found under {DATA} (skipped)")
            continue
        table = table_from_records(read_attempts_csv(path))
        report = run_benchmark(
            table,
            split="random",
            seed=0,
            dataset=name,
            models={"lnirt": LnirtTrainer(), "sequence": SequenceTrainer(threads=2)},
        )
        out.append(f"{name} ({len(table)} attempts, split random, seed 0)")
        out.append(report.table())
        out.append("")
    out.append(small_training_times())
    return "\n".join(out)


def small_training_times() -> str:
    """Both models on ~700 simulated attempts: the old system needed 320 s for this."""
    from mlmodels.data import AttemptRecord, table_from_records
    from mlmodels.lnirt import fit_lnirt
    from mlmodels.sequence_train import fit_sequence_model

    rng = np.random.default_rng(0)
    records = []
    for s in range(6):
        theta = rng.normal()
        for k in range(117):
            item = int(rng.integers(0, 135))
            p = 1 / (1 + np.exp(-(theta - (item % 3 - 1))))
            records.append(
                AttemptRecord(
                    user=f"s{s}",
                    item=f"t{item}",
                    topic=f"topic{item % 9}",
                    difficulty=("easy", "medium", "hard")[item % 3],
                    correct=bool(rng.random() < p),
                    seconds=float(np.exp(rng.normal(4, 0.5))),
                    order=float(k),
                )
            )
    table = table_from_records(records)
    t0 = time.perf_counter()
    fit_lnirt(table)
    t1 = time.perf_counter()
    fit_sequence_model(table, threads=1)
    t2 = time.perf_counter()
    return (
        f"Training on {len(table)} attempts (old system: 320 s for both):\n"
        f"  lnirt     {t1 - t0:6.2f} s\n"
        f"  sequence  {t2 - t1:6.2f} s  (first TensorFlow use in this process included)\n"
        f"  both      {t2 - t0:6.2f} s"
    )
