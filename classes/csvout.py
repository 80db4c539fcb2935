"""CSV out of the class view, safe to open in a spreadsheet: every text cell goes through the
project's formula escaping (studysmart/csvsafe.py)."""

from __future__ import annotations

from typing import IO, Any

from studysmart.csvsafe import safe_writer, write_row


class _EscapingWriter:
    def __init__(self, out: IO[str]) -> None:
        self._writer = safe_writer(out)

    def writerow(self, row: Any) -> None:
        write_row(self._writer, list(row))


def csv_writer(out: IO[str]) -> _EscapingWriter:
    return _EscapingWriter(out)
