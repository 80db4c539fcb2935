"""Where request time goes: `Server-Timing: app;dur=<ms>` on every response (the time Django
spent on the request), sub-metrics a service adds with `timed()` (e.g. `lock;dur=<ms>`, how long
a write transaction held its locks), and a log line for every slow database statement.

Set by the outermost middleware, so it covers every other middleware and the view but not the
wait for daphne's worker thread; a client comparing it with its own timing sees how much of a
slow response was queueing rather than work. Browsers show it in their network panel.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, HttpResponse

logger = logging.getLogger(__name__)


# The sub-metrics of the request being served (None outside a request: commands, jobs).
_METRICS: ContextVar[dict[str, float] | None] = ContextVar("server_timing", default=None)


@contextlib.contextmanager
def timed(name: str) -> Iterator[None]:
    """Add the block's duration to this response's Server-Timing as `<name>;dur=<ms>`.

    Usable as a decorator too. Outside a request it only costs two clock reads."""
    started = time.perf_counter()
    try:
        yield
    finally:
        metrics = _METRICS.get()
        if metrics is not None:
            elapsed_ms = (time.perf_counter() - started) * 1000
            metrics[name] = metrics.get(name, 0.0) + elapsed_ms


@contextlib.contextmanager
def timed_transaction(name: str = "lock") -> Iterator[None]:
    """A write transaction (``transaction.atomic``) whose duration, from its start to its
    commit, is added to Server-Timing as `<name>;dur=<ms>`: how long it held its locks. The
    on-commit hooks that run after the commit (their own transactions) are not part of it."""
    started = time.perf_counter()
    done = False

    def stop() -> None:
        nonlocal done
        if done:
            return
        done = True
        metrics = _METRICS.get()
        if metrics is not None:
            elapsed_ms = (time.perf_counter() - started) * 1000
            metrics[name] = metrics.get(name, 0.0) + elapsed_ms

    try:
        with transaction.atomic():
            # The first hook: it runs right after the commit, before the others.
            transaction.on_commit(stop)
            yield
    finally:
        stop()  # rolled back, or inside an outer transaction: until the block's end


class ServerTimingMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        metrics: dict[str, float] = {}
        token = _METRICS.set(metrics)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
        finally:
            _METRICS.reset(token)
        elapsed_ms = (time.perf_counter() - started) * 1000
        response["Server-Timing"] = ", ".join(
            [f"app;dur={elapsed_ms:.1f}", *(f"{k};dur={v:.1f}" for k, v in metrics.items())]
        )
        return response


def log_slow_query(
    execute: Callable[..., Any], sql: str, params: Any, many: bool, context: dict[str, Any]
) -> Any:
    """A database execute wrapper: one WARNING line for a statement slower than
    settings.SLOW_QUERY_MS, lock waits included (a BEGIN IMMEDIATE waiting for another process;
    a wait for this process's own writers is logged by studysmart/sqlite_backend alike)."""
    started = time.perf_counter()
    try:
        return execute(sql, params, many, context)
    finally:
        elapsed_ms = (time.perf_counter() - started) * 1000
        if elapsed_ms >= settings.SLOW_QUERY_MS:
            logger.warning("slow query, %.0f ms: %s", elapsed_ms, " ".join(sql.split())[:300])


def watch_slow_queries(sender: Any, connection: Any, **kwargs: Any) -> None:
    """connection_created: wrap every new connection (once; the wrapper object is reused)."""
    if settings.SLOW_QUERY_MS > 0 and log_slow_query not in connection.execute_wrappers:
        connection.execute_wrappers.append(log_slow_query)
