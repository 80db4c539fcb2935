"""The shipped facets (content/knowledge-facets): complete, linked, every calculation computes."""

from __future__ import annotations

import ast
import math
import operator
import re
from collections.abc import Callable
from typing import Any

import pytest

from tutor.facet_content import load_facets, worked_checks
from tutor.knowledge import CONCEPTS
from tutor.task_help import numbers_in

FACETS = load_facets()
SLUGS = {c.slug for c in CONCEPTS}

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
    assert set(FACETS) == SLUGS
    for slug, facets in FACETS.items():
        assert facets["definition"] and facets["why"], slug
        assert facets["applications"] and facets["misconceptions"], slug


def test_every_formula_symbol_has_a_meaning_and_a_unit_and_is_in_the_formula() -> None:
    with_formula = {s: f["formula"] for s, f in FACETS.items() if f["formula"]}
    assert len(with_formula) >= 70
    for slug, formula in with_formula.items():
        assert formula["symbols"], slug
        for symbol in formula["symbols"]:
            assert symbol["meaning"].strip() and symbol["unit"].strip(), (slug, symbol)
            assert symbol["symbol"] in formula["expression"], (slug, symbol["symbol"])


@pytest.mark.parametrize("check", worked_checks(), ids=lambda c: c.slug)
def test_every_worked_calculation_computes(check: Any) -> None:
    value = evaluate(check.compute)
    assert value == pytest.approx(check.result, rel=5e-3), check.compute
    # ...and the text states that result.
    stated = numbers_in(check.text)
    assert any(math.isclose(n, value, rel_tol=0.02) for n in stated), (check.text, value)


def test_links_name_existing_concepts_and_never_themselves() -> None:
    for slug, facets in FACETS.items():
        for linked in (*facets["prerequisites"], *facets["see_also"]):
            assert linked in SLUGS and linked != slug, (slug, linked)


def test_definitions_are_one_sentence() -> None:
    for slug, facets in FACETS.items():
        assert len(re.findall(r"[.!?](?:\s|$)", facets["definition"])) == 1, slug
