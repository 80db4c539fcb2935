"""The lexical half of the tutor's hybrid retrieval: BM25 (bm25s + PyStemmer) over fields.

Each knowledge entry is indexed as three fields, each its own BM25 index, and a query's score
is their weighted sum (``FIELD_WEIGHTS``):

- ``title``: the title and the aliases (keywords). A question naming a concept should find the
  concept, not another entry whose body mentions it in passing;
- ``formula``: every equation of the entry (its formula facet, equations in its keywords and
  in the LaTeX of its explanation) as symbol tokens (``sym_p``), a whole-equation token
  (``eq_p=mv``) and the words of each symbol's meaning ("momentum mass velocity");
- ``body``: the explanation and the facets' text.

Everything — vocabulary, IDF, the spelling corrector — comes from the passages it is built
from (the knowledge-base rows), so an entry added in the admin is searchable as soon as the
index is rebuilt. No Django imports.
"""

from __future__ import annotations

import difflib
import math
import re
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import numpy as np

from tutor.retrieval import STOPWORDS, normalise, one_slip_apart

if TYPE_CHECKING:
    from tutor.retrieval import Passage

# Field weights of the summed BM25 score; tuned on the calibration half of the labelled set
# (tests/tutor/test_retrieval_quality.py prints the sweep).
FIELD_WEIGHTS: dict[str, float] = {"title": 2.0, "formula": 1.2, "body": 0.5}
FIELDS = tuple(FIELD_WEIGHTS)
# Weights, relative to the rarest known word, of words the corpus never uses in ``coverage``:
# an unknown physics word ("neutrinos") says the notes do not cover the question; an unknown
# everyday word ("a 2 kg rock") says little. Calibrated with the threshold.
UNKNOWN_PHYSICS_WEIGHT = 3.0
UNKNOWN_WORD_WEIGHT = 0.25

# Words that say nothing about which concept is meant ("what is power in physics", "the formula
# for momentum"): dropped from queries and documents alike.
_NOISE = frozenset(
    """physics physical formula formulas equation equations concept concepts example examples
    thing things work out meaning definition term terms simple simply real world life
    question answer help""".split()
) - {"work"}  # "work" is itself a concept (work done by a force)

_WORD = re.compile(r"\b[a-z][a-z0-9']*")
# "how does a transistor work", "work out the resistance": the verb, not the concept of work
# done by a force ("how much work is done", "how does work relate to energy" keep it).
_WORK_VERB = (
    re.compile(
        r"\bhow(?: (?:do|does|did|would|could|can|will|should))?(?: (?!much\b|many\b)[\w'-]+)+?"
        r" (?P<verb>works?)(?=\s*(?:$|[?.!,;:]|(?:in|on|for|with|when|if|and|at)\b))"
    ),
    re.compile(r"\b(?P<verb>work(?:s|ed|ing)?) out\b"),
)


def _drop_work_verb(text: str) -> str:
    def blank(match: re.Match[str]) -> str:
        whole, at = match.group(0), match.start()
        return whole[: match.start("verb") - at] + whole[match.end("verb") - at :]

    for pattern in _WORK_VERB:
        text = pattern.sub(blank, text)
    return text


# Names inside formulas that are one symbol, not a product of letters.
_SYMBOL_NAMES = frozenset(
    """alpha beta gamma delta epsilon theta lambda mu nu pi rho sigma tau phi psi omega
    hbar sin cos tan log ln exp net max min rms emf ke pe""".split()
)
_LATEX_DROP = re.compile(
    r"\\(?:frac|mathrm|qquad|quad|left|right|cdot|times|text|mathbf|vec|sqrt|approx|propto|"
    r"Delta|partial|int|sum|,|;|!)"
)
# "p = mv", "E=mc^2", "v = u + at", "\\lambda = h/p": a symbol, "=", then an expression of
# symbols (a number alone is a given value, "t = 2 s", not a formula).
_EQUATION = re.compile(
    r"(?<![A-Za-z])(?P<lhs>\\?[A-Za-z]{1,6}(?:_\{?\w+\}?)?)\s*=\s*(?P<rhs>[^=,;?$\n]{1,40})"
)
_MATH = re.compile(r"\$\$(.+?)\$\$|\$([^$]+)\$", re.DOTALL)


_STEMMERS = threading.local()


def _stemmer() -> Any:
    """This thread's stemmer: a PyStemmer instance has internal state and must not be used by
    two threads at once (turns are analysed in worker threads, the index is built in another)."""
    stemmer = getattr(_STEMMERS, "english", None)
    if stemmer is None:
        import Stemmer  # PyStemmer: Snowball's English stemmer, compiled

        stemmer = _STEMMERS.english = Stemmer.Stemmer("english")
    return stemmer


@lru_cache(maxsize=1)
def _general_physics_stems() -> frozenset[str]:
    from tutor.intents import GENERAL_PHYSICS_WORDS

    return frozenset(stem_word(w) for w in GENERAL_PHYSICS_WORDS)


@lru_cache(maxsize=65536)
def stem_word(word: str) -> str:
    return str(_stemmer().stemWord(word))


def words(text: str) -> list[str]:
    """Lowercase words without stopwords, noise words, numbers or single letters."""
    return [
        w.strip("'")
        for w in _WORD.findall(normalise(text))
        if len(w) > 1 and w not in STOPWORDS and w not in _NOISE and not w[0].isdigit()
    ]


# Where a compound cannot run on: punctuation ends a phrase ("Tension. Surface forces").
_PHRASE_END = re.compile(r"[.,;:!?()\[\]\n]")
_OF = "\x00of"
# Words that say how a question asks, not what about ("X vs Y", "uses of X"): no modifier.
_ASKING = frozenset(
    "vs versus uses applications".split()
)  # the "of" of "moment of inertia", kept apart from every word's stem


def compound_tokens(text: str, correct: Callable[[str], str] | None = None) -> list[str | None]:
    """``text`` as word stems in order: a content word as its stem (spelling-corrected by
    ``correct``), "of" as ``_OF``, any other word or a phrase end as None, so only words side
    by side in one phrase make a compound."""
    out: list[str | None] = []
    for phrase in _PHRASE_END.split(normalise(_drop_work_verb(normalise(text)))):
        for raw in _WORD.findall(phrase):
            word = raw.strip("'")
            if correct is not None and word not in STOPWORDS and not word[0].isdigit():
                word = correct(word)  # before the checks: "explane" is "explain"
            if word == "of":
                out.append(_OF)
            elif (
                len(word) > 1
                and word not in STOPWORDS
                and word not in _NOISE
                and word not in _ASKING
                and not word[0].isdigit()
            ):
                out.append(stem_word(word))
            else:
                out.append(None)
        out.append(None)
    return out


def compounds(tokens: Sequence[str | None]) -> set[tuple[str, ...]]:
    """Adjacent content-word pairs ("net force") and "X of Y" triples ("speed of sound")."""
    found: set[tuple[str, ...]] = set()
    for i in range(len(tokens) - 1):
        a, b = tokens[i], tokens[i + 1]
        if a is None or a == _OF or b is None:
            continue
        if b != _OF:
            found.add((a, b))
        elif i + 2 < len(tokens) and tokens[i + 2] not in (None, _OF):
            found.add((a, _OF, tokens[i + 2]))  # type: ignore[arg-type]
    return found


def _symbols(expression: str) -> list[str]:
    """The symbols of an equation: single letters, Greek names, subscripted names."""
    expression = expression.replace("\\", " ")
    out: list[str] = []
    for run in re.findall(r"[A-Za-z]+", expression):
        low = run.lower()
        if low in _SYMBOL_NAMES or len(run) == 1:
            out.append(low)
        elif len(run) <= 3:  # "mv" is m times v; "mgh" is m g h
            out.extend(run.lower())
    return out


_OPERATOR = re.compile(r"^[-+*/^()]+$|.*[-+*/^(]$|^[-+*/^)]")


def _expression(text: str) -> str:
    """The leading expression of ``text``: it ends where two operands meet with no operator
    between them, i.e. where the prose resumes ("u + at for constant a" -> "u + at")."""
    kept: list[str] = []
    for token in text.split():
        operand_pair = (
            not _OPERATOR.match(kept[-1]) and not _OPERATOR.match(token) if kept else False
        )
        if operand_pair and token.lower() not in _SYMBOL_NAMES:
            break
        kept.append(token)
    return " ".join(kept).rstrip(".")


def equations(text: str) -> list[tuple[str, list[str]]]:
    """Equations in ``text`` as (canonical form, symbols): "p = mv" -> ("p=mv", [p, m, v])."""
    found = []
    for match in _EQUATION.finditer(text):
        lhs = match.group("lhs")
        rhs = _expression(match.group("rhs"))
        bare_lhs = lhs.lstrip("\\").split("_")[0].lower()
        if len(bare_lhs) > 3 and bare_lhs not in _SYMBOL_NAMES:
            continue  # "differentiate x = …" matched mid-word; "energy = …" is prose
        if not re.search(r"[A-Za-z]", rhs):
            continue  # a given value, not a formula
        canon = re.sub(r"[\s{}\\]", "", f"{lhs}={rhs}".lower())
        symbols = _symbols(lhs) + _symbols(rhs)
        if symbols:
            found.append((canon, symbols))
    return found


def formula_tokens(text: str) -> list[str]:
    """Symbol and whole-equation tokens of every equation in ``text``."""
    tokens: list[str] = []
    for canon, symbols in equations(text):
        tokens.append(f"eq_{canon}")
        tokens.extend(f"sym_{s}" for s in symbols)
    return tokens


def math_text(text: str) -> str:
    """The LaTeX of ``text`` ($…$ and $$…$$), commands dropped, one equation per line."""
    parts = [a or b for a, b in _MATH.findall(text)]
    return "\n".join(_LATEX_DROP.sub(" ", p) for p in parts)


@dataclass(frozen=True)
class FieldTexts:
    title: str
    formula: str  # equations, one per line
    formula_words: str  # meanings of the formula's symbols
    body: str


def field_texts(passage: Passage) -> FieldTexts:
    equations_in_keywords = [k for k in passage.keywords if "=" in k]
    formula = "\n".join(
        [*equations_in_keywords, passage.formula_expression, math_text(passage.explanation)]
    )
    return FieldTexts(
        title=". ".join([passage.title, *passage.keywords, *passage.aliases]),
        formula=formula,
        formula_words=passage.formula_words,
        body="\n".join([passage.explanation, *passage.facet_texts()]),
    )


class LexicalIndex:
    """Weighted BM25 over the fields of a few passages; also knows the corpus vocabulary."""

    def __init__(self, passages: Sequence[Passage], weights: dict[str, float] | None = None):
        import bm25s

        self.weights = dict(FIELD_WEIGHTS if weights is None else weights)
        self.unknown_physics_weight = UNKNOWN_PHYSICS_WEIGHT
        self.unknown_word_weight = UNKNOWN_WORD_WEIGHT
        self.n_docs = len(passages)
        self._indexes: dict[str, Any] = {}
        texts = [field_texts(p) for p in passages]
        surface: set[str] = set()
        docs_tokens: dict[str, list[list[str]]] = {f: [] for f in FIELDS}
        for t in texts:
            title_words = words(t.title)
            body_words = words(t.body)
            surface.update(title_words, body_words)
            docs_tokens["title"].append(
                [stem_word(w) for w in title_words] + formula_tokens(t.title)
            )
            docs_tokens["formula"].append(
                formula_tokens(t.formula) + [stem_word(w) for w in words(t.formula_words)]
            )
            docs_tokens["body"].append([stem_word(w) for w in body_words])
        self._doc_terms: list[frozenset[str]] = [
            frozenset(docs_tokens["title"][i] + docs_tokens["formula"][i] + docs_tokens["body"][i])
            for i in range(self.n_docs)
        ]
        self._title_terms = [frozenset(d) for d in docs_tokens["title"]]
        df: dict[str, int] = {}
        for terms in self._doc_terms:
            for term in terms:
                df[term] = df.get(term, 0) + 1
        self._idf = {t: math.log((self.n_docs + 1) / (d + 0.5)) for t, d in df.items()}
        self._unknown_idf = math.log((self.n_docs + 1) / 0.5)
        if self.n_docs:
            for name in FIELDS:
                # An empty field still needs one token for bm25s to index the document.
                corpus = [toks or ["__empty__"] for toks in docs_tokens[name]]
                index = bm25s.BM25()
                index.index(corpus, show_progress=False)
                self._indexes[name] = index
        # Alias phrases: an alias all of whose words the question contains names the concept.
        self._aliases: list[list[frozenset[str]]] = []
        for p in passages:
            phrases = []
            for phrase in (p.title, *p.keywords, *p.aliases):
                stems = frozenset(stem_word(w) for w in words(phrase))
                stems |= frozenset(f"eq_{c}" for c, _ in equations(phrase))
                if stems:
                    phrases.append(stems)
            self._aliases.append(phrases)
        # Every compound the rows use, in any of their texts (names, bodies, facets, the
        # other answer angles): what a compound in a question is checked against.
        seen: set[tuple[str, ...]] = set()
        for p, t in zip(passages, texts, strict=True):
            for part in (t.title, t.body, t.formula_words, p.example, p.simpler, p.alternative):
                seen |= compounds(compound_tokens(part))
        self._compounds: frozenset[tuple[str, ...]] = frozenset(seen)
        self.vocabulary: frozenset[str] = frozenset(surface)
        by_letter: dict[str, list[str]] = {}
        for w in sorted(w for w in surface if len(w) > 3):
            by_letter.setdefault(w[0], []).append(w)
        self._by_letter = {k: tuple(v) for k, v in by_letter.items()}
        self._corrections: dict[str, str] = {}

    # -- queries -----------------------------------------------------------------------------

    def correct(self, word: str) -> str:
        """A misspelt word (5+ letters, not in the corpus) snapped to the closest corpus word
        it is one slip away from (``one_slip_apart``) or shares its stem with."""
        if len(word) < 5 or word in self.vocabulary:
            return word
        hit = self._corrections.get(word)
        if hit is None:
            near = [w for w in self._by_letter.get(word[0], ()) if abs(len(w) - len(word)) <= 2]
            close = difflib.get_close_matches(word, near, n=3, cutoff=0.8)
            # Only a slip of the keyboard (or another form of the same word) is corrected: a
            # real word the notes never use is not a typo of a similar one they do ("reactor"
            # is not "reaction", "terminal" not "thermal"). Read as one, it made an
            # off-syllabus question look covered.
            hit = next(
                (c for c in close if one_slip_apart(word, c) or stem_word(word) == stem_word(c)),
                word,
            )
            self._corrections[word] = hit
            if len(self._corrections) > 20000:
                self._corrections.clear()
        return hit

    def query_terms(self, text: str) -> list[str]:
        """The query's stems (spelling-corrected) and formula tokens, duplicates removed."""
        terms = [stem_word(self.correct(w)) for w in words(_drop_work_verb(normalise(text)))]
        terms += formula_tokens(text)
        return list(dict.fromkeys(terms))

    def scores(self, terms: list[str]) -> np.ndarray:
        """Weighted BM25 per passage for query ``terms``."""
        total = np.zeros(self.n_docs)
        if not terms or not self.n_docs:
            return total
        for name, weight in self.weights.items():
            index = self._indexes[name]
            ids = index.get_tokens_ids(terms)
            if ids:
                total += weight * np.asarray(index.get_scores(ids), dtype=np.float64)
        return total

    def coverage(self, terms: list[str]) -> np.ndarray:
        """Per passage: the share of the query's IDF mass that the passage contains.

        Words the corpus never uses weigh most, so "why do neutrinos oscillate" is far from
        covered by the entry on oscillations: this is what tells "not in my notes" apart.
        """
        out = np.zeros(self.n_docs)
        if not terms or not self.n_docs:
            return out
        # An unknown everyday word ("a 2 kg rock") says nothing; an unknown physics word
        # ("neutrinos") says the question is about something the notes do not cover.
        physics = _general_physics_stems()
        weights = [
            self._idf.get(
                t,
                self._unknown_idf
                * (self.unknown_physics_weight if t in physics else self.unknown_word_weight),
            )
            for t in terms
        ]
        mass = sum(weights)
        if not mass:
            return out
        for i, doc in enumerate(self._doc_terms):
            out[i] = sum(w for t, w in zip(terms, weights, strict=True) if t in doc) / mass
        return out

    def unseen_compounds(self, text: str) -> np.ndarray:
        """Per passage: 1 when the question names it through a compound the notes never use.

        "what is escape velocity" names *velocity*, one of an entry's names, with the word
        before it making a compound ("escape velocity"; for "moment of inertia", "moment of")
        that occurs nowhere in the knowledge base: the question is about a more specific
        thing than the entry. A compound the notes use ("average velocity", "net force") or
        a modifier that is itself one of the entry's names ("kinetic energy") does not count,
        nor does anything in a question giving values.
        """
        out = np.zeros(self.n_docs)
        if any(c.isdigit() for c in text):
            # Given values: a problem, whose words side by side describe its situation
            # ("6 ohm resistor", "new pressure"), not the name of a concept.
            return out
        tokens = compound_tokens(text, self.correct)
        for j, head in enumerate(tokens):
            if head is None or head == _OF or j == 0:
                continue
            before = tokens[j - 1]
            if before == _OF:
                modifier = tokens[j - 2] if j >= 2 else None
                compound: tuple[str, ...] = (modifier or "", _OF, head)
            else:
                modifier, compound = before, (before or "", head)
            if modifier is None or modifier == _OF or compound in self._compounds:
                continue
            for i, names in enumerate(self._title_terms):
                if head in names and modifier not in names:
                    out[i] = 1.0
        return out

    def alias_matches(self, terms: Iterable[str]) -> list[tuple[int, int]]:
        """(passage, alias size) for passages with an alias fully named in the query,
        longest alias first."""
        present = set(terms)
        found = []
        for i, phrases in enumerate(self._aliases):
            sizes = [len(ph) for ph in phrases if ph <= present]
            if sizes:
                found.append((i, max(sizes)))
        found.sort(key=lambda pair: -pair[1])
        return found
