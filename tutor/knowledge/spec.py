"""The shape of one tutor knowledge-base entry.

Entries are plain, frozen data so that the seeding service, the offline chat model and the tests can
share them without Django. Text fields are written in the topic modules as indented triple-quoted
strings; ``ConceptSpec`` reflows them into clean Markdown (paragraphs joined into single lines,
blank lines kept, list items kept on their own lines), so what the tutor streams reads well.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields

# Topic slug -> display name. The slugs match the practice-task topics of SPEC §3 plus quantum.
TOPICS: dict[str, str] = {
    "calculus": "Calculus",
    "kinematics": "Kinematics",
    "dynamics": "Dynamics",
    "energy-momentum": "Energy & Momentum",
    "waves": "Waves",
    "thermodynamics": "Thermodynamics",
    "electromagnetism": "Electricity & Magnetism",
    "optics": "Optics",
    "modern-physics": "Modern Physics",
    "quantum-physics": "Quantum Physics",
}

_TEXT_FIELDS = ("explanation", "example", "simpler", "alternative")
_LIST_ITEM = re.compile(r"^(?:[-*] |\d+\. )")


def reflow(text: str) -> str:
    """Join wrapped source lines into Markdown paragraphs; idempotent on clean text."""
    paragraphs: list[str] = []
    for block in re.split(r"\n\s*\n", text.strip()):
        lines: list[str] = []
        for raw in block.splitlines():
            line = raw.strip()
            if not line:
                continue
            if lines and not _LIST_ITEM.match(line):
                lines[-1] = f"{lines[-1]} {line}"
            else:
                lines.append(line)
        paragraphs.append("\n".join(lines))
    return "\n\n".join(paragraphs)


@dataclass(frozen=True)
class ConceptSpec:
    slug: str  # stable identifier, e.g. "quantum-coherence"
    title: str  # "Quantum coherence"
    topic: str  # a key of TOPICS
    keywords: tuple[str, ...]  # 3-8 terms and synonyms students use
    explanation: str  # 80-180 words: the core idea and key formula(s), Markdown + LaTeX
    example: str  # 60-150 words: a concrete worked or real-world example
    simpler: str  # 40-100 words: for a 14-year-old, an everyday analogy, minimal math
    alternative: str  # 60-150 words: a genuinely different angle on the same idea

    def __post_init__(self) -> None:
        if self.topic not in TOPICS:
            raise ValueError(f"{self.slug}: unknown topic {self.topic!r}")
        for field in fields(self):
            if field.name in _TEXT_FIELDS:
                # Frozen dataclass: normalise once, at construction.
                object.__setattr__(self, field.name, reflow(getattr(self, field.name)))
