"""The DB-free reply pipeline with the offline model: flows, follow-ups, budgets and faults."""

from __future__ import annotations

import asyncio
import re
import statistics
import time
from collections.abc import AsyncIterator
from typing import Any

import pytest
from langchain_core.exceptions import ModelRateLimitError
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGenerationChunk, ChatResult

from tests.tutor.labelled_messages import MESSAGES, QUANTUM_COHERENCE_FLOW
from tutor.llm import build_chat_model, history_tokens, redact
from tutor.offline_model import NOT_IN_NOTES
from tutor.pipeline import (
    ChatState,
    Done,
    PipelineConfig,
    Start,
    Token,
    Turn,
    TutorUnavailable,
    prompt_for,
    resolve,
    stream_reply,
)
from tutor.retrieval import KnowledgeIndex, offline_index

KEY = "AIzaSyTESTKEY-0123456789abcdefghijklmno"


@pytest.fixture(scope="module")
def index() -> KnowledgeIndex:
    return offline_index()


def words(text: str) -> set[str]:
    return set(re.findall(r"[a-z]+", text.lower()))


def jaccard(a: str, b: str) -> float:
    wa, wb = words(a), words(b)
    return len(wa & wb) / len(wa | wb)


async def ask(
    state: ChatState,
    text: str,
    index: KnowledgeIndex,
    model: BaseChatModel | None = None,
    config: PipelineConfig | None = None,
    **kw: Any,
) -> tuple[Start, list[str], Done]:
    model = model or build_chat_model(model="offline", api_key=None, timeout_s=5, max_retries=1)
    events = [
        e
        async for e in stream_reply(
            state=state,
            text=text,
            index=index,
            model=model,
            config=config or PipelineConfig(),
            **kw,
        )
    ]
    start, done = events[0], events[-1]
    assert isinstance(start, Start) and isinstance(done, Done)
    tokens = [e.text for e in events[1:-1]]
    assert all(isinstance(e, Token) for e in events[1:-1])
    return start, tokens, done


@pytest.mark.asyncio
async def test_it_follows_the_quantum_coherence_flow(index: KnowledgeIndex) -> None:
    state = ChatState()
    replies: list[Done] = []
    for message in QUANTUM_COHERENCE_FLOW:
        start, tokens, done = await ask(state, message.text, index)
        assert start.intent == message.intent
        assert [p.slug for p in start.passages][:1] == ["quantum-coherence"]
        assert "".join(tokens) == done.text
        assert done.sources[0] == "Quantum coherence" and "Source:" not in done.text
        assert done.usage.prompt_tokens > 0 and done.usage.completion_tokens > 0
        replies.append(done)
        print(f"\n{message.text!r}: {done.intent}, history {done.prompt_history_tokens} tokens")
    coherence = index.get("quantum-coherence")
    assert coherence is not None
    assert coherence.example[:60] in replies[1].text
    assert coherence.simpler[:60] in replies[2].text
    assert coherence.alternative[:60] in replies[3].text
    assert jaccard(replies[3].text, replies[2].text) < 0.5
    assert replies[3].text != replies[2].text
    # The prompt of the 4th message carries a short history (the old tutor: ~490 tokens).
    assert replies[3].prompt_history_tokens < 150
    assert state.topic == "quantum-coherence"
    assert len(state.turns) == 8


@pytest.mark.asyncio
async def test_a_second_retry_takes_yet_another_angle(index: KnowledgeIndex) -> None:
    state = ChatState()
    for text in ("what is quantum coherence", "explain it more simply", "try again"):
        await ask(state, text, index)
    start, _, _ = await ask(state, "try again", index)
    assert start.angle not in (None, "alternative")
    assert state.turns[-3].angle == "alternative"


@pytest.mark.asyncio
async def test_follow_ups_retrieve_the_chat_topic_not_their_literal_words(
    index: KnowledgeIndex,
) -> None:
    state = ChatState(topic="quantum-coherence", last_question="what is quantum coherence")
    start, _, _ = await ask(state, "give me an example", index)
    assert [p.slug for p in start.passages] == ["quantum-coherence"]
    assert start.scores == (None,)
    start, _, _ = await ask(state, "why does it happen?", index)
    assert [p.slug for p in start.passages] == ["quantum-coherence"]
    # A follow-up that names its own topic moves the chat to it.
    start, _, _ = await ask(state, "give me an example of quantum entanglement", index)
    assert start.passages[0].slug == "quantum-entanglement"
    assert state.topic == "quantum-entanglement"


@pytest.mark.asyncio
async def test_a_formula_question_is_searched_not_taken_as_a_follow_up(
    index: KnowledgeIndex,
) -> None:
    # A chat about vectors; the next question names momentum only through its formula.
    state = ChatState(topic="vectors-components", last_question="what is a vector")
    start, _, _ = await ask(state, "what does p = mv mean", index)
    assert start.passages[0].slug == "momentum"
    assert state.topic == "momentum"
    # A follow-up without a formula or a physics word stays on the chat's topic.
    start, _, _ = await ask(state, "why does it happen?", index)
    assert [p.slug for p in start.passages] == ["momentum"]


@pytest.mark.asyncio
async def test_a_follow_up_with_no_topic_asks_for_one(index: KnowledgeIndex) -> None:
    start, _, done = await ask(ChatState(), "give me an example", index)
    assert start.passages == ()
    assert "which concept" in done.text


class SpyIndex(KnowledgeIndex):
    searches: list[str]

    def search(self, query: str, k: int = 3, threshold: float | None = None) -> Any:
        self.searches.append(query)
        return super().search(query, k=k, threshold=threshold)


@pytest.mark.asyncio
async def test_it_skips_retrieval_for_greetings(index: KnowledgeIndex) -> None:
    spy = SpyIndex(index.passages, index.embeddings, index.spec)
    spy.searches = []
    start, _, done = await ask(ChatState(), "hi", spy)
    assert start.intent == "greeting" and start.passages == ()
    assert spy.searches == []
    assert "physics tutor" in done.text


@pytest.mark.asyncio
async def test_it_answers_uncovered_physics_with_not_in_notes(index: KnowledgeIndex) -> None:
    uncovered = [m for m in MESSAGES if not m.covered]
    plain = []
    for message in uncovered:
        _, _, done = await ask(ChatState(), message.text, index)
        if done.text.startswith(NOT_IN_NOTES):
            plain.append(message.text)
        else:
            print(f"  answered {message.text!r} as {done.intent} from {done.sources}")
    rate = len(plain) / len(uncovered)
    print(f"\nuncovered questions answered with NOT_IN_NOTES: {rate:.3f} of {len(uncovered)}")
    assert rate >= 0.8  # measured 0.839; the frozen test half is what the README reports


@pytest.mark.asyncio
async def test_it_redirects_off_topic_messages(index: KnowledgeIndex) -> None:
    off = [m for m in MESSAGES if m.intent == "off_topic"]
    for message in off:
        start, _, done = await ask(ChatState(), message.text, index)
        assert start.intent == "off_topic", message.text
        assert "physics tutor" in done.text


def test_a_long_chat_stays_within_the_history_budget(index: KnowledgeIndex) -> None:
    state = ChatState(topic="quantum-coherence", last_question="what is quantum coherence")
    coherence = index.get("quantum-coherence")
    assert coherence is not None
    for i in range(50):
        state.turns.append(Turn("user", f"question {i} about quantum coherence " * 5))
        state.turns.append(Turn("assistant", coherence.explanation, angle="explanation"))
    config = PipelineConfig(history_budget=120)
    for text in ("give me an example", "try again"):
        resolution = resolve(state=state, text=text, index=index, config=config)
        messages = prompt_for(state=state, text=text, resolution=resolution, config=config)
        assert history_tokens(messages) <= 120
        assert messages[1].type == "human"  # trimmed to start on a student turn
        print(f"\n100-turn history kept in the prompt: {history_tokens(messages)} tokens")


@pytest.mark.asyncio
async def test_its_overhead_before_the_first_model_token_is_a_few_milliseconds(
    index: KnowledgeIndex,
) -> None:
    texts = [m.text for m in MESSAGES if m.context is None][:120]
    overheads, ttfts = [], []
    for text in texts:
        _, _, done = await ask(ChatState(topic="quantum-coherence"), text, index)
        overheads.append(done.overhead_ms)
        ttfts.append(done.ttft_ms)
    p50, p95 = statistics.median(overheads), statistics.quantiles(overheads, n=20)[-1]
    print(
        f"\npipeline overhead before the model call: p50 {p50:.2f} ms, p95 {p95:.2f} ms; "
        f"time to first token with the offline model: p50 {statistics.median(ttfts):.2f} ms"
    )
    # Reported, not a timing assertion (speed is benchmarks/bench_tutor's job): only a gross
    # regression fails here.
    assert p50 < 100


# -- faults ----------------------------------------------------------------------------------


class ScriptedModel(BaseChatModel):
    """Streams a few words, then sleeps, fails or finishes, as scripted."""

    behaviour: str = "ok"
    delay_s: float = 0.0

    @property
    def _llm_type(self) -> str:
        return "scripted"

    def _generate(self, messages: list[BaseMessage], *a: Any, **k: Any) -> ChatResult:
        raise NotImplementedError

    async def _astream(
        self, messages: list[BaseMessage], *a: Any, **k: Any
    ) -> AsyncIterator[ChatGenerationChunk]:
        if self.behaviour == "rate_limited":
            raise ModelRateLimitError(f"429 for https://x.invalid/v1?key={KEY}")
        yield ChatGenerationChunk(message=AIMessageChunk(content="Quantum "))
        if self.behaviour == "hang":
            await asyncio.sleep(self.delay_s)
        if self.behaviour == "drop":
            raise ConnectionResetError(f"peer closed (key={KEY})")
        yield ChatGenerationChunk(message=AIMessageChunk(content="coherence."))


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("behaviour", "code"),
    [("hang", "unavailable"), ("rate_limited", "rate_limited"), ("drop", "unavailable")],
)
async def test_provider_failures_become_a_friendly_error_within_the_deadline(
    index: KnowledgeIndex, behaviour: str, code: str
) -> None:
    state = ChatState()
    model = ScriptedModel(behaviour=behaviour, delay_s=30)
    config = PipelineConfig(deadline_s=0.3, secrets=(KEY,))
    started = time.perf_counter()
    with pytest.raises(TutorUnavailable) as caught:
        await ask(state, "what is quantum coherence", index, model=model, config=config)
    assert time.perf_counter() - started < 1.0
    error = caught.value
    assert error.code == code
    for text in (str(error), error.message, error.detail, repr(error)):
        assert KEY not in text
    assert "key=" not in error.message
    assert state.turns == [] and state.topic is None  # nothing remembered from a failed reply


@pytest.mark.asyncio
async def test_stopping_a_reply_cancels_cleanly_and_remembers_nothing(
    index: KnowledgeIndex,
) -> None:
    state = ChatState()
    got: list[str] = []
    three = asyncio.Event()

    async def run() -> None:
        async for event in stream_reply(
            state=state,
            text="what is quantum coherence",
            index=index,
            model=build_chat_model(model="offline", api_key=None, timeout_s=5, max_retries=1),
            config=PipelineConfig(),
        ):
            if isinstance(event, Token):
                got.append(event.text)
                if len(got) == 3:
                    three.set()
                    await asyncio.sleep(10)  # the student presses stop while this waits

    task = asyncio.create_task(run())
    await three.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert state.turns == []


def test_redact_strips_keys_from_error_text() -> None:
    text = f"GET https://host/v1beta/models/x:streamGenerateContent?alt=sse&key={KEY} failed"
    assert KEY not in redact(text, [KEY])
    assert KEY not in redact(text)  # even without being told the key
    assert KEY not in redact(f"headers={{'x-goog-api-key': '{KEY}'}}")
    assert redact("nothing secret", [KEY, None, ""]) == "nothing secret"


@pytest.mark.asyncio
async def test_the_model_is_built_once_per_configuration_on_a_loop() -> None:
    a = build_chat_model(model="offline", api_key=None, timeout_s=5, max_retries=1)
    b = build_chat_model(model="offline", api_key=None, timeout_s=5, max_retries=1)
    c = build_chat_model(model="offline", api_key=None, timeout_s=9, max_retries=1)
    assert a is b and a is not c
