"""``TutorConsumer``: the tutor chat over a websocket (frames as in SPEC §7).

The consumer authenticates, validates and relays; ``tutor.services.stream_reply`` does the
work. A reply runs as an ``asyncio.Task`` so that "stop" and the disconnect are handled while
it streams (a consumer handles its events one at a time).
"""

from __future__ import annotations

import asyncio
import json
import logging
from contextlib import aclosing
from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings

from studysmart.markdown import render_markdown
from tutor import services
from tutor.services import ReplyDone, ReplyStart, ReplyToken, TutorError

logger = logging.getLogger(__name__)

CLOSE_UNAUTHENTICATED = 4401
CLOSE_NOT_FOUND = 4404


class TutorConsumer(AsyncWebsocketConsumer):
    """``/ws/tutor/`` starts a new chat; ``/ws/tutor/<chat_id>/`` resumes one of the student's."""

    chat_id: int | None = None
    reply_task: asyncio.Task[None] | None = None
    stop_requested = False

    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        self.student = user
        await self.accept()
        wanted = self.scope.get("url_route", {}).get("kwargs", {}).get("chat_id")
        try:
            payload = await database_sync_to_async(self._open_chat)(wanted)
        except TutorError as exc:
            await self.send_error(exc.code, exc.message)
            await self.close(code=CLOSE_NOT_FOUND)
            return
        self.chat_id = payload["chat_id"]
        await self.send_json(payload)

    def _open_chat(self, wanted: str | None) -> dict[str, Any]:
        if wanted is None:
            chat = services.start_chat(student=self.student)
        else:
            chat = services.access_chat(student=self.student, chat_id=wanted)
        return services.chat_payload(chat=chat)

    async def disconnect(self, code: int) -> None:
        task = self.reply_task
        if task is not None and not task.done():
            self.stop_requested = False  # nobody to tell: the reply is saved as stopped
            task.cancel()
            # Let the stopped reply be saved before the consumer goes away.
            await asyncio.wait([task], timeout=5)

    # -- frames in ------------------------------------------------------------------------

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        # Decoded here, not by AsyncJsonWebsocketConsumer: its decoder raises on bad JSON and
        # the connection dies (STACK_NOTES). Nothing a client sends may close the socket.
        if self.chat_id is None:
            return
        try:
            frame = json.loads(text_data if text_data is not None else (bytes_data or b""))
        except (ValueError, UnicodeDecodeError):
            await self.send_error("bad_request", "Frames must be JSON objects.")
            return
        if not isinstance(frame, dict):
            await self.send_error("bad_request", "Frames must be JSON objects.")
            return
        kind = frame.get("type")
        if kind == "ask":
            text = frame.get("text")
            if not isinstance(text, str) or not text.strip():
                await self.send_error("bad_request", "An ask frame needs a non-empty text.")
                return
            if len(text) > settings.TUTOR_MAX_MESSAGE_CHARS:
                limit = settings.TUTOR_MAX_MESSAGE_CHARS
                await self.send_error(
                    "too_long", f"Messages can be at most {limit} characters long."
                )
                return
            await self.start_reply(text=text, retry=False)
        elif kind == "retry":
            await self.start_reply(text=None, retry=True)
        elif kind == "stop":
            await self.stop_reply()
        elif kind == "rate":
            await self.rate(frame)
        else:
            await self.send_error("bad_request", "Unknown frame type.")

    async def start_reply(self, *, text: str | None, retry: bool) -> None:
        if self.reply_task is not None and not self.reply_task.done():
            await self.send_error("busy", services.ERROR_MESSAGES["busy"])
            return
        self.stop_requested = False
        self.reply_task = asyncio.create_task(self.run_reply(text=text, retry=retry))

    async def stop_reply(self) -> None:
        task = self.reply_task
        if task is None or task.done():
            return
        self.stop_requested = True
        task.cancel()
        await asyncio.wait([task], timeout=5)

    async def rate(self, frame: dict[str, Any]) -> None:
        value = frame.get("value")
        if type(value) is not int or value not in (-1, 0, 1):
            await self.send_error("bad_request", "A rating is 1, -1 or 0.")
            return
        try:
            message = await database_sync_to_async(services.rate_message)(
                student=self.student, message_id=frame.get("message_id"), value=value
            )
        except TutorError as exc:
            await self.send_error(exc.code, "That reply does not exist.")
            return
        await self.send_json({"type": "rated", "message_id": message.pk, "value": value})

    # -- the reply --------------------------------------------------------------------------

    async def run_reply(self, *, text: str | None, retry: bool) -> None:
        message_id: int | None = None
        finished = False
        streamed: list[str] = []
        try:
            replies = services.stream_reply(
                chat_id=self.chat_id, student=self.student, text=text, retry=retry
            )
            async with aclosing(replies):
                async for event in replies:
                    if isinstance(event, ReplyToken):
                        streamed.append(event.text)
                    elif isinstance(event, ReplyStart):
                        message_id = event.message_id
                    elif isinstance(event, ReplyDone):
                        finished = True
                    await self.send_json(event.frame())
        except asyncio.CancelledError:
            # stop: tell the page; disconnect: there is no page left to tell.
            if self.stop_requested and message_id is not None and not finished:
                # What was streamed, rendered like a finished reply (the page shows it so).
                html = render_markdown("".join(streamed)) if streamed else ""
                await self.send_json({"type": "stopped", "message_id": message_id, "html": html})
            return
        except TutorError as exc:
            await self.send_error(exc.code, exc.message, message_id=message_id)
        except Exception:
            logger.exception("tutor socket reply failed (chat %s)", self.chat_id)
            await self.send_error("internal", services.ERROR_MESSAGES["internal"])

    # -- frames out -------------------------------------------------------------------------

    async def send_json(self, content: dict[str, Any]) -> None:
        await self.send(text_data=json.dumps(content, ensure_ascii=False))

    async def send_error(self, code: str, message: str, *, message_id: int | None = None) -> None:
        frame: dict[str, Any] = {"type": "error", "code": code, "message": message}
        if message_id is not None:
            frame["message_id"] = message_id
        await self.send_json(frame)
