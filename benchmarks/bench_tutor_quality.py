"""Tutor answer quality on the frozen test half of the labelled set (tests/tutor/labelled_messages).

Retrieval (hybrid: BM25 fields + the offline embedder, fused by reciprocal rank) is scored on
the covered questions that name a concept: hit@1, hit@3 and MRR (a comparison counts either
of its two concepts). Refusals: a question "refused" when no passage reaches the calibrated
confidence; precision and recall of refusing the off-syllabus physics questions, and the share
of covered questions refused. Facet accuracy: ``tutor.facets.detect_facet`` against the label.
The pipeline's time before the model is asked (classify + retrieve + prompt) is measured over
the whole set.

``calibrate`` is how the shipped threshold and confidence weights were chosen, on the
calibration half only (tests/tutor/test_retrieval_quality.py checks they still are).
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import re
import statistics
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

NAME = "tutor_quality"
DESCRIPTION = "tutor retrieval, refusals and facets on the frozen test half of the labelled set"

ROOT = Path(__file__).resolve().parents[1]

# Grids searched by ``calibrate`` (on the calibration half).
COSINE_WEIGHTS = (0.25, 0.4, 0.5, 0.6, 0.75)
UNKNOWN_WORD_WEIGHTS = (0.0, 0.25, 0.5, 1.0)
ALIAS_CONFIDENCES = (0.0, 0.05, 0.1, 0.15, 0.2)
UNSEEN_COMPOUND_WEIGHTS = (0.0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3)
THRESHOLDS = tuple(round(0.1 + 0.005 * i, 3) for i in range(100))
# How many passages a concept question retrieves (tutor.pipeline.PipelineConfig.k).
ANSWER_K = 3
# A covered question refused costs this many off-syllabus questions answered from near notes.
COVERED_REFUSAL_COST = 4.0


@dataclass(frozen=True)
class Calibration:
    cosine_weight: float
    unknown_word_weight: float
    alias_confidence: float
    unseen_compound_weight: float
    threshold: float
    covered_refused: float
    uncovered_refused: float
    problem_threshold: float | None = None


def _labelled() -> tuple[Sequence, Sequence]:
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from tests.tutor.labelled_messages import CALIBRATION_HALF, TEST_HALF

    return CALIBRATION_HALF, TEST_HALF


def _components(index, messages) -> np.ndarray:  # type: ignore[no-untyped-def]
    """(cosine, coverage, alias named, unseen compound) of each message's ``ANSWER_K``
    top-ranked passages, shape (messages, ANSWER_K, 4): the pipeline answers from the first of
    them whose confidence reaches the threshold, and refuses only when none does."""
    out = []
    lexical = index.lexical
    for m in messages:
        vector = index.embeddings.embed_query(m.text)
        terms = lexical.query_terms(m.text)
        named = {j for j, _ in lexical.alias_matches(terms)}
        cosines, coverage = index.scores(vector), lexical.coverage(terms)
        unseen = lexical.unseen_compounds(m.text)
        for hit in index.ranked(m.text, vector)[:ANSWER_K]:
            i = index.passages.index(hit.passage)
            out.append((float(cosines[i]), float(coverage[i]), float(i in named), float(unseen[i])))
    return np.asarray(out, dtype=np.float64).reshape(-1, ANSWER_K, 4)


def _is_problem(message: Any) -> bool:
    """Whether the pipeline takes ``message`` for a word problem (its own threshold)."""
    from tutor import intents

    return intents.classify(message.text, has_context=message.context is not None) == "problem"


def _best_threshold(
    covered: np.ndarray, uncovered: np.ndarray, n_covered: int, n_uncovered: int
) -> tuple[float, int, float, float]:
    """(score, threshold index, covered refused, off-syllabus refused) of the best threshold
    for one group of messages, shares taken of the whole set's counts; the middle of the best
    run of thresholds."""
    thresholds = np.asarray(THRESHOLDS)
    cr = (covered[:, None] < thresholds[None, :]).sum(axis=0) / n_covered
    ur = (uncovered[:, None] < thresholds[None, :]).sum(axis=0) / n_uncovered
    score = np.round(ur - COVERED_REFUSAL_COST * cr, 6)
    top = float(score.max())
    plateau = np.flatnonzero(score == top)
    at = int(plateau[len(plateau) // 2])
    return top, at, float(cr[at]), float(ur[at])


def calibrate(index, messages) -> Calibration:  # type: ignore[no-untyped-def]
    """The confidence weights and thresholds that best separate covered from off-syllabus
    questions: most off-syllabus refused, a covered refusal costing ``COVERED_REFUSAL_COST``
    of them. Word problems get a threshold of their own (the objective is a sum over the two
    groups, so each group's best threshold is found alone); ties go to the middle of the best
    run of thresholds, then to the first weights in grid order (no unseen-compound weight
    before some)."""
    covered = [m for m in messages if m.covered and m.concept]
    uncovered = [m for m in messages if not m.covered]
    cov_problem = np.asarray([_is_problem(m) for m in covered], dtype=bool)
    unc_problem = np.asarray([_is_problem(m) for m in uncovered], dtype=bool)
    thresholds = np.asarray(THRESHOLDS)
    best: tuple[float, Calibration] | None = None
    lexical = index.lexical
    saved = lexical.unknown_word_weight
    try:
        for uw in UNKNOWN_WORD_WEIGHTS:
            lexical.unknown_word_weight = uw
            cov, unc = _components(index, covered), _components(index, uncovered)
            for pw, cw, ac in itertools.product(
                UNSEEN_COMPOUND_WEIGHTS, COSINE_WEIGHTS, ALIAS_CONFIDENCES
            ):
                weights = np.asarray([cw, 1 - cw, ac, -pw])
                # A message is answered when any of its top passages reaches the threshold.
                cc, uc = (cov @ weights).max(axis=1), (unc @ weights).max(axis=1)
                concept = _best_threshold(
                    cc[~cov_problem], uc[~unc_problem], len(covered), len(uncovered)
                )
                problem = _best_threshold(
                    cc[cov_problem], uc[unc_problem], len(covered), len(uncovered)
                )
                top = round(concept[0] + problem[0], 6)
                if best is None or top > best[0]:
                    best = (
                        top,
                        Calibration(
                            cw,
                            uw,
                            ac,
                            pw,
                            float(thresholds[concept[1]]),
                            round(concept[2] + problem[2], 4),
                            round(concept[3] + problem[3], 4),
                            float(thresholds[problem[1]]),
                        ),
                    )
    finally:
        lexical.unknown_word_weight = saved
    assert best is not None
    return best[1]


@dataclass
class Report:
    hit1: float
    hit3: float
    mrr: float
    n_covered: int
    refusal_precision: float
    refusal_recall: float
    covered_refused: float
    n_uncovered: int
    facet_accuracy: float
    n_facets: int
    overhead_p50_ms: float
    overhead_p99_ms: float
    leaks: int = 0
    hint_replies: int = 0
    blurts_caught: int = 0
    blurts: int = 0


def evaluate(index, messages) -> Report:  # type: ignore[no-untyped-def]
    from tutor.facets import detect_facet

    threshold = index.spec.threshold
    covered = [m for m in messages if m.covered and m.concept]
    uncovered = [m for m in messages if not m.covered]
    ranks = []
    for m in covered:
        wanted = {m.concept, m.also} - {None}
        ranked = index.search(m.text, k=len(index), threshold=-10.0)
        rank = next((i + 1 for i, (p, _) in enumerate(ranked) if p.slug in wanted), None)
        ranks.append(rank)

    # Refused as the pipeline refuses: no passage among its top ANSWER_K reaches the threshold
    # (a word problem's own threshold for a word problem).
    def refused(m: Any) -> bool:
        bar = index.spec.threshold_for("problem") if _is_problem(m) else threshold
        return not index.search(m.text, k=ANSWER_K, threshold=bar)

    refused_cov = sum(refused(m) for m in covered)
    refused_unc = sum(refused(m) for m in uncovered)
    refused = refused_cov + refused_unc
    faceted = [m for m in messages if m.expected_facet]
    facet_ok = sum(detect_facet(m.text, intent=m.intent) == m.expected_facet for m in faceted)
    overhead = asyncio.run(_overheads(index, messages))
    return Report(
        hit1=sum(r == 1 for r in ranks) / len(ranks),
        hit3=sum(r is not None and r <= 3 for r in ranks) / len(ranks),
        mrr=sum(1 / r for r in ranks if r) / len(ranks),
        n_covered=len(covered),
        refusal_precision=refused_unc / refused if refused else 1.0,
        refusal_recall=refused_unc / len(uncovered),
        covered_refused=refused_cov / len(covered),
        n_uncovered=len(uncovered),
        facet_accuracy=facet_ok / len(faceted),
        n_facets=len(faceted),
        overhead_p50_ms=statistics.median(overhead),
        overhead_p99_ms=sorted(overhead)[int(0.99 * (len(overhead) - 1))],
    )


async def _overheads(index, messages) -> list[float]:  # type: ignore[no-untyped-def]
    from tutor.offline_model import OfflineTutorModel
    from tutor.pipeline import ChatState, Done, PipelineConfig, stream_reply

    model = OfflineTutorModel()
    config = PipelineConfig()
    out = []
    for _ in range(3):
        for m in messages:
            state = ChatState(topic=m.context)
            async for event in stream_reply(
                state=state, text=m.text, index=index, model=model, config=config
            ):
                if isinstance(event, Done):
                    out.append(event.overhead_ms)
    return out


HINT_TURNS = ("can i get a hint", "what's the answer?", "what's the next step", "just tell me")


def _leaks(task: Any, text: str) -> bool:
    """An independent check of a reply against a pending task's answer: a number within the
    task's tolerance that the statement does not give, or the correct option named."""
    from tutor.task_help import numbers_in

    if task.answer_kind == "numeric" and task.numeric_answer is not None:
        givens = numbers_in(task.statement)
        for value in numbers_in(text):
            close = abs(value - task.numeric_answer) <= task.tolerance * abs(task.numeric_answer)
            if close and value not in givens:
                return True
    if task.answer_kind == "choice":
        option = dict(task.options).get(task.correct_option, "")
        if re.search(rf"\(\s*{task.correct_option}\s*\)|option {task.correct_option}\b", text):
            return True
        if len(option) >= 3 and option in text:
            return True
    return False


async def leak_rate(index: Any) -> tuple[int, int, int, int]:
    """Hint turns on every pending bank task: (leaks, replies) with the offline model, and
    (caught, total) for a model that states the answer outright."""
    from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
    from langchain_core.messages import AIMessage

    from tasks.content import load_bank
    from tutor.content import content_dir
    from tutor.offline_model import OfflineTutorModel
    from tutor.pipeline import ChatState, Done, PipelineConfig, stream_reply
    from tutor.task_help import TaskContext

    bank = load_bank(content_dir())
    model = OfflineTutorModel()
    config = PipelineConfig()
    leaks = replies = caught = blurts = 0
    for spec in bank.tasks:
        if spec.answer_kind == "self":
            continue
        for hints_used, text in enumerate(HINT_TURNS):
            task = TaskContext(
                practice_task_id=0,
                title=spec.title,
                topic=spec.topic,
                topic_name=spec.topic,
                statement=spec.statement,
                concept=spec.concept,
                answer_kind=spec.answer_kind,
                numeric_answer=spec.answer,
                unit=spec.unit,
                tolerance=spec.tolerance,
                options=tuple((o.id, o.text) for o in spec.options),
                correct_option=spec.correct_option,
                solution=spec.solution,
                pending=True,
                hints_used=hints_used,
            )
            answer = task.correct_answer_text()
            blurter = GenericFakeChatModel(
                messages=iter([AIMessage(content=f"Sure. The answer is {answer}. Good luck!")])
            )
            for chat_model, is_blurt in ((model, False), (blurter, True)):
                async for event in stream_reply(
                    state=ChatState(), text=text, index=index, model=chat_model, config=config,
                    task=task,
                ):  # fmt: skip
                    if isinstance(event, Done):
                        leaked = _leaks(task, event.text)
                        if is_blurt:
                            blurts += 1
                            caught += not leaked
                        else:
                            replies += 1
                            leaks += leaked
    return leaks, replies, caught, blurts


def table(report: Report, calibration: Calibration | None = None) -> str:
    rows = [
        f"retrieval on {report.n_covered} covered questions: hit@1 {report.hit1:.3f}  "
        f"hit@3 {report.hit3:.3f}  MRR {report.mrr:.3f}",
        f"refusals ({report.n_uncovered} off-syllabus): precision {report.refusal_precision:.3f}"
        f"  recall {report.refusal_recall:.3f}  covered refused {report.covered_refused:.3f}",
        f"facet accuracy on {report.n_facets}: {report.facet_accuracy:.3f}",
        f"answer leaks on pending tasks: {report.leaks} of {report.hint_replies} hint replies "
        f"(offline model, every bank task); a model stating the answer: "
        f"{report.blurts - report.blurts_caught} of {report.blurts} got through",
        f"pipeline before the model: p50 {report.overhead_p50_ms:.2f} ms  "
        f"p99 {report.overhead_p99_ms:.2f} ms",
    ]
    if calibration is not None:
        rows.append(
            f"calibration half -> threshold {calibration.threshold} (word problems "
            f"{calibration.problem_threshold}), cosine weight "
            f"{calibration.cosine_weight}, unknown-word weight {calibration.unknown_word_weight}"
            f", alias confidence {calibration.alias_confidence}, unseen-compound weight "
            f"{calibration.unseen_compound_weight}"
            f" (covered refused {calibration.covered_refused}, off-syllabus refused "
            f"{calibration.uncovered_refused})"
        )
    return "\n".join(rows)


def run(args: argparse.Namespace) -> str:
    from tutor.retrieval import offline_index

    calibration_half, test_half = _labelled()
    index = offline_index()
    report = evaluate(index, test_half)
    report.leaks, report.hint_replies, report.blurts_caught, report.blurts = asyncio.run(
        leak_rate(index)
    )
    shipped = calibrate(index, calibration_half)
    return f"frozen test half: {len(test_half)} messages\n" + table(report, shipped)
