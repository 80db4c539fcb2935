"""The practice log with learning and forgetting (MoFaCTS statistics course, data/README):
the served model's figures on each student's last 20 %, one step ahead."""

from __future__ import annotations

from pathlib import Path

import pytest

from mlmodels.benchmark import run_benchmark, worker_trainers
from mlmodels.data import CsvColumns, read_attempts_csv, table_from_records

MOFACTS = "mofacts_statistics_practice_dev.csv"


@pytest.mark.shared_data
def test_it_serves_the_learning_model_well_ahead_of_pfa_and_user_item_on_the_practice_log(
    shared_data_dir: Path,
):
    mofacts = shared_data_dir / MOFACTS
    table = table_from_records(read_attempts_csv(mofacts, CsvColumns(timestamp="timestamp")))
    # The sequence model's figures on this file are in `make bench` (it takes minutes here).
    report = run_benchmark(
        table,
        split="chronological",
        models=worker_trainers(kinds=("lnirt", "learning")),
        dataset=MOFACTS,
    )
    by_name = {e.name: e for e in report.entries}
    served = report.champion
    assert served.name == "learning"
    assert served.auc >= 0.85
    assert served.auc >= by_name["PFA"].auc + 0.04
    assert served.auc >= by_name["user+item LR"].auc + 0.04
    assert served.ece <= 0.03
    assert served.log_time_mae <= 0.31
