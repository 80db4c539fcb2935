"""The colour theme: light, dark or as the device, remembered per user and rendered by the
server (no flash of the other theme)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client

from studysmart.models import Preference

pytestmark = pytest.mark.django_db


def html_tag(client: Client, path: str = "/") -> str:
    page = client.get(path).content.decode()
    return page[page.index("<html") : page.index(">", page.index("<html")) + 1]


def test_it_follows_the_device_until_the_student_chooses(client: Client, alice: User) -> None:
    client.force_login(alice)
    assert "data-theme" not in html_tag(client)
    page = client.get("/").content.decode()
    assert '<meta name="color-scheme" content="light dark">' in page
    assert 'value="dark" aria-pressed="false"' in page


def test_it_remembers_the_choice_across_sessions(alice: User) -> None:
    first = Client()
    first.force_login(alice)
    response = first.post("/accounts/theme/", {"theme": "dark", "next": "/history/"})
    assert response.status_code == 302 and response["Location"] == "/history/"
    assert 'data-theme="dark"' in html_tag(first, "/history/")
    assert Preference.objects.get(user=alice).theme == "dark"
    # Another device: logging in brings the choice along.
    second = Client()
    second.post("/accounts/login/", {"username": "alice", "password": "alice-password-1"})
    assert 'data-theme="dark"' in html_tag(second)
    assert 'value="dark" aria-pressed="true"' in second.get("/").content.decode()


def test_it_answers_json_for_the_script_and_refuses_unknown_themes(
    client: Client, alice: User, bob: User
) -> None:
    client.force_login(alice)
    ok = client.post("/accounts/theme/", {"theme": "light"}, HTTP_ACCEPT="application/json")
    assert ok.status_code == 200 and ok.json() == {"theme": "light"}
    bad = client.post("/accounts/theme/", {"theme": "neon"}, HTTP_ACCEPT="application/json")
    assert bad.status_code == 400 and "theme" in bad.json()["error"]["fields"]
    assert Preference.objects.get(user=alice).theme == "light"
    assert not Preference.objects.filter(user=bob).exists()


def test_it_never_redirects_elsewhere(client: Client, alice: User) -> None:
    client.force_login(alice)
    response = client.post("/accounts/theme/", {"theme": "dark", "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_it_needs_a_login_and_a_post(client: Client, alice: User) -> None:
    assert client.post("/accounts/theme/", {"theme": "dark"}).status_code == 302
    client.force_login(alice)
    assert client.get("/accounts/theme/").status_code == 405
