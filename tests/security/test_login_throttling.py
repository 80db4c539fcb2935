"""Login throttling (django-axes) by username and address, as an attacker would probe it.

One lockout group, username + IP (settings.AXES_LOCKOUT_PARAMETERS). An IP-only group is
deliberately absent: axes compares every group against the one failure limit, so it would
lock a whole school behind one NAT address after five typos by anyone.
`test_it_does_not_lock_classmates_behind_the_same_address` pins that decision.
"""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

SCHOOL_NAT = "203.0.113.7"
ELSEWHERE = "198.51.100.20"
LIMIT = 5


def attempt(client: Client, username: str, password: str, *, ip: str, path: str = "") -> Any:
    return client.post(
        path or "/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=ip
    )


def fail(client: Client, username: str, *, ip: str, times: int = LIMIT, path: str = "") -> None:
    for _ in range(times):
        attempt(client, username, "wrong-password", ip=ip, path=path)


def locked(response: Any) -> bool:
    return response.status_code == 429 and b"Too many failed log-ins" in response.content


@pytest.mark.django_db
def test_it_keeps_the_lock_to_that_address(alice: User) -> None:
    fail(Client(), "alice", ip=SCHOOL_NAT)
    assert locked(attempt(Client(), "alice", "alice-password-1", ip=SCHOOL_NAT))
    # Alice at home is not locked out by someone guessing her password at school.
    assert attempt(Client(), "alice", "alice-password-1", ip=ELSEWHERE).status_code == 302


@pytest.mark.django_db
def test_it_does_not_lock_classmates_behind_the_same_address(alice: User, bob: User) -> None:
    fail(Client(), "alice", ip=SCHOOL_NAT)
    assert attempt(Client(), "bob", "bob-password-1", ip=SCHOOL_NAT).status_code == 302


@pytest.mark.django_db
def test_it_locks_each_username_an_address_sprays(alice: User, bob: User) -> None:
    # Spraying many usernames from one address gets LIMIT guesses per account, no more.
    attacker = Client()
    for name in ("alice", "bob"):
        fail(attacker, name, ip=ELSEWHERE)
    assert locked(attempt(attacker, "alice", "alice-password-1", ip=ELSEWHERE))
    assert locked(attempt(attacker, "bob", "bob-password-1", ip=ELSEWHERE))


@pytest.mark.django_db
def test_it_counts_failures_below_the_limit_without_locking(alice: User) -> None:
    fail(Client(), "alice", ip=SCHOOL_NAT, times=LIMIT - 1)
    assert attempt(Client(), "alice", "alice-password-1", ip=SCHOOL_NAT).status_code == 302
    # A success resets the count (AXES_RESET_ON_SUCCESS): another LIMIT-1 typos are fine.
    fail(Client(), "alice", ip=SCHOOL_NAT, times=LIMIT - 1)
    assert attempt(Client(), "alice", "alice-password-1", ip=SCHOOL_NAT).status_code == 302


@pytest.mark.django_db
def test_it_lifts_the_lock_after_the_cool_off(settings: Any, alice: User) -> None:
    settings.AXES_COOLOFF_TIME = timedelta(seconds=1)
    fail(Client(), "alice", ip=SCHOOL_NAT)
    assert locked(attempt(Client(), "alice", "alice-password-1", ip=SCHOOL_NAT))
    time.sleep(1.2)
    response = attempt(Client(), "alice", "alice-password-1", ip=SCHOOL_NAT)
    assert response.status_code == 302, response.status_code


@pytest.mark.django_db
def test_it_answers_a_lockout_with_the_friendly_page(alice: User) -> None:
    client = Client()
    fail(client, "alice", ip=SCHOOL_NAT)
    response = attempt(client, "alice", "alice-password-1", ip=SCHOOL_NAT)
    assert response.status_code == 429
    assert response["Content-Type"].startswith("text/html")
    assert "registration/locked_out.html" in [t.name for t in response.templates]
    body = response.content.decode()
    assert "Too many failed log-ins" in body and "Wait and try again" in body
    # The page is the site's own (same CSP), and says nothing about whether alice exists.
    assert "Content-Security-Policy" in response
    assert "alice" not in body
    # No session was started by the locked attempt.
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_it_does_not_reveal_which_usernames_exist(alice: User) -> None:
    # A locked unknown username and a locked real one look the same.
    fail(Client(), "nobody-here", ip=SCHOOL_NAT)
    fail(Client(), "alice", ip=SCHOOL_NAT)
    ghost = attempt(Client(), "nobody-here", "x", ip=SCHOOL_NAT)
    real = attempt(Client(), "alice", "x", ip=SCHOOL_NAT)
    assert ghost.status_code == real.status_code == 429
    assert ghost.content == real.content


@pytest.mark.django_db
def test_it_throttles_the_admin_login_too(charlie_admin: User) -> None:
    path = "/admin/login/"
    fail(Client(), "charlie", ip=SCHOOL_NAT, path=path)
    response = attempt(Client(), "charlie", "charlie-password-1", ip=SCHOOL_NAT, path=path)
    assert response.status_code == 429
    client = Client()
    attempt(client, "charlie", "charlie-password-1", ip=SCHOOL_NAT, path=path)
    assert client.get("/admin/").status_code == 302  # still not logged in
    # Failures at the student login and the admin login count together.
    fail(Client(), "charlie", ip=ELSEWHERE, times=3)
    fail(Client(), "charlie", ip=ELSEWHERE, times=2, path=path)
    assert locked(attempt(Client(), "charlie", "charlie-password-1", ip=ELSEWHERE))
