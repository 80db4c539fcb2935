"""The sequence model's class-level path (`predict_log_many`, behind the class view) gives
what one-student-at-a-time `predict_log` gives."""

from __future__ import annotations

import numpy as np
import pytest

from mlmodels.sequence_serve import HistoryStep, Target

# Reads the model the session trains (`world`): on the pytest-xdist worker that trained it.
pytestmark = pytest.mark.xdist_group("tensorflow")


def test_it_predicts_a_class_like_one_student_at_a_time(world: dict) -> None:
    table, predictor = world["table"], world["predictor"]
    targets = [
        Target(item=table.items[i], topic=table.topics[0], difficulty=1 + i % 3) for i in range(12)
    ]
    users = ["s1", "s2", "new3", "nobody"]
    histories = []
    for k, name in enumerate(users):
        rows = np.flatnonzero(table.user == table.users.index(name)) if name in table.users else []
        rows = sorted(rows, key=lambda r: table.order[r])[: 5 + 10 * k]  # short and long ones
        histories.append(
            [
                HistoryStep(
                    item=table.items[table.item[r]],
                    topic=table.topics[table.topic[r]],
                    difficulty=int(table.difficulty[r]),
                    correct=bool(table.correct[r]),
                    log_seconds=None
                    if np.isnan(table.log_seconds[r])
                    else float(table.log_seconds[r]),
                )
                for r in rows
            ]
        )
    p, log_s = predictor.predict_log_many(users=users, histories=histories, targets=targets)
    assert p.shape == log_s.shape == (4, 12)
    for row, (user, history) in enumerate(zip(users, histories, strict=True)):
        one_p, one_log_s = predictor.predict_log(user=user, history=history, targets=targets)
        np.testing.assert_allclose(p[row], one_p, atol=1e-6)
        np.testing.assert_allclose(log_s[row], one_log_s, atol=1e-5)
