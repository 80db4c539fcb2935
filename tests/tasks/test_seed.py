from __future__ import annotations

import time

import pytest
from django.conf import settings
from django.contrib.auth.models import User

from studysmart import services as accounts_services
from tasks import demo, services
from tasks.content import Bank, load_bank
from tasks.models import PracticeTask, Task, Topic

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def bank() -> Bank:
    return load_bank(settings.CONTENT_DIR)


def test_it_seeds_the_bank_students_and_history_quickly(bank: Bank) -> None:
    accounts_services.seed_demo()
    started = time.perf_counter()
    services.seed_demo(bank=bank)
    elapsed = time.perf_counter() - started
    assert Topic.objects.count() == len(bank.topics)
    assert Task.objects.count() == len(bank.tasks) == 153
    sims = User.objects.filter(username__startswith="sim-")
    assert sims.count() == len(demo.SIMULATED_STUDENTS)
    assert not any(u.has_usable_password() for u in sims)
    completed = PracticeTask.objects.completed()
    assert 600 <= completed.filter(student__in=sims).count() <= 800
    assert completed.filter(student__username="student").exists()
    assert elapsed < 3.0


def test_it_creates_realistic_history_with_frozen_predictions(bank: Bank) -> None:
    services.seed_demo(bank=bank)
    rows = list(PracticeTask.objects.completed().select_related("task"))
    accuracy = sum(r.is_correct for r in rows) / len(rows)
    assert 0.45 < accuracy < 0.85
    by_level = {
        level: [r for r in rows if r.task.difficulty == level] for level in ("easy", "hard")
    }
    easy = sum(r.is_correct for r in by_level["easy"]) / len(by_level["easy"])
    hard = sum(r.is_correct for r in by_level["hard"]) / len(by_level["hard"])
    assert easy > hard + 0.15
    assert all(r.shown_at <= r.answered_at for r in rows)
    assert all(r.seconds_taken and r.seconds_taken > 0 for r in rows)
    assert {r.assigned_source for r in rows} == {"average", "default"}
    assert all(r.assigned_p_correct is not None for r in rows)


def test_it_creates_nothing_new_on_a_second_run_and_keeps_changed_text(bank: Bank) -> None:
    services.seed_demo(bank=bank)
    counts = (Topic.objects.count(), Task.objects.count(), PracticeTask.objects.count())
    users = User.objects.count()
    task = Task.objects.get(slug=bank.tasks[0].slug)
    task.statement = "edited by hand"
    task.save()
    message = services.seed_demo(bank=bank)
    assert (Topic.objects.count(), Task.objects.count(), PracticeTask.objects.count()) == counts
    assert User.objects.count() == users
    task.refresh_from_db()
    assert task.statement == "edited by hand"
    assert "153 tasks (0 new, 0 updated)" in message
    assert f"kept 1 task changed in the admin: {task.slug}" in message
