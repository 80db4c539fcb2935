"""One Redis connection pool per process for the cache, shared by every thread.

Django gives each thread its own cache object, and under ASGI each request and each websocket
runs its synchronous code in a thread of its own; with Django's default every such thread opened
its own pool and connection, which stayed open until the garbage collector found the thread's
cache (bench_soak: Redis clients and daphne's open files rising for minutes, then dropping).
redis-py's pools are thread-safe and notice a fork, so one per URL and options serves all.
"""

from __future__ import annotations

import threading
from typing import Any, ClassVar

import redis


class SharedConnectionPool(redis.ConnectionPool):
    """`CACHES[...]["OPTIONS"]["pool_class"]`: `from_url` hands out one pool per URL+options."""

    _shared: ClassVar[dict[tuple[str, str], redis.ConnectionPool]] = {}
    _shared_lock: ClassVar[threading.Lock] = threading.Lock()

    @classmethod
    def from_url(cls, url: str, **kwargs: Any) -> Any:
        key = (url, repr(sorted(kwargs.items(), key=lambda item: item[0])))
        with cls._shared_lock:
            pool = cls._shared.get(key)
            if pool is None:
                pool = cls._shared[key] = super().from_url(url, **kwargs)
            return pool
