"""predict_many asks the served kinds lazily: the champion about every task, a fallback kind
only about the tasks the kinds before it could not answer; every kind only for alternatives."""

from __future__ import annotations

from typing import Any

import pytest

from mlmodels import registry, services
from mlmodels.services import Prediction
from tests.tasks.factories import TaskFactory, UserFactory

pytestmark = pytest.mark.django_db


class Kinds:
    """Stand-in model kinds: `learning` serves and cannot answer the tasks in `unknown`;
    `lnirt` is the qualified fallback; every call is recorded."""

    def __init__(self) -> None:
        self.asked: list[tuple[str, list[int]]] = []
        self.unknown: set[int] = set()

    def __call__(self, kind: str, *, user: Any, tasks: Any) -> list[Prediction | None]:
        self.asked.append((kind, [t.pk for t in tasks]))
        return [
            None if kind == "learning" and t.pk in self.unknown else Prediction(0.6, 30.0, kind)
            for t in tasks
        ]


@pytest.fixture
def kinds(monkeypatch: pytest.MonkeyPatch) -> Kinds:
    fake = Kinds()
    monkeypatch.setattr(registry, "serving_order", lambda: ["learning", "lnirt"])
    monkeypatch.setattr(services, "model_predictions", fake)
    return fake


def test_a_fallback_kind_is_asked_only_about_what_the_champion_could_not_answer(
    kinds: Kinds,
) -> None:
    tasks = [TaskFactory() for _ in range(4)]
    kinds.unknown = {tasks[0].pk}
    served = services.predict_many(user=UserFactory(), tasks=tasks)
    assert [p.source for p in served] == ["lnirt", "learning", "learning", "learning"]
    assert kinds.asked == [("learning", [t.pk for t in tasks]), ("lnirt", [tasks[0].pk])]


def test_a_champion_that_answers_everything_is_the_only_kind_asked(kinds: Kinds) -> None:
    tasks = [TaskFactory() for _ in range(3)]
    served = services.predict_many(user=UserFactory(), tasks=tasks)
    assert {p.source for p in served} == {"learning"}
    assert [kind for kind, _ in kinds.asked] == ["learning"]


def test_alternatives_ask_every_kind_about_every_task(kinds: Kinds) -> None:
    tasks = [TaskFactory() for _ in range(3)]
    kinds.unknown = {tasks[0].pk}
    served = services.predict_many(user=UserFactory(), tasks=tasks, with_alternatives=True)
    assert {kind for kind, _ in kinds.asked} == set(services.ModelKind.values)
    assert all(pks == [t.pk for t in tasks] for _, pks in kinds.asked)
    assert served[0].source == "lnirt"
    assert "learning" not in {a.source for a in served[0].alternatives}
    assert {a.source for a in served[1].alternatives} >= {"lnirt", "sequence", "default"}


def test_alternatives_take_the_champions_answers_from_the_choice_just_made(
    kinds: Kinds,
) -> None:
    tasks = [TaskFactory() for _ in range(3)]
    student = UserFactory()
    chosen = services.predict_many(user=student, tasks=tasks)
    kinds.asked.clear()
    frozen = services.predict_many(user=student, tasks=tasks, with_alternatives=True, served=chosen)
    assert "learning" not in {kind for kind, _ in kinds.asked}
    assert {kind for kind, _ in kinds.asked} == set(services.ModelKind.values) - {"learning"}
    assert [p.source for p in frozen] == ["learning"] * 3
    assert {a.source for a in frozen[0].alternatives} >= {"lnirt", "sequence", "default"}


def test_a_choice_partly_served_by_a_fallback_asks_the_champion_again(kinds: Kinds) -> None:
    tasks = [TaskFactory() for _ in range(2)]
    kinds.unknown = {tasks[0].pk}
    student = UserFactory()
    chosen = services.predict_many(user=student, tasks=tasks)
    kinds.asked.clear()
    services.predict_many(user=student, tasks=tasks, with_alternatives=True, served=chosen)
    assert ("learning", [t.pk for t in tasks]) in kinds.asked
