from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client

PAGES_PUBLIC = ["/accounts/login/", "/accounts/signup/", "/api/health/"]
PAGES_STUDENT = ["/"]


def assert_strict_csp(header: str) -> None:
    directives = dict(
        (part.split()[0], part.split()[1:]) for part in header.split(";") if part.strip()
    )
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert "'unsafe-inline'" not in header and "'unsafe-eval'" not in header
    assert "http" not in header  # no other origins, no CDNs


@pytest.mark.django_db
@pytest.mark.parametrize("path", PAGES_PUBLIC)
def test_it_sends_a_strict_csp_on_public_pages(client: Client, path: str) -> None:
    assert_strict_csp(client.get(path)["Content-Security-Policy"])


@pytest.mark.django_db
@pytest.mark.parametrize("path", PAGES_STUDENT)
def test_it_sends_a_strict_csp_on_student_pages(client: Client, alice: User, path: str) -> None:
    client.force_login(alice)
    response = client.get(path)
    assert response.status_code == 200
    assert_strict_csp(response["Content-Security-Policy"])


@pytest.mark.django_db
def test_it_sends_a_strict_csp_in_the_admin(client: Client, charlie_admin: User) -> None:
    client.force_login(charlie_admin)
    response = client.get("/admin/")
    assert response.status_code == 200
    assert_strict_csp(response["Content-Security-Policy"])


@pytest.mark.django_db
def test_it_has_no_inline_script_or_style_in_pages(client: Client, alice: User) -> None:
    client.force_login(alice)
    for path in [*PAGES_PUBLIC[:2], *PAGES_STUDENT]:
        html = client.get(path).content.decode()
        assert "<script>" not in html and "style=" not in html and "<style" not in html
