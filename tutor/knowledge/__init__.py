"""The tutor's physics knowledge base: concept entries as plain data, one module per topic.

``seed_demo`` copies these entries into the database, where admins edit them; the offline tutor
model and the tests read them from here.
"""

from __future__ import annotations

from tutor.knowledge import (
    calculus,
    dynamics,
    electromagnetism,
    energy_momentum,
    kinematics,
    modern_physics,
    optics,
    quantum_physics,
    thermodynamics,
    waves,
)
from tutor.knowledge.spec import TOPICS, ConceptSpec

CONCEPTS: tuple[ConceptSpec, ...] = (
    *calculus.CONCEPTS,
    *kinematics.CONCEPTS,
    *dynamics.CONCEPTS,
    *energy_momentum.CONCEPTS,
    *waves.CONCEPTS,
    *thermodynamics.CONCEPTS,
    *electromagnetism.CONCEPTS,
    *optics.CONCEPTS,
    *modern_physics.CONCEPTS,
    *quantum_physics.CONCEPTS,
)

_BY_SLUG: dict[str, ConceptSpec] = {spec.slug: spec for spec in CONCEPTS}


def concept(slug: str) -> ConceptSpec:
    """Return the entry with this slug; ``KeyError`` if there is none."""
    return _BY_SLUG[slug]


__all__ = ["CONCEPTS", "TOPICS", "ConceptSpec", "concept"]
