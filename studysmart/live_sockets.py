"""A logout closes the user's open sockets: a per-process registry of sockets by session.

The tutor and live-updates consumers register on connect. Three things end a session's
sockets:

- logging out (Django's ``user_logged_out``): the sockets of that session in this process are
  closed at once, and a ``session.logout`` message to the session's group on the channel layer
  reaches the live-updates sockets in every other process, each of which closes every socket
  of that session in its own process (the tutor socket stays off the channel layer: the
  updates path carries the news for it);
- a session expiring or being deleted (an admin, ``clearsessions``, a password change): a
  sweep every ``LIVE_SOCKET_SWEEP_SECONDS`` checks the registered sessions in one query;
- and, whatever the timing, each tutor ask re-checks its session first (``session_is_current``).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import weakref
from collections.abc import Iterable
from importlib import import_module
from typing import Any, Protocol

from asgiref.sync import async_to_sync
from django.conf import settings
from django.contrib.auth import HASH_SESSION_KEY, SESSION_KEY, user_logged_out
from django.dispatch import receiver
from django.utils.crypto import constant_time_compare

logger = logging.getLogger(__name__)

# An application close code (4000-4999): "the login behind this socket ended".
CLOSE_LOGGED_OUT = 4401


class LiveSocket(Protocol):
    async def end_session(self) -> None:
        """Close the socket because its session ended."""


class Registry:
    """Open sockets of this process by session key, each with the event loop it runs on."""

    def __init__(self) -> None:
        self.sockets: dict[str, weakref.WeakSet[Any]] = {}
        self.loops: weakref.WeakKeyDictionary[Any, asyncio.AbstractEventLoop] = (
            weakref.WeakKeyDictionary()
        )
        self.sweepers: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Task[None]] = (
            weakref.WeakKeyDictionary()
        )

    def add(self, socket: LiveSocket, session_key: str) -> None:
        loop = asyncio.get_running_loop()
        self.sockets.setdefault(session_key, weakref.WeakSet()).add(socket)
        self.loops[socket] = loop
        sweeper = self.sweepers.get(loop)
        if sweeper is None or sweeper.done():
            self.sweepers[loop] = loop.create_task(self._sweep(loop))

    def discard(self, socket: LiveSocket, session_key: str | None) -> None:
        if session_key is None:
            return
        group = self.sockets.get(session_key)
        if group is not None:
            group.discard(socket)
            if not group:
                self.sockets.pop(session_key, None)

    def of(self, session_key: str) -> list[Any]:
        return list(self.sockets.get(session_key, ()))

    def close_threadsafe(self, session_key: str) -> int:
        """Schedule `end_session` on each socket of the session, from any thread."""
        sockets = self.of(session_key)
        for socket in sockets:
            loop = self.loops.get(socket)
            if loop is None or loop.is_closed():
                continue
            with contextlib.suppress(RuntimeError):  # the loop closed meanwhile
                loop.call_soon_threadsafe(_spawn, socket)
        return len(sockets)

    async def close_here(self, session_key: str) -> None:
        """End the session's sockets that run on the current event loop."""
        loop = asyncio.get_running_loop()
        for socket in self.of(session_key):
            if self.loops.get(socket) is loop:
                await socket.end_session()

    async def _sweep(self, loop: asyncio.AbstractEventLoop) -> None:
        from channels.db import database_sync_to_async

        while True:
            await asyncio.sleep(float(settings.LIVE_SOCKET_SWEEP_SECONDS))
            keys = [
                key
                for key, group in list(self.sockets.items())
                if any(self.loops.get(s) is loop for s in group)
            ]
            if not keys:  # nothing open on this loop: the next socket starts a new sweep
                self.sweepers.pop(loop, None)
                return
            try:
                alive = await database_sync_to_async(live_session_keys)(keys)
            except Exception as exc:  # a database outage must not end the sweeps
                logger.warning("live socket sweep skipped (%s)", type(exc).__name__)
                continue
            for key in set(keys) - alive:
                await self.close_here(key)


_CLOSING: set[asyncio.Future[None]] = set()  # strong references while they run


def _spawn(socket: Any) -> None:
    task = asyncio.ensure_future(socket.end_session())
    _CLOSING.add(task)
    task.add_done_callback(_CLOSING.discard)


REGISTRY = Registry()


def session_key_of(scope: dict[str, Any]) -> str | None:
    session = scope.get("session")
    key = getattr(session, "session_key", None)
    return key if isinstance(key, str) and key else None


def session_group(session_key: str) -> str:
    """The channel-layer group of one session (hashed: group names are short and ASCII)."""
    return "session." + hashlib.sha256(session_key.encode()).hexdigest()[:32]


def _session_store() -> Any:
    return import_module(settings.SESSION_ENGINE).SessionStore


def session_is_current(*, session_key: str | None, user: Any) -> bool:
    """True while the session still exists, is unexpired and still logs in `user` (a
    password change ends it too, as Django's own check does). One database read."""
    if not session_key or user is None or not user.is_authenticated:
        return False
    data = _session_store()(session_key).load()
    if str(data.get(SESSION_KEY)) != str(user.pk):
        return False
    stored_hash = data.get(HASH_SESSION_KEY)
    return bool(stored_hash) and constant_time_compare(stored_hash, user.get_session_auth_hash())


def live_session_keys(keys: Iterable[str]) -> set[str]:
    """Which of `keys` are sessions that still exist and have not expired."""
    from django.utils import timezone

    keys = list(keys)
    store = _session_store()
    model_class = getattr(store, "get_model_class", None)
    if model_class is None:  # a cache or cookie engine: one look-up each
        return {k for k in keys if store().exists(k)}
    rows = model_class().objects.filter(session_key__in=keys, expire_date__gt=timezone.now())
    return set(rows.values_list("session_key", flat=True))


def end_session_sockets(session_key: str) -> None:
    """Close every open socket of the session: here at once, elsewhere via the channel layer."""
    closed = REGISTRY.close_threadsafe(session_key)
    from channels.layers import get_channel_layer

    layer = get_channel_layer()
    if layer is None:
        return
    try:
        async_to_sync(layer.group_send)(session_group(session_key), {"type": "session.logout"})
    except Exception as exc:  # Redis down: this process's sockets are closed, the sweep and
        # the per-ask check cover the others
        logger.warning(
            "logout could not reach other processes' sockets (%s); closed %d here",
            type(exc).__name__,
            closed,
        )


@receiver(user_logged_out, dispatch_uid="studysmart.live_sockets.logout")
def _on_logout(sender: Any, request: Any = None, user: Any = None, **kwargs: Any) -> None:
    session = getattr(request, "session", None)
    key = getattr(session, "session_key", None)
    if key:
        end_session_sockets(key)
