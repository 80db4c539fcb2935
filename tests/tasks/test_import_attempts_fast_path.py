"""The import's column-wise check of a valid file must read it exactly as the row-by-row check
(the authority, which also names the problems of a broken file) does, and its dates must be the
text Django itself writes."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
from django.db import connection

from mlmodels.data import CsvColumns
from mlmodels.learning_state import db_datetime_texts
from tasks import attempts_import as ai

HEADER = "user_id,item_id,skill_id,correct,rt_ms,rt_usable,position,timestamp"


def scans(path: Path, columns: CsvColumns) -> tuple[ai._Scan | None, ai._Scan]:
    layout = ai._read_layout(path, columns, ())
    return ai._scan_columns(path, layout), ai._scan_rows(path, layout, 50)


def same(fast: ai._Scan | None, slow: ai._Scan) -> None:
    assert fast is not None
    assert fast.rows == slow.rows
    assert list(fast.users) == list(slow.users)
    assert list(fast.topics) == list(slow.topics)
    assert list(fast.items.items()) == list(slow.items.items())
    assert fast.items_with_several_topics == slow.items_with_several_topics
    assert fast.attempts.columns() == slow.attempts.columns()


def messy_file(path: Path, seed: int) -> Path:
    """Valid but awkward: padding, quoted commas, export apostrophes, blank lines, CRLF, "3" and
    "3.0", seconds and milliseconds, unusable times (even unreadable ones), long ids, an item
    under two topics."""
    rng = random.Random(seed)
    lines = ["\ufeff" + HEADER]
    for k in range(300):
        user = rng.choice([" ann ", "bob", '"o,neil"', "'=cy", "é" * 120])
        item = rng.choice(["q1", "q2", '"q,3"', "'-q4", "x" * 150])
        skill = "waves" if item != "q2" or k % 2 else "optics"
        correct = rng.choice(["1", "0", " TRUE", "no", "1.0"])
        usable = rng.choice(["1", "0", ""])
        ms = rng.choice(["", "0", "1500", "2500.5", "1e3"]) if usable != "0" else "n/a"
        position = rng.choice([f"{k}", f"{k}.0"]) if k % 7 else f"{k}.5"
        stamp = (datetime(2015, 11, 2, tzinfo=UTC) + timedelta(seconds=k * 37.25)).isoformat()
        lines.append(f"{user},{item},{skill},{correct},{ms},{usable},{position},{stamp}")
        if k % 50 == 0:
            lines.append("")
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize(
    "columns",
    [
        CsvColumns(order="position", time_valid="rt_usable"),
        CsvColumns(timestamp="timestamp", time_valid="rt_usable"),
        CsvColumns(order="", time="rt_ms", time_valid="rt_usable"),
    ],
    ids=["order", "timestamp", "file-order"],
)
def test_it_reads_a_valid_file_column_by_column_as_row_by_row(
    tmp_path: Path, seed: int, columns: CsvColumns
) -> None:
    same(*scans(messy_file(tmp_path / "a.csv", seed), columns))


@pytest.mark.parametrize(
    "row",
    [
        "ann,q1,w,maybe,1000,1,1,",  # a bad truth value
        "ann,q1,w,1,-5,1,1,",  # a negative time where the time is usable
        "ann,q1,w,1,1000,1,1,",  # the same attempt twice
        'ann,"q1\nx",w,1,1000,1,2,',  # a cell across lines
        "ann,,w,1,1000,1,2,",  # no item
        "ann,q1,w,1,1000,1,2",  # a short row
        "ann,q1,w,1,1e16,1,2,",  # shown before year 1
    ],
)
def test_it_leaves_any_doubtful_file_to_the_row_by_row_check(tmp_path: Path, row: str) -> None:
    path = tmp_path / "a.csv"
    path.write_text(f"{HEADER}\nann,q1,w,1,1000,1,1,\n{row}\n", encoding="utf-8")
    layout = ai._read_layout(path, CsvColumns(order="position", time_valid="rt_usable"), ())
    assert ai._scan_columns(path, layout) is None
    with pytest.raises(ai.AttemptsFileError):
        ai._scan_rows(path, layout, 50)


@pytest.mark.django_db
def test_it_writes_dates_as_django_does() -> None:
    values = [
        datetime(2000, 1, 1, tzinfo=UTC),
        datetime(2015, 11, 2, 19, 49, 38, 123456, tzinfo=UTC),
        datetime(1969, 12, 31, 23, 59, 59, 999999, tzinfo=UTC),
        datetime(1, 1, 1, 0, 0, 0, 1, tzinfo=UTC),
    ]
    micros = np.array([ai._micros(v) for v in values], np.int64)
    texts = db_datetime_texts(micros, postgres=connection.vendor == "postgresql")
    if connection.vendor == "sqlite":
        assert texts == [connection.ops.adapt_datetimefield_value(v) for v in values]
    with connection.cursor() as cursor:  # what the database makes of them
        for value, text in zip(values, texts, strict=True):
            if connection.vendor == "postgresql":
                cursor.execute("SELECT %s::timestamptz = %s", [text, value])
                assert cursor.fetchone()[0] is True
