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

from mlmodels.data import AttemptTable, split_chronological

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

    @property
    def name(self) -> str:
        return str(self.inner.name)

    def train(self, train_table: AttemptTable, *, seed: int) -> Calibrated:
        val = split_chronological(train_table, fraction=VALIDATION_FRACTION)
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
