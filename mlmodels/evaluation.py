"""Held-out metrics and the baselines every student model is compared with (docs/models.md).

NumPy/SciPy (scikit-learn only inside the PFA reference; no Django or TensorFlow). Baselines
take the full table and a boolean test mask, fit on the other rows and return (p_correct,
predicted log-seconds) for the test rows in row order — the same contract as a model trainer's
`predict`. The champion rule lives here too, so the worker and `benchmark_models` share it.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Literal

import numpy as np
from scipy.optimize import minimize
from scipy.special import expit
from scipy.stats import rankdata

from mlmodels.data import AttemptTable

_EPS = 1e-7  # log-loss clipping: one confident miss costs ~16 nats, not infinity


# --------------------------------------------------------------------------------------------
# Metrics


def auc(y: np.ndarray, p: np.ndarray) -> float:
    """Area under the ROC curve (Mann-Whitney); tied scores count one half. NaN if one class."""
    y = np.asarray(y, dtype=bool)
    n_pos = int(y.sum())
    n_neg = len(y) - n_pos
    if n_pos == 0 or n_neg == 0:
        return math.nan
    ranks = rankdata(np.asarray(p, dtype=np.float64))  # average ranks handle ties
    return float((ranks[y].sum() - n_pos * (n_pos + 1) / 2.0) / (n_pos * n_neg))


def log_loss(y: np.ndarray, p: np.ndarray) -> float:
    y = np.asarray(y, dtype=np.float64)
    p = np.clip(np.asarray(p, dtype=np.float64), _EPS, 1.0 - _EPS)
    if not len(y):
        return math.nan
    return float(-np.mean(y * np.log(p) + (1.0 - y) * np.log1p(-p)))


def brier(y: np.ndarray, p: np.ndarray) -> float:
    y = np.asarray(y, dtype=np.float64)
    if not len(y):
        return math.nan
    return float(np.mean((np.asarray(p, dtype=np.float64) - y) ** 2))


def _bin_index(p: np.ndarray, bins: int) -> np.ndarray:
    # Equal-width bins on [0, 1]; p = 1 goes into the last bin.
    return np.minimum((np.asarray(p, dtype=np.float64) * bins).astype(np.int64), bins - 1)


def calibration_bins(
    y: np.ndarray, p: np.ndarray, bins: int = 10
) -> list[tuple[float, float, int]]:
    """(mean predicted, observed rate, count) per non-empty equal-width bin, low to high."""
    y = np.asarray(y, dtype=np.float64)
    p = np.asarray(p, dtype=np.float64)
    idx = _bin_index(p, bins)
    count = np.bincount(idx, minlength=bins)
    sum_p = np.bincount(idx, p, minlength=bins)
    sum_y = np.bincount(idx, y, minlength=bins)
    return [
        (float(sum_p[k] / count[k]), float(sum_y[k] / count[k]), int(count[k]))
        for k in range(bins)
        if count[k]
    ]


def expected_calibration_error(y: np.ndarray, p: np.ndarray, bins: int = 10) -> float:
    """Count-weighted mean |mean predicted − observed rate| over equal-width bins."""
    table = calibration_bins(y, p, bins)
    n = sum(c for _, _, c in table)
    if not n:
        return math.nan
    return float(sum(c * abs(mp - rate) for mp, rate, c in table) / n)


def _valid_time(log_t_true: np.ndarray, log_t_pred: np.ndarray) -> np.ndarray:
    return np.isfinite(np.asarray(log_t_true)) & np.isfinite(np.asarray(log_t_pred))


def log_time_mae(log_t_true: np.ndarray, log_t_pred: np.ndarray) -> float:
    """Mean absolute error of natural-log seconds over rows with a valid time."""
    ok = _valid_time(log_t_true, log_t_pred)
    return float(np.mean(np.abs(log_t_true[ok] - log_t_pred[ok]))) if ok.any() else math.nan


def log_time_rmse(log_t_true: np.ndarray, log_t_pred: np.ndarray) -> float:
    ok = _valid_time(log_t_true, log_t_pred)
    if not ok.any():
        return math.nan
    return float(np.sqrt(np.mean((log_t_true[ok] - log_t_pred[ok]) ** 2)))


@dataclass(frozen=True)
class Metrics:
    auc: float
    logloss: float
    brier: float
    ece: float
    log_time_mae: float
    log_time_rmse: float
    n: int

    def as_dict(self) -> dict[str, float | int]:
        return asdict(self)


def evaluate(
    y: np.ndarray, p: np.ndarray, log_t_true: np.ndarray, log_t_pred: np.ndarray
) -> Metrics:
    y = np.asarray(y, dtype=np.float64)
    p = np.asarray(p, dtype=np.float64)
    log_t_true = np.asarray(log_t_true, dtype=np.float64)
    log_t_pred = np.asarray(log_t_pred, dtype=np.float64)
    return Metrics(
        auc=auc(y, p),
        logloss=log_loss(y, p),
        brier=brier(y, p),
        ece=expected_calibration_error(y, p),
        log_time_mae=log_time_mae(log_t_true, log_t_pred),
        log_time_rmse=log_time_rmse(log_t_true, log_t_pred),
        n=len(y),
    )


# --------------------------------------------------------------------------------------------
# Baselines: fit on ~test_mask, predict the test rows

Baseline = Callable[[AttemptTable, np.ndarray], tuple[np.ndarray, np.ndarray]]


def _group_rate(
    codes: np.ndarray, y: np.ndarray, n_codes: int, prior: float | np.ndarray, strength: float
) -> np.ndarray:
    """Per-code mean of y shrunk toward `prior` by `strength` pseudo-attempts."""
    n = np.bincount(codes, minlength=n_codes)
    s = np.bincount(codes, y, minlength=n_codes)
    return (s + strength * prior) / (n + strength)


def _group_median(
    codes: np.ndarray, values: np.ndarray, n_codes: int, default: float
) -> np.ndarray:
    """Per-code median of the finite values; `default` where a code has none."""
    ok = np.isfinite(values)
    codes, values = codes[ok], values[ok]
    out = np.full(n_codes, default)
    if not len(values):
        return out
    order = np.lexsort((values, codes))
    codes, values = codes[order], values[order]
    starts = np.flatnonzero(np.concatenate([[True], codes[1:] != codes[:-1]]))
    ends = np.append(starts[1:], len(codes))
    lo, hi = (starts + ends - 1) // 2, (starts + ends) // 2
    out[codes[starts]] = 0.5 * (values[lo] + values[hi])
    return out


def _train_parts(table: AttemptTable, test_mask: np.ndarray) -> tuple[np.ndarray, float, float]:
    train = ~np.asarray(test_mask, dtype=bool)
    y = table.correct[train].astype(np.float64)
    rate = float(y.mean()) if len(y) else 0.5
    lt = table.log_seconds[train]
    ok = np.isfinite(lt)
    median = float(np.median(lt[ok])) if ok.any() else math.log(60.0)
    return train, rate, median


def baseline_global_mean(
    table: AttemptTable, test_mask: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Training rate correct and the training median log time, for every row."""
    _, rate, median = _train_parts(table, test_mask)
    n = int(np.sum(test_mask))
    return np.full(n, rate), np.full(n, median)


def baseline_topic_mean(
    table: AttemptTable, test_mask: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Per-topic rate correct (lightly smoothed) and per-topic median log time."""
    train, rate, median = _train_parts(table, test_mask)
    n_t = len(table.topics)
    p_topic = _group_rate(table.topic[train], table.correct[train], n_t, rate, 1.0)
    t_topic = _group_median(table.topic[train], table.log_seconds[train], n_t, median)
    test = np.asarray(test_mask, dtype=bool)
    return p_topic[table.topic[test]], t_topic[table.topic[test]]


def baseline_student_mean(
    table: AttemptTable, test_mask: np.ndarray, *, strength: float = 5.0
) -> tuple[np.ndarray, np.ndarray]:
    """Per-student rate correct smoothed toward the global rate; per-student median log time."""
    train, rate, median = _train_parts(table, test_mask)
    n_u = len(table.users)
    p_user = _group_rate(table.user[train], table.correct[train], n_u, rate, strength)
    t_user = _group_median(table.user[train], table.log_seconds[train], n_u, median)
    test = np.asarray(test_mask, dtype=bool)
    return p_user[table.user[test]], t_user[table.user[test]]


def baseline_item_mean(table: AttemptTable, test_mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per-item rate correct and per-item median log time (the time bar of docs/models.md); an item
    without training rows falls back to its topic."""
    train, rate, median = _train_parts(table, test_mask)
    n_i, n_t = len(table.items), len(table.topics)
    p_topic = _group_rate(table.topic[train], table.correct[train], n_t, rate, 1.0)
    t_topic = _group_median(table.topic[train], table.log_seconds[train], n_t, median)
    n_seen = np.bincount(table.item[train], minlength=n_i)
    n_right = np.bincount(table.item[train], table.correct[train], minlength=n_i)
    # One pseudo-attempt at the topic rate: an item always right in training is not p = 1.
    p_item = (n_right + p_topic[table.item_topic]) / (n_seen + 1.0)
    t_item = _group_median(table.item[train], table.log_seconds[train], n_i, math.nan)
    t_item = np.where(np.isnan(t_item), t_topic[table.item_topic], t_item)
    test = np.asarray(test_mask, dtype=bool)
    return p_item[table.item[test]], t_item[table.item[test]]


def baseline_user_item_lr(
    table: AttemptTable, test_mask: np.ndarray, *, l2: float = 1.0
) -> tuple[np.ndarray, np.ndarray]:
    """The reference bar: L2 logistic regression on one-hot user + item, and for time the
    additive "user speed + item time intensity" ridge regression (a simplified LNIRT).

    Loss = sum of log-losses + l2/2·|w|² with an unpenalised intercept (sklearn's C = 1/l2).
    The one-hot design is applied through bincount, which is what a sparse matrix product
    would compute; L-BFGS from scipy.
    """
    train = ~np.asarray(test_mask, dtype=bool)
    u, i = table.user[train].astype(np.int64), table.item[train].astype(np.int64)
    y = table.correct[train].astype(np.float64)
    n_u, n_i = len(table.users), len(table.items)

    def loss(w: np.ndarray) -> tuple[float, np.ndarray]:
        z = w[0] + w[1 : 1 + n_u][u] + w[1 + n_u :][i]
        # log(1 + e^z) − y·z, stable for large |z|
        nll = float(np.sum(np.logaddexp(0.0, z) - y * z))
        r = expit(z) - y
        grad = np.concatenate(
            [[r.sum()], np.bincount(u, r, minlength=n_u), np.bincount(i, r, minlength=n_i)]
        )
        grad[1:] += l2 * w[1:]
        return nll + 0.5 * l2 * float(w[1:] @ w[1:]), grad

    w0 = np.zeros(1 + n_u + n_i)
    w = minimize(loss, w0, jac=True, method="L-BFGS-B", options={"maxiter": 500}).x
    test = np.asarray(test_mask, dtype=bool)
    p = expit(w[0] + w[1 : 1 + n_u][table.user[test]] + w[1 + n_u :][table.item[test]])
    return p, _additive_log_time(table, train, test, l2=l2)


def _additive_log_time(
    table: AttemptTable, train: np.ndarray, test: np.ndarray, *, l2: float, sweeps: int = 30
) -> np.ndarray:
    """log t ≈ μ + item intensity − user speed, ridge-penalised, by alternating exact updates."""
    ok = train & np.isfinite(table.log_seconds)
    u, i, lt = table.user[ok], table.item[ok], table.log_seconds[ok]
    n_u, n_i = len(table.users), len(table.items)
    mu = float(lt.mean()) if len(lt) else math.log(60.0)
    cu = np.bincount(u, minlength=n_u)
    ci = np.bincount(i, minlength=n_i)
    bu, bi = np.zeros(n_u), np.zeros(n_i)
    for _ in range(sweeps):
        bi = np.bincount(i, lt - mu - bu[u], minlength=n_i) / (ci + l2)
        bu = np.bincount(u, lt - mu - bi[i], minlength=n_u) / (cu + l2)
    return mu + bu[table.user[test]] + bi[table.item[test]]


def baseline_pfa(table: AttemptTable, test_mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """PFA (Pavlik, Cen & Koedinger 2009), the reference without decay or time: a logistic
    regression on item intercepts and the student's prior successes and failures on the topic
    (every earlier attempt counts, test ones included, never the attempt itself). Time: the
    per-item median, as the per-item baseline."""
    from scipy import sparse
    from sklearn.linear_model import LogisticRegression

    test = np.asarray(test_mask, dtype=bool)
    train = ~test
    n = len(table)
    idx = table.chronological_index()
    group = table.user.astype(np.int64)[idx] * max(len(table.topics), 1) + table.topic[idx]
    y_sorted = table.correct[idx].astype(np.float64)
    start = np.r_[True, group[1:] != group[:-1]]
    g0 = np.maximum.accumulate(np.where(start, np.arange(n), 0))
    excl = np.cumsum(y_sorted) - y_sorted
    successes = np.empty(n)
    successes[idx] = excl - excl[g0]
    attempts = np.empty(n)
    attempts[idx] = np.arange(n) - g0
    failures = attempts - successes
    counts = np.column_stack([successes, failures])
    n_items = len(table.items)
    one_hot = sparse.csr_matrix(
        (np.ones(n), (np.arange(n), table.item.astype(np.int64))), shape=(n, n_items)
    )
    # Per-topic count coefficients, as PFA has one (γ, ρ) per skill.
    topic = table.topic.astype(np.int64)
    n_topics = max(len(table.topics), 1)
    rows = np.r_[np.arange(n), np.arange(n)]
    cols = np.r_[topic, n_topics + topic]
    per_topic = sparse.csr_matrix(
        (np.r_[counts[:, 0], counts[:, 1]], (rows, cols)), shape=(n, 2 * n_topics)
    )
    x = sparse.hstack([one_hot, per_topic], format="csr")
    y = table.correct > 0.5
    if len(np.unique(y[train])) < 2:
        p = np.full(int(test.sum()), float(y[train].mean()) if train.any() else 0.5)
    else:
        clf = LogisticRegression(C=1.0, solver="newton-cholesky", max_iter=50, tol=1e-4)
        clf.fit(x[train], y[train])
        p = clf.predict_proba(x[test])[:, 1]
    _, log_t = baseline_item_mean(table, test_mask)
    return p, log_t


# Display name → baseline, in the order the report prints them. The simple baselines set the
# bar a model must beat on AUC to be served; the references (PFA, user+item LR) are printed
# beside every model for comparison and are not in the bar.
BASELINES: dict[str, Baseline] = {
    "global mean": baseline_global_mean,
    "per-topic mean": baseline_topic_mean,
    "per-student mean": baseline_student_mean,
    "per-item mean": baseline_item_mean,
    "PFA": baseline_pfa,
    "user+item LR": baseline_user_item_lr,
}
REFERENCE_BASELINES: frozenset[str] = frozenset({"PFA", "user+item LR"})


# --------------------------------------------------------------------------------------------
# The champion rule (one rule: the worker and benchmark_models both call these)


def auc_bar(baseline_auc: dict[str, float]) -> float:
    """The AUC to beat: the best simple baseline's (references excluded, NaN ignored)."""
    values = [a for name, a in baseline_auc.items() if name not in REFERENCE_BASELINES and a == a]
    return max(values, default=-math.inf)


def qualifies(auc_value: float, bar: float) -> bool:
    return auc_value == auc_value and auc_value > bar


def choose_champion(models: dict[str, tuple[float, float]], *, bar: float) -> str | None:
    """Among models (name → (AUC, log-loss)) that beat every simple baseline on held-out AUC,
    the one with the lowest log-loss; None when none qualifies (the average then serves)."""
    qualified = [
        name
        for name, (auc_value, loss) in models.items()
        if qualifies(auc_value, bar) and loss == loss
    ]
    if not qualified:
        return None
    return min(qualified, key=lambda name: (models[name][1], name))


# --------------------------------------------------------------------------------------------
# How a model moves after one more answer (docs/models.md, "Properties")

PredictRows = Callable[[AttemptTable, np.ndarray], tuple[np.ndarray, np.ndarray]]
ProbeTarget = Literal["same task", "same topic", "other topic"]


@dataclass(frozen=True)
class AnswerProbe:
    """One target's P(correct) just before attempt k and just after it, the attempt answered
    right or wrong (everything else equal: the student's earlier attempts, the moment)."""

    before: np.ndarray
    after_right: np.ndarray
    after_wrong: np.ndarray

    @property
    def rises_after_wrong(self) -> float:
        """Share of probes where a wrong answer raises the prediction."""
        return float(np.mean(self.after_wrong > self.before + 1e-9))

    @property
    def wrong_not_below_right(self) -> float:
        """Share of probes where the wrong answer predicts at least as well as the right one."""
        return float(np.mean(self.after_wrong >= self.after_right - 1e-9))

    @property
    def mean_logit_move(self) -> float:
        """Mean |logit change| over the two outcomes: how far one answer moves the target."""
        lb = _logit(self.before)
        moves = np.abs(_logit(self.after_right) - lb) + np.abs(_logit(self.after_wrong) - lb)
        return float(np.mean(moves) / 2.0)


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(np.asarray(p, dtype=np.float64), _EPS, 1.0 - _EPS)
    return np.log(p / (1.0 - p))


def answer_probes(
    table: AttemptTable,
    predict: PredictRows,
    *,
    rows: np.ndarray,
    target: ProbeTarget = "same task",
    seed: int = 0,
) -> AnswerProbe:
    """Probe `predict` (a trainer's `predict` with its model bound) at attempts `rows`.

    For each attempt k, three small histories are built from the student's attempts before k:
    without k, with k answered right, with k answered wrong; each ends with a target attempt at
    k's moment, whose prediction is read. The target is k's task, another task of its topic,
    or a task of another topic (the same one in all three histories). Each probe is its own
    student code (under the student's name, so models that know the student still do).
    """
    rng = np.random.default_rng(seed)
    rows = np.asarray(rows, dtype=np.int64)
    chron = table.chronological_index()
    rank = np.empty(len(table), dtype=np.int64)
    rank[chron] = np.arange(len(table))
    first = np.searchsorted(table.user[chron], table.user[rows], side="left")
    # A student's attempts before k: chron[first : rank[k]].
    targets = _probe_targets(table, rows, target, rng)
    out = []
    for outcome in (None, 1.0, 0.0):
        parts: list[np.ndarray] = []
        probe_pos = []
        total = 0
        for first_k, k in zip(first, rows, strict=True):
            segment = chron[first_k : rank[k]]
            if outcome is not None:
                segment = np.append(segment, k)
            parts.append(segment)
            total += len(segment) + 1
            probe_pos.append(total - 1)
        src = np.concatenate([np.append(p, -1) for p in parts])
        is_probe = src < 0
        probe_of = np.repeat(np.arange(len(rows)), [len(p) + 1 for p in parts])
        safe = np.where(is_probe, rows[probe_of], src)
        correct = table.correct[safe].copy()
        log_t = table.log_seconds[safe].copy()
        item = table.item[safe].copy()
        if outcome is not None:
            answered = np.zeros(len(src), dtype=bool)
            answered[np.asarray(probe_pos) - 1] = True
            correct[answered] = outcome
        item[is_probe] = targets
        correct[is_probe] = 0.0
        log_t[is_probe] = np.nan
        probes = AttemptTable(
            user=probe_of.astype(np.int32),
            item=item,
            topic=table.item_topic[item].astype(np.int32),
            difficulty=table.item_difficulty[item].astype(np.int32),
            correct=correct.astype(np.float32),
            log_seconds=log_t,
            order=table.order[safe],
            users=tuple(table.users[u] for u in table.user[rows]),
            items=table.items,
            topics=table.topics,
            item_topic=table.item_topic,
            item_difficulty=table.item_difficulty,
        )
        p, _ = predict(probes, is_probe)
        out.append(np.asarray(p, dtype=np.float64))
    return AnswerProbe(before=out[0], after_right=out[1], after_wrong=out[2])


def _probe_targets(
    table: AttemptTable, rows: np.ndarray, target: ProbeTarget, rng: np.random.Generator
) -> np.ndarray:
    own = table.item[rows].astype(np.int64)
    if target == "same task":
        return own
    topic = table.item_topic[own]
    out = own.copy()
    for n, (item, t) in enumerate(zip(own, topic, strict=True)):
        same = table.item_topic == t
        pool = np.flatnonzero(
            same & (np.arange(len(same)) != item) if target == "same topic" else ~same
        )
        if len(pool):
            out[n] = rng.choice(pool)
    return out
