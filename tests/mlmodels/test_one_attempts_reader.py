"""One reader of attempts files: `import_attempts` (then the worker's attempts table) and
`benchmark_models` must see the same attempts, times and order in the same file — whatever the
machine's time zone, with or without a byte-order mark."""

from __future__ import annotations

import csv
import os
import time
from pathlib import Path

import numpy as np
import pytest
from django.contrib.auth.models import User
from django.core.management import call_command

from mlmodels.data import CsvColumns, read_attempts_csv, table_from_records
from mlmodels.training import attempts_table

ROWS = [
    [" ann ", "q1", "waves", "1", "11000", "1", "2015-11-02 19:49:38"],
    ["ann", "q2", "waves", "0", "9000", "0", "2015-11-02 19:50:06"],
    ["bob", "q1", "waves", "1", "", "1", "2015-11-03T08:00:00+01:00"],
    ["", "", "", "", "", "", ""],  # a blank line: nothing
    ["bob", "q3", "optics", "0", "4200", "1", "1446580800"],
    ["ann", "q3", "optics", "1", "30500", "1", "2015-11-04 23:59:59"],
]
HEADER = ["user_id", "item_id", "skill_id", "correct", "rt_ms", "rt_usable", "timestamp"]


@pytest.fixture
def far_away_zone():
    """A machine whose local time is not UTC: a naive timestamp must still mean UTC."""
    old = os.environ.get("TZ")
    os.environ["TZ"] = "America/Los_Angeles"
    time.tzset()
    yield
    if old is None:
        os.environ.pop("TZ", None)
    else:
        os.environ["TZ"] = old
    time.tzset()


def write(path: Path) -> Path:
    with open(path, "w", newline="", encoding="utf-8-sig") as fh:  # with a byte-order mark
        writer = csv.writer(fh)
        writer.writerow([f" {h} " if h == "correct" else h for h in HEADER])
        for row in ROWS:
            writer.writerow([] if not any(row) else row)
    return path


@pytest.mark.django_db
def test_it_reads_a_file_the_same_way_for_import_and_benchmark(tmp_path, far_away_zone) -> None:
    path = write(tmp_path / "school.csv")
    columns = CsvColumns(timestamp="timestamp")
    direct = table_from_records(read_attempts_csv(path, columns))
    call_command("import_attempts", str(path), "--source", "drift", "--timestamp-col", "timestamp")
    stored = attempts_table()

    names = {str(pk): name for pk, name in User.objects.values_list("pk", "username")}

    def by_attempt(table) -> dict[tuple[str, float], tuple[float, float]]:
        users = [names.get(table.users[u], table.users[u]) for u in table.user]
        return {
            (users[k].split(".", 1)[-1], float(table.order[k])): (
                float(table.correct[k]),
                float(np.round(table.log_seconds[k], 6)),
            )
            for k in range(len(table))
        }

    imported = by_attempt(stored)
    read = by_attempt(direct)
    assert len(read) == 5
    assert set(read) == set(imported)
    for key, (correct, log_t) in read.items():
        assert imported[key][0] == correct
        assert (np.isnan(log_t) and np.isnan(imported[key][1])) or imported[key][1] == log_t
    # 19:49:38 naive is UTC, not Los Angeles time.
    assert ("ann", 1446493778.0) in read
