"""Review when forgetting sets in: topics whose predicted chance has decayed below the target
since they were last practised.

A topic's chance is the learning-aware model's prediction for a task of that topic the student
has not seen (the topic's effect, no task effect of its own), from the student's state rows. At
the last practice it stood at or above the target; now, with time passed and nothing else
changed, it is below: the topic is due, since the moment the decayed chance crossed the
target (found by bisection over time). See docs/models.md.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.conf import settings

from mlmodels.models import LearningState

# Bisection steps for the moment a chance crossed the target (2^-24 of the gap: well under a
# minute for gaps of years).
_BISECT_STEPS = 24


@dataclass(frozen=True)
class DueReview:
    topic_id: int
    chance_now: float
    chance_at_last_practice: float
    last_practised_at: datetime
    due_since: datetime


def topic_chance(
    model: Any, *, student: str, topic: str, topic_state: Any, student_state: Any, at: float
) -> float:
    """The chance of a task of `topic` the student has not met, at epoch seconds `at`."""
    p, _ = model.predict(
        user=student,
        targets=[("", topic, 0)],
        states=[(topic_state, None)],
        student_state=student_state,
        now=at,
    )
    return float(p[0])


def due_reviews(
    *, student_id: int, now: float | None = None, target: float | None = None
) -> list[DueReview]:
    """The student's topics due for review, most decayed first (one query for the states).

    Empty when no learning-aware version is loaded: without it nothing models forgetting.
    """
    return _due(student_id=student_id, now=now, target=target, find_since=True)


def due_review_topics(*, student_id: int) -> list[int]:
    """The ids of ``due_reviews``' topics, in its order, without finding when each became due
    (what the assignment needs, at a fraction of the cost)."""
    return [d.topic_id for d in _due(student_id=student_id, now=None, target=None)]


def _due(
    *, student_id: int, now: float | None, target: float | None, find_since: bool = False
) -> list[DueReview]:
    from mlmodels.learning_state import decode_values
    from mlmodels.registry import get_predictor

    loaded = get_predictor("learning")
    if loaded is None:
        return []
    model = loaded.model
    target = settings.REVIEW_TARGET_P_CORRECT if target is None else target
    now = time.time() if now is None else now
    rows = LearningState.objects.filter(
        student_id=student_id,
        scope__in=(LearningState.Scope.STUDENT, LearningState.Scope.TOPIC),
    ).values_list("scope", "key", "values", "last_attempt_at")
    student_state = None
    topics = []
    for scope, key, values, last in rows:
        if scope == LearningState.Scope.STUDENT:
            student_state = decode_values(values)
        elif last is not None:
            topics.append((key, decode_values(values), last))
    if not topics:
        return []
    # Every topic's chance now in one batched prediction; only those below the target are
    # looked at further.
    current_all, _ = model.predict(
        user=str(student_id),
        targets=[("", str(topic_id), 0) for topic_id, _state, _last in topics],
        states=[(state, None) for _topic, state, _last in topics],
        student_state=student_state,
        now=now,
    )
    due = []
    for (topic_id, state, last), current in zip(topics, current_all, strict=True):
        current = float(current)
        if not (target > current) or not math.isfinite(current):
            continue
        last_t = last.timestamp()

        def chance(at: float, state: Any = state, topic_id: int = topic_id) -> float:
            return topic_chance(
                model,
                student=str(student_id),
                topic=str(topic_id),
                topic_state=state,
                student_state=student_state,
                at=at,
            )

        # The student's overall state moves on with other topics; the topic's own decay is
        # what review answers, so both chances use the current overall state.
        then = chance(last_t)
        if not then >= target:
            continue
        lo, hi = last_t, now
        if find_since:
            for _ in range(_BISECT_STEPS):
                mid = 0.5 * (lo + hi)
                if chance(mid) >= target:
                    lo = mid
                else:
                    hi = mid
        due.append(
            DueReview(
                topic_id=topic_id,
                chance_now=current,
                chance_at_last_practice=then,
                last_practised_at=last,
                due_since=datetime.fromtimestamp(hi, tz=UTC),
            )
        )
    due.sort(key=lambda d: d.chance_now)
    return due
