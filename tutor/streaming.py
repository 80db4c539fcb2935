"""The reply stream: the one entry point for a reply.

``stream_reply`` is shared by the websocket consumer and the HTTP API. It reads everything it
needs from the database in one hop before the model is asked (``tutor.turns.claim_turn``),
runs ``tutor.pipeline.stream_reply`` with no connection or transaction held, and saves the
outcome in one hop after it (``tutor.turns.finish_turn``) — whether the reply completed, was
stopped (task cancelled or generator closed) or failed.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import weakref
from collections.abc import AsyncGenerator, Sequence
from contextlib import aclosing
from typing import TYPE_CHECKING, Any

from django.conf import settings

from mlmodels.weak_topics import WeakTopic
from tutor.chats import db_hop
from tutor.errors import TutorError
from tutor.models import ChatMessage
from tutor.turns import (
    Outcome,
    ReplyDone,
    ReplyEvent,
    ReplyStart,
    ReplyToken,
    SessionCheck,
    Turn,
    check_text,
    claim_turn,
    finish_turn,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from langchain_core.language_models import BaseChatModel

    from tutor.pipeline import Done, PipelineConfig, Start

logger = logging.getLogger(__name__)

RETRY_TEXT = "Try again"


def practice_offer(
    *, intent: str, topic: str | None, weak: Sequence[WeakTopic]
) -> WeakTopic | None:
    """The topic a reply suggests practising, if any.

    On a concept or problem reply (once per question: under every follow-up it would nag),
    only when the topic the reply is about is one of the student's weak topics: a suggestion
    about another topic reads as noise. ``topic`` is the topic slug of the reply's top passage.
    """
    if not weak or intent not in ("concept", "problem"):
        return None
    return next((t for t in weak if t.slug == topic), None)


def practice_link_markdown(offer: WeakTopic) -> str:
    """The line a reply ends with: a link to the page that assigns tasks of ``offer``."""
    return f"\n\n[Practise {offer.name} now →]({offer.practice_url})"


# A reply already streaming waits this long at most for the replies still waiting for their
# first token (so under any load it keeps moving).
MAX_YIELD_TO_NEW_REPLIES_SECONDS = 0.25


class FirstTokenGate:
    """New replies go first: while any reply in this process still waits for its first token,
    replies that are already streaming pause between tokens (for at most
    ``MAX_YIELD_TO_NEW_REPLIES_SECONDS`` at a time).

    The event loop and the GIL are shared by every socket. Without this, a reply's start (its
    database hop and the pipeline) queues behind every token of every reply in flight, so a
    burst of questions waits for all their answers to be nearly written. With it the rest of a
    reply arrives a little later under load, and its first token much sooner (the usual
    "prefill first" rule of LLM servers).
    """

    def __init__(self) -> None:
        self.waiting = 0
        self.clear = asyncio.Event()
        self.clear.set()

    def enter(self) -> None:
        self.waiting += 1
        self.clear.clear()

    def leave(self) -> None:
        self.waiting -= 1
        if self.waiting <= 0:
            self.waiting = 0
            self.clear.set()

    async def give_way(self) -> None:
        if not self.waiting:
            return
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(MAX_YIELD_TO_NEW_REPLIES_SECONDS):
                await self.clear.wait()


# One per event loop (daphne has one; tests start a loop per test).
_GATES: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, FirstTokenGate] = (
    weakref.WeakKeyDictionary()
)


def first_token_gate() -> FirstTokenGate:
    loop = asyncio.get_running_loop()
    gate = _GATES.get(loop)
    if gate is None:
        gate = _GATES[loop] = FirstTokenGate()
    return gate


def chat_model() -> BaseChatModel:
    """The configured chat model, built once per process (per event loop) and then awaited."""
    from tutor.llm import build_chat_model

    return build_chat_model(
        model=settings.TUTOR_MODEL,
        api_key=settings.GOOGLE_API_KEY or None,
        timeout_s=float(settings.TUTOR_TIMEOUT_SECONDS),
        max_retries=int(settings.TUTOR_MAX_RETRIES),
        base_url=settings.TUTOR_BASE_URL or None,
    )


def pipeline_config() -> PipelineConfig:
    from tutor.pipeline import PipelineConfig

    return PipelineConfig(
        deadline_s=float(settings.TUTOR_TIMEOUT_SECONDS),
        history_budget=int(settings.TUTOR_HISTORY_TOKEN_BUDGET),
        secrets=tuple(s for s in (settings.GOOGLE_API_KEY,) if s),
    )


async def stream_reply(
    *,
    chat_id: Any,
    student: User,
    text: str | None = None,
    retry: bool = False,
    session: SessionCheck | None = None,
) -> AsyncGenerator[ReplyEvent, None]:
    """Answer one message in a chat: yield ``ReplyStart``, ``ReplyToken``s, then ``ReplyDone``.

    ``retry=True`` asks for another take on the last answer (the earlier reply is kept and
    marked superseded once the new one completes). Raises ``TutorError`` before any event
    for a bad, rate-limited or busy request, and after ``ReplyStart`` when the model fails
    (the partial reply is stored with status ``error``). Cancelling the consuming task or
    closing the generator stores what was streamed with status ``stopped``. With ``session``
    (a socket's), the session is re-read in the same database hop first: ``SessionEnded``
    before any event when the login behind it has ended.
    """
    message = RETRY_TEXT if retry else check_text(text)
    gate = first_token_gate()
    gate.enter()
    waiting = True
    try:
        events = _stream_reply(
            chat_id=chat_id, student=student, message=message, retry=retry, session=session
        )
        async with aclosing(events):
            async for event in events:
                if isinstance(event, ReplyToken):
                    if waiting:
                        waiting = False
                        gate.leave()
                    else:
                        await gate.give_way()
                yield event
    finally:
        if waiting:
            gate.leave()


async def _stream_reply(
    *, chat_id: Any, student: User, message: str, retry: bool, session: SessionCheck | None
) -> AsyncGenerator[ReplyEvent, None]:
    from tutor.pipeline import Done, Start, Token, TutorUnavailable
    from tutor.pipeline import stream_reply as pipeline_stream

    claim = asyncio.ensure_future(
        db_hop(claim_turn)(chat_id=chat_id, student=student, text=message, session=session)
    )
    try:
        turn = await asyncio.shield(claim)
    except asyncio.CancelledError:
        # Stopped while claiming: the claim finishes in its thread, so give the slot back.
        with contextlib.suppress(Exception):
            claimed = await claim
            stopped = Outcome(ChatMessage.Status.STOPPED, "", None, None, None, 0.0)
            await db_hop(finish_turn)(turn=claimed, outcome=stopped)
        raise

    began = time.perf_counter()
    first_at: float | None = None
    pieces: list[str] = []
    start: Start | None = None
    done: Done | None = None
    status = ChatMessage.Status.ERROR
    failure: TutorError | None = None
    delay = settings.TUTOR_STREAM_DELAY_SECONDS
    saved: ReplyDone | None = None
    offer: WeakTopic | None = None
    link = ""
    try:
        events = pipeline_stream(
            state=turn.state,
            text=message,
            index=turn.index,
            model=chat_model(),
            config=pipeline_config(),
            weak_topics=turn.weak_topics,
            task=turn.task,
        )
        async with aclosing(events):
            async for event in events:
                if isinstance(event, Token):
                    if first_at is None:
                        first_at = time.perf_counter()
                    pieces.append(event.text)
                    yield ReplyToken(turn.reply_id, event.text)
                    if delay:
                        # Pacing for demos and human-speed tests: per word, whatever the chunking.
                        await asyncio.sleep(delay * max(1, len(event.text.split())))
                elif isinstance(event, Start):
                    start = event
                    top = event.passages[0].topic if event.passages else None
                    offer = (
                        practice_offer(intent=event.intent, topic=top, weak=turn.weak_topics)
                        if turn.task is None
                        else None
                    )
                    yield ReplyStart(
                        turn.chat_id, turn.reply_id, turn.user_message_id, event.intent
                    )
                elif isinstance(event, Done):
                    done = event
        if offer is not None and done is not None:
            # The link is ours, not the model's: whatever the model said, the reply ends
            # with a real practice action for the topic ("linked to practice").
            link = practice_link_markdown(offer)
            yield ReplyToken(turn.reply_id, link)
        status = ChatMessage.Status.COMPLETE
    except TutorUnavailable as exc:
        failure = TutorError("unavailable", exc.message)
    except (asyncio.CancelledError, GeneratorExit):
        status = ChatMessage.Status.STOPPED
        raise
    except Exception:
        logger.exception("tutor reply failed in chat %s", turn.chat_id)
        failure = TutorError("internal")
    finally:
        elapsed = (time.perf_counter() - began) * 1000
        complete = status == ChatMessage.Status.COMPLETE
        outcome = Outcome(
            status=status,
            # The model's reply as the pipeline settled it (it may withhold what streamed).
            text=done.text + link if done else "".join(pieces),
            start=start,
            done=done,
            ttft_ms=done.ttft_ms if done else ((first_at - began) * 1000 if first_at else None),
            total_ms=done.total_ms if done else elapsed,
            practice=offer if complete else None,
        )
        saved = await _save_outcome(turn, outcome)
        _log_turn(turn, saved, status)
    if failure is not None:
        raise failure
    yield saved


async def _save_outcome(turn: Turn, outcome: Outcome) -> ReplyDone:
    """Save how the reply ended, even if the task is cancelled meanwhile.

    A stop that lands during the save of a *complete* reply is too late: the reply stays
    complete and the task carries on to yield its done frame, so the page, the database and a
    reconnect agree (the consumer answers that stop with "nothing to stop"). Any other
    cancellation is re-raised once the save is done, never before it.
    """
    save = asyncio.ensure_future(db_hop(finish_turn)(turn=turn, outcome=outcome))
    cancelled = False
    while True:
        try:
            saved = await asyncio.shield(save)
            break
        except asyncio.CancelledError:
            if save.cancelled():
                raise
            cancelled = True
    if cancelled:
        task = asyncio.current_task()
        if outcome.status == ChatMessage.Status.COMPLETE and task is not None:
            task.uncancel()
        else:
            raise asyncio.CancelledError
    return saved


def _log_turn(turn: Turn, saved: ReplyDone, status: str) -> None:
    # Never the message text at INFO: students type personal things into chat boxes.
    fields = {
        "chat_id": turn.chat_id,
        "message_id": turn.reply_id,
        "status": status,
        "intent": saved.intent,
        "passages": [s["slug"] for s in saved.sources],
        "prompt_tokens": saved.prompt_tokens,
        "completion_tokens": saved.completion_tokens,
        "ttft_ms": round(saved.ttft_ms, 1),
        "total_ms": round(saved.total_ms, 1),
    }
    logger.info(
        "tutor turn %s", " ".join(f"{k}={v}" for k, v in fields.items()), extra={"tutor": fields}
    )


async def ask(*, chat_id: Any, student: User, text: str | None, retry: bool = False) -> ReplyDone:
    """The whole reply at once (the HTTP API): ``stream_reply`` drained."""
    result: ReplyDone | None = None
    async with aclosing(
        stream_reply(chat_id=chat_id, student=student, text=text, retry=retry)
    ) as events:
        async for event in events:
            if isinstance(event, ReplyDone):
                result = event
    if result is None:  # pragma: no cover - stream_reply always ends with done or raises
        raise TutorError("internal")
    return result
