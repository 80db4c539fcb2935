"""Login lockout that holds: who the client is, two limits, and what a locked-out student sees.

django-axes counts failed log-ins. Three things are ours:

- `client_ip`: the address axes counts. Forwarded headers are believed only when the
  deployment says a proxy is in front (`BEHIND_PROXY=1`), and then only the entry that proxy
  wrote: the right-most `PROXY_COUNT`-th of X-Forwarded-For. Anything to its left was sent by
  the client and is whatever an attacker wants it to be.
- `LockoutHandler`: axes' database handler with a second, higher limit per username across
  every address (`LOGIN_USERNAME_FAILURE_LIMIT`), so a password spray from many addresses is
  stopped too. Axes compares all of its lockout groups against one limit, hence the handler.
  Both locks last the cool-off from the failure that set them; failures during a lockout are
  not counted (AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT off), so a spray can keep an
  account locked only by spending `LOGIN_USERNAME_FAILURE_LIMIT` guesses per cool-off.
- `lockout_response`: the page (or JSON) saying when to try again, with Retry-After.
"""

from __future__ import annotations

import ipaddress
import logging
import math
from datetime import datetime, timedelta
from typing import Any

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_cool_off, get_failure_limit
from axes.models import AccessAttempt
from axes.signals import user_locked_out
from django.conf import settings
from django.db.models import QuerySet, Sum
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from studysmart.errors import error_response

logger = logging.getLogger(__name__)


def client_ip(request: HttpRequest) -> str:
    """The address failed log-ins are counted against (AXES_CLIENT_IP_CALLABLE)."""
    remote = str(request.META.get("REMOTE_ADDR") or "")
    if not settings.BEHIND_PROXY:
        return remote
    hops = [h.strip() for h in str(request.META.get("HTTP_X_FORWARDED_FOR", "")).split(",")]
    hops = [h for h in hops if h]
    count = max(1, int(settings.PROXY_COUNT))
    if not hops:
        return remote
    candidate = hops[-count] if len(hops) >= count else hops[0]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote


class LockoutHandler(AxesDatabaseHandler):
    """Axes' database handler, also locking a username whose failures from every address
    reach LOGIN_USERNAME_FAILURE_LIMIT within the cool-off."""

    def get_failures(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> int:
        per_address = super().get_failures(request, credentials)
        username = get_client_username(request, credentials)
        if not username:
            return per_address
        if _failures(username_attempts(request, username)) >= settings.LOGIN_USERNAME_FAILURE_LIMIT:
            # Reported as "at the limit": axes compares every count against AXES_FAILURE_LIMIT.
            return max(per_address, get_failure_limit(request, credentials))
        return per_address


def username_attempts(request: HttpRequest, username: str) -> QuerySet[AccessAttempt]:
    """The username's failures still inside the cool-off, from any address."""
    return AccessAttempt.objects.filter(
        username=username, attempt_time__gte=get_cool_off_threshold(request)
    )


def _failures(attempts: QuerySet[AccessAttempt]) -> int:
    return int(attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0)


def locked_until(request: HttpRequest, username: str) -> datetime:
    """When this address may try this username again: each lock ends one cool-off after the
    failure that brought its count to the limit (the count falls below it then)."""
    cool_off = get_cool_off(request) or timedelta(0)
    recent = list(username_attempts(request, username).order_by("-attempt_time"))
    ip = getattr(request, "axes_ip_address", None)
    ends = [
        _limit_reached_at(
            [a for a in recent if a.ip_address == ip], get_failure_limit(request, None)
        ),
        _limit_reached_at(recent, settings.LOGIN_USERNAME_FAILURE_LIMIT),
    ]
    reached = [t for t in ends if t is not None]
    return (max(reached) if reached else timezone.now()) + cool_off


def _limit_reached_at(newest_first: list[AccessAttempt], limit: int) -> datetime | None:
    total = 0
    for attempt in newest_first:
        total += attempt.failures_since_start
        if total >= limit:
            return attempt.attempt_time
    return None


def lockout_response(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict[str, Any] | None = None,
) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: 429, saying when to try again (and nothing about the account)."""
    username = get_client_username(request, credentials) or ""
    until = locked_until(request, username)
    seconds = max(0.0, (until - timezone.now()).total_seconds())
    minutes = max(1, math.ceil(seconds / 60))
    status = int(getattr(settings, "AXES_HTTP_RESPONSE_CODE", 429))
    if request.path_info.startswith("/api/") or request.headers.get("x-requested-with"):
        message = f"Too many failed log-ins. Try again in {minutes} minute(s)."
        response: HttpResponse = error_response(status=status, code="locked_out", message=message)
    else:
        context = {"minutes": minutes}
        response = render(request, "registration/locked_out.html", context, status=status)
    response["Retry-After"] = str(math.ceil(seconds))
    return response


@receiver(user_locked_out, dispatch_uid="studysmart.lockout.log")
def log_lockout(
    sender: Any, request: HttpRequest, username: str, ip_address: str, **kw: Any
) -> None:
    """One WARNING per lockout: the account and address, for an operator who may unlock it."""
    logger.warning("login locked out: username=%r address=%s", username, ip_address)
