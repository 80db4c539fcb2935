from __future__ import annotations

import csv
from datetime import UTC, datetime, timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.management import CommandError, call_command

from tasks.attempts_import import SYNTHETIC_EPOCH, SYNTHETIC_STEP, imported_username
from tasks.models import PracticeTask, Task, Topic

HEADER = ["user_id", "item_id", "position", "correct", "rt_sec", "skill_id", "rt_ms", "rt_usable"]


def attempt_rows() -> list[list[str]]:
    """3 students × 4 items in 2 skills; bob's time on item 3 is flagged unusable."""
    items = [("1", "kinematics"), ("2", "kinematics"), ("3", "waves"), ("4", "waves")]
    rows = []
    for user, offset in (("ann", 0), ("bob", 1), ("cy", 2)):
        for position, (item, skill) in enumerate(items, start=1):
            correct = str((position + offset) % 2)
            ms = 1000 * (10 + position + offset)
            usable = "0" if (user, item) == ("bob", "3") else "1"
            rows.append(
                [user, item, str(position), correct, str(ms / 1000), skill, f"{ms}.0", usable]
            )
    return rows


def write_csv(path: Path, rows: list[list[str]], header: list[str] = HEADER) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def run(*args: str) -> str:
    out = StringIO()
    call_command("import_attempts", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def attempts_csv(tmp_path: Path) -> Path:
    return write_csv(tmp_path / "school.csv", attempt_rows())


@pytest.mark.django_db
def test_it_imports_users_topics_tasks_and_attempts(attempts_csv: Path) -> None:
    out = run(str(attempts_csv), "--source", "gen")

    assert "12 rows" in out and "rows/s" in out
    users = User.objects.filter(username__startswith="gen.")
    assert sorted(users.values_list("username", flat=True)) == ["gen.ann", "gen.bob", "gen.cy"]
    assert not any(u.has_usable_password() for u in users)
    topics = Topic.objects.filter(source="gen")
    assert sorted(topics.values_list("slug", flat=True)) == ["gen-kinematics", "gen-waves"]
    tasks = Task.objects.filter(source="gen")
    assert sorted(tasks.values_list("external_id", flat=True)) == ["1", "2", "3", "4"]
    assert all(t.statement == "" and t.difficulty == "" for t in tasks)
    assert tasks.get(external_id="3").topic.slug == "gen-waves"

    attempts = PracticeTask.objects.filter(source="gen")
    assert attempts.count() == 12
    assert set(attempts.values_list("status", flat=True)) == {PracticeTask.Status.COMPLETED}
    ann_1 = attempts.get(student__username="gen.ann", task__external_id="1")
    assert ann_1.is_correct is True
    assert ann_1.seconds_taken == pytest.approx(11.0)
    assert ann_1.external_key == "ann|1|1"
    bob_3 = attempts.get(student__username="gen.bob", task__external_id="3")
    assert bob_3.seconds_taken is None  # rt_usable = 0
    assert bob_3.is_correct is False


@pytest.mark.django_db
def test_it_dates_attempts_by_position_preserving_the_order(attempts_csv: Path) -> None:
    run(str(attempts_csv), "--source", "gen")

    answered = list(
        PracticeTask.objects.filter(student__username="gen.cy")
        .order_by("answered_at")
        .values_list("task__external_id", "answered_at")
    )
    assert [item for item, _ in answered] == ["1", "2", "3", "4"]
    assert answered[0][1] == SYNTHETIC_EPOCH + 1 * SYNTHETIC_STEP
    first = PracticeTask.objects.get(student__username="gen.cy", task__external_id="1")
    assert first.answered_at - first.shown_at == timedelta(seconds=13)


@pytest.mark.django_db
def test_it_is_idempotent_on_a_rerun(attempts_csv: Path) -> None:
    run(str(attempts_csv), "--source", "gen")
    counts = (User.objects.count(), Topic.objects.count(), Task.objects.count())

    out = run(str(attempts_csv), "--source", "gen")

    assert (User.objects.count(), Topic.objects.count(), Task.objects.count()) == counts
    assert PracticeTask.objects.count() == 12
    assert "attempts  created 0, skipped (already imported) 12" in out


@pytest.mark.django_db
def test_it_resumes_an_interrupted_import(attempts_csv: Path) -> None:
    run(str(attempts_csv), "--source", "gen")
    PracticeTask.objects.filter(student__username="gen.cy").delete()

    out = run(str(attempts_csv), "--source", "gen")

    assert "attempts  created 4, skipped (already imported) 8" in out
    assert PracticeTask.objects.filter(source="gen").count() == 12


@pytest.mark.django_db
def test_it_keeps_sources_apart(attempts_csv: Path) -> None:
    run(str(attempts_csv), "--source", "one")
    run(str(attempts_csv), "--source", "two")

    assert PracticeTask.objects.count() == 24
    assert Task.objects.filter(external_id="1").count() == 2
    assert User.objects.filter(username__in=["one.ann", "two.ann"]).count() == 2


@pytest.mark.django_db
def test_it_uses_the_file_stem_as_the_default_source(attempts_csv: Path) -> None:
    run(str(attempts_csv))

    assert PracticeTask.objects.filter(source="school").count() == 12
    assert User.objects.filter(username="school.ann").exists()


@pytest.mark.django_db
def test_it_rejects_a_broken_file_naming_every_bad_line(tmp_path: Path) -> None:
    rows = attempt_rows()
    rows[5][3] = "2"  # line 7: correct must be 0/1
    rows[6][6] = ""  # line 8: a missing time is fine
    rows[7][6] = "-500"  # line 9: a negative time is not
    rows[9][2] = "first"  # line 11: the order is not a number
    path = write_csv(tmp_path / "broken.csv", rows)

    with pytest.raises(CommandError) as excinfo:
        run(str(path), "--source", "gen")

    message = str(excinfo.value)
    assert "3 problems; nothing was imported" in message
    assert "line 7: correct must be 0 or 1, got '2'" in message
    assert "line 9: rt_ms must not be negative, got '-500'" in message
    assert "line 11: position: must be a number" in message
    assert "line 8" not in message
    assert not PracticeTask.objects.exists()
    assert not User.objects.exists() and not Task.objects.exists() and not Topic.objects.exists()


@pytest.mark.django_db
def test_it_reports_non_numeric_times_and_short_rows(tmp_path: Path) -> None:
    rows = attempt_rows()
    rows[0][6] = "fast"  # line 2
    rows[1] = rows[1][:5]  # line 3: too few fields
    path = write_csv(tmp_path / "broken.csv", rows)

    with pytest.raises(CommandError) as excinfo:
        run(str(path), "--source", "gen")

    assert "line 2: rt_ms must be a number, got 'fast'" in str(excinfo.value)
    assert "line 3: expected 8 fields, found 5" in str(excinfo.value)
    assert not PracticeTask.objects.exists()


@pytest.mark.django_db
def test_it_caps_the_error_list(tmp_path: Path) -> None:
    rows = [[*r[:3], "x", *r[4:]] for r in attempt_rows()]
    path = write_csv(tmp_path / "broken.csv", rows)

    with pytest.raises(CommandError) as excinfo:
        run(str(path), "--source", "gen", "--max-errors", "5")

    assert "12 problems" in str(excinfo.value)
    assert "… and 7 more" in str(excinfo.value)


@pytest.mark.django_db
def test_it_rejects_a_file_missing_a_required_column(tmp_path: Path) -> None:
    header = [h for h in HEADER if h != "correct"]
    rows = [[v for h, v in zip(HEADER, r, strict=True) if h != "correct"] for r in attempt_rows()]
    path = write_csv(tmp_path / "nocorrect.csv", rows, header)

    with pytest.raises(CommandError, match="line 1: missing column 'correct'"):
        run(str(path), "--source", "gen")
    assert not PracticeTask.objects.exists() and not User.objects.exists()


@pytest.mark.django_db
def test_it_rejects_an_explicitly_named_column_that_is_absent(attempts_csv: Path) -> None:
    with pytest.raises(CommandError, match="missing column 'concept'"):
        run(str(attempts_csv), "--source", "gen", "--topic-col", "concept")


@pytest.mark.django_db
def test_it_rejects_duplicate_attempts_in_one_file(tmp_path: Path) -> None:
    rows = attempt_rows()
    path = write_csv(tmp_path / "dup.csv", [*rows, rows[0]])

    with pytest.raises(CommandError, match="line 14: the same attempt as line 2"):
        run(str(path), "--source", "gen")


@pytest.mark.django_db
def test_it_maps_columns_with_seconds_and_timestamps(tmp_path: Path) -> None:
    header = ["student", "question", "concept", "ok", "secs", "when"]
    rows = [
        ["s-1", "q1", "optics", "true", "12.5", "2024-03-01T10:00:00Z"],
        ["s-1", "q2", "optics", "0", "", "2024-03-01 10:05:00"],
        ["s 2", "q1", "optics", "1", "7", "1709287200"],
    ]
    path = write_csv(tmp_path / "other.csv", rows, header)

    out = run(
        str(path),
        *("--user-col", "student", "--item-col", "question", "--topic-col", "concept"),
        *("--correct-col", "ok", "--time-col", "secs", "--time-unit", "s"),
        *("--timestamp-col", "when", "--source", "lms"),
    )

    assert "3 rows" in out
    first = PracticeTask.objects.get(student__username="lms.s-1", task__external_id="q1")
    assert first.seconds_taken == pytest.approx(12.5)
    assert first.answered_at == datetime(2024, 3, 1, 10, 0, tzinfo=UTC)
    second = PracticeTask.objects.get(student__username="lms.s-1", task__external_id="q2")
    assert second.seconds_taken is None and second.is_correct is False
    assert second.answered_at == datetime(2024, 3, 1, 10, 5, tzinfo=UTC)
    # "s 2" has a space, which a username may not hold: a readable, hashed, valid username.
    odd = User.objects.get(username=imported_username(source="lms", user="s 2"))
    UnicodeUsernameValidator()(odd.username)
    assert PracticeTask.objects.get(student=odd).answered_at == datetime(
        2024, 3, 1, 10, 0, tzinfo=UTC
    )
    assert Topic.objects.get(source="lms").slug == "lms-optics"


@pytest.mark.django_db
def test_it_rejects_a_bad_timestamp(tmp_path: Path) -> None:
    rows = [["a", "1", "1", "yesterday"], ["a", "2", "1", "2024-01-01T00:00:00"]]
    path = write_csv(tmp_path / "t.csv", rows, ["user_id", "item_id", "correct", "at"])

    with pytest.raises(CommandError, match=r"line 2: at: not an ISO-8601 date-time"):
        run(str(path), "--timestamp-col", "at")


@pytest.mark.django_db
def test_it_uses_the_file_order_without_order_or_time_columns(tmp_path: Path) -> None:
    rows = [["a", "1", "1"], ["a", "2", "0"], ["a", "1", "1"]]
    path = write_csv(tmp_path / "bare.csv", rows, ["user_id", "item_id", "correct"])

    run(str(path), "--source", "bare")

    attempts = list(PracticeTask.objects.order_by("answered_at"))
    assert [a.external_key for a in attempts] == ["a|1|line2", "a|2|line3", "a|1|line4"]
    assert all(a.seconds_taken is None for a in attempts)
    assert Topic.objects.get().slug == "bare-unspecified"


@pytest.mark.django_db
def test_it_writes_nothing_on_a_dry_run(attempts_csv: Path) -> None:
    out = run(str(attempts_csv), "--source", "gen", "--dry-run")

    assert "would create 12" in out and "users     would create 3" in out
    assert not PracticeTask.objects.exists() and not User.objects.exists()


@pytest.mark.django_db
def test_it_imports_atomically_in_small_batches(attempts_csv: Path) -> None:
    out = run(str(attempts_csv), "--source", "gen", "--batch-size", "5", "--atomic")

    assert "attempts  created 12" in out
    assert PracticeTask.objects.filter(source="gen").count() == 12


@pytest.mark.django_db
def test_it_does_not_make_imported_tasks_assignable(attempts_csv: Path) -> None:
    topic = Topic.objects.create(slug="waves", name="Waves")
    bank = Task.objects.create(
        topic=topic, slug="waves-easy-1", difficulty="easy", statement="x", answer_kind="self"
    )

    run(str(attempts_csv), "--source", "gen")

    assert list(Task.objects.assignable()) == [bank]
    assert Task.objects.imported().count() == 4


@pytest.mark.django_db
def test_it_refuses_a_topic_slug_owned_by_the_question_bank(attempts_csv: Path) -> None:
    Topic.objects.create(slug="gen-waves", name="Waves")

    with pytest.raises(CommandError, match="'gen-waves' already belongs to the question bank"):
        run(str(attempts_csv), "--source", "gen")
    assert not PracticeTask.objects.exists()


@pytest.mark.django_db
def test_it_rejects_an_invalid_source_name(attempts_csv: Path) -> None:
    with pytest.raises(CommandError, match="source 'my school'"):
        run(str(attempts_csv), "--source", "my school")
