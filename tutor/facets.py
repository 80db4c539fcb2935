"""What a student's question asks for — its facet — read from its wording (no model call).

The intent says what kind of turn it is (SPEC's seven values); the facet says which part of a
concept answers it. The ``done`` frame carries both; docs/tutor.md lists the facets:

``define``  what it is (the one-line definition, then the explanation)
``why``  the cause or mechanism ("why does…", "how does … work")
``compute``  the formula with its symbols and units, a worked calculation (word problems too)
``applications``  where it is used
``compare``  two concepts side by side ("speed vs velocity")
``misconception``  a common wrong idea checked ("do heavier things fall faster?")
``example``  a concrete example
``simpler``  an everyday analogy, little maths
``hint``  the next step of a task, never its answer
``solution``  a completed task's solution and the student's mistake
"""

from __future__ import annotations

import re

FACETS = (
    "define",
    "why",
    "compute",
    "applications",
    "compare",
    "misconception",
    "example",
    "simpler",
    "hint",
    "solution",
)

_HINT = re.compile(
    r"\b(?:hint|clue|stuck|first step|next step|where do i start|how do i start|what should i do"
    r"|which (?:formula|equation|law) (?:do|should) i|what do i do|nudge)\b"
)
_APPLICATIONS = re.compile(
    r"\b(?:used? (?:for|in)|uses|useful|applications?|applied|in (?:technology|practice|industry)"
    r"|where (?:is|are|do|does|would|can|could|might) (?:it|this|that|they|we|you|i|\w+)"
    r"(?: \w+)* (?:used|see|found|find|use|come up|matter)|where is (?:the )?[\w ]+ used"
    r"|what (?:is|are) (?:it|they|this|that|[\w ]+) used for|practical)\b"
)
_COMPARE = re.compile(
    r"\b(?:vs\.?|versus|difference|differences|differ|different from|compared? (?:to|with)"
    r"|compare|same as|or (?:a|an|the)? ?\w+ ?\?*$)\b"
)
_COMPUTE = re.compile(
    r"\b(?:calculate|calculating|calculation|compute|work (?:it |that |this )?out|formula"
    r"|equation for|how (?:much|many|far|long|fast|high|big)|find (?:the|its)|solve"
    r"|how (?:do|would|can|should) (?:i|you|we) (?:use|find|get|split|resolve|add)"
    r"|add up|units? of)\b"
)
_MISCONCEPTION = re.compile(
    r"^(?:is it true|is it (?:really|possible)|is (?!it\b)\w+(?: \w+)* (?:real|true)\b"
    r"|(?:is|are|does|do|did|can|will|would|doesn'?t|isn'?t)\b(?! you\b| u\b))"
    r"|\b(?:misconception|myth|get wrong|always true|really (?:both|true))\b"
)
_WHY = re.compile(
    r"\b(?:why|what causes|cause of|reason|how come|how (?:does|do|is|are|can|could) (?:a |an "
    r"|the )?[\w' ]+ (?:work|happen|form|make|store|give|produce|bend|float))\b|^how (?:does|do)\b"
)
_DEFINE = re.compile(r"^(?:what (?:is|are|does)|whats|what's|define|meaning|explain)\b")


def detect_facet(text: str, *, intent: str) -> str | None:
    """The facet ``text`` asks for, given its intent; None for turns that are not questions
    about physics (greetings, off-topic, "try again": a retry keeps the facet it re-answers).
    """
    if intent in ("greeting", "off_topic", "retry"):
        return None
    said = re.sub(r"\s+", " ", text.lower().replace("’", "'")).strip()
    if _HINT.search(said):
        return "hint"
    if intent == "simpler":
        return "simpler"
    if _APPLICATIONS.search(said):
        return "applications"
    if intent == "problem":
        return "compute"
    if _COMPARE.search(said):
        return "compare"
    if _COMPUTE.search(said):
        return "compute"
    if intent == "example":
        return "example"
    if _MISCONCEPTION.search(said):
        return "misconception"
    if _WHY.search(said):
        return "why"
    return "define"


_COMPARE_LEAD = re.compile(
    r"^(?:(?:so |and |but )?(?:what'?s|what is|whats|what are|tell me|explain)?\s*(?:the )?"
    r"(?:main )?differences? (?:between|of)|compare|how (?:is|are|does|do))\s+",
)
_COMPARE_JOIN = re.compile(
    r"\s+(?:vs\.?|versus|and|or|compared (?:to|with)|different (?:from|to)|differ from)\s+"
)
_COMPARE_TAIL = re.compile(
    r"\s+(?:different|differ|compare|whats the difference|what's the difference)\b.*$"
)


def comparison_sides(text: str) -> tuple[str, str] | None:
    """The two things a comparison names ("speed vs velocity" -> ("speed", "velocity"))."""
    said = re.sub(r"[?!.]+", " ", text.lower()).strip()
    said = _COMPARE_LEAD.sub("", said)
    parts = _COMPARE_JOIN.split(said, maxsplit=1)
    if len(parts) == 2:
        parts = [parts[0], _COMPARE_TAIL.sub("", parts[1])]
    else:
        parts = _COMPARE_JOIN.split(_COMPARE_TAIL.sub("", said), maxsplit=1)
    if len(parts) != 2 or not all(p.strip() for p in parts):
        return None
    return parts[0].strip(), parts[1].strip()
