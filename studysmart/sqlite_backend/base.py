"""SQLite with a write gate: one write transaction at a time per process, taken in turn.

Every transaction here begins with ``BEGIN IMMEDIATE`` (settings: ``transaction_mode``), which
takes SQLite's write lock. A thread that finds the lock held waits in SQLite's busy handler,
which polls with sleeps growing to 100 ms: a waiter that has waited a while sleeps through the
moments the lock is free, and threads arriving later take it first. Under a steady stream of
short write transactions from one web process's many threads, the unlucky waiters wait for
seconds (the tail of ``bench_completion`` on the embedded stack, docs/architecture.md,
"Processes"). Here the threads of one process queue on a ``threading.Lock`` before they ask
SQLite: a waiter is woken as soon as the holder commits, and SQLite's busy handler is left to
arbitrate between processes only (the web process and the job clusters).

The gate is held exactly while SQLite's write lock is, from ``BEGIN IMMEDIATE`` to the commit
or rollback (or the connection's close), so it adds no wait SQLite would not impose: a thread
that would deadlock on the gate would deadlock on SQLite's lock too. Its wait is bounded by the
connection's ``timeout``, after which it fails as SQLite would, with "database is locked".

Django's own SQLite backend, wrapped by django-prometheus to count queries for /metrics.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from typing import Any

from django.conf import settings
from django.db import OperationalError
from django_prometheus.db.backends.sqlite3 import base

DEFAULT_TIMEOUT_SECONDS = 5.0  # sqlite3.connect's own default
# The slow-query log's logger and wording (studysmart/timing.py): a wait at the gate is the
# lock wait that log used to show as a slow BEGIN IMMEDIATE.
slow_log = logging.getLogger("studysmart.timing")

_gates: dict[str, threading.Lock] = {}
_gates_guard = threading.Lock()


def write_gate(name: str) -> threading.Lock:
    """The process's gate for the database file `name`."""
    with _gates_guard:
        return _gates.setdefault(name, threading.Lock())


def _forget_gates_after_fork() -> None:
    # A forked child (django-q2's workers) copies the locks as they were, possibly held by a
    # thread the child does not have: it starts with fresh ones.
    global _gates_guard
    _gates_guard = threading.Lock()
    _gates.clear()


os.register_at_fork(after_in_child=_forget_gates_after_fork)


class DatabaseFeatures(base.DatabaseFeatures):
    """The same features as Django's SQLite backend."""


class DatabaseWrapper(base.DatabaseWrapper):
    _gate_held: threading.Lock | None = None

    def _write_gate(self) -> threading.Lock | None:
        if self.is_in_memory_db():  # one connection per process: nothing to queue for
            return None
        return write_gate(str(self.settings_dict["NAME"]))

    def _start_transaction_under_autocommit(self) -> None:
        gate = self._write_gate()
        if gate is not None and self.transaction_mode in ("IMMEDIATE", "EXCLUSIVE"):
            timeout = float(self.settings_dict["OPTIONS"].get("timeout", DEFAULT_TIMEOUT_SECONDS))
            started = time.perf_counter()
            acquired = gate.acquire(timeout=timeout)
            waited_ms = (time.perf_counter() - started) * 1000
            slow_ms = getattr(settings, "SLOW_QUERY_MS", 0)
            if slow_ms and waited_ms >= slow_ms:
                slow_log.warning(
                    "slow query, %.0f ms: BEGIN %s (queued at this process's write gate)",
                    waited_ms,
                    self.transaction_mode,
                )
            if not acquired:
                raise OperationalError("database is locked")
            self._gate_held = gate
        try:
            super()._start_transaction_under_autocommit()
        except BaseException:
            self._release_gate()
            raise

    def _release_gate(self) -> None:
        gate, self._gate_held = self._gate_held, None
        if gate is not None:
            gate.release()

    def _commit(self) -> Any:
        try:
            return super()._commit()
        finally:
            self._release_gate()

    def _rollback(self) -> Any:
        try:
            return super()._rollback()
        finally:
            self._release_gate()

    def _close(self) -> Any:
        try:
            return super()._close()
        finally:
            self._release_gate()
