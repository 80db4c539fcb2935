"""An idle socket's channel-layer receive must outlast its blocking read on a real Redis.

redis-py 8 gives every connection a 5 s read timeout by default, and channels-redis waits in a
blocking BZPOPMIN for 5 s: without a longer ``socket_timeout`` in the layer's host settings every
idle live-updates socket ended with ``redis.exceptions.TimeoutError`` after about 5 seconds.
"""

from __future__ import annotations

import asyncio
import os

import pytest
from django.conf import settings

pytestmark = pytest.mark.skipif(
    not os.environ.get("REDIS_URL"), reason="needs the Redis of the PostgreSQL + Redis stack"
)


def test_layer_host_read_timeout_outlasts_the_blocking_receive() -> None:
    from channels_redis.core import RedisChannelLayer

    config = settings.CHANNEL_LAYERS["default"]["CONFIG"]
    layer = RedisChannelLayer(**config)
    (host,) = config["hosts"]
    assert host["socket_timeout"] > layer.brpop_timeout
    assert layer.brpop_timeout == settings.CHANNEL_LAYER_BLOCKING_SECONDS


def test_an_idle_receive_waits_past_the_blocking_timeout_then_gets_its_message() -> None:
    from channels.layers import get_channel_layer

    async def scenario() -> dict:
        layer = get_channel_layer()
        channel = await layer.new_channel()
        receive = asyncio.ensure_future(layer.receive(channel))
        # Longer than one blocking read (5 s) and than redis-py 8's default read timeout.
        await asyncio.sleep(settings.CHANNEL_LAYER_BLOCKING_SECONDS + 1.5)
        assert not receive.done(), receive.exception() if receive.done() else None
        await layer.send(channel, {"type": "ping"})
        message = await asyncio.wait_for(receive, timeout=10)
        return message

    assert asyncio.run(scenario()) == {"type": "ping"}
