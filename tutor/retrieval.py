"""Knowledge-base retrieval for the tutor: embeddings, passages and a small cosine index.

Two embedders, each travelling with its own calibrated threshold (``EmbedderSpec``):

- ``OfflineEmbeddings`` — hashed TF-IDF over words, word bigrams and character n-grams, with the
  IDF and vocabulary fitted on the knowledge base it searches (``fitted_offline_embeddings``:
  the rows at run time, the content files where there is no database). No network, no torch,
  ~0.1 ms per query.
  Character n-grams make it tolerant of typos ("quantm coherance"); stems and bigrams carry
  meaning. Vectors are L2-normalised so a dot product is the cosine.
- Gemini (``google_genai:gemini-embedding-001``) when an API key is set, threshold 0.5 (the value
measured for that embedder).

Vectors are plain ``list[float]`` so the caller can store them beside each entry and recompute
them when the entry (or the embedder name) changes. The module imports nothing from Django.
"""

from __future__ import annotations

import difflib
import hashlib
import itertools
import math
import re
import threading
import unicodedata
import zlib
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

import numpy as np
from langchain_core.embeddings import Embeddings

if TYPE_CHECKING:
    from tutor.content import ConceptSpec
    from tutor.lexical import LexicalIndex

# Fields of an entry the tutor can answer from, keyed by what the student asked for.
ANGLE_FIELDS = ("explanation", "example", "simpler", "alternative")


@dataclass(frozen=True)
class EmbedderSpec:
    """An embedder's identity, vector size and the similarity threshold calibrated for it.

    They travel together: a threshold means nothing for another embedder, and stored vectors are
    stale whenever ``name`` or ``dimensions`` differ from what they were computed with.
    """

    name: str
    dimensions: int
    threshold: float  # on a hit's confidence (``KnowledgeIndex.ranked``)
    # Confidence = cosine_weight * cosine + (1 - cosine_weight) * lexical coverage.
    cosine_weight: float = 1.0
    rrf_k: float = 5.0  # reciprocal rank fusion's k (a small corpus: a steep curve)
    alias_weight: float = 1.0  # weight of the "an alias is named in the question" ranking
    alias_confidence: float = 0.0  # added to the confidence of a passage the question names
    # Taken off the confidence of a passage the question names through a compound the notes
    # never use ("escape velocity" for the entry on velocity): ``LexicalIndex.unseen_compounds``.
    unseen_compound_weight: float = 0.0
    # The threshold for a word problem ("a stone is dropped… how deep is the well"): its
    # situation words (stone, well, water) are rarely the notes' words, so its confidence runs
    # lower than a concept question's. None: ``threshold``.
    problem_threshold: float | None = None

    def threshold_for(self, intent: str) -> float:
        if intent == "problem" and self.problem_threshold is not None:
            return self.problem_threshold
        return self.threshold


# The offline threshold and weights are calibrated on the calibration half of
# tests/tutor/labelled_messages.py (benchmarks/bench_tutor_quality.py::calibrate; a test checks).
OFFLINE_SPEC = EmbedderSpec(
    name="offline-hashed-tfidf-v1",
    dimensions=2048,
    threshold=0.32,
    cosine_weight=0.75,
    alias_confidence=0.15,
    unseen_compound_weight=0.2,
    problem_threshold=0.19,
)
GEMINI_SPEC = EmbedderSpec(name="google_genai:gemini-embedding-001", dimensions=3072, threshold=0.5)


# --------------------------------------------------------------------------------------------
# Text normalisation shared with intents.py


_WORD = re.compile(r"[a-z0-9]+")
STOPWORDS = frozenset(
    """a an the is are was were be been being am do does did doing have has had of to in on at by
    for with from as and or but if then so than that this these those it its it's i me my we our
    you your he she they them their what which who whom whose when where why how can could would
    should will shall may might must not no yes please tell explain describe define give show about
    into out up down over under again just also very really some any there here one ones mean
    means meaning definition whats what's hows pls plz u ur actually explained explanation
    difference between calculate find compute determine far long much many get got use used
    goes go going does""".split()
)


def normalise(text: str) -> str:
    """Lowercase, strip accents and LaTeX commands, keep letters, digits and spaces."""
    text = unicodedata.normalize("NFKD", text)
    # The accents NFKD split off, found among the text's distinct characters: a loop over
    # every character was most of the index's build (~0.6 M calls) and of a long message's.
    marks = {ord(ch): None for ch in set(text) if not ch.isascii() and unicodedata.combining(ch)}
    if marks:
        text = text.translate(marks)
    text = text.lower().replace("’", "'").replace("–", "-").replace("—", "-")
    # "\frac{h}{\lambda}" should not contribute "frac"; "\lambda" keeps its word.
    text = re.sub(r"\\(?:frac|mathrm|qquad|quad|left|right|cdot|text|mathbf|vec|sqrt)", " ", text)
    return text


def stem(word: str) -> str:
    """A deliberately crude suffix stripper: enough to join "waves"/"wave", "forces"/"force"."""
    for suffix, keep in (
        ("ations", 4),
        ("ation", 4),
        ("ities", 3),
        ("ness", 4),
        ("ings", 4),
        ("ing", 4),
        ("ies", 3),
        ("ers", 4),
        ("es", 4),
        ("ed", 4),
        ("ly", 4),
        ("al", 5),
        ("s", 3),
    ):
        if word.endswith(suffix) and len(word) - len(suffix) >= keep:
            word = word[: -len(suffix)]
            if suffix == "ies":
                word += "y"
            break
    # A final "e" goes too, so "force"/"forces" and "fibre"/"fibres" meet.
    if len(word) > 4 and word.endswith("e"):
        word = word[:-1]
    return word


def one_slip_apart(typed: str, word: str) -> bool:
    """Whether ``typed`` is ``word`` with one slip: a letter added, dropped or changed, or two
    neighbours swapped ("cohrence", "centripital", "acceleratoin"); apostrophes are ignored
    ("kirchoffs" for "kirchhoff's")."""
    a, b = typed.replace("'", ""), word.replace("'", "")
    if a == b:
        return True
    if abs(len(a) - len(b)) > 1:
        return False
    i = 0
    while i < min(len(a), len(b)) and a[i] == b[i]:
        i += 1
    if len(a) == len(b):
        return a[i + 1 :] == b[i + 1 :] or (
            a[i : i + 2] == b[i : i + 2][::-1] and a[i + 2 :] == b[i + 2 :]
        )
    longer, shorter = (a, b) if len(a) > len(b) else (b, a)
    return longer[i + 1 :] == shorter[i:]


def content_words(text: str) -> list[str]:
    """Stemmed words without stopwords, numbers or single letters.

    Numbers and variable letters ("30 m/s", "t = 2 s") say nothing about the topic and, in a
    problem statement, outnumber the words that do.
    """
    return [
        stem(w)
        for w in _WORD.findall(normalise(text))
        if w not in STOPWORDS and len(w) > 1 and not any(c.isdigit() for c in w)
    ]


# --------------------------------------------------------------------------------------------
# Offline embedder


def _bucket(feature: str, dimensions: int) -> tuple[int, float]:
    # crc32 is stable across processes (Python's hash() is salted per process), so vectors
    # stored in the database stay valid after a restart. The sign bit halves collision bias.
    h = zlib.crc32(feature.encode())
    return h % dimensions, (1.0 if (h >> 31) & 1 else -1.0)


def _features(text: str) -> tuple[Counter[str], Counter[str]]:
    """Word-level features (stems + bigrams) and character n-grams (3–4, inside words)."""
    words = content_words(text)
    word_feats: Counter[str] = Counter(f"w:{w}" for w in words)
    word_feats.update(f"b:{a}_{b}" for a, b in itertools.pairwise(words))
    char_feats: Counter[str] = Counter()
    for w in words:
        padded = f"<{w}>"
        for n in (3, 4):
            char_feats.update(f"c{n}:{padded[i : i + n]}" for i in range(len(padded) - n + 1))
    return word_feats, char_feats


class OfflineEmbeddings(Embeddings):
    """Hashed, sublinear TF-IDF embeddings: word stems + bigrams + char n-grams, L2-normalised.

    ``fit()`` learns document frequencies and the word vocabulary from a corpus (the knowledge
    base); features never seen get the highest IDF. The fitted state is small and
    deterministic, so every process fitted on the same corpus produces the same vectors.

    Documents written as ``head + "\n\n" + body`` (see ``Passage.embedding_text``) get their
    head (title, keywords) and body (explanation) embedded separately and mixed with
    ``head_weight``: a long explanation would otherwise drown the few words a student's
    question shares with the title. Query words missing from the vocabulary are snapped to the
    closest known word first ("cohrence" -> "coherence").
    """

    def __init__(
        self,
        *,
        dimensions: int = OFFLINE_SPEC.dimensions,
        word_weight: float = 0.4,
        head_weight: float = 0.4,
        spell_correct: bool = True,
        idf: dict[str, float] | None = None,
        default_idf: float = 1.0,
        vocabulary: Iterable[str] = (),
    ) -> None:
        self.dimensions = dimensions
        # Word features carry meaning; char n-grams rescue typos. Both blocks are normalised
        # separately and mixed so neither dominates by sheer feature count.
        self.word_weight = word_weight
        self.head_weight = head_weight
        self.spell_correct = spell_correct
        self.idf: dict[str, float] = dict(idf or {})
        self.default_idf = default_idf
        self._vocab_by_letter: dict[str, tuple[str, ...]] = {}
        self._vocab: frozenset[str] = frozenset()
        self._set_vocabulary(vocabulary)
        self.fitted_on = ""  # corpus_tag of the documents fit() learnt from

    def _set_vocabulary(self, words: Iterable[str]) -> None:
        self._vocab = frozenset(w for w in words if len(w) > 2)
        by_letter: dict[str, list[str]] = {}
        for w in sorted(self._vocab):
            by_letter.setdefault(w[0], []).append(w)
        self._vocab_by_letter = {k: tuple(v) for k, v in by_letter.items()}
        self._corrections: dict[str, str] = {}

    def fit(self, corpus: Iterable[str]) -> OfflineEmbeddings:
        """Learn document frequencies and the word vocabulary from ``corpus``.

        The result depends only on the set of documents (not their order), so ``corpus_tag``
        of the same documents names it in every process.
        """
        df: Counter[str] = Counter()
        vocab: set[str] = set()
        docs = list(corpus)
        for doc in docs:
            words, chars = _features(doc)
            df.update(set(words) | set(chars))
            vocab.update(f[2:] for f in words if f.startswith("w:"))
        n_docs = len(docs)
        self.idf = {f: math.log((1 + n_docs) / (1 + d)) + 1.0 for f, d in df.items()}
        self.default_idf = math.log(1 + n_docs) + 1.0
        self._set_vocabulary(vocab)
        self.fitted_on = corpus_tag(docs)
        return self

    @property
    def vocabulary(self) -> frozenset[str]:
        """The stemmed words of the fitted corpus (what query words are spell-corrected to)."""
        return self._vocab

    def correct(self, text: str) -> str:
        """``text`` with unknown words (5+ letters) replaced by the closest vocabulary word one
        slip away (``one_slip_apart``)."""
        if not self._vocab:
            return text
        out = []
        for word in content_words(text):
            if len(word) >= 5 and word not in self._vocab:
                if word not in self._corrections:
                    # Same first letter and similar length: a few dozen comparisons, not 3,000.
                    near = [
                        w
                        for w in self._vocab_by_letter.get(word[0], ())
                        if abs(len(w) - len(word)) <= 2
                    ]
                    close = difflib.get_close_matches(word, near, n=3, cutoff=0.8)
                    # A slip of the keyboard, not another word ("reactor" is not "reaction").
                    self._corrections[word] = next(
                        (c for c in close if one_slip_apart(word, c)), word
                    )
                word = self._corrections[word]
            out.append(word)
        return " ".join(out)

    def _block(self, feats: Counter[str]) -> np.ndarray:
        vec = np.zeros(self.dimensions, dtype=np.float64)
        for feat, tf in feats.items():
            idx, sign = _bucket(feat, self.dimensions)
            vec[idx] += sign * (1.0 + math.log(tf)) * self.idf.get(feat, self.default_idf)
        norm = np.linalg.norm(vec)
        return vec / norm if norm else vec

    def embed_vector(self, text: str) -> np.ndarray:
        words, chars = _features(text)
        vec = self.word_weight * self._block(words) + (1.0 - self.word_weight) * self._block(chars)
        norm = np.linalg.norm(vec)
        return vec / norm if norm else vec

    def embed_document_vector(self, text: str) -> np.ndarray:
        head, sep, body = text.partition("\n\n")
        if not sep or not body.strip():
            return self.embed_vector(text)
        vec = self.head_weight * self.embed_vector(head) + (
            1.0 - self.head_weight
        ) * self.embed_vector(body)
        norm = np.linalg.norm(vec)
        return vec / norm if norm else vec

    def embed_query_vector(self, text: str) -> np.ndarray:
        return self.embed_vector(self.correct(text) if self.spell_correct else text)

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return [self.embed_document_vector(t).tolist() for t in texts]

    def embed_query(self, text: str) -> list[float]:
        return self.embed_query_vector(text).tolist()

    # The base class runs these in a thread pool; for a ~0.1 ms CPU job the hop costs more
    # than the work, and the pipeline's overhead budget is a few milliseconds.
    async def aembed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.embed_documents(texts)

    async def aembed_query(self, text: str) -> list[float]:
        return self.embed_query(text)


def corpus_tag(texts: Iterable[str]) -> str:
    """A short, order-independent name for a set of documents (the offline fit's identity).

    The fit is a pure function of its documents and of this module's code (whose version is
    ``OFFLINE_SPEC.name``), so the tag of the documents names the fit without fitting.
    """
    digest = hashlib.sha256("\x00".join(sorted(texts)).encode())
    return digest.hexdigest()[:12]


# Fits by corpus_tag: the knowledge base's current one (and, in tests, the files' one). A fit of
# ~80 entries takes ~0.15 s; a process refits only when the corpus changed.
_FITS: dict[str, OfflineEmbeddings] = {}
_FITS_MAX = 4
_FITS_LOCK = threading.Lock()


def fitted_offline_embeddings(texts: Sequence[str]) -> OfflineEmbeddings:
    """The offline embedder fitted on ``texts`` (the embedding texts of a knowledge base),
    fitted once per process and corpus."""
    tag = corpus_tag(texts)
    fitted = _FITS.get(tag)
    if fitted is None:
        with _FITS_LOCK:
            fitted = _FITS.get(tag)
            if fitted is None:
                fitted = OfflineEmbeddings().fit(texts)
                if len(_FITS) >= _FITS_MAX:
                    _FITS.pop(next(iter(_FITS)))
                _FITS[tag] = fitted
    return fitted


def forget_offline_fits() -> None:
    """Drop this process's fits (tests: a fresh process refits from its corpus)."""
    _FITS.clear()


def shipped_offline_embeddings() -> OfflineEmbeddings:
    """The offline embedder fitted on the knowledge base as the content files ship it.

    For code without a database (unit tests, benchmarks); the tutor fits on the rows
    (``tutor.knowledge_index.current_fit``).
    """
    from tutor.content import shipped_concepts

    return fitted_offline_embeddings(
        [passage_from_concept(c).embedding_text() for c in shipped_concepts()]
    )


def build_embeddings(
    spec: EmbedderSpec, *, api_key: str | None = None, corpus: Sequence[str] | None = None
) -> Embeddings:
    """The embedder for ``spec``. The offline one is fitted on ``corpus`` (default: the
    content files); Gemini's client is built here, lazily, never at import."""
    if spec.name == OFFLINE_SPEC.name:
        if corpus is None:
            return shipped_offline_embeddings()
        return fitted_offline_embeddings(corpus)
    if spec.name.startswith("google_genai:"):
        from langchain.embeddings import init_embeddings

        return init_embeddings(spec.name, google_api_key=api_key)
    from langchain.embeddings import init_embeddings

    return init_embeddings(spec.name)


def embedder_spec_for(api_key: str | None) -> EmbedderSpec:
    """Gemini embeddings when a key is configured, the offline embedder otherwise."""
    return GEMINI_SPEC if api_key else OFFLINE_SPEC


# --------------------------------------------------------------------------------------------
# Passages and the index


@dataclass(frozen=True)
class Passage:
    """One knowledge-base entry as the tutor sees it (a DB row or a shipped ConceptSpec)."""

    slug: str
    title: str
    topic: str = ""
    keywords: tuple[str, ...] = ()
    explanation: str = ""
    example: str = ""
    simpler: str = ""
    alternative: str = ""
    # Facets (docs/tutor.md): what a reply is composed from, by what the student asked.
    definition: str = ""
    why: str = ""
    formula_expression: str = ""
    # (symbol, meaning, unit) for every symbol of the formula.
    formula_symbols: tuple[tuple[str, str, str], ...] = ()
    worked: str = ""
    applications: tuple[str, ...] = ()
    misconceptions: tuple[str, ...] = ()
    prerequisites: tuple[str, ...] = ()  # slugs
    see_also: tuple[str, ...] = ()  # slugs
    aliases: tuple[str, ...] = ()  # more names students use (searched like keywords)
    vector: tuple[float, ...] | None = field(default=None, compare=False, repr=False)

    @property
    def formula_words(self) -> str:
        """The meanings of the formula's symbols: "p = mv" is about momentum, mass, velocity."""
        return " ".join(meaning for _, meaning, _ in self.formula_symbols)

    def facet_texts(self) -> list[str]:
        """Every facet's text (what the lexical index reads as body besides the explanation)."""
        return [
            self.definition,
            self.why,
            self.worked,
            *self.applications,
            *self.misconceptions,
        ]

    def embedding_text(self) -> str:
        """What gets embedded: a head (title, keywords) and a body (the explanation).

        The blank line between them lets ``OfflineEmbeddings`` weight the head on its own;
        other embedders read it as ordinary text.
        """
        head = ". ".join([self.title, *self.keywords])
        return f"{head}\n\n{self.explanation}"

    def angle(self, name: str) -> str:
        """The text of one answer angle (one of ``ANGLE_FIELDS``)."""
        if name not in ANGLE_FIELDS:
            raise ValueError(f"unknown angle {name!r}")
        return str(getattr(self, name)) or self.explanation


def passage_from_concept(spec: ConceptSpec, vector: Sequence[float] | None = None) -> Passage:
    return Passage(
        slug=spec.slug,
        title=spec.title,
        topic=spec.topic,
        keywords=tuple(spec.keywords),
        explanation=spec.explanation,
        example=spec.example,
        simpler=spec.simpler,
        alternative=spec.alternative,
        vector=tuple(vector) if vector is not None else None,
        **facet_fields(spec.facets),
    )


def facet_fields(facets: Mapping[str, Any] | None) -> dict[str, Any]:
    """A concept's facets (as the content files and ``KnowledgeEntry.facets`` hold them) as
    ``Passage`` fields. Docs: docs/content.md (the schema), docs/tutor.md (their use)."""
    facets = facets or {}
    formula = facets.get("formula") or {}
    symbols = tuple(
        (str(s.get("symbol", "")), str(s.get("meaning", "")), str(s.get("unit", "")))
        for s in formula.get("symbols") or ()
        if isinstance(s, Mapping)
    )

    def strings(name: str) -> tuple[str, ...]:
        return tuple(str(v) for v in facets.get(name) or () if str(v).strip())

    return {
        "definition": str(facets.get("definition", "")),
        "why": str(facets.get("why", "")),
        "formula_expression": str(formula.get("latex") or formula.get("expression") or ""),
        "formula_symbols": symbols,
        "worked": str(facets.get("worked_calculation", "")),
        "applications": strings("applications"),
        "misconceptions": strings("misconceptions"),
        "prerequisites": strings("prerequisites"),
        "see_also": strings("see_also"),
        "aliases": strings("aliases"),
    }


class KnowledgeIndex:
    """Cosine search over a handful of passages (tens to a few thousand: a dense matrix is fine).

    Raw cosine scores are returned and filtered here, because ``InMemoryVectorStore``'s
    threshold search raises ``NotImplementedError``.
    """

    def __init__(self, passages: Sequence[Passage], embeddings: Embeddings, spec: EmbedderSpec):
        missing = [p.slug for p in passages if p.vector is None]
        if missing:
            raise ValueError(f"passages without vectors: {missing[:5]} (use KnowledgeIndex.build)")
        self.embeddings = embeddings
        self.spec = spec
        self.passages: tuple[Passage, ...] = tuple(passages)
        self._by_slug = {p.slug: p for p in self.passages}
        self._lexical: LexicalIndex | None = None
        if self.passages:
            matrix = np.asarray([p.vector for p in self.passages], dtype=np.float64)
            norms = np.linalg.norm(matrix, axis=1, keepdims=True)
            # Gemini vectors below 3072 dimensions are not unit length; normalise all.
            self._matrix = matrix / np.where(norms == 0, 1.0, norms)
        else:
            self._matrix = np.zeros((0, 1))

    @classmethod
    async def abuild(
        cls, passages: Sequence[Passage], embeddings: Embeddings, spec: EmbedderSpec
    ) -> KnowledgeIndex:
        """Build an index, embedding only passages whose vector is missing."""
        todo = [p for p in passages if p.vector is None]
        vectors = await embeddings.aembed_documents([p.embedding_text() for p in todo])
        filled = dict(zip((p.slug for p in todo), vectors, strict=True))
        done = [
            replace(p, vector=tuple(filled[p.slug])) if p.vector is None else p for p in passages
        ]
        return cls(done, embeddings, spec)

    @classmethod
    def build(
        cls, passages: Sequence[Passage], embeddings: Embeddings, spec: EmbedderSpec
    ) -> KnowledgeIndex:
        """Synchronous twin of ``abuild`` for start-up code and the offline embedder."""
        todo = [p for p in passages if p.vector is None]
        vectors = embeddings.embed_documents([p.embedding_text() for p in todo])
        filled = dict(zip((p.slug for p in todo), vectors, strict=True))
        done = [
            replace(p, vector=tuple(filled[p.slug])) if p.vector is None else p for p in passages
        ]
        return cls(done, embeddings, spec)

    @property
    def embeds_locally(self) -> bool:
        """Whether a query is embedded by this process's CPU (the offline embedder) rather
        than by a remote service that the search waits for."""
        return isinstance(self.embeddings, OfflineEmbeddings)

    def get(self, slug: str) -> Passage | None:
        return self._by_slug.get(slug)

    def __len__(self) -> int:
        return len(self.passages)

    @property
    def lexical(self) -> LexicalIndex:
        """The BM25 half, built from the same passages on first use."""
        if self._lexical is None:
            from tutor.lexical import LexicalIndex

            self._lexical = LexicalIndex(self.passages)
        return self._lexical

    def scores(self, query_vector: Sequence[float]) -> np.ndarray:
        """Cosine of the query vector with every passage."""
        q = np.asarray(query_vector, dtype=np.float64)
        norm = np.linalg.norm(q)
        if not len(self.passages) or not norm:
            return np.zeros(len(self.passages))
        return self._matrix @ (q / norm)

    def ranked(self, query: str, query_vector: Sequence[float]) -> list[Hit]:
        """Every passage, best first: lexical, embedding and alias rankings fused by
        reciprocal rank, each with its confidence (what the threshold is compared with)."""
        n = len(self.passages)
        if not n:
            return []
        lexical = self.lexical
        terms = lexical.query_terms(query)
        cosine = self.scores(query_vector)
        bm25 = lexical.scores(terms)
        fused = _reciprocal_ranks(cosine, self.spec.rrf_k)
        # A passage no query word occurs in gets nothing from the lexical ranking.
        fused += np.where(bm25 > 0, _reciprocal_ranks(bm25, self.spec.rrf_k), 0.0)
        named = np.zeros(n)
        for position, (i, _size) in enumerate(lexical.alias_matches(terms)):
            fused[i] += self.spec.alias_weight / (self.spec.rrf_k + 1 + position)
            named[i] = 1.0
        coverage = lexical.coverage(terms)
        w = self.spec.cosine_weight
        confidence = w * cosine + (1.0 - w) * coverage + self.spec.alias_confidence * named
        if self.spec.unseen_compound_weight:
            confidence -= self.spec.unseen_compound_weight * lexical.unseen_compounds(query)
        order = np.lexsort((-confidence, -fused))
        return [Hit(self.passages[i], float(confidence[i]), float(fused[i])) for i in order]

    def top(
        self,
        query_vector: Sequence[float],
        *,
        k: int = 3,
        threshold: float | None = None,
        query: str = "",
    ) -> list[tuple[Passage, float]]:
        """The best ``k`` passages whose confidence reaches ``threshold`` (the spec's)."""
        limit = self.spec.threshold if threshold is None else threshold
        hits = self.ranked(query, query_vector)[:k]
        return [(h.passage, h.confidence) for h in hits if h.confidence >= limit]

    async def asearch(
        self, query: str, k: int = 3, threshold: float | None = None
    ) -> list[tuple[Passage, float]]:
        """Top ``k`` passages with confidence ≥ ``threshold`` (the spec's by default), best
        first."""
        vector = await self.embeddings.aembed_query(query)
        return self.top(vector, k=k, threshold=threshold, query=query)

    def search(
        self, query: str, k: int = 3, threshold: float | None = None
    ) -> list[tuple[Passage, float]]:
        return self.top(self.embeddings.embed_query(query), k=k, threshold=threshold, query=query)


@dataclass(frozen=True)
class Hit:
    passage: Passage
    confidence: float  # what the refusal threshold is compared with
    fused: float  # the reciprocal-rank score that orders hits


def _reciprocal_ranks(scores: np.ndarray, k: float) -> np.ndarray:
    """1 / (k + rank) per item, rank 1 for the highest score (ties share the better rank)."""
    order = np.argsort(-scores, kind="stable")
    ranks = np.empty(len(scores))
    ranks[order] = np.arange(1, len(scores) + 1)
    return 1.0 / (k + ranks)


def offline_index(passages: Sequence[Passage] | None = None) -> KnowledgeIndex:
    """An offline index over ``passages`` (default: the knowledge base as the files ship it),
    with the embedder fitted on those passages, as the tutor's index is on its rows."""
    if passages is None:
        from tutor.content import shipped_concepts

        passages = [passage_from_concept(c) for c in shipped_concepts()]
    embeddings = fitted_offline_embeddings([p.embedding_text() for p in passages])
    # Vectors the passages carry may come from another fit: all are embedded with this one.
    fresh = [replace(p, vector=None) for p in passages]
    return KnowledgeIndex.build(fresh, embeddings, OFFLINE_SPEC)
