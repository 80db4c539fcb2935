"""How the sequence model moves after one more answer: the practised topic up after a right
answer, down after a wrong one, other topics less (the evidence term, docs/models.md)."""

from __future__ import annotations

import numpy as np
import pytest

from mlmodels.evaluation import answer_probes
from tests.mlmodels.test_sequence import sequence_train

# With the other tests that load TensorFlow (test_sequence.py): the `world` model is trained,
# and TensorFlow imported, on one pytest-xdist worker only.
pytestmark = pytest.mark.xdist_group("tensorflow")


def probe(world: dict, target: str):  # type: ignore[no-untyped-def]
    table, predictor = world["table"], world["predictor"]
    rows = np.random.default_rng(0).choice(np.flatnonzero(world["test"]), 300, replace=False)
    return answer_probes(table, predictor.predict_table, rows=rows, target=target)


def test_it_keeps_its_evidence_weights_at_or_above_zero(world: dict) -> None:
    weights = sequence_train().export_arrays(world["artifacts"])["evidence_kernel"]
    assert weights.shape == (2, 1) and np.all(weights >= 0) and weights.sum() > 0


def test_it_ranks_a_right_answer_above_a_wrong_one_on_the_practised_topic(world: dict) -> None:
    # (Whether a wrong answer may raise the chance at all depends on the data: in this
    # simulation every attempt on a topic is practice that raises it. On the practice log the
    # share of rises is measured by bench_models instead.)
    for target in ("same task", "same topic"):
        assert probe(world, target).wrong_not_below_right == 0.0, target


def test_it_moves_other_topics_less_than_the_practised_one(world: dict) -> None:
    practised = probe(world, "same topic").mean_logit_move
    other = probe(world, "other topic").mean_logit_move
    assert other < practised
