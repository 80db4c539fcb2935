"""Every response says how long the app itself took (Server-Timing), pages and API alike."""

from __future__ import annotations

import re

import pytest

DURATION = re.compile(r"^app;dur=(\d+\.\d)$")


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/api/health/", "/accounts/login/", "/no-such-page/"])
def test_every_response_carries_the_apps_own_time(client, path: str) -> None:
    response = client.get(path)
    match = DURATION.match(response.headers.get("Server-Timing", ""))
    assert match, response.headers.get("Server-Timing")
    assert 0.0 <= float(match.group(1)) < 60_000


@pytest.mark.django_db
def test_the_time_covers_the_view(client, monkeypatch) -> None:
    """A view that takes 50 ms is reported as at least 50 ms: the header wraps the view."""
    import time

    from studysmart import health

    real = health.check_database

    def slow_check() -> dict:
        time.sleep(0.05)
        return real()

    monkeypatch.setattr(health, "check_database", slow_check)
    response = client.get("/api/health/")
    assert float(DURATION.match(response["Server-Timing"]).group(1)) >= 50.0


@pytest.mark.django_db
def test_a_slow_statement_is_logged_with_its_sql(settings, caplog) -> None:
    from django.db import connection

    from studysmart.timing import log_slow_query, watch_slow_queries

    watch_slow_queries(sender=None, connection=connection)
    assert connection.execute_wrappers.count(log_slow_query) == 1
    watch_slow_queries(sender=None, connection=connection)  # a reconnect: still wrapped once
    assert connection.execute_wrappers.count(log_slow_query) == 1
    settings.SLOW_QUERY_MS = 30.0
    with caplog.at_level("WARNING", logger="studysmart.timing"):
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")  # fast: not logged
            slow = "SELECT pg_sleep(0.05)" if connection.vendor == "postgresql" else None
            if slow is None:
                # SQLite has no sleep: a recursive CTE that counts long enough instead.
                slow = (
                    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n "
                    "WHERE i < 3000000) SELECT count(*) FROM n"
                )
            cursor.execute(slow)
    lines = [r.getMessage() for r in caplog.records if r.name == "studysmart.timing"]
    assert len(lines) == 1, lines
    assert lines[0].startswith("slow query, ") and (
        "pg_sleep" in lines[0] or "RECURSIVE" in lines[0]
    )
    connection.execute_wrappers.remove(log_slow_query)


@pytest.mark.django_db(transaction=True)
def test_a_timed_transaction_ends_at_its_commit_not_after_its_hooks(monkeypatch) -> None:
    """`lock` is how long the write transaction held its locks: the on-commit hooks (the
    student models' updates, in transactions of their own) run after it and are not counted."""
    from django.db import transaction

    from studysmart import timing

    clock = [0.0]
    monkeypatch.setattr(timing.time, "perf_counter", lambda: clock[0])
    metrics: dict[str, float] = {}
    token = timing._METRICS.set(metrics)
    try:
        with timing.timed_transaction("lock"):
            clock[0] += 0.002  # the transaction's own work: 2 ms

            def slow_hook() -> None:
                clock[0] += 1.0  # a hook after the commit: 1 s

            transaction.on_commit(slow_hook)
    finally:
        timing._METRICS.reset(token)
    assert clock[0] == pytest.approx(1.002)
    assert metrics["lock"] == pytest.approx(2.0)
