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
