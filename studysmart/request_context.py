"""A request id on every log line: set per request, carried into the jobs it enqueues and the
chat turns a socket runs.

- `RequestIdMiddleware` takes a sane incoming `X-Request-ID` (a proxy's, say) or makes one,
  keeps it in a context variable for the request and answers it in the response header.
- `RequestIdFilter` (on every handler in settings.LOGGING) puts it on each record as
  `request_id` ("-" outside any request).
- django-q2: the id travels inside the enqueued task (`pre_enqueue`) and is set again in the
  worker around that task (`pre_execute`); a job enqueued outside a request gets its own.
- Chat turns: `create_task_with_request_id` gives each reply task a fresh id.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
import re
import uuid
from collections.abc import Coroutine
from typing import Any, TypeVar

from django.http import HttpRequest, HttpResponse

from studysmart.middleware_base import DualModeMiddleware

HEADER = "X-Request-ID"
# What an incoming id may be: a token that cannot smuggle anything into a log line.
SANE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{8,128}$")
NO_REQUEST = "-"
TASK_KEY = "request_id"

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar(
    "request_id", default=NO_REQUEST
)
T = TypeVar("T")


def new_request_id() -> str:
    return uuid.uuid4().hex


def current_request_id() -> str:
    return request_id_var.get()


def accepted_request_id(incoming: str | None) -> str:
    if incoming and SANE_REQUEST_ID.match(incoming):
        return incoming
    return new_request_id()


class RequestIdFilter(logging.Filter):
    """Adds `request_id` to every record; never drops one."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = request_id_var.get()
        return True


class RequestIdMiddleware(DualModeMiddleware):
    """Outermost, so that every line of the request (other middleware's too) carries it."""

    def before(self, request: HttpRequest) -> HttpResponse | None:
        self._bind(request)
        return None

    def after(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        response[HEADER] = request.request_id  # type: ignore[attr-defined]
        return response

    def _bind(self, request: HttpRequest) -> None:
        # Not reset on the way out: Django logs a 4xx/5xx ("Not Found: …") after the last
        # middleware has returned. Each ASGI request runs in a context of its own; the
        # request_finished receiver clears it for a thread that serves requests in turn.
        request.request_id = accepted_request_id(request.headers.get(HEADER))  # type: ignore[attr-defined]
        request_id_var.set(request.request_id)  # type: ignore[attr-defined]


def clear_request_id(sender: Any, **kwargs: Any) -> None:
    """request_finished: lines after the response belong to no request."""
    request_id_var.set(NO_REQUEST)


def create_task_with_request_id(coro: Coroutine[Any, Any, T]) -> asyncio.Task[T]:
    """An asyncio task whose log lines carry a new request id (one chat turn)."""
    context = contextvars.copy_context()
    context.run(request_id_var.set, new_request_id())
    return asyncio.get_running_loop().create_task(coro, context=context)


# --- django-q2 -------------------------------------------------------------------------------


def stamp_enqueued_task(sender: Any, task: dict[str, Any], **kwargs: Any) -> None:
    """pre_enqueue: the request that enqueued the task, or a new id of its own."""
    current = request_id_var.get()
    task[TASK_KEY] = current if current != NO_REQUEST else new_request_id()


_executing: dict[int, contextvars.Token[str]] = {}


def bind_executing_task(sender: Any, func: Any, task: dict[str, Any], **kwargs: Any) -> None:
    """pre_execute, in the worker: the task's lines carry the id it was enqueued with."""
    _executing[id(task)] = request_id_var.set(str(task.get(TASK_KEY) or NO_REQUEST))


def unbind_executed_task(sender: Any, func: Any, task: dict[str, Any], **kwargs: Any) -> None:
    """post_execute_in_worker: back to what it was (a sync task runs inside the request)."""
    token = _executing.pop(id(task), None)
    if token is not None:
        request_id_var.reset(token)


def connect_signals() -> None:
    from django.core.signals import request_finished
    from django_q.signals import post_execute_in_worker, pre_enqueue, pre_execute

    request_finished.connect(clear_request_id, dispatch_uid="studysmart.request_id.finished")
    pre_enqueue.connect(stamp_enqueued_task, dispatch_uid="studysmart.request_id.enqueue")
    pre_execute.connect(bind_executing_task, dispatch_uid="studysmart.request_id.execute")
    post_execute_in_worker.connect(
        unbind_executed_task, dispatch_uid="studysmart.request_id.executed"
    )
