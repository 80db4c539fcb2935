"""Read a `.env` file beside manage.py into the environment (django-environ's convention).

`manage.py`, `asgi.py` and `wsgi.py` call `load_env_file()` before Django reads its settings,
so a local checkout needs no exported variables: `make run` (or `cp .env.example .env`) writes
the file once. Variables already in the environment win, so a deployment's real environment,
CI and the tests are never overridden by a stray file. The tests and the processes they start
set ``STUDYSMART_ENV_FILE=`` (empty) to read no file at all.

The format is the common subset: ``NAME=value`` lines, ``#`` comments (whole-line, or after a
space), optional single or double quotes around the value, an optional ``export`` prefix. An
empty value counts as unset, so a commented template line never blanks a default.
"""

from __future__ import annotations

import os
import re
import secrets
import sys
from pathlib import Path

ENV_FILE_VARIABLE = "STUDYSMART_ENV_FILE"
BASE_DIR = Path(__file__).resolve().parent.parent
_LINE = re.compile(r"^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$")


def parse_env_file(text: str) -> dict[str, str]:
    """The non-empty assignments of a `.env` text, in order; malformed lines raise ValueError."""
    values: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        match = _LINE.match(line)
        if match is None:
            raise ValueError(f"line {number} is not NAME=value: {stripped[:60]!r}")
        name, raw = match.group(1), match.group(2).strip()
        if raw[:1] in ("'", '"'):
            end = raw.find(raw[0], 1)
            if end == -1:
                raise ValueError(f"line {number}: unclosed quote in {name}")
            value = raw[1:end]
        else:
            value = "" if raw.startswith("#") else re.split(r"\s+#", raw, maxsplit=1)[0].strip()
        if value:
            values[name] = value
    return values


def env_file_path() -> Path | None:
    """STUDYSMART_ENV_FILE when set (empty: no file), else `.env` beside manage.py."""
    configured = os.environ.get(ENV_FILE_VARIABLE)
    if configured is not None:
        return Path(configured) if configured.strip() else None
    return BASE_DIR / ".env"


def load_env_file(path: Path | None = None) -> dict[str, str]:
    """Put the file's variables into os.environ where not already set; returns those it set."""
    path = path if path is not None else env_file_path()
    if path is None or not path.is_file():
        return {}
    try:
        values = parse_env_file(path.read_text(encoding="utf-8"))
    except ValueError as exc:
        raise SystemExit(f"{path}: {exc}") from None
    applied = {name: value for name, value in values.items() if name not in os.environ}
    os.environ.update(applied)
    return applied


def create_local_env_file(*, target: Path, template: Path) -> bool:
    """`make run` on a fresh checkout: copy .env.example to .env with a generated SECRET_KEY.

    Never overwrites an existing file (False then). The template is a working local setup
    (DEBUG=1); the key makes sessions survive a change of STUDYSMART_DATA_DIR."""
    if target.exists():
        return False
    key = secrets.token_urlsafe(50)
    text = re.sub(
        r"^SECRET_KEY=.*$",
        f"SECRET_KEY={key}   # generated for this checkout by `make run`",
        template.read_text(encoding="utf-8"),
        count=1,
        flags=re.M,
    )
    target.write_text(text, encoding="utf-8")
    target.chmod(0o600)
    return True


if __name__ == "__main__":  # python -m studysmart.envfile (the Makefile's .env target)
    if create_local_env_file(target=BASE_DIR / ".env", template=BASE_DIR / ".env.example"):
        print("Wrote .env for a local run (DEBUG=1, a generated SECRET_KEY) from .env.example.")
    sys.exit(0)
