"""Which exceptions mean "a service is unreachable" (an outage), for every app.

Django wraps the database driver's errors in its own classes; the Redis cache raises redis-py's.
An outage is an operations event, answered with "try again in a moment" (a 503, an
``unavailable`` frame) and one log line, not a traceback; anything else is a bug.
"""

from __future__ import annotations

import re

from django.db import DatabaseError, InterfaceError, OperationalError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

# What Django raises when PostgreSQL (or SQLite's file) cannot be used.
DATABASE_ERRORS: tuple[type[Exception], ...] = (OperationalError, InterfaceError)
# What the Redis cache raises when Redis cannot be reached.
REDIS_ERRORS: tuple[type[Exception], ...] = (RedisConnectionError, RedisTimeoutError)
OUTAGE_ERRORS: tuple[type[Exception], ...] = DATABASE_ERRORS + REDIS_ERRORS


# SQLite says "no such table: x" (an OperationalError, like an unreachable file); PostgreSQL
# says 'relation "x" does not exist' (a ProgrammingError). Either way the database is reachable
# and simply not migrated: a setup step is missing, which "try again later" would never fix.
_MISSING_TABLE = re.compile(r'no such table: (\S+)|relation "([^"]+)" does not exist')


def missing_table(exc: BaseException | None) -> str | None:
    """The table a database error says is missing (the database is not migrated), else None."""
    if not isinstance(exc, DatabaseError):
        return None
    match = _MISSING_TABLE.search(str(exc))
    return (match.group(1) or match.group(2)) if match else None


def is_outage(exc: BaseException | None) -> bool:
    """Whether ``exc`` means the database or the cache is unreachable (not merely unmigrated)."""
    return isinstance(exc, OUTAGE_ERRORS) and missing_table(exc) is None


def service_name(exc: BaseException) -> str:
    """The service an outage error is about, as a person reads it: "database" or "cache"."""
    return "database" if isinstance(exc, DATABASE_ERRORS) else "cache"
