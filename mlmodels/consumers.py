"""Live updates for a student's open pages: training progress and new model versions."""

from __future__ import annotations

from typing import Any

from channels.generic.websocket import AsyncJsonWebsocketConsumer

MODEL_UPDATES_GROUP = "model-updates"


def user_group(user_id: int) -> str:
    return f"updates.user.{user_id}"


class UpdatesConsumer(AsyncJsonWebsocketConsumer):
    groups: list[str] = []

    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=4401)
            return
        self.joined = [MODEL_UPDATES_GROUP, user_group(user.pk)]
        for group in self.joined:
            await self.channel_layer.group_add(group, self.channel_name)
        await self.accept()

    async def disconnect(self, code: int) -> None:
        for group in getattr(self, "joined", []):
            await self.channel_layer.group_discard(group, self.channel_name)

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        # The page only listens; anything it sends is answered, never fatal.
        await self.send_json({"type": "error", "code": "bad_request", "message": "read-only"})

    async def training_update(self, event: dict[str, Any]) -> None:
        await self.send_json({"type": "training", **event.get("payload", {})})
