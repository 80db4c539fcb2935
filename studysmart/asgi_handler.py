"""Django's ASGI handler with the middleware chain run synchronously, in one thread hop.

Under ASGI Django builds the chain for async and adapts each middleware to the one below it:
every hook of a ``MiddlewareMixin`` middleware (sessions, CSRF, auth, messages, CSP, axes,
metrics) runs through its own ``sync_to_async`` — about twenty hops between the event loop and
the request's thread for every request, each a wake-up of both and a round of the interpreter
lock. The views are synchronous (the tutor's HTTP ask is the one coroutine, and Django runs it
on the event loop from the thread), so the whole chain runs in the request's thread instead:
one hop in, one out. On the embedded stack this took a daphne process from 11–12 to 16–17
completion cycles a second at saturation (docs/architecture.md, "Processes").
"""

from __future__ import annotations

from asgiref.sync import sync_to_async
from django.core.handlers.asgi import ASGIHandler
from django.http import HttpRequest, HttpResponseBase


class SyncChainASGIHandler(ASGIHandler):
    def load_middleware(self, is_async: bool = False) -> None:
        super().load_middleware(is_async=False)

    async def get_response_async(self, request: HttpRequest) -> HttpResponseBase:
        return await sync_to_async(self.get_response, thread_sensitive=True)(request)
