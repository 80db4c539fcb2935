"""The login lockout cannot be dodged: forged X-Forwarded-For, a spray across addresses.

Without BEHIND_PROXY the header is ignored (and daphne is not told to believe it); with it,
only the entry the proxy appended counts. A username also locks on its failures from every
address (a higher limit), for the cool-off only, and the page says when to try again.
"""

from __future__ import annotations

import logging
import time
from datetime import timedelta
from typing import Any

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import User
from django.test import Client

from studysmart.management.commands import start_all

PROXY = "10.0.0.2"
LIMIT = 5
USERNAME_LIMIT = 20


def login(username: str, password: str, *, remote: str, forwarded: str | None = None) -> Any:
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return Client().post("/accounts/login/", {"username": username, "password": password}, **extra)


def locked(response: Any) -> bool:
    return response.status_code == 429


def fresh(i: int) -> str:
    return f"198.51.{i // 250}.{i % 250 + 1}"


@pytest.fixture
def limits(settings: Any) -> None:
    settings.AXES_FAILURE_LIMIT = LIMIT
    settings.LOGIN_USERNAME_FAILURE_LIMIT = USERNAME_LIMIT


@pytest.mark.django_db
@pytest.mark.usefixtures("limits")
def test_it_ignores_rotating_forwarded_for_without_a_proxy(settings: Any, alice: User) -> None:
    settings.BEHIND_PROXY = False
    attacker = "203.0.113.66"
    for i in range(LIMIT):
        login("alice", "wrong", remote=attacker, forwarded=fresh(i))
    # Twelve more guesses, each claiming a new address: every one is locked out…
    assert all(
        locked(login("alice", "wrong", remote=attacker, forwarded=fresh(100 + i)))
        for i in range(12)
    )
    # …and so is the right password: the lock is on the address the socket came from.
    assert locked(login("alice", "alice-password-1", remote=attacker, forwarded=fresh(999)))
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {attacker}


@pytest.mark.django_db
@pytest.mark.usefixtures("limits")
def test_it_trusts_only_the_proxys_entry_behind_a_proxy(settings: Any, alice: User) -> None:
    settings.BEHIND_PROXY = True
    settings.PROXY_COUNT = 1
    attacker = "203.0.113.66"
    # The proxy appends the address it saw; whatever the client sent stays on the left.
    for i in range(LIMIT):
        login("alice", "wrong", remote=PROXY, forwarded=f"{fresh(i)}, {attacker}")
    assert locked(
        login("alice", "alice-password-1", remote=PROXY, forwarded=f"{fresh(77)}, {attacker}")
    )
    # Alice herself, elsewhere behind the same proxy, is not locked out by the attacker.
    home = "192.0.2.44"
    assert login("alice", "alice-password-1", remote=PROXY, forwarded=home).status_code == 302
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {attacker}


@pytest.mark.django_db
@pytest.mark.usefixtures("limits")
def test_it_locks_a_username_sprayed_from_many_addresses(settings: Any, alice: User) -> None:
    settings.BEHIND_PROXY = False
    for i in range(USERNAME_LIMIT - 1):
        assert not locked(login("alice", "wrong", remote=fresh(i)))
    assert login("alice", "alice-password-1", remote=fresh(500)).status_code == 302
    # The success reset alice's count; a full spray locks the username everywhere.
    for i in range(USERNAME_LIMIT):
        login("alice", "wrong", remote=fresh(i))
    assert locked(login("alice", "alice-password-1", remote=fresh(600)))
    # Other accounts are untouched.
    User.objects.create_user("bob", password="bob-password-1")
    assert login("bob", "bob-password-1", remote=fresh(601)).status_code == 302


@pytest.mark.django_db
@pytest.mark.usefixtures("limits")
def test_it_lifts_the_username_lock_after_the_cool_off(settings: Any, alice: User) -> None:
    # A short cool-off and spray, so that the whole spray fits inside it.
    settings.AXES_COOLOFF_TIME = timedelta(seconds=2)
    settings.LOGIN_USERNAME_FAILURE_LIMIT = 6
    for i in range(6):
        login("alice", "wrong", remote=fresh(i))
    # Guesses during the lockout are refused and do not extend it.
    assert locked(login("alice", "wrong", remote=fresh(700)))
    assert locked(login("alice", "alice-password-1", remote=fresh(701)))
    time.sleep(2.2)
    assert login("alice", "alice-password-1", remote=fresh(702)).status_code == 302


@pytest.mark.django_db
@pytest.mark.usefixtures("limits")
def test_it_says_when_to_try_again_and_logs_a_warning(
    settings: Any, alice: User, caplog: pytest.LogCaptureFixture
) -> None:
    settings.AXES_COOLOFF_TIME = timedelta(minutes=15)
    caplog.set_level(logging.WARNING, logger="studysmart.lockout")
    for _ in range(LIMIT):
        login("alice", "wrong", remote="203.0.113.9")
    response = login("alice", "alice-password-1", remote="203.0.113.9")
    assert locked(response)
    assert "try again in 15 minutes" in response.content.decode()
    assert 890 <= int(response["Retry-After"]) <= 900
    warnings = [r for r in caplog.records if r.name == "studysmart.lockout"]
    assert warnings and all(r.levelno == logging.WARNING for r in warnings)
    assert "'alice'" in warnings[0].getMessage() and "203.0.113.9" in warnings[0].getMessage()


@pytest.mark.django_db
@pytest.mark.usefixtures("limits")
def test_it_lets_staff_unlock_an_account_from_the_admin(alice: User, charlie_admin: User) -> None:
    for i in range(USERNAME_LIMIT):
        login("alice", "wrong", remote=fresh(i))
    assert locked(login("alice", "alice-password-1", remote=fresh(900)))
    staff = Client()
    staff.force_login(charlie_admin)
    response = staff.post(
        "/admin/auth/user/",
        {"action": "unlock_login", "_selected_action": [alice.pk]},
        follow=True,
    )
    assert "Unlocked 1 account" in response.content.decode()
    assert login("alice", "alice-password-1", remote=fresh(901)).status_code == 302


@pytest.mark.parametrize("behind_proxy", [False, True])
def test_it_starts_daphne_with_proxy_headers_only_behind_a_proxy(
    settings: Any, monkeypatch: pytest.MonkeyPatch, behind_proxy: bool
) -> None:
    settings.BEHIND_PROXY = behind_proxy
    commands: list[list[str]] = []
    monkeypatch.setattr(
        start_all.subprocess, "Popen", lambda cmd, **kwargs: commands.append(cmd) or object()
    )
    start_all.Command().start_children("127.0.0.1", 8000, 2)
    web = [c for c in commands if "daphne" in c]
    assert len(web) == 2
    assert all(("--proxy-headers" in c) == behind_proxy for c in web)
