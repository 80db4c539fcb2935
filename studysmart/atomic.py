"""Writing a file so that readers see the old file or the whole new one, never half of one."""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Callable
from pathlib import Path

# The prefix of a file being written; a sweep may remove old ones a killed writer left behind.
TEMPORARY_PREFIX = ".tmp-"


def temporary_name(final: Path) -> Path:
    """A fresh name in ``final``'s directory that keeps its name and suffix at the end (some
    writers, Keras and NumPy among them, insist on the suffix)."""
    return final.with_name(f"{TEMPORARY_PREFIX}{uuid.uuid4().hex}-{final.name}")


def write_atomically(final: Path, write: Callable[[Path], None]) -> Path:
    """Call ``write(tmp)``, fsync the file, rename it to ``final`` and fsync the directory.

    A failed write leaves no file at all: the temporary file is removed and ``final`` keeps
    what it had.
    """
    final.parent.mkdir(parents=True, exist_ok=True)
    tmp = temporary_name(final)
    try:
        write(tmp)
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, final)
    finally:
        tmp.unlink(missing_ok=True)
    _sync_directory(final.parent)
    return final


def _sync_directory(path: Path) -> None:
    # Makes the rename itself durable; not possible on every platform (Windows), where the
    # rename is still atomic.
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        with contextlib.suppress(OSError):
            os.fsync(fd)
    finally:
        os.close(fd)
