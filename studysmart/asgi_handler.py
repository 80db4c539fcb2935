"""Django's ASGI handler with the middleware chain run synchronously, in reused threads.

Under ASGI Django builds the chain for async and adapts each middleware to the one below it:
every hook of a ``MiddlewareMixin`` middleware (sessions, CSRF, auth, messages, CSP, axes,
metrics) runs through its own ``sync_to_async`` — 17 hops between the event loop and the
request's thread for one API request, each a wake-up of both and a round of the interpreter
lock. The views are synchronous (the tutor's HTTP ask is the one coroutine, and Django runs it
on the event loop from the thread), so the whole chain runs in the request's thread instead:
one hop in, one out.

Django also gives every request a new thread (asgiref's per-request thread-sensitive context)
and a second one to join it afterwards. Here a request borrows an idle thread of the process
instead (``RequestThreads``) and returns it when it is done, so its database connection can
outlive the request where ``CONN_MAX_AGE`` allows (docs/architecture.md, "Stack facts").
"""

from __future__ import annotations

import threading
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from asgiref.sync import ThreadSensitiveContext, sync_to_async
from django.core.handlers.asgi import ASGIHandler
from django.db import connections
from django.http import HttpRequest, HttpResponseBase

# Idle request threads kept for reuse; a burst beyond them gets new threads, which end after it.
IDLE_THREADS = 16


class RequestThread(ThreadPoolExecutor):
    """One thread that runs one request's synchronous work at a time, and counts what it has not
    finished (a request whose client went away leaves its view running)."""

    def __init__(self) -> None:
        super().__init__(max_workers=1, thread_name_prefix="request")
        self.unfinished = 0
        self._count = threading.Lock()

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Future[Any]:
        with self._count:
            self.unfinished += 1
        future = super().submit(fn, *args, **kwargs)
        future.add_done_callback(self._finished)
        return future

    def _finished(self, _: Future[Any]) -> None:
        with self._count:
            self.unfinished -= 1


class RequestThreads:
    """The process's idle request threads, last in first out (the warmest is reused)."""

    def __init__(self, idle: int = IDLE_THREADS) -> None:
        self.idle: list[RequestThread] = []
        self.keep = idle
        self._guard = threading.Lock()

    def borrow(self) -> RequestThread:
        with self._guard:
            if self.idle:
                return self.idle.pop()
        return RequestThread()

    def give_back(self, thread: RequestThread) -> None:
        with self._guard:
            if thread.unfinished == 0 and len(self.idle) < self.keep:
                self.idle.append(thread)
                return
        # Still running a request whose client left, or more than we keep: it closes its own
        # database connections (they are per thread) and ends when done.
        thread.submit(connections.close_all)
        thread.shutdown(wait=False)


class SyncChainASGIHandler(ASGIHandler):
    def __init__(self) -> None:
        super().__init__()
        self.threads = RequestThreads()

    def load_middleware(self, is_async: bool = False) -> None:
        super().load_middleware(is_async=False)

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            raise ValueError(f"Django can only handle ASGI/HTTP connections, not {scope['type']}.")
        thread = self.threads.borrow()
        try:
            # Every thread-sensitive call of this request (the request signals, the chain,
            # closing the response) runs on the borrowed thread.
            async with ThreadSensitiveContext(executor=thread):
                await self.handle(scope, receive, send)
        finally:
            self.threads.give_back(thread)

    async def get_response_async(self, request: HttpRequest) -> HttpResponseBase:
        return await sync_to_async(self.get_response, thread_sensitive=True)(request)
