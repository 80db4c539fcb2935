"""The student pages: dashboard, task, result, history and progress."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from tasks.models import PracticeTask, Task, current_streak
from tests.tasks.factories import PracticeTaskFactory, completed_history

pytestmark = pytest.mark.django_db


@pytest.fixture
def alice_client(client: Client, alice: User) -> Client:
    client.force_login(alice)
    return client


def assert_no_inline_code(html: str) -> None:
    assert "style=" not in html and "<style" not in html
    assert not re.search(r"<script(?![^>]*\bsrc=)", html)


def test_it_shows_pending_tasks_with_predictions_on_the_dashboard(
    alice_client: Client, alices_numeric: PracticeTask, alices_choice: PracticeTask
) -> None:
    html = alice_client.get("/").content.decode()
    assert alices_numeric.task.title in html and alices_choice.task.title in html
    assert "Your chance" in html and "50%" in html  # the default source, no history yet
    assert "Get new tasks" in html and "data-once" in html
    assert 'id="model-status"' in html and "Your predictions update" in html
    # Model names, versions, AUC and the retraining counter are for staff only.
    assert "Predictions from practice averages" not in html and "AUC" not in html
    for link in ("/history/", "/progress/"):
        assert f'href="{link}"' in html
    assert_no_inline_code(html)


def test_it_shows_streak_and_totals_on_the_dashboard(
    alice_client: Client, alice: User, numeric_task: Task
) -> None:
    now = timezone.now()
    for days_ago in (0, 1, 2, 4):
        PracticeTaskFactory(
            student=alice,
            task=numeric_task,
            completed=True,
            assigned_at=now - timedelta(days=days_ago, minutes=5),
            is_correct=days_ago != 4,
        )
    html = alice_client.get("/").content.decode()
    assert re.search(r'id="streak">\s*3 days', html)
    assert re.search(r'id="total-completed">\s*4<', html)
    assert "75%" in html


def test_it_renders_the_task_page_with_math_a_timer_and_the_right_inputs(
    alice_client: Client,
    alices_numeric: PracticeTask,
    alices_choice: PracticeTask,
    alices_self: PracticeTask,
) -> None:
    numeric = alice_client.get(f"/practice/{alices_numeric.pk}/").content.decode()
    assert "<math" in numeric and 'inputmode="text"' in numeric and ">s</span>" in numeric
    # The field says which unit it expects, and that others are converted.
    assert "Your answer in s" in numeric and "e.g. ms" in numeric
    alices_numeric.refresh_from_db()
    assert f'data-shown-at="{alices_numeric.shown_at.isoformat()}"' in numeric
    assert "data-server-now=" in numeric and "tasks/practice.js" in numeric
    choice = alice_client.get(f"/practice/{alices_choice.pk}/").content.decode()
    assert choice.count('type="radio"') == 4
    self_page = alice_client.get(f"/practice/{alices_self.pk}/").content.decode()
    assert "Reveal solution" in self_page and "I got it right" in self_page
    assert self_page.count("data-once") == 3  # right, wrong, skip
    for html in (numeric, choice, self_page):
        assert_no_inline_code(html)
        assert "correct_option" not in html


def test_it_hides_the_solution_of_non_self_tasks_until_completed(
    alice_client: Client, numeric_task: Task, alices_numeric: PracticeTask
) -> None:
    numeric_task.solution = "The secret worked solution."
    numeric_task.save()
    html = alice_client.get(f"/practice/{alices_numeric.pk}/").content.decode()
    assert "secret worked solution" not in html and "2.02" not in html


def test_it_shows_the_result_with_solution_times_and_a_tutor_link(
    alice_client: Client, alice: User, numeric_task: Task
) -> None:
    numeric_task.concept = "free fall & drag"
    numeric_task.save()
    item = PracticeTaskFactory(
        student=alice, task=numeric_task, completed=True, seconds_taken=75.0, answer="2.5"
    )
    html = alice_client.get(f"/practice/{item.pk}/result/").content.decode()
    assert "Correct!" in html
    assert "2.5 s" in html and "2.02 s" in html  # their answer and the right one
    assert "1 min 15 s" in html and "expected about 1 min 20 s" in html
    # In plain words; the source that predicted it is for staff only.
    assert "about 6 in 10 students at your level get this right" in html
    assert "(average" not in html
    # The tutor opens on this practice task (it explains the solution and the mistake).
    assert f'href="/tutor/?practice_task={item.pk}"' in html
    assert "Ask the tutor about this task" in html
    assert html.count("<math") >= 2  # statement and worked solution
    assert_no_inline_code(html)


def test_it_sends_pending_and_completed_tasks_to_the_right_page(
    alice_client: Client, alice: User, numeric_task: Task, alices_choice: PracticeTask
) -> None:
    done = PracticeTaskFactory(student=alice, task=numeric_task, completed=True)
    assert alice_client.get(f"/practice/{done.pk}/")["Location"] == f"/practice/{done.pk}/result/"
    response = alice_client.get(f"/practice/{alices_choice.pk}/result/")
    assert response["Location"] == f"/practice/{alices_choice.pk}/"


def test_it_paginates_the_history(alice_client: Client, alice: User, bank: list[Task]) -> None:
    completed_history(alice, bank, 25)
    first = alice_client.get("/history/").content.decode()
    assert first.count('class="mark ') == 20 and "Page 1 of 2" in first
    second = alice_client.get("/history/?page=2").content.decode()
    assert second.count('class="mark ') == 5
    assert alice_client.get("/history/?page=abc").status_code == 200
    assert_no_inline_code(first)


def test_it_draws_the_progress_charts_as_svg(
    alice_client: Client, alice: User, bank: list[Task]
) -> None:
    completed_history(alice, bank, 40)
    html = alice_client.get("/progress/").content.decode()
    # Each chart twice, wide and compact (the page shows one by screen width) …
    assert html.count("<svg") == 6 and html.count('class="chart compact"') == 3
    assert "Accuracy per topic" in html and "Predicted vs actual" in html
    assert html.count("<polyline") == 4
    # … with its numbers as a table, and a description, for whoever cannot see it.
    assert html.count('class="chart-data"') == 2 and html.count("<desc") == 6
    assert_no_inline_code(html)


def test_it_draws_empty_charts_for_a_new_student(alice_client: Client) -> None:
    html = alice_client.get("/progress/").content.decode()
    assert html.count("<svg") == 6 and "No completed tasks yet." in html


def test_it_keeps_anonymous_visitors_out(client: Client, alices_numeric: PracticeTask) -> None:
    for path in ("/", "/history/", "/progress/", f"/practice/{alices_numeric.pk}/"):
        response = client.get(path)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_it_shows_only_the_students_own_data(
    client: Client, bob: User, alice: User, bank: list[Task]
) -> None:
    completed_history(alice, bank, 5)
    PracticeTaskFactory(student=alice, task=bank[6])
    client.force_login(bob)
    for path in ("/", "/history/", "/progress/"):
        assert bank[6].title not in client.get(path).content.decode()
    assert "Nothing completed yet" in client.get("/history/").content.decode()


@pytest.mark.parametrize(
    ("days", "expected"),
    [
        ([], 0),
        ([0], 1),
        ([1, 2, 3], 3),  # today isn't over: a streak up to yesterday still counts
        ([0, 1, 2, 4, 5], 3),
        ([2, 3], 0),
    ],
)
def test_it_counts_consecutive_days_as_the_streak(days: list[int], expected: int) -> None:
    today = date(2026, 3, 10)
    assert current_streak([today - timedelta(d) for d in days], today=today) == expected
