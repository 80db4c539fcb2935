"""LNIRT: van der Linden's joint model of responses and response times, fitted by MAP/EM.

Accuracy is a normal-ogive 2PL, P(correct) = Φ(a_i·θ_j − b_i); time is log T_ij ~ N(λ_i − φ_i·τ_j,
σ_i²); persons (θ, τ) are bivariate normal with an estimated covariance; the item vector
(log a, b, λ, log φ, log σ) is pooled toward its topic × difficulty group mean, and group means
toward a global mean. Identification as the R package LNIRT: mean θ = mean τ = 0, product of the
a's and of the φ's = 1.

The R package runs a Gibbs sampler; a web product needs seconds, so this fits by alternating
vectorised steps (persons by Newton given items, items by Fisher scoring given the persons'
Laplace posteriors, then the hierarchy) — an EM with a Laplace E-step. Pure NumPy/SciPy: no
Django, no TensorFlow.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Literal

import numpy as np
from scipy.special import ndtr, ndtri

from mlmodels.data import AttemptTable

# 2: the instant update's `Dynamics` and each person's posterior variances (1 still loads:
# a static update, fitted persons taken as exact).
FORMAT_VERSION = 2
_READABLE_VERSIONS = (1, 2)
# Order of the item vector everywhere below (item arrays, group means, spreads).
ITEM_FIELDS: tuple[str, ...] = ("log_a", "b", "lam", "log_phi", "log_sigma")
_LOG_A, _B, _LAM, _LOG_PHI, _LOG_SIGMA = range(5)
# Weak inverse-gamma-like priors on the hierarchy's spreads (one pseudo-item at these SDs): with
# three topics (Amsterdam Chess) or one item per topic (the credential form) the spreads are
# otherwise poorly determined and could collapse to 0.
_SPREAD_PRIOR_SD = np.array([0.3, 1.0, 0.5, 0.3, 0.3])
_SPREAD_PRIOR_N = 1.0
_SPREAD_FLOOR = 0.02
_DEFAULT_LOG_SECONDS = math.log(60.0)  # only when a table has no valid time at all
_LOG_SIGMA_FLOOR = math.log(0.05)
_PERSON_PRIOR_N = 4.0  # pseudo-students at unit variances, no correlation
_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)

Evidence = Literal["fitted", "earlier", "train+earlier"]


@dataclass(frozen=True)
class Dynamics:
    """How the instant update lets a student's ability move between retrains
    (`mlmodels.lnirt_online`); chosen per training on a validation fold.

    The defaults are the static model: one ability for every topic, no forgetting.
    """

    topic_sd: float = 0.0  # prior SD of a student's ability offset on one topic
    task_sd: float = 0.0  # ... on one task
    topic_speed_sd: float = 0.0  # the same for speed
    task_speed_sd: float = 0.0
    # Offsets decay toward 0 with this half-life since the topic's (task's) last attempt.
    half_life_hours: float = math.inf
    # Share of the population variance of θ and τ regained per day without an answer: old
    # evidence counts less, so recent answers move the estimate more.
    drift_per_day: float = 0.0


DYNAMICS_FIELDS: tuple[str, ...] = (
    "topic_sd",
    "task_sd",
    "topic_speed_sd",
    "task_speed_sd",
    "half_life_hours",
    "drift_per_day",
)


@dataclass(frozen=True)
class ItemParams:
    a: float
    b: float
    lam: float
    phi: float
    sigma: float


@dataclass(frozen=True, eq=False)
class LnirtParams:
    """A fitted model. Item arrays align with `items`, person arrays with `users`."""

    users: tuple[str, ...]
    items: tuple[str, ...]
    topics: tuple[str, ...]
    item_topic: np.ndarray  # int, code into `topics`
    item_difficulty: np.ndarray  # int, code into data.DIFFICULTIES
    item_count: np.ndarray  # responses per item in training (0: parameters are its group's)
    a: np.ndarray
    b: np.ndarray
    lam: np.ndarray
    phi: np.ndarray
    sigma: np.ndarray
    theta: np.ndarray
    tau: np.ndarray
    person_count: np.ndarray  # responses per person in training
    person_cov: np.ndarray  # (2, 2) covariance of (θ, τ)
    group_topic: tuple[str, ...]  # topic name per group
    group_difficulty: np.ndarray  # difficulty code per group
    group_mean: np.ndarray  # (G, 5) in ITEM_FIELDS order
    group_count: np.ndarray  # items with responses per group
    global_mean: np.ndarray  # (5,)
    item_sd: np.ndarray  # (5,) spread of items around their group mean
    group_sd: np.ndarray  # (5,) spread of group means around the global mean
    n_iter: int
    converged: bool
    # Platt (a, b) for the served probability (calibration.py); None: not calibrated.
    calibration: np.ndarray | None = None
    # (persons, 3): Laplace posterior var θ, cov(θ, τ), var τ of each fitted person (zeros in
    # files of format 1); the starting state of a fitted student the instant update has not met.
    person_var: np.ndarray | None = None
    dynamics: Dynamics = Dynamics()

    @property
    def ability_speed_correlation(self) -> float:
        c = self.person_cov
        return float(c[0, 1] / math.sqrt(c[0, 0] * c[1, 1]))

    @cached_property
    def user_index(self) -> dict[str, int]:
        return {u: i for i, u in enumerate(self.users)}

    @cached_property
    def item_index(self) -> dict[str, int]:
        return {k: i for i, k in enumerate(self.items)}

    @cached_property
    def group_index(self) -> dict[tuple[str, int], int]:
        return {
            (t, int(d)): g
            for g, (t, d) in enumerate(zip(self.group_topic, self.group_difficulty, strict=True))
        }

    @cached_property
    def _person_prec(self) -> np.ndarray:
        return np.linalg.inv(self.person_cov)

    @cached_property
    def _lookup_rows(self) -> np.ndarray:
        """(items + groups + 1, 6): item vectors, group means, the global mean (last row); the
        last column is the extra variance of b for a task known only by its group or not at all.
        """
        within, between = self.item_sd[_B] ** 2, self.group_sd[_B] ** 2
        own = np.column_stack(
            [np.log(self.a), self.b, self.lam, np.log(self.phi), np.log(self.sigma)]
        )
        # A new task's b = its group's mean (itself uncertain when the group has few items)
        # plus the task's own deviation from it.
        group_b_var = within + 1.0 / (self.group_count / within + 1.0 / between)
        return np.vstack(
            [
                np.column_stack([own, np.zeros(len(own))]),
                np.column_stack([self.group_mean, group_b_var]),
                np.append(self.global_mean, within + between)[None, :],
            ]
        )

    @cached_property
    def _fallback_row(self) -> np.ndarray:
        """Per known item, the row used when it has no responses: its own group's."""
        n_items = len(self.items)
        out = np.full(n_items, -1, dtype=np.int64)  # -1: the global row
        for i in range(n_items):
            g = self.group_index.get(
                (self.topics[self.item_topic[i]], int(self.item_difficulty[i]))
            )
            if g is not None:
                out[i] = n_items + g
        return out

    @property
    def groups(self) -> dict[tuple[str, int], ItemParams]:
        """Pooled parameters per (topic name, difficulty code): what a task with no data gets."""
        return {key: _item_params(self.group_mean[g]) for key, g in self.group_index.items()}

    @property
    def global_params(self) -> ItemParams:
        return _item_params(self.global_mean)

    def save(self, path: Path | str) -> None:
        """One `.npz`, no pickle. The caller writes to a temp name and renames (atomic publish)."""
        arrays: dict[str, np.ndarray] = {"format_version": np.array(FORMAT_VERSION)}
        for name in _STR_FIELDS:
            arrays[name] = np.array(getattr(self, name), dtype=np.str_)
        for name in _ARRAY_FIELDS:
            arrays[name] = np.asarray(getattr(self, name))
        arrays["n_iter"] = np.array(self.n_iter)
        arrays["converged"] = np.array(self.converged)
        if self.calibration is not None:
            arrays["calibration"] = np.asarray(self.calibration, dtype=np.float64)
        if self.person_var is not None:
            arrays["person_var"] = np.asarray(self.person_var, dtype=np.float64)
        arrays["dynamics"] = np.array([getattr(self.dynamics, f) for f in DYNAMICS_FIELDS])
        with open(path, "wb") as fh:  # a file object stops NumPy appending ".npz" to the name
            np.savez(fh, **arrays)  # type: ignore[arg-type]

    @classmethod
    def load(cls, path: Path | str) -> LnirtParams:
        with np.load(path, allow_pickle=False) as z:
            version = int(z["format_version"])
            if version not in _READABLE_VERSIONS:
                raise ValueError(f"{path}: LNIRT format {version}, expected {FORMAT_VERSION}")
            strs = {name: tuple(str(s) for s in z[name].tolist()) for name in _STR_FIELDS}
            arrays = {name: z[name].copy() for name in _ARRAY_FIELDS}
            dynamics = (
                Dynamics(**dict(zip(DYNAMICS_FIELDS, map(float, z["dynamics"]), strict=True)))
                if "dynamics" in z.files
                else Dynamics()
            )
            return cls(
                **strs,  # type: ignore[arg-type]
                **arrays,
                n_iter=int(z["n_iter"]),
                converged=bool(z["converged"]),
                calibration=z["calibration"].copy() if "calibration" in z.files else None,
                person_var=(
                    z["person_var"].copy()
                    if "person_var" in z.files
                    else np.zeros((len(strs["users"]), 3))
                ),
                dynamics=dynamics,
            )


_STR_FIELDS = ("users", "items", "topics", "group_topic")
_ARRAY_FIELDS = (
    "item_topic",
    "item_difficulty",
    "item_count",
    "a",
    "b",
    "lam",
    "phi",
    "sigma",
    "theta",
    "tau",
    "person_count",
    "person_cov",
    "group_difficulty",
    "group_mean",
    "group_count",
    "global_mean",
    "item_sd",
    "group_sd",
)


def _item_params(v: np.ndarray) -> ItemParams:
    return ItemParams(
        a=float(np.exp(v[_LOG_A])),
        b=float(v[_B]),
        lam=float(v[_LAM]),
        phi=float(np.exp(v[_LOG_PHI])),
        sigma=float(np.exp(v[_LOG_SIGMA])),
    )


@dataclass(frozen=True)
class PersonPosterior:
    theta: float
    tau: float
    cov: np.ndarray  # (2, 2) Laplace covariance of (θ, τ)


@dataclass(frozen=True)
class ItemBatch:
    """Item parameters for a list of attempts or queries, resolved from item, group or global."""

    a: np.ndarray
    b: np.ndarray
    lam: np.ndarray
    phi: np.ndarray
    sigma: np.ndarray
    # Extra variance of b for tasks without their own estimate, folded into the predictive
    # probability: a brand-new task is only known to be "like its group", not exactly average.
    b_var: np.ndarray


# --------------------------------------------------------------------------------------------
# Probit and person-posterior kernels shared by fitting, the per-student update and evaluation


def _bsum(codes: np.ndarray, weights: np.ndarray, *, minlength: int) -> np.ndarray:
    """Weighted bincount that stays float64 for empty input (np.bincount returns int64 then)."""
    return np.bincount(codes, weights, minlength=minlength).astype(np.float64, copy=False)


def _probit_score_weight(eta: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """d log-lik / d eta and the Fisher weight of a probit response, stable in the tails.

    One ndtr of −|η| (the small tail, accurate in relative terms) instead of two log_ndtr: this
    is the hot loop of fitting and log_ndtr is several times slower.
    """
    eta = np.minimum(np.maximum(eta, -35.0), 35.0)  # beyond ±37 the tail underflows to 0
    pdf = np.exp(-0.5 * eta * eta) * _INV_SQRT_2PI
    tail = ndtr(-np.abs(eta))
    # φ/Φ(η) and φ/(1 − Φ(η)), the inverse Mills ratios of a correct and of a wrong answer
    big = pdf / tail
    small = pdf / (1.0 - tail)
    pos = eta >= 0
    r1 = np.where(pos, small, big)
    r0 = np.where(pos, big, small)
    return y * r1 - (1.0 - y) * r0, r1 * r0


def _map_persons(
    q: np.ndarray,
    n_q: int,
    items: ItemBatch,
    y: np.ndarray,
    log_t: np.ndarray,
    prior_mean: np.ndarray,
    prior_prec: np.ndarray,
    init: np.ndarray,
    iters: int,
) -> tuple[np.ndarray, np.ndarray]:
    """MAP (θ, τ) for n_q independent queries; evidence row k belongs to query q[k].

    prior_mean (n_q, 2), prior_prec (n_q, 2, 2) or (2, 2). Returns means (n_q, 2) and Laplace
    covariances (n_q, 2, 2). The time part is quadratic in τ, so its sums are taken once; only
    the probit part is re-evaluated per Newton step.
    """
    has_t = ~np.isnan(log_t)
    inv_s2 = np.where(has_t, 1.0 / items.sigma**2, 0.0)
    resid0 = np.where(has_t, log_t - items.lam, 0.0)
    time_prec = _bsum(q, items.phi**2 * inv_s2, minlength=n_q)
    time_lin = _bsum(q, items.phi * resid0 * inv_s2, minlength=n_q)
    prec = np.broadcast_to(prior_prec, (n_q, 2, 2))
    x = init.astype(np.float64, copy=True)
    for step in range(iters + 1):
        eta = items.a * x[q, 0] - items.b
        score, weight = _probit_score_weight(eta, y)
        d = x - prior_mean
        g_theta = _bsum(q, items.a * score, minlength=n_q)
        g_theta -= prec[:, 0, 0] * d[:, 0] + prec[:, 0, 1] * d[:, 1]
        # d/dτ of −(log t − λ + φτ)²/2σ² summed over the attempts
        g_tau = -time_lin - time_prec * x[:, 1]
        g_tau -= prec[:, 1, 0] * d[:, 0] + prec[:, 1, 1] * d[:, 1]
        h00 = _bsum(q, items.a**2 * weight, minlength=n_q) + prec[:, 0, 0]
        h11 = time_prec + prec[:, 1, 1]
        h01 = prec[:, 0, 1]
        det = h00 * h11 - h01 * h01
        if step == iters:
            break
        step_theta = (h11 * g_theta - h01 * g_tau) / det
        step_tau = (h00 * g_tau - h01 * g_theta) / det
        # Clipped Fisher scoring: the posterior is log-concave, the clip only guards the first
        # steps from a cold start on all-correct or all-wrong histories.
        x[:, 0] += np.clip(step_theta, -1.0, 1.0)
        x[:, 1] += np.clip(step_tau, -1.0, 1.0)
    cov = np.empty((n_q, 2, 2))
    cov[:, 0, 0] = h11 / det
    cov[:, 1, 1] = h00 / det
    cov[:, 0, 1] = cov[:, 1, 0] = -h01 / det
    return x, cov


# --------------------------------------------------------------------------------------------
# Fitting


@dataclass
class _Groups:
    of_item: np.ndarray  # group code per item
    topic: np.ndarray  # topic code per group
    difficulty: np.ndarray  # difficulty code per group


def _item_groups(table: AttemptTable) -> _Groups:
    key = table.item_topic.astype(np.int64) * 16 + table.item_difficulty.astype(np.int64)
    uniq, of_item = np.unique(key, return_inverse=True)
    return _Groups(
        of_item=of_item.astype(np.int64),
        topic=(uniq // 16).astype(np.int64),
        difficulty=(uniq % 16).astype(np.int64),
    )


def fit_lnirt(
    table: AttemptTable,
    *,
    max_iter: int = 300,
    tol: float = 1e-3,
    seed: int = 0,
    start: LnirtParams | None = None,
) -> LnirtParams:
    """Fit LNIRT to every row of `table`.

    Deterministic (no sampling); `seed` is accepted so every trainer shares one signature.
    Converged when no item parameter moves more than `tol` in an iteration: at 1e-3 the
    held-out figures of the shared data agree with 1e-4's to four decimals, in a fifth of the
    iterations (EM's last steps are slow and change nothing a prediction can see).
    Users and items in the table's vocabularies without rows get the prior mean (0, 0) and their
    group's pooled parameters. `start`: a fit on part of these attempts (the worker's validation
    fit) to start from, matched by item, student and topic × difficulty: the EM then only has
    to move as far as the extra attempts move the optimum.
    """
    del seed
    n_users, n_items = len(table.users), len(table.items)
    user = table.user.astype(np.int64)
    item = table.item.astype(np.int64)
    y = table.correct.astype(np.float64)
    log_t = table.log_seconds.astype(np.float64)
    has_t = ~np.isnan(log_t)
    groups = _item_groups(table)
    n_groups = len(groups.topic)

    item_count = np.bincount(item, minlength=n_items)
    person_count = np.bincount(user, minlength=n_users)
    item_has = item_count > 0
    person_has = person_count > 0
    t_user, t_item, t_val = user[has_t], item[has_t], log_t[has_t]
    t_count = np.bincount(t_item, minlength=n_items).astype(np.float64)

    # Start: a = φ = 1, b from the item's proportion correct, λ and σ from its log times.
    eta = np.zeros((n_items, 5))
    p_item = (_bsum(item, y, minlength=n_items) + 1.0) / (item_count + 2.0)
    eta[:, _B] = -ndtri(p_item)
    global_lt = float(t_val.mean()) if t_val.size else _DEFAULT_LOG_SECONDS
    lt_sum = _bsum(t_item, t_val, minlength=n_items)
    lt_sq = _bsum(t_item, t_val**2, minlength=n_items)
    lam0 = np.where(t_count > 0, lt_sum / np.maximum(t_count, 1), global_lt)
    var0 = np.where(t_count > 1, lt_sq / np.maximum(t_count, 1) - lam0**2, 0.25)
    eta[:, _LAM] = lam0
    eta[:, _LOG_SIGMA] = 0.5 * np.log(np.maximum(var0, 0.01))
    base = eta[item_has].mean(axis=0) if item_has.any() else _default_item_vector()
    group_mean = np.tile(base, (n_groups, 1))
    global_mean = base.copy()
    item_sd = _SPREAD_PRIOR_SD.copy()
    group_sd = _SPREAD_PRIOR_SD.copy()
    sigma_p = np.eye(2)
    persons = np.zeros((n_users, 2))
    pcov = np.tile(sigma_p, (n_users, 1, 1))
    if start is not None:
        _start_from(start, table, groups, eta, item_has, persons, group_mean)
        global_mean = start.global_mean.copy()
        item_sd, group_sd = start.item_sd.copy(), start.group_sd.copy()
        sigma_p = start.person_cov.copy()

    converged = False
    it = 0
    for it in range(1, max_iter + 1):
        old = eta.copy()
        # E-step: each person's posterior given the items (a few warm-started Newton steps).
        batch = _batch_from_eta(eta[item])
        persons, pcov = _map_persons(
            user,
            n_users,
            batch,
            y,
            log_t,
            np.zeros(2),
            np.linalg.inv(sigma_p),
            persons,
            iters=2 if it > 1 else 8,
        )
        if person_has.any():
            m = persons[person_has]
            m_c = m - m.mean(axis=0)
            # Inverse-Wishart prior (as the R package): negligible for hundreds of students,
            # but keeps two students who disagree on one task from spreading θ without bound.
            scatter = m_c.T @ m_c + pcov[person_has].sum(axis=0)
            sigma_p = (scatter + _PERSON_PRIOR_N * np.eye(2)) / (len(m) + _PERSON_PRIOR_N)
        # M-step for items given the persons' posteriors; the prior is the item's group.
        prior_mean = group_mean[groups.of_item]
        item_var = _item_step_accuracy(eta, item, user, y, persons, prior_mean, item_sd)
        var_time = _item_step_time(
            eta, t_item, t_user, t_val, t_count, persons, pcov, prior_mean, item_sd
        )
        item_var[:, _LAM:] = var_time
        eta[~item_has] = prior_mean[~item_has]
        # Identification: mean θ = mean τ = 0; mean log a = mean log φ = 0 (product 1).
        if person_has.any() and item_has.any():
            shift = persons[person_has].mean(axis=0)
            eta[:, _B] -= np.exp(eta[:, _LOG_A]) * shift[0]
            eta[:, _LAM] -= np.exp(eta[:, _LOG_PHI]) * shift[1]
            log_ca = eta[item_has, _LOG_A].mean()
            log_cphi = eta[item_has, _LOG_PHI].mean()
            eta[:, _LOG_A] -= log_ca
            eta[:, _LOG_PHI] -= log_cphi
            scale = np.exp(np.array([log_ca, log_cphi]))
            persons = (persons - shift) * scale
            pcov = pcov * np.outer(scale, scale)
            sigma_p = sigma_p * np.outer(scale, scale)
        group_mean, global_mean, item_sd, group_sd = _hyper_step(
            eta,
            item_var,
            item_has,
            groups.of_item,
            n_groups,
            group_mean,
            global_mean,
            item_sd,
            group_sd,
        )
        eta[~item_has] = group_mean[groups.of_item[~item_has]]
        change = float(np.max(np.abs(eta[item_has] - old[item_has]))) if item_has.any() else 0.0
        if change < tol:
            converged = True
            break

    # Final person posteriors under the final items, so θ, τ match the stored item parameters.
    persons, pcov = _map_persons(
        user,
        n_users,
        _batch_from_eta(eta[item]),
        y,
        log_t,
        np.zeros(2),
        np.linalg.inv(sigma_p),
        persons,
        iters=5,
    )
    return LnirtParams(
        users=tuple(table.users),
        items=tuple(table.items),
        topics=tuple(table.topics),
        item_topic=table.item_topic.astype(np.int64),
        item_difficulty=table.item_difficulty.astype(np.int64),
        item_count=item_count.astype(np.int64),
        a=np.exp(eta[:, _LOG_A]),
        b=eta[:, _B].copy(),
        lam=eta[:, _LAM].copy(),
        phi=np.exp(eta[:, _LOG_PHI]),
        sigma=np.exp(eta[:, _LOG_SIGMA]),
        theta=persons[:, 0].copy(),
        tau=persons[:, 1].copy(),
        person_count=person_count.astype(np.int64),
        person_cov=sigma_p,
        group_topic=tuple(table.topics[t] for t in groups.topic),
        group_difficulty=groups.difficulty,
        group_mean=group_mean,
        group_count=np.bincount(groups.of_item[item_has], minlength=n_groups).astype(np.int64),
        global_mean=global_mean,
        item_sd=item_sd,
        group_sd=group_sd,
        n_iter=it,
        converged=converged,
        person_var=np.column_stack([pcov[:, 0, 0], pcov[:, 0, 1], pcov[:, 1, 1]]),
    )


def _start_from(
    start: LnirtParams,
    table: AttemptTable,
    groups: _Groups,
    eta: np.ndarray,
    item_has: np.ndarray,
    persons: np.ndarray,
    group_mean: np.ndarray,
) -> None:
    """Fill the starting items, persons and group means in place from an earlier fit."""
    own = np.column_stack(
        [np.log(start.a), start.b, start.lam, np.log(start.phi), np.log(start.sigma)]
    )
    for i, key in enumerate(table.items):
        j = start.item_index.get(key)
        if j is not None and start.item_count[j] > 0 and item_has[i]:
            eta[i] = own[j]
    for u, key in enumerate(table.users):
        j = start.user_index.get(key)
        if j is not None:
            persons[u] = (start.theta[j], start.tau[j])
    for g, (topic, difficulty) in enumerate(zip(groups.topic, groups.difficulty, strict=True)):
        k = start.group_index.get((table.topics[topic], int(difficulty)))
        if k is not None:
            group_mean[g] = start.group_mean[k]


def _default_item_vector() -> np.ndarray:
    """An average task before any data: a = φ = 1, b = 0, a minute, σ = 0.5 in log seconds."""
    return np.array([0.0, 0.0, _DEFAULT_LOG_SECONDS, 0.0, math.log(0.5)])


def _batch_from_eta(eta: np.ndarray, b_var: np.ndarray | None = None) -> ItemBatch:
    return ItemBatch(
        a=np.exp(eta[:, _LOG_A]),
        b=eta[:, _B],
        lam=eta[:, _LAM],
        phi=np.exp(eta[:, _LOG_PHI]),
        sigma=np.exp(eta[:, _LOG_SIGMA]),
        b_var=np.zeros(len(eta)) if b_var is None else b_var,
    )


def _item_step_accuracy(
    eta: np.ndarray,
    item: np.ndarray,
    user: np.ndarray,
    y: np.ndarray,
    persons: np.ndarray,
    prior_mean: np.ndarray,
    item_sd: np.ndarray,
) -> np.ndarray:
    """Two Fisher-scoring steps on (log a, b) per item, in place; returns posterior variances.

    Abilities enter as their MAP values. Integrating each person's posterior out of every
    response (Φ((a·m − b)/√(1 + a²v))) was tried: it flattens the likelihood in a, made nearly
    deterministic items oscillate for hundreds of iterations, and predicted no better.
    """
    n_items = len(eta)
    m = persons[user, 0]
    prec_a, prec_b = 1.0 / item_sd[_LOG_A] ** 2, 1.0 / item_sd[_B] ** 2
    for _ in range(2):
        a = np.exp(eta[item, _LOG_A])
        score, weight = _probit_score_weight(a * m - eta[item, _B], y)
        dz_da = a * m  # d(a·θ − b)/d log a; d/db is −1
        g_a = _bsum(item, score * dz_da, minlength=n_items)
        g_b = -_bsum(item, score, minlength=n_items)
        g_a -= prec_a * (eta[:, _LOG_A] - prior_mean[:, _LOG_A])
        g_b -= prec_b * (eta[:, _B] - prior_mean[:, _B])
        h_aa = _bsum(item, weight * dz_da**2, minlength=n_items) + prec_a
        h_bb = _bsum(item, weight, minlength=n_items) + prec_b
        h_ab = -_bsum(item, weight * dz_da, minlength=n_items)
        det = h_aa * h_bb - h_ab**2
        eta[:, _LOG_A] += np.clip((h_bb * g_a - h_ab * g_b) / det, -0.5, 0.5)
        eta[:, _B] += np.clip((h_aa * g_b - h_ab * g_a) / det, -1.0, 1.0)
    var = np.zeros((n_items, 5))
    var[:, _LOG_A] = h_bb / det
    var[:, _B] = h_aa / det
    return var


def _item_step_time(
    eta: np.ndarray,
    t_item: np.ndarray,
    t_user: np.ndarray,
    t_val: np.ndarray,
    t_count: np.ndarray,
    persons: np.ndarray,
    pcov: np.ndarray,
    prior_mean: np.ndarray,
    item_sd: np.ndarray,
) -> np.ndarray:
    """Newton on (λ, log φ, log σ) per item, in place; returns their posterior variances.

    Uses the expected complete-data log-likelihood over τ ~ N(m, v), which is quadratic in
    (λ, φ): six sufficient sums per item are taken once and the inner iterations are free.
    """
    n_items = len(eta)
    m = persons[t_user, 1]
    v = pcov[t_user, 1, 1]
    n = t_count
    s_t = _bsum(t_item, t_val, minlength=n_items)
    s_tt = _bsum(t_item, t_val * t_val, minlength=n_items)
    s_m = _bsum(t_item, m, minlength=n_items)
    s_tm = _bsum(t_item, t_val * m, minlength=n_items)
    s_mm = _bsum(t_item, m * m + v, minlength=n_items)
    prec = 1.0 / item_sd[_LAM:] ** 2
    pm = prior_mean[:, _LAM:]
    for _ in range(4):
        lam, phi = eta[:, _LAM], np.exp(eta[:, _LOG_PHI])
        inv_s2 = np.exp(-2.0 * eta[:, _LOG_SIGMA])
        # Σ r and Σ r·m + φ·Σ v for r = log t − λ + φ·m, from the sums above
        s_r = s_t - n * lam + phi * s_m
        s_rm = s_tm - lam * s_m + phi * s_mm
        g_lam = s_r * inv_s2 - prec[0] * (lam - pm[:, 0])
        g_lphi = -phi * s_rm * inv_s2 - prec[1] * (eta[:, _LOG_PHI] - pm[:, 1])
        h_ll = n * inv_s2 + prec[0]
        h_pp = phi**2 * s_mm * inv_s2 + prec[1]
        h_lp = -phi * s_m * inv_s2
        det = h_ll * h_pp - h_lp**2
        eta[:, _LAM] += (h_pp * g_lam - h_lp * g_lphi) / det
        eta[:, _LOG_PHI] += np.clip((h_ll * g_lphi - h_lp * g_lam) / det, -0.5, 0.5)
        lam, phi = eta[:, _LAM], np.exp(eta[:, _LOG_PHI])
        ssr = (
            s_tt
            + n * lam**2
            + phi**2 * s_mm
            - 2.0 * lam * s_t
            + 2.0 * phi * s_tm
            - 2.0 * lam * phi * s_m
        )
        ssr = np.maximum(ssr, 0.0)
        for _ in range(2):
            inv_s2 = np.exp(-2.0 * eta[:, _LOG_SIGMA])
            g_s = -n + ssr * inv_s2 - prec[2] * (eta[:, _LOG_SIGMA] - pm[:, 2])
            h_s = 2.0 * ssr * inv_s2 + prec[2]
            eta[:, _LOG_SIGMA] += np.clip(g_s / h_s, -1.0, 1.0)
        # Times a few students fit exactly would drive σ to 0 (and predictions to certainty).
        np.maximum(eta[:, _LOG_SIGMA], _LOG_SIGMA_FLOOR, out=eta[:, _LOG_SIGMA])
    var = np.empty((n_items, 3))
    var[:, 0] = h_pp / det
    var[:, 1] = h_ll / det
    var[:, 2] = 1.0 / h_s
    return var


def _hyper_step(
    eta: np.ndarray,
    item_var: np.ndarray,
    item_has: np.ndarray,
    of_item: np.ndarray,
    n_groups: int,
    group_mean: np.ndarray,
    global_mean: np.ndarray,
    item_sd: np.ndarray,
    group_sd: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Group means, global mean and both spreads from the current items (empirical Bayes)."""
    if not item_has.any():
        return group_mean, global_mean, item_sd, group_sd
    e, gi = eta[item_has], of_item[item_has]
    n_g = np.bincount(gi, minlength=n_groups).astype(np.float64)[:, None]
    sum_g = np.stack([_bsum(gi, e[:, k], minlength=n_groups) for k in range(5)], axis=1)
    prec_i, prec_g = 1.0 / item_sd**2, 1.0 / group_sd**2
    # Each group's mean given the global one: groups with many items follow their items.
    raw = np.where(n_g > 0, sum_g / np.maximum(n_g, 1.0), 0.0)
    w_g = np.where(n_g[:, 0] > 0, 1.0, 0.0)[:, None] / (
        group_sd**2 + item_sd**2 / np.maximum(n_g, 1)
    )
    global_mean = (w_g * raw).sum(axis=0) / w_g.sum(axis=0)
    group_mean = (sum_g * prec_i + global_mean * prec_g) / (n_g * prec_i + prec_g)
    post_var_g = 1.0 / (n_g * prec_i + prec_g)
    dev_i = (e - group_mean[gi]) ** 2 + item_var[item_has] + post_var_g[gi]
    new_item_sd = np.sqrt(
        (dev_i.sum(axis=0) + _SPREAD_PRIOR_N * _SPREAD_PRIOR_SD**2) / (len(e) + _SPREAD_PRIOR_N)
    )
    seen = n_g[:, 0] > 0
    dev_g = (group_mean[seen] - global_mean) ** 2 + post_var_g[seen]
    new_group_sd = np.sqrt(
        (dev_g.sum(axis=0) + _SPREAD_PRIOR_N * _SPREAD_PRIOR_SD**2) / (seen.sum() + _SPREAD_PRIOR_N)
    )
    return (
        group_mean,
        global_mean,
        np.maximum(new_item_sd, _SPREAD_FLOOR),
        np.maximum(new_group_sd, _SPREAD_FLOOR),
    )


# --------------------------------------------------------------------------------------------
# Serving: the per-student update and predictions


def resolve_items(params: LnirtParams, items: Sequence[tuple[str, str, int]]) -> ItemBatch:
    """Parameters for (item key, topic name, difficulty code) triples; never raises.

    A known item uses its own estimate (if it had responses); otherwise its group's pooled
    parameters; a task from an unknown topic × difficulty group uses the global ones.
    """
    item_index, group_index = params.item_index, params.group_index
    count, n_items = params.item_count, len(params.items)
    fallback = params._fallback_row
    rows = np.empty(len(items), dtype=np.int64)
    for k, (key, topic, difficulty) in enumerate(items):
        i = item_index.get(key)
        if i is not None and count[i] > 0:
            rows[k] = i
            continue
        g = group_index.get((topic, int(difficulty)))
        rows[k] = n_items + g if g is not None else (fallback[i] if i is not None else -1)
    table = params._lookup_rows[rows]
    return _batch_from_eta(table[:, :5], table[:, 5])


def person_posterior(
    params: LnirtParams,
    *,
    items: Sequence[tuple[str, str, int]],
    correct: Sequence[float] | np.ndarray,
    log_seconds: Sequence[float] | np.ndarray,
    prior_mean: tuple[float, float] = (0.0, 0.0),
    iters: int = 8,
) -> PersonPosterior:
    """MAP (θ, τ) and Laplace covariance of one student from their attempt history.

    `items` are (item key, topic name, difficulty code) per attempt, `log_seconds` NaN where the
    time is not valid (the answer still counts). The prior is the fitted population N(0, Σ).
    """
    batch = resolve_items(params, items)
    y = np.asarray(correct, dtype=np.float64)
    lt = np.asarray(log_seconds, dtype=np.float64)
    return _map_one(batch, y, lt, prior_mean, params._person_prec, iters)


def _map_one(
    items: ItemBatch,
    y: np.ndarray,
    log_t: np.ndarray,
    prior_mean: tuple[float, float],
    prior_prec: np.ndarray,
    iters: int,
) -> PersonPosterior:
    """_map_persons for a single student with scalar bookkeeping: the per-request path, where
    NumPy call overhead (not arithmetic) is the cost."""
    has_t = ~np.isnan(log_t)
    phi_t = items.phi[has_t] / items.sigma[has_t]
    time_prec = float(phi_t @ phi_t)
    time_lin = float(phi_t @ ((log_t[has_t] - items.lam[has_t]) / items.sigma[has_t]))
    p00, p01, p11 = float(prior_prec[0, 0]), float(prior_prec[0, 1]), float(prior_prec[1, 1])
    m0, m1 = float(prior_mean[0]), float(prior_mean[1])
    a, b = items.a, items.b
    a2 = a * a
    theta, tau = m0, m1
    for step in range(iters + 1):
        score, weight = _probit_score_weight(a * theta - b, y)
        d0, d1 = theta - m0, tau - m1
        g0 = float(a @ score) - p00 * d0 - p01 * d1
        g1 = -time_lin - time_prec * tau - p01 * d0 - p11 * d1
        h00 = float(a2 @ weight) + p00
        h11 = time_prec + p11
        det = h00 * h11 - p01 * p01
        if step == iters:
            break
        s0 = (h11 * g0 - p01 * g1) / det
        s1 = (h00 * g1 - p01 * g0) / det
        theta += min(1.0, max(-1.0, s0))
        tau += min(1.0, max(-1.0, s1))
        if abs(s0) < 1e-7 and abs(s1) < 1e-7:
            iters = step + 1  # converged: one more pass for the Hessian at the optimum
    cov = np.array([[h11, -p01], [-p01, h00]]) / det
    return PersonPosterior(theta=theta, tau=tau, cov=cov)


def update_person(
    params: LnirtParams,
    *,
    items: Sequence[tuple[str, str, int]],
    correct: Sequence[float] | np.ndarray,
    log_seconds: Sequence[float] | np.ndarray,
    prior_mean: tuple[float, float] = (0.0, 0.0),
) -> tuple[float, float]:
    """The instant update after a completed task: (θ, τ) from the student's full history."""
    post = person_posterior(
        params, items=items, correct=correct, log_seconds=log_seconds, prior_mean=prior_mean
    )
    return post.theta, post.tau


def _predict_batch(
    batch: ItemBatch,
    theta: np.ndarray | float,
    tau: np.ndarray | float,
    theta_var: np.ndarray | float,
) -> tuple[np.ndarray, np.ndarray]:
    # Posterior-predictive probability: uncertainty in θ (and in b for tasks known only by their
    # group) flattens the probit curve instead of being ignored.
    scale = np.sqrt(1.0 + batch.a**2 * theta_var + batch.b_var)
    p = ndtr((batch.a * theta - batch.b) / scale)
    # The predicted log time is the mean (= median) of log T: what minimises error in log space.
    return p, batch.lam - batch.phi * tau


def predict(
    params: LnirtParams,
    *,
    theta: float,
    tau: float,
    items: Sequence[tuple[str, str, int]],
    theta_var: float = 0.0,
) -> tuple[np.ndarray, np.ndarray]:
    """(p_correct, expected seconds) for (item key, topic name, difficulty code) triples.

    Seconds are the lognormal median exp(λ − φτ), not the mean exp(λ − φτ + σ²/2): the median
    is the prediction the log-time MAE rewards and is what a student reads as "usually takes";
    the mean is dragged up by the long right tail.
    """
    p, log_t = _predict_batch(resolve_items(params, items), theta, tau, theta_var)
    return p, np.exp(log_t)


def predict_table(
    params: LnirtParams,
    table: AttemptTable,
    test_mask: np.ndarray,
    *,
    evidence: Evidence = "train+earlier",
    max_pairs: int = 2_000_000,
) -> tuple[np.ndarray, np.ndarray]:
    """p_correct and predicted log-seconds for the rows of `table` in `test_mask`, in row order.

    evidence:
    - "fitted": the person's fitted (θ, τ); unknown persons the prior mean (0, 0).
    - "earlier": deployment as it happens: (θ, τ) re-estimated for every test row from the
      prior and the student's attempts strictly earlier in `order` (train or test rows), with
      their true outcomes.
    - "train+earlier": the student's training rows plus their earlier test rows. With a
      chronological split this equals "earlier"; with a random split it also uses later training
      rows, as the user+item baselines do.
    """
    test_rows = np.flatnonzero(test_mask)
    item_keys = [
        (table.items[i], table.topics[table.item_topic[i]], int(table.item_difficulty[i]))
        for i in range(len(table.items))
    ]
    per_item = resolve_items(params, item_keys)
    if evidence == "fitted":
        uidx = np.array([params.user_index.get(u, -1) for u in table.users], dtype=np.int64)
        pu = uidx[table.user[test_rows]]
        known = pu >= 0
        theta = np.where(known, params.theta[np.maximum(pu, 0)], 0.0)
        tau = np.where(known, params.tau[np.maximum(pu, 0)], 0.0)
        var = np.where(known, 0.0, params.person_cov[0, 0])
        return _predict_batch(_take(per_item, table.item[test_rows]), theta, tau, var)

    prior_mean = np.zeros((len(test_rows), 2))
    prior_prec = np.tile(params._person_prec, (len(test_rows), 1, 1))
    if evidence == "train+earlier":
        # A student's training rows enter as one Gaussian factor, the Laplace posterior given
        # them, so only earlier *test* rows are re-scored per query: ~20x fewer pairs than
        # re-scoring every row; on both data/ files AUC and log-loss agreed to 1e-4.
        train = ~test_mask
        post_mean, post_cov = _map_persons(
            table.user[train].astype(np.int64),
            len(table.users),
            _take(per_item, table.item[train]),
            table.correct[train].astype(np.float64),
            table.log_seconds[train],
            np.zeros(2),
            params._person_prec,
            np.zeros((len(table.users), 2)),
            iters=8,
        )
        prior_mean = post_mean[table.user[test_rows]]
        prior_prec = np.linalg.inv(post_cov)[table.user[test_rows]]
        candidates = test_rows
    else:
        candidates = np.arange(len(table))
    means, covs = _earlier_posteriors(
        params, table, test_mask, per_item, candidates, prior_mean, prior_prec, max_pairs
    )
    batch = _take(per_item, table.item[test_rows])
    return _predict_batch(batch, means[:, 0], means[:, 1], covs[:, 0, 0])


def _take(batch: ItemBatch, idx: np.ndarray) -> ItemBatch:
    return ItemBatch(
        a=batch.a[idx],
        b=batch.b[idx],
        lam=batch.lam[idx],
        phi=batch.phi[idx],
        sigma=batch.sigma[idx],
        b_var=batch.b_var[idx],
    )


def _earlier_posteriors(
    params: LnirtParams,
    table: AttemptTable,
    test_mask: np.ndarray,
    per_item: ItemBatch,
    candidates: np.ndarray,
    prior_mean: np.ndarray,
    prior_prec: np.ndarray,
    max_pairs: int,
) -> tuple[np.ndarray, np.ndarray]:
    """Posterior (θ, τ) for every test row given its student's `candidates` rows that are
    strictly earlier in `order`; priors are per test row (in test-row order)."""
    test_pos = np.full(len(table), -1, dtype=np.int64)
    test_pos[test_mask] = np.arange(int(test_mask.sum()))
    means = np.zeros((len(prior_mean), 2))
    covs = np.zeros((len(prior_mean), 2, 2))
    rows = candidates[np.lexsort((table.order[candidates], table.user[candidates]))]
    if not len(rows):
        return means, covs
    user = table.user[rows]
    starts = np.flatnonzero(np.concatenate([[True], user[1:] != user[:-1]]))
    sizes = np.diff(np.append(starts, len(rows)))
    is_query = test_mask[rows]
    n_queries = np.add.reduceat(is_query.astype(np.int64), starts)
    cum_cost = np.cumsum(sizes * n_queries)
    first = 0
    while first < len(starts):
        # Whole students per chunk, bounded in (query, evidence) pairs to bound memory.
        done = cum_cost[first - 1] if first else 0
        last = max(first + 1, int(np.searchsorted(cum_cost, done + max_pairs, side="right")))
        lo = starts[first]
        hi = starts[last] if last < len(starts) else len(rows)
        chunk = rows[lo:hi]
        local_start = np.repeat(starts[first:last] - lo, sizes[first:last])
        local_size = np.repeat(sizes[first:last], sizes[first:last])
        queries = np.flatnonzero(is_query[lo:hi])
        # All (query, same-student row) pairs, then keep the strictly earlier rows.
        counts = local_size[queries]
        pair_q = np.repeat(np.arange(len(queries)), counts)
        offs = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
        r_rows = chunk[np.repeat(local_start[queries], counts) + offs]
        q_rows = chunk[queries]
        keep = table.order[r_rows] < table.order[q_rows[pair_q]]
        pair_q, r_rows = pair_q[keep], r_rows[keep]
        out = test_pos[q_rows]
        means[out], covs[out] = _map_persons(
            pair_q,
            len(queries),
            _take(per_item, table.item[r_rows]),
            table.correct[r_rows].astype(np.float64),
            table.log_seconds[r_rows],
            prior_mean[out],
            prior_prec[out],
            prior_mean[out],
            iters=8,
        )
        first = last
    return means, covs
