from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import User
from django.test import Client


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/accounts/login/", "/admin/login/"])
def test_it_refuses_an_over_long_username_before_authenticating(
    client: Client, alice: User, path: str
) -> None:
    response = client.post(path, {"username": "a" * 300, "password": "x"})
    assert response.status_code == 200
    assert b"at most 150 characters" in response.content
    # Nothing reached the throttling table, whose username column holds 255 characters.
    assert not AccessAttempt.objects.exists()
