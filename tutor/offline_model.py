"""``OfflineTutorModel``: a real LangChain chat model that answers from the knowledge base.

It needs no network and no weights. It reads the ``<tutor_context>`` block that
``tutor.llm.build_prompt`` puts in the last human message (the intent, the passages and their
angle) and composes the answer from the passages, so it follows the same prompt contract as
Gemini and exercises the same pipeline: streaming, usage accounting and cancellation included.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import AsyncIterator, Iterator
from typing import Any

from langchain_core.callbacks import AsyncCallbackManagerForLLMRun, CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage, HumanMessage
from langchain_core.messages.ai import UsageMetadata
from langchain_core.messages.utils import count_tokens_approximately
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult

from tutor.compose import facet_reply, formula_block, task_reply
from tutor.off_loop import off_loop
from tutor.prompts import NOT_IN_NOTES, PromptContext, PromptPassage, parse_final_message

__all__ = ["NOT_IN_NOTES", "OfflineTutorModel", "compose_reply"]

# The prompt size (characters) up to which the offline model composes on the event loop.
INLINE_PROMPT_CHARS = 6_000

# A streamed chunk: a few words at a time (up to ~CHUNK_CHARS), as a provider's stream sends
# several tokens per event. One chunk per word cost a LangChain message object per word, which
# under a burst of replies was most of the event loop's work.
_PIECE = re.compile(r"(?:\S+\s*){1,4}|\s+")
_NOT_SLUG = re.compile(r"[^a-z0-9]+")
# The stream yields to the event loop once this much time has passed since it last did (every
# few words): often enough that "stop", a new question and other sockets get a turn within a
# fraction of a millisecond per reply in flight, without an event-loop round per word.
YIELD_EVERY_SECONDS = 0.0005

GREETING_REPLY = (
    "Hi! I'm your StudySmart physics tutor. Ask me about a concept (for example *\"what is "
    'quantum coherence?"*), then ask for **an example**, **a simpler explanation** or **another '
    "angle**. You can also paste a problem and I'll help you set it up step by step."
)
THANKS_REPLY = (
    "You're welcome! Ask me anything else about physics whenever you like — a concept, an "
    "example or a problem to set up."
)
BYE_REPLY = "Bye for now, and good luck with your practice! Come back any time with a question."
OFF_TOPIC_REPLY = (
    "That's outside what I can help with: I'm a physics tutor. Ask me about a physics concept "
    "(say, *Newton's second law* or *quantum coherence*), ask for an example, or paste a physics "
    "problem and I'll help you set it up."
)
NO_TOPIC_REPLY = (
    "Happy to, but first tell me which concept you mean: ask me about a physics topic (for "
    'example *"what is momentum?"*) and then ask for an example, a simpler explanation or '
    "another angle."
)
CANNOT_COMPUTE = (
    "*I'm the offline tutor, so I set problems up but don't do the arithmetic: substitute your "
    "numbers, keep the units, and check the size of the answer makes sense.*"
)

_GIVEN = re.compile(
    r"(?:(?:[a-zA-Z]\w{0,2})\s*=\s*)?-?\d+(?:\.\d+)?(?:e-?\d+)?\s*(?:[a-zA-Zµ/^\d]+(?:/[a-zA-Z^\d]+)?)?"
)
_FIND = re.compile(
    r"(?:find|calculate|compute|determine|work out|what(?:'s| is| was)?|how)\s+"
    r"(?P<what>(?:[^,.?;]|\.(?=\d))+)",
    re.IGNORECASE,
)
_DISPLAY_MATH = re.compile(r"\$\$(.+?)\$\$", re.DOTALL)
_INLINE_MATH = re.compile(r"(?<!\$)\$([^$]+)\$(?!\$)")


def _slug(name: str) -> str:
    return _NOT_SLUG.sub("-", name.lower()).strip("-")


def _problem_setup(question: str, passage: PromptPassage) -> str:
    givens = [g.strip() for g in _GIVEN.findall(question) if re.search(r"\d", g)]
    givens = [g for g in givens if not re.fullmatch(r"\d+(?:st|nd|rd|th)", g)]
    find = _FIND.search(question)
    what = find.group("what").strip() if find else "the unknown quantity the question asks for"
    facet_formula = formula_block((passage.facets or {}).get("formula"))
    formula = _DISPLAY_MATH.search(passage.text) or _INLINE_MATH.search(passage.text)
    if facet_formula:
        formula_text = facet_formula.replace("\n\n", " ")
    elif formula:
        formula_text = f"$${formula.group(1).strip().rstrip('.,')}$$"
    else:
        formula_text = "the relation from the notes above that links the givens to the unknown"
    given_text = ", ".join(givens) if givens else "the quantities stated in the question"
    return (
        "**Approach**\n\n"
        f"- **Given:** {given_text}\n"
        f"- **Find:** {what}\n"
        f"- **Formula:** {formula_text}\n"
        "- **Steps:**\n"
        "  1. Convert every given to SI units and sketch the situation.\n"
        "  2. Pick the formula that links the givens to the unknown.\n"
        "  3. Rearrange it for the unknown before substituting numbers.\n"
        "  4. Substitute, then check the units and whether the size is sensible."
    )


def compose_reply(context: PromptContext | None, student_text: str) -> str:
    """The offline tutor's whole answer for a parsed prompt (also used by tests)."""
    said = student_text.strip().lower()
    if context is None:
        return OFF_TOPIC_REPLY if said else GREETING_REPLY
    intent = context.intent
    if intent == "greeting":
        if re.search(r"\b(?:thanks?|thank you|ty|thx|cheers|helped|got it)\b", said):
            return THANKS_REPLY
        if re.search(r"\b(?:bye|goodbye|see you|see ya|later)\b", said):
            return BYE_REPLY
        return GREETING_REPLY
    if intent == "off_topic":
        return OFF_TOPIC_REPLY
    if not context.passages:
        if context.no_topic:
            return NO_TOPIC_REPLY
        # Plainly say so rather than invent an answer.
        return (
            f"{NOT_IN_NOTES} Rather than guess, I'd suggest your textbook or teacher for this "
            "one, or ask me about a related concept I do cover."
        )

    top = context.passages[0]
    if context.task is not None:
        return task_reply(context)
    body = top.text.strip()
    lead = facet_reply(context)
    if intent == "example":
        text = f"Here's an example of **{top.title}**.\n\n{body}"
        if lead and context.facet == "applications":
            text = f"{lead}\n\n{text}"
    elif intent == "simpler":
        text = f"In simpler terms:\n\n{body}"
    elif intent == "retry":
        text = f"Let me try a different angle on **{top.title}**.\n\n"
        text += f"{lead}\n\n{body}" if lead else body
    elif intent == "problem":
        question = context.question or student_text
        text = (
            f"Let's set this up. The key idea is **{top.title}**: {_first_sentence(top)}\n\n"
            f"{_problem_setup(question, top)}\n\n{CANNOT_COMPUTE}"
        )
    elif lead and context.facet == "compare":
        text = lead
    elif lead and context.facet == "define":
        text = f"{lead}\n\n{body}"
    elif lead:
        text = lead
    else:
        text = body
    if context.related and intent in ("concept", "problem"):
        text += "\n\nRelated notes: " + ", ".join(context.related) + "."
    # No "Source:" line: the reply's sources are listed once, under it, from the done frame.
    return text


def _first_sentence(passage: PromptPassage) -> str:
    definition = (passage.facets or {}).get("definition")
    if definition:
        return str(definition)
    match = re.match(r"(.+?[.!?])(?:\s|$)", passage.text.strip(), re.DOTALL)
    return (match.group(1) if match else passage.text.strip()).strip()


def _last_human_text(messages: list[BaseMessage]) -> str:
    for message in reversed(messages):
        if isinstance(message, HumanMessage):
            return message.text
    return ""


class OfflineTutorModel(BaseChatModel):
    """Answers from the passages in its prompt; streams word by word like a remote model."""

    @property
    def _llm_type(self) -> str:
        return "studysmart-offline-tutor"

    @property
    def _identifying_params(self) -> dict[str, Any]:
        return {"model_name": "studysmart-offline-tutor"}

    def _answer(self, messages: list[BaseMessage]) -> tuple[str, UsageMetadata]:
        context, student_text = parse_final_message(_last_human_text(messages))
        text = compose_reply(context, student_text)
        prompt_tokens = count_tokens_approximately(messages)
        completion_tokens = count_tokens_approximately([AIMessage(content=text)])
        usage = UsageMetadata(
            input_tokens=prompt_tokens,
            output_tokens=completion_tokens,
            total_tokens=prompt_tokens + completion_tokens,
        )
        return text, usage

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        text, usage = self._answer(messages)
        message = AIMessage(content=text, usage_metadata=usage)
        return ChatResult(generations=[ChatGeneration(message=message)])

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        text, usage = self._answer(messages)
        pieces = _PIECE.findall(text) or [""]
        for i, piece in enumerate(pieces):
            last = i == len(pieces) - 1
            chunk = ChatGenerationChunk(
                message=AIMessageChunk(content=piece, usage_metadata=usage if last else None)
            )
            if run_manager:
                run_manager.on_llm_new_token(piece, chunk=chunk)
            yield chunk

    async def _astream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: AsyncCallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> AsyncIterator[ChatGenerationChunk]:
        # Composing is CPU work on the prompt (parsing it, counting its tokens): ~0.1 ms for
        # the usual few thousand characters, on the loop, less than a thread hop costs; a
        # prompt past INLINE_PROMPT_CHARS (a long history, a pasted problem) composes off it.
        if sum(len(str(m.content)) for m in messages) <= INLINE_PROMPT_CHARS:
            text, usage = self._answer(messages)
        else:
            text, usage = await off_loop(self._answer, messages)
        pieces = _PIECE.findall(text) or [""]
        yielded_at = time.perf_counter()
        for i, piece in enumerate(pieces):
            last = i == len(pieces) - 1
            # Usage rides on the last chunk, as the provider integrations do; chunk usages are
            # summed by LangChain, so earlier chunks carry none.
            chunk = ChatGenerationChunk(
                message=AIMessageChunk(content=piece, usage_metadata=usage if last else None)
            )
            if run_manager:
                await run_manager.on_llm_new_token(piece, chunk=chunk)
            yield chunk
            if not last and time.perf_counter() - yielded_at >= YIELD_EVERY_SECONDS:
                # Yield to the loop so "stop" (task cancellation) and other sockets get a
                # turn, as with a network stream. Cancellation lands here and simply unwinds
                # the generator: there is nothing to clean up.
                await asyncio.sleep(0)
                yielded_at = time.perf_counter()
