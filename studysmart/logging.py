"""Secrets never reach a log line: `RedactSecretsFilter`, installed on every handler.

The configured secrets (the provider's API key, Django's SECRET_KEY, the database and Redis
passwords) are replaced by ``[redacted]`` in each record's message (its arguments formatted
first), its exception and stack text, and its string-valued extra fields. Provider errors
quote request URLs and response bodies, so a key can arrive inside any of them; anything
shaped like a Google API key (``AIza…``, ``?key=…``) is redacted too, configured or not.

settings.LOGGING puts the filter on every handler (a filter on a handler sees the records of
every logger that propagates to it; a filter on a logger would not). A JSON formatter or any
other handler added to LOGGING gets it by listing ``"redact_secrets"`` in its ``filters``.
"""

from __future__ import annotations

import logging
import re
import traceback
from collections.abc import Iterable
from functools import lru_cache
from urllib.parse import quote, unquote, urlsplit

REDACTED = "[redacted]"
# Shorter values are not worth the false positives (a password "a" would blank every "a").
MIN_SECRET_LENGTH = 4
_KEY_PATTERNS = (
    re.compile(r"([?&](?:key|api_key|apikey)=)[^&\s'\"]+", re.IGNORECASE),
    re.compile(r"(x-goog-api-key['\"]?\s*[:=]\s*['\"]?)[^'\"\s,}]+", re.IGNORECASE),
    re.compile(r"()AIza[0-9A-Za-z_\-]{20,}"),
)
# Attributes every LogRecord has; anything else on a record came from `extra=`.
_STANDARD_ATTRS = frozenset(logging.makeLogRecord({}).__dict__) | {"message", "asctime"}


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    """`text` with each secret and anything shaped like an API key replaced by [redacted]."""
    for secret in secrets:
        if secret in text:
            text = text.replace(secret, REDACTED)
    for pattern in _KEY_PATTERNS:
        text = pattern.sub(rf"\1{REDACTED}", text)
    return text


def url_password(url: str) -> str:
    """The password inside a service URL (``redis://:pw@host``), or ""."""
    try:
        password = urlsplit(url).password
    except ValueError:
        return ""
    return unquote(password) if password else ""


def configured_secrets() -> tuple[str, ...]:
    """Every secret the running settings hold (read per record: tests and operators change
    settings at run time), longest first so that no part of one survives."""
    from django.conf import settings

    if not settings.configured:
        return ()
    raw = (
        getattr(settings, "GOOGLE_API_KEY", ""),
        getattr(settings, "SECRET_KEY", ""),
        url_password(getattr(settings, "REDIS_URL", "") or ""),
        *(str(db.get("PASSWORD") or "") for db in getattr(settings, "DATABASES", {}).values()),
    )
    return _secret_variants(raw)


@lru_cache(maxsize=8)
def _secret_variants(raw: tuple[str, ...]) -> tuple[str, ...]:
    unique = {s for s in raw if isinstance(s, str) and len(s) >= MIN_SECRET_LENGTH}
    # Percent-encoded forms appear in logged URLs as well.
    unique |= {quote(s, safe="") for s in unique}
    return tuple(sorted(unique, key=len, reverse=True))


class RedactSecretsFilter(logging.Filter):
    """Rewrites each record so that no configured secret is left in it; never drops one."""

    def filter(self, record: logging.LogRecord) -> bool:
        secrets = configured_secrets()
        try:
            message = record.getMessage()
        except Exception:  # a broken format string: keep Django's own behaviour
            return True
        record.msg = redact(message, secrets)
        record.args = None
        if record.exc_info and record.exc_info[1] is not None:
            # Formatted here, once, and the live exception dropped: a formatter that renders
            # exc_info itself (a JSON one, say) would print it unredacted.
            text = record.exc_text or "".join(traceback.format_exception(*record.exc_info))
            record.exc_text = redact(text.rstrip("\n"), secrets)
            record.exc_info = None
        elif record.exc_text:
            record.exc_text = redact(record.exc_text, secrets)
        if record.stack_info:
            record.stack_info = redact(record.stack_info, secrets)
        for name, value in list(record.__dict__.items()):
            if name not in _STANDARD_ATTRS and isinstance(value, str):
                setattr(record, name, redact(value, secrets))
        return True
