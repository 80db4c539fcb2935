"""The tutor's reply pipeline, free of Django: classify → resolve → retrieve → prompt → stream.

``stream_reply`` is an async generator of events (``Start``, ``Token``…, ``Done``) that the
service layer persists and the consumer relays. Chat state comes in as a ``ChatState`` that the
caller rebuilds from the database for each reply (nothing lives in this process between
replies), and is updated in place only when a reply completes.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import re
import time
from collections.abc import AsyncGenerator, Sequence
from dataclasses import dataclass, field, replace
from typing import Literal, Protocol

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import BaseMessage

from tutor import intents
from tutor.facets import comparison_sides, detect_facet
from tutor.llm import (
    HISTORY_TOKEN_BUDGET,
    PROMPT_LEAK_REPLY,
    PromptLeakGuard,
    build_prompt,
    prompt_passages,
    redact,
    summarise_reply,
    without_source_line,
)
from tutor.off_loop import off_loop, off_loop_waiting
from tutor.prompts import PromptContext
from tutor.retrieval import KnowledgeIndex, Passage
from tutor.task_help import AnswerGuard, TaskContext

logger = logging.getLogger(__name__)

# Which field of an entry answers which intent.
ANGLE_FOR_INTENT = {
    "concept": "explanation",
    "problem": "explanation",
    "example": "example",
    "simpler": "simpler",
}
# "Try again" takes the first of these not yet used since the question, then starts over.
RETRY_ANGLES = ("alternative", "simpler", "example", "explanation")
# ...and the first facet not yet shown for the question (after the one it asked for).
RETRY_FACETS = ("define", "why", "example", "applications", "compute", "misconception")
NO_RETRIEVAL = frozenset({"greeting", "off_topic"})
# A question up to this long is resolved on the event loop: its classification, retrieval and
# prompt take ~1–2 ms (measured on the offline index), less than the hop to a worker thread
# costs a burst of questions. A longer one (a pasted problem, a digit string) runs off the loop.
INLINE_TEXT_CHARS = 400


@dataclass
class Turn:
    """One message of the chat as the pipeline needs it (a row of the chat's messages)."""

    role: Literal["user", "assistant"]
    text: str
    intent: str | None = None
    passages: tuple[str, ...] = ()  # slugs of the passages the reply used
    angle: str | None = None  # assistant: which field of the entry it was built from
    facet: str | None = None  # assistant: which facet it answered


@dataclass
class ChatState:
    """What the pipeline knows about a chat. Rebuilt by the caller from the DB for each reply."""

    topic: str | None = None  # slug of the chat's current topic
    turns: list[Turn] = field(default_factory=list)  # recent turns, oldest first
    last_question: str | None = None  # the last message that was not a retry
    last_intent: str | None = None  # its intent (what a retry re-answers)

    def last_reply(self) -> Turn | None:
        return next((t for t in reversed(self.turns) if t.role == "assistant"), None)


@dataclass(frozen=True)
class PipelineConfig:
    """Per-deployment knobs (the lead fills them from settings)."""

    deadline_s: float = 30.0  # the whole model stream, first token to last
    k: int = 3
    threshold: float | None = None  # None: the index's embedder threshold
    history_budget: int = HISTORY_TOKEN_BUDGET
    history_turns: int = 8  # turns handed to build_prompt before token trimming
    secrets: tuple[str, ...] = ()  # redacted from any error detail
    # Check an apparently off-topic message against the knowledge base before redirecting it.
    # Costs one embedding (free offline, one API call with Gemini embeddings). The bar sits
    # above the retrieval threshold: on the labelled set, "how do I center a div in CSS?"
    # scores 0.21 against "Centripetal force" offline, as high as a real physics question.
    kb_check_off_topic: bool = True
    off_topic_kb_margin: float = 0.05


@dataclass(frozen=True)
class Start:
    intent: str
    passages: tuple[Passage, ...]
    scores: tuple[float | None, ...]  # cosine per passage; None when pinned by the chat topic
    resolved_query: str  # what retrieval/answering used (the topic for bare follow-ups)
    topic: str | None  # the chat topic after this message
    angle: str | None  # which field of the top passage the answer is built from
    facet: str | None = None  # what the reply answers (tutor.facets); None: not a question


@dataclass(frozen=True)
class Token:
    text: str


@dataclass(frozen=True)
class Usage:
    prompt_tokens: int
    completion_tokens: int


@dataclass(frozen=True)
class Done:
    text: str
    usage: Usage
    ttft_ms: float
    total_ms: float
    overhead_ms: float  # from the call to the model being asked (classify+retrieve+prompt)
    intent: str
    sources: tuple[str, ...]  # titles, as the "done" frame shows them
    prompt_history_tokens: int
    facet: str | None = None
    answer_withheld: int = 0  # sentences the answer guard replaced (task hints)


PipelineEvent = Start | Token | Done


class NamedTopic(Protocol):
    """A practice topic as the caller knows it: its slug (as knowledge entries name their topic)
    and the name a student reads."""

    @property
    def slug(self) -> str: ...

    @property
    def name(self) -> str: ...


def weak_topic_names(
    weak_topics: Sequence[str | NamedTopic], passages: Sequence[Passage]
) -> tuple[str, ...]:
    """Names for the prompt, the topic of the top passage first when it is one of them (the
    model suggests the first). Plain strings are names already and keep their order."""
    top = passages[0].topic if passages else None
    names = [(t, t) if isinstance(t, str) else (t.slug, t.name) for t in weak_topics]
    names.sort(key=lambda pair: pair[0] != top)
    return tuple(name for _, name in names)


class TutorUnavailable(Exception):
    """The model could not answer: ``code`` is "unavailable" or "rate_limited".

    ``message`` is safe to show a student; ``detail`` is the redacted provider error for logs.
    """

    def __init__(self, code: str, message: str, detail: str = "") -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.detail = detail


UNAVAILABLE_MESSAGE = "The tutor is unavailable right now. Please try again in a moment."
TIMEOUT_MESSAGE = "The tutor took too long to answer. Please try again in a moment."
RATE_LIMITED_MESSAGE = "The tutor is getting too many questions right now. Please wait a moment."


# --------------------------------------------------------------------------------------------
# Resolution


@dataclass(frozen=True)
class Resolution:
    intent: str
    passages: tuple[Passage, ...]
    scores: tuple[float | None, ...]
    resolved_query: str
    topic: str | None
    angle: str | None
    no_topic: bool = False
    facet: str | None = None


# Longer "words" (digit strings, pasted hashes) are cut to this before any analysis.
MAX_ANALYSED_WORD = 40
_LONG_WORD = re.compile(r"\S{" + str(MAX_ANALYSED_WORD + 1) + ",}")


def bounded_for_analysis(text: str) -> str:
    """`text` with every word longer than MAX_ANALYSED_WORD cut to that length: the CPU work of
    a turn (classification, retrieval) is then bounded by the message limit alone."""
    return _LONG_WORD.sub(lambda m: m.group(0)[:MAX_ANALYSED_WORD], text)


def resolve(
    *,
    state: ChatState,
    text: str,
    index: KnowledgeIndex,
    config: PipelineConfig,
    task: TaskContext | None = None,
) -> Resolution:
    """Classify the message, find the passages it is about and the facet it asks for."""
    found = _resolve(state=state, text=text, index=index, config=config, task=task)
    if found.facet is not None or task is not None:
        return found
    if found.intent == "retry":
        return replace(found, facet=_retry_facet(state, found))
    facet = detect_facet(text, intent=found.intent)
    if facet == "compare" and found.passages:
        found = _both_sides(found, text=text, index=index)
    return replace(found, facet=facet)


def _both_sides(found: Resolution, *, text: str, index: KnowledgeIndex) -> Resolution:
    """A comparison of two concepts answers from both entries; one entry that covers both
    sides ("speed vs velocity") answers alone."""
    sides = comparison_sides(text)
    if sides is None:
        return found
    top = found.passages[0]
    ranked = [index.search(side, k=2) for side in sides]
    if not all(ranked) or all(top in [p for p, _ in hits] for hits in ranked):
        return found
    first, second = ranked[0][0], ranked[1][0]
    if first[0].slug == second[0].slug:
        return found
    return replace(
        found,
        passages=(first[0], second[0]),
        scores=(first[1], second[1]),
        topic=first[0].slug,
    )


def _since_question(state: ChatState) -> list[Turn]:
    """The replies given since the student's last question (its answer and its retries)."""
    replies: list[Turn] = []
    for turn in reversed(state.turns):
        if turn.role == "assistant":
            replies.append(turn)
        elif turn.intent != "retry":
            break
    return replies


def _retry_facet(state: ChatState, found: Resolution) -> str | None:
    if not found.passages:
        return None
    shown = [t.facet for t in _since_question(state)]
    asked = detect_facet(state.last_question or "", intent=state.last_intent or "concept")
    order = [f for f in (asked, *RETRY_FACETS) if f is not None]
    return next((f for f in order if f not in shown), order[len(shown) % len(order)])


def _retry_angle(state: ChatState) -> str:
    used = [t.angle for t in _since_question(state)]
    return next(
        (a for a in RETRY_ANGLES if a not in used), RETRY_ANGLES[len(used) % len(RETRY_ANGLES)]
    )


def _resolve_task(
    *, state: ChatState, text: str, index: KnowledgeIndex, task: TaskContext
) -> Resolution:
    """A turn in a chat about a practice task: hints while it is pending, the solution after."""
    intent = intents.classify(text, has_context=True)
    if intent == "greeting":
        return Resolution(intent, (), (), text, state.topic, None)
    facet = "hint" if task.pending else "solution"
    hits = index.search(f"{task.concept}. {task.title}", k=1, threshold=-1.0)
    if state.topic and index.get(state.topic) is not None:
        pinned = index.get(state.topic)
        assert pinned is not None
        hits = [(pinned, 1.0)]
    passages = tuple(p for p, _ in hits)
    topic = passages[0].slug if passages else state.topic
    return Resolution(
        "problem", passages, tuple(sc for _, sc in hits), text, topic, "explanation", facet=facet
    )


def _resolve(
    *,
    state: ChatState,
    text: str,
    index: KnowledgeIndex,
    config: PipelineConfig,
    task: TaskContext | None = None,
) -> Resolution:
    if task is not None:
        return _resolve_task(state=state, text=text, index=index, task=task)
    has_context = state.topic is not None and index.get(state.topic) is not None
    intent = intents.classify(text, has_context=has_context)
    threshold = index.spec.threshold if config.threshold is None else config.threshold
    if intent == "problem" and config.threshold is None:
        threshold = index.spec.threshold_for(intent)

    if intent == "off_topic" and config.kb_check_off_topic:
        bar = threshold + config.off_topic_kb_margin
        hits = index.search(text, k=config.k, threshold=bar)
        if hits:
            intent = intents.classify(
                text, has_context=has_context, kb_score=hits[0][1], kb_threshold=bar
            )
            if intent != "off_topic":
                return _found(intent, hits, text, ANGLE_FOR_INTENT.get(intent, "explanation"))
    if intent in NO_RETRIEVAL:
        return Resolution(intent, (), (), text, state.topic, None)

    topic_passage = index.get(state.topic) if has_context and state.topic else None

    if intent == "retry":
        angle = _retry_angle(state)
        query = state.last_question or (topic_passage.title if topic_passage else text)
        answered = _since_question(state)
        if (
            state.last_question is not None
            and answered
            and not answered[-1].passages
            and not intents.names_own_topic(text)
        ):
            # The last question got "not in my notes": try it again, not the topic before it.
            hits = index.search(state.last_question, k=1, threshold=threshold)
            if hits:
                return _found(intent, hits, query, angle)
            return Resolution(intent, (), (), query, state.topic, angle)
        if topic_passage is not None and not intents.names_own_topic(text):
            return Resolution(intent, (topic_passage,), (None,), query, state.topic, angle)
        hits = index.search(intents.strip_cues(text) or text, k=1, threshold=threshold)
        if hits:
            return _found(intent, hits, text, angle)
        return Resolution(intent, (), (), query, state.topic, angle, no_topic=not has_context)

    angle = ANGLE_FOR_INTENT[intent]
    if intent in ("example", "simpler"):
        # "give me an example" is about the chat's topic; "an example of momentum" is not.
        if intents.names_own_topic(text) or topic_passage is None:
            hits = index.search(intents.strip_cues(text) or text, k=1, threshold=threshold)
            if hits:
                return _found(intent, hits, text, angle)
        if topic_passage is not None:
            return Resolution(
                intent, (topic_passage,), (None,), topic_passage.title, state.topic, angle
            )
        return Resolution(intent, (), (), text, state.topic, angle, no_topic=True)

    # concept / problem. "why does it happen?" names nothing: it is about the current topic.
    # "what does p = mv mean" names its concept by a formula: it is searched like any question.
    if (
        topic_passage is not None
        and not intents.physics_words(text)
        and not intents.names_formula(text)
    ):
        return Resolution(
            intent,
            (topic_passage,),
            (None,),
            f"{topic_passage.title}: {text}",
            state.topic,
            angle,
        )
    hits = index.search(text, k=config.k, threshold=threshold)
    if hits:
        return _found(intent, hits, text, angle)
    return Resolution(intent, (), (), text, state.topic, angle)


def related_titles(resolution: Resolution, index: KnowledgeIndex) -> tuple[str, ...]:
    """Titles the top entry links to explicitly (prerequisites, then see also), for concept
    and problem replies; never entries that merely share words with it."""
    if resolution.intent not in ("concept", "problem") or not resolution.passages:
        return ()
    top = resolution.passages[0]
    shown = {p.slug for p in resolution.passages}
    titles = []
    for slug in dict.fromkeys((*top.prerequisites, *top.see_also)):
        linked = index.get(slug)
        if linked is not None and slug not in shown:
            titles.append(linked.title)
    return tuple(titles[:4])


def _found(
    intent: str, hits: Sequence[tuple[Passage, float]], query: str, angle: str
) -> Resolution:
    return Resolution(
        intent,
        tuple(p for p, _ in hits),
        tuple(s for _, s in hits),
        query,
        hits[0][0].slug,
        angle,
    )


def prompt_for(
    *,
    state: ChatState,
    text: str,
    resolution: Resolution,
    config: PipelineConfig,
    weak_topics: Sequence[str | NamedTopic] = (),
    task: TaskContext | None = None,
    related: Sequence[str] = (),
) -> list[BaseMessage]:
    """The messages for the model: persona, trimmed history, context block and the message."""
    previous = state.last_reply()
    is_retry = resolution.intent == "retry"
    context = PromptContext(
        intent=resolution.intent,
        passages=prompt_passages(
            resolution.passages, angle=resolution.angle or "explanation", facet=resolution.facet
        ),
        question=(state.last_question or text) if is_retry else text,
        topic=resolution.topic,
        previous_angle=previous.angle if (is_retry and previous) else None,
        previous_reply=summarise_reply(previous.text) if (is_retry and previous) else "",
        weak_topics=weak_topic_names(weak_topics, resolution.passages),
        no_topic=resolution.no_topic,
        facet=resolution.facet,
        task=task.to_prompt() if task is not None else None,
        related=tuple(related),
    )
    recent = [(t.role, t.text) for t in state.turns[-config.history_turns :]]
    return build_prompt(
        context=context, student_text=text, history=recent, history_budget=config.history_budget
    )


@dataclass(frozen=True)
class Prepared:
    """What the model is asked, and why: the turn's CPU work before the model call."""

    resolution: Resolution
    messages: list[BaseMessage]
    history_tokens: int


def prepare(
    *,
    state: ChatState,
    text: str,
    index: KnowledgeIndex,
    config: PipelineConfig,
    weak_topics: Sequence[str | NamedTopic] = (),
    task: TaskContext | None = None,
) -> Prepared:
    """Classify and resolve the message, then build the prompt. Pure CPU with the offline
    embedder (a long message: tens of milliseconds), so ``stream_reply`` runs it off the event
    loop. It reads ``state`` and changes nothing."""
    # Classification and retrieval see the message with over-long words cut: no word of the
    # knowledge base is that long, and a 2,000-digit "word" cost seconds of CPU.
    resolution = resolve(
        state=state, text=bounded_for_analysis(text), index=index, config=config, task=task
    )
    messages = prompt_for(
        state=state,
        text=text,
        resolution=resolution,
        config=config,
        weak_topics=weak_topics,
        task=task,
        related=related_titles(resolution, index),
    )
    return Prepared(resolution, messages, _history_tokens(messages))


# --------------------------------------------------------------------------------------------
# Streaming


def _map_error(exc: BaseException, secrets: Sequence[str]) -> TutorUnavailable:
    detail = redact(f"{type(exc).__name__}: {exc}", secrets)
    if isinstance(exc, TimeoutError):
        return TutorUnavailable("unavailable", TIMEOUT_MESSAGE, detail)
    status = getattr(exc, "status_code", None) or getattr(exc, "code", None)
    try:
        from langchain_core.exceptions import ModelRateLimitError

        rate_limited = isinstance(exc, ModelRateLimitError)
    except ImportError:  # pragma: no cover - older langchain-core
        rate_limited = False
    if rate_limited or status == 429:
        return TutorUnavailable("rate_limited", RATE_LIMITED_MESSAGE, detail)
    return TutorUnavailable("unavailable", UNAVAILABLE_MESSAGE, detail)


def _provider_errors() -> tuple[type[BaseException], ...]:
    """Exception types that mean "the provider failed", not "our code is wrong"."""
    errors: list[type[BaseException]] = [TimeoutError, ConnectionError, OSError]
    try:
        from langchain_core.exceptions import ModelAPIError, ModelError

        errors += [ModelAPIError, ModelError]
    except ImportError:  # pragma: no cover
        pass
    try:
        import httpx

        errors += [httpx.HTTPError, httpx.StreamError]
    except ImportError:  # pragma: no cover
        pass
    try:
        from google.genai import errors as genai_errors

        # A 200 whose body is not JSON (a gateway's HTML page) is the provider failing too.
        errors += [genai_errors.APIError, genai_errors.UnknownApiResponseError]
    except ImportError:  # pragma: no cover - only with langchain-google-genai
        pass
    return tuple(errors)


_PROVIDER_ERRORS: tuple[type[BaseException], ...] | None = None


def provider_errors() -> tuple[type[BaseException], ...]:
    """``_provider_errors()``, computed once per process. Its imports (the Google SDK, ~0.3 s)
    are best done in a worker thread first (``preload``): on the event loop they stalled every
    socket and page of the process during its first reply."""
    global _PROVIDER_ERRORS
    if _PROVIDER_ERRORS is None:
        _PROVIDER_ERRORS = _provider_errors()
    return _PROVIDER_ERRORS


def preload(model: str) -> None:
    """Everything a process's first reply would otherwise import on the event loop: the chat
    model's SDK and the provider error types. Run in a worker thread by the consumer."""
    from tutor.llm import preload_chat_model

    preload_chat_model(model)
    provider_errors()


async def stream_reply(
    *,
    state: ChatState,
    text: str,
    index: KnowledgeIndex,
    model: BaseChatModel,
    config: PipelineConfig,
    weak_topics: Sequence[str | NamedTopic] = (),
    task: TaskContext | None = None,
) -> AsyncGenerator[PipelineEvent, None]:
    """Yield ``Start``, then ``Token``s, then ``Done``; raise ``TutorUnavailable`` on failure.

    Cancellation (the student pressed stop, the socket closed) propagates as
    ``CancelledError`` and leaves ``state`` untouched.
    """
    errors = provider_errors()

    started = time.perf_counter()
    work = functools.partial(
        prepare,
        state=state,
        text=text,
        index=index,
        config=config,
        weak_topics=weak_topics,
        task=task,
    )
    if index.embeds_locally and len(text) <= INLINE_TEXT_CHARS:
        # A short question's work is bounded (~1–2 ms) and cheaper than the hop to a thread,
        # which lengthened the first-token tail of a burst of asks (README, "Tutor").
        prepared = work()
    else:
        # Off the event loop: the loop serves every socket and page of the process meanwhile.
        # A remote embedder's queries wait on the network, so they get the pool that waits.
        prepared = await (off_loop if index.embeds_locally else off_loop_waiting)(work)
    resolution, messages = prepared.resolution, prepared.messages
    yield Start(
        intent=resolution.intent,
        passages=resolution.passages,
        scores=resolution.scores,
        resolved_query=resolution.resolved_query,
        topic=resolution.topic,
        angle=resolution.angle,
        facet=resolution.facet,
    )

    pieces: list[str] = []
    # While a task is pending, every sentence is checked against its answer before it goes.
    answer_guard = AnswerGuard(task) if task is not None and task.pending else None
    prompt_tokens = completion_tokens = 0
    first_token_at: float | None = None
    asked_at = time.perf_counter()
    # The deadline covers only the waits for the model, never our own ``yield``: a timeout
    # that fired while the consumer is sending a frame would cancel the consumer instead,
    # and look like the student pressing stop.
    deadline = asyncio.get_running_loop().time() + config.deadline_s
    guard = PromptLeakGuard()
    stream = model.astream(messages).__aiter__()
    try:
        while True:
            try:
                async with asyncio.timeout_at(deadline):
                    chunk = await anext(stream)
            except StopAsyncIteration:
                break
            usage = getattr(chunk, "usage_metadata", None)
            if usage:
                # Chunk usages are deltas; their sum is the total (docs/architecture.md).
                prompt_tokens += int(usage.get("input_tokens", 0))
                completion_tokens += int(usage.get("output_tokens", 0))
            piece = guard.release(chunk.text)
            if guard.leaked:
                break  # stop the model: nothing more of this reply will be sent
            if answer_guard is not None:
                piece = answer_guard.release(piece)
            if not piece:
                continue
            if first_token_at is None:
                first_token_at = time.perf_counter()
            pieces.append(piece)
            yield Token(piece)
    except asyncio.CancelledError:
        raise
    except errors as exc:
        error = _map_error(exc, config.secrets)
        logger.warning("tutor model failed: %s", error.detail)
        raise error from None
    finally:
        # Release the provider's connection now on stop, error or deadline, not at GC.
        await _aclose(stream)

    rest = guard.finish()
    if answer_guard is not None and not guard.leaked:
        rest = answer_guard.release(rest) + answer_guard.finish()
    if rest:
        pieces.append(rest)
        yield Token(rest)
    if guard.leaked:
        # The reply repeated the system prompt: replace it. The done frame's html replaces
        # whatever the page showed, and the services store only this text.
        logger.warning("tutor reply withheld: it repeated the system prompt")
        pieces = [PROMPT_LEAK_REPLY]
        yield Token(PROMPT_LEAK_REPLY)
    finished = time.perf_counter()
    # The sources are listed once, by the done frame (its html replaces what streamed).
    reply = without_source_line("".join(pieces))
    if not reply.strip():
        # A stream that ended without a word (blocked by safety filters, say) is no answer.
        raise TutorUnavailable("unavailable", UNAVAILABLE_MESSAGE, "empty reply")
    if not prompt_tokens:
        from langchain_core.messages.utils import count_tokens_approximately

        prompt_tokens = count_tokens_approximately(messages)
    if not completion_tokens:
        completion_tokens = max(1, len(reply) // 4)

    _remember(state, text=text, reply=reply, resolution=resolution)
    yield Done(
        text=reply,
        usage=Usage(prompt_tokens=prompt_tokens, completion_tokens=completion_tokens),
        ttft_ms=((first_token_at or finished) - started) * 1000,
        total_ms=(finished - started) * 1000,
        overhead_ms=(asked_at - started) * 1000,
        intent=resolution.intent,
        sources=tuple(p.title for p in resolution.passages),
        prompt_history_tokens=prepared.history_tokens,
        facet=resolution.facet,
        answer_withheld=answer_guard.replaced if answer_guard is not None else 0,
    )


async def _aclose(stream: object) -> None:
    aclose = getattr(stream, "aclose", None)
    if aclose is None:
        return
    try:
        await aclose()
    except Exception:  # closing a broken stream must not mask the real error
        logger.debug("closing the model stream failed", exc_info=True)


def _history_tokens(messages: Sequence[BaseMessage]) -> int:
    from tutor.llm import history_tokens

    return history_tokens(messages)


def _remember(state: ChatState, *, text: str, reply: str, resolution: Resolution) -> None:
    """Update the chat state after a complete reply (the caller persists the same facts)."""
    slugs = tuple(p.slug for p in resolution.passages)
    state.turns.append(Turn("user", text, intent=resolution.intent))
    state.turns.append(
        Turn(
            "assistant",
            reply,
            intent=resolution.intent,
            passages=slugs,
            angle=resolution.angle,
            facet=resolution.facet,
        )
    )
    if resolution.topic is not None:
        state.topic = resolution.topic
    if resolution.intent not in ("retry", "greeting", "off_topic"):
        state.last_question = text
        state.last_intent = resolution.intent
