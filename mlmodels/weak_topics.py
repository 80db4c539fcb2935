"""The student-model question "which topics is this student weakest at?"."""

from __future__ import annotations

import threading
import time
from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.urls import reverse

if TYPE_CHECKING:
    from django.contrib.auth.models import User

# Weak topics change only when practice does: one batched prediction per student per window,
# remembered in this process (no cache round trip on a turn).
WEAK_TOPICS_TTL_SECONDS = 60.0
WEAK_TOPICS_MAX_STUDENTS = 5000
WEAK_TOPIC_BELOW = 0.6
WEAK_TOPIC_COUNT = 2


@dataclass(frozen=True)
class WeakTopic:
    """A practice topic the student models predict this student does poorly on."""

    slug: str
    name: str
    p_correct: float

    @property
    def practice_url(self) -> str:
        """The page that assigns a few tasks of this topic (``tasks:practice_topic``)."""
        return reverse("tasks:practice_topic", kwargs={"slug": self.slug})


# student key -> (monotonic expiry, topics). Per process: a turn must not pay a cache round trip.
_WEAK_TOPICS: dict[tuple[Any, ...], tuple[float, tuple[WeakTopic, ...]]] = {}
_WEAK_TOPICS_LOCK = threading.Lock()


def _student_key(student: User) -> tuple[Any, ...]:
    # An id alone can name two students over time (a rolled-back test, a deleted and recreated
    # row); with the join time it cannot.
    return (student.pk, getattr(student, "date_joined", None))


def weakest_topics(*, student: User) -> tuple[WeakTopic, ...]:
    """The student's weakest practice topics by mean predicted P(correct), weakest first.

    One batched ``predict_many`` over the assignable tasks, remembered in this process for
    ``WEAK_TOPICS_TTL_SECONDS``. Topics predicted only by the default prior say nothing about
    this student and are left out, so a newcomer is told nothing rather than that the
    alphabetically first topic is weak.
    """
    key = _student_key(student)
    now = time.monotonic()
    hit = _WEAK_TOPICS.get(key)
    if hit is not None and hit[0] > now:
        return hit[1]
    from mlmodels.services import predict_many
    from tasks.models import Task

    tasks = list(Task.objects.assignable().select_related("topic"))
    found: tuple[WeakTopic, ...] = ()
    if tasks:
        by_topic: dict[tuple[str, str], list[float]] = defaultdict(list)
        for task, prediction in zip(tasks, predict_many(user=student, tasks=tasks), strict=True):
            if prediction.source != "default":
                by_topic[(task.topic.slug, task.topic.name)].append(float(prediction.p_correct))
        means = sorted((sum(ps) / len(ps), slug, name) for (slug, name), ps in by_topic.items())
        found = tuple(
            WeakTopic(slug, name, round(mean, 3))
            for mean, slug, name in means[:WEAK_TOPIC_COUNT]
            if mean < WEAK_TOPIC_BELOW
        )
    with _WEAK_TOPICS_LOCK:
        if len(_WEAK_TOPICS) >= WEAK_TOPICS_MAX_STUDENTS:
            for stale in [k for k, (until, _) in _WEAK_TOPICS.items() if until <= now]:
                del _WEAK_TOPICS[stale]
            if len(_WEAK_TOPICS) >= WEAK_TOPICS_MAX_STUDENTS:
                _WEAK_TOPICS.clear()
        _WEAK_TOPICS[key] = (now + WEAK_TOPICS_TTL_SECONDS, found)
    return found


def weak_topics(*, student: User) -> tuple[str, ...]:
    """The names of ``weakest_topics`` (what a prompt shows the model)."""
    return tuple(t.name for t in weakest_topics(student=student))


def forget_weak_topics(*, student: User | None = None) -> None:
    """Drop remembered weak topics: one student's (after their practice changed) or all."""
    with _WEAK_TOPICS_LOCK:
        if student is None:
            _WEAK_TOPICS.clear()
        else:
            _WEAK_TOPICS.pop(_student_key(student), None)
