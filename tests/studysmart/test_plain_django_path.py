"""The plain Django path: `migrate`, `seed_demo` and a server on a fresh database, no `start_all`.

Each test runs manage.py in fresh interpreters, as a developer on a new checkout would, against
its own SQLite file named by DATABASE_URL.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# Run in a fresh interpreter after migrate + seed_demo: the demo student's pages and API, and
# the health check, through Django's test client (the real middleware stack and database).
VISIT_SITE = """
import json, django
django.setup()
from django.test import Client
from studysmart.services import DEMO_STUDENT
client = Client()
login = client.post("/accounts/login/", {"username": DEMO_STUDENT[0], "password": DEMO_STUDENT[1]})
out = {"login": login.status_code}
for name, path in [("dashboard", "/"), ("history", "/history/"), ("tutor", "/tutor/"),
                   ("api", "/api/practice-tasks/"), ("health", "/api/health/")]:
    out[name] = client.get(path, HTTP_ACCEPT="text/html").status_code
assign = client.post("/api/practice-tasks/assign/", data="{}", content_type="application/json")
out["assign"] = assign.status_code
from django.db import connection
out["cache_table"] = "studysmart_cache" in connection.introspection.table_names()
print(json.dumps(out))
"""


def plain_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "REDIS_URL", "SQLITE_PATH", "SECRET_KEY", "GOOGLE_API_KEY"}
    }
    env.update(
        {
            "DEBUG": "1",
            "STUDYSMART_DATA_DIR": str(tmp_path / "data"),
            "DATABASE_URL": f"sqlite:///{tmp_path / 'site.sqlite3'}",
            "ALLOWED_HOSTS": "testserver,localhost",
            "STUDYSMART_ENV_FILE": "",
        }
    )
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.update(extra)
    return env


def manage(env: dict[str, str], *args: str, timeout: int = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def test_it_serves_the_demo_after_migrate_and_seed_demo_alone(tmp_path: Path) -> None:
    # DATABASE_URL=sqlite:///… (plain_env): it used to fail on PostgreSQL's connect_timeout.
    env = plain_env(tmp_path)
    migrated = manage(env, "migrate", "--noinput")
    assert migrated.returncode == 0, migrated.stderr[-2000:]
    assert (tmp_path / "site.sqlite3").stat().st_size > 0
    seeded = manage(env, "seed_demo")
    assert seeded.returncode == 0, seeded.stderr[-2000:]
    # seed_demo used to log tracebacks here: the cache table is now made by `migrate`.
    assert "Traceback" not in seeded.stderr, seeded.stderr[-2000:]

    env["DJANGO_SETTINGS_MODULE"] = "studysmart.settings"
    visit = subprocess.run(
        [sys.executable, "-c", VISIT_SITE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert visit.returncode == 0, visit.stderr[-2000:]
    status = json.loads(visit.stdout.strip().splitlines()[-1])
    assert status == {
        "login": 302,
        "dashboard": 200,
        "history": 200,
        "tutor": 200,
        "api": 200,
        "health": 200,
        "assign": 201,
        "cache_table": True,  # made by `migrate`, not only by start_all
    }, visit.stderr[-2000:]


def test_it_reads_a_dotenv_file_beside_manage_py_and_lets_exported_variables_win(
    tmp_path: Path,
) -> None:
    dotenv = tmp_path / "local.env"
    dotenv.write_text(
        "# a local checkout\n"
        "DEBUG=1   # on\n"
        'TUTOR_MAX_MESSAGE_CHARS="1234"\n'
        "LOGIN_FAILURE_LIMIT=9\n"
        "TUTOR_MODEL=\n"
    )
    env = plain_env(tmp_path, STUDYSMART_ENV_FILE=str(dotenv), LOGIN_FAILURE_LIMIT="3")
    env.pop("DEBUG")
    env.pop("TUTOR_MAX_MESSAGE_CHARS", None)
    env.pop("TUTOR_MODEL", None)
    shown = manage(
        env,
        "shell",
        "-c",
        "from django.conf import settings as s; import json; print(json.dumps("
        "[s.DEBUG, s.TUTOR_MAX_MESSAGE_CHARS, s.AXES_FAILURE_LIMIT, s.TUTOR_MODEL]))",
    )
    assert shown.returncode == 0, shown.stderr[-2000:]
    # DEBUG and the message limit from the file; the exported limit wins; an empty value is unset.
    assert json.loads(shown.stdout.strip().splitlines()[-1]) == [True, 1234, 3, "offline"]


def test_it_still_refuses_a_missing_secret_key_with_debug_off(tmp_path: Path) -> None:
    env = plain_env(tmp_path, DEBUG="0")
    result = manage(env, "check")
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_it_names_a_malformed_dotenv_line(tmp_path: Path) -> None:
    dotenv = tmp_path / "bad.env"
    dotenv.write_text("DEBUG=1\nthis is not an assignment\n")
    result = manage(plain_env(tmp_path, STUDYSMART_ENV_FILE=str(dotenv)), "check")
    assert result.returncode != 0
    assert f"{dotenv}: line 2 is not NAME=value" in result.stderr


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Z=  # only a note\nA=1\n# B=2\nexport C='x # y'\nD=\"q\"  # note\nE=\n",
            {"A": "1", "C": "x # y", "D": "q"},
        ),
        ("URL=postgres://u:p@h:5432/db#frag\n", {"URL": "postgres://u:p@h:5432/db#frag"}),
    ],
)
def test_it_parses_the_common_dotenv_subset(text: str, expected: dict[str, str]) -> None:
    from studysmart.envfile import parse_env_file

    assert parse_env_file(text) == expected


def test_it_makes_env_example_a_working_local_setup() -> None:
    from studysmart.envfile import parse_env_file

    values = parse_env_file((ROOT / ".env.example").read_text())
    # Copying it gives DEBUG on and nothing that points at production services.
    assert values == {"DEBUG": "1"}


def test_it_creates_a_local_env_file_once_with_a_generated_key(tmp_path: Path) -> None:
    from studysmart.envfile import create_local_env_file, parse_env_file

    target = tmp_path / ".env"
    assert create_local_env_file(target=target, template=ROOT / ".env.example")
    values = parse_env_file(target.read_text())
    assert values["DEBUG"] == "1" and len(values["SECRET_KEY"]) >= 50
    target.write_text("DEBUG=0\n")
    assert not create_local_env_file(target=target, template=ROOT / ".env.example")
    assert target.read_text() == "DEBUG=0\n"  # a developer's own file is never replaced
