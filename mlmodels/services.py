"""Writes, predictions and side effects of the student models."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

DEFAULT_P_CORRECT = 0.5
DEFAULT_SECONDS = 60.0


@dataclass(frozen=True)
class Prediction:
    p_correct: float
    seconds: float
    source: str  # "sequence" | "lnirt" | "average" | "default"
    version: str | None = None


def predict_many(*, user: Any, tasks: Sequence[Any]) -> list[Prediction]:
    """One batched prediction per page: the champion first, then the fallbacks of SPEC §4."""
    return [Prediction(DEFAULT_P_CORRECT, DEFAULT_SECONDS, "default") for _ in tasks]


def models_health() -> dict[str, Any]:
    return {"ok": True, "serving": "default", "versions": {}}


def seed_demo() -> str:
    """Nothing to seed: models train from the seeded history (train_models or the worker)."""
    return "mlmodels: nothing to seed"
