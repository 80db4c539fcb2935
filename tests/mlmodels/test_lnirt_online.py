"""LNIRT's instant update: per-topic and per-task offsets with forgetting, the same from state
rows as from the table, and predictions that move the way learning and forgetting should."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mlmodels.benchmark import LnirtTrainer, OnlineLnirtTrainer
from mlmodels.data import AttemptRecord, split_chronological, table_from_records
from mlmodels.evaluation import auc, log_loss
from mlmodels.lnirt import Dynamics, LnirtParams, fit_lnirt, predict_table
from mlmodels.lnirt_online import (
    advance,
    choose_dynamics,
    filter_table,
    fitted_student,
    new_student,
    predict_student,
)
from tests.mlmodels.learners import DAY, simulate

LIVELY = Dynamics(
    topic_sd=0.4,
    task_sd=0.3,
    topic_speed_sd=0.2,
    task_speed_sd=0.1,
    half_life_hours=48.0,
    drift_per_day=0.05,
)


@pytest.fixture(scope="module")
def learners():
    return simulate(students=120, seed=4)


@pytest.fixture(scope="module")
def fitted(learners) -> LnirtParams:
    return replace(fit_lnirt(learners), dynamics=LIVELY)


attempt = st.tuples(
    st.integers(0, 3),  # student
    st.integers(0, 5),  # item (topic = item % 3)
    st.booleans(),
    st.one_of(st.none(), st.floats(0.5, 600)),  # seconds, sometimes unknown
    st.floats(0, 30 * DAY),  # when
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(attempt, min_size=1, max_size=50))
def test_it_serves_from_state_rows_what_the_table_path_predicts(fitted, rows) -> None:
    table = table_from_records(
        AttemptRecord(
            user=f"s{u}",  # s0..s3 are students the fit knows; the update starts them afresh
            item=f"i{i}",
            topic=f"t{i % 3}",
            difficulty="",
            correct=c,
            seconds=s,
            order=float(round(at / 60.0) * 60.0),  # ties happen, broken by row order
        )
        for u, i, c, s, at in rows
    )
    out = filter_table(fitted, table)
    students: dict = {}
    offsets: dict = {}
    for r in table.chronological_index().tolist():
        u, at = table.users[table.user[r]], float(table.order[r])
        item = (table.items[table.item[r]], table.topics[table.topic[r]], 0)
        topic_key, task_key = (u, "topic", item[1]), (u, "task", item[0])
        p, log_t = predict_student(
            fitted,
            student=students.get(u),
            offsets=[(offsets.get(topic_key), offsets.get(task_key))],
            items=[item],
            now=at,
        )
        assert p[0] == pytest.approx(out.p[r], abs=1e-9)
        assert log_t[0] == pytest.approx(out.log_t[r], abs=1e-9)
        students[u], offsets[topic_key], offsets[task_key] = advance(
            fitted,
            student=students.get(u),
            topic=offsets.get(topic_key),
            task=offsets.get(task_key),
            item=item,
            correct=bool(table.correct[r] > 0.5),
            log_seconds=float(table.log_seconds[r]),
            at=at,
        )
    # The final states are what the table path hands to the state rows.
    for code, name in enumerate(table.users):
        if name in students:
            assert np.allclose(out.students[code], students[name], equal_nan=True)


def logit(p: float) -> float:
    return math.log(p / (1.0 - p))


class Student:
    """One student's states, as the rows keep them."""

    def __init__(self, params: LnirtParams) -> None:
        self.params = params
        self.state: np.ndarray | None = None
        self.offsets: dict[tuple[str, str], np.ndarray] = {}

    def answer(self, item: str, topic: str, *, correct: bool, at: float) -> Student:
        out = Student(self.params)
        out.offsets = dict(self.offsets)
        out.state, out.offsets[("topic", topic)], out.offsets[("task", item)] = advance(
            self.params,
            student=self.state,
            topic=self.offsets.get(("topic", topic)),
            task=self.offsets.get(("task", item)),
            item=(item, topic, 0),
            correct=correct,
            log_seconds=math.log(40.0),
            at=at,
        )
        return out

    def chance(self, item: str, topic: str, *, now: float, practised: bool = True) -> float:
        pair = (self.offsets.get(("topic", topic)), self.offsets.get(("task", item)))
        p, _ = predict_student(
            self.params,
            student=self.state,
            offsets=[pair if practised else (None, None)],
            items=[(item, topic, 0)],
            now=now,
        )
        return float(p[0])


history_step = st.tuples(st.sampled_from(["t0", "t1", "t2"]), st.integers(0, 5), st.booleans())


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    history=st.lists(history_step, min_size=0, max_size=30),
    topic=st.sampled_from(["t0", "t1", "t2"]),
    other=st.sampled_from(["t3", "t4", "t5"]),
    item_k=st.integers(0, 5),
)
def test_it_moves_the_practised_topic_most_after_an_answer(
    fitted, history, topic, other, item_k
) -> None:
    student = Student(fitted)
    at = 0.0
    for t, k, correct in history:
        student = student.answer(f"i{int(t[1]) * 6 + k}", t, correct=correct, at=at)
        at += 90.0
    item = f"i{int(topic[1]) * 6 + item_k}"
    other_item = f"i{int(other[1]) * 6 + item_k}"
    now = at + 60.0
    right = student.answer(item, topic, correct=True, at=now)
    wrong = student.answer(item, topic, correct=False, at=now)
    after_right = right.chance(item, topic, now=now + 60)
    after_wrong = wrong.chance(item, topic, now=now + 60)
    # One more attempt: higher when it was right than when it was wrong.
    assert after_right > after_wrong
    # Another topic moves with the answer (through the overall ability), but less.
    other_right = right.chance(other_item, other, now=now + 60)
    other_wrong = wrong.chance(other_item, other, now=now + 60)
    assert 0 < logit(other_right) - logit(other_wrong) < logit(after_right) - logit(after_wrong)
    # A wrong answer never raises the practised topic's chance.
    before = student.chance(item, topic, now=now)
    assert after_wrong < before


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    history=st.lists(history_step, min_size=1, max_size=30),
    gap_days=st.floats(20, 200),
)
def test_it_moves_a_topic_toward_the_students_overall_level_after_a_long_gap(
    fitted, history, gap_days
) -> None:
    student = Student(fitted)
    at = 0.0
    for t, k, correct in history:
        student = student.answer(f"i{int(t[1]) * 6 + k}", t, correct=correct, at=at)
        at += 90.0
    t, k, _ = history[-1]
    item = f"i{int(t[1]) * 6 + k}"
    later = at + gap_days * DAY
    # The distance to what the student's overall ability alone predicts (the offsets' prior).
    now_gap = abs(
        logit(student.chance(item, t, now=at))
        - logit(student.chance(item, t, now=at, practised=False))
    )
    later_gap = abs(
        logit(student.chance(item, t, now=later))
        - logit(student.chance(item, t, now=later, practised=False))
    )
    assert later_gap <= now_gap + 1e-9
    assert later_gap < 0.02


def test_it_lowers_a_chance_that_practice_raised_after_a_long_gap(fitted) -> None:
    student = Student(fitted)
    for k in range(8):
        student = student.answer(f"i{k % 6}", "t0", correct=True, at=60.0 * k)
    fresh = student.chance("i1", "t0", now=600.0)
    assert fresh > Student(fitted).chance("i1", "t0", now=600.0)
    assert student.chance("i1", "t0", now=600.0 + 30 * DAY) < fresh


def test_it_lowers_the_practised_topic_more_than_another_after_three_wrong_answers(
    fitted,
) -> None:
    """The demo scenario: three wrong calculus answers lower calculus, not dynamics alike."""
    student = Student(fitted)
    for k in range(12):  # some history on both topics first
        topic = ("t0", "t1")[k % 2]
        student = student.answer(
            f"i{int(topic[1]) * 6 + k % 6}", topic, correct=k % 3 > 0, at=60.0 * k
        )
    now = 3600.0
    before = {t: student.chance(f"i{int(t[1]) * 6 + 2}", t, now=now) for t in ("t0", "t1")}
    for k in range(3):
        student = student.answer(f"i{k}", "t0", correct=False, at=now + 60.0 * k)
    after = {t: student.chance(f"i{int(t[1]) * 6 + 2}", t, now=now + 300.0) for t in ("t0", "t1")}
    drop = {t: before[t] - after[t] for t in before}
    assert drop["t0"] > 2 * drop["t1"] > 0


def test_it_starts_a_student_the_fit_knows_from_their_fitted_posterior(learners) -> None:
    params = fit_lnirt(learners)
    state = fitted_student(params, learners.users[0])
    assert state[0] == params.theta[0] and state[1] == params.tau[0]
    assert 0 < state[2] < params.person_cov[0, 0]
    assert np.array_equal(fitted_student(params, "nobody"), new_student(params), equal_nan=True)


def test_it_approximates_the_static_update_without_dynamics(learners) -> None:
    params = fit_lnirt(learners)
    test = split_chronological(learners)
    online = filter_table(params, learners).p[test]
    batch, _ = predict_table(params, learners, test, evidence="earlier")
    # Filtering answer by answer approximates the joint posterior of all of them.
    assert np.max(np.abs(online - batch)) < 0.03


def test_it_chooses_offsets_and_forgetting_on_learners_who_have_them(learners) -> None:
    train_mask = ~split_chronological(learners)
    train = learners.subset(train_mask)
    val = split_chronological(train)
    first = fit_lnirt(train.subset(~val))
    dynamics, p_val = choose_dynamics(first, train, val)
    assert dynamics.topic_sd > 0 and math.isfinite(dynamics.half_life_hours)
    static = filter_table(first, train).p[val]
    y = train.correct[val]
    assert log_loss(y, p_val) < log_loss(y, static)


def test_it_predicts_learners_better_than_the_static_update(learners) -> None:
    test = split_chronological(learners)
    y = learners.correct[test]
    online = OnlineLnirtTrainer()
    p_online, _ = online.predict(online.train(learners.subset(~test), seed=0), learners, test)
    static = LnirtTrainer()
    p_static, _ = static.predict(static.train(learners.subset(~test), seed=0), learners, test)
    assert auc(y, p_online) > auc(y, p_static) + 0.01
    assert log_loss(y, p_online) < log_loss(y, p_static)
