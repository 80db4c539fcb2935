from __future__ import annotations

import time
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command

from tasks.models import PracticeTask, Task, Topic


@pytest.mark.shared_data
@pytest.mark.django_db
def test_it_imports_the_amsterdam_chess_test_once(shared_data_dir: Path) -> None:
    path = shared_data_dir / "lnirt_amsterdamchess_long.csv"
    started = time.perf_counter()

    call_command(
        "import_attempts",
        str(path),
        "--order-col",
        "position",
        "--source",
        "chess",
        stdout=StringIO(),
    )

    assert PracticeTask.objects.filter(source="chess").count() == 10_240
    assert User.objects.filter(username__startswith="chess.").count() == 256
    assert Task.objects.filter(source="chess").count() == 40
    assert sorted(Topic.objects.filter(source="chess").values_list("slug", flat=True)) == [
        "chess-endgame",
        "chess-positional",
        "chess-tactical",
    ]
    assert Task.objects.get(source="chess", external_id="25").topic.slug == "chess-positional"
    timed = PracticeTask.objects.filter(source="chess", seconds_taken__isnull=False)
    assert timed.count() > 10_000
    assert not Task.objects.assignable().filter(source="chess").exists()

    out = StringIO()
    call_command(
        "import_attempts", str(path), "--order-col", "position", "--source", "chess", stdout=out
    )

    assert "attempts  created 0, skipped (already imported) 10,240" in out.getvalue()
    assert PracticeTask.objects.count() == 10_240
    assert User.objects.count() == 256 and Task.objects.count() == 40
    assert time.perf_counter() - started < 30
