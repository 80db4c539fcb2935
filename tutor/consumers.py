"""``TutorConsumer``: the tutor chat over a websocket (frames as in docs/architecture.md).

The consumer authenticates, validates and relays; ``tutor.streaming.stream_reply`` does the
work. A reply runs as an ``asyncio.Task`` so that "stop" and the disconnect are handled while
it streams (a consumer handles its events one at a time).
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
import weakref
from collections.abc import Awaitable, Callable
from contextlib import aclosing
from typing import Any
from urllib.parse import parse_qs

from channels.consumer import get_handler_name
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings

from studysmart import live_sockets, metrics
from studysmart.markdown import render_markdown
from studysmart.outages import OUTAGE_ERRORS
from studysmart.request_context import create_task_with_request_id
from studysmart.text import UnstorableText, find_unstorable
from tutor import chats, streaming
from tutor.errors import ERROR_MESSAGES, TutorError
from tutor.turns import ReplyDone, ReplyStart, ReplyToken, SessionCheck, SessionEnded

logger = logging.getLogger(__name__)

CLOSE_UNAUTHENTICATED = 4401
CLOSE_NOT_FOUND = 4404
# An alias no CHANNEL_LAYERS entry has: Channels then gives the consumer no channel layer.
NO_CHANNEL_LAYER = "tutor-uses-no-channel-layer"
# Token frames are coalesced: the first goes at once (time to first token), later text at most
# every FLUSH_SECONDS or once FLUSH_CHARS have gathered. A reply is ~10 frames instead of ~200
# one-word frames, and the page still sees it grow smoothly.
FLUSH_SECONDS = 0.03
FLUSH_CHARS = 96


NOTHING_TO_STOP = "nothing to stop"


class StopBeforeStart(Exception):
    """Raised inside a reply whose stop arrived before its start frame."""


class TokenBatcher:
    """Coalesces one reply's ``token`` frames; the frames keep their shape (the page appends).

    A timer flushes text that waits longer than ``FLUSH_SECONDS`` (a slow model). A flush the
    timer started is awaited before any later flush, so frames leave in order.
    """

    def __init__(self, send: Callable[[dict[str, Any]], Awaitable[None]]) -> None:
        self.send = send
        self.parts: list[str] = []
        self.size = 0
        self.message_id: int | None = None
        self.sent_any = False
        self.flushed_at = 0.0
        self.timer: asyncio.TimerHandle | None = None
        self.timed_flush: asyncio.Task[None] | None = None

    async def add(self, message_id: int, text: str) -> None:
        self.message_id = message_id
        self.parts.append(text)
        self.size += len(text)
        now = time.perf_counter()
        if not self.sent_any or self.size >= FLUSH_CHARS or now - self.flushed_at >= FLUSH_SECONDS:
            await self.flush()
        elif self.timer is None:
            delay = FLUSH_SECONDS - (now - self.flushed_at)
            self.timer = asyncio.get_running_loop().call_later(delay, self._on_timer)

    def _on_timer(self) -> None:
        self.timer = None
        self.timed_flush = asyncio.ensure_future(self.flush())

    async def flush(self) -> None:
        """Send what has gathered (before any other frame of the reply)."""
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None
        pending = self.timed_flush
        if pending is not None and pending is not asyncio.current_task():
            self.timed_flush = None
            await pending
        if not self.parts:
            return
        text = "".join(self.parts)
        self.parts.clear()
        self.size = 0
        self.sent_any = True
        self.flushed_at = time.perf_counter()
        await self.send({"type": "token", "text": text, "message_id": self.message_id})

    def discard(self) -> None:
        """Drop unsent text and the timer (the reply was stopped: its ``stopped`` frame carries
        everything streamed)."""
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None
        if self.timed_flush is not None and not self.timed_flush.done():
            self.timed_flush.cancel()
        self.timed_flush = None
        self.parts.clear()
        self.size = 0


# Per event loop (daphne has one): the chat model's imports, started by the first chat.
_MODEL_PRELOADS: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Future[None]] = (
    weakref.WeakKeyDictionary()
)


def preload_for_model(model: str) -> None:
    """The chat model's imports and the pipeline's (LangChain, the provider's SDK)."""
    from tutor.pipeline import preload  # LangChain: imported when asked, not with this module

    preload(model)


def model_preload() -> asyncio.Future[None]:
    """The configured chat model's imports, checked once per process in a worker thread.

    Daphne's process has done them before serving (``tutor.routing``); a process that routes
    sockets some other way (tests) does them here, when its first chat opens, and a reply that
    comes before they end waits for them without blocking anyone.
    """
    loop = asyncio.get_running_loop()
    preload = _MODEL_PRELOADS.get(loop)
    if preload is None:
        preload = _MODEL_PRELOADS[loop] = loop.run_in_executor(
            None, preload_for_model, settings.TUTOR_MODEL
        )
    return preload


class TutorConsumer(AsyncWebsocketConsumer):
    """``/ws/tutor/`` starts a new chat; ``/ws/tutor/<chat_id>/`` resumes one of the student's."""

    # Nothing is ever sent to a chat through the channel layer, so the socket does not listen
    # on it: with the default layer (Redis) every open chat would die with Redis (a restart
    # closed them all, mid-reply), and each would hold a blocking Redis read for nothing.
    channel_layer_alias = NO_CHANNEL_LAYER
    chat_id: int | None = None
    reply_task: asyncio.Task[None] | None = None
    stop_requested = False
    # The reply in flight: its id once its start frame is known, and whether its done frame
    # has gone (after which there is nothing left to stop).
    reply_id: int | None = None
    reply_finished = False
    gone = False  # the socket closed: nothing more can be sent
    ended = False

    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        self.student = user
        model_preload()
        await self.accept()
        metrics.websocket_opened(self, "tutor")
        # A logout (here or in another process) or the session's end closes the socket.
        self.session_key = live_sockets.session_key_of(self.scope)
        if self.session_key:
            live_sockets.REGISTRY.add(self, self.session_key)
        wanted = self.scope.get("url_route", {}).get("kwargs", {}).get("chat_id")
        query = parse_qs(self.scope.get("query_string", b"").decode("latin-1"))
        practice_task = (query.get("practice_task") or [None])[0] if wanted is None else None
        try:
            payload = await chats.db_hop(self._open_chat)(wanted, practice_task)
        except TutorError as exc:
            await self.send_error(exc.code, exc.message)
            await self.close(code=CLOSE_NOT_FOUND)
            return
        self.chat_id = payload["chat_id"]
        await self.send_json(payload)

    def _open_chat(self, wanted: str | None, practice_task: str | None = None) -> dict[str, Any]:
        if wanted is None:
            chat = chats.start_chat(student=self.student, practice_task_id=practice_task)
        else:
            chat = chats.access_chat(student=self.student, chat_id=wanted)
        return chats.chat_payload(chat=chat)

    async def disconnect(self, code: int) -> None:
        metrics.websocket_closed(self)
        self.gone = True
        live_sockets.REGISTRY.discard(self, getattr(self, "session_key", None))
        await self.cancel_reply()

    async def end_session(self) -> None:
        """The login behind this socket ended: stop any reply and close the socket."""
        if self.ended:  # reached both directly and through the channel layer
            return
        self.ended = True
        live_sockets.REGISTRY.discard(self, getattr(self, "session_key", None))
        self.chat_id = None  # no more frames are taken
        await self.cancel_reply()
        await self.close(code=live_sockets.CLOSE_LOGGED_OUT)

    async def cancel_reply(self) -> None:
        task = self.reply_task
        if task is not None and not task.done():
            self.stop_requested = False  # nobody to tell: the reply is saved as stopped
            task.cancel()
            # Let the stopped reply be saved before the consumer goes away.
            await asyncio.wait([task], timeout=5)

    async def dispatch(self, message: dict[str, Any]) -> None:
        """Channels' dispatch without its per-event ``aclose_old_connections``.

        Channels closes stale database connections before every event a consumer handles, with
        a hop to its one shared sync thread: in a burst of asks every frame queued for that
        thread before its turn could start. This consumer's database work runs in
        ``chats.db_hop``, which closes stale connections around each hop in the thread that
        owns them, so the shared thread holds none of its connections.
        """
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    # -- frames in ------------------------------------------------------------------------

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        # Decoded here, not by AsyncJsonWebsocketConsumer: its decoder raises on bad JSON and
        # the connection dies (docs/architecture.md, "Stack facts"). Nothing a client sends may
        # close the socket.
        if self.chat_id is None:
            return
        try:
            frame = json.loads(text_data if text_data is not None else (bytes_data or b""))
        except (ValueError, UnicodeDecodeError, RecursionError):  # RecursionError: too deep
            await self.send_error("bad_request", "Frames must be JSON objects.")
            return
        if not isinstance(frame, dict):
            await self.send_error("bad_request", "Frames must be JSON objects.")
            return
        bad = find_unstorable(frame)
        if bad is not None:
            # NUL or a lone surrogate: refused before it reaches the chat's rows.
            await self.send_error("bad_request", UnstorableText(bad).message)
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
            await self.send_error("busy", ERROR_MESSAGES["busy"])
            return
        self.stop_requested = False
        self.reply_id = None
        self.reply_finished = False
        # Each turn's log lines carry an id of their own.
        self.reply_task = create_task_with_request_id(self.run_reply(text=text, retry=retry))

    async def stop_reply(self) -> None:
        """Every stop gets an answer: ``stopped`` with the reply's id, or ``bad_request``
        "nothing to stop" when no reply is streaming (or it completed first)."""
        task = self.reply_task
        if task is None or task.done() or self.reply_finished or self.stop_requested:
            await self.send_error("bad_request", NOTHING_TO_STOP)
            return
        self.stop_requested = True
        if self.reply_id is None:
            # Before its start frame the reply has no id to report: it stops itself as soon
            # as it has one (``run_reply``), so the stopped frame can name it.
            return
        task.cancel()
        await asyncio.wait([task], timeout=5)
        if self.reply_finished:
            # The reply was already being saved as complete: the done frame went out.
            await self.send_error("bad_request", NOTHING_TO_STOP)

    async def rate(self, frame: dict[str, Any]) -> None:
        value = frame.get("value")
        if type(value) is not int or value not in (-1, 0, 1):
            await self.send_error("bad_request", "A rating is 1, -1 or 0.")
            return
        try:
            message = await chats.db_hop(chats.rate_message)(
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
        tokens = TokenBatcher(self.send_json)
        try:
            await asyncio.shield(model_preload())
            # Each reply re-reads the session first (in the same database hop as the rest of
            # the reply's start): a logout elsewhere ends this socket too.
            replies = streaming.stream_reply(
                chat_id=self.chat_id,
                student=self.student,
                text=text,
                retry=retry,
                session=SessionCheck(getattr(self, "session_key", None)),
            )
            async with aclosing(replies):
                async for event in replies:
                    if isinstance(event, ReplyToken):
                        streamed.append(event.text)
                        await tokens.add(event.message_id, event.text)
                        continue
                    await tokens.flush()
                    if isinstance(event, ReplyStart):
                        message_id = self.reply_id = event.message_id
                    elif isinstance(event, ReplyDone):
                        finished = self.reply_finished = True
                        metrics.record_tutor_reply(intent=event.intent, ttft_ms=event.ttft_ms)
                    await self.send_json(event.frame())
                    if isinstance(event, ReplyStart) and self.stop_requested:
                        # A stop that came before the start frame: closing the stream saves
                        # the (empty) reply as stopped.
                        raise StopBeforeStart
        except (asyncio.CancelledError, StopBeforeStart):
            tokens.discard()
            # stop: tell the page; disconnect: there is no page left to tell.
            if self.stop_requested and message_id is not None and not finished and not self.gone:
                metrics.TUTOR_STOPPED.inc()
                # What was streamed, rendered like a finished reply (the page shows it so).
                html = render_markdown("".join(streamed)) if streamed else ""
                await self.send_json({"type": "stopped", "message_id": message_id, "html": html})
            return
        except SessionEnded:
            # Not end_session(): that waits for this very task to finish.
            self.ended = True
            live_sockets.REGISTRY.discard(self, getattr(self, "session_key", None))
            self.chat_id = None
            await self.close(code=live_sockets.CLOSE_LOGGED_OUT)
        except TutorError as exc:
            metrics.record_tutor_error(exc.code)
            await tokens.flush()
            await self.send_error(exc.code, exc.message, message_id=message_id)
        except OUTAGE_ERRORS as exc:
            # A service the reply needs is unreachable (PostgreSQL, or Redis behind the rate
            # limit): try again, and one log line rather than a traceback per message.
            logger.warning(
                "tutor reply failed (chat %s): a service is unreachable (%s)",
                self.chat_id,
                type(exc).__name__,
            )
            tokens.discard()
            await self.send_error(
                "unavailable", ERROR_MESSAGES["unavailable"], message_id=message_id
            )
        except Exception:
            logger.exception("tutor socket reply failed (chat %s)", self.chat_id)
            tokens.discard()
            await self.send_error("internal", ERROR_MESSAGES["internal"])

    # -- frames out -------------------------------------------------------------------------

    async def send_json(self, content: dict[str, Any]) -> None:
        if self.gone:
            return
        await self.send(text_data=json.dumps(content, ensure_ascii=False))

    async def send_error(self, code: str, message: str, *, message_id: int | None = None) -> None:
        frame: dict[str, Any] = {"type": "error", "code": code, "message": message}
        if message_id is not None:
            frame["message_id"] = message_id
        await self.send_json(frame)
