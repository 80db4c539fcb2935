"""LNIRT against the baselines on real responses and times (Amsterdam Chess Test, data/README)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from mlmodels.benchmark import LnirtTrainer, run_benchmark
from mlmodels.data import read_attempts_csv, table_from_records

SHARED_DATA = Path(__file__).resolve().parents[3] / "shared" / "data"
CHESS = SHARED_DATA / "lnirt_amsterdamchess_long.csv"


@pytest.mark.shared_data
def test_it_beats_every_baseline_on_the_chess_data() -> None:
    if not CHESS.exists():
        message = f"{CHESS} not found (the shared data folder sits beside the repo)"
        if os.environ.get("REQUIRE_SHARED_DATA") == "1":
            pytest.fail(message)
        pytest.skip(message)
    table = table_from_records(read_attempts_csv(CHESS))
    report = run_benchmark(
        table, split="random", seed=0, models={"lnirt": LnirtTrainer()}, dataset=CHESS.name
    )
    by_name = {e.name: e for e in report.entries}
    lnirt = by_name["lnirt"]
    for e in report.entries:
        if e.kind != "baseline":
            continue
        assert lnirt.log_time_mae < e.log_time_mae, e.name
        if e.reference:
            # The bar of docs/models.md: within 0.005 AUC of user + item logistic regression.
            assert lnirt.auc >= e.auc - 0.005, e.name
        else:
            assert lnirt.auc > e.auc, e.name
    assert lnirt.ece < 0.05
    assert report.test_rows == 2048 and report.train_rows == 8192
