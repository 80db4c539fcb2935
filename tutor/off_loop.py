"""The tutor's CPU work, run off the event loop.

A turn classifies the message, searches the knowledge base, builds the prompt and (offline)
composes the answer: pure Python, a few milliseconds for a short question and tens for a long
one. On the event loop, every socket and page of the process waited for each turn in turn.
Here the work runs in a small thread pool, and the loop only waits for the result.

Two pools. CPU work gets two threads: a thread that runs Python holds the interpreter lock
for up to ``sys.getswitchinterval()`` (5 ms) whenever the loop wants it back, and each
further such thread is one more that the loop may queue behind. Work that mostly waits on the
network (a remote embedder's calls) gets more threads, so a burst of questions is not queued
two by two.
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import ParamSpec, TypeVar

CPU_THREADS = 2
WAITING_THREADS = 16

_P = ParamSpec("_P")
_R = TypeVar("_R")

_CPU = ThreadPoolExecutor(max_workers=CPU_THREADS, thread_name_prefix="tutor-cpu")
_WAITING = ThreadPoolExecutor(max_workers=WAITING_THREADS, thread_name_prefix="tutor-wait")


async def off_loop(fn: Callable[_P, _R], /, *args: _P.args, **kwargs: _P.kwargs) -> _R:
    """``fn(*args, **kwargs)`` in a CPU worker thread, with this task's context (the request id
    its log lines carry).

    Cancelling the caller does not stop ``fn``: it runs to its end in its thread, and its
    result is dropped. ``fn`` must therefore change nothing the caller relies on being undone.
    """
    return await _run(_CPU, functools.partial(fn, *args, **kwargs))


async def off_loop_waiting(fn: Callable[_P, _R], /, *args: _P.args, **kwargs: _P.kwargs) -> _R:
    """``off_loop`` for work that may wait on the network (a remote embedder's call)."""
    return await _run(_WAITING, functools.partial(fn, *args, **kwargs))


async def _run(executor: ThreadPoolExecutor, call: Callable[[], _R]) -> _R:
    context = contextvars.copy_context()
    return await asyncio.get_running_loop().run_in_executor(executor, context.run, call)
