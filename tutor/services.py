"""Writes and side effects of the AI tutor."""

from __future__ import annotations


def seed_demo() -> str:
    """Create the tutor's knowledge base with embeddings (idempotent)."""
    return "tutor: nothing to seed yet"
