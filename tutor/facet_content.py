"""The knowledge base's facets as shipped: ``content/knowledge-facets/<topic>.yaml``.

Each file maps a concept slug to its facets (docs/tutor.md): ``definition``, ``why``,
``formula`` (``expression`` and ``symbols``, each with ``symbol``, ``meaning`` and ``unit``),
``worked`` (``text`` and a ``check``: an arithmetic ``compute`` expression and its ``result``,
which a test evaluates), ``applications``, ``misconceptions``, ``prerequisites`` and
``see_also`` (slugs). Validated before anything is written; seeding copies them into the
``KnowledgeEntry`` rows, which are what runs and what the admin edits.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

FACETS_DIR = Path(__file__).resolve().parents[1] / "content" / "knowledge-facets"
KEYS = frozenset(
    {
        "definition",
        "why",
        "formula",
        "worked",
        "applications",
        "misconceptions",
        "prerequisites",
        "see_also",
    }
)


class FacetContentError(ValueError):
    """A facets file that does not follow the schema (file and slug named in the message)."""


@dataclass(frozen=True)
class WorkedCheck:
    slug: str
    text: str
    compute: str
    result: float


def _raw(root: Path) -> dict[str, dict[str, Any]]:
    import yaml

    out: dict[str, dict[str, Any]] = {}
    for path in sorted(root.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        if not isinstance(data, dict):
            raise FacetContentError(f"{path.name}: expected a mapping of slug -> facets")
        for slug, facets in data.items():
            if not isinstance(facets, dict):
                raise FacetContentError(f"{path.name}: {slug}: expected a mapping of facets")
            unknown = set(facets) - KEYS
            if unknown:
                raise FacetContentError(f"{path.name}: {slug}: unknown keys {sorted(unknown)}")
            if slug in out:
                raise FacetContentError(f"{path.name}: {slug} appears twice")
            out[str(slug)] = facets
    return out


def load_facets(root: Path = FACETS_DIR) -> dict[str, dict[str, Any]]:
    """Slug -> the facet values of a ``KnowledgeEntry`` (model field names)."""
    values: dict[str, dict[str, Any]] = {}
    for slug, facets in _raw(root).items():
        formula = facets.get("formula") or {}
        for symbol in formula.get("symbols") or ():
            if not all(str(symbol.get(k, "")).strip() for k in ("symbol", "meaning", "unit")):
                raise FacetContentError(f"{slug}: formula symbol without meaning or unit")
        worked = facets.get("worked") or {}
        values[slug] = {
            "definition": str(facets.get("definition", "")).strip(),
            "why": str(facets.get("why", "")).strip(),
            "formula": (
                {
                    "expression": str(formula.get("expression", "")),
                    "symbols": [
                        {k: str(s[k]) for k in ("symbol", "meaning", "unit")}
                        for s in formula.get("symbols") or ()
                    ],
                }
                if formula
                else {}
            ),
            "worked": str(worked.get("text", "") if isinstance(worked, dict) else worked).strip(),
            "applications": [str(a) for a in facets.get("applications") or ()],
            "misconceptions": [str(m) for m in facets.get("misconceptions") or ()],
            "prerequisites": [str(p) for p in facets.get("prerequisites") or ()],
            "see_also": [str(p) for p in facets.get("see_also") or ()],
        }
    return values


def worked_checks(root: Path = FACETS_DIR) -> list[WorkedCheck]:
    """Every worked calculation with the arithmetic that checks it."""
    checks = []
    for slug, facets in _raw(root).items():
        worked = facets.get("worked")
        if isinstance(worked, dict) and worked.get("check"):
            check = worked["check"]
            text, compute = str(worked["text"]), str(check["compute"])
            checks.append(WorkedCheck(slug, text, compute, float(check["result"])))
    return checks
