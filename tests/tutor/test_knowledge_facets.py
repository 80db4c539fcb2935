"""The shipped facets (content/knowledge): complete, linked, and every calculation computes."""

from __future__ import annotations

import ast
import json
import math
import operator
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tutor.content import shipped_concepts
from tutor.task_help import numbers_in

FACETS = {c.slug: c.facets for c in shipped_concepts()}
SLUGS = set(FACETS)
# The arithmetic behind each worked calculation, checked against the text the notes ship.
CHECKS = json.loads((Path(__file__).parent / "worked_checks.json").read_text(encoding="utf-8"))

_OPS: dict[type, Callable[..., Any]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.Pow: operator.pow,
    ast.USub: operator.neg,
}
_NAMES = {name: getattr(math, name) for name in ("sqrt", "sin", "cos", "asin", "exp", "log10")}


def evaluate(expression: str) -> float:
    """Plain arithmetic only: numbers, + - * / **, pi and a few math functions."""

    def walk(node: ast.AST) -> Any:
        if isinstance(node, ast.Expression):
            return walk(node.body)
        if isinstance(node, ast.Constant) and isinstance(node.value, int | float):
            return node.value
        if isinstance(node, ast.BinOp):
            return _OPS[type(node.op)](walk(node.left), walk(node.right))
        if isinstance(node, ast.UnaryOp):
            return _OPS[type(node.op)](walk(node.operand))
        if isinstance(node, ast.Name) and node.id == "pi":
            return math.pi
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            return _NAMES[node.func.id](*(walk(a) for a in node.args))
        raise ValueError(f"not plain arithmetic: {ast.dump(node)}")

    return float(walk(ast.parse(expression, mode="eval")))


def test_every_concept_has_its_facets() -> None:
    assert len(FACETS) >= 77
    for slug, facets in FACETS.items():
        assert facets.get("definition") and facets.get("why"), slug
        assert facets.get("applications") and facets.get("misconceptions"), slug


def test_every_formula_symbol_has_a_meaning_and_a_unit_and_is_in_the_formula() -> None:
    with_formula = {s: f["formula"] for s, f in FACETS.items() if f.get("formula")}
    assert len(with_formula) >= 70
    for slug, formula in with_formula.items():
        assert formula["symbols"], slug
        for symbol in formula["symbols"]:
            assert symbol["meaning"].strip() and symbol.get("unit", "").strip(), (slug, symbol)
            assert symbol["symbol"] in formula["latex"], (slug, symbol["symbol"])


def test_every_worked_calculation_has_its_check() -> None:
    worked = {s for s, f in FACETS.items() if f.get("worked_calculation")}
    assert len(worked) >= 70 and worked == set(CHECKS)


@pytest.mark.parametrize("slug", sorted(CHECKS))
def test_every_worked_calculation_computes(slug: str) -> None:
    check = CHECKS[slug]
    value = evaluate(check["compute"])
    assert value == pytest.approx(check["result"], rel=5e-3), check["compute"]
    # ...and the notes state that result.
    text = FACETS[slug]["worked_calculation"]
    assert any(math.isclose(n, value, rel_tol=0.02) for n in numbers_in(text)), (text, value)


def test_links_name_existing_concepts_and_never_themselves() -> None:
    for slug, facets in FACETS.items():
        for linked in (*facets.get("prerequisites", ()), *facets.get("see_also", ())):
            assert linked in SLUGS and linked != slug, (slug, linked)


def test_definitions_are_one_sentence() -> None:
    for slug, facets in FACETS.items():
        assert len(re.findall(r"[.!?](?:\s|$)", facets["definition"])) == 1, slug
