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
from django.views.decorators.http import require_POST

from studysmart import metrics
from tutor import services
from tutor.services import TutorError

STATUS_FOR_CODE = {
    "bad_request": 400,
    "too_long": 400,
    "not_found": 404,
    "busy": 409,
    "rate_limited": 429,
    "unavailable": 503,
    "internal": 500,
}


def error_response(code: str, message: str, *, status: int | None = None) -> JsonResponse:
    body = {"error": {"code": code, "message": message}}
    return JsonResponse(body, status=status or STATUS_FOR_CODE.get(code, 500))


# Login is checked here rather than by LoginRequiredMiddleware, which would redirect an API
# client to the login page: an API answers 401 with JSON.
@login_not_required
@require_POST
async def ask(request: HttpRequest) -> JsonResponse:
    user = await request.auser()
    if not user.is_authenticated:
        return error_response("unauthenticated", "Log in to ask the tutor.", status=401)
    try:
        body = json.loads(request.body or b"")
    except RequestDataTooBig:
        # Django would answer its HTML 400 page; an API client needs JSON.
        return error_response("too_long", "The request body is too large.", status=413)
    except (ValueError, UnicodeDecodeError, RecursionError):  # RecursionError: nested too deep
        return error_response("bad_request", "The body must be a JSON object.")
    if not isinstance(body, dict):
        return error_response("bad_request", "The body must be a JSON object.")
    text, chat_id = body.get("text"), body.get("chat_id")
    if not isinstance(text, str) or not text.strip():
        return error_response("bad_request", '"text" must be a non-empty string.')
    if chat_id is not None and (type(chat_id) is not int or chat_id <= 0):
        return error_response("bad_request", '"chat_id" must be a positive integer.')
    try:
        services.check_text(text)
        if chat_id is None:
            chat = await database_sync_to_async(services.start_chat)(student=user)
            chat_id = chat.pk
        done = await services.ask(chat_id=chat_id, student=user, text=text)
    except TutorError as exc:
        metrics.record_tutor_error(exc.code)
        return error_response(exc.code, exc.message)
    metrics.record_tutor_reply(intent=done.intent, ttft_ms=done.ttft_ms)
    payload: dict[str, Any] = done.frame()
    payload.pop("type")
    payload.update(chat_id=chat_id, text=done.text)
    return JsonResponse(payload)
