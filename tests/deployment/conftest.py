"""The production-like deployment (benchmarks/deployment.py) for the cross-process and fault
tests: two daphne processes and both django-q2 clusters on PostgreSQL + Redis.

These tests run in the suite's PostgreSQL + Redis pass (DATABASE_URL and REDIS_URL set, as in
`.ci/run`); on embedded defaults there is no Redis to share between processes, so they skip.
Each module gets its own database (a fresh one, seeded like `make run`) and Redis db 12, apart
from the suite's own test database.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from benchmarks.deployment import Deployment, fresh_deployment


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/deployment/" in str(item.fspath):
            item.add_marker(pytest.mark.deployment)


def require_production_pass() -> None:
    if not (os.environ.get("DATABASE_URL") and os.environ.get("REDIS_URL")):
        pytest.skip("needs PostgreSQL and Redis: runs in the DATABASE_URL + REDIS_URL pass")


@pytest.fixture(scope="module")
def deployment() -> Iterator[Deployment]:
    """Two web processes (`deployment.urls[0]`, `[1]`) and both clusters, seeded."""
    require_production_pass()
    with fresh_deployment(web_processes=2, seed=True) as running:
        yield running
        # Shown in the report when a test of the module failed.
        print(f"--- deployment log ---\n{running.log()[-6000:]}")
