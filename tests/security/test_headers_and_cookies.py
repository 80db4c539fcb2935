"""Headers and cookies as a production deployment sends them (DEBUG off, HTTPS on).

The security settings are read from a fresh interpreter started with production variables
(no DEBUG, no HTTPS override), so the test checks what `settings.py` derives from the
environment, not values typed into the test.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from http.cookies import Morsel
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

ROOT = Path(__file__).resolve().parents[2]
SECURITY_SETTINGS = (
    "DEBUG",
    "SECURE_SSL_REDIRECT",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SECURE_CONTENT_TYPE_NOSNIFF",
    "SECURE_REFERRER_POLICY",
    "X_FRAME_OPTIONS",
    "SESSION_COOKIE_HTTPONLY",
    "SESSION_COOKIE_SAMESITE",
    "CSRF_COOKIE_SAMESITE",
    "CSRF_COOKIE_HTTPONLY",
)
PRINT = (
    "import json\nfrom django.conf import settings as s\n"
    f"print(json.dumps({{n: getattr(s, n) for n in {SECURITY_SETTINGS!r}}}))"
)


@pytest.fixture(scope="module")
def production() -> dict[str, Any]:
    """The security settings of a production start: only SECRET_KEY and ALLOWED_HOSTS set."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "HTTPS", "HSTS_SECONDS", "BEHIND_PROXY"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="studysmart.settings",
        SECRET_KEY="p" * 60,
        ALLOWED_HOSTS="testserver,studysmart.example.org",
    )
    done = subprocess.run(
        [sys.executable, "-c", PRINT], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.fixture
def https(settings: Any, production: dict[str, Any]) -> Client:
    """A client for a server running with the production security settings."""
    for name, value in production.items():
        setattr(settings, name, value)
    return Client()


def test_it_derives_strict_settings_from_a_production_environment(
    production: dict[str, Any],
) -> None:
    assert production["DEBUG"] is False
    assert production["SECURE_SSL_REDIRECT"] is True
    assert production["SECURE_HSTS_SECONDS"] >= 31_536_000
    assert production["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert production["SECURE_HSTS_PRELOAD"] is True


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/accounts/login/", "/api/health/", "/static/studysmart/app.css"])
def test_it_sends_the_security_headers_on_public_responses(https: Client, path: str) -> None:
    response = https.get(path, secure=True)
    assert response.status_code == 200, path
    check_headers(response, html=path.endswith("/"))


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/tutor/", "/api/practice-tasks/", "/admin/"])
def test_it_sends_the_security_headers_on_logged_in_responses(
    https: Client, charlie_admin: User, path: str
) -> None:
    https.force_login(charlie_admin)
    response = https.get(path, secure=True)
    assert response.status_code == 200, path
    check_headers(response, html=not path.startswith("/api/"))


def check_headers(response: Any, *, html: bool) -> None:
    hsts = [part.strip() for part in response["Strict-Transport-Security"].split(";")]
    assert hsts[0].startswith("max-age=") and int(hsts[0].split("=")[1]) >= 31_536_000
    assert "includeSubDomains" in hsts and "preload" in hsts
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    if html:
        assert response["X-Frame-Options"] == "DENY"
        csp = response["Content-Security-Policy"]
        assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp


@pytest.mark.django_db
def test_it_redirects_plain_http_to_https(https: Client) -> None:
    for path in ("/accounts/login/", "/api/health/", "/tutor/?topic=x"):
        response = https.get(path)
        assert response.status_code == 301, path
        assert response["Location"] == f"https://testserver{path}"
    # Before the redirect nothing is served over http, and no HSTS is sent on it (RFC 6797).
    assert "Strict-Transport-Security" not in https.get("/accounts/login/")


@pytest.mark.django_db
def test_it_sets_secure_cookies_on_a_real_login(https: Client, alice: User) -> None:
    page = https.get("/accounts/login/", secure=True)
    check_csrf_cookie(page.cookies["csrftoken"])
    response = https.post(
        "/accounts/login/",
        {"username": "alice", "password": "alice-password-1"},
        secure=True,
    )
    assert response.status_code == 302
    session = response.cookies["sessionid"]
    assert session["secure"] is True
    assert session["httponly"] is True
    assert session["samesite"] == "Lax"
    # The login rotates the CSRF token; the new cookie is as strict as the first.
    check_csrf_cookie(response.cookies["csrftoken"])
    assert https.get("/", secure=True).status_code == 200


def check_csrf_cookie(cookie: Morsel[str]) -> None:
    assert cookie["secure"] is True
    assert cookie["samesite"] == "Lax"
    # Not HttpOnly by design: the pages' scripts read it for the X-CSRFToken header.


@pytest.mark.django_db
def test_it_sends_no_debug_page_on_an_error(https: Client, alice: User) -> None:
    https.force_login(alice)
    response = https.get("/practice/123456/", secure=True)
    assert response.status_code == 404
    body = response.content.decode()
    assert "Traceback" not in body and "SECRET_KEY" not in body and "URLconf" not in body
