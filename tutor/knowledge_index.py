"""The knowledge base's embeddings and the per-process retrieval index over it."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from tutor.models import KnowledgeEntry

if TYPE_CHECKING:
    from langchain_core.embeddings import Embeddings

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


@dataclass(frozen=True)
class Fit:
    """The configured embedder as it stands for one state of the knowledge base.

    The offline embedder's vocabulary and IDF are fitted on the rows' embedding texts, so a
    word a teacher adds in the admin is known to it (spelling correction snaps to it, its IDF
    is the corpus's). Its ``name`` — what a vector it computes records as its embedder — carries
    the tag of that corpus: a vector from another fit does not match and is recomputed, and a
    process that reloads the rows refits on them and arrives at the same name and vectors.
    Other embedders need no fit; their name is the spec's.
    """

    spec: EmbedderSpec
    name: str
    corpus: tuple[str, ...] = ()

    def embeddings(self) -> Embeddings:
        from tutor.retrieval import build_embeddings

        return build_embeddings(
            self.spec, api_key=settings.GOOGLE_API_KEY or None, corpus=self.corpus
        )


def current_fit(entries: Sequence[KnowledgeEntry] | None = None) -> Fit:
    """The configured embedder's fit on ``entries`` (default: every row, one query).

    Cheap: the name is a hash of the texts; the fit itself (~0.15 s for 80 entries) happens
    on the first ``Fit.embeddings()`` and is kept per process and corpus.
    """
    from tutor.retrieval import OFFLINE_SPEC, corpus_tag

    spec = embedder_spec()
    if spec.name != OFFLINE_SPEC.name:
        return Fit(spec=spec, name=spec.name)
    rows = KnowledgeEntry.objects.all() if entries is None else entries
    corpus = tuple(e.to_passage(embedder="").embedding_text() for e in rows)
    return Fit(spec=spec, name=f"{spec.name}@{corpus_tag(corpus)}", corpus=corpus)


def is_stale(entry: KnowledgeEntry, fit: Fit) -> bool:
    """Whether ``entry``'s vector is missing, from another fit, or older than its text."""
    return (
        entry.embedder != fit.name
        or not entry.embedding
        or (entry.embedded_at is not None and entry.embedded_at < entry.updated_at)
    )


def embed_entries(*, entries: Sequence[KnowledgeEntry], fit: Fit | None = None) -> int:
    """Compute and store the vectors of ``entries`` with ``fit`` (default: the current one).

    Saved with ``bulk_update`` so ``updated_at`` keeps meaning "edited"; ``embedded_at`` moves,
    which tells every process's index cache to reload.
    """
    if not entries:
        return 0
    fit = fit or current_fit()
    texts = [e.to_passage(embedder="").embedding_text() for e in entries]
    vectors = _embed_documents(fit, texts)
    now = timezone.now()
    for entry, vector in zip(entries, vectors, strict=True):
        # Six decimals is float32 precision: the JSON stays a third of its full-repr size.
        entry.embedding = [round(float(x), 6) for x in vector]
        entry.embedder = fit.name
        entry.embedding_dimensions = len(vector)
        entry.embedded_at = now
    KnowledgeEntry.objects.bulk_update(
        entries, ["embedding", "embedder", "embedding_dimensions", "embedded_at"]
    )
    recheck_knowledge_index()
    return len(entries)


def refresh_embeddings() -> int:
    """Fit the embedder on the current rows and embed every entry whose vector is stale.

    After an entry's text changes (or one is added or deleted) the offline fit changes, so
    every entry is re-embedded: ~0.4 s for 80 entries (the fit and 80 vectors). Returns how
    many vectors were computed.
    """
    entries = list(KnowledgeEntry.objects.all())
    fit = current_fit(entries)
    return embed_entries(entries=[e for e in entries if is_stale(e, fit)], fit=fit)


def refresh_embeddings_on_commit() -> None:
    """After an edit in the admin: refresh the embeddings once the edit commits.

    It runs in the request's thread after the commit, so no transaction waits on the fit and
    no event loop runs it. A failure (Gemini embeddings offline, say) is logged; the index
    loader recomputes whatever is still stale on its next load.
    """
    recheck_knowledge_index()

    def refresh() -> None:
        try:
            refresh_embeddings()
            # This process's index too, here: else the next question rebuilds it (the fit,
            # BM25 and the vocabulary: ~0.2 s of CPU) while its student waits.
            knowledge_index()
        except Exception:
            logger.warning("refreshing knowledge embeddings failed; will retry on load")

    transaction.on_commit(refresh)


# Offline vectors are a pure function of the fit and the text: remembered per process, so
# re-seeding (and every test that seeds) skips the ~3 ms per entry. Bounded by the size of a
# knowledge base.
_OFFLINE_VECTORS: dict[tuple[str, str], list[float]] = {}
_OFFLINE_VECTORS_MAX = 2000


def _embed_documents(fit: Fit, texts: list[str]) -> list[list[float]]:
    from tutor.retrieval import OFFLINE_SPEC

    embeddings = fit.embeddings()
    if fit.spec.name != OFFLINE_SPEC.name:
        return embeddings.embed_documents(texts)
    todo = [t for t in dict.fromkeys(texts) if (fit.name, t) not in _OFFLINE_VECTORS]
    if len(_OFFLINE_VECTORS) + len(todo) > _OFFLINE_VECTORS_MAX:
        _OFFLINE_VECTORS.clear()
    for text, vector in zip(todo, embeddings.embed_documents(todo), strict=True):
        _OFFLINE_VECTORS[(fit.name, text)] = [round(float(x), 6) for x in vector]
    return [_OFFLINE_VECTORS[(fit.name, t)] for t in texts]


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
    entry resets the clock). The offline embedder is refitted on the rows (``current_fit``);
    entries with no vector from that fit (a new or edited entry, a changed embedder, a failed
    embed, an edit another process has not finished re-embedding) are embedded first.
    """
    from tutor.intents import use_knowledge, warm_knowledge
    from tutor.retrieval import KnowledgeIndex

    if _INDEX.index is not None and time.monotonic() - _INDEX.checked_at < INDEX_CHECK_SECONDS:
        return _INDEX.index
    spec = embedder_spec()
    checked_at = time.monotonic()
    key = (spec.name, *KnowledgeEntry.objects.fingerprint())
    if _INDEX.index is not None and _INDEX.key == key:
        _INDEX.checked_at = checked_at
        return _INDEX.index
    with _INDEX.lock:
        if _INDEX.index is not None and _INDEX.key == key:
            _INDEX.checked_at = checked_at
            return _INDEX.index
        entries = list(KnowledgeEntry.objects.all())
        # The embedder is refitted on the rows as they are now: the same fit every process
        # arrives at, and the one the stored vectors must come from.
        fit = current_fit(entries)
        stale = [e for e in entries if is_stale(e, fit)]
        if stale:
            embed_entries(entries=stale, fit=fit)
            key = (spec.name, *KnowledgeEntry.objects.fingerprint())
        passages = [e.to_passage(embedder=fit.name) for e in entries]
        index = KnowledgeIndex(passages, fit.embeddings(), spec)
        # The intent vocabulary follows the same rows (a note's title and keywords).
        use_knowledge((p.title, p.keywords) for p in passages)
        # Built here, in the database thread that loads the rows, not lazily by the first
        # search or classification on the event loop (a stall of every socket and page).
        index.lexical  # noqa: B018
        warm_knowledge()
        _INDEX.key, _INDEX.index, _INDEX.checked_at = key, index, checked_at
        logger.info("tutor knowledge index loaded: %d entries, embedder=%s", len(index), fit.name)
        return index


def forget_knowledge_index() -> None:
    """Drop this process's index (tests; the next reply reloads it). Fits and offline vectors,
    pure functions of the rows' texts, stay remembered: see ``forget_fits``."""
    from tutor.intents import forget_knowledge

    forget_knowledge()
    _INDEX.key = _INDEX.index = None
    _INDEX.checked_at = float("-inf")


def forget_fits() -> None:
    """Drop this process's embedder fits and offline vectors as well (tests: a fresh process)."""
    from tutor.retrieval import forget_offline_fits

    forget_knowledge_index()
    forget_offline_fits()
    _OFFLINE_VECTORS.clear()


def recheck_knowledge_index() -> None:
    """Make the next turn check the knowledge base for changes (called after an edit)."""
    _INDEX.checked_at = float("-inf")
