"""Password reset: by e-mail for accounts with an address (given, optionally, at sign-up), and a
one-time link a teacher issues from the admin for accounts without one. Also the favicon."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.test import Client

pytestmark = pytest.mark.django_db


def test_sign_up_asks_for_an_optional_address(client: Client) -> None:
    page = client.get("/accounts/signup/").content.decode()
    assert 'name="email"' in page and "optional" in page
    client.post(
        "/accounts/signup/",
        {
            "username": "dora",
            "email": "dora@example.org",
            "password1": "Orbital-Speed-42",
            "password2": "Orbital-Speed-42",
        },
    )
    assert User.objects.get(username="dora").email == "dora@example.org"


def test_it_emails_a_link_that_sets_a_new_password_once(client: Client, alice: User) -> None:
    alice.email = "alice@example.org"
    alice.save()
    assert "Forgot your password?" in client.get("/accounts/login/").content.decode()
    response = client.post("/accounts/password-reset/", {"email": "alice@example.org"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["alice@example.org"]
    link = re.search(r"http://testserver(/accounts/reset/\S+/)", mail.outbox[0].body)
    assert link
    form_page = client.get(link.group(1), follow=True)
    assert "Choose a new password" in form_page.content.decode()
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "Wave-Particle-77", "new_password2": "Wave-Particle-77"},
        follow=True,
    )
    assert "Password changed" in done.content.decode()
    alice.refresh_from_db()
    assert alice.check_password("Wave-Particle-77")
    again = client.get(link.group(1), follow=True).content.decode()
    assert "This link no longer works" in again


def test_an_unknown_address_reveals_nothing(client: Client) -> None:
    response = client.post("/accounts/password-reset/", {"email": "nobody@example.org"})
    assert response.status_code == 302 and mail.outbox == []


def test_a_teacher_issues_a_one_time_link_from_the_admin(
    client: Client, alice: User, charlie_admin: User
) -> None:
    assert alice.email == ""
    client.force_login(charlie_admin)
    response = client.post(
        "/admin/auth/user/",
        {"action": "issue_password_reset_links", "_selected_action": [alice.pk]},
        follow=True,
    )
    page = response.content.decode()
    link = re.search(r"http://testserver(/accounts/reset/[^<\s]+/)", page)
    assert "Reset link for alice" in page and link
    student = Client()
    confirm = student.get(link.group(1), follow=True)
    student.post(
        confirm.redirect_chain[-1][0],
        {"new_password1": "Wave-Particle-77", "new_password2": "Wave-Particle-77"},
    )
    alice.refresh_from_db()
    assert alice.check_password("Wave-Particle-77")
    assert "no longer works" in student.get(link.group(1), follow=True).content.decode()


def test_students_cannot_issue_links(client: Client, alice: User, bob: User) -> None:
    client.force_login(bob)
    response = client.post(
        "/admin/auth/user/",
        {"action": "issue_password_reset_links", "_selected_action": [alice.pk]},
    )
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_every_page_has_a_favicon_and_favicon_ico_is_not_a_404(client: Client) -> None:
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith("favicon.svg")
    assert client.get(response["Location"]).status_code == 200
    for path in ("/accounts/login/", "/admin/login/"):
        assert 'rel="icon"' in client.get(path).content.decode()
