"""Test-wide overrides (STYLE 18) and the named personas used across the suite."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

# Property tests (tests/security/test_fuzz.py) on a fixed, reproducible budget: the same 50
# examples per test on every run and in CI (HYPOTHESIS_PROFILE=explore searches further).
hypothesis_settings.register_profile(
    "ci",
    max_examples=50,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
hypothesis_settings.register_profile(
    "explore",
    max_examples=1000,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

if TYPE_CHECKING:
    from django.contrib.auth.models import User

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path: Path) -> Iterator[None]:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MODEL_DIR = tmp_path / "models"
    settings.AXES_ENABLED = True
    # No web-process heartbeat writes: a query count must not depend on when a test runs.
    settings.PROCESS_HEARTBEAT_SECONDS = 0
    # No collectstatic in unit tests: plain storage serves the source files by name.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    # WhiteNoise looks a static file up when it is asked for: otherwise every middleware stack
    # (one per test client) first lists and stats all ~140 files of every app's static folder,
    # 5-7 ms a client, for the few tests that fetch a file. The same finders serve the same files
    # with the same headers either way.
    settings.WHITENOISE_AUTOREFRESH = True
    # Each test its own cache: the database cache table and Redis are not flushed between
    # tests, and cached figures (group averages, rate limits) would leak from one to the next.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"test-{tmp_path.name}",
        }
    }
    # Jobs are enqueued, not run: django-q2 reads Q_CLUSTER once at import, so a "sync"
    # override here would do nothing. The worker tests start real qcluster processes.
    if not os.environ.get("REDIS_URL"):
        settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    yield
    # The intent vocabulary follows the knowledge rows a test loaded: back to the shipped notes.
    intents = sys.modules.get("tutor.intents")
    if intents is not None:
        intents.forget_knowledge()


def require_shared_data() -> Path:
    """SHARED_DATA (beside the checkout): the test is skipped with a message when it is absent,
    unless REQUIRE_SHARED_DATA=1 (then it fails). For module-scoped fixtures too."""
    if not SHARED_DATA.is_dir():
        if os.environ.get("REQUIRE_SHARED_DATA") == "1":
            pytest.fail(f"REQUIRE_SHARED_DATA=1 but {SHARED_DATA} is missing")
        pytest.skip(f"{SHARED_DATA} not found (set REQUIRE_SHARED_DATA=1 to make this a failure)")
    return SHARED_DATA


@pytest.fixture
def shared_data_dir() -> Path:
    return require_shared_data()


@pytest.fixture
def alice(db) -> User:
    """A student who owns the data under test."""
    from django.contrib.auth.models import User

    return User.objects.create_user("alice", password="alice-password-1")


@pytest.fixture
def bob(db) -> User:
    """Another student: must never see alice's data."""
    from django.contrib.auth.models import User

    return User.objects.create_user("bob", password="bob-password-1")


@pytest.fixture
def charlie_admin(db) -> User:
    """A teacher with the Django admin."""
    from django.contrib.auth.models import User

    return User.objects.create_superuser("charlie", password="charlie-password-1")


# Nothing listens on port 9 (discard): every connection is refused at once, like a Redis that is
# down (redis-py raises ConnectionError).
DEAD_REDIS = "redis://127.0.0.1:9/0"


@pytest.fixture
def dead_redis(settings) -> None:
    """The shared cache on a Redis that is down."""
    backend = "django.core.cache.backends.redis.RedisCache"
    settings.CACHES = {"default": {"BACKEND": backend, "LOCATION": DEAD_REDIS}}
