"""The knowledge base's embeddings and the per-process retrieval index over it."""

from __future__ import annotations

import logging
import threading
import time
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.utils import timezone

from tutor.models import KnowledgeEntry

if TYPE_CHECKING:
    from tutor.retrieval import EmbedderSpec, KnowledgeIndex

logger = logging.getLogger(__name__)

# How often a turn checks whether the knowledge base changed in another process (an edit in
# this process is seen at once).
INDEX_CHECK_SECONDS = 5.0


def embedder_spec() -> EmbedderSpec:
    """The embedder configured by ``TUTOR_EMBEDDINGS`` with its calibrated threshold."""
    from tutor.retrieval import GEMINI_SPEC, OFFLINE_SPEC, EmbedderSpec

    name = settings.TUTOR_EMBEDDINGS
    if name in ("offline", OFFLINE_SPEC.name):
        return OFFLINE_SPEC
    if name == GEMINI_SPEC.name:
        return GEMINI_SPEC
    # Another LangChain provider: uncalibrated, so Gemini's calibrated threshold is the start point.
    return EmbedderSpec(name=name, dimensions=0, threshold=GEMINI_SPEC.threshold)


@lru_cache(maxsize=1)
def _offline_corpus_tag() -> str:
    from tutor.content import shipped_concepts
    from tutor.retrieval import passage_from_concept

    text = "\n".join(passage_from_concept(c).embedding_text() for c in shipped_concepts())
    return f"{zlib.crc32(text.encode()):08x}"


def embedder_name(spec: EmbedderSpec) -> str:
    """What a stored vector records as its embedder; a mismatch means "recompute".

    The offline embedder's IDF and vocabulary are fitted on the knowledge base as the content
    files ship it (``tutor.content.shipped_concepts``) — a fixed reference corpus, like a
    pretrained model's vocabulary — so editing one entry leaves every other vector valid and
    only that entry is re-embedded (~7 ms). A release that ships
    a different corpus changes the fit, and this tag, and so recomputes every vector once.
    Refitting on the live corpus instead would cost ~0.8 s per admin save and a refit per
    process reload, for a vocabulary gain only on words the admin added.
    """
    from tutor.retrieval import OFFLINE_SPEC

    if spec.name == OFFLINE_SPEC.name:
        return f"{spec.name}@{_offline_corpus_tag()}"
    return spec.name


def _embeddings_for(spec: EmbedderSpec) -> Any:
    from tutor.retrieval import build_embeddings

    return build_embeddings(spec, api_key=settings.GOOGLE_API_KEY or None)


def embed_entries(*, entries: Sequence[KnowledgeEntry]) -> int:
    """Compute and store the vectors of ``entries`` with the configured embedder.

    Saved with ``bulk_update`` so ``updated_at`` keeps meaning "edited"; ``embedded_at`` moves,
    which tells every process's index cache to reload.
    """
    if not entries:
        return 0
    spec = embedder_spec()
    name = embedder_name(spec)
    texts = [e.to_passage(embedder="").embedding_text() for e in entries]
    vectors = _embed_documents(spec, name, texts)
    now = timezone.now()
    for entry, vector in zip(entries, vectors, strict=True):
        # Six decimals is float32 precision: the JSON stays a third of its full-repr size.
        entry.embedding = [round(float(x), 6) for x in vector]
        entry.embedder = name
        entry.embedding_dimensions = len(vector)
        entry.embedded_at = now
    KnowledgeEntry.objects.bulk_update(
        entries, ["embedding", "embedder", "embedding_dimensions", "embedded_at"]
    )
    recheck_knowledge_index()
    return len(entries)


# Offline vectors are a pure function of the text: remembered per process, so re-seeding (and
# every test that seeds) skips the ~7 ms per entry. Bounded by the size of a knowledge base.
_OFFLINE_VECTORS: dict[tuple[str, str], list[float]] = {}
_OFFLINE_VECTORS_MAX = 2000


def _embed_documents(spec: EmbedderSpec, name: str, texts: list[str]) -> list[list[float]]:
    from tutor.retrieval import OFFLINE_SPEC

    embeddings = _embeddings_for(spec)
    if spec.name != OFFLINE_SPEC.name:
        return embeddings.embed_documents(texts)
    todo = [t for t in dict.fromkeys(texts) if (name, t) not in _OFFLINE_VECTORS]
    if len(_OFFLINE_VECTORS) + len(todo) > _OFFLINE_VECTORS_MAX:
        _OFFLINE_VECTORS.clear()
    for text, vector in zip(todo, embeddings.embed_documents(todo), strict=True):
        _OFFLINE_VECTORS[(name, text)] = [round(float(x), 6) for x in vector]
    return [_OFFLINE_VECTORS[(name, t)] for t in texts]


def embed_entry(*, entry: KnowledgeEntry) -> None:
    """Recompute one entry's vector after an edit (called by the admin after saving it).

    A provider failure (Gemini embeddings offline, say) leaves the old vector marked with the
    time of the edit; the index loader recomputes any vector older than its entry's text.
    """
    recheck_knowledge_index()
    try:
        embed_entries(entries=[entry])
    except Exception:
        logger.warning("embedding knowledge entry %s failed; will retry on load", entry.slug)


@dataclass
class _IndexCache:
    key: tuple[Any, ...] | None = None
    index: KnowledgeIndex | None = None
    checked_at: float = float("-inf")  # time.monotonic() of the last fingerprint query
    lock: threading.Lock = field(default_factory=threading.Lock)


_INDEX = _IndexCache()


def knowledge_index() -> KnowledgeIndex:
    """The retrieval index over the knowledge base, built once per process.

    One aggregate query decides whether an entry changed since it was built (in this or any
    other process); only then are the entries reloaded. The query runs at most every
    ``INDEX_CHECK_SECONDS`` (an edit made through this process is seen at once: embedding an
    entry resets the clock). Entries with no vector from the configured embedder (a new entry,
    a changed embedder, a failed embed) are embedded first.
    """
    from tutor.intents import use_knowledge
    from tutor.retrieval import KnowledgeIndex

    if _INDEX.index is not None and time.monotonic() - _INDEX.checked_at < INDEX_CHECK_SECONDS:
        return _INDEX.index
    spec = embedder_spec()
    name = embedder_name(spec)
    checked_at = time.monotonic()
    key = (name, *KnowledgeEntry.objects.fingerprint())
    if _INDEX.index is not None and _INDEX.key == key:
        _INDEX.checked_at = checked_at
        return _INDEX.index
    with _INDEX.lock:
        if _INDEX.index is not None and _INDEX.key == key:
            _INDEX.checked_at = checked_at
            return _INDEX.index
        entries = list(KnowledgeEntry.objects.all())
        stale = [
            e
            for e in entries
            if e.embedder != name
            or not e.embedding
            or (e.embedded_at is not None and e.embedded_at < e.updated_at)
        ]
        if stale:
            embed_entries(entries=stale)
            key = (name, *KnowledgeEntry.objects.fingerprint())
        passages = [e.to_passage(embedder=name) for e in entries]
        index = KnowledgeIndex(passages, _embeddings_for(spec), spec)
        # The intent vocabulary follows the same rows (a note's title and keywords).
        use_knowledge((p.title, p.keywords) for p in passages)
        _INDEX.key, _INDEX.index, _INDEX.checked_at = key, index, checked_at
        logger.info("tutor knowledge index loaded: %d entries, embedder=%s", len(index), name)
        return index


def forget_knowledge_index() -> None:
    """Drop this process's index (tests; the next reply reloads it)."""
    from tutor.intents import forget_knowledge

    forget_knowledge()
    _INDEX.key = _INDEX.index = None
    _INDEX.checked_at = float("-inf")


def recheck_knowledge_index() -> None:
    """Make the next turn check the knowledge base for changes (called after an edit)."""
    _INDEX.checked_at = float("-inf")
