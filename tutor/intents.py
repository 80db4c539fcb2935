"""Intent classification for tutor messages: rules and a small fuzzy vocabulary, no LLM call.

An LLM round-trip to classify would cost more than the whole pipeline's budget before the
first token, and the seven intents are separable by wording: follow-ups use a few stock
phrases, problems carry numbers and units, and physics questions use physics vocabulary (or
match the knowledge base, when the caller passes the best retrieval score).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence
from functools import lru_cache

from tutor.retrieval import content_words, normalise, stem

INTENTS = ("greeting", "concept", "example", "simpler", "retry", "problem", "off_topic")
FOLLOW_UPS = frozenset({"example", "simpler", "retry"})

# Cue words that students misspell; tokens are snapped onto these before matching patterns.
_CUE_WORDS = (
    "example examples simpler simply simple simplify easier explain explanation differently "
    "different another again retry regenerate rephrase confused complicated calculate compute "
    "determine hello thanks thank morning evening afternoon please understand"
).split()

_GREETING_ONLY = re.compile(
    r"^(?:(?:hi+|hello+|hey+|hiya|yo|sup|howdy|greetings|good (?:morning|afternoon|evening|day)"
    r"|thanks?|thank you|ty|thx|cheers|ok(?:ay)?|cool|nice|great|awesome|perfect|got it|bye"
    r"|goodbye|see (?:you|ya)|later|tomorrow|mate|there|tutor|so much|that helped|helped|now"
    r"|much|all|everyone|again|lol|haha|yes|yep|no problem|alright|sounds good)\s*)+$"
)
_GREETING_QUESTION = re.compile(
    r"^(?:hi |hello |hey )?(?:how are you(?: doing)?|how's it going|who are you|what are you"
    r"|what can you (?:do|help(?: me)? with)|what do you do|can you help me|are you a bot"
    r"|are you an ai)\b"
)

_RETRY = re.compile(
    r"\b(?:try (?:again|explaining)|retry|regenerate|rephrase|re-?explain|another way"
    r"|other way|different (?:way|angle|explanation|approach)|differently"
    r"|another (?:explanation|angle|approach|take)|one more time|(?:didn'?t|doesn'?t|did not"
    r"|does not) help|(?:made|makes) no sense|(?:doesn'?t|does not|didn'?t) make sense"
    r"|not clear|say it (?:again|another)|(?:nope|no|hmm)[ ,.!]+again|^again\b)"
)
_SIMPLER = re.compile(
    r"\b(?:simpler|simply|simplify|simplified|simple (?:words|terms|explanation|version|way)"
    r"|in simple|eli\d+|explain (?:it )?like (?:i'?m|im|i am)|like (?:i'?m|im|i am) (?:\d+|five"
    r"|ten|a kid|a child|twelve)|dumb (?:it )?down|plain (?:english|words|language)"
    r"|normal words|everyday words|easier|less (?:math|maths|technical|jargon)|too (?:complicated"
    r"|complex|hard|technical)|over my head|(?:don'?t|do not|dont|didn'?t) (?:get|understand)"
    r"|confused|confusing|lost me|more basic|basically)\b"
)
_EXAMPLE = re.compile(
    r"\b(?:examples?|eg|e\.g|for instance|real (?:life|world)|everyday life|in practice"
    r"|concrete (?:case|example)|like what|where (?:would|do|can|could) (?:i|we|you) (?:see|find"
    r"|use)|used in|applications?|show me how it works)\b"
)

_UNITS = (
    r"m|cm|mm|km|nm|um|s|ms|min|h|hr|hours?|days?|years?|kg|g|mg|n|j|kj|mj|ev|kev|mev|w|kw|mw|v|kv"
    r"|a|ma|c|uc|db|microcoulombs?|coulombs?|ohms?|hz|khz|mhz|t|wb|pa|kpa|gpa|atm|k|mol|l|f|uf"
    r"|microfarads?|microseconds?|degrees?|deg|m/s|m/s2|m/s\^2|km/h|mph|rad|rad/s|mpc|n/m|w/mk"
    r"|m\^2|m\^3|m2|m3|kg/m3|kg/m\^3|mm\^2|cm\^2|volts?|amps?|joules?|watts?|newtons?|meters?"
    r"|metres?|seconds?|grams?|kilograms?|kelvin|turns|solar"
)
_NUMBER_UNIT = re.compile(rf"(?<![a-z])\d+(?:\.\d+)?(?:e-?\d+)?\s*(?:{_UNITS})(?![a-z])")
_ASSIGNMENT = re.compile(r"\b[a-z]\w{0,2}\s*=\s*-?\d")
_PROBLEM_VERB = re.compile(
    r"\b(?:calculate|compute|determine|solve|find|differentiate|integrate|work out|how (?:far"
    r"|long|fast|high|much|many|big|quickly)|what (?:is|was) the (?:value|speed|velocity|force"
    r"|acceleration|energy|current|period|pressure|frequency|wavelength|angle|power|torque))\b"
)

# General physics vocabulary beyond the knowledge base's own titles and keywords: it separates
# "physics we have no notes on" (an honest NOT_IN_NOTES) from off-topic chat (a redirect).
GENERAL_PHYSICS_WORDS = """
physics physical physicist force forces mass energy momentum velocity speed acceleration
gravity gravitational quantum particle particles wave waves light photon electron proton
neutron atom atomic nucleus nuclear electric electricity magnetic magnetism charge current
voltage resistance resistor capacitor circuit heat temperature pressure fluid fluids density
viscosity plasma fusion fission semiconductor radiation radioactive entropy thermodynamics
relativity friction inertia torque work power joule newton einstein bohr planck heisenberg
schrodinger feynman hawking higgs boson quark quarks gluon lepton neutrino neutrinos muon
superconductivity superconductor superfluid string theory black hole galaxy star stars cosmic
universe cosmology astrophysics dark matter orbit orbital satellite planet planets tension
surface bernoulli archimedes buoyancy float floats tokamak reactor turbulence chaos pendulum
oscillation oscillate frequency wavelength amplitude spectrum optics lens lenses mirror
refraction reflection diffraction interference polarisation polarization laser photon
differential equation equations
microwave background cherenkov coriolis condensate elements iron hubble redshift spacetime
gravitational kinematics dynamics calculus derivative integral vector vectors displacement
projectile collision collisions impulse spring springs elastic inelastic pulley incline
thermal entropy gas gases molecule molecules kinetic potential field fields flux induction
emf coil magnet magnets wire charges coulomb ohm ohms watt watts volt volts amp amps
superposition entanglement coherence decoherence tunnelling tunneling spin wavefunction
uncertainty interference ionising ionizing decay halflife isotope isotopes mev kev
young modulus stress strain hooke stokes poiseuille pascal hydrostatic
harmonic resonance resonant moon sun sound intensity decibel angle sine cosine lenz ohm kepler
snell faraday ampere gauss boyle maxwell lorentz doppler kelvin celsius thermometer
""".split()

# Everyday words that appear in knowledge-base keywords but alone say nothing about physics.
_NOT_PHYSICS_ALONE = frozenset(
    stem(w)
    for w in """guitar music car cars phone wifi food pizza bread football ball game games
    time life day real everyday world people thing things way good bad big small
    weather movie poem cat cats money bitcoin error undefined javascript python function""".split()
)

# "F=ma", "pv=nrt", "e=mc^2", "v = u + at": a formula is physics even without a known word.
_FORMULA = re.compile(r"\b[a-z]{1,2}\s*=\s*[a-z]{1,3}(?:\^?\d)?\b")

_PRONOUN_FOLLOW_UP = re.compile(r"\b(?:it|this|that|they|them|these|those|its|there)\b")


# (title, keywords) of every note. The knowledge index sets them from the KnowledgeEntry rows
# whenever it reloads them, so an edit in the admin reaches the vocabulary without a restart;
# before the first load (and where there is no database) they are the notes as shipped.
_kb_notes: tuple[tuple[str, tuple[str, ...]], ...] | None = None


def use_knowledge(notes: Iterable[tuple[str, Sequence[str]]]) -> None:
    """Build the vocabulary from these (title, keywords) pairs from now on."""
    global _kb_notes
    fresh = tuple((str(title), tuple(str(k) for k in keywords)) for title, keywords in notes)
    if fresh == _kb_notes:
        return
    _kb_notes = fresh
    for cached in (_physics_vocab, _kb_phrases, _snap, _vocab_buckets):
        cached.cache_clear()


def warm_knowledge() -> None:
    """Build the vocabulary now (the index does, in its loading thread) rather than in the
    first message's classification, on the event loop."""
    _physics_vocab()
    _kb_phrases()
    _vocab_buckets()


def forget_knowledge() -> None:
    """Back to the notes as shipped, until the index loads the rows again (tests)."""
    global _kb_notes
    _kb_notes = None
    for cached in (_physics_vocab, _kb_phrases, _snap, _vocab_buckets):
        cached.cache_clear()


def _kb_terms() -> list[list[str]]:
    notes = _kb_notes
    if notes is None:
        from tutor.content import shipped_concepts

        notes = tuple((spec.title, spec.keywords) for spec in shipped_concepts())
    terms = []
    for title, keywords in notes:
        for phrase in (title, *keywords):
            words = [w for w in content_words(phrase) if len(w) > 2]
            if words:
                terms.append(words)
    return terms


@lru_cache(maxsize=1)
def _physics_vocab() -> frozenset[str]:
    """Stems of general physics words plus the knowledge base's one-word titles and keywords.

    Words of multi-word keywords count only together (``_kb_phrases``): "like charges repel"
    must not make "what's the weather like" a physics question.
    """
    words = {stem(w) for w in GENERAL_PHYSICS_WORDS}
    words.update(term[0] for term in _kb_terms() if len(set(term)) == 1)
    return frozenset(words - _NOT_PHYSICS_ALONE)


@lru_cache(maxsize=1)
def _kb_phrases() -> tuple[frozenset[str], ...]:
    return tuple(frozenset(term) for term in _kb_terms() if len(set(term)) > 1)


@lru_cache(maxsize=4096)
def _snap(word: str) -> str:
    """Map a misspelt word onto the vocabulary ("cohrence" -> "coherence"), else keep it."""
    if len(word) < 6 or word in _physics_vocab():
        return word
    # Comparing against words of similar length with the same first letter keeps this at
    # tens of microseconds; typos in the first letter are rare enough to give up.
    candidates = _vocab_buckets().get(word[0], ())
    near = [w for w in candidates if abs(len(w) - len(word)) <= 2]
    # 0.88: "cohrence" -> "coherence", but "revolution" stays clear of "resolution".
    close = difflib.get_close_matches(word, near, n=1, cutoff=0.88)
    return close[0] if close else word


@lru_cache(maxsize=1)
def _vocab_buckets() -> dict[str, tuple[str, ...]]:
    buckets: dict[str, list[str]] = {}
    for w in sorted(_physics_vocab()):
        buckets.setdefault(w[0], []).append(w)
    return {k: tuple(v) for k, v in buckets.items()}


def clean(text: str) -> str:
    """Normalised text with cue-word typos corrected ("exmaple" -> "example")."""
    text = normalise(text).strip()
    text = re.sub(r"[?!;:\"()\[\]]", " ", text)
    tokens = []
    for token in text.split():
        bare = token.strip(".,")
        # Physics words are never "corrected" into cues ("differential" is not "differently").
        if (
            len(bare) >= 5
            and bare.isalpha()
            and bare not in _CUE_WORDS
            and stem(bare) not in _physics_vocab()
        ):
            close = difflib.get_close_matches(bare, _CUE_WORDS, n=1, cutoff=0.84)
            if close:
                token = token.replace(bare, close[0])
        tokens.append(token)
    return " ".join(tokens)


def physics_words(text: str) -> list[str]:
    """The message's words that are physics vocabulary (typo-tolerant)."""
    vocab = _physics_vocab()
    words = [_snap(w) for w in content_words(text)]
    found = [w for w in words if w in vocab]
    present = set(words)
    for phrase in _kb_phrases():
        if phrase <= present:
            found.extend(w for w in phrase if w not in found)
    return found


def strip_cues(text: str) -> str:
    """The message without its follow-up cue phrases: what is left names a topic, if anything."""
    cleaned = clean(text)
    for pattern in (_RETRY, _SIMPLER, _EXAMPLE):
        cleaned = pattern.sub(" ", cleaned)
    return re.sub(r"\s+", " ", cleaned).strip()


def names_formula(text: str) -> bool:
    """True when the message writes a formula ("what does p = mv mean"): it names its concept
    through symbols, not words, and is not a follow-up about the chat's topic."""
    return bool(_FORMULA.search(clean(text)))


def names_own_topic(text: str) -> bool:
    """True when a follow-up names a physics topic of its own ("an example of momentum")."""
    return bool(physics_words(strip_cues(text)))


def is_problem(cleaned: str) -> bool:
    if _NUMBER_UNIT.search(cleaned) or _ASSIGNMENT.search(cleaned):
        return True
    has_number = bool(re.search(r"\d", cleaned))
    return has_number and bool(_PROBLEM_VERB.search(cleaned))


def classify(
    text: str,
    *,
    has_context: bool,
    kb_score: float | None = None,
    kb_threshold: float | None = None,
) -> str:
    """Return one of ``INTENTS`` for a student's message.

    ``has_context``: the chat already has a current topic, so bare follow-ups and pronoun
    questions ("why does it happen?") are about it. ``kb_score``/``kb_threshold``: the best
    retrieval score for the message and the embedder's threshold, when the caller has them;
    a knowledge-base match makes a message physics even without known vocabulary.
    """
    cleaned = clean(text)
    if not cleaned:
        return "greeting"
    bare = re.sub(r"[.,'’]", "", cleaned).strip()
    bare = re.sub(r"\s+", " ", bare)
    if _GREETING_ONLY.match(bare) or _GREETING_QUESTION.match(bare):
        return "greeting"

    # Follow-up cues win over everything but greetings: "example with numbers please" is an
    # example request, not a problem.
    if _RETRY.search(cleaned):
        return "retry"
    if _SIMPLER.search(cleaned):
        return "simpler"
    if _EXAMPLE.search(cleaned):
        return "example"

    physics = bool(physics_words(cleaned)) or bool(_FORMULA.search(cleaned))
    kb_match = kb_score is not None and kb_threshold is not None and kb_score >= kb_threshold
    if is_problem(cleaned) and (physics or kb_match or _NUMBER_UNIT.search(cleaned)):
        return "problem"
    if physics or kb_match:
        return "concept"
    # "why does it happen?" in a chat about a topic is a question about that topic.
    if has_context and _PRONOUN_FOLLOW_UP.search(cleaned) and len(cleaned.split()) <= 8:
        return "concept"
    # A greeting followed by small talk ("hey, how's it going today") still reads as a greeting.
    if re.match(r"^(?:hi|hello|hey|thanks|thank you)\b", bare) and len(bare.split()) <= 6:
        return "greeting"
    return "off_topic"
