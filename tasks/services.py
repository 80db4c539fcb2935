"""Writes and side effects of the practice-task app."""

from __future__ import annotations


def seed_demo() -> str:
    """Create the demo question bank, demo student and simulated history (idempotent)."""
    return "tasks: nothing to seed yet"
