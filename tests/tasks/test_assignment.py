"""Adaptive assignment: near the target chance, mixed topics, no pending or recent repeats,
the prediction frozen with every other source's beside it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from mlmodels import services as mlmodels_services
from tasks import services
from tasks.models import PracticeTask, Task
from tests.tasks.factories import (
    PracticeTaskFactory,
    TaskFactory,
    TopicFactory,
    UserFactory,
    completed_history,
)

pytestmark = pytest.mark.django_db


def group_with_accuracy(topic_slug: str, accuracy_tenths: int, *, tasks: int = 2) -> list[Task]:
    """A topic whose medium tasks others answered correctly `accuracy_tenths`/10 of the time:
    the `average` source then predicts exactly that for them."""
    topic = TopicFactory(slug=topic_slug)
    group = [TaskFactory(topic=topic) for _ in range(tasks)]
    history_task = TaskFactory(topic=topic, is_active=False)  # only informs the average
    other = UserFactory()
    rows = completed_history(other, [history_task], 10, correct_every=1)
    for row in rows[accuracy_tenths:]:
        row.is_correct = False
        row.save(update_fields=["is_correct"])
    return group


def test_it_picks_the_task_closest_to_the_target_chance(alice: User) -> None:
    near = group_with_accuracy("near", 7)
    group_with_accuracy("too-hard", 2)
    group_with_accuracy("too-easy", 10)
    [picked] = services.assign_practice_tasks(student=alice, count=1)
    assert picked.task in near
    assert picked.assigned_p_correct == pytest.approx(0.7)


def test_it_reads_the_target_from_settings(alice: User, settings: Any) -> None:
    settings.PRACTICE_TARGET_P_CORRECT = 0.2
    group_with_accuracy("near", 7)
    hard = group_with_accuracy("too-hard", 2)
    [picked] = services.assign_practice_tasks(student=alice, count=1)
    assert picked.task in hard


def test_it_mixes_topics_in_one_batch(alice: User, bank: list[Task]) -> None:
    picked = services.assign_practice_tasks(student=alice, count=5)
    assert len({p.task.topic_id for p in picked}) == 5
    picked = services.assign_practice_tasks(student=alice, count=10)
    topics = [p.task.topic_id for p in picked]
    assert max(topics.count(t) for t in set(topics)) == 2


def test_it_prefers_a_near_match_over_a_new_topic_only_within_reason(alice: User) -> None:
    near = group_with_accuracy("near", 7, tasks=3)
    far = group_with_accuracy("far", 1)
    picked = services.assign_practice_tasks(student=alice, count=3)
    # A second task from the 70 % topic (penalty 0.15) beats a 10 % one (distance 0.6), ...
    assert sum(p.task in near for p in picked) == 3
    assert not any(p.task in far for p in picked)


def test_it_never_assigns_pending_tasks(alice: User, bank: list[Task]) -> None:
    pending = {PracticeTaskFactory(student=alice, task=t).task_id for t in bank[:15]}
    picked = services.assign_practice_tasks(student=alice, count=5)
    assert len(picked) == 5
    assert not pending & {p.task_id for p in picked}
    # Everything pending now: nothing left to give.
    assert services.assign_practice_tasks(student=alice, count=3) == []


def test_it_avoids_recently_attempted_tasks(alice: User, bank: list[Task]) -> None:
    # Two days old or newer: recent. Older ones count only among the last 20 attempts.
    now = timezone.now()
    yesterday = [
        PracticeTaskFactory(
            student=alice, task=t, completed=True, assigned_at=now - timedelta(hours=20)
        )
        for t in bank[:8]
    ]
    picked = services.assign_practice_tasks(student=alice, count=12)
    assert len(picked) == 12
    assert not {y.task_id for y in yesterday} & {p.task_id for p in picked}


def test_it_counts_the_last_twenty_attempts_as_recent_however_old(
    alice: User, bank: list[Task]
) -> None:
    long_ago = timezone.now() - timedelta(days=30)
    for i, task in enumerate(bank[:16]):
        PracticeTaskFactory(
            student=alice, task=task, completed=True, assigned_at=long_ago + timedelta(hours=i)
        )
    picked = services.assign_practice_tasks(student=alice, count=4)
    assert {p.task_id for p in picked} == {t.pk for t in bank[16:]}


def test_it_falls_back_to_recent_tasks_when_nothing_else_is_left(alice: User) -> None:
    tasks = [TaskFactory() for _ in range(3)]
    completed_history(alice, tasks, 3)
    picked = services.assign_practice_tasks(student=alice, count=2)
    assert len(picked) == 2


def test_it_never_assigns_imported_or_inactive_tasks(alice: User) -> None:
    TaskFactory(source="school-x", external_id="1")
    TaskFactory(is_active=False)
    ok = TaskFactory()
    assert [p.task for p in services.assign_practice_tasks(student=alice, count=5)] == [ok]


def test_it_freezes_the_prediction_and_every_other_sources(alice: User) -> None:
    group_with_accuracy("near", 7)
    [picked] = services.assign_practice_tasks(student=alice, count=1)
    picked.refresh_from_db()
    assert picked.assigned_source == "average"
    assert picked.assigned_seconds == pytest.approx(60.0)
    assert picked.assigned_alternatives == {
        "default": {"p_correct": 0.5, "seconds": 60.0, "version": ""}
    }
    assert picked.status == PracticeTask.Status.ASSIGNED and picked.shown_at is None


def test_it_makes_one_batched_prediction_and_one_with_every_source_for_the_picks(
    alice: User, bank: list[Task], monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[tuple[int, bool]] = []
    real = mlmodels_services.predict_many

    def counting(**kwargs: Any) -> Any:
        calls.append((len(kwargs["tasks"]), kwargs["with_alternatives"]))
        return real(**kwargs)

    monkeypatch.setattr(services, "predict_many", counting)
    services.assign_practice_tasks(student=alice, count=5)
    # The served prediction for the whole pool; every source's (frozen) for the 5 picks only.
    assert calls == [(len(bank), False), (5, True)]


@pytest.mark.parametrize("count", [0, 21, -1, True, "5", 2.0, None])
def test_it_refuses_a_bad_count(alice: User, bank: list[Task], count: Any) -> None:
    with pytest.raises(services.PracticeTaskError):
        services.assign_practice_tasks(student=alice, count=count)
    assert not PracticeTask.objects.exists()


def test_it_assigns_from_a_pool_when_given_one(alice: User, bank: list[Task]) -> None:
    topic = bank[0].topic
    picked = services.assign_practice_tasks(
        student=alice, count=3, pool=Task.objects.filter(topic=topic)
    )
    assert {p.task.topic for p in picked} == {topic}


def test_it_assigns_through_the_dashboard_form(client: Any, alice: User, bank: list[Task]) -> None:
    client.force_login(alice)
    response = client.post("/practice/assign/", {"count": "3"}, follow=True)
    assert PracticeTask.objects.for_student(alice).count() == 3
    assert "3 new tasks picked for you" in response.content.decode()
    response = client.post("/practice/assign/", {"count": "lots"}, follow=True)
    assert "Choose how many tasks" in response.content.decode()
    assert PracticeTask.objects.for_student(alice).count() == 3
