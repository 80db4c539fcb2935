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
from dataclasses import replace
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
from mlmodels.learning import fit_learning_model
fit_learning_model(table).save(sys.argv[1] + "/learning.npz")
export_weights(fit_sequence_model(table, threads=1), sys.argv[1] + "/sequence.npz")
"""

# The whole serving path in a Django process (no TensorFlow): a student with 50,000 imported
# attempts and a new one, predict_many for a page of 20 with the learning-aware model serving.
# Its own temporary SQLite database; the history comes in through import_attempts.
IN_DJANGO = r"""
import csv, os, statistics, sys, tempfile, time
import numpy as np
import django
django.setup()
from django.core.management import call_command
call_command("migrate", "--noinput", verbosity=0)
call_command("createcachetable", verbosity=0)
rng = np.random.default_rng(0)
path = os.path.join(os.environ["STUDYSMART_DATA_DIR"], "history.csv")
with open(path, "w", newline="") as fh:
    w = csv.writer(fh)
    w.writerow(["user_id", "item_id", "skill_id", "correct", "rt_ms", "timestamp"])
    t = 1.6e9
    for k in range(50_000):
        t += float(rng.choice([40.0, 3600.0, 86400.0], p=[0.9, 0.08, 0.02]))
        i = int(rng.integers(135))
        w.writerow(["heavy", f"t{i}", f"topic{i % 9}", int(rng.random() < 0.6),
                    int(np.exp(rng.normal(10, 0.5))), f"{t:.0f}"])
    for s in range(40):
        for k in range(40):
            i = int(rng.integers(135))
            w.writerow([f"s{s}", f"t{i}", f"topic{i % 9}", int(rng.random() < 0.6),
                        int(np.exp(rng.normal(10, 0.5))), f"{1.6e9 + 60 * k:.0f}"])
call_command("import_attempts", path, "--source", "bench", "--timestamp-col", "timestamp",
             stdout=open(os.devnull, "w"))
from django.contrib.auth.models import User
from mlmodels.models import ModelVersion
from mlmodels.registry import registry
from mlmodels.services import predict_many
from mlmodels.training import attempts_table, fit_and_export
from tasks.models import Task
relative, _ = fit_and_export("learning", attempts_table(), version=1)
ModelVersion.objects.create(kind="learning", version=1, artifact=relative, is_active=True,
                            is_champion=True, metrics={"beats_baselines": True, "logloss": 0.5})
registry.reset()
tasks = list(Task.objects.order_by("id")[:20])
rows = []
for name in ("bench.heavy", "bench.s0"):
    user = User.objects.get(username=name)
    predict_many(user=user, tasks=tasks)
    samples = []
    for _ in range(int(sys.argv[1])):
        t0 = time.perf_counter()
        out = predict_many(user=user, tasks=tasks)
        samples.append((time.perf_counter() - t0) * 1000)
    assert {p.source for p in out} == {"learning"}, {p.source for p in out}
    rows.append((name, statistics.median(samples), sorted(samples)[int(0.99 * len(samples))]))
assert "tensorflow" not in sys.modules
for name, p50, p99 in rows:
    print(f"{name}	{p50:.3f}	{p99:.3f}")
"""


def run(args: argparse.Namespace) -> str:
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([sys.executable, "-c", TRAIN_AND_EXPORT, tmp], cwd=ROOT, check=True)
        table = measure(Path(tmp), repeats=300 if args.quick else 2000)
    return table + "\n\n" + measure_in_django(repeats=100 if args.quick else 500)


def measure_in_django(*, repeats: int) -> str:
    """predict_many for a page of 20 from the learning-aware model's state rows (one query):
    a student with 50,000 attempts against one with 40."""
    import os

    with tempfile.TemporaryDirectory() as data_dir:
        env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
        env.update(
            STUDYSMART_DATA_DIR=data_dir,
            SECRET_KEY="bench-only-secret-key",
            DJANGO_SETTINGS_MODULE="studysmart.settings",
            LOG_LEVEL="WARNING",
            PYTHONPATH=str(ROOT),
        )
        done = subprocess.run(
            [sys.executable, "-c", IN_DJANGO, str(repeats)],
            cwd=ROOT,
            env=env,
            check=False,
            capture_output=True,
            text=True,
        )
    if done.returncode != 0:
        raise RuntimeError(f"the Django serving measurement failed:\n{done.stderr[-3000:]}")
    lines = [
        "predict_many, page of 20, learning-aware model serving (SQLite, in a Django process)",
        f"{'student':<28}{'p50 ms':>10}{'p99 ms':>10}",
    ]
    labels = {"bench.heavy": "50,000 attempts", "bench.s0": "40 attempts"}
    for row in done.stdout.strip().splitlines()[-2:]:
        name, p50, p99 = row.split("\t")
        lines.append(f"{labels.get(name, name):<28}{float(p50):>10.3f}{float(p99):>10.3f}")
    lines.append(
        "tensorflow imported in that process: no (it trained the learning model first, so "
        "scikit-learn is; the serving path without it is timed above)"
    )
    return "\n".join(lines)


def measure(folder: Path, *, repeats: int) -> str:
    from mlmodels import lnirt, lnirt_online
    from mlmodels.learning import LearningModel, advance_state
    from mlmodels.sequence_serve import HistoryStep, SequencePredictor, Target

    params = lnirt.LnirtParams.load(folder / "lnirt.npz")
    params = replace(params, dynamics=lnirt.Dynamics(0.3, 0.3, 0.1, 0.2, 720.0, 0.02))
    student = topic = task = None
    for k in range(50):  # a student's state rows after 50 answers on one topic and task
        student, topic, task = lnirt_online.advance(
            params,
            student=student,
            topic=topic,
            task=task,
            item=("t1", "topic1", 2),
            correct=k % 3 > 0,
            log_seconds=4.0,
            at=1e9 + 60 * k,
        )
    learned = LearningModel.load(folder / "learning.npz")
    state = None
    for k in range(50):
        state = advance_state(state, correct=k % 3 > 0, at=1e9 + 60 * k, log_seconds=4.0)
    page_states = [(state, state if i % 2 else None) for i in range(20)]
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
            "lnirt, 20 tasks from states (one call)",
            timed(
                lambda: lnirt_online.predict_student(
                    params,
                    student=student,
                    offsets=[(topic, task if i % 2 else None) for i in range(20)],
                    items=items,
                    now=1e9 + 7200,
                )
            ),
        ),
        (
            "lnirt instant update, one answer",
            timed(
                lambda: lnirt_online.advance(
                    params,
                    student=student,
                    topic=topic,
                    task=task,
                    item=items[1],
                    correct=False,
                    log_seconds=4.0,
                    at=1e9 + 7200,
                )
            ),
        ),
        (
            "learning, 20 tasks from states (one call)",
            timed(
                lambda: learned.predict(
                    user="s1",
                    targets=items,
                    states=page_states,
                    student_state=state,
                    now=1e9 + 7200,
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
    assert "sklearn" not in sys.modules, "the serving path imported scikit-learn"
    lines = [f"{'prediction':<44}{'p50 ms':>10}", "-" * 54]
    lines += [f"{name:<44}{ms:>10.3f}" for name, ms in rows]
    lines.append("tensorflow imported in this process: no")
    return "\n".join(lines)
