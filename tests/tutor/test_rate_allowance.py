"""The tutor's per-minute allowance on the embedded stack (the database cache) is counted in
the web process: no statement and no write transaction per message, and it still holds."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.tasks.factories import UserFactory
from tutor import errors, turns

pytestmark = pytest.mark.django_db


@pytest.fixture
def database_cache(settings) -> None:
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "studysmart_cache",
        }
    }
    turns._PROCESS_ALLOWANCE.counts.clear()
    turns._PROCESS_ALLOWANCE.minute = ""


@pytest.mark.usefixtures("database_cache")
def test_the_allowance_holds_without_touching_the_database(settings) -> None:
    settings.TUTOR_RATE_LIMIT_PER_MINUTE = 2
    alice, bob = UserFactory(), UserFactory()
    with CaptureQueriesContext(connection) as queries:
        turns.check_rate_limit(student=alice)
        turns.check_rate_limit(student=alice)
        with pytest.raises(errors.TutorError) as refused:
            turns.check_rate_limit(student=alice)
        # Another student draws from an allowance of their own.
        turns.check_rate_limit(student=bob)
    assert refused.value.code == "rate_limited"
    assert queries.captured_queries == []


@pytest.mark.usefixtures("database_cache")
def test_a_new_minute_gives_a_new_allowance(settings, monkeypatch) -> None:
    settings.TUTOR_RATE_LIMIT_PER_MINUTE = 1
    alice = UserFactory()
    now = [1_800_000_000.0]
    monkeypatch.setattr(turns.time, "time", lambda: now[0])
    turns.check_rate_limit(student=alice)
    with pytest.raises(errors.TutorError):
        turns.check_rate_limit(student=alice)
    now[0] += 60
    turns.check_rate_limit(student=alice)
    assert len(turns._PROCESS_ALLOWANCE.counts) == 1  # the old minute's counts are gone
