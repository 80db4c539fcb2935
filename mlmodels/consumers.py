"""Live updates for a student's open pages: training progress and new model versions."""

from __future__ import annotations

import contextlib
import logging
from typing import Any

from channels.generic.websocket import AsyncJsonWebsocketConsumer
from redis.exceptions import RedisError

from studysmart import live_sockets, metrics

logger = logging.getLogger(__name__)

MODEL_UPDATES_GROUP = "model-updates"
# The channel layer (Redis) went away: try again later (like HTTP 503; an application's close
# codes are 4000-4999). The page reconnects with backoff (static/mlmodels/updates.js) and joins
# its groups again.
CLOSE_TRY_AGAIN_LATER = 4503


def user_group(user_id: int) -> str:
    return f"updates.user.{user_id}"


class UpdatesConsumer(AsyncJsonWebsocketConsumer):
    groups: list[str] = []
    session_key: str | None = None
    ended = False

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        # The socket listens on the channel layer the whole time it is open. When Redis stops,
        # that read fails on every open socket at once: close each with "try again later"
        # and one warning, instead of daphne's 1011 and a traceback per socket. Redis keeps no
        # group memberships across a restart, so a socket could not carry on anyway.
        try:
            await super().__call__(scope, receive, send)
        except RedisError as exc:
            logger.warning(
                "live-updates socket closed: the channel layer is unreachable (%s)",
                type(exc).__name__,
            )
            try:
                # Before accept() this refuses the handshake.
                await send({"type": "websocket.close", "code": CLOSE_TRY_AGAIN_LATER})
            except Exception:
                # Never leave the socket open with nobody behind it: daphne closes it (1011).
                raise exc from None

    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=4401)
            return
        self.session_key = live_sockets.session_key_of(self.scope)
        self.joined = [MODEL_UPDATES_GROUP, user_group(user.pk)]
        if self.session_key:
            # A logout in any process reaches this process through this group.
            self.joined.append(live_sockets.session_group(self.session_key))
        for group in self.joined:
            await self.channel_layer.group_add(group, self.channel_name)
        await self.accept()
        metrics.websocket_opened(self, "updates")
        if self.session_key:
            live_sockets.REGISTRY.add(self, self.session_key)

    async def session_logout(self, event: dict[str, Any]) -> None:
        """The session logged out somewhere: close its sockets in this process, this one too."""
        if self.session_key:
            await live_sockets.REGISTRY.close_here(self.session_key)

    async def end_session(self) -> None:
        if self.ended:  # reached both directly and through the channel layer
            return
        self.ended = True
        live_sockets.REGISTRY.discard(self, getattr(self, "session_key", None))
        await self.close(code=live_sockets.CLOSE_LOGGED_OUT)

    async def disconnect(self, code: int) -> None:
        metrics.websocket_closed(self)
        live_sockets.REGISTRY.discard(self, getattr(self, "session_key", None))
        for group in getattr(self, "joined", []):
            # Leaving is best effort: an unreachable Redis loses the memberships by itself.
            with contextlib.suppress(RedisError):
                await self.channel_layer.group_discard(group, self.channel_name)

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        # The page only listens; anything it sends is answered, never fatal.
        await self.send_json({"type": "error", "code": "bad_request", "message": "read-only"})

    async def training_update(self, event: dict[str, Any]) -> None:
        await self.send_json({"type": "training", **event.get("payload", {})})

    async def task_set_assigned(self, event: dict[str, Any]) -> None:
        # A teacher assigned a set to this student (classes.services.announce_task_set).
        await self.send_json({"type": "task_set", **event.get("payload", {})})
