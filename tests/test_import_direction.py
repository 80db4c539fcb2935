"""The apps import one way: a module that imports "upward" or back into a circle fails here.

Read from the source (every ``import``, including those inside functions), so a lazy import
that hides a circle from Python at start-up is caught too.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# (modules, the imports they must not make, why)
RULES = [
    ("tasks", ("tutor",), "the practice app does not depend on the tutor"),
    ("mlmodels", ("tutor",), "the student models do not depend on the tutor"),
    # Apps take shared pieces from small project modules (studysmart.outages), not middleware.
    ("tasks", ("studysmart.middleware",), "middleware is an interface, not a library"),
    ("mlmodels", ("studysmart.middleware",), "middleware is an interface, not a library"),
    ("tutor", ("studysmart.middleware",), "middleware is an interface, not a library"),
    # Classes build on the practice tasks, the models and the tutor, never the reverse (the
    # admins narrow rows to a teacher's classes through studysmart.admin_scoping).
    ("tasks", ("classes",), "the practice app does not depend on classes"),
    ("mlmodels", ("classes",), "the student models do not depend on classes"),
    ("tutor", ("classes",), "the tutor does not depend on classes"),
    ("tutor/prompts.py", ("tutor.llm", "tutor.offline_model"), "the prompt contract is a leaf"),
    ("tutor/offline_model.py", ("tutor.llm",), "llm builds the offline model, not the reverse"),
]


def imports_of(path: Path) -> set[str]:
    """Every module ``path`` imports, anywhere in the file."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def sources(target: str) -> list[Path]:
    path = ROOT / target
    return [path] if path.suffix == ".py" else sorted(path.rglob("*.py"))


@pytest.mark.parametrize(("target", "forbidden", "why"), RULES)
def test_it_keeps_imports_one_way(target: str, forbidden: tuple[str, ...], why: str) -> None:
    wrong = sorted(
        f"{path.relative_to(ROOT)} imports {name}"
        for path in sources(target)
        for name in imports_of(path)
        if any(name == f or name.startswith(f + ".") for f in forbidden)
    )
    assert not wrong, f"{why}: {wrong}"


def test_it_reads_imports_inside_functions(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from tutor.llm import build_chat_model\n")
    assert "tutor.llm" in imports_of(module)
