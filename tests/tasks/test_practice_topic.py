"""Practise one topic (``tasks:practice_topic``): the page the tutor's practice suggestion links
to, its POST that assigns a few tasks of the topic, and the dashboard's "weakest topic" block."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from mlmodels import weak_topics
from mlmodels.services import Prediction
from tasks import services as task_services
from tasks.models import PracticeTask, Task, Topic
from tasks.views import PRACTICE_TOPIC_COUNT
from tests.tasks.factories import PracticeTaskFactory, TaskFactory, TopicFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_weak_topics() -> Iterator[None]:
    weak_topics.forget_weak_topics()
    yield
    weak_topics.forget_weak_topics()


@pytest.fixture
def energy() -> Topic:
    topic = TopicFactory(slug="energy-momentum", name="Energy & Momentum")
    TaskFactory.create_batch(5, topic=topic)
    return topic


@pytest.fixture
def waves() -> Topic:
    topic = TopicFactory(slug="waves", name="Waves")
    TaskFactory.create_batch(4, topic=topic)
    return topic


def logged_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def url(topic: Topic) -> str:
    return reverse("tasks:practice_topic", kwargs={"slug": topic.slug})


def test_it_shows_the_topic_with_a_practise_button(alice: User, energy: Topic) -> None:
    response = logged_in(alice).get(url(energy))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Practise Energy &amp; Momentum" in page
    assert f'action="{url(energy)}"' in page and 'method="post"' in page
    assert "csrfmiddlewaretoken" in page


def test_it_assigns_tasks_of_that_topic_only_and_opens_the_first(
    alice: User, energy: Topic, waves: Topic
) -> None:
    response = logged_in(alice).post(url(energy))
    mine = list(PracticeTask.objects.filter(student=alice).select_related("task__topic"))
    assert len(mine) == PRACTICE_TOPIC_COUNT
    assert {p.task.topic.slug for p in mine} == {"energy-momentum"}
    first = min(mine, key=lambda p: p.pk)
    assert response.status_code == 302
    assert response.url == reverse("tasks:practice", kwargs={"pk": first.pk})


def test_it_uses_the_adaptive_assignment_with_the_topic_as_pool(
    alice: User, energy: Topic, waves: Topic, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[dict[str, Any]] = []
    original = task_services.assign_practice_tasks

    def spy(**kwargs: Any) -> list[PracticeTask]:
        calls.append(kwargs)
        return original(**kwargs)

    monkeypatch.setattr(task_services, "assign_practice_tasks", spy)
    logged_in(alice).post(url(energy))
    assert len(calls) == 1 and calls[0]["count"] == PRACTICE_TOPIC_COUNT
    assert set(calls[0]["pool"]) == set(Task.objects.filter(topic=energy))


def test_with_every_task_of_the_topic_pending_it_opens_a_pending_one(
    alice: User, energy: Topic
) -> None:
    pending = [PracticeTaskFactory(student=alice, task=t) for t in energy.tasks.all()]
    response = logged_in(alice).post(url(energy))
    assert PracticeTask.objects.filter(student=alice).count() == len(pending)
    assert response.status_code == 302
    assert response.url in {reverse("tasks:practice", kwargs={"pk": p.pk}) for p in pending}


def test_a_topic_with_nothing_to_practise_goes_back_to_the_dashboard(alice: User) -> None:
    empty = TopicFactory(slug="calculus", name="Calculus")
    response = logged_in(alice).post(url(empty))
    assert response.status_code == 302 and response.url == reverse("tasks:dashboard")
    assert not PracticeTask.objects.filter(student=alice).exists()


def test_an_unknown_topic_is_404_and_other_methods_are_405(alice: User, energy: Topic) -> None:
    client = logged_in(alice)
    assert client.get("/practice/topic/no-such-topic/").status_code == 404
    assert client.post("/practice/topic/no-such-topic/").status_code == 404
    assert client.put(url(energy)).status_code == 405


def test_it_needs_a_login_and_csrf(energy: Topic, alice: User) -> None:
    response = Client().post(url(energy))
    assert response.status_code == 302 and "/login" in response.url
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(alice)
    assert strict.post(url(energy)).status_code == 403
    assert not PracticeTask.objects.exists()


def weak_predictions(p_by_topic: dict[str, float]) -> Any:
    def fake_predict_many(*, user: Any, tasks: list[Any], **kw: Any) -> list[Prediction]:
        return [Prediction(p_by_topic.get(t.topic.slug, 0.9), 60.0, "lnirt") for t in tasks]

    return fake_predict_many


def test_the_dashboard_offers_the_weakest_topic(
    alice: User, energy: Topic, waves: Topic, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        "mlmodels.services.predict_many",
        weak_predictions({"energy-momentum": 0.3, "waves": 0.5}),
    )
    # A topic is called weak only where the student has answered tasks.
    for topic in (energy, waves):
        PracticeTaskFactory(student=alice, task=topic.tasks.first(), completed=True)
    page = logged_in(alice).get("/").content.decode()
    assert "Practise your weakest topic: Energy &amp; Momentum" in page
    assert f'action="{url(energy)}"' in page


def test_the_dashboard_says_nothing_without_evidence(alice: User, energy: Topic) -> None:
    # Only the default prior predicts a newcomer: no topic is called weak.
    page = logged_in(alice).get("/").content.decode()
    assert "weakest topic" not in page
    assert "Start anywhere — we’ll learn your level" in page
