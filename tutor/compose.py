"""How the offline tutor composes a reply from the facets of its passages (no Django, no I/O).

``OfflineTutorModel`` parses the prompt's context block and calls ``facet_reply`` for the facet
asked (docs/tutor.md), or ``task_reply`` in a chat about a practice task. Each part reads the
facets the prompt carries (``tutor.prompts.FACETS_FOR``) and falls back to the passage's text when
an entry has no such facet yet.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from tutor.prompts import PromptContext, PromptPassage


def _facets(passage: PromptPassage) -> dict[str, Any]:
    return passage.facets or {}


def _first_sentence(text: str) -> str:
    plain = text.strip()
    match = re.match(r"(.+?[.!?])(?:\s|$)", plain, re.DOTALL)
    return (match.group(1) if match else plain).strip()


def formula_block(formula: dict[str, Any] | None) -> str:
    """The formula displayed, then "where" and every symbol with its meaning and unit."""
    if not formula or not formula.get("expression"):
        return ""
    lines = [f"$${formula['expression']}$$"]
    symbols = formula.get("symbols") or []
    if symbols:
        parts = []
        for s in symbols:
            unit = f" (in {s['unit']})" if s.get("unit") and s["unit"] != "1" else ""
            parts.append(f"${s['symbol']}$ is {s['meaning']}{unit}")
        lines.append("where " + "; ".join(parts) + ".")
    return "\n\n".join(lines)


def _definition(passage: PromptPassage) -> str:
    return str(_facets(passage).get("definition") or _first_sentence(passage.text))


def _bullets(items: Sequence[str]) -> str:
    return "\n".join(f"- {item}" for item in items)


def facet_reply(context: PromptContext) -> str | None:
    """The lead of a reply for the facet asked, or None to answer from the passage text alone."""
    if not context.passages or context.facet is None:
        return None
    top = context.passages[0]
    f = _facets(top)
    facet = context.facet
    title = top.title
    if facet == "define":
        parts = [f"**{title}**: {f['definition']}" if f.get("definition") else ""]
        return "\n\n".join(p for p in parts if p) or None
    if facet == "why":
        if not f.get("why"):
            return None
        return f"**Why — {title}.** {f['why']}"
    if facet == "compute":
        block = formula_block(f.get("formula"))
        worked = f.get("worked")
        if not block and not worked:
            return None
        parts = [f"**How to calculate it — {title}.**"]
        if block:
            parts.append(block)
        if worked:
            parts.append(f"**Worked example:** {worked}")
        return "\n\n".join(parts)
    if facet == "applications":
        uses = f.get("applications")
        if not uses:
            return None
        return f"**Where {title.lower()} is used:**\n\n{_bullets(uses)}"
    if facet == "misconception":
        wrong = f.get("misconceptions")
        if not wrong:
            return None
        return f"**Common misconceptions about {title.lower()}:**\n\n{_bullets(wrong)}"
    if facet == "compare":
        if len(context.passages) >= 2:
            a, b = context.passages[0], context.passages[1]
            lines = [f"**{a.title} vs {b.title}**", ""]
            for p in (a, b):
                block = formula_block(_facets(p).get("formula"))
                lines.append(f"- **{p.title}**: {_definition(p)}")
                if block:
                    lines.append(f"\n{block}\n")
            return "\n".join(lines).strip()
        return None
    if facet == "example" and f.get("worked") and context.intent == "retry":
        return f"**A worked example — {title}.** {f['worked']}"
    if facet == "simpler":
        return None
    return None


def task_reply(context: PromptContext) -> str:
    """A hint on a pending task (concept, what was tried, the next step), or the solution and
    the student's mistake once it is completed. The answer guard still checks every sentence."""
    task = context.task or {}
    title = task.get("title") or "this task"
    top = context.passages[0] if context.passages else None
    lines: list[str] = []
    if task.get("status") == "pending":
        lines.append(f"Let's work on **{title}** step by step — I'll give hints, not the answer.")
        attempts = [a for a in task.get("attempts") or [] if a]
        if attempts:
            lines.append(
                "You've tried this before (" + ", ".join(attempts) + "): start again from the "
                "idea below rather than from your old number."
            )
        if top is not None:
            lines.append(f"**The concept:** {top.title} — {_definition(top)}")
            block = formula_block(_facets(top).get("formula"))
            if block:
                lines.append(block)
        if task.get("next_step"):
            lines.append(f"**Next step:** {task['next_step']}")
        else:
            lines.append(
                "**Next step:** you have every step now — substitute your numbers, keep the "
                "units, and check whether the size of the result makes sense."
            )
        lines.append("Ask for another hint when you're ready for the step after.")
        return "\n\n".join(lines)
    lines.append(f"Here's how **{title}** is solved.")
    if task.get("solution"):
        lines.append(str(task["solution"]))
    answer, right = task.get("student_answer"), task.get("correct_answer")
    if task.get("is_correct"):
        lines.append(f"You answered {answer}, which is right. Well done.")
    elif answer:
        mistake = task.get("mistake") or ""
        lines.append(f"You answered {answer}; the correct answer is {right}. {mistake}".strip())
    return "\n\n".join(lines)
