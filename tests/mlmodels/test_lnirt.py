"""LNIRT: parameter recovery on simulated data, pooling, robustness, the per-student update."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from scipy.special import ndtr

from mlmodels.data import AttemptRecord, AttemptTable, table_from_records
from mlmodels.lnirt import (
    LnirtParams,
    fit_lnirt,
    person_posterior,
    predict,
    predict_table,
    update_person,
)


def simulate(
    *,
    n_persons: int,
    n_items: int,
    seed: int,
    rho: float = 0.4,
    topics: tuple[str, ...] = ("mechanics", "optics", "waves", "heat"),
    b_shift: dict[str, float] | None = None,
) -> tuple[AttemptTable, dict[str, np.ndarray]]:
    """Responses and times drawn from LNIRT itself with known parameters."""
    rng = np.random.default_rng(seed)
    item_topic = [topics[i % len(topics)] for i in range(n_items)]
    shift = np.array([(b_shift or {}).get(t, 0.0) for t in item_topic])
    true = {
        "a": rng.lognormal(0.0, 0.25, n_items),
        "b": rng.normal(0.0, 1.0, n_items) + shift,
        "lam": rng.normal(4.0, 0.5, n_items),
        "phi": rng.lognormal(0.0, 0.2, n_items),
    }
    persons = rng.multivariate_normal([0.0, 0.0], [[1.0, rho], [rho, 1.0]], n_persons)
    true["theta"], true["tau"] = persons[:, 0], persons[:, 1]
    p = ndtr(true["a"] * true["theta"][:, None] - true["b"])
    correct = rng.random(p.shape) < p
    log_t = true["lam"] - true["phi"] * true["tau"][:, None] + 0.4 * rng.normal(size=p.shape)
    records = [
        AttemptRecord(
            user=f"s{j}",
            item=f"q{i}",
            topic=item_topic[i],
            difficulty="medium",
            correct=bool(correct[j, i]),
            seconds=float(np.exp(log_t[j, i])),
            order=float(i),
        )
        for j in range(n_persons)
        for i in range(n_items)
    ]
    return table_from_records(records), true


def corr(x: np.ndarray, y: np.ndarray) -> float:
    return float(np.corrcoef(x, y)[0, 1])


@pytest.fixture(scope="module")
def small() -> tuple[AttemptTable, LnirtParams]:
    table, _ = simulate(n_persons=150, n_items=20, seed=5)
    return table, fit_lnirt(table)


def test_it_recovers_known_parameters() -> None:
    # The usual recovery design (1,000 students × 40 items). At 600 students the a's are
    # noise-limited:
    # even a fit given the *true* abilities correlates only 0.91–0.95 with the true a's.
    table, true = simulate(n_persons=1000, n_items=40, seed=11)
    params = fit_lnirt(table)
    assert params.converged
    for name in ("a", "phi", "theta", "tau"):
        assert corr(getattr(params, name), true[name]) >= 0.9, name
    for name in ("b", "lam"):
        assert corr(getattr(params, name), true[name]) >= 0.95, name
    assert abs(params.ability_speed_correlation - 0.4) <= 0.15
    # Identification as the R package: mean θ = mean τ = 0, product of a's and φ's = 1.
    assert abs(params.theta.mean()) < 0.05 and abs(params.tau.mean()) < 0.05
    assert abs(np.log(params.a).mean()) < 1e-6 and abs(np.log(params.phi).mean()) < 1e-6


def test_it_gives_a_task_without_responses_its_groups_pooled_parameters() -> None:
    table, _ = simulate(
        n_persons=300,
        n_items=24,
        seed=3,
        topics=("easy", "hard"),
        b_shift={"easy": -1.5, "hard": 1.5},
    )
    unseen = table.items.index("q1")  # a "hard" task
    params = fit_lnirt(table.subset(table.item != unseen))
    group = params.groups[("hard", 2)]
    assert params.item_count[unseen] == 0
    assert params.b[unseen] == pytest.approx(group.b)
    assert params.lam[unseen] == pytest.approx(group.lam)
    assert group.b > params.global_params.b + 1.0 > params.groups[("easy", 2)].b + 2.0
    # A brand-new task is treated the same way; one from an unknown group gets the global mean.
    p_group, _ = predict(params, theta=0.0, tau=0.0, items=[("new", "hard", 2), ("q1", "hard", 2)])
    p_global, _ = predict(params, theta=0.0, tau=0.0, items=[("new", "relativity", 3)])
    assert p_group[0] == pytest.approx(p_group[1])
    assert p_group[0] < p_global[0]


def test_it_never_raises_for_unknown_students_topics_difficulties_or_tasks(
    small: tuple[AttemptTable, LnirtParams],
) -> None:
    _, params = small
    items = [("q0", "mechanics", 2), ("nope", "mechanics", 0), ("nope", "quantum", 7)]
    p, seconds = predict(params, theta=0.0, tau=0.0, items=items)
    assert np.all((p > 0) & (p < 1)) and np.all(np.isfinite(seconds) & (seconds > 0))
    theta, tau = update_person(
        params, items=items, correct=[1, 0, 1], log_seconds=[3.0, math.nan, 4.0]
    )
    assert math.isfinite(theta) and math.isfinite(tau)
    assert update_person(params, items=[], correct=[], log_seconds=[]) == (0.0, 0.0)

    other = table_from_records(
        [
            AttemptRecord("s0", "q0", "mechanics", "medium", True, 30.0, 1.0),
            AttemptRecord("zoe", "q1", "optics", "medium", False, None, 1.0),
            AttemptRecord("zoe", "brand-new", "quantum", "hard", True, 45.0, 2.0),
            AttemptRecord("zoe", "q2", "waves", "medium", True, 20.0, 3.0),
        ]
    )
    mask = np.array([True, False, True, True])
    for evidence in ("fitted", "earlier", "train+earlier"):
        p, log_t = predict_table(params, other, mask, evidence=evidence)
        assert p.shape == log_t.shape == (3,)
        assert np.all(np.isfinite(p)) and np.all(np.isfinite(log_t))


def test_it_moves_theta_up_after_correct_answers_and_tau_up_after_fast_ones(
    small: tuple[AttemptTable, LnirtParams],
) -> None:
    _, params = small
    items = [(f"q{i}", "mechanics", 2) for i in range(10)]
    typical = params.lam[:10]  # the median log time of an average-speed student
    base = person_posterior(params, items=items, correct=[0, 1] * 5, log_seconds=typical)
    right = person_posterior(params, items=items, correct=[1] * 10, log_seconds=typical)
    fast = person_posterior(params, items=items, correct=[0, 1] * 5, log_seconds=typical - 1.0)
    assert right.theta > base.theta + 0.3
    assert fast.tau > base.tau + 0.3
    assert base.cov.shape == (2, 2) and base.cov[0, 0] < params.person_cov[0, 0]
    # A missing time still counts as an answer, but says nothing about speed.
    no_times = person_posterior(params, items=items, correct=[1] * 10, log_seconds=[math.nan] * 10)
    assert no_times.theta > base.theta + 0.3
    # ... so τ sits at its conditional prior mean given θ (the ability–speed correlation).
    cov = params.person_cov
    assert no_times.tau == pytest.approx(cov[1, 0] / cov[0, 0] * no_times.theta, abs=1e-6)


def test_it_fits_with_missing_times(small: tuple[AttemptTable, LnirtParams]) -> None:
    table, _ = small
    log_t = table.log_seconds.copy()
    log_t[table.item == 0] = np.nan  # one task never has a usable time
    log_t[::7] = np.nan
    gappy = AttemptTable(**{**table.__dict__, "log_seconds": log_t})
    params = fit_lnirt(gappy)
    full = fit_lnirt(table)
    # Accuracy still uses every row: its b is close to the fit with all times.
    assert params.b[0] == pytest.approx(full.b[0], abs=0.15)
    assert np.all(np.isfinite(params.lam)) and np.all(np.isfinite(params.theta))


def test_it_round_trips_save_and_load_exactly(
    small: tuple[AttemptTable, LnirtParams], tmp_path: Path
) -> None:
    _, params = small
    path = tmp_path / "lnirt-v1.npz"
    params.save(path)
    loaded = LnirtParams.load(path)
    for name, value in params.__dict__.items():
        if name.startswith("_") or name in ("user_index", "item_index", "group_index"):
            continue
        other = getattr(loaded, name)
        if isinstance(value, np.ndarray):
            assert other.dtype == value.dtype and np.array_equal(other, value), name
        else:
            assert other == value, name
    items = [("q3", "optics", 2), ("new", "waves", 1)]
    assert np.array_equal(
        predict(params, theta=0.3, tau=-0.2, items=items)[0],
        predict(loaded, theta=0.3, tau=-0.2, items=items)[0],
    )


def test_it_refuses_an_unknown_format_version(
    small: tuple[AttemptTable, LnirtParams], tmp_path: Path
) -> None:
    _, params = small
    path = tmp_path / "lnirt.npz"
    params.save(path)
    with np.load(path) as z:
        arrays = dict(z)
    arrays["format_version"] = np.array(999)
    np.savez(path, **arrays)
    with pytest.raises(ValueError, match="format 999"):
        LnirtParams.load(path)


def test_it_predicts_with_earlier_attempts_only(small: tuple[AttemptTable, LnirtParams]) -> None:
    table, params = small
    # The first attempt of each student has no earlier evidence: the prior mean (0, 0).
    first = table.order == 0
    p, log_t = predict_table(params, table, first, evidence="earlier")
    expected_p, expected_s = predict(
        params,
        theta=0.0,
        tau=0.0,
        items=[("q0", "mechanics", 2)],
        theta_var=params.person_cov[0, 0],
    )
    assert np.allclose(p, expected_p[0]) and np.allclose(np.exp(log_t), expected_s[0])


def test_it_agrees_between_the_per_student_update_and_the_batch_path(
    small: tuple[AttemptTable, LnirtParams],
) -> None:
    table, params = small
    last = table.order == 19
    p, log_t = predict_table(params, table, last, evidence="earlier")
    history = (table.user == 0) & ~last
    items = [(table.items[i], table.topics[table.item_topic[i]], 2) for i in table.item[history]]
    post = person_posterior(
        params,
        items=items,
        correct=table.correct[history],
        log_seconds=table.log_seconds[history],
    )
    expected_p, expected_s = predict(
        params,
        theta=post.theta,
        tau=post.tau,
        items=[("q19", table.topics[table.item_topic[19]], 2)],
        theta_var=post.cov[0, 0],
    )
    assert p[0] == pytest.approx(expected_p[0], abs=1e-6)
    assert np.exp(log_t[0]) == pytest.approx(expected_s[0], rel=1e-6)
