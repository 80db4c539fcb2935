"""The prompt contract: the final human message every model reads (no Django, no I/O).

It holds

- a ``<tutor_context>`` block: a fenced JSON object with the intent, the retrieved passages
  (title, slug, the angle to use and its text) and a few flags. Gemini reads it as reference
  material; ``OfflineTutorModel`` parses it to compose its answer. Passages are data an admin
  typed, so they are marked untrusted;
- a ``<student_message>`` block with the student's text, also untrusted.

``tutor.llm`` writes it (``build_prompt``) and ``tutor.offline_model`` reads it
(``parse_final_message``); both import it from here, so neither imports the other.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from langchain_core.messages import HumanMessage

# What a reply says when a physics question has no passages (the persona asks for it verbatim).
NOT_IN_NOTES = "I don't have notes on that in my knowledge base."

CONTEXT_OPEN = "<tutor_context>"
CONTEXT_CLOSE = "</tutor_context>"
STUDENT_OPEN = "<student_message>"
STUDENT_CLOSE = "</student_message>"
_CONTEXT_BLOCK = re.compile(
    re.escape(CONTEXT_OPEN) + r"\s*```json\n(?P<json>.*?)\n```\s*" + re.escape(CONTEXT_CLOSE),
    re.DOTALL,
)
_STUDENT_BLOCK = re.compile(
    re.escape(STUDENT_OPEN) + r"\n(?P<text>.*?)\n" + re.escape(STUDENT_CLOSE), re.DOTALL
)
_DELIMITERS = re.compile(r"</?\s*(?:tutor_context|student_message)\s*>", re.IGNORECASE)


@dataclass(frozen=True)
class PromptPassage:
    """One passage as the prompt carries it: which angle of the entry and its text."""

    slug: str
    title: str
    topic: str
    angle: str
    text: str
    # The passage's facets that answer the question (``FACETS_FOR``), by facet name.
    facets: dict[str, Any] | None = None


# Which facets of a passage go into the prompt for each facet asked.
FACETS_FOR: dict[str, tuple[str, ...]] = {
    "define": ("definition", "formula"),
    "why": ("why", "definition"),
    "compute": ("formula", "worked", "definition"),
    "applications": ("applications", "definition"),
    "compare": ("definition", "formula", "why"),
    "misconception": ("misconceptions", "definition", "why"),
    "example": ("worked", "applications"),
    "simpler": ("definition",),
    "hint": ("definition", "formula"),
    "solution": ("formula",),
}


def passage_facets(passage: Any, names: Sequence[str]) -> dict[str, Any]:
    """The named facets of ``passage`` that it has (empty ones are left out)."""
    out: dict[str, Any] = {}
    for name in names:
        if name == "formula":
            if getattr(passage, "formula_expression", ""):
                out["formula"] = {
                    "expression": passage.formula_expression,
                    "symbols": [
                        {"symbol": s, "meaning": m, "unit": u}
                        for s, m, u in passage.formula_symbols
                    ],
                }
            continue
        value = getattr(passage, name, None)
        if value:
            out[name] = list(value) if isinstance(value, tuple) else value
    return out


@dataclass(frozen=True)
class PromptContext:
    """Everything the model needs besides the conversation. Serialised into the prompt."""

    intent: str
    passages: tuple[PromptPassage, ...] = ()
    question: str = ""  # the question being answered (for a retry: the earlier one)
    topic: str | None = None  # the chat's current topic slug
    previous_angle: str | None = None  # retry: the angle of the reply being replaced
    previous_reply: str = ""  # retry: a one-sentence summary of that reply
    weak_topics: tuple[str, ...] = ()  # topics the student's practice shows as weak
    no_topic: bool = False  # a follow-up arrived before any topic was discussed
    facet: str | None = None  # what the question asks for (tutor.facets)
    task: dict[str, Any] | None = None  # the practice task the chat is about (task_help)
    related: tuple[str, ...] = ()  # titles the top entry links to (prerequisites, see also)

    def to_json(self) -> str:
        data: dict[str, Any] = {
            "intent": self.intent,
            "question": self.question,
            "topic": self.topic,
            "passages": [
                {
                    "title": p.title,
                    "slug": p.slug,
                    "topic": p.topic,
                    "angle": p.angle,
                    "text": p.text,
                    **({"facets": p.facets} if p.facets else {}),
                }
                for p in self.passages
            ],
        }
        if self.intent == "retry":
            data["previous_angle"] = self.previous_angle
            data["previous_reply"] = self.previous_reply
        if self.weak_topics:
            data["weak_topics"] = list(self.weak_topics)
        if self.no_topic:
            data["no_topic"] = True
        if self.facet:
            data["facet"] = self.facet
        if self.task:
            data["task"] = self.task
        if self.related:
            data["related"] = list(self.related)
        # Escaping backticks keeps a passage from closing the fence, and dropping our block
        # delimiters keeps it from closing the block; the JSON stays valid.
        return untrusted(json.dumps(data, ensure_ascii=False).replace("`", "\\u0060"))

    @classmethod
    def from_json(cls, raw: str) -> PromptContext:
        data = json.loads(raw)
        return cls(
            intent=str(data.get("intent", "concept")),
            passages=tuple(
                PromptPassage(
                    slug=str(p.get("slug", "")),
                    title=str(p.get("title", "")),
                    topic=str(p.get("topic", "")),
                    angle=str(p.get("angle", "explanation")),
                    text=str(p.get("text", "")),
                    facets=p.get("facets") if isinstance(p.get("facets"), dict) else None,
                )
                for p in data.get("passages", ())
            ),
            question=str(data.get("question", "")),
            topic=data.get("topic"),
            previous_angle=data.get("previous_angle"),
            previous_reply=str(data.get("previous_reply", "")),
            weak_topics=tuple(data.get("weak_topics", ())),
            no_topic=bool(data.get("no_topic", False)),
            facet=data.get("facet"),
            task=data.get("task") if isinstance(data.get("task"), dict) else None,
            related=tuple(str(t) for t in data.get("related", ()) or ()),
        )


def untrusted(text: str) -> str:
    """Remove our block delimiters from untrusted text so it cannot close its block early."""
    return _DELIMITERS.sub("", text)


def final_message(context: PromptContext, student_text: str) -> HumanMessage:
    body = (
        f"{CONTEXT_OPEN}\n```json\n{context.to_json()}\n```\n{CONTEXT_CLOSE}\n"
        f"{STUDENT_OPEN}\n{untrusted(student_text).strip()}\n{STUDENT_CLOSE}"
    )
    return HumanMessage(content=body)


def parse_final_message(text: str) -> tuple[PromptContext | None, str]:
    """The context block and the student's text from a final message (None if absent)."""
    match = _CONTEXT_BLOCK.search(text)
    context = None
    if match:
        try:
            context = PromptContext.from_json(match.group("json"))
        except (ValueError, TypeError, AttributeError):
            context = None
    student = _STUDENT_BLOCK.search(text)
    return context, (student.group("text") if student else text)
