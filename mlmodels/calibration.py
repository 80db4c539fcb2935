"""Calibrated probabilities for every model kind: Platt scaling fitted on a validation fold.

A student reads the probability, not the ranking, so each kind's served P(correct) passes
through P = σ(a·logit(p) + b), with (a, b) fitted by scikit-learn on each student's last 20 %
of the training attempts (a chronological validation fold) and stored in the model's exported
file. Applying it is NumPy only (web processes never import scikit-learn).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from mlmodels.data import AttemptTable, split_chronological, split_random

IDENTITY = np.array([1.0, 0.0])
VALIDATION_FRACTION = 0.2
_CLIP = 1e-6


def logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(np.asarray(p, dtype=np.float64), _CLIP, 1.0 - _CLIP)
    return np.log(p / (1.0 - p))


def apply_platt(calibration: Any, raw_logit: np.ndarray) -> np.ndarray:
    """σ(a·logit + b); `calibration` is (a, b) (identity when None)."""
    a, b = (1.0, 0.0) if calibration is None else (float(calibration[0]), float(calibration[1]))
    z = np.clip(a * np.asarray(raw_logit, dtype=np.float64) + b, -35.0, 35.0)
    return 1.0 / (1.0 + np.exp(-z))


def calibrate(calibration: Any, p: np.ndarray) -> np.ndarray:
    """A raw probability through the stored calibration."""
    if calibration is None:
        return np.asarray(p, dtype=np.float64)
    return apply_platt(calibration, logit(p))


def fit_platt(raw_logit: np.ndarray, y: np.ndarray) -> np.ndarray:
    """(a, b) fitted on a validation fold; the identity when the fold cannot support a fit
    (too small, one class only) or the fit would flip the ranking."""
    from sklearn.linear_model import LogisticRegression

    y = np.asarray(y) > 0.5
    x = np.asarray(raw_logit, dtype=np.float64).reshape(-1, 1)
    if len(y) < 20 or y.all() or not y.any() or not np.all(np.isfinite(x)):
        return IDENTITY.copy()
    clf = LogisticRegression(C=1e4, max_iter=200)
    clf.fit(x, y)
    a, b = float(clf.coef_[0, 0]), float(clf.intercept_[0])
    if not (a > 0 and np.isfinite(b)):
        return IDENTITY.copy()
    return np.array([a, b])


def validation_fold(table: AttemptTable, *, validation: str, seed: int = 0) -> np.ndarray:
    if validation == "random":
        return split_random(table, fraction=VALIDATION_FRACTION, seed=seed + 1)
    return split_chronological(table, fraction=VALIDATION_FRACTION)


@dataclass
class SelfValidatedTrainer:
    """For a trainer that holds out its own validation slice (the sequence model's early
    stopping): the calibration is fitted on that slice, with no second fit."""

    inner: Any

    @property
    def name(self) -> str:
        return str(self.inner.name)

    def train(self, train_table: AttemptTable, *, seed: int) -> Calibrated:
        model = self.inner.train(train_table, seed=seed)
        p = np.asarray(getattr(model, "validation_p", np.zeros(0)))
        y = np.asarray(getattr(model, "validation_y", np.zeros(0)))
        return Calibrated(model, fit_platt(logit(p), y) if len(p) else IDENTITY.copy())

    def predict(
        self, trained: Calibrated, full_table: AttemptTable, test_mask: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        p, log_t = self.inner.predict(trained.model, full_table, test_mask)
        return calibrate(trained.calibration, p), log_t


@dataclass(frozen=True)
class Calibrated:
    """A trained model and the Platt parameters of its probabilities."""

    model: Any
    calibration: np.ndarray


@dataclass
class CalibratedTrainer:
    """Wraps a trainer of the benchmark protocol: trains it on the first 80 % of each student's
    attempts, fits the calibration on their last 20 %, then (with `refit`) trains it again on
    everything. Without `refit` the first fit is kept: for a model whose training dominates the
    worker's time (the sequence model), the calibration then costs nothing extra."""

    inner: Any
    refit: bool = True
    # How the validation fold is drawn: as the evaluation's test set is (each student's last
    # 20 % for data with time; a random 20 % for fixed-order tests, where the last positions are
    # other items altogether).
    validation: str = "chronological"

    @property
    def name(self) -> str:
        return str(self.inner.name)

    def train(self, train_table: AttemptTable, *, seed: int) -> Calibrated:
        val = validation_fold(train_table, validation=self.validation, seed=seed)
        y = train_table.correct
        if val.sum() < 20 or (~val).sum() < 20 or len(np.unique(y[~val])) < 2:
            return Calibrated(self.inner.train(train_table, seed=seed), IDENTITY.copy())
        first = self.inner.train(train_table.subset(~val), seed=seed)
        # Validation rows are predicted one step ahead from the whole table, as at serving.
        p_val, _ = self.inner.predict(first, train_table, val)
        calibration = fit_platt(logit(p_val), y[val])
        final = self.inner.train(train_table, seed=seed) if self.refit else first
        return Calibrated(final, calibration)

    def predict(
        self, trained: Calibrated, full_table: AttemptTable, test_mask: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        p, log_t = self.inner.predict(trained.model, full_table, test_mask)
        return calibrate(trained.calibration, p), log_t
