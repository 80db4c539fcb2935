"""Fixtures shared by the tutor tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.cache import cache

from tutor import services


@pytest.fixture
def fresh_tutor_state(transactional_db: None) -> Iterator[None]:
    """No cached knowledge index, weak topics or rate-limit counts from an earlier test."""
    cache.clear()
    services.forget_knowledge_index()
    services.forget_weak_topics()
    yield
    cache.clear()
    services.forget_weak_topics()
