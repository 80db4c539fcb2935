"""What a browser does against one web process of the deployment: the login form and the JSON
API with its CSRF header (its websockets: tests/sockets.py).

Every wait is bounded: a frame that does not come fails the test instead of hanging it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit

import httpx

CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@contextmanager
def browser(base_url: str, cookies: dict[str, str] | None = None) -> Iterator[httpx.Client]:
    """An HTTP client for one process that keeps its cookies and does not follow redirects
    (so that a test sees where a page sends it)."""
    with httpx.Client(base_url=base_url, follow_redirects=False, timeout=60) as client:
        # Stored as the server would have set them (host-only, for this host), so that a
        # cookie the server sets later replaces them instead of adding a second one.
        for name, value in (cookies or {}).items():
            client.cookies.set(name, value, domain=urlsplit(base_url).hostname or "")
        yield client


def log_in(client: httpx.Client, username: str, password: str) -> None:
    """The login form as a browser submits it: GET for the CSRF cookie and field, then POST."""
    page = client.get("/accounts/login/")
    assert page.status_code == 200, page.text[:500]
    found = CSRF_FIELD.search(page.text)
    assert found, "no CSRF field on the login page"
    response = client.post(
        "/accounts/login/",
        data={"username": username, "password": password, "csrfmiddlewaretoken": found[1]},
    )
    assert response.status_code == 302, response.text[:2000]
    assert response.headers["location"] == "/"
    assert "sessionid" in response.cookies


def csrf_headers(client: httpx.Client) -> dict[str, str]:
    return {"X-CSRFToken": client.cookies["csrftoken"]}
