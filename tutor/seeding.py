"""The knowledge base loaded from content/knowledge (keeping teachers' edits), then embedded."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import TYPE_CHECKING

from tutor.content import seed_knowledge, shipped_concepts
from tutor.knowledge_index import current_fit, recheck_knowledge_index, refresh_embeddings

if TYPE_CHECKING:
    from tutor.content import ConceptSpec

logger = logging.getLogger(__name__)


def seed_demo(*, concepts: Iterable[ConceptSpec] | None = None, force: bool = False) -> str:
    """Load the notes (default: as the content files ship them) into KnowledgeEntry rows, fit
    the embedder on the rows and compute every vector that fit lacks.

    Idempotent and fast on a re-run (no writes when nothing changed). An entry changed in the
    admin since it was seeded keeps the teacher's text and is named, unless ``force``.
    """
    if concepts is None:
        concepts = shipped_concepts()
    report = seed_knowledge(concepts=concepts, force=force)
    recheck_knowledge_index()
    try:
        # New and updated rows change the offline fit: every vector from another fit is redone.
        embedded = refresh_embeddings()
    except Exception:
        # Gemini embeddings unreachable at seed time: the first reply embeds them instead.
        logger.warning("tutor: embeddings not computed at seed time; they will be on first use")
        embedded = 0
    name = current_fit().name
    summary = report.summary().removesuffix(")") + f", {embedded} embedded with {name})"
    lines = [f"tutor: {summary}"]
    if kept := report.kept_line():
        lines.append(f"tutor: {kept}")
    return "\n".join(lines)
