"""Settings come from environment variables alone: checked in fresh interpreters."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# Settings only, no django.setup(): importing every app would cost each of these interpreters a
# second or more, and the values come from the settings module alone.
PRINT_SETTINGS = """
import json
from django.conf import settings as s
print(json.dumps({
    "engine": s.DATABASES["default"]["ENGINE"],
    "conn_max_age": s.DATABASES["default"]["CONN_MAX_AGE"],
    "db_name": str(s.DATABASES["default"]["NAME"]),
    "layer": s.CHANNEL_LAYERS["default"]["BACKEND"],
    "broker": "redis" if "redis" in s.Q_CLUSTER else ("orm" if "orm" in s.Q_CLUSTER else "?"),
    "cache": s.CACHES["default"]["BACKEND"],
    "debug": s.DEBUG,
    "model_dir": str(s.MODEL_DIR),
    "tutor_model": s.TUTOR_MODEL,
    "secure_cookie": s.SESSION_COOKIE_SECURE,
    "allowed_hosts": s.ALLOWED_HOSTS,
    "q_timeout_lt_retry": s.Q_CLUSTER["timeout"] < s.Q_CLUSTER["retry"],
    "ml_timeout_lt_retry": s.Q_CLUSTER["ALT_CLUSTERS"]["ml"]["timeout"]
        < s.Q_CLUSTER["ALT_CLUSTERS"]["ml"]["retry"],
    "catch_up": s.Q_CLUSTER["catch_up"],
    "max_attempts": s.Q_CLUSTER["max_attempts"],
}))
"""

BASE_ENV = {"SECRET_KEY": "x" * 60, "ALLOWED_HOSTS": "studysmart.example.org"}


def run_settings(env: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in _SETTINGS_VARS}
    clean.update({"DJANGO_SETTINGS_MODULE": "studysmart.settings"})
    clean.setdefault("STUDYSMART_DATA_DIR", str(tmp_path / "data"))
    clean.update(env)
    return subprocess.run(
        [sys.executable, "-c", PRINT_SETTINGS],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )


_SETTINGS_VARS = {
    "DATABASE_URL",
    "REDIS_URL",
    "GOOGLE_API_KEY",
    "DB_CONN_MAX_AGE",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "DEBUG",
    "HTTPS",
    "MODEL_DIR",
    "STUDYSMART_DATA_DIR",
    "TUTOR_MODEL",
}


def settings_for(env: dict[str, str], tmp_path: Path) -> dict[str, object]:
    proc = run_settings(env, tmp_path)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_it_uses_embedded_defaults_without_variables(tmp_path: Path) -> None:
    s = settings_for(BASE_ENV, tmp_path)
    assert s["engine"] == "studysmart.sqlite_backend"
    assert s["conn_max_age"] == 600  # a SQLite connection is a file handle: threads keep theirs
    assert s["layer"] == "channels.layers.InMemoryChannelLayer"
    assert s["broker"] == "orm"
    assert s["debug"] is False
    assert s["tutor_model"] == "offline"
    assert s["secure_cookie"] is True
    assert s["q_timeout_lt_retry"] and s["ml_timeout_lt_retry"]
    assert s["catch_up"] is False and s["max_attempts"] > 0
    assert Path(str(s["model_dir"])).is_absolute()
    assert not Path(str(s["model_dir"])).is_relative_to(ROOT)


def test_it_switches_to_postgres_and_redis_by_url(tmp_path: Path) -> None:
    s = settings_for(
        {
            **BASE_ENV,
            "DATABASE_URL": "postgres://u@127.0.0.1:5432/studysmart",
            "REDIS_URL": "redis://127.0.0.1:6379/3",
        },
        tmp_path,
    )
    assert s["engine"] == "django_prometheus.db.backends.postgresql"
    assert s["db_name"] == "studysmart"
    assert s["conn_max_age"] == 60  # kept a minute, not one connection per request
    assert s["layer"] == "channels_redis.core.RedisChannelLayer"
    assert s["broker"] == "redis"
    assert s["cache"] == "django.core.cache.backends.redis.RedisCache"


def test_an_operator_can_turn_kept_connections_off(tmp_path: Path) -> None:
    # With PgBouncer in front, or more web processes than max_connections allows.
    url = {"DATABASE_URL": "postgres://u@127.0.0.1:5432/studysmart", "DB_CONN_MAX_AGE": "0"}
    assert settings_for({**BASE_ENV, **url}, tmp_path)["conn_max_age"] == 0
    assert settings_for({**BASE_ENV, "DB_CONN_MAX_AGE": "0"}, tmp_path)["conn_max_age"] == 0


def test_it_uses_gemini_when_a_key_is_set(tmp_path: Path) -> None:
    s = settings_for({**BASE_ENV, "GOOGLE_API_KEY": "k-123"}, tmp_path)
    assert s["tutor_model"] == "google_genai:gemini-2.5-flash"


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"ALLOWED_HOSTS": "*", "SECRET_KEY": "x" * 60}, "ALLOWED_HOSTS may not contain '*'"),
        ({"ALLOWED_HOSTS": "a.example.org"}, "SECRET_KEY must be set"),
        ({**BASE_ENV, "DEBUG": "maybe"}, "DEBUG must be a boolean"),
        ({**BASE_ENV, "MODEL_DIR": str(ROOT / "models")}, "MODEL_DIR must be an absolute path"),
    ],
)
def test_it_refuses_unsafe_or_malformed_configuration(
    env: dict[str, str], message: str, tmp_path: Path
) -> None:
    proc = run_settings(env, tmp_path)
    assert proc.returncode != 0
    assert message in proc.stderr


def test_it_allows_a_wildcard_host_only_in_debug(tmp_path: Path) -> None:
    s = settings_for({"ALLOWED_HOSTS": "*", "DEBUG": "1"}, tmp_path)
    assert s["allowed_hosts"] == ["*"]
    assert s["debug"] is True and s["secure_cookie"] is False


def test_it_passes_check_deploy_with_production_variables(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in _SETTINGS_VARS}
    env.update(
        {
            "SECRET_KEY": "k3y-" + "a9Zq" * 16,
            "ALLOWED_HOSTS": "studysmart.example.org",
            "STUDYSMART_DATA_DIR": str(tmp_path / "data"),
        }
    )
    proc = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "no issues" in proc.stdout
