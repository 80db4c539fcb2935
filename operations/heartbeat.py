"""Web processes say they are alive: `restore` refuses while any is serving this database.

Each process refreshes one row (host, pid) at most every PROCESS_HEARTBEAT_SECONDS, from the
request that comes along when it is due: one small UPDATE per process per interval, nothing on
the other requests, and no thread of its own. An idle process goes stale and stops counting,
which is what restore wants (nobody is using it).
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time

from asgiref.sync import sync_to_async
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from studysmart.middleware_base import DualModeMiddleware

logger = logging.getLogger(__name__)

_lock = threading.Lock()
_next_beat = 0.0


def beat(kind: str = "web") -> None:
    """Refresh this process's row now."""
    from operations.models import ProcessHeartbeat

    now = timezone.now()
    ProcessHeartbeat.objects.update_or_create(
        host=socket.gethostname(), pid=os.getpid(), defaults={"kind": kind, "seen_at": now}
    )


def beat_if_due(kind: str = "web") -> None:
    global _next_beat
    interval = settings.PROCESS_HEARTBEAT_SECONDS
    if interval <= 0:
        return  # switched off (the unit tests: their query counts must not vary with time)
    with _lock:
        if time.monotonic() < _next_beat:
            return
        _next_beat = time.monotonic() + interval
    try:
        beat(kind)
    except Exception as exc:  # best effort: never fail the request that carried it
        logger.debug("heartbeat not recorded: %s", type(exc).__name__)


def forget(kind: str = "web") -> None:
    """Remove this process's row (a clean shutdown)."""
    from operations.models import ProcessHeartbeat

    ProcessHeartbeat.objects.filter(host=socket.gethostname(), pid=os.getpid()).delete()


class ProcessHeartbeatMiddleware(DualModeMiddleware):
    def before(self, request: HttpRequest) -> HttpResponse | None:
        if time.monotonic() >= _next_beat:
            beat_if_due()
        return None

    async def abefore(self, request: HttpRequest) -> HttpResponse | None:
        if time.monotonic() >= _next_beat:
            await sync_to_async(beat_if_due)()  # a database write: off the event loop
        return None
