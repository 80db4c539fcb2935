"""A turn's CPU work is bounded by the message limit: over-long words are cut before the
classifier and the retrieval see them (a 2,000-digit "calculate" took seconds of the loop).
The latency it protects is measured by benchmarks/bench_starvation.py."""

from __future__ import annotations

from typing import Any

import pytest

from tutor import pipeline
from tutor.pipeline import MAX_ANALYSED_WORD, ChatState, PipelineConfig, bounded_for_analysis

HEAVY = "calculate " + "7" * 1985


def test_it_cuts_only_over_long_words() -> None:
    assert bounded_for_analysis("what is momentum") == "what is momentum"
    cut = bounded_for_analysis(HEAVY + " please")
    assert cut == "calculate " + "7" * MAX_ANALYSED_WORD + " please"


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_it_hands_the_classifier_the_bounded_text(monkeypatch: pytest.MonkeyPatch) -> None:
    from asgiref.sync import sync_to_async

    from tutor.knowledge_index import knowledge_index
    from tutor.seeding import seed_demo
    from tutor.streaming import chat_model

    await sync_to_async(seed_demo)()
    index = await sync_to_async(knowledge_index)()
    seen: list[str] = []
    real = pipeline.intents.classify

    def spy(text: str, **kwargs: Any) -> str:
        seen.append(text)
        return real(text, **kwargs)

    monkeypatch.setattr(pipeline.intents, "classify", spy)
    events = [
        e
        async for e in pipeline.stream_reply(
            state=ChatState(), text=HEAVY, index=index, model=chat_model(), config=PipelineConfig()
        )
    ]
    assert events and seen
    assert all(max(len(w) for w in text.split()) <= MAX_ANALYSED_WORD for text in seen)
