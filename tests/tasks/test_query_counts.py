"""Every page and list runs a bounded number of queries, however long the student's history:
the same bound holds at 5 and at 200 completed attempts (no N+1)."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from tasks.models import PracticeTask, Task
from tests.tasks.factories import PracticeTaskFactory, completed_history

pytestmark = pytest.mark.django_db

# Measured with a cold prediction cache (the worst case): session and user (2), the page's own
# reads, and predict_many / models_health. The student models own that last part (a few
# queries, plus 1-3 for the database cache of the embedded defaults; these tests use a local
# memory cache) and may still grow, so pages that predict get headroom for it. What matters
# is that one bound holds at both history sizes.
PREDICTION_HEADROOM = 10
# The colour theme: logging in puts it in the session; these tests' force_login does not, so
# each page reads it once (studysmart/context_processors.py).
THEME = 1
BOUNDS = {
    "dashboard": 9 + THEME + PREDICTION_HEADROOM,  # pending, recent, streak days, totals, topics
    "practice": 4 + THEME + PREDICTION_HEADROOM,  # the task, marking it shown
    "result": 5 + THEME,  # the task, the next pending one
    "history": 5 + THEME,  # count and page
    "progress": 6 + THEME,  # per topic, outcomes, totals
    "api-list": 4 + PREDICTION_HEADROOM,  # the page, the total
    "api-detail": 4 + PREDICTION_HEADROOM,
}


@pytest.fixture(params=[5, 200], ids=["history-5", "history-200"])
def busy_alice(request: pytest.FixtureRequest, alice: User, bank: list[Task]) -> dict[str, Any]:
    completed = completed_history(alice, bank, request.param)
    pending = [PracticeTaskFactory(student=alice, task=t) for t in bank[:8]]
    return {"result": completed[-1], "pending": pending}


def paths(data: dict[str, Any]) -> dict[str, str]:
    pending: PracticeTask = data["pending"][0]
    return {
        "dashboard": "/",
        "practice": f"/practice/{pending.pk}/",
        "result": f"/practice/{data['result'].pk}/result/",
        "history": "/history/?page=2",
        "progress": "/progress/",
        "api-list": "/api/practice-tasks/",
        "api-detail": f"/api/practice-tasks/{data['pending'][1].pk}/",
    }


@pytest.mark.parametrize("page", list(BOUNDS))
def test_it_runs_a_bounded_number_of_queries(
    client: Client,
    alice: User,
    busy_alice: dict[str, Any],
    page: str,
    django_assert_max_num_queries: Any,
) -> None:
    client.force_login(alice)
    with django_assert_max_num_queries(BOUNDS[page]):
        response = client.get(paths(busy_alice)[page])
    assert response.status_code == 200
