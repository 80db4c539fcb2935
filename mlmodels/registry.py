"""Model files under settings.MODEL_DIR: published atomically, loaded lazily once per process.

A reader never sees a half-written file: artifacts are written to a temporary name in the same
directory, fsynced and renamed into place, and only then does a database transaction make the
new version active. Web processes re-check which version is active at most every
`ACTIVE_CHECK_SECONDS` and load a newer one without a restart. Loading never imports TensorFlow.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings

from studysmart import atomic

logger = logging.getLogger(__name__)

ACTIVE_CHECK_SECONDS = 2.0


def model_dir() -> Path:
    path = Path(settings.MODEL_DIR)
    path.mkdir(parents=True, exist_ok=True)
    return path


def artifact_path(relative: str) -> Path:
    return model_dir() / relative


def write_atomically(relative: str, write: Callable[[Path], None]) -> Path:
    """Call `write(tmp)` and rename the result to `relative` under MODEL_DIR, atomically."""
    return atomic.write_atomically(artifact_path(relative), write)


# A temporary file older than this belongs to a writer that died (a killed worker): no live
# publish takes anywhere near this long between creating its file and renaming it.
ORPHAN_TEMPORARY_SECONDS = 3600


def sweep_orphaned_temporary_files(*, older_than: float = ORPHAN_TEMPORARY_SECONDS) -> list[Path]:
    """Delete `.tmp-*` files that a killed publish left under MODEL_DIR; the paths removed.

    They are never served (only final names are loaded), but each holds a whole model's worth
    of disk. Young ones are left alone: they may belong to a publish in progress elsewhere.
    """
    cutoff = time.time() - older_than
    removed = []
    for path in model_dir().rglob(f"{atomic.TEMPORARY_PREFIX}*"):
        try:
            if path.is_file() and path.stat().st_mtime < cutoff:
                path.unlink()
                removed.append(path)
        except FileNotFoundError:
            continue  # removed meanwhile by another sweep
    if removed:
        logger.warning("removed %d orphaned temporary model file(s)", len(removed))
    return removed


@dataclass(frozen=True)
class ActiveVersion:
    id: int
    kind: str
    version: int
    artifact: str
    is_champion: bool
    # From the version's held-out figures: the fallback order after the champion.
    qualified: bool = False
    logloss: float = float("inf")

    @property
    def label(self) -> str:
        return f"{self.kind}-v{self.version}"


@dataclass(frozen=True)
class LoadedModel:
    version: ActiveVersion
    model: Any


def _load_lnirt(path: Path) -> Any:
    from mlmodels.lnirt import LnirtParams

    return LnirtParams.load(path)


def _load_sequence(path: Path) -> Any:
    from mlmodels.sequence_serve import SequencePredictor

    return SequencePredictor.load(path)


def _load_learning(path: Path) -> Any:
    from mlmodels.learning import LearningModel

    return LearningModel.load(path)


LOADERS: dict[str, Callable[[Path], Any]] = {
    "lnirt": _load_lnirt,
    "sequence": _load_sequence,
    "learning": _load_learning,
}


class _Registry:
    """Per-process cache of the active versions and their loaded models."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._active: dict[str, ActiveVersion] = {}
        self._checked_at = 0.0
        self._loaded: dict[str, LoadedModel] = {}
        self._failed: dict[str, tuple[int, str]] = {}

    def active_versions(self, *, refresh: bool = False) -> dict[str, ActiveVersion]:
        now = time.monotonic()
        if refresh or now - self._checked_at > ACTIVE_CHECK_SECONDS:
            from mlmodels.models import ModelVersion

            rows = ModelVersion.objects.active().values_list(
                "id",
                "kind",
                "version",
                "artifact",
                "is_champion",
                "metrics__beats_baselines",
                "metrics__logloss",
            )
            self._active = {
                row[1]: ActiveVersion(
                    *row[:5],
                    qualified=bool(row[5]),
                    logloss=float(row[6]) if isinstance(row[6], int | float) else float("inf"),
                )
                for row in rows
            }
            self._checked_at = now
        return self._active

    def get(self, kind: str) -> LoadedModel | None:
        active = self.active_versions().get(kind)
        if active is None:
            return None
        loaded = self._loaded.get(kind)
        if loaded is not None and loaded.version.id == active.id:
            return loaded
        failed = self._failed.get(kind)
        if failed is not None and failed[0] == active.id:
            return None  # already known broken: don't re-read the file on every request
        with self._lock:
            loaded = self._loaded.get(kind)
            if loaded is not None and loaded.version.id == active.id:
                return loaded
            try:
                model = LOADERS[kind](artifact_path(active.artifact))
            except Exception as exc:  # a missing or corrupt file degrades, never raises
                logger.error("model %s unavailable: %s: %s", active.label, type(exc).__name__, exc)
                self._failed[kind] = (active.id, f"{type(exc).__name__}")
                return None
            loaded = LoadedModel(active, model)
            self._loaded[kind] = loaded
            self._failed.pop(kind, None)
            return loaded

    def failures(self) -> dict[str, tuple[int, str]]:
        return dict(self._failed)

    def reset(self) -> None:
        with self._lock:
            self._active, self._loaded, self._failed = {}, {}, {}
            self._checked_at = 0.0


registry = _Registry()


def get_predictor(kind: str) -> LoadedModel | None:
    """The loaded active model of `kind`, or None when there is none or it cannot be loaded."""
    return registry.get(kind)


def serving_order() -> list[str]:
    """Model kinds in the order they answer: the champion, then the other kinds that beat the
    simple baselines, lowest held-out log-loss first (docs/models.md). Kinds that did not
    qualify are never served (they are still computed as alternatives at assignment)."""
    active = registry.active_versions()
    champion = [k for k, a in active.items() if a.is_champion]
    others = sorted(
        (k for k, a in active.items() if a.qualified and not a.is_champion),
        key=lambda k: active[k].logloss,
    )
    return champion + others


def champion_kind() -> str | None:
    for kind, active in registry.active_versions().items():
        if active.is_champion:
            return kind
    return None
