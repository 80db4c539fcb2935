"""`predict_class_topics`: one batched pass for a class that agrees with `predict_many` per
student, in a fixed number of queries."""

from __future__ import annotations

import numpy as np
import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext

from classes.models import ChanceSnapshot
from mlmodels.models import ModelVersion, StudentModelState
from mlmodels.registry import registry
from mlmodels.services import predict_class_topics, predict_many
from tasks.models import Task
from tests.classes.helpers import big_class, publish, publish_lnirt


@pytest.fixture(autouse=True)
def _fresh_registry():
    registry.reset()
    yield
    registry.reset()


def per_student_means(students, topics) -> dict[tuple[int, int], float]:
    tasks = list(Task.objects.assignable().filter(topic__in=topics).order_by("topic_id", "id"))
    out = {}
    for student in students:
        predictions = predict_many(user=student, tasks=tasks)
        for topic in topics:
            values = [
                p.p_correct
                for t, p in zip(tasks, predictions, strict=True)
                if t.topic_id == topic.pk
            ]
            out[(student.pk, topic.pk)] = float(np.mean(values))
    return out


@pytest.mark.django_db
def test_it_agrees_with_predict_many_on_the_averages() -> None:
    data = big_class(students=6, topics=3)
    batched = predict_class_topics(students=data["students"], topics=data["topics"])
    expected = per_student_means(data["students"], data["topics"])
    assert set(batched) == set(expected)
    for key, value in expected.items():
        assert batched[key].p_correct == pytest.approx(value, abs=1e-9)
        assert batched[key].source in {"average", "default"}


@pytest.mark.django_db
def test_it_agrees_with_predict_many_on_a_trained_lnirt_model() -> None:
    data = big_class(students=8, topics=3, per_student=40)
    publish_lnirt()
    students = data["students"]
    # One student has an instant-update state (as after a completion), one is brand new.
    # The version's own id: on PostgreSQL ids are not reset between tests (1 broke the foreign
    # key at teardown whenever another test had made a version first).
    version = ModelVersion.objects.get(kind="lnirt", is_active=True)
    StudentModelState.objects.create(
        student=students[0], theta=1.3, tau=0.2, attempts=40, lnirt_version=version
    )
    newcomer = User.objects.create_user("newcomer")
    everyone = [*students, newcomer]
    batched = predict_class_topics(students=everyone, topics=data["topics"])
    expected = per_student_means(everyone, data["topics"])
    for key, value in expected.items():
        assert batched[key].p_correct == pytest.approx(value, abs=1e-9)
        assert batched[key].source == "lnirt"
    # The stored state really is what predicted student 0: a higher θ, higher chances.
    topic = data["topics"][0].pk
    assert batched[(students[0].pk, topic)].p_correct > batched[(newcomer.pk, topic)].p_correct


@pytest.mark.django_db
@pytest.mark.xdist_group("tensorflow")  # with the other TensorFlow tests (test_sequence.py)
def test_it_agrees_with_predict_many_on_a_trained_sequence_model() -> None:
    """The sequence model reads each student's recent history, newest last, as predict_many."""
    data = big_class(students=5, topics=2, per_student=30, seed=3)
    publish("sequence")
    newcomer = User.objects.create_user("newcomer")
    everyone = [*data["students"], newcomer]
    batched = predict_class_topics(students=everyone, topics=data["topics"])
    expected = per_student_means(everyone, data["topics"])
    for key, value in expected.items():
        assert batched[key].source == "sequence"
        assert batched[key].p_correct == pytest.approx(value, abs=1e-6)
    # Different histories, different chances: the history really was read per student.
    assert len({round(batched[(s.pk, data["topics"][0].pk)].p_correct, 6) for s in everyone}) > 3


def class_view_queries(client, school_class) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/admin/classes/schoolclass/{school_class.pk}/view/")
    assert response.status_code == 200
    return len(queries)


@pytest.mark.django_db
def test_it_reads_a_fixed_number_of_queries_for_40_students_and_9_topics(admin_client) -> None:
    """No N+1: the class view of 40 students × 9 topics costs what one of 3 students does."""
    small = big_class(students=3, topics=9, seed=2)
    publish_lnirt()
    from classes.models import Membership, SchoolClass

    # As in the forty: a student the trained model has not seen (no fitted θ).
    Membership.objects.create(school_class=small["class"], student=User.objects.create_user("late"))

    big = SchoolClass.objects.create(name="Forty")

    forty = User.objects.bulk_create([User(username=f"f{i:02d}") for i in range(40)])
    Membership.objects.bulk_create([Membership(school_class=big, student=u) for u in forty])
    # Give the forty some history too, over the same bank.
    from tests.tasks.factories import completed_history

    for user in forty:
        completed_history(user, small["tasks"][:12], 5)
    class_view_queries(admin_client, small["class"])  # warm the per-process caches
    few = class_view_queries(admin_client, small["class"])
    ChanceSnapshot.objects.all().delete()
    many = class_view_queries(admin_client, big)
    assert many == few, (few, many)
    assert many <= 30
    # And the export reads the same.
    with CaptureQueriesContext(connection) as queries:
        admin_client.get(f"/admin/classes/schoolclass/{big.pk}/export/")
    assert len(queries) <= many


@pytest.mark.django_db
def test_it_falls_back_to_per_student_predictions_for_a_kind_without_a_batched_path(
    monkeypatch,
) -> None:
    """A model kind with no entry in CLASS_PREDICTORS (a new kind, say) still serves the class
    view, through its ordinary per-student predictions."""
    from mlmodels import services

    data = big_class(students=4, topics=2, per_student=30, seed=5)
    publish_lnirt()
    batched = predict_class_topics(students=data["students"], topics=data["topics"])
    monkeypatch.setattr(services, "CLASS_PREDICTORS", {})
    fallback = predict_class_topics(students=data["students"], topics=data["topics"])
    assert set(fallback) == set(batched)
    for key, value in batched.items():
        assert fallback[key].source == value.source == "lnirt"
        assert fallback[key].p_correct == pytest.approx(value.p_correct, abs=1e-9)
