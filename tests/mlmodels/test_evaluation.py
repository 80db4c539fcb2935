"""Metrics with known answers, baselines on tiny tables, and the benchmark report's rules."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from mlmodels.benchmark import (
    BenchmarkEntry,
    LnirtTrainer,
    choose_champion,
    run_benchmark,
)
from mlmodels.data import AttemptRecord, AttemptTable, table_from_records
from mlmodels.evaluation import (
    auc,
    baseline_global_mean,
    baseline_item_mean,
    baseline_student_mean,
    baseline_topic_mean,
    baseline_user_item_lr,
    brier,
    calibration_bins,
    evaluate,
    expected_calibration_error,
    log_loss,
    log_time_mae,
    log_time_rmse,
)


def test_it_scores_auc_by_ranks_with_ties_as_halves() -> None:
    y = np.array([0, 0, 1, 1])
    assert auc(y, np.array([0.1, 0.2, 0.8, 0.9])) == 1.0
    assert auc(y, np.array([0.9, 0.8, 0.2, 0.1])) == 0.0
    assert auc(y, np.full(4, 0.5)) == 0.5
    # positives 0.6, 0.4 against negatives 0.4, 0.2: pairs score 1, 1, ½ (tie), 1 → 0.875
    assert auc(y, np.array([0.4, 0.2, 0.6, 0.4])) == pytest.approx(0.875)
    assert math.isnan(auc(np.ones(3), np.array([0.1, 0.2, 0.3])))


def test_it_computes_log_loss_brier_and_time_errors() -> None:
    y = np.array([1.0, 0.0])
    assert log_loss(y, np.array([0.8, 0.2])) == pytest.approx(-math.log(0.8))
    assert math.isfinite(log_loss(y, np.array([0.0, 1.0])))  # clipped, not infinite
    assert brier(y, np.array([0.8, 0.2])) == pytest.approx(0.04)
    true = np.array([1.0, 2.0, math.nan, 4.0])
    pred = np.array([1.5, 1.0, 3.0, math.nan])
    assert log_time_mae(true, pred) == pytest.approx(0.75)  # rows with a valid time only
    assert log_time_rmse(true, pred) == pytest.approx(math.sqrt((0.25 + 1.0) / 2))


def test_it_finds_calibrated_predictions_calibrated() -> None:
    rng = np.random.default_rng(0)
    p = rng.random(200_000)
    y = (rng.random(len(p)) < p).astype(float)
    assert expected_calibration_error(y, p) < 0.01
    assert expected_calibration_error(y, np.clip(p + 0.2, 0, 1)) > 0.1
    bins = calibration_bins(y, p)
    assert len(bins) == 10 and sum(c for _, _, c in bins) == len(p)
    for mean_p, rate, _ in bins:
        assert rate == pytest.approx(mean_p, abs=0.02)
    assert calibration_bins(np.array([1.0]), np.array([1.0])) == [(1.0, 1.0, 1)]


def test_it_bundles_the_metrics() -> None:
    m = evaluate(
        np.array([0, 1, 1, 0]),
        np.array([0.2, 0.7, 0.9, 0.4]),
        np.array([1.0, 2.0, 3.0, math.nan]),
        np.array([1.0, 2.5, 3.0, 2.0]),
    )
    assert m.auc == 1.0 and m.n == 4
    assert m.log_time_mae == pytest.approx(0.5 / 3)
    assert set(m.as_dict()) == {
        "auc",
        "logloss",
        "brier",
        "ece",
        "log_time_mae",
        "log_time_rmse",
        "n",
    }


def two_kinds_of_students(seed: int = 0) -> AttemptTable:
    """alice-like students get everything right and are fast; bob-like ones the opposite."""
    rng = np.random.default_rng(seed)
    records = []
    for j in range(40):
        strong = j % 2 == 0
        for i in range(12):
            hard = i >= 6
            p = (0.9 if strong else 0.4) - (0.3 if hard else 0.0)
            seconds = (20.0 if strong else 60.0) * (2.0 if hard else 1.0) * rng.lognormal(0, 0.1)
            records.append(
                AttemptRecord(
                    user=f"s{j}",
                    item=f"q{i}",
                    topic="hard" if hard else "easy",
                    difficulty="",
                    correct=bool(rng.random() < p),
                    seconds=seconds,
                    order=float(i),
                )
            )
    return table_from_records(records)


def test_it_fits_baselines_on_training_rows_only() -> None:
    table = two_kinds_of_students()
    test = table.order >= 10  # the last two (hard) tasks of everyone
    p, log_t = baseline_global_mean(table, test)
    assert np.allclose(p, table.correct[~test].mean())
    assert np.allclose(log_t, np.median(table.log_seconds[~test]))
    p_topic, t_topic = baseline_topic_mean(table, test)
    hard_train = ~test & (table.topic == table.topics.index("hard"))
    assert np.allclose(t_topic, np.median(table.log_seconds[hard_train]))
    assert p_topic.mean() < p.mean()
    p_user, t_user = baseline_student_mean(table, test)
    strong = np.array([int(table.users[u][1:]) % 2 == 0 for u in table.user[test]])
    assert p_user[strong].min() > p_user[~strong].max()
    assert t_user[strong].max() < t_user[~strong].min()
    # Items never seen in training fall back to their topic.
    _, t_item = baseline_item_mean(table, test)
    assert np.allclose(t_item, t_topic)
    p_lr, t_lr = baseline_user_item_lr(table, test)
    assert auc(table.correct[test], p_lr) > 0.6
    assert log_time_mae(table.log_seconds[test], t_lr) < log_time_mae(
        table.log_seconds[test], t_topic
    )


def entry(
    name: str, kind: str, auc_: float, logloss: float, reference: bool = False
) -> BenchmarkEntry:
    return BenchmarkEntry(
        name=name,
        kind=kind,  # type: ignore[arg-type]
        auc=auc_,
        logloss=logloss,
        brier=0.2,
        ece=0.01,
        log_time_mae=0.4,
        log_time_rmse=0.5,
        train_seconds=0.0,
        predict_seconds=0.0,
        reference=reference,
    )


def test_it_serves_the_lowest_logloss_model_that_beats_every_simple_baseline() -> None:
    entries = [
        entry("per-item mean", "baseline", 0.80, 0.50),
        entry("user+item LR", "baseline", 0.85, 0.45, reference=True),
        entry("sequence", "model", 0.86, 0.44),
        entry("lnirt", "model", 0.87, 0.43),
        entry("weak", "model", 0.79, 0.30),  # low log-loss but loses to a simple baseline
    ]
    assert entries[choose_champion(entries)].name == "lnirt"
    assert entries[choose_champion([*entries[:3], entries[4]])].name == "sequence"
    # The references are printed beside, not in the bar: beating the simple ones is enough.
    below_reference = [*entries[:2], entry("lnirt", "model", 0.84, 0.40)]
    assert below_reference[choose_champion(below_reference)].name == "lnirt"
    # None qualifies: the best simple baseline (a reference cannot be served).
    losing = [*entries[:2], entry("lnirt", "model", 0.78, 0.40)]
    assert losing[choose_champion(losing)].name == "per-item mean"
    with_broken = [*entries[:3], entry("broken", "model", math.nan, math.nan)]
    assert with_broken[choose_champion(with_broken)].name == "sequence"  # NaN never wins


def test_it_reports_one_served_entry_as_json_and_a_table() -> None:
    table = two_kinds_of_students()
    report = run_benchmark(
        table, split="chronological", models={"lnirt": LnirtTrainer()}, dataset="two kinds"
    )
    data = json.loads(report.to_json())
    assert set(data) >= {"dataset", "split", "train_rows", "test_rows", "models"}
    assert data["split"] == "chronological" and data["dataset"] == "two kinds"
    assert data["train_rows"] + data["test_rows"] == len(table)
    assert sum(m["served"] for m in data["models"]) == 1
    assert {m["kind"] for m in data["models"]} == {"baseline", "model"}
    for m in data["models"]:
        assert set(m) >= {
            "name",
            "kind",
            "served",
            "auc",
            "logloss",
            "brier",
            "ece",
            "log_time_mae",
            "train_seconds",
        }
    text = report.table()
    assert "lnirt" in text and "per-item mean" in text
    assert len({len(line) for line in text.splitlines()[1:]}) == 1  # columns aligned
    with pytest.raises(ValueError, match="unknown split"):
        run_benchmark(table, split="sideways", models={})  # type: ignore[arg-type]
