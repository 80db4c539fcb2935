"""Clean replies: the sources shown once (the done frame's list, never a "Source:" line in the
text, for the offline model and Gemini alike) and a history summary that keeps each reply's
substance, formulas included, within the token budget."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.test import AsyncClient

from tests.tutor.gemini_standin import GeminiStandin
from tutor import knowledge_index, seeding
from tutor.llm import (
    HISTORY_TOKEN_BUDGET,
    build_prompt,
    clear_model_cache,
    history_tokens,
    summarise_reply,
    without_source_line,
)
from tutor.offline_model import OfflineTutorModel
from tutor.pipeline import ChatState, Done, PipelineConfig, stream_reply
from tutor.prompts import PromptContext
from tutor.retrieval import KnowledgeIndex, offline_index

KEY = "AIzaSyFAKE-clean-replies-key-0123456789ab"

KINETIC_REPLY = (
    "**How to calculate it — Kinetic energy.**\n\n$$E_k = \\tfrac12 m v^2$$\n\n"
    "where $E_k$ is kinetic energy (in J); $m$ is mass (in kg); $v$ is speed (in m/s).\n\n"
    "Related notes: Work done by a force, Momentum.\n\nSource: Kinetic energy\n\n"
    "[Practise Energy & Momentum now →](/practice/topic/energy-momentum/)"
)


@pytest.fixture(scope="module")
def index() -> KnowledgeIndex:
    return offline_index()


async def offline_done(state: ChatState, text: str, index: KnowledgeIndex) -> Done:
    async for event in stream_reply(
        state=state, text=text, index=index, model=OfflineTutorModel(), config=PipelineConfig()
    ):
        if isinstance(event, Done):
            return event
    raise AssertionError("no done event")


@pytest.mark.asyncio
@pytest.mark.django_db
async def test_it_lists_the_sources_once_and_not_in_the_offline_reply(
    index: KnowledgeIndex,
) -> None:
    state = ChatState()
    for text in ("what is momentum", "difference between mass and weight", "an example?"):
        done = await offline_done(state, text, index)
        assert done.sources, text
        assert "Source:" not in done.text and "Sources:" not in done.text, done.text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Coherence is a fixed phase.\n\nSource: Quantum coherence", "Coherence is a fixed phase."),
        ("Coherence is a fixed phase. **Sources:** A; B\n", "Coherence is a fixed phase."),
        ("Open source code is not a source: of anything.", None),  # not a closing source line
        ("Source: Quantum coherence", None),  # nothing else: keep what there is
    ],
)
def test_it_drops_a_closing_source_line(text: str, expected: str | None) -> None:
    assert without_source_line(text) == (text if expected is None else expected)


def test_the_history_summary_keeps_the_formula_and_drops_what_is_around_the_reply() -> None:
    summary = summarise_reply(KINETIC_REPLY)
    assert "E_k = 1/2 m v^2" in summary
    assert "kinetic energy (in J)" in summary  # the symbols' meanings, not just a title
    for noise in ("Source", "Related notes", "/practice/", "**", "$"):
        assert noise not in summary, summary
    vector = "A vector is measured in $\\mathrm{N}$ and has a direction $\\theta$."
    assert summarise_reply(vector) == "A vector is measured in N and has a direction theta."


@pytest.mark.asyncio
@pytest.mark.django_db
async def test_a_long_chat_keeps_formulas_in_the_history_within_the_budget(
    index: KnowledgeIndex,
) -> None:
    state = ChatState()
    questions = ("how do i calculate kinetic energy", "what is momentum", "how do i calculate it")
    for text in questions * 4:
        await offline_done(state, text, index)
    history = [(t.role, t.text) for t in state.turns[-8:]]
    messages = build_prompt(
        context=PromptContext(intent="concept"), student_text="and power?", history=history
    )
    assert 0 < history_tokens(messages) <= HISTORY_TOKEN_BUDGET
    kept = " ".join(str(m.content) for m in messages[1:-1])
    assert "= " in kept and "p = mv" in kept.replace("p = m v", "p = mv"), kept


@pytest.fixture
def standin(settings: Any, transactional_db: None) -> Iterator[GeminiStandin]:
    cache.clear()
    knowledge_index.forget_knowledge_index()
    clear_model_cache()
    seeding.seed_demo()
    with GeminiStandin(chunk_delay_s=0.0) as server:
        settings.GOOGLE_API_KEY = KEY
        settings.TUTOR_MODEL = "google_genai:gemini-2.5-flash"
        settings.TUTOR_BASE_URL = server.base_url
        settings.TUTOR_TIMEOUT_SECONDS = 2.0
        settings.TUTOR_RATE_LIMIT_PER_MINUTE = 1000
        yield server
    clear_model_cache()
    cache.clear()


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_a_gemini_reply_shows_its_sources_once(standin: GeminiStandin, alice: User) -> None:
    standin.default = "ok"
    standin.reply = "Coherence is a fixed phase relation.\n\nSource: Quantum coherence"
    client = AsyncClient()
    await client.aforce_login(alice)
    response = await client.post(
        "/api/tutor/ask/",
        json.dumps({"text": "what is quantum coherence"}),
        content_type="application/json",
    )
    data = response.json()
    assert response.status_code == 200, data
    assert data["text"] == "Coherence is a fixed phase relation."
    assert "Source" not in data["html"]
    assert [s["title"] for s in data["sources"]].count("Quantum coherence") == 1
