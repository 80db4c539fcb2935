"""Fixtures for the security suite: sessions for sockets (tests/conftest.py gives each test
its own cache)."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.test import Client


def session_cookie(user: User) -> bytes:
    """A ``Cookie`` header value with a fresh session of ``user`` (for websocket tests)."""
    client = Client()
    client.force_login(user)
    return f"sessionid={client.cookies['sessionid'].value}".encode()
