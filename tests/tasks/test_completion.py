"""Completing a practice task: grading, server-side timing, one completion only, bad input."""

from __future__ import annotations

import math
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import transaction
from django.test import Client
from django.utils import timezone

from mlmodels.models import TrainingTracker
from tasks import services
from tasks.models import PracticeTask
from tests.tasks.factories import PracticeTaskFactory, TaskFactory

pytestmark = pytest.mark.django_db


def complete(item: PracticeTask, student: User, **kwargs: Any) -> services.CompletionResult:
    return services.complete_practice_task(practice_task_id=item.pk, student=student, **kwargs)


def snapshot(item: PracticeTask) -> tuple[Any, ...]:
    item.refresh_from_db()
    return (item.status, item.shown_at, item.answered_at, item.answer, item.is_correct,
            item.seconds_taken)  # fmt: skip


@pytest.mark.parametrize(
    ("answer", "correct"),
    [(2.02, True), (2.05, True), (2, True), (2.1, False), (-2.02, False), (0, False)],
)
def test_it_grades_numeric_answers_with_the_relative_tolerance(
    alice: User, alices_numeric: PracticeTask, answer: float, correct: bool
) -> None:
    result = complete(alices_numeric, alice, answer=answer)
    assert result.is_correct is correct
    alices_numeric.refresh_from_db()
    assert alices_numeric.status == PracticeTask.Status.COMPLETED
    assert alices_numeric.is_correct is correct
    assert float(alices_numeric.answer) == answer


def test_it_grades_choice_and_self_assessed_answers(
    alice: User, alices_choice: PracticeTask, alices_self: PracticeTask
) -> None:
    assert complete(alices_choice, alice, answer="c").is_correct is False
    assert complete(alices_self, alice, self_assessed_correct=True).is_correct is True
    alices_choice.refresh_from_db()
    assert (alices_choice.answer, alices_choice.is_correct) == ("c", False)


def test_it_measures_the_time_on_the_server_from_first_shown(
    alice: User, alices_numeric: PracticeTask
) -> None:
    shown = timezone.now() - timedelta(seconds=95)
    PracticeTask.objects.filter(pk=alices_numeric.pk).update(shown_at=shown, status="shown")
    result = complete(alices_numeric, alice, answer=2.02)
    assert 95 <= result.seconds_taken < 97
    alices_numeric.refresh_from_db()
    assert alices_numeric.shown_at == shown
    assert alices_numeric.answered_at - shown == timedelta(seconds=result.seconds_taken) or (
        abs((alices_numeric.answered_at - shown).total_seconds() - result.seconds_taken) < 0.01
    )


def test_it_refuses_to_complete_a_task_that_was_never_shown(alice: User) -> None:
    # Completing without the fetch that starts the clock would time the task at 0 s.
    item = PracticeTaskFactory(student=alice, task=TaskFactory(numeric_answer=2.0))
    with pytest.raises(services.NotShown):
        complete(item, alice, answer=2.0)
    item.refresh_from_db()
    assert item.status == "assigned" and item.shown_at is None and item.answered_at is None


def test_it_refuses_a_second_submit_and_keeps_the_first_outcome(
    alice: User, alices_numeric: PracticeTask
) -> None:
    complete(alices_numeric, alice, answer=2.02)
    first = snapshot(alices_numeric)
    with pytest.raises(services.AlreadyCompleted) as refused:
        complete(alices_numeric, alice, answer=99.0)
    assert refused.value.practice_task.is_correct is True
    assert snapshot(alices_numeric) == first


def test_it_completes_once_when_the_row_was_completed_meanwhile(
    alice: User, alices_numeric: PracticeTask, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The race the conditional UPDATE guards: another request completes the task between our
    # read and our write. Ours must change nothing and report "already completed".
    real_check = services.check_answer

    def racing_check(**kwargs: Any) -> tuple[bool, str]:
        PracticeTask.objects.filter(pk=alices_numeric.pk).update(
            status="completed", is_correct=False, answer="1.0", answered_at=timezone.now()
        )
        return real_check(**kwargs)

    monkeypatch.setattr(services, "check_answer", racing_check)
    calls = []
    monkeypatch.setattr(services, "record_completion", lambda **kw: calls.append(kw))
    with pytest.raises(services.AlreadyCompleted):
        complete(alices_numeric, alice, answer=2.02)
    # (The simulated rival write shares our transaction, so the rollback undoes it too; what
    # matters is that our UPDATE matched nothing and nothing was reported.)
    alices_numeric.refresh_from_db()
    assert alices_numeric.answer != "2.02"
    assert calls == []


def test_it_tells_the_student_models_inside_the_transaction(
    alice: User, alices_numeric: PracticeTask, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[tuple[int, bool, str]] = []

    def record(*, practice_task: PracticeTask) -> None:
        in_atomic = transaction.get_connection().in_atomic_block
        seen.append((practice_task.pk, in_atomic, practice_task.status))

    monkeypatch.setattr(services, "record_completion", record)
    complete(alices_numeric, alice, answer=2.02)
    assert seen == [(alices_numeric.pk, True, "completed")]


def test_it_completes_in_a_handful_of_queries(
    alice: User, alices_numeric: PracticeTask, django_assert_max_num_queries: Any
) -> None:
    # The tracker row a migration creates (a test database flushed by an earlier
    # transactional test has none, and creating it costs queries of its own).
    TrainingTracker.get()
    with django_assert_max_num_queries(8):
        complete(alices_numeric, alice, answer=2.02)


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"answer": None},
        {"answer": "2.02 m"},
        {"answer": "2,02"},
        {"answer": True},
        {"answer": math.nan},
        {"answer": math.inf},
        {"answer": 10**400},
        {"answer": [2.02]},
        {"self_assessed_correct": True},
    ],
)
def test_it_refuses_bad_numeric_answers_and_changes_nothing(
    alice: User, alices_numeric: PracticeTask, kwargs: dict[str, Any]
) -> None:
    before = snapshot(alices_numeric)
    with pytest.raises(services.InvalidAnswer) as refused:
        complete(alices_numeric, alice, **kwargs)
    assert refused.value.message
    assert snapshot(alices_numeric) == before


@pytest.mark.parametrize("answer", ["z", "A", 1, None, ""])
def test_it_refuses_unknown_options(
    alice: User, alices_choice: PracticeTask, answer: object
) -> None:
    with pytest.raises(services.InvalidAnswer, match="option" if answer is not None else None):
        complete(alices_choice, alice, answer=answer)
    assert not PracticeTask.objects.get(pk=alices_choice.pk).is_completed


@pytest.mark.parametrize(
    "kwargs",
    [{}, {"self_assessed_correct": 1}, {"self_assessed_correct": "true"}, {"answer": "x"}],
)
def test_it_refuses_self_assessments_that_are_not_booleans(
    alice: User, alices_self: PracticeTask, kwargs: dict[str, Any]
) -> None:
    with pytest.raises(services.InvalidAnswer):
        complete(alices_self, alice, **kwargs)
    assert not PracticeTask.objects.get(pk=alices_self.pk).is_completed


def test_it_does_not_let_bob_complete_alices_task(bob: User, alices_numeric: PracticeTask) -> None:
    before = snapshot(alices_numeric)
    with pytest.raises(PracticeTask.DoesNotExist):
        complete(alices_numeric, bob, answer=2.02)
    assert snapshot(alices_numeric) == before


# --- through the pages ------------------------------------------------------------------------


def test_it_completes_a_numeric_task_through_the_page(
    client: Client, alice: User, alices_numeric: PracticeTask
) -> None:
    client.force_login(alice)
    assert client.get(f"/practice/{alices_numeric.pk}/").status_code == 200
    ambiguous = client.post(f"/practice/{alices_numeric.pk}/answer/", {"answer": "2,03"})
    assert ambiguous.status_code == 400
    assert "decimal point or a thousands separator" in ambiguous.content.decode()
    response = client.post(f"/practice/{alices_numeric.pk}/answer/", {"answer": " 2030 ms "})
    assert response.status_code == 302
    assert response["Location"] == f"/practice/{alices_numeric.pk}/result/"
    alices_numeric.refresh_from_db()
    assert alices_numeric.is_correct is True
    # What the student typed is kept beside its value in the task's unit.
    assert (alices_numeric.answer_text, float(alices_numeric.answer)) == ("2030 ms", 2.03)
    page = client.get(response["Location"]).content.decode()
    assert "Correct!" in page and "2030 ms (= 2.03 s)" in page


def test_it_completes_choice_and_self_assessed_tasks_through_the_page(
    client: Client, alice: User, alices_choice: PracticeTask, alices_self: PracticeTask
) -> None:
    client.force_login(alice)
    client.post(f"/practice/{alices_choice.pk}/answer/", {"answer": "b"})
    client.post(f"/practice/{alices_self.pk}/answer/", {"self_assessed_correct": "false"})
    alices_choice.refresh_from_db()
    alices_self.refresh_from_db()
    assert (alices_choice.is_correct, alices_self.is_correct) == (True, False)
    assert "Not this time" in client.get(f"/practice/{alices_self.pk}/result/").content.decode()


def test_it_completes_once_on_a_double_click(
    client: Client, alice: User, alices_numeric: PracticeTask, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[int] = []
    monkeypatch.setattr(
        services, "record_completion", lambda *, practice_task: calls.append(practice_task.pk)
    )
    client.force_login(alice)
    first = client.post(f"/practice/{alices_numeric.pk}/answer/", {"answer": "2.02"})
    after_first = snapshot(alices_numeric)
    second = client.post(f"/practice/{alices_numeric.pk}/answer/", {"answer": "7"})
    assert first.status_code == second.status_code == 302
    assert second["Location"] == first["Location"]
    assert calls == [alices_numeric.pk]
    assert snapshot(alices_numeric) == after_first
    page = client.get(second["Location"]).content.decode()
    assert "already answered" in page


def test_it_shows_a_clear_error_for_a_bad_answer_on_the_page(
    client: Client, alice: User, alices_numeric: PracticeTask
) -> None:
    client.force_login(alice)
    response = client.post(f"/practice/{alices_numeric.pk}/answer/", {"answer": "two"})
    assert response.status_code == 400
    assert "is not a number" in response.content.decode()
    assert not PracticeTask.objects.get(pk=alices_numeric.pk).is_completed


def test_it_sets_shown_at_on_the_first_page_view_only(
    client: Client, alice: User, alices_numeric: PracticeTask
) -> None:
    client.force_login(alice)
    client.get(f"/practice/{alices_numeric.pk}/")
    alices_numeric.refresh_from_db()
    first_shown = alices_numeric.shown_at
    assert first_shown is not None and alices_numeric.status == "shown"
    client.get(f"/practice/{alices_numeric.pk}/")
    alices_numeric.refresh_from_db()
    assert alices_numeric.shown_at == first_shown


def test_it_hides_alices_task_pages_from_bob(
    client: Client, bob: User, alices_numeric: PracticeTask
) -> None:
    client.force_login(bob)
    for path in ("", "result/"):
        assert client.get(f"/practice/{alices_numeric.pk}/{path}").status_code == 404
    assert client.post(f"/practice/{alices_numeric.pk}/answer/", {"answer": "2"}).status_code == 404
    alices_numeric.refresh_from_db()
    assert alices_numeric.status == "shown" and not alices_numeric.is_completed
