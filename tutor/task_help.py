"""Help on one practice task: hints while it is pending (never the answer), the solution after.

``TaskContext`` is what a tutor chat opened from a practice task knows about it (read from the
database once per turn by ``task_context``). ``AnswerGuard`` checks each sentence of a reply
before it is streamed and replaces one that would give the answer away — the model is told not
to, but the guarantee is at the output, for the offline model and Gemini alike.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

# What replaces a sentence that would give the answer away.
WORK_IT_OUT = "*(I'll stop there — work it out from here: you have everything you need.)*"

# A number as written in prose or LaTeX; not an exponent ("t^2") nor part of a name ("x1").
_NUMBER = re.compile(
    r"(?<![\w.^])(?<!\^\{)[-−]?\d+(?:[.,]\d+)?(?:\s*(?:\\times|×|x|\*)\s*10\^?\{?[-−]?\d+\}?|[eE][-−]?\d+)?"
)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n")
_ANSWER_LINE = re.compile(r"^\s*\**\s*answer\s*:?\**", re.IGNORECASE)


def parse_number(text: str) -> float | None:
    """A number as written in a statement or a reply: "22", "1.5e-3", "1.5 \\times 10^{-3}"."""
    t = text.replace("−", "-").replace(",", ".").replace(" ", "")
    scaled = re.match(r"^(-?\d+(?:\.\d+)?)(?:\\times|×|x|\*)10\^?\{?(-?\d+)\}?$", t)
    try:
        if scaled:
            return float(scaled.group(1)) * 10 ** int(scaled.group(2))
        return float(t)
    except ValueError:
        return None


def numbers_in(text: str) -> list[float]:
    out = []
    for match in _NUMBER.finditer(text):
        after = text[match.end() : match.end() + 1]
        if re.fullmatch(r"-?\d+", match.group()) and (after.isalpha() or after == "\\"):
            continue  # a coefficient in a formula ("2h", "2\\pi"), not a value
        value = parse_number(match.group())
        if value is not None:
            out.append(value)
    return out


@dataclass(frozen=True)
class Attempt:
    answer: str
    is_correct: bool | None


@dataclass(frozen=True)
class TaskContext:
    """One practice task as the tutor sees it."""

    practice_task_id: int
    title: str
    topic: str  # topic slug
    topic_name: str
    statement: str
    concept: str  # the concept the task exercises, in words
    answer_kind: str  # numeric | choice | self
    numeric_answer: float | None
    unit: str
    tolerance: float
    options: tuple[tuple[str, str], ...]  # (id, text)
    correct_option: str
    solution: str
    pending: bool
    answer: str = ""  # the student's stored answer once completed
    is_correct: bool | None = None
    attempts: tuple[Attempt, ...] = ()  # earlier attempts at the same task, oldest first
    hints_used: int = 0

    def steps(self) -> list[str]:
        """The worked solution as steps (paragraphs and display equations), without its
        final "Answer:" line."""
        return solution_steps(self.solution)

    def correct_answer_text(self) -> str:
        if self.answer_kind == "numeric" and self.numeric_answer is not None:
            return f"{self.numeric_answer:.6g} {self.unit}".strip()
        if self.answer_kind == "choice":
            text = dict(self.options).get(self.correct_option, "")
            return f"({self.correct_option}) {text}".strip()
        return ""

    def answer_text(self) -> str:
        if self.answer_kind == "numeric" and self.answer:
            try:
                return f"{float(self.answer):.6g} {self.unit}".strip()
            except ValueError:
                return self.answer
        if self.answer_kind == "choice" and self.answer:
            return f"({self.answer}) {dict(self.options).get(self.answer, '')}".strip()
        return self.answer

    def to_prompt(self) -> dict[str, Any]:
        """What the prompt carries. While the task is pending it carries no final value, no
        correct option and not the solution's last steps: only the step to hint at next."""
        data: dict[str, Any] = {
            "title": self.title,
            "topic": self.topic_name,
            "statement": self.statement,
            "concept": self.concept,
            "status": "pending" if self.pending else "completed",
            "attempts": [a.answer for a in self.attempts],
        }
        steps = self.steps()
        if self.pending:
            data["hints_given"] = self.hints_used
            if self.hints_used < len(steps) - 1:
                data["next_step"] = steps[self.hints_used]
        else:
            data["solution"] = self.solution
            data["student_answer"] = self.answer_text()
            data["correct_answer"] = self.correct_answer_text()
            data["is_correct"] = self.is_correct
            data["mistake"] = mistake_note(self)
        return data


def solution_steps(solution: str) -> list[str]:
    blocks = [b.strip() for b in re.split(r"\n\s*\n", solution) if b.strip()]
    steps: list[str] = []
    for block in blocks:
        if _ANSWER_LINE.match(block):
            continue
        steps.append(" ".join(line.strip() for line in block.splitlines()))
    return steps


def mistake_note(task: TaskContext) -> str:
    """A short diagnosis of a wrong numeric answer: the usual slips, checked by ratio."""
    if task.is_correct or task.answer_kind != "numeric" or task.numeric_answer in (None, 0):
        return ""
    try:
        given = float(task.answer)
    except ValueError:
        return ""
    right = float(task.numeric_answer or 0)
    if given == 0:
        return "Your answer was zero: check that no quantity dropped out by mistake."
    ratio = given / right
    checks = (
        (-1.0, "Your answer has the right size but the wrong sign: check your directions."),
        (2.0, "Your answer is twice the correct one: look for a factor of 2 (or ½) you missed."),
        (0.5, "Your answer is half the correct one: look for a factor of 2 (or ½) you missed."),
        (1000.0, "Your answer is 1000 times too big: check a unit conversion (g/kg, mm/m, ms/s)."),
        (0.001, "Your answer is 1000 times too small: check a unit conversion (g/kg, mm/m)."),
        (60.0, "Your answer is 60 times too big: check minutes and seconds."),
        (1 / 60, "Your answer is 60 times too small: check minutes and seconds."),
        (100.0, "Your answer is 100 times too big: check cm and m (or a percentage)."),
        (0.01, "Your answer is 100 times too small: check cm and m (or a percentage)."),
    )
    for factor, note in checks:
        if abs(ratio / factor - 1) <= max(task.tolerance, 0.02):
            return note
    if _close(given, right**2, 0.02) or _close(given**2, right, 0.02):
        return "Check whether a quantity should have been squared or square-rooted."
    return "Compare your working with the solution step by step to find where it diverges."


class AnswerGuard:
    """Holds a reply back sentence by sentence and replaces any that would give the answer.

    A sentence leaks when it contains a number within the task's tolerance of the answer
    (numbers that appear in the statement are the student's givens and are allowed), or, for a
    choice task, names the correct option ("option b", "(b)") or quotes its text.
    ``release(piece)`` returns the text now safe to send; ``finish()`` the rest.
    """

    def __init__(self, task: TaskContext) -> None:
        self.task = task
        self._buffer = ""
        self.replaced = 0
        self._givens = numbers_in(task.statement)
        self._said_replacement = False
        option_text = dict(task.options).get(task.correct_option, "")
        self._option_text = _plain(option_text) if len(_plain(option_text)) >= 3 else ""
        self._option_id = (
            re.compile(
                rf"(?:\(\s*{re.escape(task.correct_option)}\s*\)|\b(?:option|answer|choice)\s*"
                rf"\(?{re.escape(task.correct_option)}\b\)?)",
                re.IGNORECASE,
            )
            if task.correct_option
            else None
        )

    def leaks(self, sentence: str) -> bool:
        task = self.task
        if task.answer_kind == "numeric" and task.numeric_answer is not None:
            right = float(task.numeric_answer)
            tolerance = max(task.tolerance, 1e-9)
            for value in numbers_in(sentence):
                if _close(value, right, tolerance) and not any(
                    _close(value, g, 1e-9) for g in self._givens
                ):
                    return True
        if task.answer_kind == "choice":
            if self._option_id is not None and self._option_id.search(sentence):
                return True
            if self._option_text and self._option_text in _plain(sentence):
                return True
        return False

    def _check(self, sentence: str) -> str:
        if not self.leaks(sentence):
            return sentence
        self.replaced += 1
        trailing = sentence[len(sentence.rstrip()) :]
        if self._said_replacement:
            return trailing
        self._said_replacement = True
        return WORK_IT_OUT + trailing

    def release(self, piece: str) -> str:
        self._buffer += piece
        out: list[str] = []
        while True:
            match = _SENTENCE_END.search(self._buffer)
            if match is None:
                break
            sentence, self._buffer = self._buffer[: match.end()], self._buffer[match.end() :]
            out.append(self._check(sentence))
        return "".join(out)

    def finish(self) -> str:
        rest, self._buffer = self._buffer, ""
        return self._check(rest) if rest else ""


def _close(a: float, b: float, rel: float) -> bool:
    if b == 0:
        return abs(a) <= rel
    return abs(a - b) <= rel * abs(b)


def _plain(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


def task_context(*, practice_task: Any) -> TaskContext:
    """The practice task (with its task loaded) as a ``TaskContext``; reads earlier attempts."""
    task = practice_task.task
    earlier = (
        type(practice_task)
        .objects.filter(student_id=practice_task.student_id, task_id=task.pk, status="completed")
        .exclude(pk=practice_task.pk)
    )
    attempts = tuple(
        Attempt(answer=p.answer, is_correct=p.is_correct) for p in earlier.order_by("answered_at")
    )
    return TaskContext(
        practice_task_id=practice_task.pk,
        title=task.title,
        topic=task.topic.slug,
        topic_name=task.topic.name,
        statement=task.statement,
        concept=task.concept,
        answer_kind=task.answer_kind,
        numeric_answer=task.numeric_answer,
        unit=task.unit,
        tolerance=float(task.tolerance or 0.02),
        options=tuple((str(o.get("id", "")), str(o.get("text", ""))) for o in task.options or ()),
        correct_option=task.correct_option,
        solution=task.solution,
        pending=practice_task.status != "completed",
        answer=practice_task.answer,
        is_correct=practice_task.is_correct,
        attempts=attempts,
        hints_used=int(getattr(practice_task, "hints_used", 0) or 0),
    )
