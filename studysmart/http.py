"""The request type of views that only a logged-in user reaches.

LoginRequiredMiddleware (settings.MIDDLEWARE) turns every anonymous request away before a view
runs, unless the view is marked `login_not_required`; such views see a real `User`, which this
type tells mypy (django-stubs types `request.user` as `User | AnonymousUser`).
"""

from __future__ import annotations

from django.contrib.auth.models import User
from django.http import HttpRequest


class AuthenticatedHttpRequest(HttpRequest):
    user: User
