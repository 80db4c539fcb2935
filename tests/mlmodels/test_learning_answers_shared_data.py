"""The practice log (MoFaCTS statistics course): how the served learning-aware model moves after
one more answer, probed at real attempts of each student's last 20 % (`answer_probes`).

A right answer must predict more than a wrong one for the task and for the other tasks of its
topic, and a wrong answer must lower the topic's other tasks at least as much as the student's
other topics (docs/models.md, "Signs"). Before the sign constraints, on this file a wrong answer
ranked above a right one for the topic's other tasks in one probe in seven and raised them
(against no answer) in nearly all, while other topics fell.
"""

from __future__ import annotations

import numpy as np
import pytest

from mlmodels.data import CsvColumns, read_attempts_csv, split_chronological, table_from_records
from mlmodels.evaluation import AnswerProbe, answer_probes
from mlmodels.learning import LearningTrainer
from tests.conftest import require_shared_data


@pytest.fixture(scope="module")
def probes() -> dict[str, AnswerProbe]:
    mofacts = require_shared_data() / "mofacts_statistics_practice_dev.csv"
    table = table_from_records(read_attempts_csv(mofacts, CsvColumns(timestamp="timestamp")))
    test = split_chronological(table)
    trainer = LearningTrainer()
    model = trainer.train(table.subset(~test), seed=0)
    rows = np.random.default_rng(0).choice(np.flatnonzero(test), size=300, replace=False)
    return {
        target: answer_probes(
            table,
            lambda t, mask: trainer.predict(model, t, mask),
            rows=rows,
            target=target,  # type: ignore[arg-type]
        )
        for target in ("same task", "same topic", "other topic")
    }


def logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, 1e-7, 1 - 1e-7)
    return np.log(p / (1 - p))


@pytest.mark.shared_data
@pytest.mark.parametrize("target", ["same task", "same topic"])
def test_it_predicts_more_after_a_right_answer_than_after_a_wrong_one(probes, target) -> None:
    probe = probes[target]
    assert np.mean(probe.after_right > probe.after_wrong) >= 0.99


@pytest.mark.shared_data
def test_it_lowers_the_topic_after_a_wrong_answer_more_than_other_topics(probes) -> None:
    # The same attempts probed: the student's overall state moves both targets alike.
    def drop(probe: AnswerProbe) -> np.ndarray:
        return logit(probe.before) - logit(probe.after_wrong)

    same, other = drop(probes["same topic"]), drop(probes["other topic"])
    assert np.mean(same >= other - 1e-9) >= 0.99
    assert same.mean() > other.mean()
    # And a wrong answer rarely raises the topic's other tasks (a topic attempt is no longer
    # credited as practice whatever its outcome).
    assert probes["same topic"].rises_after_wrong <= probes["other topic"].rises_after_wrong
