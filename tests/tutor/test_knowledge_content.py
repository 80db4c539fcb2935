"""Content checks for the tutor's notes in content/knowledge/ and the labelled messages.

They read the files only; nothing here touches the database.
"""

from __future__ import annotations

import re
from collections import Counter

import pytest
from latex2mathml.converter import convert

from tasks.content import load_bank
from tests.tutor.labelled_messages import INTENTS, MESSAGES, QUANTUM_COHERENCE_FLOW
from tutor.content import DEFAULT_CONTENT_DIR, ConceptSpec, load_knowledge, reflow

TOPICS = [t.slug for t in load_bank(DEFAULT_CONTENT_DIR).topics]
NOTES = load_knowledge(DEFAULT_CONTENT_DIR, topics=TOPICS)


def concept(slug: str) -> ConceptSpec:
    return next(spec for spec in NOTES if spec.slug == slug)


DISPLAY_MATH = re.compile(r"\$\$(.+?)\$\$", re.DOTALL)
INLINE_MATH = re.compile(r"\$(.+?)\$", re.DOTALL)
WORD = re.compile(r"[a-z]+(?:'[a-z]+)?")

WORD_BOUNDS: dict[str, tuple[int, int]] = {
    "explanation": (80, 180),
    "example": (60, 150),
    "simpler": (40, 100),
    "alternative": (60, 150),
}
TEXT_FIELDS = tuple(WORD_BOUNDS)
REQUIRED_QUANTUM = (
    "quantum-coherence",
    "quantum-superposition",
    "decoherence",
    "wave-particle-duality",
    "uncertainty-principle",
    "quantum-tunnelling",
    "quantum-entanglement",
    "wavefunction-born-rule",
    "quantum-spin",
)
SLUGS = {spec.slug for spec in NOTES}


def math_spans(text: str) -> list[str]:
    """Display spans first, then inline spans in what is left; fails on an unpaired `$`."""
    display = DISPLAY_MATH.findall(text)
    rest = DISPLAY_MATH.sub(" ", text)
    inline = INLINE_MATH.findall(rest)
    assert "$" not in INLINE_MATH.sub(" ", rest), f"unpaired $ in: {text[:60]}…"
    return display + inline


def word_set(text: str) -> set[str]:
    return set(WORD.findall(text.lower()))


def jaccard(a: str, b: str) -> float:
    left, right = word_set(a), word_set(b)
    return len(left & right) / len(left | right)


def test_it_has_enough_concepts_per_topic() -> None:
    counts = Counter(spec.topic for spec in NOTES)
    assert len(NOTES) >= 66
    assert set(counts) == set(TOPICS)
    for topic in TOPICS:
        assert counts[topic] >= (8 if topic == "quantum-physics" else 6), topic


def test_it_covers_the_required_quantum_concepts() -> None:
    for slug in REQUIRED_QUANTUM:
        assert concept(slug).topic == "quantum-physics"


def test_it_has_unique_slugs_and_titles() -> None:
    assert len(SLUGS) == len(NOTES)
    assert len({spec.title.lower() for spec in NOTES}) == len(NOTES)
    for spec in NOTES:
        assert re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", spec.slug), spec.slug


def test_it_has_every_concept_of_the_knowledge_base() -> None:
    assert len(NOTES) == 77
    assert concept("quantum-coherence").title == "Quantum coherence"


@pytest.mark.parametrize("spec", NOTES, ids=lambda spec: spec.slug)
def test_it_keeps_fields_within_bounds(spec: ConceptSpec) -> None:
    assert 3 <= len(spec.keywords) <= 8
    assert all(keyword.strip() == keyword and keyword for keyword in spec.keywords)
    for field, (low, high) in WORD_BOUNDS.items():
        words = len(getattr(spec, field).split())
        assert low <= words <= high, f"{field} has {words} words"


@pytest.mark.parametrize("spec", NOTES, ids=lambda spec: spec.slug)
def test_it_writes_math_that_latex2mathml_converts(spec: ConceptSpec) -> None:
    for field in TEXT_FIELDS:
        for span in math_spans(getattr(spec, field)):
            assert span.count("{") == span.count("}"), span
            mathml = convert(span)
            # latex2mathml passes unknown commands through as text instead of raising.
            assert "\\" not in mathml, f"{field}: unconverted command in {span!r}"


@pytest.mark.parametrize("spec", NOTES, ids=lambda spec: spec.slug)
def test_it_gives_a_genuinely_different_alternative(spec: ConceptSpec) -> None:
    assert jaccard(spec.alternative, spec.explanation) < 0.5
    assert jaccard(spec.alternative, spec.simpler) < 0.5


def test_it_stores_reflowed_text() -> None:
    for spec in NOTES:
        for field in TEXT_FIELDS:
            text = getattr(spec, field)
            assert reflow(text) == text
            assert "\n\n\n" not in text and not text.startswith(" ")


def test_it_labels_only_known_slugs() -> None:
    for message in MESSAGES:
        assert message.intent in INTENTS, message
        if message.concept is not None:
            assert message.concept in SLUGS, message
        if message.context is not None:
            assert message.context in SLUGS, message


def test_it_labels_consistently() -> None:
    for message in MESSAGES:
        if not message.covered:
            assert message.concept is None and message.intent in ("concept", "problem"), message
        if message.intent in ("greeting", "off_topic"):
            assert message.concept is None and message.context is None, message
        if message.intent in ("concept", "problem") and message.covered:
            assert message.concept is not None, message
        if message.intent == "retry":
            assert message.context is not None, message
        # A follow-up is either bare (topic from the chat) or names its concept, not both.
        assert message.concept is None or message.context is None, message
    assert len({message.text.lower() for message in MESSAGES}) == len(MESSAGES)


def test_it_has_enough_messages_per_intent() -> None:
    counts = Counter(message.intent for message in MESSAGES)
    assert len(MESSAGES) >= 200
    for intent in INTENTS:
        assert counts[intent] >= 15, intent


def test_it_has_enough_covered_and_uncovered_questions() -> None:
    named = [
        m
        for m in MESSAGES
        if m.concept is not None and m.intent in ("concept", "example", "problem")
    ]
    assert len(named) >= 100
    assert len({m.concept for m in named}) >= 50
    assert sum(not m.covered for m in MESSAGES) >= 25


def test_it_includes_the_quantum_coherence_flow() -> None:
    assert [m.intent for m in QUANTUM_COHERENCE_FLOW] == ["concept", "example", "simpler", "retry"]
    for message in QUANTUM_COHERENCE_FLOW:
        assert message in MESSAGES
