"""Fixtures shared by the tutor tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.cache import cache

from mlmodels import weak_topics
from tutor import knowledge_index


@pytest.fixture
def fresh_tutor_state(transactional_db: None) -> Iterator[None]:
    """No cached knowledge index, weak topics or rate-limit counts from an earlier test."""
    cache.clear()
    knowledge_index.forget_knowledge_index()
    weak_topics.forget_weak_topics()
    yield
    cache.clear()
    weak_topics.forget_weak_topics()
