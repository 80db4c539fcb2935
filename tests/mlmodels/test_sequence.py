"""The sequence model on small simulated data: Keras ↔ NumPy agreement, learning, cold start, I/O.

One tiny model is trained once per test run (a few seconds) and shared by the tests.
"""

from __future__ import annotations

import functools
import math
import subprocess
import sys
import time
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

import numpy as np
import pytest

from mlmodels.data import AttemptRecord, AttemptTable, split_random, table_from_records
from mlmodels.sequence_serve import (
    HistoryStep,
    SequenceModelError,
    SequencePredictor,
    Target,
)

if TYPE_CHECKING:
    from mlmodels.sequence_train import SequenceConfig

REPO = Path(__file__).resolve().parents[2]
TOPICS = ("kinematics", "forces", "energy", "waves")
ITEMS_PER_TOPIC = 6
ATTEMPTS = 36

# The tests that load TensorFlow share one pytest-xdist worker (`make test-fast`): it is
# imported, and the training step traced, once.
pytestmark = pytest.mark.xdist_group("tensorflow")


def sequence_train() -> ModuleType:
    """The trainer module, imported by the tests that use it (skipped without TensorFlow): at the
    top of this file it would load TensorFlow (~5 s) in every pytest-xdist worker that collects
    the suite, not only in the one that runs these tests."""
    return pytest.importorskip("mlmodels.sequence_train")


@functools.cache
def small_config() -> SequenceConfig:
    return sequence_train().SequenceConfig(
        user_dim=4, item_dim=8, topic_dim=3, lstm_units=16, hidden_units=16, patience=2
    )


def simulate(n_students: int, *, seed: int, prefix: str = "s") -> list[AttemptRecord]:
    """Students practise random tasks; on each topic their chance of success rises with every
    earlier attempt on it. A static user + item model sees only the average of that curve."""
    rng = np.random.default_rng(seed)
    ease = rng.normal(0.0, 0.7, size=len(TOPICS) * ITEMS_PER_TOPIC)
    intensity = rng.normal(4.0, 0.4, size=ease.size)
    records: list[AttemptRecord] = []
    for s in range(n_students):
        ability = rng.normal(0.0, 0.5)
        speed = rng.normal(0.0, 0.3)
        practice = np.zeros(len(TOPICS))
        for k in range(ATTEMPTS):
            item = int(rng.integers(ease.size))
            topic = item // ITEMS_PER_TOPIC
            logit = -2.5 + ability + ease[item] + 0.7 * practice[topic]
            correct = bool(rng.random() < 1.0 / (1.0 + math.exp(-logit)))
            practice[topic] += 1
            log_t = intensity[item] - speed - 0.03 * practice[topic] + rng.normal(0.0, 0.3)
            records.append(
                AttemptRecord(
                    user=f"{prefix}{s}",
                    item=f"task{item}",
                    topic=TOPICS[topic],
                    difficulty=("easy", "medium", "hard")[item % 3],
                    correct=correct,
                    seconds=None if rng.random() < 0.05 else math.exp(log_t),
                    order=float(k),
                )
            )
    return records


def auc(y: np.ndarray, score: np.ndarray) -> float:
    order = np.argsort(score, kind="mergesort")
    ranks = np.empty(len(score))
    ranks[order] = np.arange(1, len(score) + 1)
    # Average the ranks of ties so a constant score gets 0.5.
    for value in np.unique(score):
        tied = score == value
        ranks[tied] = ranks[tied].mean()
    pos = y == 1
    n1, n0 = pos.sum(), (~pos).sum()
    return float((ranks[pos].sum() - n1 * (n1 + 1) / 2) / (n1 * n0))


def log_loss(y: np.ndarray, p: np.ndarray) -> float:
    p = np.clip(p, 1e-7, 1 - 1e-7)
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))


def static_user_item_logit(train: AttemptTable, test: AttemptTable) -> np.ndarray:
    """Ridge logistic regression on one-hot user + item (the bar of docs/models.md), by gradient
    descent."""
    nu, ni = len(train.users), len(train.items)
    bu, bi, c = np.zeros(nu), np.zeros(ni), 0.0
    y = train.correct.astype(float)
    for _ in range(500):
        p = 1 / (1 + np.exp(-(c + bu[train.user] + bi[train.item])))
        r = p - y
        bu -= (
            0.5
            * (np.bincount(train.user, r, nu) + bu)
            / np.maximum(np.bincount(train.user, minlength=nu), 1)
        )
        bi -= (
            0.5
            * (np.bincount(train.item, r, ni) + bi)
            / np.maximum(np.bincount(train.item, minlength=ni), 1)
        )
        c -= 0.5 * r.mean()
    return c + bu[test.user] + bi[test.item]


def train_world() -> dict[str, object]:
    """120 students for training (80 % of each one's attempts) and 40 never seen in training.
    Trained once per test run: the session fixture `world` (tests/mlmodels/conftest.py)."""
    st = sequence_train()
    table = table_from_records(simulate(120, seed=1) + simulate(40, seed=1, prefix="new"))
    cold = np.array([table.users[u].startswith("new") for u in table.user])
    test = split_random(table, seed=0) & ~cold
    train = table.subset(~test & ~cold)
    started = time.process_time()  # CPU time: the shared test machine makes wall time noisy
    artifacts = st.fit_sequence_model(train, seed=0, epochs=15, threads=1, config=small_config())
    return {
        "table": table,
        "cold": cold,
        "test": test,
        "train": train,
        "artifacts": artifacts,
        "predictor": st.predictor_from_artifacts(artifacts),
        "cpu_seconds": time.process_time() - started,
    }


def random_inputs(predictor: SequencePredictor, n: int, seed: int) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    length = predictor.history_len
    n_hist = rng.integers(0, length + 1, size=n)  # 0 = no history at all
    mask = (np.arange(length)[None, :] >= length - n_hist[:, None]).astype(np.float32)

    def ids(vocab_size: int, shape: tuple[int, ...]) -> np.ndarray:
        # Index 0 (unknown) appears often, real ids the rest of the time.
        x = rng.integers(0, vocab_size + 1, size=shape)
        return np.where(rng.random(shape) < 0.2, 0, x).astype(np.int32)

    numeric = np.stack(
        [
            rng.integers(0, 2, size=(n, length)),
            rng.normal(size=(n, length)),
            rng.integers(0, 2, size=(n, length)),
            np.log1p(rng.exponential(24.0, size=(n, length))),  # hours since the step before
        ],
        axis=-1,
    ).astype(np.float32)
    return {
        "user": ids(len(predictor.users), (n,)),
        "item": ids(len(predictor.items), (n,)),
        "topic": ids(len(predictor.topics), (n,)),
        "difficulty": rng.integers(0, 4, size=n).astype(np.int32),
        "h_item": ids(len(predictor.items), (n, length)) * mask.astype(np.int32),
        "h_topic": ids(len(predictor.topics), (n, length)) * mask.astype(np.int32),
        "h_difficulty": rng.integers(0, 4, size=(n, length)).astype(np.int32),
        "h_numeric": numeric * mask[..., None],
        "h_mask": mask,
        # The evidence on the target's topic and task: log((s + 1) / (f + 1)).
        "t_numeric": np.log(
            (rng.integers(0, 5, size=(n, 2)) + 1.0) / (rng.integers(0, 5, size=(n, 2)) + 1.0)
        ).astype(np.float32),
    }


def test_it_matches_the_keras_forward_pass(world: dict) -> None:
    artifacts, predictor = world["artifacts"], world["predictor"]
    x = random_inputs(predictor, 300, seed=3)
    out = artifacts.model(x, training=False)
    p_keras = np.asarray(out["p_correct"]).reshape(-1)
    z_keras = np.asarray(out["log_time"]).reshape(-1)
    p_np, z_np = predictor.forward(x)
    np.testing.assert_allclose(p_np, p_keras, atol=1e-5)
    np.testing.assert_allclose(z_np, z_keras, atol=1e-5)
    # The same rows one at a time (the web path's batch of one) agree too.
    p_one, _ = predictor.forward({k: v[:1] for k, v in x.items()})
    assert abs(p_one[0] - p_keras[0]) < 1e-5


def test_it_learns_a_learning_effect_a_static_model_cannot(world: dict) -> None:
    st = sequence_train()
    table, test, train = world["table"], world["test"], world["train"]
    y = table.correct[test]
    p, _ = st.SequenceTrainer().predict(world["artifacts"], table, test)
    static = static_user_item_logit(train, table.subset(test))
    seq_auc, static_auc = auc(y, p), auc(y, static)
    assert seq_auc > static_auc + 0.04, (seq_auc, static_auc)


def test_it_predicts_cold_start_students_from_their_history(world: dict) -> None:
    table, cold, train = world["table"], world["cold"], world["train"]
    # Every attempt of a never-seen student, predicted from the attempts before it.
    p, log_s = world["predictor"].predict_table(table, cold)
    y = table.correct[cold]
    global_mean = float(train.correct.mean())
    assert log_loss(y, p) < log_loss(y, np.full(len(y), global_mean)) - 0.03
    timed = ~np.isnan(table.log_seconds[cold])
    mean_time = np.nanmean(train.log_seconds)
    errors = np.abs(log_s[timed] - table.log_seconds[cold][timed])
    assert errors.mean() < np.abs(mean_time - table.log_seconds[cold][timed]).mean()


def test_it_predicts_one_student_like_the_table_path(world: dict) -> None:
    table, predictor = world["table"], world["predictor"]
    rows = np.flatnonzero(table.user == table.users.index("s7"))
    rows = rows[np.argsort(table.order[rows])]
    p_table, log_table = predictor.predict_table(table)
    k = 25  # predict attempt 25 from the 24 before it (more than history_len: truncated)
    history = [
        HistoryStep(
            item=table.items[table.item[r]],
            topic=table.topics[table.topic[r]],
            difficulty=int(table.difficulty[r]),
            correct=bool(table.correct[r]),
            log_seconds=None if np.isnan(table.log_seconds[r]) else float(table.log_seconds[r]),
            at=float(table.order[r]),
        )
        for r in rows[:k]
    ]
    r = rows[k]
    target = Target(
        item=table.items[table.item[r]],
        topic=table.topics[table.topic[r]],
        difficulty=int(table.difficulty[r]),
    )
    p, log_s = predictor.predict_log(user="s7", history=history, targets=[target])
    # The table path stores normalised times as float32, hence not bit-identical.
    assert p[0] == pytest.approx(p_table[r], abs=1e-6)
    assert log_s[0] == pytest.approx(log_table[r], abs=1e-6)
    _, seconds = predictor.predict(user="s7", history=history, targets=[target])
    assert seconds[0] > math.exp(log_s[0])  # the log-normal mean lies above the median


def test_it_never_raises_on_unknown_ids(world: dict) -> None:
    predictor = world["predictor"]
    history = [
        HistoryStep("task1", "forces", 2, True, 3.9),
        HistoryStep("no-such-task", "astrophysics", 7, False, None),
        HistoryStep("task3", "", -1, True, float("nan")),
    ]
    targets = [
        Target("task1", "forces", 2),
        Target("brand-new", "relativity", 99),
        Target("task2", "no-topic", 0),
    ]
    for user in ("s1", "someone-new", ""):
        for hist in (history, []):
            p, seconds = predictor.predict(user=user, history=hist, targets=targets)
            assert p.shape == seconds.shape == (3,)
            assert np.all((p > 0) & (p < 1)) and np.all(np.isfinite(seconds) & (seconds > 0))
    p, seconds = predictor.predict(user="s1", history=history, targets=[])
    assert p.shape == seconds.shape == (0,)


def test_it_round_trips_through_the_exported_file(world: dict, tmp_path: Path) -> None:
    st = sequence_train()
    artifacts, predictor = world["artifacts"], world["predictor"]
    path = st.export_weights(artifacts, tmp_path / "models" / "sequence-v1.npz")
    loaded = SequencePredictor.load(path)
    x = random_inputs(predictor, 50, seed=5)
    np.testing.assert_array_equal(loaded.forward(x)[0], predictor.forward(x)[0])
    assert loaded.items == predictor.items and loaded.time_mean == predictor.time_mean
    # Overwriting in place goes through a temp file that does not linger.
    st.export_weights(artifacts, path)
    keras_path = st.save_keras(artifacts, tmp_path / "models" / "sequence-v1.keras")
    assert sorted(p.name for p in path.parent.iterdir()) == [
        "sequence-v1.keras",
        "sequence-v1.npz",
    ]
    import keras

    reloaded = keras.saving.load_model(keras_path)
    out = reloaded(x, training=False)
    np.testing.assert_allclose(
        np.asarray(out["p_correct"]).reshape(-1), predictor.forward(x)[0], atol=1e-5
    )


def test_it_rejects_a_broken_or_foreign_file(world: dict, tmp_path: Path) -> None:
    st = sequence_train()
    broken = tmp_path / "broken.npz"
    broken.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(SequenceModelError):
        SequencePredictor.load(broken)
    arrays = st.export_arrays(world["artifacts"])
    arrays["format_version"] = np.asarray(999)
    np.savez(tmp_path / "future.npz", **arrays)
    with pytest.raises(SequenceModelError, match="format"):
        SequencePredictor.load(tmp_path / "future.npz")
    arrays = st.export_arrays(world["artifacts"])
    arrays["hidden_kernel"] = arrays["hidden_kernel"][:-1]
    np.savez(tmp_path / "mismatched.npz", **arrays)
    with pytest.raises(SequenceModelError, match="dense"):
        SequencePredictor.load(tmp_path / "mismatched.npz")
    with pytest.raises(FileNotFoundError):
        SequencePredictor.load(tmp_path / "missing.npz")
    arrays = st.export_arrays(world["artifacts"])
    arrays["evidence_kernel"] = -np.ones_like(arrays["evidence_kernel"])
    np.savez(tmp_path / "negative.npz", **arrays)
    with pytest.raises(SequenceModelError, match="evidence"):
        SequencePredictor.load(tmp_path / "negative.npz")


def test_it_still_reads_a_file_of_the_first_format(world: dict, tmp_path: Path) -> None:
    """Published before the elapsed times and the evidence term: it serves until the next
    training replaces it, as this network would with both left out."""
    st = sequence_train()
    arrays = st.export_arrays(world["artifacts"])
    arrays["lstm_kernel"][-1] = 0.0  # the elapsed time is the last input of a step
    arrays["evidence_kernel"][:] = 0.0
    without = SequencePredictor(arrays)
    old = {**arrays, "lstm_kernel": arrays["lstm_kernel"][:-1], "format_version": np.asarray(1)}
    del old["evidence_kernel"]
    np.savez(tmp_path / "old.npz", **old)
    loaded = SequencePredictor.load(tmp_path / "old.npz")
    x = random_inputs(world["predictor"], 40, seed=8)
    np.testing.assert_allclose(loaded.forward(x)[0], without.forward(x)[0], atol=1e-6)
    assert not np.allclose(loaded.forward(x)[0], world["predictor"].forward(x)[0], atol=1e-3)


def test_it_serves_without_importing_tensorflow() -> None:
    code = (
        "import sys; import mlmodels.sequence_serve; "
        "bad = sorted(m for m in ('tensorflow', 'keras', 'mlmodels.sequence_train') "
        "if m in sys.modules); print(bad); sys.exit(1 if bad else 0)"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_it_predicts_a_page_of_targets_quickly(world: dict) -> None:
    predictor = world["predictor"]
    history = [HistoryStep(f"task{i}", TOPICS[i % 4], 1, i % 2 == 0, 4.0) for i in range(20)]
    targets = [Target(f"task{i}", TOPICS[i % 4], 2) for i in range(20)]
    timings = []
    for _ in range(50):
        started = time.perf_counter()
        predictor.predict(user="s1", history=history, targets=targets)
        timings.append(time.perf_counter() - started)
    # ~0.3 ms unloaded; the bound is loose because the test machine is shared.
    assert float(np.median(timings)) < 0.01


def test_it_trains_small_tables_in_seconds(world: dict) -> None:
    artifacts = world["artifacts"]
    assert artifacts.epochs_run >= 1
    assert world["cpu_seconds"] < 60


def test_a_fit_gives_the_same_model_whatever_was_trained_before() -> None:
    """Fits reuse one compiled network (its traced training step): each must start from its own
    fresh state (weights, optimizer, id dropout, shuffling), as a new network would."""
    st = sequence_train()
    # Vocabularies of the same capacity, so the second and third fits reuse the first's network.
    first_table = table_from_records(simulate(12, seed=5))
    other_table = table_from_records(simulate(14, seed=6, prefix="o"))

    def fit(table: AttemptTable, seed: int) -> dict[str, np.ndarray]:
        return st.export_arrays(
            st.fit_sequence_model(table, seed=seed, epochs=3, threads=1, config=small_config())
        )

    st.forget_compiled_networks()
    fresh = fit(first_table, 0)
    network = next(iter(st._NETWORKS.values()))
    fit(other_table, 1)  # moves the shared network's weights, optimizer and generators on
    reused = fit(first_table, 0)
    assert next(iter(st._NETWORKS.values())) is network
    assert fresh.keys() == reused.keys()
    for key in fresh:
        if fresh[key].dtype.kind in "fc":
            np.testing.assert_allclose(reused[key], fresh[key], rtol=0, atol=1e-6, err_msg=key)
        else:
            np.testing.assert_array_equal(reused[key], fresh[key], err_msg=key)
