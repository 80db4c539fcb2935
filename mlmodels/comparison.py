"""The live A/B view: how the predictions frozen at assignment fared against real outcomes.

Every practice task stores what the served source predicted and what every other source
predicted at that moment (frozen at assignment), so the sources can be compared on exactly the same
tasks.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass

import numpy as np

from mlmodels.evaluation import auc, brier, calibration_bins, expected_calibration_error, log_loss


@dataclass(frozen=True)
class SourceFigures:
    source: str
    version: str
    served: bool  # True: the prediction the student saw; False: a shadow (alternative) source
    n: int
    auc: float | None
    logloss: float | None
    brier: float | None
    ece: float | None
    log_time_mae: float | None
    calibration: list[tuple[float, float, int]]


def live_comparison(limit: int = 50_000) -> list[SourceFigures]:
    """Figures per (source, version, served) over the most recent completed practice tasks."""
    from tasks.models import PracticeTask

    rows = (
        PracticeTask.objects.completed()
        .filter(source="")
        .exclude(assigned_source="")
        .order_by("-answered_at")
        .values_list(
            "is_correct",
            "seconds_taken",
            "assigned_source",
            "assigned_version",
            "assigned_p_correct",
            "assigned_seconds",
            "assigned_alternatives",
        )[:limit]
    )
    groups: dict[tuple[str, str, bool], list[tuple[float, float, float | None, float]]] = (
        defaultdict(list)
    )
    for correct, seconds, source, version, p, s, alternatives in rows:
        y = 1.0 if correct else 0.0
        groups[(source, version, True)].append((y, seconds or math.nan, p, s or math.nan))
        for alt_source, alt in (alternatives or {}).items():
            if isinstance(alt, dict) and alt.get("p_correct") is not None:
                key = (alt_source, str(alt.get("version") or ""), False)
                groups[key].append(
                    (
                        y,
                        seconds or math.nan,
                        float(alt["p_correct"]),
                        float(alt.get("seconds") or math.nan),
                    )
                )
    figures = [_figures(key, values) for key, values in groups.items()]
    return sorted(figures, key=lambda f: (not f.served, f.source, f.version))


def _figures(
    key: tuple[str, str, bool], values: list[tuple[float, float, float | None, float]]
) -> SourceFigures:
    data = np.asarray(values, dtype=np.float64)
    y, t, p, s = data[:, 0], data[:, 1], data[:, 2], data[:, 3]
    both = len(set(y.tolist())) == 2
    valid_t = np.isfinite(t) & np.isfinite(s) & (t > 0) & (s > 0)
    mae = float(np.mean(np.abs(np.log(t[valid_t]) - np.log(s[valid_t])))) if valid_t.any() else None
    return SourceFigures(
        source=key[0],
        version=key[1],
        served=key[2],
        n=len(y),
        auc=float(auc(y, p)) if both else None,
        logloss=float(log_loss(y, p)),
        brier=float(brier(y, p)),
        ece=float(expected_calibration_error(y, p)),
        log_time_mae=mae,
        calibration=calibration_bins(y, p),
    )
