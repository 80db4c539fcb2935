"""What the CSV readers of the tasks app share: how truth is spelled, how many errors a report
lists, and how long lists of keys are looked up."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

# A rejected file's report lists this many problems (and says how many there were in all).
MAX_ERRORS = 50
# Spellings of a yes/no cell, after strip() and lower().
TRUE_TEXTS = frozenset({"1", "1.0", "true", "yes"})
FALSE_TEXTS = frozenset({"0", "0.0", "false", "no"})
IN_CHUNK = 900  # below SQLite's historic 999-parameter limit


def chunks(values: Sequence[str], size: int = IN_CHUNK) -> Iterator[Sequence[str]]:
    """``values`` in slices short enough for one ``IN (…)`` query."""
    for start in range(0, len(values), size):
        yield values[start : start + size]
