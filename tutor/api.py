"""``POST /api/tutor/ask/``: the whole reply at once, for clients without websockets.

An async view on the same service as the socket, so the model is awaited on the server's one
event loop (never ``asyncio.run`` per request: the old tutor's "Event loop is closed").
"""

from __future__ import annotations

import json
from typing import Any

from channels.db import database_sync_to_async
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, JsonResponse

from studysmart import metrics
from studysmart.errors import ApiError, json_methods
from tutor import chats, streaming, turns
from tutor.errors import TutorError


# Login is checked here rather than by LoginRequiredMiddleware, which would redirect an API
# client to the login page: an API answers 401 with JSON.
@login_not_required
@json_methods("POST")
async def ask(request: HttpRequest) -> JsonResponse:
    user = await request.auser()
    if not user.is_authenticated:
        return ApiError("not_authenticated", "Log in to ask the tutor.").response()
    try:
        body = json.loads(request.body or b"")
    except RequestDataTooBig:
        # Django would answer its HTML 400 page; an API client needs JSON.
        return ApiError("payload_too_large").response()
    except (ValueError, UnicodeDecodeError, RecursionError):  # RecursionError: nested too deep
        return ApiError("bad_request", "The body must be a JSON object.").response()
    if not isinstance(body, dict):
        return ApiError("bad_request", "The body must be a JSON object.").response()
    text, chat_id = body.get("text"), body.get("chat_id")
    if not isinstance(text, str) or not text.strip():
        message = '"text" must be a non-empty string.'
        return ApiError("bad_request", message, fields={"text": message}).response()
    if chat_id is not None and (type(chat_id) is not int or chat_id <= 0):
        message = '"chat_id" must be a positive integer.'
        return ApiError("bad_request", message, fields={"chat_id": message}).response()
    try:
        turns.check_text(text)
        if chat_id is None:
            chat = await database_sync_to_async(chats.start_chat)(student=user)
            chat_id = chat.pk
        done = await streaming.ask(chat_id=chat_id, student=user, text=text)
    except TutorError as exc:
        metrics.record_tutor_error(exc.code)
        return exc.response()
    metrics.record_tutor_reply(intent=done.intent, ttft_ms=done.ttft_ms)
    payload: dict[str, Any] = done.frame()
    payload.pop("type")
    payload.update(chat_id=chat_id, text=done.text)
    return JsonResponse(payload)
