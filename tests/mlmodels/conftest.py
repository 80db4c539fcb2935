"""Fixtures shared by the student-model tests."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def world() -> dict[str, object]:
    """The small sequence model of test_sequence.py, trained once per test run and shared by
    every module that reads it (read-only: no test changes it)."""
    pytest.importorskip("mlmodels.sequence_train")
    from tests.mlmodels.test_sequence import train_world

    return train_world()
