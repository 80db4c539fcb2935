"""Outside a transaction, PostgreSQL's import writes its batches on several connections at once,
by COPY text and a plain INSERT until it meets rows already there. It must write exactly the
rows the one-by-one path writes (inside a transaction), awkward ids included, and complete a
partial import as before."""

from __future__ import annotations

import csv
import threading
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from mlmodels.data import CsvColumns
from tasks import attempts_import as ai
from tasks.models import PracticeTask

pytestmark = pytest.mark.django_db(transaction=True)  # the writers' connections see commits only

HEADER = ["user_id", "item_id", "skill_id", "correct", "rt_ms", "rt_usable", "position"]
FIELDS = (
    "student__username",
    "task__external_id",
    "task__topic__name",
    "status",
    "assigned_at",
    "shown_at",
    "answered_at",
    "is_correct",
    "seconds_taken",
    "external_key",
    "answer",
    "answer_text",
    "hints_used",
    "assigned_p_correct",
    "assigned_seconds",
    "assigned_source",
    "assigned_version",
    "assigned_alternatives",
)


def awkward_file(path: Path) -> Path:
    """Ids with a tab, a backslash, a comma, a quote and accents; empty, unusable and fractional
    times; 5 students × 11 items."""
    users = ["ann", "b\\ob", "c\ty", 'd"an', "élodie"]
    with open(path, "w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(HEADER)
        for u, user in enumerate(users):
            for k in range(11):
                item = f"q{k}" if k % 4 else f"q,{k}\\n"
                ms = ["", "1500", "2500.25", "0"][(u + k) % 4]
                usable = "0" if (u, k) == (1, 3) else "1"
                out.writerow([user, item, f"s{k % 3}", (u + k) % 2, ms, usable, k + 1])
    return path


def imported(source: str) -> list[tuple[Any, ...]]:
    rows = PracticeTask.objects.filter(source=source).values_list(*FIELDS)
    return sorted(
        (username.removeprefix(f"{source}."), item, topic.removesuffix(f" ({source})"), *rest)
        for username, item, topic, *rest in rows
    )


def do_import(path: Path, source: str, **options: Any) -> ai.AttemptImportSummary:
    return ai.do_import_attempts(
        path=path, columns=CsvColumns(order="position"), source=source, batch_size=7, **options
    )


@pytest.fixture
def parallel_calls(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the imports that took the parallel path (which still runs as written)."""
    calls: list[int] = []
    original = ai._write_in_parallel

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(ai, "_write_in_parallel", counted)
    return calls


def test_it_writes_the_same_rows_as_the_one_by_one_path(
    tmp_path: Path, parallel_calls: list[int]
) -> None:
    path = awkward_file(tmp_path / "a.csv")

    first = do_import(path, "par")
    assert parallel_calls == ([1] if connection.vendor == "postgresql" else [])
    do_import(path, "one", atomic=True)  # one transaction: the one-by-one path

    assert first.attempts_created == 55
    assert imported("par") == imported("one")
    assert len(imported("par")) == 55
    keys = set(PracticeTask.objects.filter(source="par").values_list("external_key", flat=True))
    assert {"c\ty|q1|2", "b\\ob|q,0\\n|1", 'd"an|q2|3'} <= keys


def test_it_completes_a_partial_import_and_then_skips_everything(tmp_path: Path) -> None:
    path = awkward_file(tmp_path / "a.csv")
    do_import(path, "par")
    expected = imported("par")
    # Gone: whole batches (several in a row) and some rows of others.
    ids = list(
        PracticeTask.objects.filter(source="par").order_by("id").values_list("id", flat=True)
    )
    gone = ids[:14] + ids[20:40:3] + ids[49:]
    PracticeTask.objects.filter(id__in=gone).delete()

    again = do_import(path, "par")
    assert (again.attempts_created, again.attempts_skipped) == (len(gone), 55 - len(gone))
    assert imported("par") == expected

    third = do_import(path, "par")
    assert (third.attempts_created, third.attempts_skipped) == (0, 55)
    assert imported("par") == expected


def test_it_stops_its_writers_when_the_caller_fails(tmp_path: Path) -> None:
    path = awkward_file(tmp_path / "a.csv")

    def progress(done: int) -> None:
        raise RuntimeError(f"stopped after {done} rows")

    with pytest.raises(RuntimeError, match="stopped after 1 rows"):
        ai.do_import_attempts(
            path=path,
            columns=CsvColumns(order="position"),
            source="par",
            batch_size=1,  # 55 batches
            on_progress=progress,
        )

    assert not [t for t in threading.enumerate() if t.name.startswith("import-attempts-")]
    written = PracticeTask.objects.filter(source="par").count()
    assert 1 <= written < 20  # the batches under way were finished, no new ones begun
