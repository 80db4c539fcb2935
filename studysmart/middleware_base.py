"""``DualModeMiddleware``: one middleware class that runs natively under WSGI and ASGI.

Django's ``MiddlewareMixin`` runs its hooks through ``sync_to_async`` under ASGI: a thread hop
per hook and request. The project's middleware only does cheap, non-blocking work on the way
in and out, so it runs it inline in both modes; a hook that needs the database overrides the
async entry (``abefore``) to hop to a thread itself.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, cast

from asgiref.sync import iscoroutinefunction, markcoroutinefunction
from django.http import HttpRequest, HttpResponse


class DualModeMiddleware:
    """Subclasses override ``before`` (a response ends the request there) and ``after``."""

    sync_capable = True
    async_capable = True

    def __init__(
        self, get_response: Callable[[HttpRequest], HttpResponse | Awaitable[HttpResponse]]
    ) -> None:
        self.get_response = get_response
        self.is_async = iscoroutinefunction(get_response)
        if self.is_async:
            markcoroutinefunction(self)

    def __call__(self, request: HttpRequest) -> Any:
        if self.is_async:
            return self.__acall__(request)
        early = self.before(request)
        if early is not None:
            return early
        return self.after(request, cast(HttpResponse, self.get_response(request)))

    async def __acall__(self, request: HttpRequest) -> HttpResponse:
        early = await self.abefore(request)
        if early is not None:
            return early
        response = cast(Awaitable[HttpResponse], self.get_response(request))
        return self.after(request, await response)

    def before(self, request: HttpRequest) -> HttpResponse | None:
        return None

    async def abefore(self, request: HttpRequest) -> HttpResponse | None:
        return self.before(request)

    def after(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        return response
