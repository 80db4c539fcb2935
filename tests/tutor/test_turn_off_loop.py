"""A turn's CPU work runs off the event loop: classification, retrieval, the prompt and the
offline model's composition happen in worker threads, so the loop keeps serving every other
socket and page of the process meanwhile. The latency this protects (a health check during
five heavy asks) is measured by benchmarks/bench_starvation.py, not here."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from django.contrib.auth.models import User
from langchain_core.embeddings import DeterministicFakeEmbedding

from tests.tutor.test_consumer import ask, open_chat, reply_of
from tutor import intents, llm, offline_model, pipeline, seeding
from tutor.knowledge_index import forget_fits
from tutor.llm import build_chat_model
from tutor.pipeline import ChatState, PipelineConfig
from tutor.retrieval import KnowledgeIndex, OfflineEmbeddings, offline_index

HEAVY = "calculate " + "7" * 1985


class ThreadLog:
    """Which thread each spied function ran in (its name, and whether it was the loop's)."""

    def __init__(self) -> None:
        self.loop_thread = threading.get_ident()
        self.calls: dict[str, list[tuple[str, bool]]] = {}

    def spy(self, name: str, real: Callable[..., Any]) -> Callable[..., Any]:
        def spied(*args: Any, **kwargs: Any) -> Any:
            on_loop = threading.get_ident() == self.loop_thread
            self.calls.setdefault(name, []).append((threading.current_thread().name, on_loop))
            return real(*args, **kwargs)

        return spied

    def on_loop(self) -> list[str]:
        return [name for name, calls in self.calls.items() if any(loop for _, loop in calls)]

    def threads(self, name: str) -> set[str]:
        return {thread.rsplit("_", 1)[0] for thread, _ in self.calls.get(name, [])}


@pytest.fixture
def log(monkeypatch: pytest.MonkeyPatch) -> ThreadLog:
    """Spies on the turn's CPU work: the classifier, the search, the prompt and the offline
    model's composition. Created inside the test's event loop, so its thread is the loop's."""
    log = ThreadLog()
    monkeypatch.setattr(intents, "classify", log.spy("classify", intents.classify))
    monkeypatch.setattr(KnowledgeIndex, "search", log.spy("search", KnowledgeIndex.search))
    monkeypatch.setattr(pipeline, "build_prompt", log.spy("prompt", llm.build_prompt))
    monkeypatch.setattr(
        offline_model, "compose_reply", log.spy("compose", offline_model.compose_reply)
    )
    return log


async def drain(text: str, index: KnowledgeIndex, state: ChatState | None = None) -> None:
    model = build_chat_model(model="offline", api_key=None, timeout_s=5, max_retries=1)
    async for _ in pipeline.stream_reply(
        state=state or ChatState(), text=text, index=index, model=model, config=PipelineConfig()
    ):
        pass


PASTED_PROBLEM = "A ball is dropped from a height of 20 m. How long does it take to fall? " * 6
CPU_WORK = {"classify", "search", "prompt"}


@pytest.mark.asyncio
@pytest.mark.parametrize("text", [HEAVY, PASTED_PROBLEM])
async def test_a_long_question_is_classified_and_searched_in_a_worker_thread(
    log: ThreadLog, text: str
) -> None:
    assert len(text) > pipeline.INLINE_TEXT_CHARS
    log.loop_thread = threading.get_ident()
    await drain(text, offline_index())
    assert CPU_WORK <= set(log.calls)
    assert not CPU_WORK & set(log.on_loop())
    # The offline embedder is CPU work: the small pool that competes least with the loop.
    assert log.threads("classify") == log.threads("search") == {"tutor-cpu"}


@pytest.mark.asyncio
@pytest.mark.parametrize("text", ["what is momentum", "give me an example of momentum"])
async def test_a_short_questions_bounded_work_stays_on_the_loop(log: ThreadLog, text: str) -> None:
    """Up to INLINE_TEXT_CHARS the work is bounded (~1–2 ms) and cheaper than the hop."""
    assert len(text) <= pipeline.INLINE_TEXT_CHARS
    log.loop_thread = threading.get_ident()
    await drain(text, offline_index())
    assert CPU_WORK <= set(log.on_loop())


@pytest.mark.asyncio
async def test_the_offline_model_composes_a_long_prompt_in_a_worker_thread(
    log: ThreadLog, monkeypatch: pytest.MonkeyPatch
) -> None:
    log.loop_thread = threading.get_ident()
    await drain("what is momentum", offline_index())
    assert "compose" in log.on_loop()  # the usual prompt: a few thousand characters
    log.calls.clear()
    monkeypatch.setattr(offline_model, "INLINE_PROMPT_CHARS", 0)
    await drain("what is momentum", offline_index())
    assert "compose" in log.calls and "compose" not in log.on_loop()
    assert log.threads("compose") == {"tutor-cpu"}


@pytest.mark.asyncio
async def test_a_remote_embedders_searches_wait_in_the_pool_that_waits(log: ThreadLog) -> None:
    log.loop_thread = threading.get_ident()
    local = offline_index()
    fake = DeterministicFakeEmbedding(size=16)
    passages = [replace(p, vector=None) for p in local.passages]
    index = KnowledgeIndex.build(passages, fake, local.spec)
    assert not index.embeds_locally and local.embeds_locally
    await drain("what is momentum", index)
    # Short or not, a question to a remote embedder waits on the network: never on the loop.
    assert not CPU_WORK & set(log.on_loop())
    assert log.threads("search") == {"tutor-wait"}


@pytest.mark.asyncio
async def test_a_chat_turn_through_the_socket_does_its_cpu_work_off_the_loop(
    log: ThreadLog, alice: User, fresh_tutor_state: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    await sync_to_async(seeding.seed_demo)()
    fits: list[bool] = []
    real_fit = OfflineEmbeddings.fit

    def fit(self: OfflineEmbeddings, corpus: Any) -> OfflineEmbeddings:
        fits.append(threading.get_ident() == log.loop_thread)
        return real_fit(self, corpus)

    monkeypatch.setattr(OfflineEmbeddings, "fit", fit)
    forget_fits()
    log.loop_thread = threading.get_ident()
    communicator, _ = await open_chat(alice)
    _, done = reply_of(await ask(communicator, HEAVY))
    assert done["type"] == "done"
    await communicator.disconnect()
    assert CPU_WORK <= set(log.calls)
    assert not CPU_WORK & set(log.on_loop())
    # The knowledge index is fitted on the rows in the thread that loads them, not on the loop.
    assert fits and not any(fits)


def test_each_thread_stems_with_its_own_stemmer() -> None:
    # PyStemmer's instances keep state between calls: two turn threads must not share one.
    from tutor import lexical

    mine = lexical._stemmer()
    other: list[Any] = []
    thread = threading.Thread(target=lambda: other.append(lexical._stemmer()))
    thread.start()
    thread.join()
    assert other and other[0] is not mine
    assert lexical._stemmer() is mine
    assert lexical.stem_word("forces") == "forc"
