"""The learning-aware model: features from the history, the same from the state rows as from
the table, and predictions that move the way learning and forgetting should."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mlmodels import learning
from mlmodels.data import AttemptRecord, split_chronological, table_from_records
from mlmodels.evaluation import auc, baseline_pfa, expected_calibration_error
from mlmodels.learning import (
    FEATURE_NAMES,
    LearningModel,
    LearningTrainer,
    advance_state,
    fit_learning_model,
    history_features,
    row_features,
)
from tests.mlmodels.learners import DAY, simulate


def replayed_features(table, center: float) -> np.ndarray:
    """What serving computes: each row from states advanced attempt by attempt."""
    out = np.zeros((len(table), len(FEATURE_NAMES)))
    students, topics, tasks = {}, {}, {}
    for r in table.chronological_index().tolist():
        u = int(table.user[r])
        kt, ki = (u, int(table.topic[r])), (u, int(table.item[r]))
        states = (students.get(u), topics.get(kt), tasks.get(ki))
        at = float(table.order[r])
        out[r] = row_features(states, now=at, log_time_center=center)
        step = {
            "correct": bool(table.correct[r] > 0.5),
            "at": at,
            "log_seconds": float(table.log_seconds[r]),
        }
        students[u] = advance_state(states[0], **step)
        topics[kt] = advance_state(states[1], **step)
        tasks[ki] = advance_state(states[2], **step)
    return out


attempt = st.tuples(
    st.integers(0, 3),  # student
    st.integers(0, 4),  # item (topic = item % 2)
    st.booleans(),
    st.one_of(st.none(), st.floats(0.5, 600)),  # seconds, sometimes unknown
    st.floats(0, 60 * DAY),  # when
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(attempt, min_size=1, max_size=60))
def test_it_computes_the_same_features_from_the_table_as_from_state_rows(rows) -> None:
    table = table_from_records(
        AttemptRecord(
            user=f"u{u}",
            item=f"i{i}",
            topic=f"t{i % 2}",
            difficulty="",
            correct=c,
            seconds=s,
            # Whole minutes: ties in time happen, and are broken by row order in both paths.
            order=float(round(at / 60.0) * 60.0),
        )
        for u, i, c, s, at in rows
    )
    vectorised = history_features(table, log_time_center=3.0)
    assert np.allclose(vectorised, replayed_features(table, 3.0), atol=1e-6, rtol=1e-6)


@pytest.fixture(scope="module")
def learners():
    return simulate(students=160, seed=3)


@pytest.fixture(scope="module")
def fitted(learners) -> LearningModel:
    return fit_learning_model(learners)


def test_it_beats_pfa_and_is_calibrated_one_step_ahead(learners) -> None:
    test = split_chronological(learners)
    trainer = LearningTrainer()
    model = trainer.train(learners.subset(~test), seed=0)
    p, _ = trainer.predict(model, learners, test)
    y = learners.correct[test]
    p_pfa, _ = baseline_pfa(learners, test)
    assert auc(y, p) > auc(y, p_pfa) + 0.01
    assert expected_calibration_error(y, p) < 0.06


def test_it_saves_and_loads_its_coefficients_and_serves_from_states(tmp_path, fitted, learners):
    path = tmp_path / "learning.npz"
    fitted.save(path)
    loaded = LearningModel.load(path)
    # The page path (state rows) gives what the table path gives for the same history.
    u = 0
    rows = np.flatnonzero(learners.user == u)
    rows = rows[np.argsort(learners.order[rows], kind="stable")]
    history, last = rows[:-1], rows[-1]
    states: dict = {}
    for r in history:
        for key in (("student",), ("topic", learners.topic[r]), ("task", learners.item[r])):
            states[key] = advance_state(
                states.get(key),
                correct=bool(learners.correct[r] > 0.5),
                at=float(learners.order[r]),
                log_seconds=float(learners.log_seconds[r]),
            )
    target = (
        learners.items[learners.item[last]],
        learners.topics[learners.topic[last]],
        0,
    )
    p_page, t_page = loaded.predict(
        user=learners.users[u],
        targets=[target],
        states=[
            (states.get(("topic", learners.topic[last])), states.get(("task", learners.item[last])))
        ],
        student_state=states.get(("student",)),
        now=float(learners.order[last]),
    )
    mask = np.zeros(len(learners), dtype=bool)
    mask[last] = True
    p_table, t_table = fitted.predict_table(learners, mask)
    assert p_page[0] == pytest.approx(p_table[0], abs=1e-9)
    assert t_page[0] == pytest.approx(t_table[0], abs=1e-9)


def logit(p: float) -> float:
    return math.log(p / (1.0 - p))


def chance(model: LearningModel, states: dict, *, topic: str, item: str, now: float) -> float:
    p, _ = model.predict(
        user="someone new",
        targets=[(item, topic, 0)],
        states=[(states.get(("topic", topic)), states.get(("task", item)))],
        student_state=states.get("student"),
        now=now,
    )
    return float(p[0])


def practise(states: dict, *, topic: str, item: str, correct: bool, at: float) -> dict:
    out = dict(states)
    step = {"correct": correct, "at": at, "log_seconds": math.log(30.0)}
    out["student"] = advance_state(states.get("student"), **step)
    out[("topic", topic)] = advance_state(states.get(("topic", topic)), **step)
    out[("task", item)] = advance_state(states.get(("task", item)), **step)
    return out


history_step = st.tuples(st.sampled_from(["t0", "t1", "t2"]), st.integers(0, 5), st.booleans())


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    # A student with some history: for a brand-new one, any first answer says as much about
    # their overall ability as about the topic.
    history=st.lists(history_step, min_size=10, max_size=30),
    topic=st.sampled_from(["t0", "t1", "t2"]),
    other=st.sampled_from(["t3", "t4", "t5"]),
    item_k=st.integers(0, 5),
)
def test_it_moves_the_practised_topic_right_after_an_answer(
    fitted, history, topic, other, item_k
) -> None:
    states: dict = {}
    at = 0.0
    for t, k, correct in history:
        item = f"i{int(t[1]) * 6 + k}"
        states = practise(states, topic=t, item=item, correct=correct, at=at)
        at += 90.0
    item = f"i{int(topic[1]) * 6 + item_k}"
    other_item = f"i{int(other[1]) * 6 + item_k}"
    now = at + 60.0
    before = chance(fitted, states, topic=topic, item=item, now=now)
    right = practise(states, topic=topic, item=item, correct=True, at=now)
    wrong = practise(states, topic=topic, item=item, correct=False, at=now)
    after_right = chance(fitted, right, topic=topic, item=item, now=now + 60)
    after_wrong = chance(fitted, wrong, topic=topic, item=item, now=now + 60)
    # One more attempt: higher when it was right than when it was wrong.
    assert after_right > after_wrong
    # Another topic moves less with the answer than the practised one (on the logit scale:
    # near 0 or 1 a probability has little room left to move).
    other_right = chance(fitted, right, topic=other, item=other_item, now=now + 60)
    other_wrong = chance(fitted, wrong, topic=other, item=other_item, now=now + 60)
    assert abs(logit(other_right) - logit(other_wrong)) < logit(after_right) - logit(after_wrong)
    assert min(after_right, after_wrong) < before + 0.5  # sanity: probabilities, not noise
    # A long gap lowers a chance that practice had raised.
    if after_right > 0.5:
        later = chance(fitted, right, topic=topic, item=item, now=now + 30 * DAY)
        assert later < after_right


def test_it_refuses_a_file_whose_features_differ(tmp_path, fitted, monkeypatch) -> None:
    path = tmp_path / "learning.npz"
    fitted.save(path)
    monkeypatch.setattr(learning, "FEATURE_NAMES", (*FEATURE_NAMES, "extra"))
    with pytest.raises(ValueError, match="features differ"):
        LearningModel.load(path)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(attempt, min_size=1, max_size=60))
def test_it_computes_the_final_state_of_every_scope_as_the_replay_does(rows) -> None:
    group = np.array([u * 5 + i for u, i, *_ in rows])
    order = np.array([float(round(at / 60.0) * 60.0) for *_, at in rows])
    correct = np.array([c for _u, _i, c, _s, _a in rows], dtype=float)
    log_t = np.array([math.log(s) if s else math.nan for _u, _i, _c, s, _a in rows])
    keys, counts, states = learning.final_states(group, order, correct, log_t)
    replay: dict = {}
    n: dict = {}
    for r in np.lexsort((np.arange(len(rows)), order, group)).tolist():
        g = int(group[r])
        replay[g] = advance_state(
            replay.get(g), correct=bool(correct[r]), at=float(order[r]), log_seconds=log_t[r]
        )
        n[g] = n.get(g, 0) + 1
    assert sorted(replay) == keys.tolist()
    for k, key in enumerate(keys.tolist()):
        assert counts[k] == n[key]
        assert np.allclose(states[k], replay[key], rtol=1e-7, atol=1e-6, equal_nan=True)
