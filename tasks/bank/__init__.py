"""The demo question bank: real physics tasks as plain data, independent of Django.

Each topic module defines `TOPIC` and `QUESTIONS`; this package gathers them in topic order.
The seeding service turns them into database rows; tests/tasks/test_question_bank.py recomputes
every numeric answer from its parameters.
"""

from tasks.bank import (
    calculus,
    dynamics,
    electromagnetism,
    energy_momentum,
    kinematics,
    modern_physics,
    optics,
    thermodynamics,
    waves,
)
from tasks.bank.spec import OptionSpec, QuestionSpec, TopicSpec

_MODULES = (
    calculus,
    kinematics,
    dynamics,
    energy_momentum,
    waves,
    thermodynamics,
    electromagnetism,
    optics,
    modern_physics,
)

TOPICS: tuple[TopicSpec, ...] = tuple(module.TOPIC for module in _MODULES)
QUESTIONS: tuple[QuestionSpec, ...] = tuple(q for module in _MODULES for q in module.QUESTIONS)


def questions_for(topic: str) -> tuple[QuestionSpec, ...]:
    """The questions of one topic (by slug), in bank order."""
    return tuple(q for q in QUESTIONS if q.topic == topic)


__all__ = ["QUESTIONS", "TOPICS", "OptionSpec", "QuestionSpec", "TopicSpec", "questions_for"]
