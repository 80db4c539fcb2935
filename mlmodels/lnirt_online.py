"""LNIRT's instant update: the student's ability after every answer, per topic and per task,
with forgetting, without a retrain (docs/models.md).

The fitted items stay fixed; the student side becomes a small state-space model:

- ability on a task = θ + δ_topic + δ_task, speed = τ + ε_topic + ε_task, with (θ, τ) from the
  fitted population N(0, Σ) and each offset N(0, sd²) (the sd's are `Dynamics`);
- between attempts each offset decays toward 0 with a half-life (an Ornstein–Uhlenbeck process:
  what a topic's practice added fades, the student's overall level stays), and the variances of
  θ and τ grow back toward the population's at a drift rate (old evidence counts less);
- after an answer the Gaussian state is updated by assumed-density filtering: the probit
  likelihood of the answer is matched exactly in mean and variance (the online update of
  TrueSkill-like rating systems), the log time by an exact Kalman step. The correction is shared
  between θ and the offsets in proportion to their variances, so wrong answers on one topic
  lower that topic (and task) most and every other topic a little, through θ.

A student's state is a handful of numbers (`STUDENT_FIELDS`) and one small vector per practised
topic and task (`OFFSET_FIELDS`): serving reads the rows of a page's topics and tasks, and one
attempt advances three rows, so the cost does not grow with the history. Replaying a student's
attempts through `advance` gives what `filter_table` computes for a whole table (a test checks
it): the worker and the benchmark score exactly what serving does.

`Dynamics()` (no offsets, no forgetting) is the static model up to the online approximation.
Pure NumPy/SciPy.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from scipy.special import log_ndtr, ndtr

from mlmodels.data import AttemptTable
from mlmodels.lnirt import Dynamics, ItemBatch, LnirtParams, resolve_items

STUDENT_FIELDS: tuple[str, ...] = ("theta", "tau", "theta_var", "theta_tau_cov", "tau_var", "at")
OFFSET_FIELDS: tuple[str, ...] = ("ability", "ability_var", "speed", "speed_var", "at")
# A state as stored or passed around: one of the vectors above.
State = Sequence[float] | np.ndarray
_TH, _TA, _VTH, _CTT, _VTA, _AT = range(6)
_AB, _VAB, _SP, _VSP, _OAT = range(5)
_LN2 = math.log(2.0)
_LOG_SQRT_2PI = 0.5 * math.log(2.0 * math.pi)


def new_student(params: LnirtParams) -> np.ndarray:
    """Before any answer: the population prior, never practised (time NaN)."""
    c = params.person_cov
    return np.array([0.0, 0.0, c[0, 0], c[0, 1], c[1, 1], math.nan])


def fitted_student(params: LnirtParams, user: str) -> np.ndarray:
    """A student the fit knows but who has no state yet: their posterior from the fit."""
    i = params.user_index.get(user)
    if i is None:
        return new_student(params)
    if params.person_var is None:
        return np.array([params.theta[i], params.tau[i], 0.0, 0.0, 0.0, math.nan])
    v = params.person_var[i]
    return np.array([params.theta[i], params.tau[i], v[0], v[1], v[2], math.nan])


def new_offset() -> np.ndarray:
    """A topic or task never practised (its prior is filled in from `Dynamics` when used)."""
    return np.array([0.0, 0.0, 0.0, 0.0, math.nan])


# --------------------------------------------------------------------------------------------
# The kernels: n states at once (a page of targets, or one step of every student in a table)


@dataclass(frozen=True)
class _Rates:
    """`Dynamics` as the kernels use them: scalars, or one value per row (`choose_dynamics`
    runs several settings side by side in one pass)."""

    topic_var: np.ndarray | float
    task_var: np.ndarray | float
    topic_speed_var: np.ndarray | float
    task_speed_var: np.ndarray | float
    decay: np.ndarray | float  # per second (0: no forgetting)
    drift: np.ndarray | float  # share of the population variance per second

    @classmethod
    def of(cls, settings: Sequence[Dynamics], which: np.ndarray | None = None) -> _Rates:
        def column(f: str) -> np.ndarray | float:
            values = np.array([getattr(d, f) for d in settings], dtype=np.float64)
            return float(values[0]) if which is None else values[which]

        half_life = column("half_life_hours")
        return cls(
            topic_var=np.square(column("topic_sd")),
            task_var=np.square(column("task_sd")),
            topic_speed_var=np.square(column("topic_speed_sd")),
            task_speed_var=np.square(column("task_speed_sd")),
            decay=_LN2 / (np.asarray(half_life) * 3600.0),  # an infinite half-life: 0
            drift=np.asarray(column("drift_per_day")) / 86400.0,
        )

    def take(self, rows: np.ndarray) -> _Rates:
        def pick(v: np.ndarray | float) -> np.ndarray | float:
            return v[rows] if isinstance(v, np.ndarray) and v.ndim else v

        return _Rates(*(pick(getattr(self, f)) for f in _RATE_FIELDS))


_RATE_FIELDS = ("topic_var", "task_var", "topic_speed_var", "task_speed_var", "decay", "drift")


def _student_at(params: LnirtParams, rates: _Rates, s: np.ndarray, now: np.ndarray) -> np.ndarray:
    """Student states as of `now`: θ's and τ's variances regrown by the drift since the last
    answer, never past the population's."""
    out = s.copy()
    gap = np.where(np.isnan(s[:, _AT]), 0.0, np.maximum(now - s[:, _AT], 0.0))
    c = params.person_cov
    for k, prior in ((_VTH, c[0, 0]), (_VTA, c[1, 1])):
        grown = s[:, k] + rates.drift * gap * prior
        out[:, k] = np.minimum(grown, np.maximum(s[:, k], prior))
    return out


def _offsets_at(
    o: np.ndarray, now: np.ndarray, decay: np.ndarray | float, var: Any, speed_var: Any
) -> np.ndarray:
    """Offsets as of `now`: decayed toward their prior N(0, var); never practised = the prior."""
    out = np.empty_like(o)
    never = np.isnan(o[:, _OAT])
    gap = np.where(never, 0.0, np.maximum(now - o[:, _OAT], 0.0))
    keep = np.where(never, 0.0, np.exp(-decay * gap))
    keep2 = keep * keep
    out[:, _AB] = o[:, _AB] * keep
    out[:, _SP] = o[:, _SP] * keep
    out[:, _VAB] = np.where(never, 0.0, o[:, _VAB]) * keep2 + var * (1.0 - keep2)
    out[:, _VSP] = np.where(never, 0.0, o[:, _VSP]) * keep2 + speed_var * (1.0 - keep2)
    out[:, _OAT] = o[:, _OAT]
    return out


def _current(
    params: LnirtParams,
    rates: _Rates,
    s: np.ndarray,
    topic: np.ndarray,
    task: np.ndarray,
    now: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    return (
        _student_at(params, rates, s, now),
        _offsets_at(topic, now, rates.decay, rates.topic_var, rates.topic_speed_var),
        _offsets_at(task, now, rates.decay, rates.task_var, rates.task_speed_var),
    )


def _predictive(
    items: ItemBatch, s: np.ndarray, topic: np.ndarray, task: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(P(correct), predicted log time, ability mean, ability variance) from current states."""
    mu = s[:, _TH] + topic[:, _AB] + task[:, _AB]
    var = s[:, _VTH] + topic[:, _VAB] + task[:, _VAB]
    # Uncertainty in the ability (and in b for tasks known only by their group) flattens the
    # probit curve instead of being ignored, as in the static model.
    p = ndtr((items.a * mu - items.b) / np.sqrt(1.0 + items.a**2 * var + items.b_var))
    speed = s[:, _TA] + topic[:, _SP] + task[:, _SP]
    return p, items.lam - items.phi * speed, mu, var


def _step(
    params: LnirtParams,
    rates: _Rates,
    items: ItemBatch,
    s: np.ndarray,
    topic: np.ndarray,
    task: np.ndarray,
    correct: np.ndarray,
    log_t: np.ndarray,
    at: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Predict n attempts from their states, then take their answers in.

    Returns (P(correct) before the answer, predicted log time, student, topic, task states after).
    """
    s, topic, task = _current(params, rates, s, topic, task, at)
    p, pred_log_t, mu, var = _predictive(items, s, topic, task)

    # Accuracy: moment-matched probit update of the ability u = θ + δ_topic + δ_task.
    sign = 2.0 * correct - 1.0
    alpha = sign * items.a / np.sqrt(1.0 + items.b_var)
    beta = sign * items.b / np.sqrt(1.0 + items.b_var)
    spread = np.sqrt(1.0 + alpha * alpha * var)
    z = (alpha * mu - beta) / spread
    ratio = np.exp(-0.5 * z * z - _LOG_SQRT_2PI - log_ndtr(z))  # φ(z)/Φ(z), stable for z ≪ 0
    move = alpha * ratio / spread  # mean shift of u per unit of its variance
    shrink = alpha * alpha * ratio * (z + ratio) / (1.0 + alpha * alpha * var)
    c_th, c_ta = s[:, _VTH].copy(), s[:, _CTT].copy()
    v_top, v_task = topic[:, _VAB].copy(), task[:, _VAB].copy()
    s[:, _TH] += c_th * move
    s[:, _TA] += c_ta * move
    topic[:, _AB] += v_top * move
    task[:, _AB] += v_task * move
    s[:, _VTH] -= c_th * c_th * shrink
    s[:, _CTT] -= c_th * c_ta * shrink
    s[:, _VTA] -= c_ta * c_ta * shrink
    topic[:, _VAB] -= v_top * v_top * shrink
    task[:, _VAB] -= v_task * v_task * shrink

    # Time: log t − λ = −φ·(τ + ε_topic + ε_task) + noise(σ), an exact Kalman step.
    timed = np.isfinite(log_t)
    if timed.any():
        phi = items.phi
        speed = s[:, _TA] + topic[:, _SP] + task[:, _SP]
        resid = np.where(timed, log_t - items.lam + phi * speed, 0.0)
        v_ts, v_ks = topic[:, _VSP].copy(), task[:, _VSP].copy()
        c_th, v_ta = s[:, _CTT].copy(), s[:, _VTA].copy()
        total = phi * phi * (v_ta + v_ts + v_ks) + items.sigma**2
        gain = np.where(timed, -phi / total, 0.0)  # cov(x, observation) = −φ·cov(x, speed)
        s[:, _TH] += gain * c_th * resid
        s[:, _TA] += gain * v_ta * resid
        topic[:, _SP] += gain * v_ts * resid
        task[:, _SP] += gain * v_ks * resid
        fade = gain * gain * total
        s[:, _VTH] -= fade * c_th * c_th
        s[:, _CTT] -= fade * c_th * v_ta
        s[:, _VTA] -= fade * v_ta * v_ta
        topic[:, _VSP] -= fade * v_ts * v_ts
        task[:, _VSP] -= fade * v_ks * v_ks
    s[:, _AT] = at
    topic[:, _OAT] = at
    task[:, _OAT] = at
    return p, pred_log_t, s, topic, task


# --------------------------------------------------------------------------------------------
# One student (serving)


def _stack(rows: Sequence[State | None], empty: np.ndarray) -> np.ndarray:
    return np.array([empty if r is None else np.asarray(r, dtype=np.float64) for r in rows])


def predict_student(
    params: LnirtParams,
    *,
    student: State | None,
    offsets: Sequence[tuple[State | None, State | None]],
    items: Sequence[tuple[str, str, int]],
    now: float,
) -> tuple[np.ndarray, np.ndarray]:
    """Uncalibrated P(correct) and predicted log seconds for one student's page of targets.

    `student` is the student's state (None: a newcomer, the population prior), `offsets` the
    (topic state, task state) of each target (None where never practised), `now` epoch seconds.
    """
    n = len(items)
    if n == 0:
        return np.empty(0), np.empty(0)
    base = new_student(params) if student is None else np.asarray(student, dtype=np.float64)
    s = np.tile(base, (n, 1))
    topic = _stack([t for t, _ in offsets], new_offset())
    task = _stack([k for _, k in offsets], new_offset())
    rates = _Rates.of([params.dynamics])
    s, topic, task = _current(params, rates, s, topic, task, np.full(n, float(now)))
    p, log_t, _, _ = _predictive(resolve_items(params, items), s, topic, task)
    return p, log_t


def advance(
    params: LnirtParams,
    *,
    student: State | None,
    topic: State | None,
    task: State | None,
    item: tuple[str, str, int],
    correct: bool,
    log_seconds: float,
    at: float,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The three states after one more attempt (`log_seconds` NaN when the time is unknown)."""
    s = new_student(params) if student is None else np.asarray(student, dtype=np.float64)
    _, _, s2, t2, k2 = _step(
        params,
        _Rates.of([params.dynamics]),
        resolve_items(params, [item]),
        s[None, :],
        (new_offset() if topic is None else np.asarray(topic, dtype=np.float64))[None, :],
        (new_offset() if task is None else np.asarray(task, dtype=np.float64))[None, :],
        np.array([1.0 if correct else 0.0]),
        np.array([log_seconds], dtype=np.float64),
        np.array([at], dtype=np.float64),
    )
    return s2[0], t2[0], k2[0]


# --------------------------------------------------------------------------------------------
# Whole tables (training, evaluation, rebuilding the state rows)


@dataclass(frozen=True)
class Filtered:
    """Every row predicted one step ahead, and each student's states after their last row."""

    p: np.ndarray  # uncalibrated P(correct), per table row
    log_t: np.ndarray  # predicted log seconds, per table row
    students: np.ndarray  # (users, 6): every user code of the table (new_student if no rows)
    topic_keys: np.ndarray  # (pairs, 2): user code, topic code
    topics: np.ndarray  # (pairs, 5)
    topic_counts: np.ndarray  # attempts per pair
    task_keys: np.ndarray  # (pairs, 2): user code, item code
    tasks: np.ndarray  # (pairs, 5)
    task_counts: np.ndarray


def filter_table(params: LnirtParams, table: AttemptTable) -> Filtered:
    """Run every student's attempts, in time order, through the instant update."""
    return _filter(params, table, _Rates.of([params.dynamics]))


def _filter(params: LnirtParams, table: AttemptTable, rates: _Rates) -> Filtered:
    """`filter_table` with the rates given per row (or as scalars).

    Vectorised across students: step k takes every student's k-th attempt at once, so the
    Python loop runs as many times as the longest history, not once per row.
    """
    n_items, n_topics = len(table.items), len(table.topics)
    keys = [
        (table.items[i], table.topics[table.item_topic[i]], int(table.item_difficulty[i]))
        for i in range(n_items)
    ]
    per_item = resolve_items(params, keys)
    user = table.user.astype(np.int64)
    topic_pair, topic_slot, topic_counts = np.unique(
        user * n_topics + table.topic, return_inverse=True, return_counts=True
    )
    task_pair, task_slot, task_counts = np.unique(
        user * n_items + table.item, return_inverse=True, return_counts=True
    )
    students = np.tile(new_student(params), (len(table.users), 1))
    topics = np.tile(new_offset(), (len(topic_pair), 1))
    tasks = np.tile(new_offset(), (len(task_pair), 1))
    p = np.zeros(len(table))
    log_t = np.zeros(len(table))

    chron = table.chronological_index()
    u_sorted = user[chron]
    starts = np.flatnonzero(np.r_[True, u_sorted[1:] != u_sorted[:-1]])
    step_of = np.arange(len(chron)) - np.repeat(starts, np.diff(np.r_[starts, len(chron)]))
    by_step = chron[np.argsort(step_of, kind="stable")]
    bounds = np.searchsorted(np.sort(step_of), np.arange(int(step_of.max(initial=-1)) + 2))
    correct = table.correct.astype(np.float64)
    for k in range(len(bounds) - 1):
        rows = by_step[bounds[k] : bounds[k + 1]]
        j, ts, ks, it = user[rows], topic_slot[rows], task_slot[rows], table.item[rows]
        p[rows], log_t[rows], students[j], topics[ts], tasks[ks] = _step(
            params,
            rates.take(rows),
            _take(per_item, it),
            students[j],
            topics[ts],
            tasks[ks],
            correct[rows],
            table.log_seconds[rows],
            table.order[rows],
        )
    return Filtered(
        p=p,
        log_t=log_t,
        students=students,
        topic_keys=np.column_stack([topic_pair // n_topics, topic_pair % n_topics]),
        topics=topics,
        topic_counts=topic_counts,
        task_keys=np.column_stack([task_pair // n_items, task_pair % n_items]),
        tasks=tasks,
        task_counts=task_counts,
    )


def _filter_side_by_side(
    params: LnirtParams, table: AttemptTable, settings: Sequence[Dynamics], rows: np.ndarray
) -> list[tuple[np.ndarray, np.ndarray]]:
    """(P(correct), log seconds) of `rows` under each setting, from one pass over a table that
    holds one copy of every student per setting (a small table is mostly per-step overhead,
    paid once instead of once per setting)."""
    k, n, n_users = len(settings), len(table), len(table.users)
    copies = np.repeat(np.arange(k), n)
    stacked = AttemptTable(
        user=(np.tile(table.user, k) + copies * n_users).astype(np.int64),
        item=np.tile(table.item, k),
        topic=np.tile(table.topic, k),
        difficulty=np.tile(table.difficulty, k),
        correct=np.tile(table.correct, k),
        log_seconds=np.tile(table.log_seconds, k),
        order=np.tile(table.order, k),
        users=table.users * k,
        items=table.items,
        topics=table.topics,
        item_topic=table.item_topic,
        item_difficulty=table.item_difficulty,
    )
    out = _filter(params, stacked, _Rates.of(settings, copies))
    return [(out.p[c * n + rows], out.log_t[c * n + rows]) for c in range(k)]


def _take(batch: ItemBatch, idx: np.ndarray) -> ItemBatch:
    return ItemBatch(
        a=batch.a[idx],
        b=batch.b[idx],
        lam=batch.lam[idx],
        phi=batch.phi[idx],
        sigma=batch.sigma[idx],
        b_var=batch.b_var[idx],
    )


def predict_table(
    params: LnirtParams, table: AttemptTable, mask: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Uncalibrated P(correct) and log seconds for the rows in `mask`, in row order, each from
    every earlier attempt of its student (train or test rows, with their true outcomes)."""
    out = filter_table(params, table)
    rows = np.flatnonzero(mask)
    return out.p[rows], out.log_t[rows]


# --------------------------------------------------------------------------------------------
# Choosing the dynamics (worker): a coordinate search on a validation fold

# Searched one coordinate at a time from `_START`; `Dynamics()` (static) is always a candidate,
# so the chosen setting never scores worse than no dynamics on the validation fold.
_ACCURACY_GRID: dict[str, tuple[float, ...]] = {
    "topic_sd": (0.0, 0.15, 0.3, 0.6),
    "task_sd": (0.0, 0.3, 0.6),
    "half_life_hours": (6.0, 24.0, 168.0, 720.0),
    "drift_per_day": (0.0, 0.02, 0.2),
}
_SPEED_GRID: dict[str, tuple[float, ...]] = {
    "topic_speed_sd": (0.0, 0.1, 0.2, 0.4),
    "task_speed_sd": (0.0, 0.1, 0.2, 0.4),
}
_START = Dynamics(topic_sd=0.3, task_sd=0.3, half_life_hours=24.0, drift_per_day=0.02)


def choose_dynamics(
    params: LnirtParams, table: AttemptTable, val_mask: np.ndarray
) -> tuple[Dynamics, np.ndarray]:
    """The dynamics that predict the `val_mask` rows of `table` best with `params` (fitted on
    the other rows): accuracy settings by log-loss, then speed settings by log-time MAE.
    Returns them and the validation P(correct) under them (for the calibration).

    Each coordinate's candidates run side by side in one pass over the table."""
    from mlmodels.evaluation import log_loss, log_time_mae

    rows = np.flatnonzero(val_mask)
    y, lt = table.correct[rows], table.log_seconds[rows]
    cache: dict[Dynamics, tuple[np.ndarray, np.ndarray]] = {}

    def run(candidates: list[Dynamics]) -> list[tuple[np.ndarray, np.ndarray]]:
        new = list(dict.fromkeys(d for d in candidates if d not in cache))
        if new:
            cache.update(zip(new, _filter_side_by_side(params, table, new, rows), strict=True))
        return [cache[d] for d in candidates]

    def loss(out: tuple[np.ndarray, np.ndarray]) -> float:
        return log_loss(y, out[0])

    def mae(out: tuple[np.ndarray, np.ndarray]) -> float:
        value = log_time_mae(lt, out[1])
        return value if value == value else 0.0  # no valid time: every setting ties

    def best_of(candidates: list[Dynamics], score: Any) -> Dynamics:
        scores = [score(out) for out in run(candidates)]
        return candidates[int(np.argmin(scores))]

    best = best_of([Dynamics(), _START], loss)
    for grid, score in ((_ACCURACY_GRID, loss), (_SPEED_GRID, mae)):
        for name, values in grid.items():
            best = best_of([replace(best, **{name: v}) for v in values], score)
    return best, cache[best][0]
