"""The learning-aware student model: a regularised regression on the student's practice history.

For a student and a task it predicts P(correct) and log time from what the student did *before*:
prior successes and failures on the same task, on its topic and overall (raw and log(1 + n)),
versions decayed over attempts and over elapsed time, the logit of the decayed success rate with
pseudo-counts (Pavlik, Eglington & Harrell-Williams 2021, "Logistic Knowledge Tracing":
`logitdec`), the time since the last attempt on the task and the topic, the number of distinct
days practised, and recent log times; plus student, task, topic and difficulty effects. See
docs/models.md.

Everything a prediction needs about the history is a small *state* per student × scope (the
student overall, a topic, a task), advanced one attempt at a time by `advance_state`. Training
replays every student's attempts through the same function, so the features a model was fitted
on are exactly the ones serving computes from the state rows the web process keeps — and a
student with 50,000 attempts costs what a new one costs.

Pure Python and NumPy at serving time (no scikit-learn, no TensorFlow); `fit_learning_model`
imports scikit-learn lazily, in the worker.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path
from typing import Any

import numpy as np

from mlmodels.calibration import apply_platt, fit_platt
from mlmodels.data import AttemptTable

FORMAT_VERSION = 1
# State layout version: bump when `advance_state` or the layout below changes (the stored state
# rows are then rebuilt from the history).
STATE_VERSION = 1

SCOPES: tuple[str, ...] = ("student", "topic", "task")
# Per-attempt decay of the R-PFA counts (a success 3 attempts back weighs 0.7³).
ATTEMPT_DECAY = 0.7
# Half-lives (hours) the state keeps time-decayed counts for; training picks one per model by a
# grid on a validation fold, so serving never needs a value the state lacks.
HALF_LIVES_HOURS: tuple[float, ...] = (0.5, 6.0, 48.0, 336.0)
# Pseudo-counts of the logit of the decayed success rate: (s + 1) / (f + 1).
PSEUDO = 1.0
RAW_COUNT_CAP = 50.0
# Attempt-decay of the running mean of log times.
TIME_DECAY = 0.7

# State vector indices.
_NS, _NF, _AS, _AF = 0, 1, 2, 3
_TD = 4  # time-decayed (successes, failures) per half-life, as of the last attempt
_LAST_T = _TD + 2 * len(HALF_LIVES_HOURS)
_FIRST_T = _LAST_T + 1
_N_DAYS = _LAST_T + 2
_LAST_DAY = _LAST_T + 3
_LT_SUM = _LAST_T + 4
_LT_W = _LAST_T + 5
_LAST_LT = _LAST_T + 6
STATE_SIZE = _LAST_T + 7

_LN2 = math.log(2.0)
_DECAY_RATES = tuple(_LN2 / (h * 3600.0) for h in HALF_LIVES_HOURS)


def new_state() -> list[float]:
    state = [0.0] * STATE_SIZE
    state[_LAST_LT] = math.nan
    state[_LAST_DAY] = -1.0
    return state


def advance_state(
    state: list[float] | None, *, correct: bool, at: float, log_seconds: float
) -> list[float]:
    """The state after one more attempt at epoch seconds `at` (`log_seconds` NaN if unknown).

    Attempts must arrive in time order; the caller rebuilds from the history otherwise.
    """
    s = new_state() if state is None else list(state)
    y = 1.0 if correct else 0.0
    first = s[_NS] + s[_NF] == 0
    gap = 0.0 if first else max(0.0, at - s[_LAST_T])
    for k, rate in enumerate(_DECAY_RATES):
        d = math.exp(-rate * gap)
        s[_TD + 2 * k] = s[_TD + 2 * k] * d + y
        s[_TD + 2 * k + 1] = s[_TD + 2 * k + 1] * d + (1.0 - y)
    s[_NS] += y
    s[_NF] += 1.0 - y
    s[_AS] = s[_AS] * ATTEMPT_DECAY + y
    s[_AF] = s[_AF] * ATTEMPT_DECAY + (1.0 - y)
    if first:
        s[_FIRST_T] = at
    s[_LAST_T] = at
    day = float(math.floor(at / 86400.0))
    if day != s[_LAST_DAY]:
        s[_N_DAYS] += 1.0
        s[_LAST_DAY] = day
    if math.isfinite(log_seconds):
        s[_LT_SUM] = s[_LT_SUM] * TIME_DECAY + log_seconds
        s[_LT_W] = s[_LT_W] * TIME_DECAY + 1.0
        s[_LAST_LT] = log_seconds
    return s


def _scope_feature_names(scope: str) -> list[str]:
    names = [
        "never",
        "log1p_successes",
        "log1p_failures",
        "decayed_successes",
        "decayed_failures",
        "logit_decayed_rate",
    ]
    if scope != "student":
        names += ["successes", "failures"]
    for h in HALF_LIVES_HOURS:
        names += [f"successes_h{h:g}", f"failures_h{h:g}", f"logit_rate_h{h:g}"]
    names += [
        "log_minutes_since_last",
        "log1p_days",
        "log_mean_gap_hours",
        "mean_log_time",
        "last_log_time",
    ]
    return [f"{scope}:{n}" for n in names]


FEATURE_NAMES: tuple[str, ...] = tuple(n for scope in SCOPES for n in _scope_feature_names(scope))
# Feature groups that only the time model uses (the accuracy model leaves them out).
TIME_ONLY = ("mean_log_time", "last_log_time")
# The topic's features in the accuracy model: those that, with the weights' signs
# (`weight_signs`), a wrong answer lowers or leaves alone whatever the history, and a right one
# raises more than a wrong one: failure counts, the time-decayed success rate, and the
# attempt-decayed successes (each later answer discounts them, so a wrong one erodes the credit
# of earlier successes). Not in it (the time model keeps them): what moves with any attempt,
# right or wrong (practised at all, recency, days, spacing; on the practice log they made a
# wrong answer raise the topic's other tasks in 98 % of probes), the success counts a wrong
# answer leaves untouched, and the attempt-decayed failures and rate (after a run of failures
# one more lowers the one and raises the other: the decay forgets more than a failure adds).
# So a wrong answer never lifts a topic's tasks above where the student's other topics go
# (docs/models.md, "Signs").
# (By `base_name`: "failures" is the raw count and the time-decayed one, "logit_rate" the
# time-decayed rate.)
TOPIC_EVIDENCE = frozenset({"log1p_failures", "failures", "logit_rate", "decayed_successes"})


def _topic_evidence(short: str) -> bool:
    """A topic feature the accuracy model uses (`TOPIC_EVIDENCE`), or a time-decayed success
    count: a wrong answer leaves it where time alone would (the decay composes), a right one
    raises it, and time lowers it — the topic's forgetting, which review scheduling needs (a
    topic practised yesterday must not look like one left for weeks)."""
    base = base_name(short)
    return base in TOPIC_EVIDENCE or (base == "successes" and short != base)


def base_name(short: str) -> str:
    """A feature's name without its scope and half-life: "successes_h48" -> "successes"."""
    return short.rsplit("_h", 1)[0] if re.fullmatch(r".+_h[\d.]+", short) else short


def scope_features(
    state: Sequence[float] | None, *, now: float, scope: str, log_time_center: float
) -> list[float]:
    """The features of one scope at time `now` (the order of `_scope_feature_names`)."""
    raw = scope != "student"
    if state is None or state[_NS] + state[_NF] == 0:
        out = [1.0, 0.0, 0.0, 0.0, 0.0, 0.0]
        if raw:
            out += [0.0, 0.0]
        out += [0.0] * (3 * len(HALF_LIVES_HOURS))
        return [*out, 0.0, 0.0, 0.0, 0.0, 0.0]
    ns, nf = state[_NS], state[_NF]
    a_s, a_f = state[_AS], state[_AF]
    out = [
        0.0,
        math.log1p(ns),
        math.log1p(nf),
        a_s,
        a_f,
        math.log((a_s + PSEUDO) / (a_f + PSEUDO)),
    ]
    if raw:
        out += [min(ns, RAW_COUNT_CAP), min(nf, RAW_COUNT_CAP)]
    gap = max(0.0, now - state[_LAST_T])
    for k, rate in enumerate(_DECAY_RATES):
        d = math.exp(-rate * gap)
        ts, tf = state[_TD + 2 * k] * d, state[_TD + 2 * k + 1] * d
        out += [ts, tf, math.log((ts + PSEUDO) / (tf + PSEUDO))]
    n = ns + nf
    mean_gap_hours = (state[_LAST_T] - state[_FIRST_T]) / 3600.0 / max(n - 1.0, 1.0)
    lt_w = state[_LT_W]
    last_lt = state[_LAST_LT]
    out += [
        math.log1p(gap / 60.0),
        math.log1p(state[_N_DAYS]),
        math.log1p(max(0.0, mean_gap_hours)),
        (state[_LT_SUM] / lt_w - log_time_center) if lt_w > 0 else 0.0,
        (last_lt - log_time_center) if math.isfinite(last_lt) else 0.0,
    ]
    return out


def row_features(
    states: Sequence[Sequence[float] | None], *, now: float, log_time_center: float
) -> list[float]:
    """Features of one attempt from its (student, topic, task) states."""
    out: list[float] = []
    for scope, state in zip(SCOPES, states, strict=True):
        out += scope_features(state, now=now, scope=scope, log_time_center=log_time_center)
    return out


def history_features(table: AttemptTable, *, log_time_center: float) -> np.ndarray:
    """(rows, features): each row's features from the same student's earlier rows of `table`
    (in `order`, ties by row index), with their true outcomes — never the row's own.

    Vectorised per scope; equal (to rounding) to replaying `advance_state` row by row and
    calling `row_features`, which is what serving does (a test checks it).
    """
    n = len(table)
    if n == 0:
        return np.zeros((0, len(FEATURE_NAMES)))
    user = table.user.astype(np.int64)
    groups = (
        user,
        user * max(len(table.topics), 1) + table.topic,
        user * max(len(table.items), 1) + table.item,
    )
    blocks = [
        _scope_block(g, table, scope=scope, log_time_center=log_time_center)
        for scope, g in zip(SCOPES, groups, strict=True)
    ]
    return np.hstack(blocks)


def _scope_block(
    group: np.ndarray, table: AttemptTable, *, scope: str, log_time_center: float
) -> np.ndarray:
    n = len(group)
    rows = np.arange(n)
    idx = np.lexsort((rows, table.order, group))
    g = group[idx]
    t = table.order[idx].astype(np.float64)
    y = table.correct[idx].astype(np.float64)
    lt = table.log_seconds[idx]
    start = np.r_[True, g[1:] != g[:-1]]
    g0 = np.maximum.accumulate(np.where(start, rows, 0))
    pos = (rows - g0).astype(np.float64)  # earlier attempts in the scope
    gid = np.cumsum(start) - 1
    seen = pos > 0
    prev = np.maximum(rows - 1, 0)

    excl = np.cumsum(y) - y
    ns = excl - excl[g0]
    nf = pos - ns
    a_s = _attempt_decayed_before(y, g0, seen, ATTEMPT_DECAY)
    a_f = _attempt_decayed_before(1.0 - y, g0, seen, ATTEMPT_DECAY)
    cols: list[np.ndarray] = [
        (~seen).astype(np.float64),
        np.log1p(ns),
        np.log1p(nf),
        a_s,
        a_f,
        np.where(seen, np.log((a_s + PSEUDO) / (a_f + PSEUDO)), 0.0),
    ]
    if scope != "student":
        cols += [np.minimum(ns, RAW_COUNT_CAP), np.minimum(nf, RAW_COUNT_CAP)]
    t_rel = t - t.min()
    span = float(t_rel.max()) if n else 0.0
    for rate in _DECAY_RATES:
        # Σ_j y_j·exp(−rate·(t − t_j)) over earlier rows, in the log domain (no overflow); each
        # scope is pushed 1,000 e-folds past the previous one so nothing leaks across.
        stride = rate * span + 1000.0
        big_t = rate * t_rel + stride * gid
        ts = _time_decayed_before(y, big_t, seen)
        tf = _time_decayed_before(1.0 - y, big_t, seen)
        cols += [ts, tf, np.where(seen, np.log((ts + PSEUDO) / (tf + PSEUDO)), 0.0)]
    last_t = np.where(seen, t[prev], t)
    gap = np.maximum(0.0, t - last_t)
    day = np.floor(t / 86400.0)
    new_day = start | (day != day[prev])
    days_incl = np.cumsum(new_day)
    n_days = np.where(seen, days_incl[prev] - days_incl[g0] + 1, 0)
    mean_gap = (last_t - t[g0]) / 3600.0 / np.maximum(pos - 1.0, 1.0)
    valid = np.isfinite(lt)
    # The last earlier row with a valid time, and the attempt-decayed log-time sums up to it.
    last_valid = np.maximum.accumulate(np.where(valid, rows, -1))
    pv = np.where(seen, last_valid[prev], -1)
    has_pv = pv >= g0
    lt_sum, lt_w = _valid_decayed_sums(lt, valid, g0, TIME_DECAY)
    safe_pv = np.maximum(pv, 0)
    w_before = np.where(has_pv, lt_w[safe_pv], 0.0)
    cols += [
        np.where(seen, np.log1p(gap / 60.0), 0.0),
        np.log1p(n_days),
        np.where(seen, np.log1p(np.maximum(0.0, mean_gap)), 0.0),
        np.where(
            w_before > 0, lt_sum[safe_pv] / np.maximum(w_before, 1e-300) - log_time_center, 0.0
        ),
        np.where(has_pv, lt[safe_pv] - log_time_center, 0.0),
    ]
    block = np.column_stack(cols)
    out = np.empty_like(block)
    out[idx] = block
    return out


def _decayed_inclusive(values: np.ndarray, big_t: np.ndarray) -> np.ndarray:
    """Σ_{j ≤ k} values_j·exp(big_t_j − big_t_k) for non-negative values, in the log domain
    (no overflow however long the history); `big_t` must not decrease."""
    with np.errstate(divide="ignore"):
        log_terms = np.where(values > 0, big_t + np.log(np.maximum(values, 1e-300)), -np.inf)
        acc = np.logaddexp.accumulate(log_terms)
    with np.errstate(over="ignore", invalid="ignore"):
        out = np.exp(acc - big_t)
    return np.where(np.isfinite(out), out, 0.0)


def _scope_clock(steps: np.ndarray, gid: np.ndarray) -> np.ndarray:
    """A non-decreasing clock in e-folds that puts 1,000 e-folds between scopes, so nothing
    decays across from one scope into the next."""
    span = float(steps.max() - steps.min()) if len(steps) else 0.0
    return (steps - (steps.min() if len(steps) else 0.0)) + (span + 1000.0) * gid


def _attempt_decayed_before(
    y: np.ndarray, g0: np.ndarray, seen: np.ndarray, decay: float
) -> np.ndarray:
    """Σ over earlier rows of the scope of decay^(rows between)·y, rows sorted by scope."""
    n = len(y)
    gid = np.cumsum(np.r_[True, g0[1:] != g0[:-1]]) - 1
    clock = _scope_clock(-math.log(decay) * np.arange(n, dtype=np.float64), gid)
    inclusive = _decayed_inclusive(y, clock)
    before = np.r_[0.0, inclusive[:-1]]  # the state as the previous attempt left it
    return np.where(seen, before, 0.0)


def _time_decayed_before(y: np.ndarray, big_t: np.ndarray, seen: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore"):
        log_terms = np.where(y > 0, big_t + np.log(np.maximum(y, 1e-300)), -np.inf)
        acc = np.logaddexp.accumulate(log_terms)
    before = np.r_[-np.inf, acc[:-1]]
    with np.errstate(over="ignore", invalid="ignore"):
        out = np.exp(before - big_t)
    return np.where(seen & np.isfinite(out), out, 0.0)


# Log times are shifted by this before the log-domain sums (they must be positive there).
_LOG_TIME_SHIFT = 50.0


def _valid_decayed_sums(
    lt: np.ndarray, valid: np.ndarray, g0: np.ndarray, decay: float
) -> tuple[np.ndarray, np.ndarray]:
    """Per row with a valid time: the scope's decayed sum of valid log times and of weights up
    to and including that row (decay per valid row); rows sorted by scope."""
    n = len(lt)
    sums, weights = np.zeros(n), np.zeros(n)
    vrows = np.flatnonzero(valid)
    if not len(vrows):
        return sums, weights
    vg0 = g0[vrows]
    gid = np.cumsum(np.r_[True, vg0[1:] != vg0[:-1]]) - 1
    clock = _scope_clock(-math.log(decay) * np.arange(len(vrows), dtype=np.float64), gid)
    w = _decayed_inclusive(np.ones(len(vrows)), clock)
    shifted = _decayed_inclusive(np.maximum(lt[vrows] + _LOG_TIME_SHIFT, 0.0), clock)
    weights[vrows] = w
    sums[vrows] = shifted - _LOG_TIME_SHIFT * w
    return sums, weights


def final_states(
    group: np.ndarray, order: np.ndarray, correct: np.ndarray, log_seconds: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The state `advance_state` leaves after each group's attempts, for every group at once:
    (group values, attempts per group, states (groups, STATE_SIZE)). Rows in any order; each
    group's attempts are taken in `order`, ties by row index (equal to the replay; tested)."""
    n = len(group)
    if n == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros((0, STATE_SIZE))
    rows = np.arange(n)
    idx = np.lexsort((rows, order, group))
    g = np.asarray(group)[idx]
    t = np.asarray(order, dtype=np.float64)[idx]
    y = np.asarray(correct, dtype=np.float64)[idx]
    lt = np.asarray(log_seconds, dtype=np.float64)[idx]
    start = np.r_[True, g[1:] != g[:-1]]
    end = np.r_[g[1:] != g[:-1], True]
    g0 = np.maximum.accumulate(np.where(start, rows, 0))
    gid = np.cumsum(start) - 1
    last = np.flatnonzero(end)
    first = g0[last]
    out = np.zeros((len(last), STATE_SIZE))
    cs = np.cumsum(y)
    successes = cs[last] - np.where(first > 0, cs[np.maximum(first - 1, 0)], 0.0)
    counts = last - first + 1
    out[:, _NS] = successes
    out[:, _NF] = counts - successes
    steps = _scope_clock(-math.log(ATTEMPT_DECAY) * rows.astype(np.float64), gid)
    out[:, _AS] = _decayed_inclusive(y, steps)[last]
    out[:, _AF] = _decayed_inclusive(1.0 - y, steps)[last]
    t_rel = t - t.min()
    span = float(t_rel.max())
    for k, rate in enumerate(_DECAY_RATES):
        clock = rate * t_rel + (rate * span + 1000.0) * gid
        out[:, _TD + 2 * k] = _decayed_inclusive(y, clock)[last]
        out[:, _TD + 2 * k + 1] = _decayed_inclusive(1.0 - y, clock)[last]
    out[:, _LAST_T] = t[last]
    out[:, _FIRST_T] = t[first]
    day = np.floor(t / 86400.0)
    prev = np.maximum(rows - 1, 0)
    new_day = start | (day != day[prev])
    days = np.cumsum(new_day)
    out[:, _N_DAYS] = days[last] - np.where(first > 0, days[np.maximum(first - 1, 0)], 0)
    out[:, _LAST_DAY] = day[last]
    valid = np.isfinite(lt)
    lt_sum, lt_w = _valid_decayed_sums(lt, valid, g0, TIME_DECAY)
    last_valid = np.maximum.accumulate(np.where(valid, rows, -1))[last]
    has = last_valid >= first
    safe = np.maximum(last_valid, 0)
    out[:, _LT_SUM] = np.where(has, lt_sum[safe], 0.0)
    out[:, _LT_W] = np.where(has, lt_w[safe], 0.0)
    out[:, _LAST_LT] = np.where(has, lt[safe], math.nan)
    return g[last], counts, out


def feature_columns(*, half_life_index: int, for_time: bool) -> np.ndarray:
    """Indices into FEATURE_NAMES of one model's features: one half-life, time-only columns and
    the topic's practice columns for the time model only."""
    keep_h = f"_h{HALF_LIVES_HOURS[half_life_index]:g}"
    cols = []
    for k, name in enumerate(FEATURE_NAMES):
        short = name.split(":", 1)[1]
        if "_h" in short and not short.endswith(keep_h):
            continue
        if short in TIME_ONLY and not for_time:
            continue
        if name.startswith("topic:") and not for_time and not _topic_evidence(short):
            continue
        cols.append(k)
    return np.asarray(cols, dtype=np.int64)


# --------------------------------------------------------------------------------------------
# The fitted model: coefficients in plain arrays


@dataclass(frozen=True, eq=False)
class LearningModel:
    """Exported coefficients. Dense features are already un-standardised into the weights."""

    users: tuple[str, ...]
    items: tuple[str, ...]
    topics: tuple[str, ...]
    p_columns: np.ndarray  # indices into FEATURE_NAMES
    p_weights: np.ndarray
    p_intercept: float
    p_user: np.ndarray
    p_item: np.ndarray
    p_topic: np.ndarray
    p_difficulty: np.ndarray  # per data.DIFFICULTIES code
    t_columns: np.ndarray
    t_weights: np.ndarray
    t_intercept: float
    t_user: np.ndarray
    t_item: np.ndarray
    t_topic: np.ndarray
    t_difficulty: np.ndarray
    log_time_center: float
    half_life_hours: float
    calibration: np.ndarray  # Platt (a, b): P = σ(a·logit + b)

    @cached_property
    def user_index(self) -> dict[str, int]:
        return {u: i for i, u in enumerate(self.users)}

    @cached_property
    def item_index(self) -> dict[str, int]:
        return {k: i for i, k in enumerate(self.items)}

    @cached_property
    def topic_index(self) -> dict[str, int]:
        return {k: i for i, k in enumerate(self.topics)}

    def predict_features(
        self,
        features: np.ndarray,
        *,
        user: np.ndarray,
        item: np.ndarray,
        topic: np.ndarray,
        difficulty: np.ndarray,
    ) -> tuple[np.ndarray, np.ndarray]:
        """(calibrated P(correct), predicted log seconds). Codes are model indices, -1 unknown
        (an unknown student, task or topic has no effect of its own: the effect is 0)."""
        logit = (
            features[:, self.p_columns] @ self.p_weights
            + self.p_intercept
            + _effect(self.p_user, user)
            + _effect(self.p_item, item)
            + _effect(self.p_topic, topic)
            + _effect(self.p_difficulty, difficulty)
        )
        log_t = (
            features[:, self.t_columns] @ self.t_weights
            + self.t_intercept
            + _effect(self.t_user, user)
            + _effect(self.t_item, item)
            + _effect(self.t_topic, topic)
            + _effect(self.t_difficulty, difficulty)
        )
        return apply_platt(self.calibration, logit), log_t

    def predict(
        self,
        *,
        user: str,
        targets: Sequence[tuple[str, str, int]],
        states: Sequence[tuple[Sequence[float] | None, Sequence[float] | None]],
        student_state: Sequence[float] | None,
        now: float,
    ) -> tuple[np.ndarray, np.ndarray]:
        """One student, a page of (task key, topic key, difficulty code) targets, with each
        target's (topic state, task state) and the student's overall state."""
        n = len(targets)
        if n == 0:
            return np.empty(0), np.empty(0)
        # A page repeats its scopes' states (one student, a few topics, mostly unseen tasks):
        # each distinct state's features are computed once.
        memo: dict[tuple[str, int], list[float]] = {}

        def features_of(scope: str, state: Sequence[float] | None) -> list[float]:
            key = (scope, id(state))
            if key not in memo:
                memo[key] = scope_features(
                    state, now=now, scope=scope, log_time_center=self.log_time_center
                )
            return memo[key]

        feats = np.asarray(
            [
                features_of(SCOPES[0], student_state)
                + features_of(SCOPES[1], topic_state)
                + features_of(SCOPES[2], task_state)
                for topic_state, task_state in states
            ],
            dtype=np.float64,
        )
        u = self.user_index.get(user, -1)
        p, log_t = self.predict_features(
            feats,
            user=np.full(n, u, dtype=np.int64),
            item=np.fromiter((self.item_index.get(i, -1) for i, _t, _d in targets), np.int64, n),
            topic=np.fromiter((self.topic_index.get(t, -1) for _i, t, _d in targets), np.int64, n),
            difficulty=np.fromiter((_difficulty(d) for *_r, d in targets), np.int64, n),
        )
        return p, log_t

    def predict_table(
        self, table: AttemptTable, mask: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """(P(correct), log seconds) for the rows in `mask`, each from every earlier attempt."""
        feats = history_features(table, log_time_center=self.log_time_center)
        rows = np.flatnonzero(mask) if mask is not None else np.arange(len(table))
        return self.predict_features(
            feats[rows],
            user=_codes(table.users, self.user_index)[table.user[rows]],
            item=_codes(table.items, self.item_index)[table.item[rows]],
            topic=_codes(table.topics, self.topic_index)[table.topic[rows]],
            difficulty=table.difficulty[rows].astype(np.int64),
        )

    def save(self, path: Path | str) -> None:
        arrays: dict[str, np.ndarray] = {"format_version": np.array(FORMAT_VERSION)}
        arrays["state_version"] = np.array(STATE_VERSION)
        arrays["feature_names"] = np.array(FEATURE_NAMES, dtype=np.str_)
        for name in ("users", "items", "topics"):
            arrays[name] = np.array(getattr(self, name), dtype=np.str_)
        for name in _ARRAYS:
            arrays[name] = np.asarray(getattr(self, name))
        for name in _SCALARS:
            arrays[name] = np.array(float(getattr(self, name)))
        with open(path, "wb") as fh:  # a file object stops NumPy appending ".npz"
            np.savez(fh, **arrays)  # type: ignore[arg-type]

    @classmethod
    def load(cls, path: Path | str) -> LearningModel:
        with np.load(path, allow_pickle=False) as z:
            version = int(z["format_version"])
            if version != FORMAT_VERSION or int(z["state_version"]) != STATE_VERSION:
                raise ValueError(f"{path}: learning model format {version}, state layout differs")
            if tuple(str(s) for s in z["feature_names"].tolist()) != FEATURE_NAMES:
                raise ValueError(f"{path}: the features differ from this code's")
            strs = {n: tuple(str(s) for s in z[n].tolist()) for n in ("users", "items", "topics")}
            arrays = {n: z[n].copy() for n in _ARRAYS}
            scalars = {n: float(z[n]) for n in _SCALARS}
        model = cls(**strs, **arrays, **scalars)  # type: ignore[arg-type]
        if not all(np.all(np.isfinite(model_array)) for model_array in arrays.values()):
            raise ValueError(f"{path}: coefficients are not all finite")
        return model


_ARRAYS = (
    "p_columns",
    "p_weights",
    "p_user",
    "p_item",
    "p_topic",
    "p_difficulty",
    "t_columns",
    "t_weights",
    "t_user",
    "t_item",
    "t_topic",
    "t_difficulty",
    "calibration",
)
_SCALARS = ("p_intercept", "t_intercept", "log_time_center", "half_life_hours")


def _effect(weights: np.ndarray, codes: np.ndarray) -> np.ndarray:
    if not len(weights):
        return np.zeros(len(codes))
    return np.where(codes >= 0, weights[np.maximum(codes, 0)], 0.0)


def _codes(names: Sequence[str], index: dict[str, int]) -> np.ndarray:
    return np.asarray([index.get(s, -1) for s in names], dtype=np.int64).reshape(-1)


def _difficulty(value: Any) -> int:
    try:
        code = int(value)
    except (TypeError, ValueError):
        return 0
    return code if 0 <= code < 4 else 0


# --------------------------------------------------------------------------------------------
# Fitting (worker only: SciPy and scikit-learn are imported here, never at serving time)

# L2 strengths: C as scikit-learn's (the log-loss summed over rows plus ½|w|², the intercept not
# penalised) for the logistic regression, alpha for the ridge on log time.
LOGISTIC_C = 0.5
RIDGE_ALPHA = 5.0

# Sign constraints on the accuracy model's history weights (docs/models.md, "Signs"): a success
# count or success rate never lowers the chance, a failure count never raises it. Each feature
# moves one way with one more success and the other way with one more failure, so with these
# signs a right answer predicts at least what a wrong one does, in every scope and whatever the
# history. Unconstrained, the correlated counts took weights of both signs (a failure count up,
# offset by another down) and on real data a wrong answer could end above a right one.
# Practice itself (never practised, recency, days, spacing) is free to go either way.
_SUCCESS_FEATURES = frozenset({"log1p_successes", "decayed_successes", "successes"})
_SUCCESS_FEATURES |= {"logit_decayed_rate", "logit_rate"}
_FAILURE_FEATURES = frozenset({"log1p_failures", "decayed_failures", "failures"})


def weight_signs(columns: np.ndarray) -> np.ndarray:
    """Per column of FEATURE_NAMES: +1 where the accuracy weight must be ≥ 0, −1 where ≤ 0,
    0 where it is free."""
    out = np.zeros(len(columns), dtype=np.int8)
    for k, column in enumerate(np.asarray(columns).tolist()):
        base = base_name(FEATURE_NAMES[column].split(":", 1)[1])
        out[k] = 1 if base in _SUCCESS_FEATURES else -1 if base in _FAILURE_FEATURES else 0
    return out


@dataclass
class _Design:
    """Standardised history features beside student, task, topic and difficulty effects."""

    dense_mean: np.ndarray
    dense_scale: np.ndarray
    n_users: int
    n_items: int
    n_topics: int

    @property
    def n_effects(self) -> int:
        return self.n_users + self.n_items + self.n_topics + 4

    def dense(self, x: np.ndarray) -> np.ndarray:
        return (x - self.dense_mean) / self.dense_scale

    def effect_codes(self, table: AttemptTable, rows: np.ndarray) -> np.ndarray:
        """(rows, 4): each row's student, task, topic and difficulty, as indices into the
        effects (one block after the other)."""
        offsets = np.cumsum([0, self.n_users, self.n_items, self.n_topics])
        return np.column_stack(
            [
                table.user[rows].astype(np.int64) + offsets[0],
                table.item[rows].astype(np.int64) + offsets[1],
                table.topic[rows].astype(np.int64) + offsets[2],
                table.difficulty[rows].astype(np.int64) + offsets[3],
            ]
        )


def _standardised(
    feats: np.ndarray,
    rows: np.ndarray,
    columns: np.ndarray,
    table: AttemptTable,
    *,
    centred: bool = True,
) -> tuple[_Design, np.ndarray]:
    """The standardisation of `columns` on `rows`, and those rows standardised: one copy of
    the rows, centred and scaled in place (the values of `(x - mean) / std`, bit for bit).
    Not `centred`: only scaled (`x / std`), so a feature's zeros stay zeros (`_sparse_fit`)."""
    x = feats[np.ix_(rows, columns)]
    mean = x.mean(axis=0)
    if centred:
        x -= mean
        scale = np.sqrt(np.square(x).mean(axis=0))
    else:  # the variance without a centred copy (features are O(1)-O(100): no cancellation)
        scale = np.sqrt(np.maximum(np.einsum("ij,ij->j", x, x) / max(len(x), 1) - mean**2, 0.0))
    scale[scale < 1e-9] = 1.0
    x /= scale
    return _Design(mean, scale, len(table.users), len(table.items), len(table.topics)), x


@dataclass
class _Logistic:
    """A fitted logistic regression on the standardised design: history weights, effects
    (empty without them), intercept."""

    weights: np.ndarray
    effects: np.ndarray
    intercept: float

    def logit(self, dense: np.ndarray, codes: np.ndarray | None = None) -> np.ndarray:
        z = dense @ self.weights + self.intercept
        if codes is not None and len(self.effects):
            for column in codes.T:
                z += self.effects[column]
        return z


def _fit_logistic(
    dense: np.ndarray,
    y: np.ndarray,
    *,
    signs: np.ndarray,
    codes: np.ndarray | None = None,
    n_effects: int = 0,
    start: _Logistic | None = None,
    centre: np.ndarray | None = None,
) -> _Logistic:
    """The L2-penalised logistic regression (scikit-learn's, C = LOGISTIC_C) with the history
    weights kept to `signs`: Lawson and Hanson's active-set method, each subproblem (the
    weights held at 0 left out) solved by scikit-learn's Newton–Cholesky solver.

    With `centre` (the columns' means on these rows), `dense` is not centred, so that its
    zeros stay out of the sparse design beside the effects (`_sparse_fit`). It is the same
    regression: the weights' penalty does not see the intercept, which only moves by
    centre · weights; `start` and the result are in the centred form, and the sign test below
    uses the centred columns' gradient.

    From a feasible point, each round solves with the held columns left out. A feasible
    solution releases every held weight whose gradient points into its allowed side; when none
    does, that is the constrained optimum (the KKT conditions, to the solver's tolerance). A
    solution that breaks signs holds the broken weights at 0 together (usually they belong
    there, and a round each would cost a solve each); should that lead back to a held set met
    before, the round instead cuts back along the segment from the last point to where the first
    weight reaches its bound and holds that one (Lawson and Hanson's step: the loss falls, as it
    is convex, so this cannot cycle). Rounds start from the last one's solution (a Newton step
    or two).
    """
    n, k = dense.shape
    m = n_effects if codes is not None else 0
    target = np.asarray(y) > 0.5
    lower, upper = _bounds_arrays(signs)
    constrained = signs != 0
    shift = np.zeros(k) if centre is None else centre
    if start is not None:
        w0 = np.clip(start.weights, lower, upper)
        x = _Logistic(w0, start.effects, start.intercept - float(shift @ w0))
        if len(x.effects) != m:
            x = _Logistic(x.weights, np.zeros(m), x.intercept)
        held = constrained & (x.weights == 0.0)
    else:
        x = _solve_free(dense, target, np.zeros(k, bool), codes, m, None)
        held = constrained & ((x.weights < lower) | (x.weights > upper))
        x = _Logistic(np.clip(x.weights, lower, upper), x.effects, x.intercept)
    seen: set[bytes] = set()
    for _round in range(4 * k + 4):  # a bound: the loop ends long before
        seen.add(held.tobytes())
        z = _solve_free(dense, target, held, codes, m, x)
        broken = ~held & ((z.weights < lower) | (z.weights > upper))
        if broken.any():
            if (held | broken).tobytes() not in seen:
                x = _Logistic(np.where(broken, 0.0, z.weights), z.effects, z.intercept)
                held |= broken
                continue
            # Along x → z, where the first broken weight reaches its bound.
            gap = x.weights[broken] - z.weights[broken]
            step = float(np.min(np.where(gap != 0, x.weights[broken] / gap, 0.0)))
            x = _Logistic(
                np.clip(x.weights + step * (z.weights - x.weights), lower, upper),
                x.effects + step * (z.effects - x.effects),
                x.intercept + step * (z.intercept - x.intercept),
            )
            held = constrained & (held | (np.abs(x.weights) <= 1e-12))
            x = _Logistic(np.where(held, 0.0, x.weights), x.effects, x.intercept)
            continue
        x = z
        # Mean-log-loss gradient of each held weight (the penalty's is 0 there), of the
        # centred columns.
        residual = _sigmoid(x.logit(dense, codes)) - target
        grad = (dense[:, held].T @ residual - shift[held] * residual.sum()) / n
        release = np.zeros(k, bool)
        release[np.flatnonzero(held)] = signs[held] * grad < -_KKT_TOL
        if not release.any():
            break
        held &= ~release
    return _Logistic(x.weights, x.effects, x.intercept + float(shift @ x.weights))


# A held weight is released when moving it into its allowed side lowers the mean log-loss
# faster than this per standard deviation of its feature: the inner solver's own tolerance.
# (At 1e-3 the loop stopped early on the practice log, at a different solution.)
_KKT_TOL = 1e-4


def _sigmoid(z: np.ndarray) -> np.ndarray:
    from scipy.special import expit

    return np.asarray(expit(z))


def _solve_free(
    dense: np.ndarray,
    target: np.ndarray,
    held: np.ndarray,
    codes: np.ndarray | None,
    m: int,
    start: _Logistic | None,
) -> _Logistic:
    """scikit-learn's logistic regression with the `held` weights at 0 (their columns left out)
    and the effects as one-hot columns beside the rest."""
    from sklearn.linear_model import LogisticRegression

    free = np.flatnonzero(~held)
    x = _one_hot_beside(dense[:, free], codes, m) if m else dense[:, free]
    clf = LogisticRegression(C=LOGISTIC_C, solver="newton-cholesky", max_iter=50, tol=1e-4)
    if start is not None:
        clf.set_params(warm_start=True)
        clf.coef_ = np.r_[start.weights[free], start.effects][None, :]
        clf.intercept_ = np.array([start.intercept])
    clf.fit(x, target)
    weights = np.zeros(dense.shape[1])
    weights[free] = clf.coef_[0, : len(free)]
    return _Logistic(weights, clf.coef_[0, len(free) :].copy(), float(clf.intercept_[0]))


def _one_hot_beside(dense: np.ndarray, codes: np.ndarray | None, m: int) -> Any:
    """[dense | one-hot codes] as a CSR matrix built directly (every row has the same number of
    entries)."""
    from scipy import sparse

    n, k = dense.shape
    n_hot = codes.shape[1] if codes is not None else 0
    width = k + n_hot
    data = np.empty((n, width))
    data[:, :k] = dense
    data[:, k:] = 1.0
    index = np.int32 if max(k + m, n * width) < np.iinfo(np.int32).max else np.int64
    indices = np.empty((n, width), index)
    indices[:, :k] = np.arange(k, dtype=index)
    if n_hot:
        indices[:, k:] = codes + k
    indptr = np.arange(0, n * width + 1, width, dtype=index)
    matrix = sparse.csr_matrix((data.reshape(-1), indices.reshape(-1), indptr), shape=(n, k + m))
    matrix.has_sorted_indices = True
    # A dense feature's zeros (an uncentred count, a scope never practised) are left out: the
    # solver's Hessian costs the square of a row's entries.
    matrix.eliminate_zeros()
    return matrix


def _bounds_arrays(signs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    lower = np.where(signs > 0, 0.0, -np.inf)
    upper = np.where(signs < 0, 0.0, np.inf)
    return lower, upper


def _fit_parts(
    feats: np.ndarray,
    table: AttemptTable,
    rows: np.ndarray,
    columns: np.ndarray,
    *,
    start: _Logistic | None = None,
) -> tuple[_Logistic, _Design]:
    """The accuracy regression on `rows`: history features (sign-constrained) and effects."""
    design, scaled = _standardised(feats, rows, columns, table, centred=False)
    fit = _fit_logistic(
        scaled,
        table.correct[rows] > 0.5,
        signs=weight_signs(columns),
        codes=design.effect_codes(table, rows),
        n_effects=design.n_effects,
        start=start,
        centre=design.dense_mean / design.dense_scale,
    )
    return fit, design


# Rows the half-life grid fits on at most (a larger table is sampled evenly).
GRID_ROWS = 20_000


def _choose_half_life(
    feats: np.ndarray, table: AttemptTable, fit_rows: np.ndarray, val_rows: np.ndarray
) -> tuple[int, _Logistic]:
    """The grid: per half-life, the regression on the history features alone (cheap: no
    effects), scored by validation log-loss. Returns the best half-life and its regression, on
    the features standardised as `_fit_parts` does."""
    from scipy.special import expit

    from mlmodels.evaluation import log_loss

    y = table.correct > 0.5
    if len(fit_rows) > GRID_ROWS:
        # The grid only ranks half-lives: an evenly spread sample of the rows ranks them as
        # the whole would, at a fraction of the cost on a large history.
        fit_rows = fit_rows[np.linspace(0, len(fit_rows) - 1, GRID_ROWS).astype(np.int64)]
    scores = []
    fit = None
    for h in range(len(HALF_LIVES_HOURS)):
        cols = feature_columns(half_life_index=h, for_time=False)
        design, dense = _standardised(feats, fit_rows, cols, table)
        # Every half-life's columns sit at the same positions: each fit starts from the last.
        fit = _fit_logistic(dense, y[fit_rows], signs=weight_signs(cols), start=fit)
        p = expit(fit.logit(design.dense(feats[np.ix_(val_rows, cols)])))
        scores.append((log_loss(y[val_rows], p), h, fit))
    _, best, solution = min(scores, key=lambda score: score[:2])
    return best, solution


def _split_coefficients(
    coef: np.ndarray, intercept: float, design: _Design
) -> tuple[np.ndarray, float, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Fold the standardisation into the weights; cut the effects apart by block."""
    n_dense = len(design.dense_mean)
    weights, effects = coef[:n_dense], coef[n_dense:]
    w = weights / design.dense_scale
    b = intercept - float(np.sum(weights * design.dense_mean / design.dense_scale))
    cuts = np.cumsum([design.n_users, design.n_items, design.n_topics])
    user, item, topic, difficulty = np.split(effects, cuts)
    return w, b, user, item, topic, difficulty


def fit_learning_model(
    table: AttemptTable, *, seed: int = 0, validation: str = "chronological"
) -> LearningModel:
    """Fit on every row of `table`: the half-life (a grid) and the calibration on each
    student's last 20 % (a validation fold), then the coefficients on everything.

    `seed` is accepted for the trainer protocol; the fit is deterministic.
    """
    from sklearn import config_context

    # One BLAS thread: the worker shares the machine. scikit-learn's finiteness checks of
    # every design are left out: the features are checked once (`_fit_learning_model`).
    with _threads().limit(limits=1), config_context(assume_finite=True):
        return _fit_learning_model(table, validation=validation, seed=seed)


@cache
def _threads() -> Any:
    """One controller of the BLAS and OpenMP thread pools per process, made once scikit-learn
    has loaded its libraries (finding them costs ~5-20 ms, each fit would pay it)."""
    import sklearn.linear_model  # noqa: F401  (its libraries loaded before the search)
    from threadpoolctl import ThreadpoolController

    return ThreadpoolController()


def _fit_learning_model(table: AttemptTable, *, validation: str, seed: int) -> LearningModel:
    from sklearn.linear_model import Ridge

    from mlmodels.calibration import validation_fold

    if len(table) == 0:
        raise ValueError("cannot train the learning model on an empty table")
    has_t = table.has_time
    center = float(np.mean(table.log_seconds[has_t])) if has_t.any() else math.log(60.0)
    feats = history_features(table, log_time_center=center)
    if not np.isfinite(feats).all():
        raise ValueError("non-finite history features")
    y = table.correct
    val_mask = validation_fold(table, validation=validation, seed=seed)
    fit_rows, val_rows = np.flatnonzero(~val_mask), np.flatnonzero(val_mask)
    both_classes = len(np.unique(y)) == 2
    usable_val = (
        len(val_rows) >= 20
        and 0 < y[val_rows].sum() < len(val_rows)
        and 0 < y[fit_rows].sum() < len(fit_rows)
    )
    best_h, calibration, start = 1, np.array([1.0, 0.0]), None
    if usable_val:
        # The validation fit starts from the grid's regression (same rows, same
        # standardisation; the effects at 0), the published fit from the validation fit's.
        best_h, start = _choose_half_life(feats, table, fit_rows, val_rows)
    p_cols = feature_columns(half_life_index=best_h, for_time=False)
    if usable_val:
        fit, design = _fit_parts(feats, table, fit_rows, p_cols, start=start)
        val_x = design.dense(feats[np.ix_(val_rows, p_cols)])
        calibration = fit_platt(fit.logit(val_x, design.effect_codes(table, val_rows)), y[val_rows])
        start = fit
    if both_classes:
        fit, design = _fit_parts(feats, table, np.arange(len(table)), p_cols, start=start)
        p = _split_coefficients(np.r_[fit.weights, fit.effects], fit.intercept, design)
    else:  # one class only: a constant, as far from 0.5 as the data allow
        rate = float(np.clip(y.mean(), 0.02, 0.98))
        p = (np.zeros(len(p_cols)), math.log(rate / (1 - rate)), *(np.zeros(0),) * 4)

    t_cols = feature_columns(half_life_index=best_h, for_time=True)
    timed = np.flatnonzero(has_t)
    if len(timed) >= 2:
        # Uncentred (scikit-learn centres a sparse design itself): the zeros stay out of it.
        tdesign, tscaled = _standardised(feats, timed, t_cols, table, centred=False)
        ridge = Ridge(alpha=RIDGE_ALPHA, solver="lsqr", tol=1e-4, copy_X=False)
        design_matrix = _one_hot_beside(
            tscaled, tdesign.effect_codes(table, timed), tdesign.n_effects
        )
        ridge.fit(design_matrix, table.log_seconds[timed])
        # The intercept of the centred columns, as `_split_coefficients` takes it.
        centre = tdesign.dense_mean / tdesign.dense_scale
        intercept = float(ridge.intercept_) + float(centre @ ridge.coef_[: len(t_cols)])
        t = _split_coefficients(ridge.coef_, intercept, tdesign)
    else:
        t = (np.zeros(len(t_cols)), center, *(np.zeros(0),) * 4)
    return LearningModel(
        users=table.users,
        items=table.items,
        topics=table.topics,
        p_columns=p_cols,
        p_weights=p[0],
        p_intercept=float(p[1]),
        p_user=p[2],
        p_item=p[3],
        p_topic=p[4],
        p_difficulty=p[5],
        t_columns=t_cols,
        t_weights=t[0],
        t_intercept=float(t[1]),
        t_user=t[2],
        t_item=t[3],
        t_topic=t[4],
        t_difficulty=t[5],
        log_time_center=center,
        half_life_hours=HALF_LIVES_HOURS[best_h],
        calibration=calibration,
    )


@dataclass
class LearningTrainer:
    """The learning-aware model behind the benchmark's (and the worker's) trainer protocol."""

    name: str = "learning"
    validation: str = "chronological"  # or "random" (calibration.validation_fold)

    def train(self, train_table: AttemptTable, *, seed: int) -> LearningModel:
        return fit_learning_model(train_table, seed=seed, validation=self.validation)

    def predict(
        self, trained: LearningModel, full_table: AttemptTable, test_mask: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        return trained.predict_table(full_table, test_mask)
