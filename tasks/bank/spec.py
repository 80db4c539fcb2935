"""Plain data types for the demo question bank.

They are frozen dataclasses rather than models so the bank can be imported, tested and verified
without Django; the seeding service turns them into rows.
"""

import textwrap
from collections.abc import Mapping
from dataclasses import dataclass, field

DIFFICULTIES: tuple[str, ...] = ("easy", "medium", "hard")
ANSWER_KINDS: tuple[str, ...] = ("numeric", "choice", "self")


@dataclass(frozen=True)
class TopicSpec:
    slug: str
    name: str
    description: str


@dataclass(frozen=True)
class OptionSpec:
    id: str  # "a", "b", "c", "d"
    text: str


@dataclass(frozen=True)
class QuestionSpec:
    slug: str  # unique and stable: the seeding service keys on it
    topic: str  # TopicSpec.slug
    difficulty: str  # "easy" | "medium" | "hard"
    title: str
    statement: str  # Markdown with $..$ / $$..$$ LaTeX; states every given value with its unit
    answer_kind: str  # "numeric" | "choice" | "self"
    solution: str  # worked solution, Markdown + LaTeX, ending with the result
    concept: str  # the physics concept in a few words; the AI tutor is opened on it
    # Given values in SI units (constants stated in the statement included), so the verification
    # test can recompute the answer independently of the solution text.
    params: Mapping[str, float] = field(default_factory=dict)
    answer: float | None = None  # numeric only, expressed in `unit`
    unit: str = ""  # numeric only; "" for dimensionless
    tolerance: float = 0.02  # numeric only, relative
    options: tuple[OptionSpec, ...] = ()  # choice only, 4 options
    correct_option: str = ""  # choice only


def md(text: str) -> str:
    """Dedent an indented triple-quoted Markdown block (indentation would make it a code block)."""
    return textwrap.dedent(text).strip()
