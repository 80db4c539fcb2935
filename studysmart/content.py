"""Reading and writing the `content/` files: YAML, a small typed field reader, one error type.

The question bank (`content/bank/*.yaml`, read by `tasks/content.py`) and the tutor's notes
(`content/knowledge/*.yaml`, read by `tutor/content.py`) are files teachers review in a diff;
the database rows are what runs. Both loaders read every file through `Entry`, which collects
every problem (file, entry, field, what is wrong) instead of stopping at the first, so a
teacher fixes a broken file in one go. Nothing is written until every file has been read
without a problem. See docs/content.md.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml


@dataclass(frozen=True)
class Problem:
    file: str
    entry: str
    field: str
    message: str

    def __str__(self) -> str:
        where = " · ".join(part for part in (self.file, self.entry, self.field) if part)
        return f"{where}: {self.message}"


class ContentError(Exception):
    """The content files are broken: every problem found, each naming file, entry and field."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = tuple(problems)
        shown = "\n".join(f"  {p}" for p in self.problems[:50])
        more = len(self.problems) - 50
        tail = f"\n  … and {more} more" if more > 0 else ""
        super().__init__(f"content files have {len(self.problems)} problem(s):\n{shown}{tail}")


class Problems:
    """Collects problems while files are read; ``check()`` raises them all at once."""

    def __init__(self) -> None:
        self.found: list[Problem] = []

    def add(self, file: str, entry: str, field: str, message: str) -> None:
        self.found.append(Problem(file, entry, field, message))

    def check(self) -> None:
        if self.found:
            raise ContentError(self.found)


def content_hash(values: Mapping[str, Any]) -> str:
    """A stable hash of the values a row was loaded with (key order does not matter)."""
    text = json.dumps(values, ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def yaml_files(directory: Path) -> list[Path]:
    """The `*.yaml` files of a directory, sorted by name; none when it does not exist."""
    if not directory.is_dir():
        return []
    return sorted(p for p in directory.iterdir() if p.suffix == ".yaml" and p.is_file())


def read_yaml(path: Path, *, label: str, problems: Problems) -> Any:
    """The parsed file, or None with a problem (syntax errors name their line)."""
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER)
    except UnicodeDecodeError:
        problems.add(label, "", "", "not UTF-8 text")
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f"line {mark.line + 1}: " if mark is not None else ""
        problems.add(label, "", "", f"not valid YAML: {line}{getattr(exc, 'problem', exc)}")
    return None


# libyaml's loader when PyYAML was built with it: 15x faster on the whole content/ tree.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_MISSING = object()


class Entry:
    """Typed reads of one mapping of a content file; problems are collected, never raised.

    Every getter returns a usable default after recording a problem, so one pass over a file
    reports everything wrong with it. ``finish()`` reports keys nobody read (usually typos).
    """

    def __init__(
        self, data: Any, *, file: str, entry: str, problems: Problems, where: str = ""
    ) -> None:
        self.file, self.entry, self.problems, self.where = file, entry, problems, where
        self.ok = isinstance(data, Mapping)
        if not self.ok:
            self.problem("", f"must be a mapping of keys to values, not {_kind(data)}")
        self.data: Mapping[str, Any] = data if self.ok else {}
        self.read: set[str] = set()

    def problem(self, field: str, message: str) -> None:
        name = f"{self.where}.{field}" if self.where and field else (self.where or field)
        self.problems.add(self.file, self.entry, name, message)

    def _get(self, name: str, required: bool) -> Any:
        self.read.add(name)
        value = self.data.get(name, _MISSING)
        if value is _MISSING or value is None:
            if required:
                self.problem(name, "is required")
            return _MISSING
        return value

    def text(self, name: str, *, required: bool = True, max_length: int | None = None) -> str:
        value = self._get(name, required)
        if value is _MISSING:
            return ""
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            self.problem(name, f"must be text, not {_kind(value)}")
            return ""
        text = str(value).strip()
        if required and not text:
            self.problem(name, "must not be empty")
        if max_length is not None and len(text) > max_length:
            self.problem(name, f"is {len(text)} characters long; at most {max_length}")
        return text

    def slug(self, name: str = "slug", *, required: bool = True) -> str:
        value = self.text(name, required=required, max_length=120)
        if value and not _is_slug(value):
            self.problem(name, f"{value!r} is not a slug (lowercase letters, digits and -)")
        return value

    def choice(self, name: str, choices: Sequence[str], *, default: str | None = None) -> str:
        value = self.text(name, required=default is None)
        if not value and default is not None:
            return default
        if value and value not in choices:
            self.problem(name, f"{value!r} is not one of {', '.join(choices)}")
        return value

    def number(
        self, name: str, *, required: bool = True, default: float | None = None
    ) -> float | None:
        value = self._get(name, required)
        if value is _MISSING:
            return default
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.problem(name, f"must be a number, not {_kind(value)}")
            return default
        if not math.isfinite(value):
            self.problem(name, "must be a finite number")
            return default
        return float(value)

    def integer(self, name: str, *, default: int = 0) -> int:
        value = self._get(name, False)
        if value is _MISSING:
            return default
        if isinstance(value, bool) or not isinstance(value, int):
            self.problem(name, f"must be a whole number, not {_kind(value)}")
            return default
        return value

    def strings(self, name: str, *, required: bool = False) -> tuple[str, ...]:
        value = self._get(name, required)
        if value is _MISSING:
            return ()
        if not isinstance(value, list):
            self.problem(name, f"must be a list, not {_kind(value)}")
            return ()
        items = []
        for i, item in enumerate(value):
            if isinstance(item, bool) or not isinstance(item, str | int | float):
                self.problem(f"{name}[{i}]", f"must be text, not {_kind(item)}")
            elif str(item).strip():
                items.append(str(item).strip())
        return tuple(items)

    def entries(self, name: str, *, required: bool = False) -> Iterator[Entry]:
        """The mappings of a list field, each read as an ``Entry`` of its own."""
        value = self._get(name, required)
        if value is _MISSING:
            return
        if not isinstance(value, list):
            self.problem(name, f"must be a list, not {_kind(value)}")
            return
        prefix = f"{self.where}.{name}" if self.where else name
        for i, item in enumerate(value):
            yield Entry(
                item,
                file=self.file,
                entry=self.entry,
                problems=self.problems,
                where=f"{prefix}[{i}]",
            )

    def mapping(self, name: str) -> Entry | None:
        value = self._get(name, False)
        if value is _MISSING:
            return None
        prefix = f"{self.where}.{name}" if self.where else name
        return Entry(value, file=self.file, entry=self.entry, problems=self.problems, where=prefix)

    def raw(self, name: str) -> Any:
        value = self._get(name, False)
        return None if value is _MISSING else value

    def finish(self) -> None:
        for key in self.data:
            if key not in self.read:
                self.problem(str(key), "is not a known field (a typo?)")


def _is_slug(value: str) -> bool:
    return all(c.isascii() and (c.isalnum() or c in "-_") for c in value) and value == value.lower()


def _kind(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, int | float):
        return "a number"
    return type(value).__name__


# --- writing ----------------------------------------------------------------------------------


class _Dumper(yaml.SafeDumper):
    """Multi-line text as literal blocks (`|`), readable and diffable; keys in the given order."""


def _represent_text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    if "\n" in value:
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")
    return dumper.represent_scalar("tag:yaml.org,2002:str", value)


_Dumper.add_representer(str, _represent_text)


def block(text: str) -> str:
    """Text that dumps as a literal block even when it is one line (prose fields)."""
    # Trailing spaces would force a quoted style; the loader strips the final newline again.
    lines = [line.rstrip() for line in text.strip().splitlines()]
    return "\n".join(lines) + "\n" if lines else ""


def dump_yaml(data: Any, *, header: str = "") -> str:
    """YAML for a content file: literal blocks, unicode as is, keys in insertion order."""
    body = yaml.dump(
        data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=1000, indent=2
    )
    lines = [f"# {line}".rstrip() for line in header.strip().splitlines()] if header else []
    return "\n".join([*lines, body]) if lines else body
