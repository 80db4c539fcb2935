"""Training the sequence model (docs/models.md) with Keras. Imports TensorFlow: worker and
benchmark only.

Web processes serve the exported form through `mlmodels.sequence_serve` (NumPy only). The network
is described there; `build_model` here must stay layer-for-layer in step with
`SequencePredictor.encode_history` / `heads` (a test compares them to 1e-5).
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import keras
import numpy as np
from keras import layers, ops, regularizers

from mlmodels.data import DIFFICULTIES, AttemptTable
from mlmodels.sequence_serve import (
    DEFAULT_HISTORY_LEN,
    FORMAT_VERSION,
    NUMERIC_STEP_FEATURES,
    TARGET_FEATURES,
    SequencePredictor,
    build_inputs,
)
from studysmart.atomic import write_atomically

logger = logging.getLogger(__name__)


def _limit_threads(threads: int) -> None:
    import tensorflow as tf

    # Thread pools can only be sized before TensorFlow's runtime starts; a later training in the
    # same process keeps the first setting (RuntimeError), which is harmless.
    try:
        tf.config.threading.set_intra_op_parallelism_threads(threads)
        tf.config.threading.set_inter_op_parallelism_threads(threads)
    except RuntimeError:
        if tf.config.threading.get_intra_op_parallelism_threads() != threads:
            logger.info("TensorFlow already running; keeping its thread settings")


def _set_random_seed(seed: int) -> None:
    """`keras.utils.set_random_seed(seed)` without its one costly side effect: TensorFlow's
    `tf.random.set_seed` also clears the kernel caches, after which the compiled network's first
    training step is instantiated and optimised again (~0.7 s per fit). Nothing here needs the
    clearing: the id dropout's generators are reset on every fit and the shuffling ops are made
    anew with each fit's dataset (a test checks that a repeated fit gives the same weights).
    Falls back to the Keras call if TensorFlow's or Keras' internals differ."""
    try:
        from keras.src.backend.common import global_state
        from keras.src.random import seed_generator
        from keras.src.utils import rng_utils
        from tensorflow.python.eager import context as tf_context

        eager = tf_context.context()
        if not (hasattr(eager, "_seed") and hasattr(eager, "_rng")):
            raise AttributeError("TensorFlow's eager context changed")
        global_state.set_global_attribute(rng_utils.GLOBAL_RANDOM_SEED, seed)
        global_state.set_global_attribute(seed_generator.GLOBAL_SEED_GENERATOR, None)
    except (ImportError, AttributeError):
        keras.utils.set_random_seed(seed)
        return
    random.seed(seed)
    np.random.seed(seed)
    # What tf.random.set_seed does in eager mode, short of clearing the caches.
    eager._seed = seed
    eager._rng = random.Random(seed)


@keras.saving.register_keras_serializable(package="studysmart")
class IdDropout(layers.Layer):
    """Replace a random fraction of integer ids by 0 (the unknown id) while training."""

    def __init__(self, rate: float, seed: int | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.rate = float(rate)
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)

    def call(self, ids: Any, training: bool | None = None) -> Any:
        if not training or self.rate <= 0:
            return ids
        keep = keras.random.uniform(ops.shape(ids), seed=self.seed_generator) >= self.rate
        return ops.where(keep, ids, ops.zeros_like(ids))

    def compute_output_shape(self, input_shape: Any) -> Any:
        return input_shape

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "rate": self.rate, "seed": self.seed}


@dataclass(frozen=True)
class SequenceConfig:
    history_len: int = DEFAULT_HISTORY_LEN
    user_dim: int = 8
    item_dim: int = 16
    topic_dim: int = 4
    difficulty_dim: int = 2
    lstm_units: int = 32
    hidden_units: int = 32
    # Fraction of ids replaced by 0 ("unknown") during training, so the unknown embeddings are
    # learned from real rows and the LSTM learns to carry a student it cannot name.
    id_dropout: float = 0.1
    l2: float = 1e-5
    learning_rate: float = 3e-3
    batch_size: int | None = None  # None: grows with the data (see _batch_size)
    validation_fraction: float = 0.1
    patience: int = 3
    # Stop before an epoch that would end past this many seconds of training (None: no limit),
    # so a retraining job finishes inside the worker's timeout whatever the data size.
    max_seconds: float | None = 240.0
    jit_compile: bool | str = "auto"


@dataclass
class SequenceArtifacts:
    """A trained model plus everything serving needs besides the weights."""

    model: Any  # keras.Model
    config: SequenceConfig
    users: tuple[str, ...]  # model index i + 1 ↔ users[i]; 0 is unknown
    items: tuple[str, ...]
    topics: tuple[str, ...]
    time_mean: float
    time_std: float
    time_residual_std: float  # of log seconds on the validation slice
    epochs_run: int = 0
    seconds: float = 0.0
    history: dict[str, list[float]] = field(default_factory=dict)
    # P(correct) and outcomes on the early-stopping slice (never trained on): what the Platt
    # calibration of the served probability is fitted on.
    validation_p: np.ndarray = field(default_factory=lambda: np.zeros(0))
    validation_y: np.ndarray = field(default_factory=lambda: np.zeros(0))


def _vocab(names: tuple[str, ...], used_codes: np.ndarray) -> tuple[tuple[str, ...], np.ndarray]:
    """Vocabulary of the codes that occur in training, and the table-code → index map.

    Strings in the table's vocabulary that never occur in the training rows map to 0, so their
    (untrained) rows are never created and they get the learned unknown embedding.
    """
    present = np.zeros(len(names), dtype=bool)
    present[np.unique(used_codes)] = True
    index = np.zeros(len(names), dtype=np.int32)
    index[present] = np.arange(1, int(present.sum()) + 1)
    vocab = tuple(n for n, keep in zip(names, present, strict=True) if keep)
    return vocab, index


def build_model(
    *, n_users: int, n_items: int, n_topics: int, config: SequenceConfig, seed: int = 0
) -> Any:
    """The two-headed network; `n_*` count known ids (index 0 is added for unknown)."""
    c = config
    length = c.history_len
    reg = regularizers.L2(c.l2) if c.l2 > 0 else None
    user_in = keras.Input((), dtype="int32", name="user")
    item_in = keras.Input((), dtype="int32", name="item")
    topic_in = keras.Input((), dtype="int32", name="topic")
    diff_in = keras.Input((), dtype="int32", name="difficulty")
    h_item_in = keras.Input((length,), dtype="int32", name="h_item")
    h_topic_in = keras.Input((length,), dtype="int32", name="h_topic")
    h_diff_in = keras.Input((length,), dtype="int32", name="h_difficulty")
    h_num_in = keras.Input((length, NUMERIC_STEP_FEATURES), dtype="float32", name="h_numeric")
    h_mask_in = keras.Input((length,), dtype="float32", name="h_mask")
    t_num_in = keras.Input((TARGET_FEATURES,), dtype="float32", name="t_numeric")

    # Each dropout layer gets its own seed so the replaced positions are independent.
    def drop(x: Any, k: int, name: str) -> Any:
        return IdDropout(c.id_dropout, seed=seed * 100 + k, name=name)(x)

    user = drop(user_in, 1, "user_dropout")
    item = drop(item_in, 2, "item_dropout")
    topic = drop(topic_in, 3, "topic_dropout")
    diff = drop(diff_in, 4, "difficulty_dropout")
    h_item = drop(h_item_in, 5, "h_item_dropout")
    h_topic = drop(h_topic_in, 6, "h_topic_dropout")
    h_diff = drop(h_diff_in, 7, "h_difficulty_dropout")

    def embedding(n: int, dim: int, name: str, **kw: Any) -> Any:
        return layers.Embedding(n, dim, name=name, embeddings_regularizer=reg, **kw)

    # Item, topic and difficulty embeddings are shared by history steps and targets.
    item_emb = embedding(n_items + 1, c.item_dim, "item_embedding")
    topic_emb = embedding(n_topics + 1, c.topic_dim, "topic_embedding")
    diff_emb = embedding(len(DIFFICULTIES), c.difficulty_dim, "difficulty_embedding")
    user_emb = embedding(n_users + 1, c.user_dim, "user_embedding")
    # Rasch-style per-item and per-student offsets: the user + item logistic regression the
    # network has to match (docs/models.md) is then a special case it starts from (zeros).
    zeros = "zeros"
    item_bias = embedding(n_items + 1, 1, "item_bias", embeddings_initializer=zeros)
    user_bias = embedding(n_users + 1, 1, "user_bias", embeddings_initializer=zeros)
    item_tbias = embedding(n_items + 1, 1, "item_time_bias", embeddings_initializer=zeros)
    user_tbias = embedding(n_users + 1, 1, "user_time_bias", embeddings_initializer=zeros)

    steps = layers.Concatenate(name="step_features")(
        [item_emb(h_item), topic_emb(h_topic), diff_emb(h_diff), h_num_in]
    )
    state = layers.LSTM(c.lstm_units, name="lstm")(steps, mask=ops.greater(h_mask_in, 0.5))
    features = layers.Concatenate(name="target_features")(
        [state, user_emb(user), item_emb(item), topic_emb(topic), diff_emb(diff)]
    )
    hidden = layers.Dense(c.hidden_units, activation="relu", name="hidden")(features)
    # The evidence on the target's topic and task enters the logit directly with weights kept
    # ≥ 0: a right answer on the topic can only raise that part, a wrong one only lower it.
    evidence = layers.Dense(
        1,
        use_bias=False,
        kernel_constraint=keras.constraints.NonNeg(),
        kernel_initializer="zeros",
        name="evidence",
    )(t_num_in)
    logit = layers.Add(name="correct_logit")(
        [
            layers.Dense(1, name="correct")(hidden),
            layers.Flatten()(item_bias(item)),
            layers.Flatten()(user_bias(user)),
            evidence,
        ]
    )
    p_correct = layers.Activation("sigmoid", name="p_correct")(logit)
    log_time = layers.Add(name="log_time")(
        [
            layers.Dense(1, name="time")(hidden),
            layers.Flatten()(item_tbias(item)),
            layers.Flatten()(user_tbias(user)),
        ]
    )
    inputs = [
        user_in,
        item_in,
        topic_in,
        diff_in,
        h_item_in,
        h_topic_in,
        h_diff_in,
        h_num_in,
        h_mask_in,
        t_num_in,
    ]
    return keras.Model(inputs, {"p_correct": p_correct, "log_time": log_time}, name="sequence")


def additive_logit_fit(
    user: np.ndarray,
    item: np.ndarray,
    correct: np.ndarray,
    *,
    n_users: int,
    n_items: int,
    l2: float = 1.0,
    iterations: int = 30,
) -> tuple[np.ndarray, np.ndarray, float]:
    """Ridge logistic regression logit = c + b_user + b_item (a Rasch model), by coordinate
    Newton steps: (user biases, item biases, intercept). Cheap: a few bincounts per step."""
    bu = np.zeros(n_users)
    bi = np.zeros(n_items)
    c = 0.0
    y = correct.astype(np.float64)
    for _ in range(iterations):
        for part in range(3):
            p = 1.0 / (1.0 + np.exp(-(c + bu[user] + bi[item])))
            r, h = p - y, p * (1.0 - p)
            if part == 0:
                bu -= (np.bincount(user, r, n_users) + l2 * bu) / (
                    np.bincount(user, h, n_users) + l2
                )
            elif part == 1:
                bi -= (np.bincount(item, r, n_items) + l2 * bi) / (
                    np.bincount(item, h, n_items) + l2
                )
            else:
                c -= float(r.sum() / max(h.sum(), 1e-9))
    return bu, bi, c


def additive_time_fit(
    user: np.ndarray,
    item: np.ndarray,
    z_time: np.ndarray,
    *,
    n_users: int,
    n_items: int,
    shrink: float = 2.0,
    iterations: int = 10,
) -> tuple[np.ndarray, np.ndarray]:
    """z_time ≈ item intensity + user slowness (simplified LNIRT), by shrunken alternating means."""
    bu = np.zeros(n_users)
    bi = np.zeros(n_items)
    for _ in range(iterations):
        bi = np.bincount(item, z_time - bu[user], n_items) / (
            np.bincount(item, minlength=n_items) + shrink
        )
        bu = np.bincount(user, z_time - bi[item], n_users) / (
            np.bincount(user, minlength=n_users) + shrink
        )
    return bu, bi


def _warm_start(
    model: Any, x: dict[str, np.ndarray], y: dict[str, np.ndarray], w: dict[str, np.ndarray]
) -> None:
    """Start the bias terms at the user + item fits, so the network begins where the baselines
    end and only has to learn what they miss (from scratch, Adam leaves the per-student biases
    under-fitted by the time the shared layers start to overfit)."""
    n_users = model.get_layer("user_bias").input_dim
    n_items = model.get_layer("item_bias").input_dim
    bu, bi, c = additive_logit_fit(
        x["user"], x["item"], y["p_correct"], n_users=n_users, n_items=n_items
    )
    # Index 0 (unknown) starts at the mean of the known ones; training refines it.
    bu[0], bi[0] = 0.0, float(np.mean(bi[1:])) if n_items > 1 else 0.0
    model.get_layer("user_bias").set_weights([bu[:, None].astype(np.float32)])
    model.get_layer("item_bias").set_weights([bi[:, None].astype(np.float32)])
    kernel, _ = model.get_layer("correct").get_weights()
    model.get_layer("correct").set_weights([kernel, np.array([c], np.float32)])
    timed = w["log_time"] > 0
    if timed.any():
        tu, ti = additive_time_fit(
            x["user"][timed],
            x["item"][timed],
            y["log_time"][timed].astype(np.float64),
            n_users=n_users,
            n_items=n_items,
        )
        tu[0], ti[0] = 0.0, float(np.mean(ti[1:])) if n_items > 1 else 0.0
        model.get_layer("user_time_bias").set_weights([tu[:, None].astype(np.float32)])
        model.get_layer("item_time_bias").set_weights([ti[:, None].astype(np.float32)])


class _TimeBudget(keras.callbacks.Callback):
    def __init__(self, started: float, max_seconds: float) -> None:
        super().__init__()
        self.started = started
        self.max_seconds = max_seconds
        self.epoch_started = started

    def on_epoch_begin(self, epoch: int, logs: dict[str, float] | None = None) -> None:
        self.epoch_started = time.perf_counter()

    def on_epoch_end(self, epoch: int, logs: dict[str, float] | None = None) -> None:
        now = time.perf_counter()
        if now + (now - self.epoch_started) > self.started + self.max_seconds:
            logger.info("sequence model: time budget reached after epoch %d", epoch + 1)
            self.model.stop_training = True


def _batch_size(n_rows: int, config: SequenceConfig) -> int:
    if config.batch_size:
        return config.batch_size
    # ~100 steps per epoch on small tables (enough updates for a few hundred attempts); big
    # batches on big ones keep an epoch of the 222k-row credential table near 10 s on one core.
    return int(np.clip(2 ** round(np.log2(max(n_rows, 1) / 100)), 32, 1024))


def fit_sequence_model(
    table: AttemptTable,
    *,
    seed: int = 0,
    epochs: int = 30,
    threads: int = 1,
    config: SequenceConfig | None = None,
    verbose: int | str = 0,
    progress: Callable[[int, dict[str, float]], None] | None = None,
) -> SequenceArtifacts:
    """Train on every row of `table`, stopping early on a seeded random validation slice.

    Each row is predicted from the same student's previous `history_len` rows of `table`.
    `progress(epoch, logs)` is called after each epoch (e.g. to report progress to a browser).
    """
    if len(table) == 0:
        raise ValueError("cannot train the sequence model on an empty table")
    started = time.perf_counter()
    cfg = config or SequenceConfig()
    _limit_threads(threads)
    _set_random_seed(seed)

    users, user_index = _vocab(table.users, table.user)
    items, item_index = _vocab(table.items, table.item)
    topics, topic_index = _vocab(table.topics, table.topic)
    has_t = table.has_time
    if has_t.any():
        time_mean = float(np.mean(table.log_seconds[has_t]))
        time_std = float(np.std(table.log_seconds[has_t])) or 1.0
    else:
        time_mean, time_std = float(np.log(60.0)), 1.0
    x = build_inputs(
        table,
        user_index=user_index,
        item_index=item_index,
        topic_index=topic_index,
        history_len=cfg.history_len,
        time_mean=time_mean,
        time_std=time_std,
    )
    y = {
        "p_correct": table.correct.astype(np.float32),
        "log_time": np.where(
            has_t, (np.nan_to_num(table.log_seconds) - time_mean) / time_std, 0.0
        ).astype(np.float32),
    }
    # Rows without a valid time contribute nothing to the time loss.
    w = {"p_correct": np.ones(len(table), np.float32), "log_time": has_t.astype(np.float32)}

    rng = np.random.default_rng(seed)
    n = len(table)
    n_val = round(n * cfg.validation_fraction) if n >= 50 else 0
    perm = rng.permutation(n)
    val_rows, train_rows = np.sort(perm[:n_val]), np.sort(perm[n_val:])

    def take(d: dict[str, np.ndarray], rows: np.ndarray) -> dict[str, np.ndarray]:
        return {key: v[rows] for key, v in d.items()}

    model = build_model(
        n_users=len(users), n_items=len(items), n_topics=len(topics), config=cfg, seed=seed
    )
    _warm_start(model, take(x, train_rows), take(y, train_rows), take(w, train_rows))
    # Trained in a compiled copy with room for more ids, reused by the next fit in this process
    # (the worker's evaluation fit and published fit); `model` gets the trained weights back.
    network = _compiled_network(
        model, cfg, n_users=len(users), n_items=len(items), n_topics=len(topics)
    )
    network.build(take(x, train_rows[:1]), take(y, train_rows[:1]), take(w, train_rows[:1]))
    network.load_from(model)
    callbacks: list[Any] = []
    if n_val:
        # Scored by the NumPy forward pass: Keras' own validation step would be traced and
        # optimised once per worker training (~1 s on a small table) for a few dozen rows.
        callbacks.append(
            _NumpyValidation(
                network,
                cfg,
                x=take(x, val_rows),
                y=take(y, val_rows),
                w=take(w, val_rows),
            )
        )
        callbacks.append(
            keras.callbacks.EarlyStopping(
                monitor="val_loss", patience=cfg.patience, restore_best_weights=True
            )
        )
    if cfg.max_seconds is not None:
        callbacks.append(_TimeBudget(started, cfg.max_seconds))
    if progress is not None:
        callbacks.append(
            keras.callbacks.LambdaCallback(
                on_epoch_end=lambda epoch, logs: progress(epoch, dict(logs or {}))
            )
        )
    # The shuffling draws the same whether or not this fit built the compiled network.
    _set_random_seed(seed)
    fit = network.model.fit(
        take(x, train_rows),
        take(y, train_rows),
        sample_weight=take(w, train_rows),
        epochs=epochs,
        batch_size=_batch_size(len(train_rows), cfg),
        shuffle=True,
        callbacks=callbacks,
        verbose=verbose,
    )

    network.store_into(model)
    artifacts = SequenceArtifacts(
        model=model,
        config=cfg,
        users=users,
        items=items,
        topics=topics,
        time_mean=time_mean,
        time_std=time_std,
        time_residual_std=1.0,
        epochs_run=len(fit.history.get("loss", [])),
        history={key: [float(v) for v in vals] for key, vals in fit.history.items()},
    )
    # Validation predictions through the NumPy forward pass that serving runs (equal to Keras'
    # to 1e-5, and no prediction graph to trace).
    forward = predictor_from_artifacts(artifacts).forward
    # The residual spread of log time turns the predicted median into an expected time.
    check_rows = val_rows if n_val else train_rows
    timed = check_rows[has_t[check_rows]]
    if timed.size:
        _, z = forward(take(x, timed))
        pred = np.asarray(z, dtype=np.float64).reshape(-1) * time_std + time_mean
        artifacts.time_residual_std = float(np.std(table.log_seconds[timed] - pred))
    if n_val:
        p, _ = forward(take(x, val_rows))
        artifacts.validation_p = np.asarray(p, dtype=np.float64).reshape(-1)
        artifacts.validation_y = table.correct[val_rows].astype(np.float64)
    artifacts.seconds = time.perf_counter() - started
    return artifacts


_BCE_EPSILON = 1e-7  # Keras' clipping of probabilities in binary cross-entropy


class _NumpyValidation(keras.callbacks.Callback):
    """Puts `val_loss` into each epoch's logs, as Keras' validation step computes it (binary
    cross-entropy + weighted squared error of log time + the L2 penalties), through the NumPy
    forward pass of the network's current weights. Runs before EarlyStopping reads it."""

    def __init__(
        self,
        network: _CompiledNetwork,
        config: SequenceConfig,
        *,
        x: dict[str, np.ndarray],
        y: dict[str, np.ndarray],
        w: dict[str, np.ndarray],
    ) -> None:
        super().__init__()
        self.network = network
        self.config = config
        self.x, self.y, self.w = x, y, w

    def on_epoch_end(self, epoch: int, logs: dict[str, float] | None = None) -> None:
        if logs is None:
            return
        arrays = _network_arrays(self.network.model, self.config)
        p, z = SequencePredictor(arrays).forward(self.x)
        p = np.clip(p, _BCE_EPSILON, 1.0 - _BCE_EPSILON)
        y = self.y["p_correct"].astype(np.float64)
        bce = -np.mean(y * np.log(p) + (1.0 - y) * np.log1p(-p))
        t, wt = self.y["log_time"].astype(np.float64), self.w["log_time"].astype(np.float64)
        mse = float(np.sum(wt * (z - t) ** 2) / len(t))
        penalty = self.config.l2 * sum(
            float(np.sum(np.square(arrays[name], dtype=np.float64)))
            for name in _REGULARISED_EMBEDDINGS
        )
        logs["val_loss"] = float(bce + mse + penalty)


# Every embedding carries the L2 penalty (build_model's `embedding`).
_REGULARISED_EMBEDDINGS = (
    "user_embedding",
    "item_embedding",
    "topic_embedding",
    "difficulty_embedding",
    "item_bias",
    "user_bias",
    "item_time_bias",
    "user_time_bias",
)


def _network_arrays(network_model: Any, config: SequenceConfig) -> dict[str, np.ndarray]:
    """`export_arrays` of a compiled network as it trains (vocabularies stand in as counts:
    only integer inputs are fed to it)."""

    def size(layer: str) -> int:
        return int(network_model.get_layer(layer).input_dim) - 1

    return export_arrays(
        SequenceArtifacts(
            model=network_model,
            config=config,
            users=tuple(map(str, range(size("user_embedding")))),
            items=tuple(map(str, range(size("item_embedding")))),
            topics=tuple(map(str, range(size("topic_embedding")))),
            time_mean=0.0,
            time_std=1.0,
            time_residual_std=1.0,
        )
    )


def _capacity(n_known: int) -> int:
    """Rows of an embedding table in the compiled network: the known ids plus the unknown (0),
    rounded up to a power of two so that fits on similar data share one compiled network."""
    return max(16, 1 << int(n_known).bit_length())


class _CompiledNetwork:
    """A compiled network whose traced training and validation steps are reused by every fit
    with the same configuration and capacities. Tracing the training step (LSTM gradients,
    Adam updates) costs seconds, more than the training itself on a few hundred attempts.

    Each fit loads a freshly initialised exact-size model into it (embedding rows past the
    vocabulary are zero, and stay zero: no lookup and no regularisation gradient reaches them),
    with the optimizer's and the id dropout's state reset, so a fit gives what a fresh network
    gives; the trained weights are then copied back into the exact-size model."""

    def __init__(self, config: SequenceConfig, capacities: tuple[int, int, int]) -> None:
        n_users, n_items, n_topics = (c - 1 for c in capacities)
        self.model = build_model(n_users=n_users, n_items=n_items, n_topics=n_topics, config=config)
        self.model.compile(
            optimizer=keras.optimizers.Adam(config.learning_rate),
            loss={"p_correct": "binary_crossentropy", "log_time": "mse"},
            jit_compile=config.jit_compile,
        )
        self.learning_rate = config.learning_rate
        self._built = False

    def build(self, x: dict[str, np.ndarray], y: dict[str, np.ndarray], w: Any) -> None:
        """Create the optimizer's and the loss trackers' variables before the first fit: made
        during tracing instead, they make TensorFlow trace the training step twice."""
        if self._built:
            return
        symbolic_build = getattr(self.model, "_symbolic_build", None)
        if symbolic_build is not None:
            symbolic_build(data_batch=(x, y, w))
        else:  # pragma: no cover - another Keras: at least the optimizer
            self.model.optimizer.build(self.model.trainable_variables)
        self._built = True

    def load_from(self, model: Any) -> None:
        for target, source in zip(self.model.weights, model.weights, strict=True):
            value = np.asarray(source.numpy())
            if value.shape != tuple(target.shape):
                padded = np.zeros(tuple(target.shape), dtype=value.dtype)
                padded[: value.shape[0]] = value
                value = padded
            target.assign(value)
        for target, source in zip(_id_dropouts(self.model), _id_dropouts(model), strict=True):
            target.seed_generator.state.assign(source.seed_generator.state.numpy())
        optimizer = self.model.optimizer
        if optimizer.built:
            for variable in optimizer.variables:
                if variable is optimizer.iterations:
                    variable.assign(0)
                elif variable.path.endswith("learning_rate"):
                    variable.assign(self.learning_rate)
                else:
                    variable.assign(np.zeros(tuple(variable.shape), dtype=variable.dtype))
        self.model.stop_training = False

    def store_into(self, model: Any) -> None:
        for target, source in zip(model.weights, self.model.weights, strict=True):
            value = np.asarray(source.numpy())
            target.assign(value[: target.shape[0]] if value.shape != tuple(target.shape) else value)


def _id_dropouts(model: Any) -> list[IdDropout]:
    return [layer for layer in model.layers if isinstance(layer, IdDropout)]


# One compiled network per process at a time (a second configuration or capacity replaces it);
# the worker keeps it from one training run to the next (`training.release_framework_memory`).
_NETWORKS: dict[tuple[Any, ...], _CompiledNetwork] = {}


def _compiled_network(
    model: Any, config: SequenceConfig, *, n_users: int, n_items: int, n_topics: int
) -> _CompiledNetwork:
    capacities = (_capacity(n_users), _capacity(n_items), _capacity(n_topics))
    key = (config, capacities)
    network = _NETWORKS.get(key)
    if network is None:
        _NETWORKS.clear()
        network = _NETWORKS[key] = _CompiledNetwork(config, capacities)
    return network


def forget_compiled_networks() -> None:
    _NETWORKS.clear()


def export_arrays(artifacts: SequenceArtifacts) -> dict[str, np.ndarray]:
    """Every array the NumPy predictor needs, under the names `sequence_serve` reads."""
    model = artifacts.model

    def weights(layer: str) -> list[np.ndarray]:
        return [np.asarray(v) for v in model.get_layer(layer).get_weights()]

    kernel, recurrent, bias = weights("lstm")
    hidden_k, hidden_b = weights("hidden")
    correct_k, correct_b = weights("correct")
    time_k, time_b = weights("time")
    return {
        "format_version": np.asarray(FORMAT_VERSION, dtype=np.int64),
        "user_embedding": weights("user_embedding")[0],
        "item_embedding": weights("item_embedding")[0],
        "topic_embedding": weights("topic_embedding")[0],
        "difficulty_embedding": weights("difficulty_embedding")[0],
        "lstm_kernel": kernel,
        "lstm_recurrent_kernel": recurrent,
        "lstm_bias": bias,
        "hidden_kernel": hidden_k,
        "hidden_bias": hidden_b,
        "correct_kernel": correct_k,
        "correct_bias": correct_b,
        "time_kernel": time_k,
        "time_bias": time_b,
        "evidence_kernel": weights("evidence")[0],
        "item_bias": weights("item_bias")[0],
        "user_bias": weights("user_bias")[0],
        "item_time_bias": weights("item_time_bias")[0],
        "user_time_bias": weights("user_time_bias")[0],
        # Unicode arrays, not object arrays, so the file loads with allow_pickle=False.
        "vocab_users": np.asarray(artifacts.users, dtype=np.str_).reshape(-1),
        "vocab_items": np.asarray(artifacts.items, dtype=np.str_).reshape(-1),
        "vocab_topics": np.asarray(artifacts.topics, dtype=np.str_).reshape(-1),
        "history_len": np.asarray(artifacts.config.history_len, dtype=np.int64),
        "time_mean": np.asarray(artifacts.time_mean),
        "time_std": np.asarray(artifacts.time_std),
        "time_residual_std": np.asarray(artifacts.time_residual_std),
    }


def predictor_from_artifacts(artifacts: SequenceArtifacts) -> SequencePredictor:
    return SequencePredictor(export_arrays(artifacts))


def export_weights(
    artifacts: SequenceArtifacts, path: Path | str, *, calibration: np.ndarray | None = None
) -> Path:
    """Write the TensorFlow-free serving form (one `.npz`) atomically; returns the path.
    `calibration`: the Platt (a, b) of the served probability, stored beside the weights."""
    target = Path(path)
    arrays = export_arrays(artifacts)
    if calibration is not None:
        arrays["calibration"] = np.asarray(calibration, dtype=np.float64).reshape(2)

    def write(tmp: Path) -> None:
        with open(tmp, "wb") as fh:
            np.savez(fh, allow_pickle=False, **arrays)

    write_atomically(target, write)
    return target


def save_keras(artifacts: SequenceArtifacts, path: Path | str) -> Path:
    """Save the Keras model atomically (for retraining/inspection; serving uses the `.npz`)."""
    target = Path(path)
    if target.suffix != ".keras":
        raise ValueError(f"Keras model files must end in .keras, got {target.name}")
    write_atomically(target, lambda tmp: artifacts.model.save(tmp))
    return target


@dataclass
class SequenceTrainer:
    """The sequence model behind the benchmark's `ModelTrainer` protocol."""

    name: str = "sequence"
    epochs: int = 30
    threads: int = 1
    config: SequenceConfig | None = None

    def train(self, train_table: AttemptTable, *, seed: int) -> SequenceArtifacts:
        return fit_sequence_model(
            train_table, seed=seed, epochs=self.epochs, threads=self.threads, config=self.config
        )

    def predict(
        self, trained: SequenceArtifacts, full_table: AttemptTable, test_mask: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """(p_correct, log seconds) for the test rows, in row order, through the exported NumPy
        form (what web processes serve); each row sees all the student's earlier attempts."""
        return predictor_from_artifacts(trained).predict_table(full_table, test_mask)
