"""The Redis cache keeps one connection pool per process, however many threads use it."""

from __future__ import annotations

import threading

from django.core.cache import cache

from studysmart.cache import SharedConnectionPool

REDIS = "redis://127.0.0.1:6379/15"  # never connected to: pools connect lazily


def pool_seen_by_a_new_thread() -> object:
    seen: list[object] = []
    worker = threading.Thread(target=lambda: seen.append(cache._cache._get_connection_pool(True)))
    worker.start()
    worker.join()
    return seen[0]


def test_every_thread_shares_one_pool(settings) -> None:
    backend = "django.core.cache.backends.redis.RedisCache"
    settings.CACHES = {
        "default": {
            "BACKEND": backend,
            "LOCATION": REDIS,
            "OPTIONS": {"pool_class": "studysmart.cache.SharedConnectionPool", "socket_timeout": 2},
        }
    }
    first, second = pool_seen_by_a_new_thread(), pool_seen_by_a_new_thread()
    assert first is second
    assert isinstance(first, SharedConnectionPool)
    assert first.connection_kwargs["socket_timeout"] == 2


def test_other_urls_or_options_get_their_own_pool() -> None:
    a = SharedConnectionPool.from_url(REDIS, socket_timeout=2)
    assert SharedConnectionPool.from_url(REDIS, socket_timeout=2) is a
    assert SharedConnectionPool.from_url(REDIS, socket_timeout=3) is not a
    assert SharedConnectionPool.from_url("redis://127.0.0.1:6379/14", socket_timeout=2) is not a


def test_without_it_each_thread_had_its_own_pool(settings) -> None:
    """What the shared pool replaces (Django's default), so that the first test means something."""
    backend = "django.core.cache.backends.redis.RedisCache"
    settings.CACHES = {"default": {"BACKEND": backend, "LOCATION": REDIS}}
    assert pool_seen_by_a_new_thread() is not pool_seen_by_a_new_thread()
