"""The demo knowledge base: seeded from ``tutor.knowledge``, keeping an admin's edits."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from django.db import transaction

from tutor.knowledge_index import (
    embed_entries,
    embedder_name,
    embedder_spec,
    recheck_knowledge_index,
)
from tutor.models import KnowledgeEntry, content_hash

if TYPE_CHECKING:
    from tutor.knowledge.spec import ConceptSpec

logger = logging.getLogger(__name__)


def seed_demo() -> str:
    """Upsert the knowledge base from ``tutor.knowledge`` and compute missing embeddings.

    Idempotent and fast on a re-run (no writes when nothing changed). An entry an admin has
    edited since it was seeded keeps the admin's text.
    """
    from tutor.knowledge import CONCEPTS

    existing = {e.slug: e for e in KnowledgeEntry.objects.all()}
    new: list[KnowledgeEntry] = []
    updated: list[KnowledgeEntry] = []
    for spec in CONCEPTS:
        values = _entry_values(spec)
        shipped = content_hash(*values.values())
        entry = existing.get(spec.slug)
        if entry is None:
            new.append(KnowledgeEntry(slug=spec.slug, seeded_hash=shipped, **values))
        elif entry.seeded_hash != shipped and entry.content_hash() in (entry.seeded_hash, ""):
            for attr, value in values.items():
                setattr(entry, attr, value)
            entry.seeded_hash = shipped
            updated.append(entry)
    with transaction.atomic():
        KnowledgeEntry.objects.bulk_create(new)
        for entry in updated:
            entry.save()
    recheck_knowledge_index()
    spec = embedder_spec()
    name = embedder_name(spec)
    stale = [
        e
        for e in KnowledgeEntry.objects.all()
        if e.embedder != name or not e.embedding or e.slug in {u.slug for u in updated}
    ]
    try:
        embedded = embed_entries(entries=stale)
    except Exception:
        # Gemini embeddings unreachable at seed time: the first reply embeds them instead.
        logger.warning("tutor: embeddings not computed at seed time; they will be on first use")
        embedded = 0
    return (
        f"tutor: {len(CONCEPTS)} knowledge entries ({len(new)} new, {len(updated)} updated, "
        f"{embedded} embedded with {name})"
    )


def _entry_values(spec: ConceptSpec) -> dict[str, Any]:
    return {
        "title": spec.title,
        "topic": spec.topic,
        "keywords": list(spec.keywords),
        "explanation": spec.explanation,
        "example": spec.example,
        "simpler": spec.simpler,
        "alternative": spec.alternative,
    }
