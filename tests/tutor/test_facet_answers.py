"""Replies composed for the question asked: the facet, both concepts of a comparison, "try
again" that never repeats itself, and the facets seeded into the knowledge-base rows."""

from __future__ import annotations

import pytest

from tests.tutor.test_pipeline import ask
from tutor.content import shipped_concepts
from tutor.models import KnowledgeEntry
from tutor.pipeline import ChatState
from tutor.retrieval import KnowledgeIndex, offline_index
from tutor.seeding import seed_demo

FACETS = {c.slug: c.facets for c in shipped_concepts()}


@pytest.fixture(scope="module")
def index() -> KnowledgeIndex:
    return offline_index()


@pytest.mark.asyncio
async def test_why_where_and_how_to_compute_get_different_replies_with_their_facet(
    index: KnowledgeIndex,
) -> None:
    momentum = FACETS["momentum"]
    replies = {}
    state = ChatState()
    for text, facet in (
        ("what is momentum", "define"),
        ("why is momentum conserved", "why"),
        ("where is momentum used", "applications"),
        ("how do i calculate momentum", "compute"),
    ):
        start, _, done = await ask(state, text, index)
        assert start.passages[0].slug == "momentum", text
        assert done.facet == facet, (text, done.facet)
        replies[facet] = done.text
    assert momentum["definition"] in replies["define"]
    assert momentum["why"] in replies["why"]
    assert momentum["applications"][0] in replies["applications"]
    assert momentum["formula"]["latex"] in replies["compute"]
    assert momentum["worked_calculation"] in replies["compute"]
    assert len(set(replies.values())) == 4


@pytest.mark.asyncio
async def test_a_comparison_of_two_concepts_answers_from_both(index: KnowledgeIndex) -> None:
    start, _, done = await ask(ChatState(), "impulse vs momentum", index)
    assert done.facet == "compare"
    assert {p.slug for p in start.passages[:2]} == {"impulse", "momentum"}
    assert FACETS["impulse"]["definition"] in done.text
    assert FACETS["momentum"]["definition"] in done.text


@pytest.mark.asyncio
async def test_five_retries_in_a_row_give_five_different_replies(index: KnowledgeIndex) -> None:
    state = ChatState()
    _, _, first = await ask(state, "what is quantum coherence", index)
    seen = [first.text]
    for _ in range(5):
        start, _, done = await ask(state, "try again", index)
        assert start.intent == "retry" and start.passages[0].slug == "quantum-coherence"
        seen.append(done.text)
    assert len(set(seen)) == len(seen)


@pytest.mark.asyncio
async def test_try_again_after_a_refusal_retries_that_question(index: KnowledgeIndex) -> None:
    state = ChatState()
    await ask(state, "what is momentum", index)
    _, _, refused = await ask(state, "what is the higgs boson", index)
    assert refused.sources == ()
    start, _, again = await ask(state, "try again", index)
    assert start.passages == () and again.sources == ()


@pytest.mark.asyncio
async def test_a_word_problem_gets_the_concept_the_formula_and_a_first_step(
    index: KnowledgeIndex,
) -> None:
    text = "a stone is dropped down a well and hits the water after 3 s, how deep is the well"
    start, _, done = await ask(ChatState(), text, index)
    assert start.intent == "problem" and start.passages[0].slug == "free-fall"
    assert FACETS["free-fall"]["formula"]["latex"] in done.text
    assert "Steps" in done.text and "Source: Free fall" in done.text


@pytest.mark.django_db
def test_seeding_fills_the_facets_and_keeps_an_admins_edit() -> None:
    seed_demo()
    entry = KnowledgeEntry.objects.get(slug="momentum")
    assert entry.facets["definition"] == FACETS["momentum"]["definition"]
    passage = entry.to_passage(embedder="")
    assert passage.formula_expression == "p = m v"
    assert passage.formula_symbols[0] == ("p", "momentum", "kg m/s")
    entry.facets = {**entry.facets, "why": "A teacher's own reason."}
    entry.save()
    seed_demo()
    entry.refresh_from_db()
    assert entry.facets["why"] == "A teacher's own reason."
