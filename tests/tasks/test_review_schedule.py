"""Review when forgetting sets in: a forgetting student's decayed topic is due, offered first
among new tasks (after a teacher's set and the student's own topic choice), and on the
dashboard."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import transaction
from django.test import Client, override_settings
from django.utils import timezone

from mlmodels import learning_state
from mlmodels.models import ModelVersion
from mlmodels.registry import registry
from mlmodels.review import due_review_topics, due_reviews, topic_chance
from mlmodels.training import attempts_table, fit_and_export
from tasks import services
from tasks.models import AnswerKind, PracticeTask, Task, Topic
from tests.mlmodels.learners import simulate

# One pytest-xdist unit (`make test-fast`): the stored population is built once.
pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("review-schedule")]


@pytest.fixture(scope="module")
def stored_population(
    django_db_setup: None, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict]:
    """The simulated learners (known forgetting curve) stored as practice history, and the
    learning-aware model trained on it.

    Built once for the module (~9,000 rows and a fit: most of each test's time when it was built
    per test), in a transaction rolled back after the module's last test. Each test runs in a
    savepoint inside it (pytest-django's `db`), so what one test writes is gone before the next.
    """
    model_dir = tmp_path_factory.mktemp("review-models")
    with django_db_blocker.unblock(), override_settings(MODEL_DIR=model_dir):
        with transaction.atomic():
            try:
                yield {**build_population(), "model_dir": model_dir}
            finally:
                transaction.set_rollback(True)


@pytest.fixture
def population(stored_population: dict, db: None, settings: Any) -> Iterator[dict]:
    """The stored population's model serving in this test."""
    settings.MODEL_DIR = stored_population["model_dir"]
    registry.reset()
    yield stored_population
    registry.reset()


def build_population() -> dict:
    """The practice history of 100 simulated students over 4 topics, and version 1 of the
    learning-aware model fitted on it (the worker's code) as the active champion."""
    table = simulate(students=100, topics=4, items_per_topic=5, seed=11)
    topics = {
        name: Topic.objects.create(slug=f"review-{name}", name=f"Review topic {name}")
        for name in table.topics
    }
    tasks = {}
    for i, item in enumerate(table.items):
        topic = topics[table.topics[table.item_topic[i]]]
        tasks[item] = Task.objects.create(
            topic=topic,
            slug=f"review-{item}",
            title=f"Review task {item}",
            difficulty="medium",
            answer_kind=AnswerKind.SELF,
            statement="…",
        )
    users = {u: User.objects.create_user(f"review-{u}") for u in table.users}
    start = timezone.now() - timedelta(days=400)
    PracticeTask.objects.bulk_create(
        [
            PracticeTask(
                student=users[table.users[table.user[k]]],
                task=tasks[table.items[table.item[k]]],
                status=PracticeTask.Status.COMPLETED,
                assigned_at=start + timedelta(seconds=float(table.order[k])),
                shown_at=start + timedelta(seconds=float(table.order[k])),
                answered_at=start + timedelta(seconds=float(table.order[k])),
                is_correct=bool(table.correct[k]),
                seconds_taken=float(2.718281828 ** table.log_seconds[k]),
            )
            for k in range(len(table))
        ],
        batch_size=2000,
    )
    relative, _ = fit_and_export("learning", attempts_table(), version=1)
    ModelVersion.objects.create(
        kind="learning",
        version=1,
        artifact=relative,
        is_active=True,
        is_champion=True,
        metrics={"auc": 0.8, "logloss": 0.5, "beats_baselines": True},
    )
    return {"topics": list(topics.values()), "tasks": tasks}


@pytest.fixture
def forgetting_student(population, settings) -> dict:
    """Topic 0 mastered three weeks ago and not touched since; topic 1 practised yesterday."""
    student = User.objects.create_user("forgetful", password="forgetful-pass-1")
    old, fresh = population["topics"][0], population["topics"][1]
    now = timezone.now()
    rows = []
    for k, (topic, when) in enumerate(
        [(old, now - timedelta(days=21))] * 12 + [(fresh, now - timedelta(days=1))] * 12
    ):
        task = Task.objects.filter(topic=topic).order_by("slug")[k % 5]
        at = when + timedelta(minutes=2 * (k % 12))
        rows.append(
            PracticeTask(
                student=student,
                task=task,
                status=PracticeTask.Status.COMPLETED,
                assigned_at=at,
                shown_at=at,
                answered_at=at,
                is_correct=True,
                seconds_taken=30.0,
            )
        )
    PracticeTask.objects.bulk_create(rows)
    learning_state.rebuild_students(student_ids=[student.pk])
    # The target between the chance right after the last practice and the chance now: the
    # model must have learned that the topic decays for the test to mean anything.
    model = registry.get("learning").model
    states = learning_state.read_page_states(student_id=student.pk, topic_ids=[old.pk], task_ids=[])
    last = rows[11].answered_at.timestamp()

    def chance(at: float) -> float:
        return topic_chance(
            model,
            student=str(student.pk),
            topic=str(old.pk),
            topic_state=states.topics[old.pk],
            student_state=states.student,
            at=at,
        )

    then, current = chance(last), chance(now.timestamp())
    assert then > current + 0.02, "the model did not learn forgetting"
    settings.REVIEW_TARGET_P_CORRECT = (then + current) / 2
    settings.REVIEW_SHARE = 0.4
    return {"student": student, "old": old, "fresh": fresh, "last": rows[11].answered_at}


def test_it_finds_the_decayed_topic_due_since_it_crossed_the_target(forgetting_student) -> None:
    student, old = forgetting_student["student"], forgetting_student["old"]
    due = due_reviews(student_id=student.pk)
    assert [d.topic_id for d in due] == [old.pk]
    review = due[0]
    assert review.chance_at_last_practice > review.chance_now
    assert forgetting_student["last"] < review.due_since < timezone.now()
    # The assignment's cheaper question (which topics, not since when) agrees.
    assert due_review_topics(student_id=student.pk) == [old.pk]
    # The chance now is the batched prediction's: the same as asking for the topic alone.
    model = registry.get("learning").model
    states = learning_state.read_page_states(student_id=student.pk, topic_ids=[old.pk], task_ids=[])
    alone = topic_chance(
        model,
        student=str(student.pk),
        topic=str(old.pk),
        topic_state=states.topics[old.pk],
        student_state=states.student,
        at=time.time(),
    )
    assert review.chance_now == pytest.approx(alone, abs=1e-6)


def test_it_offers_the_due_topic_first_among_new_tasks(forgetting_student) -> None:
    student, old = forgetting_student["student"], forgetting_student["old"]
    new = services.assign_practice_tasks(student=student, count=5)
    assert new[0].task.topic_id == old.pk
    # At most the review share of the batch goes to review.
    assert sum(1 for p in new if p.task.topic_id == old.pk) <= 5


def test_a_teachers_set_and_the_students_topic_choice_come_before_review(
    forgetting_student, population
) -> None:
    student, old, fresh = (forgetting_student[k] for k in ("student", "old", "fresh"))
    other = population["topics"][2]
    chosen = services.assign_practice_tasks(
        student=student, count=3, pool=Task.objects.filter(topic=fresh)
    )
    assert {p.task.topic_id for p in chosen} == {fresh.pk}
    teachers_set = Task.objects.filter(topic=other).order_by("slug")[:2]
    new = services.assign_practice_tasks(
        student=student, count=4, first=Task.objects.filter(pk__in=teachers_set)
    )
    assert {p.task_id for p in new[:2]} == {t.pk for t in teachers_set}
    assert new[2].task.topic_id == old.pk


def test_the_dashboard_shows_when_it_became_due_and_the_chances(
    forgetting_student, client: Client
) -> None:
    client.force_login(forgetting_student["student"])
    page = client.get("/").content.decode()
    assert 'id="review"' in page
    assert forgetting_student["old"].name in page
    assert "chance now" in page and "at your last practice" in page
    assert (
        forgetting_student["fresh"].name not in page.split('id="review"')[1].split("</section>")[0]
    )
