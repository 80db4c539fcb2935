"""Model files: published atomically, and the leftovers of a killed publish swept away."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from django.conf import settings

from mlmodels.registry import artifact_path, sweep_orphaned_temporary_files, write_atomically


def test_a_publish_leaves_only_the_final_file() -> None:
    final = write_atomically("lnirt/lnirt-v3.npz", lambda tmp: tmp.write_bytes(b"whole"))
    assert final == artifact_path("lnirt/lnirt-v3.npz")
    assert final.read_bytes() == b"whole"
    assert [p.name for p in final.parent.iterdir()] == ["lnirt-v3.npz"]


def test_a_failed_write_leaves_no_file_at_all() -> None:
    def broken(tmp: Path) -> None:
        tmp.write_bytes(b"half")
        raise OSError("disk full")

    with pytest.raises(OSError):
        write_atomically("sequence/sequence-v2.npz", broken)
    assert list(artifact_path("sequence").iterdir()) == []


def _file(relative: str, *, age_seconds: float) -> Path:
    path = Path(settings.MODEL_DIR) / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"x" * 100)
    then = time.time() - age_seconds
    os.utime(path, (then, then))
    return path


def test_the_sweep_removes_old_temporary_files_only() -> None:
    orphan = _file("lnirt/.tmp-0123abcd-lnirt-v4.npz", age_seconds=2 * 3600)
    deeper = _file("sequence/.tmp-feed-sequence-v4.npz", age_seconds=2 * 3600)
    in_progress = _file("lnirt/.tmp-4567ef-lnirt-v5.npz", age_seconds=5)
    published = _file("lnirt/lnirt-v3.npz", age_seconds=30 * 86400)

    removed = sweep_orphaned_temporary_files()

    assert sorted(removed) == sorted([orphan, deeper])
    assert not orphan.exists() and not deeper.exists()
    assert in_progress.exists(), "a young temporary file may be a publish in progress"
    assert published.exists(), "published versions are never swept"


def test_the_sweep_of_an_empty_model_folder_does_nothing() -> None:
    assert sweep_orphaned_temporary_files() == []
