"""Writes of the project package itself: the demo accounts."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db import transaction

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
