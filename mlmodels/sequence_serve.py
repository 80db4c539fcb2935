"""Serving the sequence model without TensorFlow: a NumPy forward pass over exported weights.

Web processes import this module, never `sequence_train` (importing TensorFlow costs ~2 s and
~540 MB per process, docs/architecture.md). The worker trains the Keras network and writes one
`.npz` with
every weight matrix, the vocabularies and the normalisation constants; `SequencePredictor` loads it
and reproduces `model(x, training=False)` to ~1e-6 (checked against Keras by a test).

Network (mirrored in `sequence_train.build_model`): for a target attempt,
  history  = LSTM over the student's previous `history_len` attempts, left-padded and masked; each
             step is item ⊕ topic ⊕ difficulty embeddings ⊕ (correct, normalised log time,
             missing, log(1 + hours since the attempt before it))
  features = history ⊕ user embedding ⊕ target item / topic / difficulty embeddings
  hidden   = relu(features @ W + b)
  evidence = log((successes + 1) / (failures + 1)) among the steps on the target's topic and on
             the target task (`target_features`)
  logit    = hidden @ w_p + item_bias[item] + user_bias[user] + evidence @ w_e, w_e ≥ 0
                                                                   → P(correct) = sigmoid(logit)
  log time = time_mean + time_std · (hidden @ w_t + item_time_bias[item] + user_time_bias[user])
The evidence term is the part of the logit that must move the right way after an answer: a
right answer on the topic raises it, a wrong one lowers it (its weights cannot turn negative),
whatever the LSTM makes of the extra step.
Index 0 of every vocabulary is the learned "unknown" (trained with id dropout), so an unseen
student, task, topic or difficulty is an ordinary lookup, never an error.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from mlmodels.data import DIFFICULTIES, AttemptTable

# 2: elapsed times per step and the per-target features (files of format 1 still load).
FORMAT_VERSION = 2
_READABLE_VERSIONS = (1, 2)
DEFAULT_HISTORY_LEN = 20
# Per step: correct (0/1), normalised log time (0 when missing), time-missing flag, log(1 +
# hours since the student's attempt before it; 0 for their first).
NUMERIC_STEP_FEATURES = 4
# Per target, from the steps (`target_features`): the evidence on its topic and on the task.
TARGET_FEATURES = 2
# Rows per chunk in the vectorised forward pass: bounds memory (the input projection is
# rows × history_len × 4·units floats, ~84 MB) while keeping each recurrent matmul big enough that
# OpenBLAS's threads pay off (measured: 2048-row chunks took 40 % longer on 2 cores).
_CHUNK_ROWS = 8192

WEIGHT_KEYS: tuple[str, ...] = (
    "user_embedding",
    "item_embedding",
    "topic_embedding",
    "difficulty_embedding",
    "lstm_kernel",
    "lstm_recurrent_kernel",
    "lstm_bias",
    "hidden_kernel",
    "hidden_bias",
    "correct_kernel",
    "correct_bias",
    "time_kernel",
    "time_bias",
    "item_bias",
    "user_bias",
    "item_time_bias",
    "user_time_bias",
)
VOCAB_KEYS: tuple[str, ...] = ("vocab_users", "vocab_items", "vocab_topics")
CONSTANT_KEYS: tuple[str, ...] = ("history_len", "time_mean", "time_std", "time_residual_std")


class SequenceModelError(ValueError):
    """The exported file is not a usable sequence model (wrong version, missing or bad arrays)."""


@dataclass(frozen=True)
class HistoryStep:
    """One earlier attempt of the student; `difficulty` is a code into `data.DIFFICULTIES`."""

    item: str
    topic: str
    difficulty: int
    correct: bool
    log_seconds: float | None  # natural log of seconds; None when the time is not valid
    at: float | None = None  # when it was answered, epoch seconds (None: unknown)


@dataclass(frozen=True)
class Target:
    item: str
    topic: str
    difficulty: int


def history_index(user: np.ndarray, order: np.ndarray, history_len: int) -> np.ndarray:
    """For every row, the row indices of the same student's previous `history_len` attempts.

    Left-padded with -1, most recent attempt in the last column. Attempts are ordered by
    (order, row index), the same tie-break as `AttemptTable.chronological_index`.
    """
    n = int(user.shape[0])
    out = np.full((n, history_len), -1, dtype=np.int64)
    if n == 0:
        return out
    idx = np.lexsort((np.arange(n), order, user))
    sorted_user = user[idx]
    starts = np.r_[0, np.flatnonzero(np.diff(sorted_user)) + 1]
    group_start = np.repeat(starts, np.diff(np.r_[starts, n]))
    pos = np.arange(n)
    for back in range(1, history_len + 1):
        prev = pos - back
        ok = prev >= group_start
        out[idx[ok], history_len - back] = idx[prev[ok]]
    return out


def _sigmoid(x: np.ndarray) -> np.ndarray:
    # exp(-x) overflows to inf for very negative x, and 1 / (1 + inf) is the right limit 0.
    with np.errstate(over="ignore"):
        return 1.0 / (1.0 + np.exp(-x))


def log_hours(seconds: Any) -> Any:
    """log(1 + hours) of elapsed seconds (negative: 0), elementwise."""
    return np.log1p(np.maximum(np.asarray(seconds, dtype=np.float64), 0.0) / 3600.0)


def target_features(
    *,
    h_topic: np.ndarray,
    h_item: np.ndarray,
    h_correct: np.ndarray,
    h_valid: np.ndarray,
    topic: np.ndarray,
    item: np.ndarray,
) -> np.ndarray:
    """The evidence the steps hold on each target, (..., TARGET_FEATURES): log((s + 1) / (f + 1))
    of the successes s and failures f among the steps on the target's topic, then on the task
    (LKT's logit of the success rate, with one pseudo-count of each).

    History arrays are (..., history_len) with `h_valid` marking real steps; `topic` and `item`
    are identity codes (equal means the same topic or task), broadcast against the history's
    leading shape.
    """
    valid = np.asarray(h_valid, dtype=bool)
    correct = np.asarray(h_correct) > 0.5
    out = []
    for same in (valid & (h_topic == topic[..., None]), valid & (h_item == item[..., None])):
        successes = np.sum(same & correct, axis=-1)
        failures = np.sum(same & ~correct, axis=-1)
        out.append(np.log((successes + 1.0) / (failures + 1.0)))
    return np.stack(out, axis=-1).astype(np.float32)


class SequencePredictor:
    """The exported sequence model, evaluated with NumPy in float32 (as Keras computes it; half
    the memory traffic of float64 in the batched table pass)."""

    def __init__(self, arrays: Mapping[str, np.ndarray]) -> None:
        missing = [k for k in (*WEIGHT_KEYS, *VOCAB_KEYS, *CONSTANT_KEYS) if k not in arrays]
        if missing:
            raise SequenceModelError(f"sequence model file lacks {', '.join(missing)}")
        version = int(np.asarray(arrays.get("format_version", -1)))
        if version not in _READABLE_VERSIONS:
            raise SequenceModelError(
                f"sequence model format {version}, this code reads {FORMAT_VERSION}"
            )
        # Format 1 had three numbers per step and no evidence term.
        self.step_features = NUMERIC_STEP_FEATURES if version >= 2 else 3
        evidence = arrays.get("evidence_kernel") if version >= 2 else None
        if version >= 2 and evidence is None:
            raise SequenceModelError("sequence model file lacks evidence_kernel")
        self._evidence = (
            np.zeros(TARGET_FEATURES, dtype=np.float32)
            if evidence is None
            else np.asarray(evidence, dtype=np.float32).reshape(-1)
        )
        if self._evidence.shape != (TARGET_FEATURES,) or not np.all(self._evidence >= 0):
            raise SequenceModelError("bad evidence weights in sequence model file")
        w = {k: np.asarray(arrays[k], dtype=np.float32) for k in WEIGHT_KEYS}
        self.users: tuple[str, ...] = tuple(str(s) for s in arrays["vocab_users"])
        self.items: tuple[str, ...] = tuple(str(s) for s in arrays["vocab_items"])
        self.topics: tuple[str, ...] = tuple(str(s) for s in arrays["vocab_topics"])
        self.history_len = int(np.asarray(arrays["history_len"]))
        self.time_mean = float(np.asarray(arrays["time_mean"]))
        self.time_std = float(np.asarray(arrays["time_std"]))
        self.time_residual_std = float(np.asarray(arrays["time_residual_std"]))
        # Platt (a, b) for the served probability (calibration.py); absent: not calibrated.
        self.calibration = (
            np.asarray(arrays["calibration"], dtype=np.float64).reshape(2)
            if "calibration" in arrays
            else None
        )
        self._check_shapes(w)
        self._w = w
        self.units = u = w["lstm_recurrent_kernel"].shape[0]
        # Keras orders the LSTM gates (input, forget, cell, output).
        gate_order = np.r_[0 : 2 * u, 3 * u : 4 * u, 2 * u : 3 * u]
        self._lstm_kernel = np.ascontiguousarray(w["lstm_kernel"][:, gate_order])
        self._lstm_recurrent = np.ascontiguousarray(w["lstm_recurrent_kernel"][:, gate_order])
        self._lstm_bias = w["lstm_bias"][gate_order]
        # Vocabulary index 0 is "unknown", so known strings start at 1.
        self._user_index = {s: i + 1 for i, s in enumerate(self.users)}
        self._item_index = {s: i + 1 for i, s in enumerate(self.items)}
        self._topic_index = {s: i + 1 for i, s in enumerate(self.topics)}

    def _check_shapes(self, w: dict[str, np.ndarray]) -> None:
        rows = {
            "user_embedding": len(self.users) + 1,
            "user_bias": len(self.users) + 1,
            "user_time_bias": len(self.users) + 1,
            "item_embedding": len(self.items) + 1,
            "item_bias": len(self.items) + 1,
            "item_time_bias": len(self.items) + 1,
            "topic_embedding": len(self.topics) + 1,
            "difficulty_embedding": len(DIFFICULTIES),
        }
        for key, n in rows.items():
            if w[key].ndim != 2 or w[key].shape[0] != n:
                raise SequenceModelError(f"{key} has shape {w[key].shape}, expected {n} rows")
        units = w["lstm_recurrent_kernel"].shape[0]
        step_dim = (
            w["item_embedding"].shape[1]
            + w["topic_embedding"].shape[1]
            + w["difficulty_embedding"].shape[1]
            + self.step_features
        )
        if w["lstm_kernel"].shape != (step_dim, 4 * units) or w["lstm_bias"].shape != (4 * units,):
            raise SequenceModelError("LSTM weights do not fit the embeddings")
        feature_dim = units + sum(
            w[k].shape[1]
            for k in (
                "user_embedding",
                "item_embedding",
                "topic_embedding",
                "difficulty_embedding",
            )
        )
        hidden = w["hidden_bias"].shape[0]
        if w["hidden_kernel"].shape != (feature_dim, hidden) or any(
            w[k].shape != (hidden, 1) for k in ("correct_kernel", "time_kernel")
        ):
            raise SequenceModelError("dense weights do not fit the features")
        if not all(np.isfinite(v).all() for v in w.values()):
            raise SequenceModelError("sequence model weights are not all finite")
        if self.history_len < 1 or not (self.time_std > 0 and math.isfinite(self.time_mean)):
            raise SequenceModelError("bad constants in sequence model file")

    # ----------------------------------------------------------------------------- loading

    @classmethod
    def load(cls, path: Path | str) -> SequencePredictor:
        """Load an exported `.npz`. Raises FileNotFoundError or SequenceModelError."""
        try:
            with np.load(path, allow_pickle=False) as npz:
                arrays = {k: npz[k] for k in npz.files}
        except FileNotFoundError:
            raise
        except Exception as exc:  # zipfile/pickle/format errors all mean "not a usable file"
            raise SequenceModelError(f"cannot read sequence model {path}: {exc}") from exc
        try:
            return cls(arrays)
        except SequenceModelError:
            raise
        except (TypeError, ValueError, IndexError) as exc:  # e.g. a constant that is not a scalar
            raise SequenceModelError(f"bad sequence model {path}: {exc}") from exc

    # -------------------------------------------------------------------- vectorised pass

    def encode_history(
        self,
        h_item: np.ndarray,
        h_topic: np.ndarray,
        h_difficulty: np.ndarray,
        h_numeric: np.ndarray,
        h_mask: np.ndarray,
    ) -> np.ndarray:
        """LSTM state after each row's history: (rows, units). Masked steps keep the state, as
        Keras does, so left padding leaves it at zero until the first real attempt."""
        w = self._w
        steps = np.concatenate(
            [
                w["item_embedding"][h_item],
                w["topic_embedding"][h_topic],
                w["difficulty_embedding"][h_difficulty],
                np.asarray(h_numeric, dtype=np.float32)[..., : self.step_features],
            ],
            axis=-1,
        )
        # One big matmul for every step's input projection; only the recurrence loops. Gate
        # columns were reordered at load to (i, f, o | c): one sigmoid call covers three gates.
        z_in = steps @ self._lstm_kernel + self._lstm_bias
        rk = self._lstm_recurrent
        u = self.units
        n, length = h_item.shape
        h = np.zeros((n, u), dtype=np.float32)
        c = np.zeros((n, u), dtype=np.float32)
        mask = np.asarray(h_mask) > 0.5
        for t in range(length):
            m = mask[:, t]
            if not m.any():
                continue
            z = z_in[:, t] + h @ rk
            gates = _sigmoid(z[:, : 3 * u])
            c_new = gates[:, u : 2 * u] * c + gates[:, :u] * np.tanh(z[:, 3 * u :])
            h_new = gates[:, 2 * u :] * np.tanh(c_new)
            if m.all():
                h, c = h_new, c_new
            else:
                h = np.where(m[:, None], h_new, h)
                c = np.where(m[:, None], c_new, c)
        return h

    def heads(
        self,
        state: np.ndarray,
        user: np.ndarray,
        item: np.ndarray,
        topic: np.ndarray,
        difficulty: np.ndarray,
        t_numeric: np.ndarray,
    ) -> tuple[np.ndarray, np.ndarray]:
        """(logit, standardised log time) per target; `state` may be one row shared by all."""
        w = self._w
        n = item.shape[0]
        if state.shape[0] != n:
            state = np.broadcast_to(state, (n, state.shape[1]))
        if user.shape[0] != n:
            user = np.broadcast_to(user, (n,))
        features = np.concatenate(
            [
                state,
                w["user_embedding"][user],
                w["item_embedding"][item],
                w["topic_embedding"][topic],
                w["difficulty_embedding"][difficulty],
            ],
            axis=1,
        )
        hidden = np.maximum(features @ w["hidden_kernel"] + w["hidden_bias"], 0.0)
        logit = (
            (hidden @ w["correct_kernel"])[:, 0]
            + w["correct_bias"][0]
            + w["item_bias"][item, 0]
            + w["user_bias"][user, 0]
            + np.asarray(t_numeric, dtype=np.float32) @ self._evidence
        )
        z_time = (
            (hidden @ w["time_kernel"])[:, 0]
            + w["time_bias"][0]
            + w["item_time_bias"][item, 0]
            + w["user_time_bias"][user, 0]
        )
        return logit, z_time

    def forward(self, inputs: Mapping[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
        """Model inputs as `sequence_train` feeds Keras → (p_correct, standardised log time)."""
        n = int(np.asarray(inputs["item"]).shape[0])
        p = np.empty(n)
        z = np.empty(n)
        for lo in range(0, n, _CHUNK_ROWS):
            sl = slice(lo, lo + _CHUNK_ROWS)
            state = self.encode_history(
                inputs["h_item"][sl],
                inputs["h_topic"][sl],
                inputs["h_difficulty"][sl],
                inputs["h_numeric"][sl],
                inputs["h_mask"][sl],
            )
            logit, z[sl] = self.heads(
                state,
                inputs["user"][sl],
                inputs["item"][sl],
                inputs["topic"][sl],
                inputs["difficulty"][sl],
                inputs["t_numeric"][sl],
            )
            p[sl] = _sigmoid(logit)
        return p, z

    def to_log_seconds(self, z_time: np.ndarray) -> np.ndarray:
        return self.time_mean + self.time_std * np.asarray(z_time, dtype=np.float64)

    # ---------------------------------------------------------------- one student, a page

    def predict_log(
        self, *, user: str, history: Sequence[HistoryStep], targets: Sequence[Target]
    ) -> tuple[np.ndarray, np.ndarray]:
        """(p_correct, predicted log seconds) for each target; `history` oldest first, its last
        `history_len` steps are read (one more before them, if given, only for the first
        step's elapsed time).

        One LSTM pass over the steps is shared by every target.
        """
        p, log_s = self.predict_log_many(users=[user], histories=[history], targets=targets)
        return p[0], log_s[0]

    def predict(
        self, *, user: str, history: Sequence[HistoryStep], targets: Sequence[Target]
    ) -> tuple[np.ndarray, np.ndarray]:
        """(p_correct, expected seconds) for each target; `history` oldest first.

        Expected seconds is the log-normal mean exp(μ + σ²/2), σ being the residual spread of
        log time on the validation slice; exp(μ) alone would be the median.
        """
        p, log_s = self.predict_log(user=user, history=history, targets=targets)
        return p, np.exp(log_s + 0.5 * self.time_residual_std**2)

    def predict_log_many(
        self,
        *,
        users: Sequence[str],
        histories: Sequence[Sequence[HistoryStep]],
        targets: Sequence[Target],
    ) -> tuple[np.ndarray, np.ndarray]:
        """`predict_log` for many students at once (a class): (p_correct, predicted log
        seconds), each of shape (students, targets). One LSTM pass over every student's
        left-padded history (padding is masked), then one pass of the heads over every
        student × target."""
        n_users, n = len(users), len(targets)
        if n_users == 0 or n == 0:
            return np.empty((n_users, n)), np.empty((n_users, n))
        length = self.history_len
        h_item = np.zeros((n_users, length), dtype=np.int64)
        h_topic = np.zeros((n_users, length), dtype=np.int64)
        h_diff = np.zeros((n_users, length), dtype=np.int64)
        numeric = np.zeros((n_users, length, NUMERIC_STEP_FEATURES), dtype=np.float32)
        mask = np.zeros((n_users, length))
        # Identity codes of the steps' topics and tasks, known to the model or not.
        names: dict[tuple[int, str], int] = {}
        same_topic = np.full((n_users, length), -1, dtype=np.int64)
        same_item = np.full((n_users, length), -1, dtype=np.int64)
        for row, history in enumerate(histories):
            steps = list(history)[-length - 1 :]
            before = steps.pop(0) if len(steps) > length else None
            previous = before.at if before is not None else None
            for j, s in enumerate(steps, start=length - len(steps)):
                h_item[row, j] = self._item_index.get(s.item, 0)
                h_topic[row, j] = self._topic_index.get(s.topic, 0)
                h_diff[row, j] = _difficulty_code(s.difficulty)
                numeric[row, j, 0] = 1.0 if s.correct else 0.0
                ls = s.log_seconds
                if ls is not None and math.isfinite(ls):
                    numeric[row, j, 1] = (ls - self.time_mean) / self.time_std
                else:
                    numeric[row, j, 2] = 1.0
                if s.at is not None and previous is not None:
                    numeric[row, j, 3] = log_hours(s.at - previous)
                previous = s.at
                mask[row, j] = 1.0
                same_topic[row, j] = names.setdefault((0, s.topic), len(names))
                same_item[row, j] = names.setdefault((1, s.item), len(names))
        state = self.encode_history(h_item, h_topic, h_diff, numeric, mask)
        user = np.fromiter((self._user_index.get(u, 0) for u in users), np.int64, n_users)
        item = np.fromiter((self._item_index.get(t.item, 0) for t in targets), np.int64, n)
        topic = np.fromiter((self._topic_index.get(t.topic, 0) for t in targets), np.int64, n)
        diff = np.fromiter((_difficulty_code(t.difficulty) for t in targets), np.int64, n)
        t_numeric = target_features(
            h_topic=same_topic[:, None, :],
            h_item=same_item[:, None, :],
            h_correct=numeric[:, None, :, 0],
            h_valid=mask[:, None, :] > 0.5,
            topic=np.array([names.get((0, t.topic), -2) for t in targets])[None, :],
            item=np.array([names.get((1, t.item), -2) for t in targets])[None, :],
        )
        logit, z_time = self._heads_grid(state, user, item, topic, diff, t_numeric)
        p = _sigmoid(logit).astype(np.float64)
        return p, self.to_log_seconds(z_time)

    def _heads_grid(
        self,
        state: np.ndarray,
        user: np.ndarray,
        item: np.ndarray,
        topic: np.ndarray,
        difficulty: np.ndarray,
        t_numeric: np.ndarray,
    ) -> tuple[np.ndarray, np.ndarray]:
        """`heads` for every student × every target, shapes (students, targets). The hidden
        layer's input is a concatenation, so its product splits into a per-student and a
        per-target part, added before the ReLU: no (students·targets × features) matrix."""
        w = self._w
        blocks = [
            state.shape[1],
            w["user_embedding"].shape[1],
            w["item_embedding"].shape[1],
            w["topic_embedding"].shape[1],
            w["difficulty_embedding"].shape[1],
        ]
        k_state, k_user, k_item, k_topic, k_diff = np.split(
            w["hidden_kernel"], np.cumsum(blocks)[:-1], axis=0
        )
        per_student = state @ k_state + w["user_embedding"][user] @ k_user
        per_target = (
            w["item_embedding"][item] @ k_item
            + w["topic_embedding"][topic] @ k_topic
            + w["difficulty_embedding"][difficulty] @ k_diff
            + w["hidden_bias"]
        )
        hidden = np.maximum(per_student[:, None, :] + per_target[None, :, :], 0.0)
        logit = (
            hidden @ w["correct_kernel"][:, 0]
            + w["correct_bias"][0]
            + w["item_bias"][item, 0][None, :]
            + w["user_bias"][user, 0][:, None]
            + t_numeric @ self._evidence
        )
        z_time = (
            hidden @ w["time_kernel"][:, 0]
            + w["time_bias"][0]
            + w["item_time_bias"][item, 0][None, :]
            + w["user_time_bias"][user, 0][:, None]
        )
        return logit, z_time

    # ------------------------------------------------------------------ whole attempt tables

    def table_inputs(self, table: AttemptTable) -> dict[str, np.ndarray]:
        """Model inputs for every row of `table`; each row's history is that student's earlier
        attempts in the table (true outcomes included, as in deployment)."""
        return build_inputs(
            table,
            user_index=_code_map(table.users, self._user_index),
            item_index=_code_map(table.items, self._item_index),
            topic_index=_code_map(table.topics, self._topic_index),
            history_len=self.history_len,
            time_mean=self.time_mean,
            time_std=self.time_std,
        )

    def predict_table(
        self, table: AttemptTable, mask: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """(p_correct, predicted log seconds) for the rows where `mask` holds, in row order.

        Each prediction uses every earlier attempt of the student in `table`, masked or not.
        """
        inputs = self.table_inputs(table)
        if mask is not None:
            rows = np.flatnonzero(mask)
            inputs = {k: v[rows] for k, v in inputs.items()}
        p, z = self.forward(inputs)
        return p, self.to_log_seconds(z)


def _difficulty_code(value: Any) -> int:
    try:
        code = int(value)
    except (TypeError, ValueError):
        return 0
    return code if 0 <= code < len(DIFFICULTIES) else 0


def _code_map(names: Sequence[str], index: Mapping[str, int]) -> np.ndarray:
    """Table code → model index (0 for strings the model never saw)."""
    return np.asarray([index.get(s, 0) for s in names], dtype=np.int32).reshape(-1)


def build_inputs(
    table: AttemptTable,
    *,
    user_index: np.ndarray,
    item_index: np.ndarray,
    topic_index: np.ndarray,
    history_len: int,
    time_mean: float,
    time_std: float,
) -> dict[str, np.ndarray]:
    """Model inputs (the Keras input names) for every row of `table`.

    `*_index` map the table's codes to model vocabulary indices. Difficulty codes are used as
    they are (out-of-range → 0, the unknown/none code).
    """
    hidx = history_index(table.user, table.order, history_len)
    valid = hidx >= 0
    safe = np.where(valid, hidx, 0)
    item = item_index[table.item]
    topic = topic_index[table.topic]
    diff = np.where(
        (table.difficulty >= 0) & (table.difficulty < len(DIFFICULTIES)), table.difficulty, 0
    ).astype(np.int32)
    log_t = table.log_seconds
    has_t = ~np.isnan(log_t)
    z_t = np.where(has_t, (np.nan_to_num(log_t) - time_mean) / time_std, 0.0)
    # Each row's elapsed time since the same student's attempt before it (0 for their first).
    previous = history_index(table.user, table.order, 1)[:, 0]
    since = np.where(
        previous >= 0, log_hours(table.order - table.order[np.maximum(previous, 0)]), 0.0
    )
    numeric = np.stack(
        [
            np.where(valid, table.correct[safe], 0.0),
            np.where(valid, z_t[safe], 0.0),
            np.where(valid, ~has_t[safe], False).astype(np.float64),
            np.where(valid, since[safe], 0.0),
        ],
        axis=-1,
    ).astype(np.float32)
    t_numeric = target_features(
        h_topic=table.topic[safe],
        h_item=table.item[safe],
        h_correct=table.correct[safe],
        h_valid=valid,
        topic=table.topic,
        item=table.item,
    )
    return {
        "user": user_index[table.user].astype(np.int32),
        "item": item.astype(np.int32),
        "topic": topic.astype(np.int32),
        "difficulty": diff,
        "h_item": np.where(valid, item[safe], 0).astype(np.int32),
        "h_topic": np.where(valid, topic[safe], 0).astype(np.int32),
        "h_difficulty": np.where(valid, diff[safe], 0).astype(np.int32),
        "h_numeric": numeric,
        "h_mask": valid.astype(np.float32),
        "t_numeric": t_numeric,
    }
