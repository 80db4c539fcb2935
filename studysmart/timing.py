"""`Server-Timing: app;dur=<ms>` on every response: the time Django spent on the request.

Set by the outermost middleware, so it covers every other middleware and the view but not the
wait for daphne's worker thread; a client comparing it with its own timing sees how much of a
slow response was queueing rather than work. Browsers show it in their network panel.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse


class ServerTimingMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        elapsed_ms = (time.perf_counter() - started) * 1000
        response["Server-Timing"] = f"app;dur={elapsed_ms:.1f}"
        return response
