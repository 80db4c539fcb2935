"""CSV that a spreadsheet cannot turn against its reader, and that comes back unchanged.

Every export writes text cells through `escape_cell`: a cell that a spreadsheet would run as
a formula (one starting with =, +, -, @, a tab or a carriage return: OWASP's "CSV injection")
gets a leading apostrophe, which spreadsheets show as text. Numeric columns are written as
numbers and not escaped. Every importer reads cells through `unescape_cell`, which removes
exactly that apostrophe, so an export imports back unchanged. A cell that itself starts with
apostrophes before a formula character gets one more, so the round trip holds for it too.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from typing import IO, Any

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _formula_after_quotes(text: str) -> bool:
    return text.lstrip("'").startswith(FORMULA_START)


def escape_cell(text: str) -> str:
    """`text` safe to open in a spreadsheet (see the module docstring)."""
    return "'" + text if _formula_after_quotes(text) else text


def unescape_cell(text: str) -> str:
    """The inverse of `escape_cell`, for importers."""
    if text.startswith("'") and _formula_after_quotes(text):
        return text[1:]
    return text


def write_row(writer: Any, cells: Sequence[Any], *, numeric: Iterable[int] = ()) -> None:
    """Write one row, escaping every text cell but the `numeric` column positions."""
    keep = set(numeric)
    writer.writerow(
        [c if i in keep or not isinstance(c, str) else escape_cell(c) for i, c in enumerate(cells)]
    )


def safe_writer(out: IO[str]) -> Any:
    """The csv writer every export uses (all cells quoted when they need it)."""
    return csv.writer(out)
