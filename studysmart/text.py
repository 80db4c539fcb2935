"""Text that cannot be stored is refused where it comes in: one check, used at every edge.

PostgreSQL refuses a NUL character in text, and a lone UTF-16 surrogate ("\\ud800", which JSON
can spell and Python keeps) cannot be encoded as UTF-8 at all: either one stored, or merely
rendered, is a 500 for whoever next reads the row. Neither has a use in this product, so the
request bodies, form fields, query strings, websocket frames and CSV cells that carry them are
refused with a message naming the field, before anything is written. SQLite would take both,
so the check is ours, not the database's.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

REASON = "contains a character that cannot be stored (a NUL or an unpaired surrogate)"
# JSON nested deeper than this is not walked (json.loads has already bounded it by recursion).
_MAX_DEPTH = 200


class UnstorableText(ValueError):
    """`field` holds text that cannot be stored; `message` says so and is safe to show."""

    def __init__(self, field: str) -> None:
        # The name itself may be the bad text (a JSON key): shown with "?" in its place.
        self.field = displayable(field)[:100] or "the input"
        self.message = f"{self.field} {REASON}."
        super().__init__(self.message)


def is_storable(text: str) -> bool:
    """True when `text` has no NUL and encodes as UTF-8 (no lone surrogate)."""
    if "\x00" in text:
        return False
    if text.isascii():
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def displayable(text: str) -> str:
    """`text` with each NUL and lone surrogate replaced by "?" (safe to render and log)."""
    return text.encode("utf-8", "replace").decode("utf-8").replace("\x00", "?")


def check_storable_text(text: str, *, field: str) -> str:
    """`text` unchanged, or UnstorableText naming `field`."""
    if not is_storable(text):
        raise UnstorableText(field)
    return text


def find_unstorable(value: Any, *, path: str = "") -> str | None:
    """The path (``options[1].text``) of the first unstorable string in parsed JSON, or None.

    Keys are checked as well as values: a key is stored too when a JSON field is saved whole.
    """
    for where, text in _strings(value, path, 0):
        if not is_storable(text):
            return where or "the body"
    return None


def check_storable_json(value: Any, *, path: str = "") -> Any:
    """`value` unchanged, or UnstorableText naming the first bad field."""
    bad = find_unstorable(value, path=path)
    if bad is not None:
        raise UnstorableText(bad)
    return value


def _strings(value: Any, path: str, depth: int) -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield path, value
    elif depth >= _MAX_DEPTH:
        return
    elif isinstance(value, dict):
        for key, item in value.items():
            name = f"{path}.{key}" if path else str(key)
            if isinstance(key, str):
                yield (f"{path} (a key)" if path else "a key"), key
            yield from _strings(item, name, depth + 1)
    elif isinstance(value, list | tuple):
        for i, item in enumerate(value):
            yield from _strings(item, f"{path}[{i}]", depth + 1)
