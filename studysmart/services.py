"""Writes of the project package itself: the demo accounts, the colour theme, reset links."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from studysmart.models import Preference

THEME_SESSION_KEY = "theme"

DEMO_STUDENT = ("student", "study-smart-demo")
DEMO_ADMIN = ("admin", "admin-smart-demo")


@transaction.atomic
def seed_demo() -> str:
    """The demo student and the demo admin (idempotent: existing passwords are left alone)."""
    created = []
    student, new = User.objects.get_or_create(username=DEMO_STUDENT[0])
    if new:
        student.set_password(DEMO_STUDENT[1])
        student.save()
        created.append(student.username)
    admin, new = User.objects.get_or_create(
        username=DEMO_ADMIN[0], defaults={"is_staff": True, "is_superuser": True}
    )
    if new:
        admin.set_password(DEMO_ADMIN[1])
        admin.save()
        created.append(admin.username)
    return f"accounts: created {', '.join(created) or 'nothing (already there)'}"


def theme_for(*, user: Any) -> str:
    """The user's chosen theme ("system" when never chosen)."""
    chosen = Preference.objects.filter(user=user).values_list("theme", flat=True).first()
    return chosen or Preference.Theme.SYSTEM


def set_theme(*, user: Any, theme: str) -> Preference:
    """Remember the user's colour theme (light, dark, or as the device)."""
    if theme not in Preference.Theme.values:
        raise ValueError(f"theme must be one of: {', '.join(Preference.Theme.values)}")
    preference, _created = Preference.objects.update_or_create(user=user, defaults={"theme": theme})
    return preference


def password_reset_path(*, user: User) -> str:
    """The path of a one-time password reset link for a user, e.g. one without an e-mail
    address: Django's reset token, which stops working once the password is changed (or the
    user logs in) and after PASSWORD_RESET_TIMEOUT."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return reverse("password_reset_confirm", kwargs={"uidb64": uid, "token": token})
