"""The core of `benchmark_models`: split, train every model, score it beside the baselines, and
pick the champion with the worker's rule (`evaluation.choose_champion`). No Django: the
management command is a thin wrapper. `worker_trainers` is the one list of trainers the worker
and the benchmark both use.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Literal, Protocol

import numpy as np

from mlmodels.data import AttemptTable, split_chronological, split_random
from mlmodels.evaluation import (
    BASELINES,
    REFERENCE_BASELINES,
    Baseline,
    auc_bar,
    evaluate,
)
from mlmodels.evaluation import choose_champion as champion_rule
from mlmodels.lnirt import Evidence, LnirtParams, fit_lnirt, predict_table

Split = Literal["chronological", "random"]


class ModelTrainer(Protocol):
    """What the benchmark (and the worker) needs from a student model."""

    @property
    def name(self) -> str: ...

    def train(self, train_table: AttemptTable, *, seed: int) -> Any: ...

    def predict(
        self, trained: Any, full_table: AttemptTable, test_mask: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """p_correct and predicted log-seconds for the rows in `test_mask`, in row order. May use
        every earlier attempt of the student, with its true outcome, as deployment does."""
        ...


@dataclass
class LnirtTrainer:
    name: str = "lnirt"
    max_iter: int = 300
    # Evidence for a test row's (θ, τ): see lnirt.predict_table. With the chronological split
    # "train+earlier" and "earlier" coincide.
    evidence: Evidence = "train+earlier"

    def train(self, train_table: AttemptTable, *, seed: int) -> LnirtParams:
        return fit_lnirt(train_table, max_iter=self.max_iter, seed=seed)

    def predict(
        self, trained: LnirtParams, full_table: AttemptTable, test_mask: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        return predict_table(trained, full_table, test_mask, evidence=self.evidence)


@dataclass
class OnlineLnirtTrainer:
    """LNIRT as the worker publishes it for data with time: fitted on each student's first
    80 %, the instant update's dynamics (`lnirt_online.choose_dynamics`) and the calibration
    chosen on their last 20 %, then refitted on everything. Test rows are predicted as serving
    predicts them: the instant update run over every earlier attempt."""

    name: str = "lnirt"
    max_iter: int = 300

    def train(self, train_table: AttemptTable, *, seed: int) -> Any:
        from mlmodels.calibration import IDENTITY, Calibrated, fit_platt, logit, validation_fold
        from mlmodels.lnirt_online import choose_dynamics

        val = validation_fold(train_table, validation="chronological", seed=seed)
        y = train_table.correct
        if val.sum() < 20 or (~val).sum() < 20 or len(np.unique(y[~val])) < 2:
            return Calibrated(fit_lnirt(train_table, max_iter=self.max_iter), IDENTITY.copy())
        first = fit_lnirt(train_table.subset(~val), max_iter=self.max_iter)
        dynamics, p_val = choose_dynamics(first, train_table, val)
        calibration = fit_platt(logit(p_val), y[val])
        final = fit_lnirt(train_table, max_iter=self.max_iter, start=first)
        return Calibrated(replace(final, dynamics=dynamics), calibration)

    def predict(
        self, trained: Any, full_table: AttemptTable, test_mask: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        from mlmodels.calibration import calibrate
        from mlmodels.lnirt_online import predict_table as predict_online

        p, log_t = predict_online(trained.model, full_table, test_mask)
        return calibrate(trained.calibration, p), log_t


def worker_trainers(
    *,
    threads: int = 1,
    quick: bool = False,
    kinds: tuple[str, ...] | None = None,
    validation: str = "chronological",
) -> dict[str, ModelTrainer]:
    """Every model kind (or `kinds`) as the worker trains it, each calibrated on a validation
    fold (calibration.py): LNIRT on each student's last 20 % (with its instant update's
    dynamics; then refitted on everything), the
    sequence model on its own early-stopping slice (no second fit: its training dominates the
    worker's time), the learning-aware model internally. `validation="random"` draws the folds
    at random instead, for fixed-order tests evaluated with the random split. `quick` trains
    the sequence model for fewer epochs (smoke runs). TensorFlow is imported only when the
    sequence model is asked for."""
    from mlmodels.calibration import CalibratedTrainer, SelfValidatedTrainer
    from mlmodels.learning import LearningTrainer

    wanted = kinds or ("lnirt", "sequence", "learning")
    trainers: dict[str, ModelTrainer] = {}
    for kind in wanted:
        if kind == "lnirt" and validation == "chronological":
            trainers[kind] = OnlineLnirtTrainer()
        elif kind == "lnirt":
            # Fixed-order tests: a random fold, and the static update from every other
            # response of the student (there is no "earlier" in time to learn from).
            trainers[kind] = CalibratedTrainer(LnirtTrainer(), refit=True, validation=validation)
        elif kind == "sequence":
            from mlmodels.sequence_train import SequenceTrainer

            sequence = SequenceTrainer(threads=threads, epochs=8 if quick else 30)
            trainers[kind] = SelfValidatedTrainer(sequence)
        elif kind == "learning":
            trainers[kind] = LearningTrainer(validation=validation)
        else:
            raise ValueError(f"unknown model kind {kind!r}")
    return trainers


@dataclass(frozen=True)
class BenchmarkEntry:
    name: str
    kind: Literal["baseline", "model"]
    auc: float
    logloss: float
    brier: float
    ece: float
    log_time_mae: float
    log_time_rmse: float
    train_seconds: float  # baselines: fit and predict together (they have no separate fit)
    predict_seconds: float
    served: bool = False
    reference: bool = False  # the user+item LR bar, not one of the simple baselines
    # How one more answer moves the model (evaluation.answer_probes), per probe target:
    # (target, share rising after a wrong answer, share wrong ≥ right, mean |logit move|).
    moves: tuple[tuple[str, float, float, float], ...] = ()


@dataclass(frozen=True)
class BenchmarkReport:
    dataset: str
    split: Split
    seed: int
    train_rows: int
    test_rows: int
    entries: tuple[BenchmarkEntry, ...] = field(default_factory=tuple)

    @property
    def champion(self) -> BenchmarkEntry:
        return next(e for e in self.entries if e.served)

    def as_dict(self) -> dict[str, Any]:
        """The `--json` shape of `benchmark_models` (docs/models.md), plus a few extra keys (seed,
        rmse, predict time)."""
        return {
            "dataset": self.dataset,
            "split": self.split,
            "seed": self.seed,
            "train_rows": self.train_rows,
            "test_rows": self.test_rows,
            "models": [
                {
                    "name": e.name,
                    "kind": e.kind,
                    "served": e.served,
                    "reference": e.reference,
                    "auc": _json_float(e.auc),
                    "logloss": _json_float(e.logloss),
                    "brier": _json_float(e.brier),
                    "ece": _json_float(e.ece),
                    "log_time_mae": _json_float(e.log_time_mae),
                    "log_time_rmse": _json_float(e.log_time_rmse),
                    "train_seconds": round(e.train_seconds, 3),
                    "predict_seconds": round(e.predict_seconds, 3),
                }
                for e in self.entries
            ],
        }

    def to_json(self, *, indent: int | None = 2) -> str:
        return json.dumps(self.as_dict(), indent=indent)

    def table(self) -> str:
        header = ("", "name", "kind", "AUC", "logloss", "Brier", "ECE", "logT MAE", "train s")
        rows = [
            (
                "*" if e.served else "",
                e.name,
                e.kind + (" (ref)" if e.reference else ""),
                _fmt(e.auc),
                _fmt(e.logloss),
                _fmt(e.brier),
                _fmt(e.ece),
                _fmt(e.log_time_mae),
                f"{e.train_seconds:.2f}",
            )
            for e in self.entries
        ]
        widths = [max(len(r[k]) for r in (header, *rows)) for k in range(len(header))]
        left = {1, 2}  # text columns left-aligned, numbers right-aligned

        def line(r: tuple[str, ...]) -> str:
            cells = (
                c.ljust(w) if k in left else c.rjust(w)
                for k, (c, w) in enumerate(zip(r, widths, strict=True))
            )
            return "  ".join(cells).rstrip()

        title = (
            f"{self.dataset or 'dataset'}: split {self.split} (seed {self.seed}), "
            f"{self.train_rows} train / {self.test_rows} test rows; * = served"
        )
        return "\n".join([title, line(header), *(line(r) for r in rows)])

    def moves_table(self) -> str:
        """After one more answer (probes at test attempts): how often a wrong answer raises
        the prediction, how often it predicts at least as high as a right one, and how far
        one answer moves it (mean |Δ logit|), for the task answered, another task of its
        topic and a task of another topic."""
        lines = []
        for e in self.entries:
            for target, rises, inverted, move in e.moves:
                lines.append(
                    f"  {e.name:<10}{target:<13}rises after wrong {rises:6.1%}   "
                    f"wrong ≥ right {inverted:6.1%}   |Δ logit| {move:.3f}"
                )
        return "\n".join(["One more answer (probes at test attempts):", *lines]) if lines else ""


def _json_float(x: float) -> float | None:
    return None if math.isnan(x) else round(float(x), 6)


def _fmt(x: float) -> str:
    return "—" if math.isnan(x) else f"{x:.4f}"


def split_mask(table: AttemptTable, *, split: Split, seed: int) -> np.ndarray:
    if split == "random":
        return split_random(table, seed=seed)
    if split == "chronological":
        return split_chronological(table)
    raise ValueError(f"unknown split {split!r} (chronological | random)")


def run_benchmark(
    table: AttemptTable,
    *,
    split: Split = "chronological",
    seed: int = 0,
    models: Mapping[str, ModelTrainer],
    dataset: str = "",
    baselines: Mapping[str, Baseline] = BASELINES,
    probes: int = 0,
) -> BenchmarkReport:
    """Train every model on the training rows, score models and baselines on the test rows.

    `models` maps display names to trainers. The champion is the worker's
    (`evaluation.choose_champion`): among models that beat every simple baseline on AUC, the
    lowest log-loss. If none qualifies the worker serves the topic × difficulty average; the
    report then marks the simple baseline with the lowest log-loss as served. With `probes`,
    each model is also probed at that many test attempts (`evaluation.answer_probes`).
    """
    test_mask = split_mask(table, split=split, seed=seed)
    train_table = table.subset(~test_mask)
    y = table.correct[test_mask]
    log_t = table.log_seconds[test_mask]
    entries: list[BenchmarkEntry] = []
    for name, baseline in baselines.items():
        t0 = time.perf_counter()
        p, lt = baseline(table, test_mask)
        seconds = time.perf_counter() - t0
        entries.append(_entry(name, "baseline", y, p, log_t, lt, seconds, 0.0))
    for name, trainer in models.items():
        t0 = time.perf_counter()
        trained = trainer.train(train_table, seed=seed)
        t1 = time.perf_counter()
        p, lt = trainer.predict(trained, table, test_mask)
        t2 = time.perf_counter()
        entry = _entry(name, "model", y, p, log_t, lt, t1 - t0, t2 - t1)
        if probes:
            entry = replace(entry, moves=_moves(table, test_mask, trainer, trained, probes, seed))
        entries.append(entry)
    served = choose_champion(entries)
    final = tuple(replace(e, served=k == served) for k, e in enumerate(entries))
    return BenchmarkReport(
        dataset=dataset,
        split=split,
        seed=seed,
        train_rows=int((~test_mask).sum()),
        test_rows=int(test_mask.sum()),
        entries=final,
    )


def _moves(
    table: AttemptTable,
    test_mask: np.ndarray,
    trainer: ModelTrainer,
    trained: Any,
    n: int,
    seed: int,
) -> tuple[tuple[str, float, float, float], ...]:
    from mlmodels.evaluation import answer_probes

    test = np.flatnonzero(test_mask)
    rows = np.random.default_rng(seed).choice(test, size=min(n, len(test)), replace=False)
    out = []
    for target in ("same task", "same topic", "other topic"):
        probe = answer_probes(
            table,
            lambda t, m: trainer.predict(trained, t, m),
            rows=rows,
            target=target,
            seed=seed,
        )
        out.append(
            (target, probe.rises_after_wrong, probe.wrong_not_below_right, probe.mean_logit_move)
        )
    return tuple(out)


def _entry(
    name: str,
    kind: Literal["baseline", "model"],
    y: np.ndarray,
    p: np.ndarray,
    log_t: np.ndarray,
    pred_log_t: np.ndarray,
    train_seconds: float,
    predict_seconds: float,
) -> BenchmarkEntry:
    if len(p) != len(y) or len(pred_log_t) != len(y):
        raise ValueError(f"{name}: {len(p)} predictions for {len(y)} test rows")
    m = evaluate(y, p, log_t, pred_log_t)
    return BenchmarkEntry(
        name=name,
        kind=kind,
        auc=m.auc,
        logloss=m.logloss,
        brier=m.brier,
        ece=m.ece,
        log_time_mae=m.log_time_mae,
        log_time_rmse=m.log_time_rmse,
        train_seconds=train_seconds,
        predict_seconds=predict_seconds,
        reference=kind == "baseline" and name in REFERENCE_BASELINES,
    )


def choose_champion(entries: list[BenchmarkEntry]) -> int:
    """Index of the entry to serve: the worker's champion, else the simple baseline with the
    lowest log-loss. NaN metrics never win."""
    bar = auc_bar({e.name: e.auc for e in entries if e.kind == "baseline"})
    models = {e.name: (e.auc, e.logloss) for e in entries if e.kind == "model"}
    champion = champion_rule(models, bar=bar)
    if champion is not None:
        return next(k for k, e in enumerate(entries) if e.kind == "model" and e.name == champion)
    servable = [
        k
        for k, e in enumerate(entries)
        if e.kind == "baseline" and not e.reference and not math.isnan(e.logloss)
    ]
    if not servable:
        servable = [k for k, e in enumerate(entries) if e.kind == "baseline"]
    return min(servable, key=lambda k: (math.isnan(entries[k].logloss), entries[k].logloss))
