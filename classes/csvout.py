"""CSV out of the class view, safe to open in a spreadsheet.

A cell that starts with =, +, -, @ (or a tab / carriage return) would be run as a formula by
Excel or LibreOffice: such cells get a leading apostrophe. One writer for the class export, so
switching to a project-wide helper is a one-line change.
"""

from __future__ import annotations

import csv
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def escape_cell(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class _EscapingWriter:
    def __init__(self, out: Any) -> None:
        self._writer = csv.writer(out)

    def writerow(self, row: Any) -> Any:
        return self._writer.writerow([escape_cell(v) for v in row])


def csv_writer(out: Any) -> _EscapingWriter:
    return _EscapingWriter(out)
