from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/admin/"])
def test_it_redirects_anonymous_visitors_to_login(client: Client, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 302
    assert "/login/" in response["Location"]


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/accounts/login/", "/accounts/signup/", "/api/health/"])
def test_it_serves_public_pages_without_login(client: Client, path: str) -> None:
    assert client.get(path).status_code == 200


@pytest.mark.django_db
def test_it_signs_up_a_student_and_lands_on_the_dashboard(client: Client) -> None:
    response = client.post(
        "/accounts/signup/",
        {"username": "dora", "password1": "Orbital-Speed-42", "password2": "Orbital-Speed-42"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == "/"
    assert b"Hello, dora" in response.content
    assert User.objects.filter(username="dora", is_staff=False).exists()


@pytest.mark.django_db
def test_it_rejects_a_weak_password_and_creates_nobody(client: Client) -> None:
    response = client.post(
        "/accounts/signup/", {"username": "eve", "password1": "123", "password2": "123"}
    )
    assert response.status_code == 200
    assert b"errorlist" in response.content
    assert not User.objects.filter(username="eve").exists()


@pytest.mark.django_db
def test_it_logs_in_and_out(client: Client, alice: User) -> None:
    response = client.post(
        "/accounts/login/", {"username": "alice", "password": "alice-password-1"}
    )
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    assert client.post("/accounts/logout/").status_code == 302
    assert client.get("/").status_code == 302


@pytest.mark.django_db
def test_it_locks_out_after_repeated_failures(client: Client, alice: User) -> None:
    for _ in range(5):
        client.post("/accounts/login/", {"username": "alice", "password": "wrong"})
    # Even the right password is refused while the lock holds.
    response = client.post(
        "/accounts/login/", {"username": "alice", "password": "alice-password-1"}
    )
    assert response.status_code == 429
    assert b"Too many failed log-ins" in response.content
    assert client.get("/").status_code == 302
