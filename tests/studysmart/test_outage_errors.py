"""OutageMiddleware: a 503 with Retry-After, never a 500 page, while the database or Redis is
unreachable. The services are really unreachable here: Redis on a port where nothing listens
(in-process, with this module's own views), PostgreSQL likewise in a subprocess that runs the
real settings and URLs (the test database cannot be taken away from the test process)."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.test import AsyncClient, Client
from django.urls import path

from studysmart.middleware import RETRY_AFTER_SECONDS

ROOT = Path(__file__).resolve().parents[2]
# Nothing listens on port 9 (discard): a connection is refused at once, as with a stopped server.
DEAD_DATABASE = "postgres://nobody@127.0.0.1:9/none"


@login_not_required
def read_cache(request: HttpRequest) -> HttpResponse:
    return JsonResponse({"value": cache.get("anything")})


@login_not_required
def write_session(request: HttpRequest) -> HttpResponse:
    # The view succeeds; the session is saved afterwards, by SessionMiddleware.
    request.session["seen"] = True
    return HttpResponse("ok")


@login_not_required
def broken(request: HttpRequest) -> HttpResponse:
    raise ValueError("a bug, not an outage")


urlpatterns = [
    path("page/", read_cache),
    path("api/thing/", read_cache),
    path("session/", write_session),
    path("broken/", broken),
]

pytestmark = pytest.mark.urls(__name__)


def outage_logs(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.levelno >= logging.WARNING]


def test_it_answers_json_503_on_api_paths(dead_redis: None, caplog) -> None:
    with caplog.at_level(logging.WARNING):
        response = Client().get("/api/thing/")
    assert response.status_code == 503
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"] == {
        "code": "unavailable",
        "message": "StudySmart cannot reach its cache right now. Try again in a few seconds.",
    }
    assert "no-store" in response["Cache-Control"]
    # One line from the middleware; Django's own "Service Unavailable" line is left out.
    [record] = outage_logs(caplog)
    assert record.name == "studysmart.middleware"
    assert record.levelno == logging.WARNING
    assert "GET /api/thing/: cache unreachable, answered 503 (ConnectionError" in record.message
    assert record.exc_info is None


def test_it_answers_json_to_a_client_that_asks_for_json(dead_redis: None) -> None:
    response = Client().get("/page/", headers={"Accept": "application/json"})
    assert response.status_code == 503
    assert "error" in response.json()


def test_it_shows_a_short_page_to_a_browser(dead_redis: None) -> None:
    accept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    response = Client().get("/page/", headers={"Accept": accept})
    assert response.status_code == 503
    assert response["Content-Type"].startswith("text/html")
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    page = response.content.decode()
    assert "Back in a moment" in page
    assert "cannot reach its cache" in page
    assert "Traceback" not in page
    # The page went through the rest of the stack like any other: its CSP header is there.
    assert "default-src 'self'" in response["Content-Security-Policy"]


def test_it_answers_503_when_the_session_cannot_be_saved(
    dead_redis: None, settings, caplog
) -> None:
    # SessionMiddleware saves after the view, outside process_exception's reach: Django turns
    # that error into a 500 page, which the middleware (outside SessionMiddleware) replaces.
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cache"
    with caplog.at_level(logging.WARNING):
        response = Client(raise_request_exception=False).get("/session/")
    assert response.status_code == 503
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert "cannot reach its cache" in response.content.decode()
    # Logged once: Django's own line with the traceback, nothing more.
    [record] = outage_logs(caplog)
    assert record.name == "django.request"


@pytest.mark.asyncio
async def test_it_works_the_same_under_asgi(dead_redis: None, settings) -> None:
    # Under daphne every middleware runs in async mode and Django builds its 500 page in a
    # worker thread: the exception must still be recognised there.
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cache"
    client = AsyncClient(raise_request_exception=False)
    api = await client.get("/api/thing/")
    saved = await client.get("/session/")
    assert (api.status_code, api["Retry-After"]) == (503, str(RETRY_AFTER_SECONDS))
    assert "error" in api.json()
    assert (saved.status_code, saved["Retry-After"]) == (503, str(RETRY_AFTER_SECONDS))


def test_it_leaves_other_errors_alone(dead_redis: None) -> None:
    response = Client(raise_request_exception=False).get("/broken/")
    assert response.status_code == 500
    assert "Retry-After" not in response


DATABASE_DOWN = """
import django, json
django.setup()
from django.test import Client
client = Client(raise_request_exception=False)
# A logged-in student's cookie: loading the session needs the database.
client.cookies["sessionid"] = "a" * 32
browser = "text/html,application/xhtml+xml,*/*;q=0.8"
answers = {
    "page": client.get("/", headers={"Accept": browser}),
    "page_json": client.get("/progress/", headers={"Accept": "application/json"}),
    "api_list": client.get("/api/practice-tasks/"),
    "api_complete": client.patch(
        "/api/practice-tasks/1/", data={"answer": 1}, content_type="application/json"
    ),
    # No session to load: the view itself meets the database (the username check).
    "signup": Client().post(
        "/accounts/signup/",
        {"username": "dora", "password1": "long-enough-pw-1", "password2": "long-enough-pw-1"},
    ),
    # A monitor has no session: health answers for itself.
    "health": Client().get("/api/health/"),
}
print("RESULT=" + json.dumps({
    name: {
        "code": r.status_code,
        "type": r["Content-Type"],
        "retry_after": r.get("Retry-After"),
        "body": r.content.decode(),
    }
    for name, r in answers.items()
}))
"""


def test_it_answers_503_when_the_database_is_unreachable(tmp_path: Path) -> None:
    env = dict(os.environ)
    env.update(
        {
            "DATABASE_URL": DEAD_DATABASE,
            "DJANGO_SETTINGS_MODULE": "studysmart.settings",
            "SECRET_KEY": "x" * 60,
            "DEBUG": "0",
            "HTTPS": "0",
            "ALLOWED_HOSTS": "testserver",
            "STUDYSMART_DATA_DIR": str(tmp_path),
            "LOG_LEVEL": "WARNING",
        }
    )
    env.pop("REDIS_URL", None)
    proc = subprocess.run(
        [sys.executable, "-c", DATABASE_DOWN],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    answers = json.loads(proc.stdout.split("RESULT=", 1)[1])

    # The page's session is loaded by LoginRequiredMiddleware, before any view runs.
    page = answers["page"]
    assert (page["code"], page["retry_after"]) == (503, str(RETRY_AFTER_SECONDS))
    assert page["type"].startswith("text/html")
    assert "cannot reach its database" in page["body"]
    signup = answers["signup"]
    assert (signup["code"], signup["retry_after"]) == (503, str(RETRY_AFTER_SECONDS))
    assert "Back in a moment" in signup["body"]
    page_json = answers["page_json"]
    assert (page_json["code"], page_json["type"]) == (503, "application/json")
    for name in ("api_list", "api_complete"):
        answer = answers[name]
        assert (answer["code"], answer["retry_after"]) == (503, str(RETRY_AFTER_SECONDS)), name
        assert json.loads(answer["body"])["error"] == {
            "code": "unavailable",
            "message": (
                "StudySmart cannot reach its database right now. Try again in a few seconds."
            ),
        }
    # Health gives its own account of the outage.
    health = json.loads(answers["health"]["body"])
    assert answers["health"]["code"] == 503
    assert health["database"] == {"ok": False, "vendor": "postgresql", "error": "unreachable"}

    # One WARNING line per answered request, no traceback and no "Internal Server Error".
    assert proc.stderr.count("answered 503 (OperationalError") == 5, proc.stderr[-3000:]
    assert "Traceback" not in proc.stderr
    assert "Internal Server Error" not in proc.stderr
