"""Letting other writers in during a long series of short write transactions (imports).

SQLite has one write lock. A process waiting for it polls every ~100 ms once it has waited a
while (its busy handler backs off), and a loop that commits and begins again at once leaves the
lock free for microseconds only: the waiting student never gets in and times out. Pausing a
little longer than one poll interval every so often bounds their wait; PostgreSQL locks rows,
not the database, and needs no pause.
"""

from __future__ import annotations

import time

from django.db import connection

# A pause longer than SQLite's longest busy-handler sleep (100 ms) …
PAUSE_SECONDS = 0.12
# … after at most this much writing: a waiting request is held back well under a second.
EVERY_SECONDS = 0.4


class WritePauses:
    """Call `after_commit()` after each transaction of a long series."""

    def __init__(self) -> None:
        self._since = time.monotonic()
        self.paused = 0.0

    def after_commit(self) -> None:
        if connection.vendor != "sqlite":
            return
        now = time.monotonic()
        if now - self._since >= EVERY_SECONDS:
            time.sleep(PAUSE_SECONDS)
            self.paused += PAUSE_SECONDS
            self._since = time.monotonic()
