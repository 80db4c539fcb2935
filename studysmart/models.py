"""Per-user settings of the site itself (not of one app): the colour theme."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Preference(models.Model):
    class Theme(models.TextChoices):
        SYSTEM = "system", "As the device"
        LIGHT = "light", "Light"
        DARK = "dark", "Dark"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="preference"
    )
    theme = models.CharField(max_length=10, choices=Theme.choices, default=Theme.SYSTEM)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.user} · {self.theme}"
