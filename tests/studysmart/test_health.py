from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_it_reports_each_part_without_login(client: Client) -> None:
    response = client.get("/api/health/")
    assert response.status_code == 200
    body = response.json()
    assert body["message"] == "Welcome to StudySmart AI API"
    assert body["status"] in ("ok", "degraded")
    assert body["database"]["ok"] is True
    assert set(body) >= {"queue", "models"}
    # No cluster runs inside the test process, so the queue cannot be healthy here.
    assert body["queue"]["ok"] is False
    assert body["status"] == "degraded"


@pytest.mark.django_db
def test_it_refuses_writes(client: Client) -> None:
    assert client.post("/api/health/").status_code == 405


HEALTH_WITH_DEAD_DATABASE = """
import django, json
django.setup()
from django.test import Client
r = Client().get("/api/health/")
print(json.dumps({"code": r.status_code, "body": r.json()}))
"""


def test_it_answers_503_when_the_database_is_unreachable(tmp_path: Path) -> None:
    env = dict(os.environ)
    # Nothing listens on port 9 (discard): connecting fails at once, as with a stopped server.
    env.update(
        {
            "DATABASE_URL": "postgres://nobody@127.0.0.1:9/none",
            "DJANGO_SETTINGS_MODULE": "studysmart.settings",
            "SECRET_KEY": "x" * 60,
            "HTTPS": "0",
            "ALLOWED_HOSTS": "testserver",
            "STUDYSMART_DATA_DIR": str(tmp_path),
        }
    )
    env.pop("REDIS_URL", None)
    proc = subprocess.run(
        [sys.executable, "-c", HEALTH_WITH_DEAD_DATABASE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    assert result["code"] == 503
    assert result["body"]["status"] == "down"
    assert result["body"]["database"]["ok"] is False
    assert result["body"]["message"] == "Welcome to StudySmart AI API"
