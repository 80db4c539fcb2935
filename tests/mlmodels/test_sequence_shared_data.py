"""The sequence model on the real Amsterdam Chess data (the shared data directory), against the
baselines.

The README's reference figures come from its own random split; on `split_random(seed=0)` the same
baselines score lower (user + item logistic regression 0.881 instead of 0.892, per-item mean 0.829
instead of 0.837), so the bars are the baselines recomputed on this very split.
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest

from mlmodels.data import AttemptTable, read_attempts_csv, split_random, table_from_records

pytestmark = pytest.mark.shared_data


def auc(y: np.ndarray, score: np.ndarray) -> float:
    from scipy.stats import rankdata

    ranks = rankdata(score)
    n1 = float(y.sum())
    n0 = len(y) - n1
    return float((ranks[y == 1].sum() - n1 * (n1 + 1) / 2) / (n1 * n0))


def user_item_logistic(train: AttemptTable, test: AttemptTable) -> np.ndarray:
    """Ridge (λ = 1) logistic regression on one-hot user + item: the bar of docs/models.md."""
    nu, ni = len(train.users), len(train.items)
    bu, bi, c = np.zeros(nu), np.zeros(ni), 0.0
    y = train.correct.astype(float)
    for _ in range(50):  # coordinate Newton steps; converged well before 50
        for part in range(3):
            p = 1 / (1 + np.exp(-(c + bu[train.user] + bi[train.item])))
            r, h = p - y, p * (1 - p)
            if part == 0:
                bu -= (np.bincount(train.user, r, nu) + bu) / (np.bincount(train.user, h, nu) + 1)
            elif part == 1:
                bi -= (np.bincount(train.item, r, ni) + bi) / (np.bincount(train.item, h, ni) + 1)
            else:
                c -= r.sum() / h.sum()
    return c + bu[test.user] + bi[test.item]


def group_statistic(
    keys_train: np.ndarray, values: np.ndarray, keys_test: np.ndarray, fn
) -> np.ndarray:
    table = {k: fn(values[keys_train == k]) for k in np.unique(keys_train)}
    overall = fn(values)
    return np.array([table.get(k, overall) for k in keys_test])


def test_it_beats_the_baselines_on_amsterdam_chess(shared_data_dir: Path) -> None:
    # Imported here, not at collection: TensorFlow costs every pytest-xdist worker seconds.
    st = pytest.importorskip("mlmodels.sequence_train")
    table = table_from_records(read_attempts_csv(shared_data_dir / "lnirt_amsterdamchess_long.csv"))
    test = split_random(table, seed=0)
    train, held_out = table.subset(~test), table.subset(test)

    started = time.perf_counter()
    trainer = st.SequenceTrainer(threads=2)
    artifacts = trainer.train(train, seed=0)
    p, log_s = trainer.predict(artifacts, table, test)
    seconds = time.perf_counter() - started

    y = held_out.correct
    seq_auc = auc(y, p)
    lr_auc = auc(y, user_item_logistic(train, held_out))
    item_mean = group_statistic(train.item, train.correct, held_out.item, np.mean)
    # The README's per-item mean (0.837) and the same-split user + item LR (0.881), not the
    # README's LR figure (0.892, another split); measured 0.883.
    assert seq_auc > 0.837
    assert seq_auc >= lr_auc - 0.005, (seq_auc, lr_auc)
    assert seq_auc > auc(y, item_mean) + 0.03

    timed = held_out.has_time
    truth = held_out.log_seconds[timed]
    ok = train.has_time
    item_median = group_statistic(train.item[ok], train.log_seconds[ok], held_out.item, np.median)
    skill_median = group_statistic(
        train.topic[ok], train.log_seconds[ok], held_out.topic, np.median
    )
    mae = float(np.mean(np.abs(log_s[timed] - truth)))
    assert mae < 0.592  # README's per-skill median; measured 0.354
    assert mae < float(np.mean(np.abs(item_median[timed] - truth)))
    assert mae < float(np.mean(np.abs(skill_median[timed] - truth)))
    assert seconds < 90
